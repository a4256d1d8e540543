"""The configuration files of the sample catalog: portal.yaml and each dataset's dataset.yaml.

Stage: sample. Guarantees: the texts validate against ``generator.config.Portal`` / ``DatasetConfig`` (a test
loads them with ``load_catalog``); they read like the files a credit office writes by hand — Chinese titles
and descriptions, comments, no generated noise. The city (临江市) and its web address are fictional.
"""

from __future__ import annotations

from pathlib import Path

from generator import paths
from generator.sample import evaluations, fulfilment, registrations
from generator.sample.credit_defs import ITEMS
from generator.sample.departments import BY_KEY
from generator.sample.writer import write_table

PORTAL_YAML = """\
# 信用临江 —— 门户基本信息（演示用虚构城市）
name: 信用临江
region: 临江市
region_code: "610300"
publisher: 临江市发展和改革委员会（临江市社会信用体系建设领导小组办公室）
publisher_code: 11610300042440012W
base_url: https://credit.linjiang.example.gov.cn/
description: >-
  “信用临江”是临江市社会信用体系建设的官方信息公示平台，依法归集并公示全市各级行政机关作出的行政许可、
  行政处罚决定（“双公示”）和行政检查结果，公示严重失信主体名单、重点关注对象名单、守信激励对象名单以及
  失信惩戒措施清单，提供信用信息查询、异议申诉和信用修复指引，并以开放数据包形式向社会开放公共信用数据。
licence:
  id: CC-BY-4.0
  title: 知识共享署名 4.0 国际许可协议（CC BY 4.0）
  url: https://creativecommons.org/licenses/by/4.0/deed.zh-hans
contacts:
  office: 临江市公共信用信息中心
  phone: 12345（临江市政务服务便民热线）
  email: credit@linjiang.example.gov.cn
  address: 临江市江城区滨江路88号市民中心B座6楼
  objection_channel: >-
    对公示信息有异议的，可将异议申请书和证明材料发送至信用办电子邮箱，或携带身份证明及相关材料到市民中心
    B座6楼信用服务窗口现场提交；信息提供部门自受理之日起7个工作日内核实并答复。
  repair_channel: >-
    行政处罚信息的信用修复，请通过“信用中国”网站“信用修复”栏目在线申请，或到市民中心B座6楼信用服务窗口咨询；
    严重失信主体名单的提前移出，请向作出认定的部门申请。
keep_releases: 10
"""

DATASETS: dict[str, str] = {
    "penalties": """\
kind: penalty
title: 行政处罚信息
description: >-
  临江市各级行政执法部门作出的行政处罚决定信息（“双公示”），包括行政相对人、违法行为类型、违法事实、
  处罚依据、处罚类别、处罚内容和处罚决定日期等。处罚决定自作出之日起7个工作日内公示，公示期满或信用修复后
  停止公示；自然人的证件号码遮蔽后公示。
publisher: 临江市各行政执法部门（临江市公共信用信息中心归集）
update_frequency: monthly
keywords: [双公示, 行政处罚, 违法行为, 处罚决定书]
issued: 2019-07-01
""",
    "licences": """\
kind: licensing
title: 行政许可信息
description: >-
  临江市各级行政机关作出的行政许可决定信息（“双公示”），包括许可决定文书、许可类别、许可证书名称和编号、
  许可内容、有效期和许可机关。许可在有效期内公示，长期有效的许可以 2099-12-31 表示。
publisher: 临江市各行政许可实施机关（临江市公共信用信息中心归集）
update_frequency: monthly
keywords: [双公示, 行政许可, 许可证, 审批]
issued: 2019-07-01
""",
    "inspections": """\
kind: other-act
act_type: 行政检查
title: 行政检查信息
description: >-
  临江市各部门开展“双随机、一公开”抽查和其他行政检查的结果信息，包括检查对象、检查事项、检查类型、
  检查完成日期、检查结果和后续处理情况。
publisher: 临江市各行政检查实施部门（临江市公共信用信息中心归集）
update_frequency: monthly
schema: schema.yaml
keywords: [双随机一公开, 行政检查, 抽查结果]
issued: 2021-01-01
""",
    "list-punishment": """\
kind: list
list_type: punishment
title: 严重失信主体名单
description: >-
  依据法律、法规和党中央、国务院政策文件认定的严重失信主体名单，包括市场监督管理严重违法失信名单、
  安全生产严重失信主体名单、拖欠农民工工资失信联合惩戒对象名单和重大税收违法失信主体名单。主体移出名单或
  列入期限届满后停止公示。
publisher: 临江市各认定部门（临江市公共信用信息中心归集）
update_frequency: monthly
keywords: [严重失信主体名单, 黑名单, 联合惩戒]
issued: 2020-01-01
""",
    "list-watch": """\
kind: list
list_type: watch
title: 重点关注对象名单
description: >-
  经营异常名录和安全生产失信重点关注名单。列入重点关注名单的主体将被列为重点监管对象，
  履行相关义务或期限届满后移出。
publisher: 临江市市场监督管理局、临江市应急管理局
update_frequency: monthly
keywords: [经营异常名录, 重点关注, 重点监管]
issued: 2020-01-01
""",
    "list-incentive": """\
kind: list
list_type: incentive
title: 守信激励对象名单
description: >-
  纳税信用A级纳税人、守合同重信用企业和劳动保障守法诚信示范单位等守信激励对象（“红名单”），
  在有效期内公示，可依法享受“绿色通道”、容缺受理等激励措施。
publisher: 国家税务总局临江市税务局、临江市市场监督管理局、临江市人力资源和社会保障局
update_frequency: quarterly
keywords: [守信激励, 红名单, 纳税信用A级]
issued: 2020-01-01
""",
    "measures": """\
kind: measures
title: 失信惩戒措施清单
description: >-
  临江市失信惩戒措施清单，依据《全国失信惩戒措施基础清单》编制，分为减损权益或增加义务的措施、管理措施、
  市场和社会主体实施的措施三类，列明惩戒对象、适用名单、惩戒措施、设定依据和实施主体。
publisher: 临江市发展和改革委员会
update_frequency: irregular
keywords: [失信惩戒, 措施清单, 联合惩戒]
issued: 2022-01-01
""",
}


DATASETS["evaluations"] = evaluations.dataset_yaml()
DATASETS["registrations"] = registrations.REGISTRATION_YAML
DATASETS["fulfilment"] = fulfilment.FULFILMENT_YAML
COMMITMENT_ITEMS = "commitment-items"
COMMITMENT_ITEMS_YAML = """\
kind: commitment-items
title: 告知承诺事项清单
description: >-
  临江市实行告知承诺制的行政许可、证明事项等清单：事项名称与编码、实施部门、设定依据和事后核查方式。
publisher: 临江市发展和改革委员会
update_frequency: irregular
keywords: [告知承诺, 信用承诺, 证明事项]
issued: 2021-01-01
"""
ITEMS_HEADER = [
    "事项名称",
    "事项编码",
    "事项类别",
    "承诺类型",
    "实施部门",
    "设定依据",
    "事后核查方式",
    "承诺书模板",
    "生效日期",
]
ITEMS_BASIS = (
    "《国务院办公厅关于全面推行证明事项和涉企经营许可事项告知承诺制的指导意见》（国办发〔2020〕42号）"
)


def write_commitment_items(root: Path) -> bool:
    """The commitment-items list the fulfilment records refer to — only when the catalog has none (the demo city
    keeps its own, hand-written one, which holds every code of ``credit_defs.ITEMS``). True when written."""
    folder = root / paths.DATASETS_DIR / COMMITMENT_ITEMS
    if folder.exists():
        return False
    folder.mkdir(parents=True)
    (folder / paths.DATASET_FILE).write_text(COMMITMENT_ITEMS_YAML, encoding="utf-8")
    rows = [
        [i.name, i.code, i.category, "证明替代型" if i.category == "证明事项" else "审批替代型", BY_KEY[i.dept].name,
         ITEMS_BASIS, f"承诺后{i.check_days[0]}至{i.check_days[1]}日内核查", "general", i.effective.isoformat()]
        for i in ITEMS
    ]  # fmt: skip
    write_table(folder / "2021.csv", ITEMS_HEADER, rows)
    return True


def write_portal(root: Path) -> None:
    (root / paths.PORTAL_FILE).write_text(PORTAL_YAML, encoding="utf-8")


def write_dataset_yaml(folder: Path, dataset_id: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / paths.DATASET_FILE).write_text(DATASETS[dataset_id], encoding="utf-8")
