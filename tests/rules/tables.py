"""Test helpers: validated record tables as the validate stage hands them to the rules (no mocks — real
schemas, real record IDs), and small rule files on disk."""

from __future__ import annotations

import copy
import itertools
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

import pandas as pd
import yaml
from stdnum.cn import ric

from generator.config import DatasetConfig
from generator.identifiers import record_id, uscc_check_char
from generator.model import BATCH, FILE, KEY, RECORD_ID, ROW, DatasetSpec, StageResult, Table
from generator.problems import Problem
from generator.rules import RuleData, RulesResult, apply_rules, load_rules
from generator.rules.ruleset import DEFAULTS_DIR
from generator.schema import Schema, builtin_schema, parse_schema

AS_OF = date(2026, 3, 1)
REPO_CATALOG_RULES = Path(__file__).resolve().parents[2] / "catalog" / "rules"
DEPARTMENT = "临江市市场监督管理局"
DEPARTMENT_CODE = "113309000025705" + "12" + uscc_check_char("11330900002570512")
COMPANY_CODE = "91330902MA2A1B2C3" + uscc_check_char("91330902MA2A1B2C3")
_serial = itertools.count(1)

OTHER_ACT_SCHEMA: dict[str, Any] = {
    "primaryKey": ["JC_WSH", "JC_JGDM"],
    "roles": {"date": "JC_RQ", "department": "JC_JG", "department_code": "JC_JGDM", "document": "JC_WSH",
              "valid_until": "JC_YXQZ", "subject_type": "JC_XDR_LB", "id_number": "JC_ZJHM"},
    "fields": [
        {"name": "JC_WSH", "title": "检查文书号"}, {"name": "JC_JG", "title": "检查机关"},
        {"name": "JC_JGDM", "title": "检查机关统一社会信用代码"}, {"name": "JC_RQ", "title": "检查日期", "type": "date"},
        {"name": "JC_YXQZ", "title": "有效期至", "type": "date"}, {"name": "JC_XDR_MC", "title": "行政相对人名称"},
        {"name": "JC_XDR_LB", "title": "行政相对人类别"}, {"name": "JC_ZJHM", "title": "证件号码", "privacy": "mask"},
        {"name": "JC_LXDH", "title": "联系电话"},
    ],
}  # fmt: skip


def resident_id(birth: str, area: str = "330902", sequence: str = "123") -> str:
    """A well-formed 身份证号 for someone born on ``birth`` (YYYY-MM-DD)."""
    body = area + birth.replace("-", "") + sequence
    return body + ric.calc_check_digit(body)


def schema_of(kind: str) -> Schema:
    return parse_schema(OTHER_ACT_SCHEMA, "other-act") if kind == "other-act" else builtin_schema(kind)


def penalty(**fields: str) -> dict[str, str]:
    """A valid penalty on an organisation (一般 by category: 罚款), decided on 2025-09-01; override any field."""
    row = {
        "CF_XDR_MC": "临江市恒盛建材有限公司", "CF_XDR_LB": "法人及非法人组织", "CF_XDR_SHXYM": COMPANY_CODE,
        "CF_WSH": f"临市监处罚〔2025〕{next(_serial)}号", "CF_WFXW": "销售不合格产品", "CF_SY": "经查……",
        "CF_YJ": "《中华人民共和国产品质量法》第四十九条", "CF_CFLB": "罚款", "CF_NR": "罚款人民币壹万元",
        "CF_NR_FK": "1", "CF_JDRQ": "2025-09-01", "CF_CFJG": DEPARTMENT, "CF_CFJGDM": DEPARTMENT_CODE,
    }  # fmt: skip
    return row | fields


def person(birth: str = "1980-05-17", **fields: str) -> dict[str, str]:
    """A penalty on a natural person with a 身份证 number."""
    who = {"CF_XDR_MC": "张三", "CF_XDR_LB": "自然人", "CF_XDR_SHXYM": "", "CF_XDR_ZJLX": "身份证"}
    return penalty(**(who | {"CF_XDR_ZJHM": resident_id(birth)} | fields))


def licence(**fields: str) -> dict[str, str]:
    row = {
        "XK_XDR_MC": "临江市恒盛建材有限公司", "XK_XDR_LB": "法人及非法人组织", "XK_XDR_SHXYM": COMPANY_CODE,
        "XK_XKWS": "食品经营许可决定书", "XK_WSH": f"临市监许〔2025〕{next(_serial)}号", "XK_XKLB": "普通",
        "XK_JDRQ": "2025-09-01", "XK_YXQZ": "2025-09-01", "XK_YXQZI": "2030-08-31",
        "XK_XKJG": DEPARTMENT, "XK_XKJGDM": DEPARTMENT_CODE,
    }  # fmt: skip
    return row | fields


def entry(**fields: str) -> dict[str, str]:
    row = {
        "MD_MC": "临江市恒盛建材有限公司", "MD_ZTLB": "法人及非法人组织", "MD_SHXYM": COMPANY_CODE,
        "MD_MDMC": "严重失信主体名单", "MD_LRYY": "拒不履行法定义务", "MD_RDYJ": "《……办法》第十条",
        "MD_RDBM": DEPARTMENT, "MD_RDBMDM": DEPARTMENT_CODE, "MD_RDWH": f"临信〔2025〕{next(_serial)}号",
        "MD_LRRQ": "2025-09-01", "MD_YXQZ": "", "MD_YCRQ": "",
    }  # fmt: skip
    return row | fields


def act(**fields: str) -> dict[str, str]:
    row = {"JC_WSH": f"临检〔2025〕{next(_serial)}号", "JC_JG": DEPARTMENT, "JC_JGDM": DEPARTMENT_CODE,
           "JC_RQ": "2025-09-01", "JC_YXQZ": "", "JC_XDR_MC": "临江市恒盛建材有限公司", "JC_XDR_LB": "法人及非法人组织",
           "JC_ZJHM": "", "JC_LXDH": "0576-88888888"}  # fmt: skip
    return row | fields


def table(kind: str, rows: list[dict[str, str]], dataset: str = "") -> Table:
    """A validated table: every schema column as str, plus META; a row may set ``_batch`` (default 0)."""
    schema = schema_of(kind)
    dataset = dataset or {"penalty": "penalties", "licensing": "licences", "list": "blacklist"}.get(
        kind, "inspections"
    )
    records = []
    rows_in_file: dict[str, int] = {}
    for row in rows:
        batch = int(row.get(BATCH, 0))
        file = f"datasets/{dataset}/batch-{batch:02d}.csv"
        rows_in_file[file] = rows_in_file.get(file, 1) + 1
        record = {name: str(row.get(name, "")) for name in schema.names}
        key = [record[f] for f in schema.primary_key]
        meta = {
            FILE: file,
            ROW: rows_in_file[file],
            BATCH: batch,
            KEY: "\x1f".join(key),
            RECORD_ID: record_id(dataset, key),
        }
        records.append(record | meta)
    columns = [*schema.names, FILE, ROW, BATCH, KEY, RECORD_ID]
    types = {c: "int64" if c in (ROW, BATCH) else "str" for c in columns}
    frame = pd.DataFrame({c: pd.Series([r[c] for r in records], dtype=types[c]) for c in columns})
    config = DatasetConfig.model_validate({
        "kind": kind, "title": dataset, "description": "测试数据集", "publisher": DEPARTMENT,
        "update_frequency": "monthly", "list_type": "punishment" if kind == "list" else None,
        "schema": "schema.yaml" if kind == "other-act" else None,
    })  # fmt: skip
    return Table(DatasetSpec(dataset, config, schema, Path("/nonexistent") / dataset, ()), frame)


def stage(*tables: Table) -> StageResult:
    return StageResult(tables={t.spec.id: t for t in tables})


def write_catalog(root: Path, publication: dict[str, Any] | None = None, calendar: dict[str, Any] | None = None,
                  repairs: str = "", revocations: str = "") -> Path:  # fmt: skip
    """A catalog folder with rule files (defaults unless given) and decision CSVs (when given)."""
    (root / "rules").mkdir(parents=True, exist_ok=True)
    pub = publication if publication is not None else default_publication()
    (root / "rules" / "publication.yaml").write_text(
        yaml.safe_dump(pub, allow_unicode=True), encoding="utf-8"
    )
    cal = calendar if calendar is not None else {"years": {}}
    (root / "rules" / "calendar.yaml").write_text(yaml.safe_dump(cal, allow_unicode=True), encoding="utf-8")
    for name, text in (("repairs.csv", repairs), ("revocations.csv", revocations)):
        if text:
            (root / "decisions").mkdir(exist_ok=True)
            (root / "decisions" / name).write_text(text, encoding="utf-8")
    return root


_DEFAULT_TEXT = (DEFAULTS_DIR / "publication.yaml").read_text(encoding="utf-8")
_DEFAULT_DATA: dict[str, Any] = yaml.safe_load(_DEFAULT_TEXT)


def default_publication() -> dict[str, Any]:
    """A fresh copy of the packaged publication rules as data."""
    return copy.deepcopy(_DEFAULT_DATA)


def rules_from(root: Path) -> RuleData:
    rules, problems = load_rules(root)
    assert rules is not None, [p.message for p in problems]
    return rules


@cache
def packaged_rules() -> RuleData:
    """The shipped defaults, loaded the way a catalog without rules/ gets them."""
    import tempfile

    with tempfile.TemporaryDirectory() as empty:
        return rules_from(Path(empty))


def apply(
    *tables: Table, as_of: date = AS_OF, rules: RuleData | None = None, first: pd.Series | None = None
) -> RulesResult:
    """apply_rules with the packaged rules and no earlier build, unless told otherwise."""
    earlier = first if first is not None else pd.Series(dtype="str")
    return apply_rules(stage(*tables), rules or packaged_rules(), as_of, earlier)


def public_ids(result: RulesResult, dataset: str) -> set[str]:
    return set(result.tables[dataset].frame[RECORD_ID])


def reasons(result: RulesResult) -> dict[str, str]:
    """Record ID → withheld reason (for current versions; superseded rows share the ID, so they are skipped)."""
    rows = result.ledger[result.ledger["reason"] != "superseded"]
    return dict(zip(rows[RECORD_ID], rows["reason"], strict=True))


def with_rules(root: Path, change: Any) -> RuleData:
    """Packaged publication rules changed by ``change(dict)``, written to ``root`` and loaded back."""
    data = default_publication()
    change(data)
    return rules_from(write_catalog(root, data))


def rule_problems(root: Path, change: Any, calendar: dict[str, Any] | None = None) -> list[Problem]:
    """The problems of loading the packaged publication rules changed by ``change(dict)`` (rules must be None)."""
    data = default_publication()
    change(data)
    rules, problems = load_rules(write_catalog(root, data, calendar))
    assert rules is None
    return problems
