"""Privacy (domain.md §6): minors are withheld; ID numbers masked, private fields dropped — applied last.

Stage: rules. Guarantees: a natural person younger than ``minor_age`` on the decision date (birth date read from
an 18-character or legacy 15-digit 身份证 number) is withheld as ``minor``; in the public tables every
``privacy: mask`` field is masked with ``identifiers.mask_id`` (which is idempotent: masking a masked number
changes nothing), every ``privacy: drop`` field and every field named in ``drop_fields`` (by name or title)
is gone; and in every other text field, 身份证号 (18 and 15 digits) and mobile numbers written into the text
are masked the same way (``freetext``), except in fields the schema declares ``publicCode`` (see
``_text_fields``). Each (dataset, field) with masked numbers is one ``privacy-numbers-in-text`` warning
whose ``value`` is the count.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pandas as pd

from generator.identifiers import mask_id
from generator.problems import Problem, problem
from generator.rules.columns import isin
from generator.rules.dates import DayCache, add_months, to_days
from generator.rules.freetext import KIND_NAMES, Masked, mask_text_column
from generator.rules.models import Privacy
from generator.rules.withholding import Hold
from generator.schema import Schema

NATURAL_PERSON, RESIDENT_ID = "自然人", "身份证"


def minors(frame: pd.DataFrame, schema: Schema, rules: Privacy, days: DayCache) -> list[Hold]:
    """Hold for natural persons under ``minor_age`` on the decision date (datasets with the needed roles); the
    birth date is read from an 18-character 身份证号 (yyyymmdd) or a legacy 15-digit one (19yymmdd)."""
    roles = [schema.role(r) for r in ("subject_type", "id_number", "date")]
    if any(name is None or name not in frame.columns for name in roles):
        return []
    kind, number, decided = (str(name) for name in roles)
    id_type = schema.role("id_type")
    typed = isin(frame[id_type], ["", RESIDENT_ID]) if id_type in frame.columns else True
    person = (frame[kind] == NATURAL_PERSON).to_numpy(dtype=bool) & typed
    lengths = frame[number].str.len().to_numpy(dtype=np.int64)
    rows = np.flatnonzero(person & ((lengths == 18) | (lengths == 15)))
    numbers = frame[number].iloc[rows]
    digits = numbers.str.slice(6, 14).where(lengths[rows] == 18, "19" + numbers.str.slice(6, 12))
    birth = to_days(digits.str.replace(r"^(\d{4})(\d{2})(\d{2})$", r"\1-\2-\3", regex=True))
    adult = add_months(birth, np.full(len(birth), 12 * rules.minor_age, dtype=np.int64))
    young = rows[~np.isnat(adult) & (days(decided)[rows] < adult)]
    return [Hold("minor", young, f"决定日期时未满 {rules.minor_age} 周岁的自然人，不予公示")]


def apply_privacy(
    frame: pd.DataFrame, rows: npt.NDArray[np.intp], schema: Schema, rules: Privacy
) -> tuple[pd.DataFrame, dict[str, Masked]]:
    """The public form of the given rows — private fields dropped (before the rows are copied), ID numbers
    masked, personal numbers in free text masked — and what was masked in each text field that held any
    (``masked_problems`` turns that into warnings)."""
    titles = {f.title: f.name for f in schema.fields}
    private = {f.name for f in schema.fields if f.privacy == "drop"}
    private |= {titles.get(name, name) for name in rules.drop_fields}
    public = frame.drop(columns=[c for c in frame.columns if c in private]).take(rows).reset_index(drop=True)
    for name in (f.name for f in schema.fields if f.privacy == "mask"):
        if name in public.columns:
            public[name] = mask_column(public[name], rules.mask_head, rules.mask_tail)
    found: dict[str, Masked] = {}
    for name, only in _text_fields(public, schema):
        public[name], masked = mask_text_column(public[name], rules.mask_head, rules.mask_tail, only)
        if masked.cells:
            found[name] = masked
    return public, found


def masked_problems(dataset: str, schema: Schema, masked: dict[str, Masked]) -> list[Problem]:
    """One warning per text field whose text held personal numbers, in the schema's order."""
    return [
        _masked_in_text(dataset, f.title, f.name, masked[f.name])
        for f in schema.fields
        if f.name in masked and masked[f.name].cells
    ]


def _text_fields(public: pd.DataFrame, schema: Schema) -> list[tuple[str, npt.NDArray[np.bool_] | None]]:
    """The text fields to scan for personal numbers, each with the rows to scan (None: all rows).

    Every ``string`` field is scanned except ``privacy`` fields (masked whole or dropped above), ``enum`` fields
    (validation kept only the schema's own words there) and fields the schema declares ``publicCode``: codes
    an authority issues to an organisation or a decision — 统一社会信用代码, 工商注册号, 文书号, 许可编号.
    They are published as they are because a public code can look exactly like a 身份证号: an 18-digit
    施工许可证编号 such as 610300202603230004 (610300 + 20260323 + 000 + check 4) passes the GB 11643 checksum
    with a real "birth date", and masking it would deface a public field value. On a natural person's record,
    though, only the ``check: uscc`` public codes (an authority's own code) are exempt: a person's licence or
    document number may *be* the 身份证号 (道路运输从业资格证号 and 驾驶证号 are), so there the other
    public-code fields are scanned like free text."""
    kind = schema.role("subject_type")
    persons = (
        (public[kind] == NATURAL_PERSON).to_numpy(dtype=bool)
        if kind in public.columns
        else np.zeros(len(public), dtype=bool)
    )
    fields: list[tuple[str, npt.NDArray[np.bool_] | None]] = []
    for f in schema.fields:
        if f.type != "string" or f.privacy or f.enum or f.name not in public.columns:
            continue
        if not f.public_code:
            fields.append((f.name, None))
        elif f.check != "uscc" and persons.any():
            fields.append((f.name, persons))
    return fields


def _masked_in_text(dataset: str, title: str, name: str, masked: Masked) -> Problem:
    kinds = "、".join(f"{KIND_NAMES[k]} {n} 个" for k, n in sorted(masked.numbers.items()))
    text = (
        f"数据集 {dataset} 的「{title}」（{name}）有 {masked.cells} 条记录的文字中写有个人号码（{kinds}），"
        "公开时已遮蔽；请提醒报送部门不要在该字段中填写身份证号、手机号等个人信息"
    )
    return problem("privacy-numbers-in-text", text, field=name, value=str(masked.total), dataset=dataset)


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
