"""A small, hand-made Publication for the site tests: real built-in schemas, real record IDs, small real
DataFrames — a penalty on an organisation, one on a natural person (masked ID), a penalty whose text holds
markup and quotes, a licence, an other-act dataset with its own schema, list entries, measures, timeliness,
one data file and one release written to disk as the data-pack stage would."""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from generator.config import Contacts, DatasetConfig, Licence, Portal
from generator.identifiers import mask_id, record_id, uscc_check_char
from generator.model import (
    BATCH,
    FILE,
    KEY,
    RECORD_ID,
    ROW,
    Catalog,
    DataFile,
    DatasetSpec,
    Publication,
    ReleaseInfo,
    Table,
)
from generator.schema import builtin_schema, parse_schema
from generator.site import render_site

BASE_URL = "https://credit.linjiang.example.cn/"
AS_OF = date(2026, 3, 1)
DEPARTMENT = "临江市市场监督管理局"
TAX = "临江市税务局"


def uscc(first17: str) -> str:
    return first17 + uscc_check_char(first17)


def resident_id(body17: str) -> str:
    """A 身份证号 with the GB 11643 check character."""
    total = sum(int(c) * pow(2, 17 - i, 11) for i, c in enumerate(body17))
    check = (12 - total % 11) % 11
    return body17 + ("X" if check == 10 else str(check))


COMPANY = "临江市恒盛建材有限公司"
COMPANY_CODE = uscc("91330902MA2A1B2C3")
SHOP_CODE = uscc("92330902MA2B3C4D5")
DEPT_CODE = uscc("11330900002570512")
TAX_CODE = uscc("11330900002570688")
PERSON = "张某某"
PERSON_ID = resident_id("33010219851120456")  # never published in clear
PERSON_MASKED = mask_id(PERSON_ID)
EVIL = "<script>alert(1)</script> \"quotes\" & 'apostrophes'"
EVIL_NAME = '"引号"<b>建材</b>商行'
OTHER_ACT = {
    "primaryKey": ["JC_WSH"],
    "roles": {"date": "JC_RQ", "subject_name": "JC_MC", "subject_code": "JC_DM", "subject_type": "JC_LB",
              "department": "JC_JG", "document": "JC_WSH", "summary": "JC_JG_NR"},
    "fields": [
        {"name": "JC_WSH", "title": "检查文书号"}, {"name": "JC_MC", "title": "检查对象"},
        {"name": "JC_LB", "title": "对象类别"}, {"name": "JC_DM", "title": "统一社会信用代码"},
        {"name": "JC_RQ", "title": "检查日期", "type": "date"}, {"name": "JC_JG", "title": "检查机关"},
        {"name": "JC_JG_NR", "title": "检查结果"},
    ],
}  # fmt: skip


def penalty(doc: str, **fields: str) -> dict[str, str]:
    row = {
        "CF_XDR_MC": COMPANY, "CF_XDR_LB": "法人及非法人组织", "CF_XDR_SHXYM": COMPANY_CODE, "CF_WSH": doc,
        "CF_WFXW": "销售不合格产品", "CF_SY": "经查，当事人销售的水泥抗压强度不合格。",
        "CF_YJ": "《中华人民共和国产品质量法》第四十九条", "CF_CFLB": "警告；罚款", "CF_NR": "罚款人民币壹万元",
        "CF_NR_FK": "1", "CF_JDRQ": "2026-02-10", "CF_CFJG": DEPARTMENT, "CF_CFJGDM": DEPT_CODE,
    }  # fmt: skip
    return row | fields


def table(dataset: str, kind: str, rows: list[dict[str, str]], **config: Any) -> Table:
    """A public table as the rules stage hands it over: schema columns as str, META columns, record IDs."""
    schema = parse_schema(OTHER_ACT, kind) if kind == "other-act" else builtin_schema(kind)
    frame = pd.DataFrame([{n: row.get(n, "") for n in schema.public_names()} for row in rows], dtype="str")
    keys = [tuple(row.get(k, "") for k in schema.primary_key) for row in rows]
    frame[FILE] = f"datasets/{dataset}/2026-02.csv"
    frame[ROW] = list(range(2, len(rows) + 2))
    frame[BATCH] = 0
    frame[KEY] = ["\x1f".join(k) for k in keys]
    frame[RECORD_ID] = [record_id(dataset, k) for k in keys]
    settings = {"title": config.pop("title"), "description": f"{dataset} 的说明", "publisher": "临江市信用办"}
    cfg = DatasetConfig(kind=kind, update_frequency="monthly", **settings, **config)  # type: ignore[arg-type]
    return Table(DatasetSpec(dataset, cfg, schema, Path("."), ()), frame)


def tables() -> dict[str, Table]:
    penalties = [
        penalty("临市监处罚〔2026〕1号"),
        penalty("临市监处罚〔2025〕88号", CF_JDRQ="2025-11-03", CF_CFLB="吊销许可证件", CF_NR_FK=""),
        penalty("临市监处罚〔2026〕2号", CF_XDR_MC=PERSON, CF_XDR_LB="自然人", CF_XDR_SHXYM="",
                CF_XDR_ZJLX="身份证", CF_XDR_ZJHM=PERSON_MASKED, CF_NR_FK="0.2", CF_JDRQ="2026-02-11"),
        penalty("临税罚〔2026〕5号", CF_XDR_MC=EVIL_NAME, CF_XDR_LB="个体工商户", CF_XDR_SHXYM=SHOP_CODE,
                CF_WFXW=EVIL, CF_SY=EVIL, CF_CFJG=TAX, CF_CFJGDM=TAX_CODE, CF_NR_FK="60", CF_JDRQ="2026-01-20"),
    ]  # fmt: skip
    licences = [
        {"XK_XDR_MC": COMPANY, "XK_XDR_LB": "法人及非法人组织", "XK_XDR_SHXYM": COMPANY_CODE, "XK_XKWS": "建筑业企业资质证书",
         "XK_WSH": "临建许〔2025〕9号", "XK_XKLB": "认可", "XK_JDRQ": "2025-12-01", "XK_XKJG": "临江市住房和城乡建设局",
         "XK_XKJGDM": uscc("11330900002570777"), "XK_YXQZI": "2030-11-30"},
    ]  # fmt: skip
    entries = [
        {"MD_MC": COMPANY, "MD_ZTLB": "法人及非法人组织", "MD_SHXYM": COMPANY_CODE, "MD_MDMC": "严重违法失信名单",
         "MD_LRYY": "提供虚假材料取得许可", "MD_RDYJ": "《市场监督管理严重违法失信名单管理办法》第九条",
         "MD_RDBM": DEPARTMENT, "MD_RDBMDM": DEPT_CODE, "MD_RDWH": "临市监信〔2026〕3号", "MD_LRRQ": "2026-01-15",
         "MD_YXQZ": "2029-01-14"},
        {"MD_MC": PERSON, "MD_ZTLB": "自然人", "MD_ZJLX": "身份证", "MD_ZJHM": PERSON_MASKED, "MD_MDMC": "严重违法失信名单",
         "MD_LRYY": "拒不履行", "MD_RDYJ": "依据", "MD_RDBM": DEPARTMENT, "MD_RDBMDM": DEPT_CODE,
         "MD_RDWH": "临市监信〔2026〕4号", "MD_LRRQ": "2026-01-20"},
    ]  # fmt: skip
    measures = [
        {"CS_BH": "1-01", "CS_FL": "减损权益或增加义务的措施", "CS_DX": "严重违法失信主体", "CS_MDMC": "严重违法失信名单；重大税收违法失信主体名单",
         "CS_CS": "限制参加政府采购活动", "CS_YJ": "《政府采购法》第二十二条", "CS_SSZT": "市财政局"},
        {"CS_BH": "2-01", "CS_FL": "管理措施", "CS_DX": "重点关注对象", "CS_MDMC": "重点关注对象名单",
         "CS_CS": "加大检查频次", "CS_YJ": "相关规定", "CS_SSZT": "各监管部门"},
    ]  # fmt: skip
    checks = [
        {"JC_WSH": "临消检〔2026〕7号", "JC_MC": COMPANY, "JC_LB": "法人及非法人组织", "JC_DM": COMPANY_CODE,
         "JC_RQ": "2026-02-20", "JC_JG": "临江市消防救援支队", "JC_JG_NR": "未发现问题"},
    ]  # fmt: skip
    return {
        "penalties": table("penalties", "penalty", penalties, title="行政处罚信息"),
        "licences": table("licences", "licensing", licences, title="行政许可信息"),
        "blacklist": table("blacklist", "list", entries, title="严重失信主体名单", list_type="punishment"),
        "measures": table("measures", "measures", measures, title="失信惩戒措施清单"),
        "inspections": table("inspections", "other-act", checks, title="行政检查信息", act_type="行政检查"),
    }


def publication() -> Publication:
    portal = Portal(
        name="信用临江", region="临江市", publisher="临江市社会信用体系建设领导小组办公室", base_url=BASE_URL,
        licence=Licence(id="CC-BY-4.0", title="知识共享署名 4.0 国际许可协议", url="https://creativecommons.org/licenses/by/4.0/"),
        contacts=Contacts(office="临江市信用办", phone="0576-88001234", email="xinyong@linjiang.example.cn",
                          address="临江市人民路 1 号", objection_channel="电子邮件或现场窗口提交书面异议",
                          repair_channel="信用中国（临江）信用修复窗口"),
        description="临江市公共信用信息公示平台。",
    )  # fmt: skip
    found = tables()
    catalog = Catalog(Path("."), portal, tuple(t.spec for t in found.values()))
    penalties = found["penalties"].frame
    timeliness = pd.DataFrame({
        "dataset": "penalties", RECORD_ID: penalties[RECORD_ID], "department": penalties["CF_CFJG"],
        "decided_on": penalties["CF_JDRQ"], "first_published": penalties["CF_JDRQ"],
        "working_days": [1, 3, 9, 2], "timely": [True, True, False, True],
    })  # fmt: skip
    return Publication(catalog=catalog, as_of=AS_OF, tables=found, timeliness=timeliness)


DATA_FILE = "data/latest/penalties/penalties.csv"
DELTA = "data/releases/20260301-1/delta.jsonl"


def with_data_files(pub: Publication, site: Path) -> Publication:
    """Write a data file and a delta as the data-pack and release stages would, and record them in ``pub``."""
    content = "\ufeff记录ID,行政相对人名称\n".encode()
    for path, data in ((DATA_FILE, content), (DELTA, b"{}\n")):
        (site / path).parent.mkdir(parents=True, exist_ok=True)
        (site / path).write_bytes(data)
    digest = hashlib.sha256(content).hexdigest()
    pub.files = [DataFile("penalties", "csv", DATA_FILE, len(content), digest, 4)]
    counts = {k: len(t.frame) for k, t in pub.tables.items()}
    pub.releases = [ReleaseInfo("20260301-1", "2026-03-01", counts, 9, 0, 0, DELTA)]
    return pub


def render(site: Path, jobs: int = 1) -> list[Any]:
    pub = with_data_files(publication(), site)
    return render_site(pub, site, jobs=jobs)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture publication rendered once (two jobs, like a real build)."""
    out = tmp_path_factory.mktemp("site") / "site"
    problems = render(out, jobs=2)
    assert [p for p in problems if p.level in ("config", "error")] == []
    return out
