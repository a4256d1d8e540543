"""Test helpers: small public record tables and Publications built by hand, as the rules stage hands them to
the output stages (real built-in schemas, real record IDs, real config models; no mocks)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd

from generator.config import Contacts, DatasetConfig, Licence, Portal
from generator.identifiers import record_id, uscc_check_char
from generator.model import BATCH, FILE, KEY, RECORD_ID, ROW, Catalog, DatasetSpec, Publication, Table
from generator.schema import builtin_schema

AUTHORITY = "11330900002570512" + uscc_check_char("11330900002570512")
COMPANY = "91330902MA2A1B2C3" + uscc_check_char("91330902MA2A1B2C3")
KINDS = {"penalties": "penalty", "licences": "licensing"}


def portal(keep: int = 10) -> Portal:
    return Portal(
        name="信用临江", region="临江市", publisher="临江市社会信用体系建设领导小组办公室",
        base_url="https://credit.linjiang.example.cn/",
        licence=Licence(id="CC-BY-4.0", title="知识共享 署名 4.0", url="https://creativecommons.org/licenses/by/4.0/"),
        contacts=Contacts(office="临江市信用办"), keep_releases=keep,
    )  # fmt: skip


def spec(dataset: str) -> DatasetSpec:
    kind = KINDS[dataset]
    title = {"penalty": "行政处罚信息", "licensing": "行政许可信息"}[kind]
    config = DatasetConfig(
        kind=kind, title=title, description=f"临江市各部门作出的{title}。", publisher="临江市市场监督管理局",
        update_frequency="daily", keywords=["双公示"],
    )  # type: ignore[call-arg]  # fmt: skip
    return DatasetSpec(dataset, config, builtin_schema(kind), Path("/nonexistent") / dataset, ())


def catalog(keep: int = 10, datasets: tuple[str, ...] = ("penalties", "licences")) -> Catalog:
    return Catalog(root=Path("/nonexistent"), portal=portal(keep), datasets=tuple(spec(d) for d in datasets))


def penalty(n: int, **fields: str) -> dict[str, str]:
    """Public penalty number ``n`` (document number 临市监处罚〔2025〕n号); override any field."""
    row = {
        "CF_XDR_MC": f"临江市恒盛建材有限公司第{n}分公司", "CF_XDR_LB": "法人及非法人组织", "CF_XDR_SHXYM": COMPANY,
        "CF_WSH": f"临市监处罚〔2025〕{n}号", "CF_WFXW": "销售不合格产品", "CF_SY": f"经查，第{n}批次产品不合格。",
        "CF_YJ": "《中华人民共和国产品质量法》第四十九条", "CF_CFLB": "警告；罚款", "CF_NR": "罚款人民币壹万元",
        "CF_NR_FK": "1.5", "CF_JDRQ": f"2025-{1 + n % 12:02d}-{1 + n % 28:02d}", "CF_CFJG": "临江市市场监督管理局",
        "CF_CFJGDM": AUTHORITY,
    }  # fmt: skip
    return row | fields


def person_row(n: int, **fields: str) -> dict[str, str]:
    """A penalty on a natural person, ID number already masked as the privacy rule leaves it."""
    who = {"CF_XDR_MC": "张三", "CF_XDR_LB": "自然人", "CF_XDR_SHXYM": "", "CF_XDR_ZJLX": "身份证",
           "CF_XDR_ZJHM": "330902********1234"}  # fmt: skip
    return penalty(n, **(who | fields))


def licence(n: int, **fields: str) -> dict[str, str]:
    row = {
        "XK_XDR_MC": f"临江市鑫华食品有限公司第{n}门店", "XK_XDR_LB": "法人及非法人组织", "XK_XDR_SHXYM": COMPANY,
        "XK_XKWS": "食品经营许可决定书", "XK_WSH": f"临市监许〔2025〕{n}号", "XK_XKLB": "普通",
        "XK_JDRQ": "2025-09-01", "XK_YXQZ": "2025-09-01", "XK_YXQZI": "2030-08-31",
        "XK_XKJG": "临江市市场监督管理局", "XK_XKJGDM": AUTHORITY,
    }  # fmt: skip
    return row | fields


def frame(dataset: str, rows: list[dict[str, str]]) -> pd.DataFrame:
    """A public record table: every schema column as text ("" when empty) plus the META columns."""
    schema = spec(dataset).schema
    data = pd.DataFrame(
        [{f.name: row.get(f.name, "") for f in schema.fields} for row in rows], columns=schema.names
    )
    data = data.astype(str)
    keys = [tuple(row.get(k, "") for k in schema.primary_key) for row in rows]
    data[FILE] = f"datasets/{dataset}/2025.csv"
    data[ROW] = range(2, len(rows) + 2)
    data[BATCH] = 0
    data[KEY] = ["\x1f".join(k) for k in keys]
    data[RECORD_ID] = [record_id(dataset, k) for k in keys]
    return data


def publication(as_of: date, records: dict[str, list[dict[str, str]]], keep: int = 10) -> Publication:
    cat = catalog(keep, tuple(records))
    tables = {d: Table(cat.dataset(d), frame(d, rows)) for d, rows in records.items()}
    return Publication(catalog=cat, as_of=as_of, tables=tables, timeliness=pd.DataFrame())
