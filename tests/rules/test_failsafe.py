"""Fail-safe withdrawals (issue 11, item 2): a repair, revocation, list exit or correction that names a published
record but cannot be applied (impossible date, missing field, rejected by validation) withholds that record until
it is fixed; one that names no record is a warning and withholds nothing."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from generator.model import BATCH, FILE, RECORD_ID, ROW, StageResult, Table
from generator.problems import Level
from generator.rules import REASONS, RulesResult, apply_rules
from generator.validate import validate
from tests.rules.tables import (
    DEPARTMENT_CODE,
    apply,
    entry,
    packaged_rules,
    penalty,
    reasons,
    rules_from,
    table,
    write_catalog,
)

REPAIRS = "数据集,行政处罚决定书文号,处罚机关统一社会信用代码,修复决定书文号,修复日期,修复机关\n"
REVOCATIONS = "dataset,CF_WSH,CF_CFJGDM,reason,decided_on\n"


def _repair(record: dict[str, str], day: str, number: str = "临信修〔2026〕3号") -> str:
    return f"penalties,{record['CF_WSH']},{DEPARTMENT_CODE},{number},{day},临江市发展改革委\n"


def test_repair_with_impossible_date_withdraws_the_record(tmp_path: Path) -> None:
    named, other = penalty(), penalty()
    rules = rules_from(write_catalog(tmp_path, repairs=REPAIRS + _repair(named, "2026-02-30")))
    result = apply(table("penalty", [named, other]), rules=rules)
    assert result.tables["penalties"].frame["CF_WSH"].tolist() == [other["CF_WSH"]]
    row = result.ledger.iloc[0]
    assert (row["reason"], row["value"]) == ("decision-invalid", "2026-02-30")
    assert "decisions/repairs.csv 第 2 行" in row["message"]
    [found] = result.problems
    assert (found.code, found.level, found.file, found.row, found.field, found.value) == (
        "rules-decision-invalid", Level.ERROR, "decisions/repairs.csv", 2, "修复日期", "2026-02-30",
    )  # fmt: skip
    assert row[RECORD_ID] not in set(result.first_published.index)


def test_revocation_with_unreadable_date_withdraws_the_record(tmp_path: Path) -> None:
    named = penalty()
    text = REVOCATIONS + f"penalties,{named['CF_WSH']},{DEPARTMENT_CODE},异议核实有误,2026-07-32\n"
    result = apply(table("penalty", [named]), rules=rules_from(write_catalog(tmp_path, revocations=text)))
    assert result.tables["penalties"].frame.empty
    assert reasons(result) == {table("penalty", [named]).frame[RECORD_ID].iloc[0]: "decision-invalid"}
    assert [(p.code, p.level, p.row, p.value) for p in result.problems] == [
        ("rules-decision-invalid", Level.ERROR, 2, "2026-07-32")
    ]


def test_invalid_repair_missing_its_decision_number_withdraws_the_record_too(tmp_path: Path) -> None:
    named = penalty()
    rules = rules_from(write_catalog(tmp_path, repairs=REPAIRS + _repair(named, "2026-01-05", number="")))
    result = apply(table("penalty", [named]), rules=rules)
    assert result.tables["penalties"].frame.empty
    assert [(p.code, p.field) for p in result.problems] == [("rules-decision-invalid", "修复决定书文号")]


def test_invalid_decision_naming_no_record_is_a_warning_and_withdraws_nothing(tmp_path: Path) -> None:
    published = penalty()
    text = (
        REPAIRS
        + _repair(penalty(), "2026-02-30")  # a record that is not in the dataset
        + f"no-such-dataset,X,{DEPARTMENT_CODE},修〔2026〕2号,2026-13-01,发改委\n"
        + f"Bad Id!,{published['CF_WSH']},{DEPARTMENT_CODE},修〔2026〕3号,2026-01-05,发改委\n"
    )
    result = apply(table("penalty", [published]), rules=rules_from(write_catalog(tmp_path, repairs=text)))
    assert len(result.tables["penalties"].frame) == 1 and result.ledger.empty
    assert [(p.code, p.level, p.row) for p in result.problems] == [
        ("rules-decision-invalid-unmatched", Level.WARNING, 2),
        ("rules-decision-invalid-unmatched", Level.WARNING, 3),
        ("rules-decision-invalid-unmatched", Level.WARNING, 4),
    ]


def test_valid_revocation_still_wins_as_the_reason_over_an_invalid_repair(tmp_path: Path) -> None:
    named = penalty()
    revocations = REVOCATIONS + f"penalties,{named['CF_WSH']},{DEPARTMENT_CODE},撤销,2026-01-06\n"
    rules = rules_from(
        write_catalog(tmp_path, repairs=REPAIRS + _repair(named, "2026-02-30"), revocations=revocations)
    )
    result = apply(table("penalty", [named]), rules=rules)
    assert result.ledger["reason"].tolist() == ["revoked"]
    assert [p.code for p in result.problems] == ["rules-decision-invalid"]  # still to be fixed


def test_fail_safe_reasons_are_documented() -> None:
    assert {"decision-invalid", "correction-rejected"} <= set(REASONS)
    order = list(REASONS)
    assert order.index("repaired") < order.index("decision-invalid") < order.index("correction-rejected")


# ---- corrections that validation rejected: through the real validate stage, so record IDs are its own ----


def _raw(kind: str, rows: list[dict[str, str]], dataset: str) -> StageResult:
    """Raw rows as the load stage hands them on (one file per batch), for ``validate``."""
    spec = table(kind, [], dataset).spec
    records = [{n: r.get(n, "") for n in spec.schema.names} for r in rows]
    frame = pd.DataFrame(records, columns=spec.schema.names, dtype="str")
    batches = np.array([int(r.get(BATCH, 0)) for r in rows], dtype=np.int64)
    frame[FILE] = [f"datasets/{dataset}/batch-{b:02d}.csv" for b in batches]
    frame[ROW] = frame.groupby(FILE).cumcount().to_numpy(dtype=np.int64) + 2
    frame[BATCH] = batches
    return StageResult({dataset: Table(spec, frame)})


def _build(kind: str, rows: list[dict[str, str]], as_of: date = date(2026, 3, 1)) -> RulesResult:
    dataset = {"penalty": "penalties", "list": "blacklist"}[kind]
    valid = validate(_raw(kind, rows, dataset))
    return apply_rules(valid, packaged_rules(), as_of, pd.Series(dtype="str"))


def test_correction_rejected_for_an_impossible_date_withholds_the_record() -> None:
    first, other = penalty(CF_NR="罚款人民币壹万元"), penalty()
    wrong = first | {"CF_NR": "罚款人民币贰万元", "CF_JDRQ": "2026-02-30", BATCH: "1"}
    result = _build("penalty", [first, other, wrong])
    assert result.tables["penalties"].frame["CF_WSH"].tolist() == [other["CF_WSH"]]
    row = result.ledger.iloc[0]
    assert (row["reason"], row[FILE], row[ROW]) == (
        "correction-rejected",
        "datasets/penalties/batch-00.csv",
        2,
    )
    assert "batch-01.csv 第 2 行" in row["message"]
    [found] = [p for p in result.problems if p.code == "rules-correction-rejected"]
    assert (found.level, found.file, found.row, found.field) == (
        Level.ERROR, "datasets/penalties/batch-01.csv", 2, "CF_JDRQ",
    )  # fmt: skip
    assert found.value == row[RECORD_ID]


def test_rejected_later_row_of_the_same_batch_withholds_the_record() -> None:
    first = penalty()
    result = _build("penalty", [first, first | {"CF_NR": "罚款人民币贰万元"}])  # same key twice in one file
    assert result.tables["penalties"].frame.empty
    assert result.ledger["reason"].tolist() == ["correction-rejected"]
    assert [p.row for p in result.problems if p.code == "rules-correction-rejected"] == [3]


def test_rejected_row_older_than_the_current_version_changes_nothing() -> None:
    first = penalty()
    rows = [first | {"CF_JDRQ": "2025-02-30"}, first | {"CF_NR": "更正", BATCH: "1"}]
    result = _build("penalty", rows)
    assert result.tables["penalties"].frame["CF_NR"].tolist() == ["更正"]
    assert not [p for p in result.problems if p.code == "rules-correction-rejected"]


def test_rejected_row_naming_no_valid_record_withholds_nothing() -> None:
    kept = penalty()
    result = _build("penalty", [kept, penalty(CF_JDRQ="2026-02-30", **{BATCH: "1"})])
    assert result.tables["penalties"].frame["CF_WSH"].tolist() == [kept["CF_WSH"]]
    assert result.ledger.empty and result.problems == []


def test_unreadable_list_exit_date_in_a_correction_withholds_the_entry() -> None:
    listed = entry()
    result = _build("list", [listed, listed | {"MD_YCRQ": "2026-02-30", BATCH: "1"}])
    assert result.tables["blacklist"].frame.empty
    assert result.ledger["reason"].tolist() == ["correction-rejected"]
    [found] = [p for p in result.problems if p.code == "rules-correction-rejected"]
    assert (found.file, found.row, found.field) == ("datasets/blacklist/batch-01.csv", 2, "MD_YCRQ")


def test_valid_correction_after_a_rejected_one_publishes_again() -> None:
    first = penalty()
    rows = [first, first | {"CF_JDRQ": "2026-02-30", BATCH: "1"}, first | {"CF_NR": "更正", BATCH: "2"}]
    result = _build("penalty", rows)
    assert result.tables["penalties"].frame["CF_NR"].tolist() == ["更正"]
    assert sorted(result.ledger["reason"]) == ["superseded"]


def test_an_exact_copy_of_a_row_in_the_same_batch_keeps_the_record_public() -> None:
    first = penalty()
    result = _build("penalty", [first, dict(first)])  # the clerk pasted the same row twice
    assert result.tables["penalties"].frame["CF_WSH"].tolist() == [first["CF_WSH"]]
    assert not [p for p in result.problems if p.code == "rules-correction-rejected"]
