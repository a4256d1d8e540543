"""Reading one distinct value: dates, numbers, multi-valued code lists.

Stage: validate. Guarantees: pure functions of one string, applied once per distinct value of a column (a
city's million records hold only thousands of distinct dates and amounts). A date is accepted as YYYY-MM-DD,
YYYY/M/D, YYYY.M.D, YYYYMMDD or YYYY年M月D日 and returned as YYYY-MM-DD; a number is plain decimal text
(optional sign, decimal point, exponent; ASCII digits only) returned in canonical form (no "+", no leading or
trailing zeros, "0" for zero).
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation

DATE_FORMS = (
    re.compile(r"([0-9]{4})([-/.])([0-9]{1,2})\2([0-9]{1,2})"),
    re.compile(r"([0-9]{4})()([0-9]{2})([0-9]{2})"),
    re.compile(r"([0-9]{4})年()([0-9]{1,2})月([0-9]{1,2})日"),
)
NUMBER = re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?")
INTEGER = re.compile(r"[+-]?[0-9]+")
MAX_DIGITS = 40  # larger magnitudes are not amounts; refusing them keeps canonical text short
SEPARATORS = re.compile(r"[；;,，、]")


def parse_date(text: str) -> str | None:
    """``text`` as an ISO date, or None when it is not a real calendar date in an accepted form."""
    for form in DATE_FORMS:
        if match := form.fullmatch(text):
            year, _, month, day = match.groups()
            try:
                return date(int(year), int(month), int(day)).isoformat()
            except ValueError:
                return None
    return None


def parse_number(text: str) -> Decimal | None:
    if not NUMBER.fullmatch(text):
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None
    return value if abs(value.adjusted()) <= MAX_DIGITS else None


def canonical_number(value: Decimal) -> str:
    """Decimal text without exponent, sign of zero, or superfluous zeros: 1.50 → 1.5, 1e3 → 1000, -0 → 0."""
    return "0" if value.is_zero() else format(value.normalize(), "f")


def parse_integer(text: str) -> str | None:
    return str(int(text)) if INTEGER.fullmatch(text) else None


def vocabulary_misses(text: str, vocabulary: dict[str, tuple[str, ...]]) -> list[str]:
    """The parts of a multi-valued cell (split on ；;,，、) that are not in the code list; [] when all are."""
    if text in vocabulary:
        return []
    parts = [p.strip() for p in SEPARATORS.split(text) if p.strip()]
    return [p for p in parts if p not in vocabulary] if parts else [text]
