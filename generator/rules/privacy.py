"""Privacy (domain.md §6): minors are withheld; ID numbers masked, private fields dropped — applied last.

Stage: rules. Guarantees: a natural person younger than ``minor_age`` on the decision date (birth date read from
an 18-character 身份证 number) is withheld as ``minor``; in the public tables every ``privacy: mask`` field is
masked with ``identifiers.mask_id`` (which is idempotent: masking a masked number changes nothing), every
``privacy: drop`` field and every field named in ``drop_fields`` (by name or title) is gone.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pandas as pd

from generator.identifiers import mask_id
from generator.rules.columns import isin
from generator.rules.dates import DayCache, add_months, to_days
from generator.rules.models import Privacy
from generator.rules.withholding import Hold
from generator.schema import Schema

NATURAL_PERSON, RESIDENT_ID = "自然人", "身份证"


def minors(frame: pd.DataFrame, schema: Schema, rules: Privacy, days: DayCache) -> list[Hold]:
    """Hold for natural persons under ``minor_age`` on the decision date (datasets with the needed roles)."""
    roles = [schema.role(r) for r in ("subject_type", "id_number", "date")]
    if any(name is None or name not in frame.columns for name in roles):
        return []
    kind, number, decided = (str(name) for name in roles)
    id_type = schema.role("id_type")
    typed = isin(frame[id_type], ["", RESIDENT_ID]) if id_type in frame.columns else True
    person = (frame[kind] == NATURAL_PERSON).to_numpy(dtype=bool) & typed
    rows = np.flatnonzero(person & (frame[number].str.len() == 18).to_numpy(dtype=bool))
    digits = frame[number].iloc[rows].str.slice(6, 14)
    birth = to_days(digits.str.replace(r"^(\d{4})(\d{2})(\d{2})$", r"\1-\2-\3", regex=True))
    adult = add_months(birth, np.full(len(birth), 12 * rules.minor_age, dtype=np.int64))
    young = rows[~np.isnat(adult) & (days(decided)[rows] < adult)]
    return [Hold("minor", young, f"决定日期时未满 {rules.minor_age} 周岁的自然人，不予公示")]


def apply_privacy(
    frame: pd.DataFrame, rows: npt.NDArray[np.intp], schema: Schema, rules: Privacy
) -> pd.DataFrame:
    """The public form of the given rows: private fields dropped (before the rows are copied), ID numbers masked."""
    titles = {f.title: f.name for f in schema.fields}
    private = {f.name for f in schema.fields if f.privacy == "drop"}
    private |= {titles.get(name, name) for name in rules.drop_fields}
    public = frame.drop(columns=[c for c in frame.columns if c in private]).take(rows).reset_index(drop=True)
    for name in (f.name for f in schema.fields if f.privacy == "mask"):
        if name in public.columns:
            public[name] = mask_column(public[name], rules.mask_head, rules.mask_tail)
    return public


def mask_column(values: pd.Series, head: int, tail: int) -> pd.Series:
    """``identifiers.mask_id`` over a column, vectorised per distinct value length (a handful: 18, 9, …).

    Hand-written for speed — ``Series.map(mask_id)`` measured 0.6 s per 250k numbers; the kept head/tail per
    length are read off ``mask_id`` itself, so the masking rule stays in one place."""
    lengths = values.str.len().to_numpy(dtype=np.int64)
    out = values.copy()
    for length in np.unique(lengths[lengths > 0]):
        probe = mask_id("0" * int(length), head, tail)
        keep_head, keep_tail = probe.index("*"), int(length) - 1 - probe.rindex("*")
        chosen = lengths == length
        part = values[chosen]
        masked = part.str.slice(0, keep_head) + probe[keep_head : int(length) - keep_tail]
        out[chosen] = masked + part.str.slice(int(length) - keep_tail) if keep_tail else masked
    return out.astype("str")
