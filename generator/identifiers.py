"""Identifiers: 统一社会信用代码 (GB 32100-2015), 居民身份证号 (GB 11643), record IDs and masking.

Stage: shared (validate, rules, sample). Guarantees: USCC checking is python-stdnum's, widened to accept the
registering-department characters A, N and Y that stdnum rejects; resident ID checking is stdnum's, widened to
accept legacy 15-digit numbers and area codes stdnum does not know for the birth year (``is_known_ric_area``
tells those apart, for a warning); record IDs are opaque and carry no personal data; masking never reveals more
than a third of an ID at either end.
"""

from __future__ import annotations

import hashlib
from datetime import date

from stdnum.cn import ric, uscc
from stdnum.exceptions import InvalidComponent, ValidationError

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
    """True for a resident ID number the portal accepts (GB 11643, domain.md §6): 18 characters — 17 digits and
    the right check character (x accepted), a real birth date, a known province (``PROVINCES``) — or a legacy
    15-digit number (``is_legacy_ric``). The area code need not be one stdnum knows for the birth year
    (``is_known_ric_area`` says whether it is): people keep their number when their district is renamed."""
    value = ric.compact(number)
    if len(value) == 15:
        return is_legacy_ric(value)
    try:
        ric.validate(value)
    except (InvalidComponent, KeyError):  # stdnum 2.2 raises KeyError for a known province's unknown county
        return ric_birth_date(value) is not None and value[:2] in PROVINCES
    except ValidationError:
        return False
    return True


def is_known_ric_area(number: str) -> bool:
    """True for a valid resident ID number whose area code stdnum knew in the birth year (a legacy 15-digit
    number is judged by its 18-character form, ``ric_upgrade``)."""
    value = ric.compact(number)
    if len(value) == 15:
        value = ric_upgrade(value) if is_legacy_ric(value) else ""
    try:
        return bool(ric.is_valid(value))
    except KeyError:
        return False


def ric_upgrade(number: str) -> str:
    """The 18-character form of a legacy 15-digit number (GB 11643: insert the century 19, add the check)."""
    body = number[:6] + "19" + number[6:]
    return body + str(ric.calc_check_digit(body + "0"))


def ric_birth_date(number: str) -> date | None:
    """The birth date inside a valid resident ID number (18-character or legacy 15-digit), or None."""
    value = ric.compact(number)
    if len(value) == 15:
        value = ric_upgrade(value) if is_legacy_ric(value) else ""
    try:
        return ric.get_birth_date(value)
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


# ---- personal numbers inside free text (rules/freetext.py masks them) -------------------------------------

PROVINCES = frozenset((
    "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37", "41", "42", "43",
    "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64", "65", "71", "81", "82",
))  # fmt: skip  # GB/T 2260 province-level codes (71 台湾, 81 香港, 82 澳门)


def is_ric_shaped(value: str) -> bool:
    """True for an 18-character 身份证号 by its form alone: 17 ASCII digits, a real birth date (1800–2099) and the
    GB 11643 check character (X or x). Unlike ``is_valid_ric`` not even the province is checked: this is the
    test for *masking* (rules/freetext.py), which must catch anything that may be a person's number."""
    if len(value) != 18 or not value[:17].isascii() or not value[:17].isdigit():
        return False
    # Σ digit·2^(17−i) mod 11 = 2·(the 17 digits read in base 13) mod 11, since 13 ≡ 2 (mod 11): one C call
    remainder = (1 - 2 * int(value[:17], 13)) % 11
    check = "X" if remainder == 10 else str(remainder)
    return value[17].upper() == check and _real_date(value[6:10], value[10:12], value[12:14], 1800)


def is_legacy_ric(value: str) -> bool:
    """True for a first-generation 15-digit 身份证号: a province code, a real 19yymmdd birth date, 3 sequence
    digits (no check character)."""
    if len(value) != 15 or not value.isascii() or not value.isdigit():
        return False
    return value[:2] in PROVINCES and _real_date("19" + value[6:8], value[8:10], value[10:12], 1900)


def _real_date(year: str, month: str, day: str, first_year: int) -> bool:
    try:
        born = date(int(year), int(month), int(day))
    except ValueError:
        return False
    return first_year <= born.year <= 2099
