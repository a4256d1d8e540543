"""Why and since when a record left the public data (generator.release.reasons), from rules-stage ledgers."""

from __future__ import annotations

from datetime import date

import pandas as pd

from generator.model import LEDGER_COLUMNS, RECORD_ID
from generator.release.reasons import REASONS, Withdrawals
from generator.rules import DECIDED_COLUMNS

AS_OF = date(2026, 12, 20)


def ledger(*rows: tuple[str, str, str, str]) -> pd.DataFrame:
    """Ledger rows (dataset, 记录ID, reason, value) as the rules stage writes them."""
    data = {c: [""] * len(rows) for c in LEDGER_COLUMNS} | {"_row": list(range(2, 2 + len(rows)))}
    data |= {"dataset": [r[0] for r in rows], RECORD_ID: [r[1] for r in rows], "reason": [r[2] for r in rows],
             "value": [r[3] for r in rows], "fate": ["withheld"] * len(rows)}  # fmt: skip
    return pd.DataFrame(data)


def decided(*rows: tuple[str, str, str, str]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=list(DECIDED_COLUMNS))


def test_each_rules_reason_maps_to_a_delta_reason_and_its_effective_date() -> None:
    found = Withdrawals(
        ledger(("p", "a", "expired", "2026-12-01"), ("p", "b", "repaired", "临信修〔2026〕1号"),
               ("p", "c", "revoked", "异议核实有误"), ("l", "d", "delisted", "2026-12-05"),
               ("l", "e", "list-expired", "2026-12-10"), ("k", "f", "licence-expired", "2026-11-30"),
               ("p", "g", "minor", ""), ("p", "h", "not-published-class", ""), ("p", "i", "decision-invalid", "x")),
        decided(("p", "b", "repaired", "2026-12-02"), ("p", "c", "revoked", "2026-12-03")),
    )  # fmt: skip
    mine = {"p": list("abcghi"), "l": ["d", "e"], "k": ["f"]}
    got = {rid: w for d, ids in mine.items() for rid, w in found.explain(d, ids, AS_OF).items()}
    assert got["a"] == ("expired", "2026-12-02")  # the day after the last public day
    assert got["b"] == ("repaired", "2026-12-02") and got["c"] == ("revoked", "2026-12-03")
    assert got["d"] == ("delisted", "2026-12-05")
    assert got["e"] == ("expired", "2026-12-11") and got["f"] == ("expired", "2026-12-01")
    assert {got[r] for r in "ghi"} == {("withheld", "2026-12-20")}  # why is not said


def test_a_record_the_rules_did_not_see_is_withheld_since_the_release_date() -> None:
    assert Withdrawals().explain("p", ["z"], AS_OF) == {"z": ("withheld", "2026-12-20")}


def test_the_current_version_decides_not_an_older_superseded_one() -> None:
    found = Withdrawals(ledger(("p", "a", "superseded", ""), ("p", "a", "repaired", "n")),
                        decided(("p", "a", "repaired", "2026-12-01")))  # fmt: skip
    assert found.explain("p", ["a"], AS_OF) == {"a": ("repaired", "2026-12-01")}


def test_the_same_id_in_another_dataset_is_another_record() -> None:
    found = Withdrawals(
        ledger(("other", "a", "revoked", "")), decided(("other", "a", "revoked", "2026-12-01"))
    )
    assert found.explain("p", ["a"], AS_OF) == {"a": ("withheld", "2026-12-20")}


def test_since_is_never_after_the_release_and_an_unreadable_date_falls_back_to_it() -> None:
    found = Withdrawals(ledger(("p", "a", "delisted", "2027-01-01"), ("p", "b", "expired", "长期")))
    assert found.explain("p", ["a", "b"], AS_OF) == {
        "a": ("delisted", "2026-12-20"),
        "b": ("expired", "2026-12-20"),
    }


def test_reasons_are_the_six_the_issue_names() -> None:
    assert REASONS == ("expired", "repaired", "revoked", "delisted", "superseded", "withheld")


def test_an_expired_grade_or_registration_is_expired_since_the_day_after_its_validity_and_a_replaced_grade_withheld() -> (
    None
):
    found = Withdrawals(ledger(("ev", "a", "evaluation-expired", "2026-12-01"), ("ev", "b", "grade-superseded", "x"),
                               ("rg", "c", "registration-expired", "2026-11-30"), ("rg", "d", "unverified-withheld", ""),
                               ("ly", "e", "kept-counted", ""), ("ly", "f", "fulfilment-pending", "")))  # fmt: skip
    got = {**found.explain("ev", ["a", "b"], AS_OF), **found.explain("rg", ["c", "d"], AS_OF)}
    got |= found.explain("ly", ["e", "f"], AS_OF)
    assert got["a"] == ("expired", "2026-12-02") and got["c"] == ("expired", "2026-12-01")
    assert {got[r] for r in "bdef"} == {("withheld", "2026-12-20")}
