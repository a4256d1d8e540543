"""Reference data of the sample's credit-supervision datasets: the grade scale and evaluation programmes, the
commitment items (告知承诺事项) that fulfilment records refer to, and what subjects register voluntarily.

Stage: sample (reference data). Guarantees: fixed, seed-independent values; every department key names a
department of ``departments.DEPARTMENTS``; every commitment item code is also a 事项编码 of the demo city's
hand-written commitment-items list (catalog/datasets/commitment-items), so fulfilment records written into
the demo catalog refer to items that exist; group keys are those of ``names_data.GROUPS``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

Y = 365
ALL_GROUPS = ("food", "build", "transport", "chem", "mfg", "med", "trade", "tech", "prop", "culture", "service")  # fmt: skip

GRADES = (  # (code, title, meaning, badge, weight)
    ("A", "诚信（A级）", "信用状况优良：在行政审批中可享受“绿色通道”、容缺受理等便利，日常监管中适当降低抽查比例和频次。",
     True, 25),
    ("B", "良好（B级）", "信用状况良好：按常规方式实施监管。", False, 55),
    ("C", "一般（C级）", "信用状况一般，存在一定失信风险：列为重点监管对象，适当提高抽查比例和频次。", False, 15),
    ("D", "较差（D级）", "信用状况较差，失信风险高：实施严格监管，依法依规限制其享受便利措施和参与评先评优。", True, 5),
)  # fmt: skip


@dataclass(frozen=True)
class Programme:
    """One evaluation scheme: who grades which subjects, how often, under which rules."""

    sector: str  # 行业领域 (PJ_HYLY)
    dept: str  # department key of the 评价机关
    mid: str  # 评价编号 middle part
    quarterly: bool
    basis: str
    groups: tuple[str, ...]
    ind_share: float  # share of 个体工商户 among the graded subjects
    weight: float


PROGRAMMES = (
    Programme("综合", "fg", "信评", False, "《临江市公共信用综合评价办法（试行）》（临发改规〔2021〕3号）", ALL_GROUPS, 0.1, 4),
    Programme("食品", "sj", "食信评", False, "《临江市食品生产经营主体信用风险分类管理办法》（临市监规〔2022〕2号）",
              ("food",), 0.35, 2.5),
    Programme("建筑", "zj", "建信评", True, "《临江市建筑市场主体信用评价管理办法》（临住建规〔2022〕5号）", ("build",), 0, 2),
    Programme("交通运输", "jt", "运信评", False, "《临江市道路运输企业信用评价实施细则》（临交规〔2022〕4号）",
              ("transport",), 0.05, 1.5),
)  # fmt: skip
FIRST_YEAR, QUARTERS_FROM = 2021, 2023  # yearly rounds each April from 2021; quarterly rounds from 2023 Q1


@dataclass(frozen=True)
class CommitmentItem:
    """An item of the 告知承诺事项清单 that subjects make commitments for, and how it is checked."""

    code: str
    name: str
    category: str  # 事项类别
    dept: str
    effective: date
    check_days: tuple[int, int]  # the check follows the commitment this many days later
    groups: tuple[str, ...]
    kinds: tuple[float, float, float]  # shares of organisations, 个体工商户, natural persons
    measure: str  # 处理措施 of a 失诺
    weight: float = 1.0


REVOKE = "依法撤销{name}决定，失诺信息记入信用记录，列为重点监管对象"
ITEMS = (
    CommitmentItem("LJXK-SC-001", "食品经营许可（新办）", "行政许可", "sj", date(2021, 9, 1), (30, 90), ("food",),
                   (6, 4, 0), REVOKE, 4),
    CommitmentItem("LJXK-SC-002", "食品经营许可（变更）", "行政许可", "sj", date(2021, 9, 1), (30, 90), ("food",),
                   (6, 4, 0), "责令限期整改，整改期间暂停相关经营项目，失诺信息记入信用记录", 1.5),
    CommitmentItem("LJXK-SC-004", "药品零售企业经营许可（新办）", "行政许可", "sj", date(2023, 3, 1), (20, 60), ("med",),
                   (1, 0, 0), REVOKE, 1),
    CommitmentItem("LJZM-SC-005", "企业住所（经营场所）使用证明", "证明事项", "sj", date(2021, 1, 1), (30, 180),
                   ALL_GROUPS, (8, 2, 0), "依法撤销相关登记事项，列入经营异常名录，失诺信息记入信用记录", 3),
    CommitmentItem("LJXK-JS-004", "建筑工程施工许可证核发", "行政许可", "zj", date(2022, 1, 1), (20, 90), ("build",),
                   (1, 0, 0), "责令停止施工、限期补正，失诺信息记入建筑市场信用记录", 1.5),
    CommitmentItem("LJXK-JS-005", "房地产开发企业资质（二级）核定", "行政许可", "zj", date(2022, 7, 1), (60, 180),
                   ("prop",), (1, 0, 0), REVOKE, 0.5),
    CommitmentItem("LJXK-JT-001", "道路普通货物运输经营许可", "行政许可", "jt", date(2022, 5, 1), (15, 45),
                   ("transport",), (7, 3, 0), REVOKE, 2),
    CommitmentItem("LJXK-JT-003", "道路运输从业人员从业资格证（货运驾驶员）", "行政许可", "jt", date(2021, 6, 1),
                   (10, 60), ("transport",), (0, 0, 1), "依法撤销从业资格证，三年内不得重新申请", 1),
    CommitmentItem("LJZM-SW-002", "跨区域涉税事项报告中的外出经营合同", "证明事项", "sw", date(2021, 8, 1), (60, 240),
                   ("build", "trade", "mfg"), (1, 0, 0), "补正相关资料，按规定追缴税款和滞纳金，失诺信息记入纳税信用记录", 1.5),
    CommitmentItem("LJZM-SW-004", "契税减免申报中的婚姻关系证明", "证明事项", "sw", date(2021, 8, 1), (30, 180), ("trade",),
                   (0, 0, 1), "追缴已减免的契税及滞纳金，失诺信息记入个人信用记录", 1),
    CommitmentItem("LJXK-WJ-001", "公共场所卫生许可（新办）", "行政许可", "wj", date(2021, 3, 1), (14, 40),
                   ("service", "culture"), (5, 5, 0), REVOKE, 1.5),
    CommitmentItem("LJXK-RS-002", "劳务派遣经营许可", "行政许可", "rs", date(2022, 3, 1), (30, 90), ("service",),
                   (1, 0, 0), REVOKE, 0.8),
    CommitmentItem("LJXK-HJ-001", "排污许可（简化管理）", "行政许可", "hb", date(2022, 1, 1), (60, 240), ("chem", "mfg"),
                   (1, 0, 0), "责令限期改正，依法处以罚款，失诺信息记入环境信用记录", 1),
)  # fmt: skip
ANY_ITEM = next(i for i, item in enumerate(ITEMS) if item.code == "LJZM-SC-005")  # fits every organisation

REG_CATEGORIES = (("资质", 35), ("荣誉", 25), ("承诺", 20), ("经营信息", 15), ("其他", 5))
REG_TEXT = {  # category → (texts for organisations, texts for persons, verifying department, validity days)
    "资质": (("质量管理体系认证证书（GB/T 19001-2016），认证范围覆盖主营业务", "环境管理体系认证证书（GB/T 24001-2016）",
             "高新技术企业证书（有效期三年）", "安全生产标准化三级企业（{year}年评定）", "职业健康安全管理体系认证证书"),
            ("二级建造师注册证书", "执业药师注册证", "高级会计师职称证书"), "sj", 3 * Y),
    "荣誉": (("{year}年度临江市“守合同重信用”企业", "{year}年度临江市诚信经营示范店", "临江市“专精特新”中小企业（{year}年认定）",
             "{year}年度临江市消费者满意单位"), ("{year}年度临江市诚信之星", "{year}年度临江市优秀志愿者"), "sj", 2 * Y),
    "承诺": (("主动签署《市场主体信用承诺书》：依法诚信经营，自觉接受政府、行业组织和社会监督",
             "公开承诺：商品明码标价、无理由退货，不销售假冒伪劣商品", "公开承诺：按时足额支付员工工资，依法缴纳社会保险"),
            ("签署《个人诚信承诺书》：遵守法律法规，诚实守信",), "xy", 0),
    "经营信息": (("上年度营业收入约{amount}万元，从业人员{staff}人，按时报送年度报告", "主营产品通过第三方检测，检测报告已主动公开",
                 "开设门店{staff}家，统一执行食品安全管理制度"), ("个人从业经历：从事本行业{staff}年",), "xy", Y),
    "其他": (("加入临江市诚信经营联盟，接受联盟自律监督", "主动公开消费投诉处理结果"), ("参加临江市信用知识培训并结业",), "xy", 0),
}  # fmt: skip
