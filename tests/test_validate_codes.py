"""The vectorised 统一社会信用代码 / 居民身份证号 checks agree with the scalar reference in generator.identifiers."""

from __future__ import annotations

from datetime import date

from hypothesis import example, given, settings
from hypothesis import strategies as st
from stdnum.cn import ric

from generator.identifiers import (
    USCC_ALPHABET,
    USCC_FIRST,
    is_known_ric_area,
    is_valid_ric,
    is_valid_uscc,
    ric_birth_date,
    ric_upgrade,
    uscc_check_char,
)
from generator.validation.codes import (
    ric_area_note,
    ric_known_area,
    ric_reason,
    ric_valid,
    uscc_reason,
    uscc_valid,
)
from generator.validation.values import canonical_number, parse_date, parse_number, vocabulary_misses

AREAS = ["110105", "330902", "440304", "110000", "119999", "999999", "000000", "510100", "130100", "652901"]
USCC_17 = st.tuples(
    st.sampled_from(USCC_FIRST + "0Z"), st.text(USCC_ALPHABET + "IOSVZa", min_size=16, max_size=16)
).map("".join)
USCC_LIKE = st.one_of(
    USCC_17.map(lambda b: b + uscc_check_char(b) if all(c in USCC_ALPHABET for c in b) else b + "0"),
    st.tuples(USCC_17, st.sampled_from(USCC_ALPHABET + "Io")).map("".join),
    st.text(max_size=20),
    st.text(USCC_ALPHABET, min_size=17, max_size=19),
)


def with_check(first17: str) -> str:
    return first17 + ric.calc_check_digit(first17 + "0")


BIRTH = st.tuples(st.integers(0, 2099), st.integers(0, 13), st.integers(0, 32)).map(
    lambda t: f"{t[0]:04d}{t[1]:02d}{t[2]:02d}"
)
RIC_17 = st.tuples(
    st.sampled_from(AREAS) | st.text("0123456789", min_size=6, max_size=6),
    BIRTH,
    st.text("0123456789", min_size=3, max_size=3),
).map("".join)
LEGACY = st.tuples(  # 15 digits: area + yymmdd + sequence (no check character)
    st.sampled_from(AREAS) | st.text("0123456789", min_size=6, max_size=6),
    BIRTH.map(lambda b: b[2:]),
    st.text("0123456789", min_size=3, max_size=3),
).map("".join)
RIC_LIKE = st.one_of(
    RIC_17.map(with_check),
    LEGACY,
    st.tuples(LEGACY.map(lambda v: v[:14]), st.sampled_from("0123456789Xx")).map("".join),
    RIC_17.map(lambda b: with_check(b).lower()),
    st.tuples(RIC_17, st.sampled_from("0123456789Xxa")).map("".join),
    st.text("0123456789Xx１２ -", min_size=15, max_size=20),
    st.text(max_size=20),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(USCC_LIKE, max_size=40))
@example(
    [
        "91110000600037341L",
        "Y1330900MA2A1B2C3E",
        "N2330902MA2B3C4D5C",
        "A1330900MA2A1B2C46",
        "",
        "９1110000600037341L",
    ]
)
def test_vectorised_uscc_check_agrees_with_the_scalar_reference(values: list[str]) -> None:
    assert uscc_valid(values).tolist() == [is_valid_uscc(v) for v in values]


@settings(max_examples=300, deadline=None)
@given(st.lists(RIC_LIKE, max_size=40))
@example(
    [
        "11010519491231002X",
        "11010519491231002x",
        "119999199001011231",
        "330902198503124211",
        "１１0105194912310029",
        "110105491231002",
        "330902850312421",
        "110105000229002",
        "990105491231002",
        " 110105491231002",
    ]
)
def test_vectorised_resident_id_checks_agree_with_the_scalar_reference(values: list[str]) -> None:
    assert ric_valid(values).tolist() == [is_valid_ric(v) for v in values]
    assert ric_known_area(values).tolist() == [is_known_ric_area(v) for v in values]


@settings(max_examples=100, deadline=None)
@given(RIC_LIKE)
def test_every_invalid_resident_id_gets_a_reason(value: str) -> None:
    if not is_valid_ric(value):
        assert ric_reason(value)


def test_uscc_reasons_say_what_to_fix() -> None:
    code = "91330902MA2A1B2C3" + uscc_check_char("91330902MA2A1B2C3")
    wrong = code[:-1] + ("Y" if code[-1] != "Y" else "X")
    assert uscc_reason(wrong) == f"校验位错误，应为 {code[-1]}"
    assert "小写" in uscc_reason(code.lower())
    assert "「I」" in uscc_reason("91330902MA2I1B2C3X")
    assert "登记管理部门代码" in uscc_reason("0" + code[1:])
    assert "18 位" in uscc_reason(code[:17])


def test_resident_id_reasons_name_the_broken_part() -> None:
    assert ric_reason("110105194912310021") == "校验位错误，应为 X"
    assert "出生日期" in ric_reason(with_check("11010519990230002"))
    assert "地区码 999999" in ric_reason(with_check("99999919900101123"))
    assert "省级代码 99" in ric_reason("990105491231002")
    assert "出生日期 19000229" in ric_reason("110105000229002")
    assert "15 位" in ric_reason("11010549123100X") and "18 位" in ric_reason("1101051949123100")


def test_legacy_15_digit_numbers_are_valid_with_a_real_19yy_birth_date() -> None:
    assert is_valid_ric("110105491231002") and ric_birth_date("110105491231002") == date(1949, 12, 31)
    assert is_valid_ric("110105960229123") and not is_valid_ric("110105000229123")  # 1900 was no leap year
    assert ric_upgrade("110105491231002") == "11010519491231002X"


def test_unknown_area_for_the_birth_year_is_valid_but_not_known() -> None:
    renamed = with_check("33090219850312421")  # 定海区 did not exist in 1985
    assert is_valid_ric(renamed) and not is_known_ric_area(renamed)
    assert is_known_ric_area(with_check("33090219900312421"))
    assert "地区码 330902" in ric_area_note(renamed) and "1985" in ric_area_note(renamed)


@given(st.dates())
def test_every_accepted_date_form_reads_as_the_same_iso_date(day: object) -> None:
    y, m, d = day.year, day.month, day.day  # type: ignore[attr-defined]
    forms = [
        f"{y:04d}-{m:02d}-{d:02d}",
        f"{y:04d}/{m}/{d}",
        f"{y:04d}.{m}.{d}",
        f"{y:04d}{m:02d}{d:02d}",
        f"{y:04d}年{m}月{d}日",
    ]
    assert {parse_date(f) for f in forms} == {f"{y:04d}-{m:02d}-{d:02d}"}


@given(st.decimals(allow_nan=False, allow_infinity=False, places=4, min_value=-(10**9), max_value=10**9))
def test_canonical_number_text_reads_back_as_the_same_number(value: object) -> None:
    text = canonical_number(value)  # type: ignore[arg-type]
    assert parse_number(text) == value and canonical_number(parse_number(text)) == text  # type: ignore[arg-type]
    assert "E" not in text and not text.startswith("+")


def test_vocabulary_accepts_whole_keys_and_split_parts_only() -> None:
    vocabulary = {
        "警告": ("警告",),
        "罚款": ("罚款",),
        "没收违法所得、没收非法财物": ("没收违法所得", "没收非法财物"),
    }
    assert vocabulary_misses("没收违法所得、没收非法财物", vocabulary) == []
    assert vocabulary_misses("警告；罚款,警告，罚款;警告、罚款", vocabulary) == []
    assert vocabulary_misses("警告；罚金", vocabulary) == ["罚金"]
    assert vocabulary_misses("；", vocabulary) == ["；"]
