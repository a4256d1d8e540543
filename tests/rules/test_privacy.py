"""Privacy, applied last: masked ID numbers, dropped private fields, minors withheld, personal numbers written
into free text masked (domain.md §6)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from stdnum.cn import ric

from generator.problems import Level
from generator.report import summarise, tally
from generator.rules.freetext import mask_text, mask_text_column
from generator.schema import parse_schema
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


# ---- personal numbers written into free text (issue 11) ----------------------------------------------------
def valid_id(birth: str, sequence: str = "123") -> str:
    """A 身份证号 with the GB 11643 check character (stdnum's ``calc_check_digit`` wants the check included;
    ``tables.resident_id`` passes 17 digits, so its numbers fail the checksum — fine for the masked field)."""
    body = "330902" + birth.replace("-", "") + sequence
    return body + ric.calc_check_digit(body + "?")


NUMBER = valid_id("1980-05-17")  # area 330902, born 1980-05-17
MASKED = NUMBER[:6] + "********" + NUMBER[-4:]
LEGACY = "330902800517123"  # first-generation 15-digit number: 330902 + 800517 + 123
BUILDING_PERMIT = "610300202603230004"  # an 18-digit 施工许可证编号 that passes the 身份证 checksum


def facts(text: str, column: str = "CF_SY", **fields: str) -> str:
    """The public value of ``column`` of one penalty on an organisation whose ``column`` is ``text``."""
    frame = apply(table("penalty", [penalty(**{column: text}, **fields)])).tables["penalties"].frame
    return str(frame[column].iloc[0])


def with_check(check: str) -> str:
    """A 身份证号 (born 1985-01-01, area 330902) whose check character is ``check``."""
    return next(n for s in range(1000) if (n := valid_id("1985-01-01", f"{s:03d}"))[-1] == check)


def test_id_number_in_violation_facts_is_masked() -> None:
    assert facts(f"经查，当事人张三（公民身份号码{NUMBER}）销售不合格产品。") == (
        f"经查，当事人张三（公民身份号码{MASKED}）销售不合格产品。"
    )


@pytest.mark.parametrize("column", ["CF_NR", "BZ", "CF_WFXW", "CF_XDR_MC", "CF_NR_ZKDX"])
def test_id_number_in_any_other_text_column_is_masked(column: str) -> None:
    assert facts(f"身份证号：{NUMBER}", column) == f"身份证号：{MASKED}"


def test_id_number_with_a_lower_case_x_check_character_is_masked() -> None:
    number = with_check("X").replace("X", "x")
    assert facts(f"身份证{number}号") == f"身份证{number[:6]}********{number[-4:]}号"


def test_eighteen_digits_with_a_wrong_check_character_are_left_alone() -> None:
    wrong = NUMBER[:17] + str((int(NUMBER[17]) + 1) % 10) if NUMBER[17] != "X" else NUMBER[:17] + "0"
    assert facts(f"编号{wrong}。") == f"编号{wrong}。"


def test_eighteen_digits_without_a_real_birth_date_are_left_alone() -> None:
    body = "330902" + "19801317" + "123"  # month 13
    number = body + ric.calc_check_digit(body + "?")
    assert facts(f"编号{number}") == f"编号{number}"


def test_legacy_fifteen_digit_id_number_in_remarks_is_masked() -> None:
    assert facts(f"当事人原身份证号{LEGACY}。", "BZ") == f"当事人原身份证号{LEGACY[:5]}******{LEGACY[-4:]}。"


@pytest.mark.parametrize("number", ["330902801317123", "990902800517123"], ids=["month 13", "no province 99"])
def test_fifteen_digits_that_cannot_be_an_id_number_are_left_alone(number: str) -> None:
    assert facts(f"注册号{number}", "BZ") == f"注册号{number}"


MOBILES = [
    ("联系电话13812345678。", "联系电话138*****678。"),
    ("电话：138-1234-5678", "电话：138-****-*678"),
    ("手机 138 1234 5678；", "手机 138 **** *678；"),
    ("+86 13812345678", "+86 138*****678"),
    ("+86-138-1234-5678", "+86-138-****-*678"),
    ("8613812345678", "86138*****678"),
    ("（19912345678）", "（199*****678）"),
]


@pytest.mark.parametrize(("text", "public"), MOBILES, ids=[t for t, _ in MOBILES])
def test_mobile_number_in_remarks_is_masked_however_it_is_written(text: str, public: str) -> None:
    assert facts(text, "BZ") == public


EMBEDDED = [
    f"1{NUMBER}",  # one digit more
    f"{NUMBER}5",
    f"A{NUMBER}",  # part of a code
    f"{NUMBER}B",
    f"1{LEGACY}",
    "138123456789",  # 12 digits
    "913812345678",
    "JY13812345678",  # a licence number
    "13812345678.50元",  # a decimal amount
    "12.13812345678",
    "12812345678",  # 12x is not a mobile prefix
    "0571-88888888",  # a landline
]


@pytest.mark.parametrize("text", EMBEDDED)
def test_digits_inside_a_longer_number_or_code_are_not_masked(text: str) -> None:
    assert facts(f"经查：{text}。") == f"经查：{text}。"


def test_public_codes_are_not_masked_but_the_same_digits_in_free_text_are() -> None:
    row = licence(XK_WSH=BUILDING_PERMIT, XK_XKBH=BUILDING_PERMIT, XK_NR=f"施工许可证编号{BUILDING_PERMIT}")
    frame = apply(table("licensing", [row])).tables["licences"].frame
    assert frame[["XK_WSH", "XK_XKBH", "XK_XDR_SHXYM"]].values.tolist() == [
        [BUILDING_PERMIT, BUILDING_PERMIT, row["XK_XDR_SHXYM"]]
    ]
    assert frame["XK_NR"].tolist() == [f"施工许可证编号{BUILDING_PERMIT[:6]}********{BUILDING_PERMIT[-4:]}"]


def test_a_natural_persons_licence_number_that_is_an_id_number_is_masked() -> None:
    number = valid_id("1979-02-03")  # 道路运输从业资格证号 are the holder's 身份证号
    row = licence(XK_XDR_MC="王五", XK_XDR_LB="自然人", XK_XDR_SHXYM="", XK_XDR_ZJLX="身份证", XK_XDR_ZJHM=number,
                  XK_XKBH=number, XK_WSH=number)  # fmt: skip
    frame = apply(table("licensing", [row])).tables["licences"].frame
    masked = number[:6] + "********" + number[-4:]
    assert frame[["XK_XKBH", "XK_WSH", "XK_XDR_ZJHM"]].values.tolist() == [[masked, masked, masked]]
    assert frame["XK_XKJGDM"].tolist() == [row["XK_XKJGDM"]]  # an authority's USCC stays


def test_id_number_in_an_other_act_datasets_text_is_masked() -> None:
    frame = (
        apply(table("other-act", [act(JC_XDR_MC=f"张三 {NUMBER} 13812345678")])).tables["inspections"].frame
    )
    assert frame["JC_XDR_MC"].tolist() == [f"张三 {MASKED} 138*****678"]


def test_privacy_mask_fields_keep_their_full_masking() -> None:
    record = person(CF_SY=f"当事人{NUMBER}")
    frame = apply(table("penalty", [record])).tables["penalties"].frame
    assert frame["CF_XDR_ZJHM"].tolist() == [
        record["CF_XDR_ZJHM"][:6] + "********" + record["CF_XDR_ZJHM"][-4:]
    ]
    assert frame["CF_SY"].tolist() == [f"当事人{MASKED}"]


def test_masking_masked_text_changes_nothing() -> None:
    texts = [f"当事人{NUMBER}，原证{LEGACY}，电话138-1234-5678、+86 13912345678", MASKED, "138*****678"]
    once = apply(table("penalty", [penalty(CF_SY=t) for t in texts])).tables["penalties"].frame
    twice = apply(table("penalty", [penalty(CF_SY=t) for t in once["CF_SY"]])).tables["penalties"].frame
    assert once["CF_SY"].tolist() == twice["CF_SY"].tolist()
    assert NUMBER not in once["CF_SY"].iloc[0] and "1234-5678" not in once["CF_SY"].iloc[0]


def test_free_text_masking_follows_the_configured_head_and_tail(tmp_path: Path) -> None:
    def fewer(data: dict[str, Any]) -> None:
        data["privacy"].update(mask_head=3, mask_tail=2)

    result = apply(table("penalty", [penalty(BZ=f"{NUMBER} 13812345678")]), rules=with_rules(tmp_path, fewer))
    assert result.tables["penalties"].frame["BZ"].tolist() == [
        f"{NUMBER[:3]}{'*' * 13}{NUMBER[-2:]} 138******78"
    ]


def test_numbers_masked_in_text_are_counted_per_dataset_and_field() -> None:
    rows = [penalty(CF_SY=f"当事人{NUMBER}，电话13812345678", BZ=f"原证{LEGACY}"), penalty(CF_SY=f"同{NUMBER}"),
            penalty(CF_SY="经查……")]  # fmt: skip
    result = apply(table("penalty", rows), table("other-act", [act(JC_XDR_MC="13912345678")]))
    found = sorted(
        (p.dataset, p.field, p.value, p.level) for p in result.problems if p.code == "privacy-numbers-in-text"
    )
    assert found == [
        ("inspections", "JC_XDR_MC", "1", Level.WARNING),
        ("penalties", "BZ", "1", Level.WARNING),
        ("penalties", "CF_SY", "3", Level.WARNING),
    ]
    summary = summarise(tally(result.ledger), result.problems, {})
    assert summary["masked_in_text"] == {
        "inspections": {"numbers": 1, "fields": {"JC_XDR_MC": 1}},
        "penalties": {"numbers": 4, "fields": {"BZ": 1, "CF_SY": 3}},
    }


def test_no_warning_when_no_text_holds_a_personal_number() -> None:
    result = apply(table("licensing", [licence(XK_WSH=BUILDING_PERMIT)]), table("penalty", [person()]))
    assert [p for p in result.problems if p.code == "privacy-numbers-in-text"] == []


TEXTS = [
    f"a{NUMBER}", NUMBER, f"{NUMBER}，{NUMBER.lower()}", f"{LEGACY} {LEGACY}", "138 1234 5678", "1381234 5678",
    "13812345678138123456", "", "经查……", f"（{with_check('X')}）", "+8613812345678", "86 138-1234-5678",
]  # fmt: skip


def test_the_column_scan_masks_exactly_what_the_scalar_function_does() -> None:
    values = pd.Series(TEXTS * 3, dtype="str")
    masked, counted = mask_text_column(values, 6, 4)
    expected = [mask_text(t, 6, 4) for t in values]
    assert masked.tolist() == [text for text, _ in expected]
    assert counted.total == sum(sum(found.values()) for _, found in expected)
    assert counted.cells == sum(text != new for text, (new, _) in zip(values, expected, strict=True))


def test_a_field_cannot_be_both_private_and_a_public_code() -> None:
    fields = [{"name": "A", "privacy": "mask", "publicCode": True}]
    with pytest.raises(ValueError, match="publicCode"):
        parse_schema({"primaryKey": ["A"], "fields": fields}, "other-act")
