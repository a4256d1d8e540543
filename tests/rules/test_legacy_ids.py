"""Legacy 15-digit 身份证号 in the rules (issue 11, item 7): the minors rule reads their 19yymmdd birth date, and
they are masked like any ID number."""

from __future__ import annotations

from datetime import date

from tests.rules.tables import apply, person, table


def _legacy(birth: str, area: str = "110105", sequence: str = "002") -> str:
    """A first-generation number: area + yymmdd + sequence (born in 19yy)."""
    return area + birth.replace("-", "")[2:] + sequence


def test_minor_is_read_from_a_legacy_15_digit_number() -> None:
    young = person(CF_XDR_ZJHM=_legacy("1990-05-17"), CF_JDRQ="2008-05-16")  # a day before turning 18
    adult = person(CF_XDR_ZJHM=_legacy("1990-05-17"), CF_JDRQ="2008-05-17")
    result = apply(table("penalty", [young, adult]), as_of=date(2009, 1, 1))
    assert result.ledger["reason"].tolist() == ["minor"]
    assert result.tables["penalties"].frame["CF_WSH"].tolist() == [adult["CF_WSH"]]


def test_legacy_15_digit_number_is_masked_when_published() -> None:
    number = _legacy("1960-03-08")
    frame = apply(table("penalty", [person(CF_XDR_ZJHM=number)])).tables["penalties"].frame
    [shown] = frame["CF_XDR_ZJHM"].tolist()
    assert shown != number and len(shown) == 15 and "*" in shown
    assert shown[:5] == number[:5] and shown[-4:] == number[-4:] and number[5:11] not in shown
