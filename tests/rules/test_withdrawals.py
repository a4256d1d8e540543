"""Repairs, revocations and corrections: withdrawn records leave every public table (design.md invariant 2)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from generator.model import RECORD_ID
from generator.problems import Level
from tests.rules.tables import (
    AS_OF,
    DEPARTMENT_CODE,
    apply,
    entry,
    penalty,
    public_ids,
    reasons,
    rules_from,
    table,
    write_catalog,
)

REPAIRS_BY_TITLES = "数据集,行政处罚决定书文号,处罚机关统一社会信用代码,修复决定书文号,修复日期,修复机关\n"
REVOCATIONS_BY_CODES = "dataset,CF_WSH,CF_CFJGDM,reason,decided_on\n"


def test_repaired_penalty_is_absent_from_every_output(tmp_path: Path) -> None:
    repaired, kept = penalty(), penalty()
    text = (
        REPAIRS_BY_TITLES
        + f"penalties,{repaired['CF_WSH']},{DEPARTMENT_CODE},临信修〔2026〕3号,2026-01-05,临江市发展改革委\n"
    )
    result = apply(
        table("penalty", [repaired, kept]), rules=rules_from(write_catalog(tmp_path, repairs=text))
    )
    frame = result.tables["penalties"].frame
    assert frame["CF_WSH"].tolist() == [kept["CF_WSH"]]
    row = result.ledger.iloc[0]
    assert (row["reason"], row["value"]) == ("repaired", "临信修〔2026〕3号")
    assert row[RECORD_ID] not in set(result.first_published.index) | set(result.timeliness[RECORD_ID])


def test_revoked_penalty_is_withdrawn_with_its_reason(tmp_path: Path) -> None:
    revoked = penalty()
    text = REVOCATIONS_BY_CODES + f"penalties,{revoked['CF_WSH']},{DEPARTMENT_CODE},异议核实有误,2026-02-01\n"
    result = apply(table("penalty", [revoked]), rules=rules_from(write_catalog(tmp_path, revocations=text)))
    assert result.tables["penalties"].frame.empty
    assert result.ledger[["reason", "value"]].values.tolist() == [["revoked", "异议核实有误"]]


def test_revocation_wins_over_repair_as_the_reason(tmp_path: Path) -> None:
    record = penalty()
    repairs = (
        REPAIRS_BY_TITLES
        + f"penalties,{record['CF_WSH']},{DEPARTMENT_CODE},修〔2026〕1号,2026-01-05,发改委\n"
    )
    revocations = REVOCATIONS_BY_CODES + f"penalties,{record['CF_WSH']},{DEPARTMENT_CODE},撤销,2026-01-06\n"
    rules = rules_from(write_catalog(tmp_path, repairs=repairs, revocations=revocations))
    assert apply(table("penalty", [record]), rules=rules).ledger["reason"].tolist() == ["revoked"]


def test_decision_may_name_a_list_entry_by_the_generic_key_columns(tmp_path: Path) -> None:
    listed = entry()
    text = (
        "数据集,记录文号,机关统一社会信用代码,撤销原因,撤销日期\n"
        + f"blacklist,{listed['MD_RDWH']},{DEPARTMENT_CODE},认定错误,2026-01-01\n"
    )
    result = apply(
        table("list", [listed, entry()]), rules=rules_from(write_catalog(tmp_path, revocations=text))
    )
    assert listed["MD_RDWH"] not in set(result.tables["blacklist"].frame["MD_RDWH"])
    assert len(result.tables["blacklist"].frame) == 1


def test_decision_naming_no_known_record_is_reported_and_changes_nothing(tmp_path: Path) -> None:
    text = (
        REPAIRS_BY_TITLES
        + f"penalties,临市监处罚〔1999〕1号,{DEPARTMENT_CODE},修〔2026〕1号,2026-01-05,发改委\n"
        + f"no-such-dataset,X,{DEPARTMENT_CODE},修〔2026〕2号,2026-01-05,发改委\n"
    )
    result = apply(table("penalty", [penalty()]), rules=rules_from(write_catalog(tmp_path, repairs=text)))
    unmatched = [p for p in result.problems if p.code == "rules-decision-unmatched"]
    assert [(p.level, p.row) for p in unmatched] == [(Level.WARNING, 2), (Level.WARNING, 3)]
    assert "no-such-dataset" in unmatched[1].message
    assert len(result.tables["penalties"].frame) == 1


def test_decision_dated_after_as_of_does_not_take_effect_yet(tmp_path: Path) -> None:
    record = penalty()
    text = (
        REPAIRS_BY_TITLES
        + f"penalties,{record['CF_WSH']},{DEPARTMENT_CODE},修〔2026〕1号,2026-03-02,发改委\n"
    )
    rules = rules_from(write_catalog(tmp_path, repairs=text))
    early = apply(table("penalty", [record]), as_of=date(2026, 3, 1), rules=rules)
    assert len(early.tables["penalties"].frame) == 1
    assert [p.code for p in early.problems] == ["rules-decision-not-yet-effective"]
    later = apply(table("penalty", [record]), as_of=date(2026, 3, 2), rules=rules)
    assert later.tables["penalties"].frame.empty


def test_correction_replaces_the_record_and_keeps_its_public_id() -> None:
    first = penalty(CF_NR="罚款人民币壹万元")
    corrected = first | {"CF_NR": "罚款人民币贰万元", "_batch": "1"}
    result = apply(table("penalty", [first, penalty(), corrected]))
    frame = result.tables["penalties"].frame
    assert len(frame) == 2
    ids = table("penalty", [first]).frame[RECORD_ID].tolist()
    assert frame.set_index(RECORD_ID).loc[ids[0], "CF_NR"] == "罚款人民币贰万元"
    old = result.ledger.iloc[0]
    assert (old["reason"], old["_file"], old["_row"]) == ("superseded", "datasets/penalties/batch-00.csv", 2)
    assert "batch-01.csv 第 2 行" in old["message"]


def test_repair_of_a_corrected_record_withdraws_every_version(tmp_path: Path) -> None:
    first = penalty()
    versions = [first, first | {"CF_NR": "更正", "_batch": "1"}, first | {"CF_NR": "再更正", "_batch": "2"}]
    text = (
        REPAIRS_BY_TITLES + f"penalties,{first['CF_WSH']},{DEPARTMENT_CODE},修〔2026〕9号,2026-01-05,发改委\n"
    )
    result = apply(table("penalty", versions), rules=rules_from(write_catalog(tmp_path, repairs=text)))
    assert result.tables["penalties"].frame.empty
    assert sorted(result.ledger["reason"]) == ["repaired", "superseded", "superseded"]


def test_every_input_row_is_published_or_withheld_exactly_once() -> None:
    first = penalty()
    rows = [
        first,
        first | {"_batch": "1"},
        penalty(CF_JDRQ="2019-01-01"),
        penalty(CF_CFLB="警告", CF_JDRQ="2025-07-01"),
        penalty(),
    ]
    result = apply(table("penalty", rows))
    published = set(
        zip(result.tables["penalties"].frame["_file"], result.tables["penalties"].frame["_row"], strict=True)
    )
    withheld = set(zip(result.ledger["_file"], result.ledger["_row"], strict=True))
    assert not published & withheld
    assert len(published) + len(withheld) == len(rows) == len(result.ledger) + len(published)
    assert set(reasons(result).values()) == {"expired", "not-published-class"}


def test_withheld_reasons_are_documented() -> None:
    from generator.rules import REASONS

    assert {"superseded", "expired", "repaired", "revoked", "not-published-class", "minor", "delisted",
            "list-expired", "licence-expired", "not-yet-effective"} <= set(REASONS)  # fmt: skip


def test_public_ids_are_unaffected_by_withdrawals_of_other_records(tmp_path: Path) -> None:
    records = [penalty(), penalty()]
    text = REVOCATIONS_BY_CODES + f"penalties,{records[0]['CF_WSH']},{DEPARTMENT_CODE},撤销,2026-01-06\n"
    before = apply(table("penalty", records))
    after = apply(table("penalty", records), rules=rules_from(write_catalog(tmp_path, revocations=text)))
    assert public_ids(after, "penalties") < public_ids(before, "penalties")
    assert AS_OF.isoformat() in set(after.first_published)
