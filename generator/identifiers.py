"""Identifiers: 统一社会信用代码 (GB 32100-2015), 居民身份证号 (GB 11643), record IDs and masking.

Stage: shared (validate, rules, sample). Guarantees: USCC checking is python-stdnum's, widened to accept the
registering-department characters A, N and Y that stdnum rejects; record IDs are opaque and carry no personal
data; masking never reveals more than a third of an ID at either end.
"""

from __future__ import annotations

import hashlib
from datetime import date

from stdnum.cn import ric, uscc

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_FIRST = "123456789ANY"  # registering department (pos 1)


def is_valid_uscc(code: str) -> bool:
    """True for a well-formed USCC with a correct check character, including ones starting with A, N or Y."""
    if len(code) != 18 or code[0] not in USCC_FIRST or any(c not in USCC_ALPHABET for c in code):
        return False
    if code[0].isdigit() and uscc.is_valid(code):
        return True
    # stdnum requires 8 leading digits; A/N/Y codes (and a letter in pos 2) are valid too: same check rule.
    return code[-1] == uscc.calc_check_digit(code[:17])


def uscc_check_char(first17: str) -> str:
    """The check character for the first 17 characters of a USCC."""
    return str(uscc.calc_check_digit(first17))


def is_valid_ric(number: str) -> bool:
    """True for a valid 18-character resident ID number (area code real for the birth year, date, check)."""
    try:
        return bool(ric.is_valid(number))
    except KeyError:  # stdnum 2.2 raises KeyError for a known province whose county code is unknown (119999…)
        return False


def ric_birth_date(number: str) -> date | None:
    """The birth date inside a valid resident ID number, or None."""
    try:
        return ric.get_birth_date(number)
    except Exception:  # stdnum raises several ValidationError subclasses and ValueError
        return None


def mask_id(value: str, head: int = 6, tail: int = 4) -> str:
    """Mask the middle of an ID number: keep at most ``head``/``tail`` characters and never more than a third
    of the value at either end (a 9-character passport number keeps 3 + 3)."""
    if not value:
        return value
    third = len(value) // 3
    head, tail = min(head, third), min(tail, third)
    return value[:head] + "*" * (len(value) - head - tail) + (value[len(value) - tail :] if tail else "")


def record_id(dataset: str, key: tuple[str, ...] | list[str]) -> str:
    """The stable public ID of a record: a hash of its dataset and record key, 16 lower-case hex characters.

    Corrections keep the key, so they keep the ID; the key (document number + authority code) is not personal.
    """
    raw = "\x1f".join((dataset, *key)).encode("utf-8")
    return hashlib.sha256(raw).hexdigest()[:16]
