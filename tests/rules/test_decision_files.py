"""Reading decisions/repairs.csv and decisions/revocations.csv: encodings, headers, bad rows, missing columns."""

from __future__ import annotations

from pathlib import Path

from generator.problems import Level, Problem
from generator.rules import RuleData, load_rules
from tests.rules.tables import DEPARTMENT_CODE, write_catalog

HEADER = "数据集,行政处罚决定书文号,处罚机关统一社会信用代码,修复决定书文号,修复日期,修复机关,备注\n"
ROW = (
    f"penalties,临市监处罚〔2025〕7号,{DEPARTMENT_CODE},临信修〔2026〕1号,2026/1/5,临江市发展改革委,已整改\n"
)


def _load(root: Path, name: str, data: bytes) -> tuple[RuleData | None, list[Problem]]:
    write_catalog(root)
    (root / "decisions").mkdir(exist_ok=True)
    (root / "decisions" / name).write_bytes(data)
    return load_rules(root)


def test_repairs_read_in_utf8_with_bom_and_normalise_dates(tmp_path: Path) -> None:
    rules, problems = _load(tmp_path, "repairs.csv", ("\ufeff" + HEADER + ROW).encode("utf-8"))
    assert problems == []
    assert rules is not None
    repairs = rules.repairs
    assert repairs[["dataset", "decision_no", "decided_on", "authority"]].values.tolist() == [
        ["penalties", "临信修〔2026〕1号", "2026-01-05", "临江市发展改革委"]
    ]
    assert repairs["行政处罚决定书文号"].tolist() == ["临市监处罚〔2025〕7号"]
    assert (repairs["_file"].iloc[0], repairs["_row"].iloc[0]) == ("decisions/repairs.csv", 2)


def test_repairs_read_in_gb18030(tmp_path: Path) -> None:
    rules, problems = _load(tmp_path, "repairs.csv", (HEADER + ROW).encode("gb18030"))
    assert problems == [] and rules is not None and len(rules.repairs) == 1


def test_bad_decision_rows_are_kept_apart_with_file_row_field_and_value_for_the_rules_stage(
    tmp_path: Path,
) -> None:
    bad = (
        HEADER
        + ROW
        + f"penalties,临市监处罚〔2025〕8号,{DEPARTMENT_CODE},临信修〔2026〕2号,2026-02-30,发改委,\n"
        + f"Bad Id!,临市监处罚〔2025〕9号,{DEPARTMENT_CODE},临信修〔2026〕3号,2026-01-05,发改委,\n"
        + f"penalties,临市监处罚〔2025〕10号,{DEPARTMENT_CODE},,2026-01-05,发改委,\n"
        + "penalties,,,临信修〔2026〕4号,2026-01-05,发改委,\n"
    )
    rules, problems = _load(tmp_path, "repairs.csv", bad.encode("utf-8"))
    assert problems == []  # reported by the rules stage, which knows whether a row names a record
    assert rules is not None and len(rules.repairs) == 1
    invalid = rules.invalid["repairs"]
    assert invalid[["_file", "_row", "_field", "_value"]].values.tolist() == [
        ["decisions/repairs.csv", 3, "修复日期", "2026-02-30"],
        ["decisions/repairs.csv", 4, "数据集", "Bad Id!"],
        ["decisions/repairs.csv", 5, "修复决定书文号", ""],
        ["decisions/repairs.csv", 6, "记录编号", ""],
    ]
    assert invalid["行政处罚决定书文号"].tolist()[0] == "临市监处罚〔2025〕8号"
    assert rules.invalid["revocations"].empty


def test_revocations_need_a_reason_column(tmp_path: Path) -> None:
    text = "数据集,记录编号,撤销日期\npenalties,0123456789abcdef,2026-01-01\n"
    rules, problems = _load(tmp_path, "revocations.csv", text.encode("utf-8"))
    assert rules is None
    assert [(p.code, p.level, p.file, p.field) for p in problems] == [
        ("rules-decisions-missing-column", Level.CONFIG, "decisions/revocations.csv", "撤销原因")
    ]


def test_undecodable_decision_file_is_a_configuration_problem(tmp_path: Path) -> None:
    rules, problems = _load(tmp_path, "revocations.csv", b"\xff\xfe\x00\x81\x00\xff" * 3)
    assert rules is None and [p.code for p in problems] == ["rules-decisions-unreadable"]


def test_catalog_without_decision_files_has_no_decisions(tmp_path: Path) -> None:
    rules, problems = load_rules(write_catalog(tmp_path))
    assert problems == [] and rules is not None
    assert rules.repairs.empty and rules.revocations.empty
