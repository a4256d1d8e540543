"""Deliberately bad rows: each kind of mistake the validator must catch, made the way clerks make it.

Stage: sample. Guarantees: a spoiled row differs from a good one in exactly the field its kind names, and
the mistake is one the validator rejects (wrong check character, impossible date, value outside the code
list, missing required value, negative amount, natural person without ID; for the credit-supervision kinds
a grade outside the scale, an unknown commitment item, a registration without 核验状态, a 失诺 without 处理措施);
fields are found through the schema's roles, so the same code spoils penalties, licences, lists, other-act and
credit datasets. The kinds special to a schema come first (so a small dataset still carries them); a dataset
without such roles gets exactly the kinds it always got.
"""

from __future__ import annotations

import numpy as np

from generator.identifiers import USCC_ALPHABET
from generator.sample.rand import I64, Obj, pick, salt
from generator.schema import Schema

KINDS = (
    "bad-uscc", "bad-ric", "missing-required", "bad-date", "bad-enum", "negative-amount", "duplicate-key",
    "person-no-id",
)  # fmt: skip
SPECIAL = {  # kind → the role a schema needs for it
    "bad-grade": "grade", "unknown-item": "commitment_item", "no-verification": "verification",
    "broken-no-measure": "result",
}  # fmt: skip
BAD_GRADES = ("E", "A+", "AA", "优秀", "良")
UNKNOWN_ITEMS = ("LJXK-SC-099", "LJXK-XX-001", "LJZM-ZZ-009")
BAD_DATES = ("{y}-02-30", "{y}/13/05", "{y}-00-12", "{y}年13月1日", "{y}0231")
BAD_TYPES = ("企业", "个人", "单位", "其他组织")
AMOUNT_FIELDS = ("CF_NR_FK",)


def kinds_for(schema: Schema) -> tuple[str, ...]:
    """The mistakes a dataset with this schema can carry (a list without fines has no negative fine …)."""
    has = {
        "bad-uscc": bool(schema.role("subject_code")),
        "bad-ric": bool(schema.role("id_number")),
        "negative-amount": any(f.name in AMOUNT_FIELDS for f in schema.fields),
        "person-no-id": bool(schema.role("id_number")),
        "bad-enum": bool(schema.role("subject_type")),
        "bad-date": bool(schema.role("date")),
    }
    return special_kinds(schema) + tuple(k for k in KINDS if has.get(k, True))


def special_kinds(schema: Schema) -> tuple[str, ...]:
    """The mistakes only the credit-supervision kinds can carry, for this schema."""
    return tuple(k for k, role in SPECIAL.items() if schema.role(role))


def spoil(kind: str, schema: Schema, cols: dict[str, Obj], rows: I64, seed: int) -> None:
    """Spoil ``rows`` (positions in ``cols``) in the way ``kind`` names."""
    s = salt(seed, "spoil", kind)
    if kind == "bad-uscc":
        f = schema.role("subject_code") or ""
        cols[f][rows] = [
            _wrong_check(v, int(k))
            for v, k in zip(cols[f][rows].tolist(), pick(rows, s, 30).tolist(), strict=True)
        ]
    elif kind == "bad-ric":
        f = schema.role("id_number") or ""
        cols[f][rows] = [
            v[:-1] + ("0" if v[-1] == "X" else "X" if v[-1] == "9" else str(int(v[-1]) + 1))
            for v in cols[f][rows].tolist()
        ]
    elif kind == "missing-required":
        summary = schema.role("summary") or ""
        required = schema.field(summary).required
        cols[summary if required else schema.role("department") or ""][rows] = ""
    elif kind == "bad-date":
        f = schema.role("date") or ""
        cols[f][rows] = [
            BAD_DATES[int(k)].format(y=v[:4])
            for v, k in zip(cols[f][rows].tolist(), pick(rows, s, len(BAD_DATES)).tolist(), strict=True)
        ]
    elif kind == "bad-enum":
        cols[schema.role("subject_type") or ""][rows] = np.asarray(BAD_TYPES, dtype=object)[
            pick(rows, s, len(BAD_TYPES))
        ]
    elif kind == "negative-amount":
        cols["CF_NR_FK"][rows] = ["-" + v for v in cols["CF_NR_FK"][rows].tolist()]
    elif kind in SPECIAL:
        _spoil_special(kind, schema, cols, rows, s)
    elif kind == "person-no-id":
        cols[schema.role("id_type") or ""][rows] = ""
        cols[schema.role("id_number") or ""][rows] = ""


def _spoil_special(kind: str, schema: Schema, cols: dict[str, Obj], rows: I64, s: int) -> None:
    field = schema.role(SPECIAL[kind]) or ""
    if kind == "bad-grade":
        cols[field][rows] = np.asarray(BAD_GRADES, dtype=object)[pick(rows, s, len(BAD_GRADES))]
    elif kind == "unknown-item":
        cols[field][rows] = np.asarray(UNKNOWN_ITEMS, dtype=object)[pick(rows, s, len(UNKNOWN_ITEMS))]
    elif kind == "no-verification":
        cols[field][rows] = ""
    else:  # broken-no-measure: a 失诺 row (see registry.eligible) without its 处理措施
        cols[schema.role("summary") or ""][rows] = ""


def _wrong_check(code: str, shift: int) -> str:
    return code[:-1] + USCC_ALPHABET[(USCC_ALPHABET.index(code[-1]) + 1 + shift) % 31]
