"""Properties over generated catalogs: withdrawn never published, nothing lost, idempotent, no clock read."""

from __future__ import annotations

import datetime as dt
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.model import FILE, RECORD_ID, ROW, StageResult, Table
from generator.rules import Cutting, RuleData, RulesResult, apply_rules
from tests.rules.tables import (
    DEPARTMENT_CODE,
    entry,
    licence,
    penalty,
    person,
    resident_id,
    rules_from,
    table,
    write_catalog,
)

Rows = tuple[list[dict[str, str]], list[dict[str, str]], list[dict[str, str]]]
Case = tuple[Rows, date, str, str]
SETTINGS = settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
DAYS = st.dates(min_value=date(2018, 1, 1), max_value=date(2028, 12, 31))
CATEGORIES = st.sampled_from(
    ["罚款", "警告", "警告；罚款", "吊销许可证件", "通报批评", "暂扣或者吊销执照", "行政拘留"]
)


@st.composite
def penalties(draw: st.DrawFn) -> list[dict[str, str]]:
    rows = []
    for _ in range(draw(st.integers(1, 12))):
        fields = {
            "CF_WSH": f"临罚〔2024〕{draw(st.integers(1, 6))}号",  # few keys: corrections happen
            "CF_JDRQ": draw(DAYS).isoformat(),
            "CF_CFLB": draw(CATEGORIES),
            "CF_SXCD": draw(st.sampled_from(["", "", "轻微", "一般", "严重"])),
            "CF_GSJZQ": draw(st.one_of(st.just(""), DAYS.map(date.isoformat))),
            "CF_CXLX": draw(st.sampled_from(["", "普通程序", "简易程序"])),
            "CF_LY": draw(st.sampled_from(["", "特种设备", "食品"])),
            "_batch": str(draw(st.integers(0, 2))),
        }
        born = draw(st.dates(min_value=date(1960, 1, 1), max_value=date(2015, 12, 31))).isoformat()
        rows.append(person(birth=born, **fields) if draw(st.booleans()) else penalty(**fields))
    return rows


@st.composite
def catalogs(draw: st.DrawFn) -> Case:
    """Rows of a penalty, a licence and a list dataset (plain dicts, so a failing case prints small), an as-of
    date and the decision files' text."""
    pens = draw(penalties())
    lics = [licence(XK_WSH=f"许〔{i}〕号", XK_YXQZI=draw(st.sampled_from(["", "2099-12-31", "2024-06-30", "2027-01-01"])))
            for i in range(draw(st.integers(0, 3)))]  # fmt: skip
    entries = [entry(MD_RDWH=f"认〔{i}〕号", MD_YCRQ=draw(st.one_of(st.just(""), DAYS.map(date.isoformat))),
                     MD_ZTLB="自然人", MD_SHXYM="", MD_ZJLX="身份证", MD_ZJHM=resident_id("1990-01-01"))
               for i in range(draw(st.integers(0, 3)))]  # fmt: skip
    as_of = draw(st.dates(min_value=date(2019, 1, 1), max_value=date(2028, 12, 31)))
    keys = sorted({r["CF_WSH"] for r in pens})
    repaired = draw(st.lists(st.sampled_from(keys), max_size=3, unique=True))
    revoked = draw(st.lists(st.sampled_from(keys), max_size=2, unique=True))
    day = draw(st.one_of(st.just(as_of), DAYS))
    repairs = (
        "数据集,行政处罚决定书文号,处罚机关统一社会信用代码,修复决定书文号,修复日期,修复机关\n"
        + "".join(
            f"penalties,{k},{DEPARTMENT_CODE},修〔{i}〕号,{day.isoformat()},发改委\n"
            for i, k in enumerate(repaired)
        )
    )
    revocations = "数据集,CF_WSH,CF_CFJGDM,撤销原因,撤销日期\n" + "".join(
        f"penalties,{k},{DEPARTMENT_CODE},异议核实有误,{day.isoformat()}\n" for k in revoked
    )
    return (pens, lics, entries), as_of, repairs, revocations


def _tables(rows: Rows) -> list[Table]:
    return [table("penalty", rows[0]), table("licensing", rows[1]), table("list", rows[2])]


@contextmanager
def rule_data(repairs: str, revocations: str) -> Iterator[RuleData]:
    with tempfile.TemporaryDirectory() as root:
        yield rules_from(write_catalog(Path(root), repairs=repairs, revocations=revocations))


def _run(tables: list[Table], rules: RuleData, as_of: date, first: pd.Series | None = None) -> RulesResult:
    earlier = first if first is not None else pd.Series(dtype="str")
    return apply_rules(StageResult(tables={t.spec.id: t for t in tables}), rules, as_of, earlier)


def _withdrawn(rules: RuleData, as_of: date) -> set[str]:
    """Record keys (document numbers) named by a decision in effect on the as-of date."""
    decided = pd.concat([rules.repairs, rules.revocations])
    return set(decided.loc[decided["decided_on"] <= as_of.isoformat(), "行政处罚决定书文号"].dropna()) | set(
        decided.loc[decided["decided_on"] <= as_of.isoformat(), "CF_WSH"].dropna()
    )


@SETTINGS
@given(catalogs())
def test_no_repaired_or_revoked_record_is_ever_published(case: Case) -> None:
    rows, as_of, repairs, revocations = case
    tables = _tables(rows)
    with rule_data(repairs, revocations) as rules:
        result = _run(tables, rules, as_of)
        gone = _withdrawn(rules, as_of)
    public = result.tables["penalties"].frame
    assert not gone & set(public["CF_WSH"])
    gone_ids = set(tables[0].frame.loc[tables[0].frame["CF_WSH"].isin(gone), RECORD_ID])
    assert not gone_ids & (set(result.first_published.index) | set(result.timeliness[RECORD_ID]))
    assert set(result.ledger.loc[result.ledger[RECORD_ID].isin(gone_ids), "reason"]) <= {
        "repaired",
        "revoked",
        "superseded",
    }


@SETTINGS
@given(catalogs())
def test_every_row_is_published_or_withheld_exactly_once(case: Case) -> None:
    rows, as_of, repairs, revocations = case
    tables = _tables(rows)
    with rule_data(repairs, revocations) as rules:
        result = _run(tables, rules, as_of)
    inputs = [(r[FILE], r[ROW]) for t in tables for r in t.frame[[FILE, ROW]].to_dict("records")]
    published = [
        (r[FILE], r[ROW]) for t in result.tables.values() for r in t.frame[[FILE, ROW]].to_dict("records")
    ]
    withheld = list(zip(result.ledger[FILE], result.ledger[ROW], strict=True))
    assert sorted(published + withheld) == sorted(inputs)
    assert (result.ledger["fate"] == "withheld").all() and (result.ledger["reason"] != "").all()


@SETTINGS
@given(catalogs())
def test_applying_the_rules_to_their_own_output_changes_nothing(
    case: Case,
) -> None:
    """The public output is a fixed point: fed back as validated tables (same rules, decisions and as-of date,
    with the first-publication dates the first pass returned), every record stays public and unchanged — masking
    is stable, no field a rule reads was dropped, only current versions remain — and timeliness is identical."""
    rows, as_of, repairs, revocations = case
    tables = _tables(rows)
    with rule_data(repairs, revocations) as rules:
        once = _run(tables, rules, as_of)
        again = _run(
            [Table(t.spec, t.frame) for t in once.tables.values()], rules, as_of, once.first_published
        )
    assert again.ledger.empty
    for name, public in once.tables.items():
        pd.testing.assert_frame_equal(again.tables[name].frame, public.frame)
    pd.testing.assert_series_equal(again.first_published, once.first_published)
    pd.testing.assert_frame_equal(again.timeliness, once.timeliness)
    pd.testing.assert_series_equal(again.public_until, once.public_until)


@SETTINGS
@given(catalogs(), st.integers(1, 4))
def test_the_rules_decided_in_parts_give_the_whole_result(case: Case, rows: int) -> None:
    """However a dataset's rows are cut (as a cluster's workers decide them), the result is the whole's."""
    rows_, as_of, repairs, revocations = case
    valid = StageResult(tables={t.spec.id: t for t in _tables(rows_)})
    earlier = pd.Series(dtype="str")
    with rule_data(repairs, revocations) as rules:
        whole = apply_rules(valid, rules, as_of, earlier)
        cut = apply_rules(valid, rules, as_of, earlier, cutting=Cutting(rows, map))
    assert [p.message for p in cut.problems] == [p.message for p in whole.problems]
    pd.testing.assert_frame_equal(cut.ledger, whole.ledger)
    for name, public in whole.tables.items():
        pd.testing.assert_frame_equal(cut.tables[name].frame, public.frame)
    pd.testing.assert_series_equal(cut.public_until, whole.public_until)
    pd.testing.assert_series_equal(cut.first_published, whole.first_published)


class _NoClockDate(dt.date):
    @classmethod
    def today(cls) -> Any:
        raise AssertionError("the rules read the system clock (date.today)")


class _NoClockDateTime(dt.datetime):
    @classmethod
    def now(cls, tz: Any = None) -> Any:
        raise AssertionError("the rules read the system clock (datetime.now)")

    @classmethod
    def today(cls) -> Any:
        raise AssertionError("the rules read the system clock (datetime.today)")

    @classmethod
    def utcnow(cls) -> Any:
        raise AssertionError("the rules read the system clock (datetime.utcnow)")


def _forbid_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    def stop(*_: object) -> Any:
        raise AssertionError("the rules read the system clock (time)")

    for name in ("time", "time_ns", "localtime", "gmtime", "ctime", "strftime"):
        monkeypatch.setattr(time, name, stop)
    monkeypatch.setattr(dt, "date", _NoClockDate)
    monkeypatch.setattr(dt, "datetime", _NoClockDateTime)
    for name, module in list(sys.modules.items()):
        if name.startswith("generator.rules"):
            for attribute, replacement in (("date", _NoClockDate), ("datetime", _NoClockDateTime)):
                if isinstance(getattr(module, attribute, None), type):
                    monkeypatch.setattr(module, attribute, replacement)


@settings(
    max_examples=10,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(catalogs())
def test_rules_never_read_the_system_clock(monkeypatch: pytest.MonkeyPatch, case: Case) -> None:
    rows, as_of, repairs, revocations = case
    tables = _tables(rows)
    with rule_data(repairs, revocations) as rules:
        expected = _run(tables, rules, as_of)
        with monkeypatch.context() as patch:
            _forbid_clock(patch)
            with pytest.raises(AssertionError, match="system clock"):
                time.time()  # the trap is armed
            result = _run(tables, rules, as_of)
    for name, public in expected.tables.items():
        pd.testing.assert_frame_equal(result.tables[name].frame, public.frame)
    pd.testing.assert_frame_equal(result.ledger, expected.ledger)


def test_the_same_inputs_give_identical_results_on_another_day() -> None:
    tables = [
        table(
            "penalty", [penalty(CF_JDRQ=(date(2025, 9, 1) + timedelta(days=i)).isoformat()) for i in range(5)]
        )
    ]
    with rule_data("", "") as rules:
        first, second = _run(tables, rules, date(2026, 1, 1)), _run(tables, rules, date(2026, 1, 1))
    pd.testing.assert_frame_equal(first.tables["penalties"].frame, second.tables["penalties"].frame)
    pd.testing.assert_frame_equal(first.departments, second.departments)
