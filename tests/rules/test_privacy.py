"""Privacy, applied last: masked ID numbers, dropped private fields, minors withheld (domain.md §6)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from generator.problems import Level
from tests.rules.tables import (
    act,
    apply,
    entry,
    licence,
    penalty,
    person,
    resident_id,
    rule_problems,
    table,
    with_rules,
)

D = date.fromisoformat


def test_natural_persons_id_number_is_masked_keeping_six_and_four() -> None:
    number = resident_id("1980-05-17")
    frame = apply(table("penalty", [person(CF_XDR_ZJHM=number)])).tables["penalties"].frame
    assert frame["CF_XDR_ZJHM"].tolist() == [number[:6] + "********" + number[-4:]]


def test_fewer_characters_can_be_configured(tmp_path: Path) -> None:
    def fewer(data: dict[str, Any]) -> None:
        data["privacy"].update(mask_head=3, mask_tail=2)

    number = resident_id("1980-05-17")
    result = apply(table("penalty", [person(CF_XDR_ZJHM=number)]), rules=with_rules(tmp_path, fewer))
    assert result.tables["penalties"].frame["CF_XDR_ZJHM"].tolist() == [number[:3] + "*" * 13 + number[-2:]]


def test_more_than_six_and_four_cannot_be_configured(tmp_path: Path) -> None:
    def more(data: dict[str, Any]) -> None:
        data["privacy"]["mask_head"] = 8

    [found] = rule_problems(tmp_path, more)
    assert (found.code, found.field, found.file) == (
        "config-invalid-value",
        "privacy.mask_head",
        "rules/publication.yaml",
    )


def test_short_passport_number_never_shows_more_than_a_third() -> None:
    frame = (
        apply(table("penalty", [person(CF_XDR_ZJLX="护照", CF_XDR_ZJHM="E12345678")]))
        .tables["penalties"]
        .frame
    )
    assert frame["CF_XDR_ZJHM"].tolist() == ["E12***678"]


def test_legal_representatives_id_is_never_published() -> None:
    record = penalty(CF_FRDB="王建国", CF_FR_ZJLX="身份证", CF_FR_ZJHM=resident_id("1970-01-01"))
    for frame in (apply(table("penalty", [record])).tables["penalties"].frame,
                  apply(table("licensing", [licence(XK_FR_ZJHM=resident_id("1970-01-01"))])).tables["licences"].frame):  # fmt: skip
        assert not {"CF_FR_ZJHM", "CF_FR_ZJLX", "XK_FR_ZJHM", "XK_FR_ZJLX"} & set(frame.columns)
        assert len(frame) == 1


def test_configured_private_fields_are_dropped_by_title() -> None:
    frame = apply(table("other-act", [act(JC_ZJHM=resident_id("1980-01-01"))])).tables["inspections"].frame
    assert "JC_LXDH" not in frame.columns  # 联系电话
    assert frame["JC_ZJHM"].str.contains(r"^\d{6}\*{8}\d{3}[\dX]$").all()


def test_masked_list_entry_keeps_the_name_and_masks_the_number() -> None:
    number = resident_id("1975-03-03")
    row = entry(MD_MC="李四", MD_ZTLB="自然人", MD_SHXYM="", MD_ZJLX="身份证", MD_ZJHM=number)
    frame = apply(table("list", [row])).tables["blacklist"].frame
    assert frame[["MD_MC", "MD_ZJHM"]].values.tolist() == [["李四", number[:6] + "********" + number[-4:]]]


MINOR_CASES = [
    ("17 on the decision date", "2008-09-02", "2025-09-01", False),
    ("18 that day", "2007-09-01", "2025-09-01", True),
    ("18 the day after", "2007-09-02", "2025-09-01", False),
    ("born 29 Feb: adult on 28 Feb of a common year", "2008-02-29", "2026-02-28", True),
    ("born 29 Feb: still a minor the day before", "2008-02-29", "2026-02-27", False),
    ("an adult", "1980-05-17", "2025-09-01", True),
]


@pytest.mark.parametrize(
    ("birth", "decided", "public"), [c[1:] for c in MINOR_CASES], ids=[c[0] for c in MINOR_CASES]
)
def test_cases_of_minors_are_not_published(birth: str, decided: str, public: bool) -> None:
    result = apply(table("penalty", [person(birth=birth, CF_JDRQ=decided)]), as_of=D("2026-03-01"))
    assert (len(result.tables["penalties"].frame) == 1) is public
    assert result.ledger["reason"].tolist() == ([] if public else ["minor"])
    assert (
        not result.ledger["message"].str.contains(birth.replace("-", "")).any()
    )  # no ID number in the ledger


def test_minor_age_is_configurable(tmp_path: Path) -> None:
    def sixteen(data: dict[str, Any]) -> None:
        data["privacy"]["minor_age"] = 16

    result = apply(
        table("penalty", [person(birth="2008-09-02", CF_JDRQ="2025-09-01")]),
        rules=with_rules(tmp_path, sixteen),
    )
    assert len(result.tables["penalties"].frame) == 1


def test_minors_on_licences_and_lists_are_withheld_too() -> None:
    number = resident_id("2012-01-01")
    minor_licence = licence(XK_XDR_LB="自然人", XK_XDR_ZJLX="身份证", XK_XDR_ZJHM=number, XK_XDR_SHXYM="")
    minor_entry = entry(MD_ZTLB="自然人", MD_ZJLX="身份证", MD_ZJHM=number, MD_SHXYM="")
    result = apply(table("licensing", [minor_licence]), table("list", [minor_entry]))
    assert result.tables["licences"].frame.empty and result.tables["blacklist"].frame.empty
    assert result.ledger["reason"].tolist() == ["minor", "minor"]
    assert all(p.level is not Level.CONFIG for p in result.problems)
