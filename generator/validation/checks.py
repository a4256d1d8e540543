"""The checks of one field over a whole column, driven by the Table Schema.

Stage: validate. Guarantees: frictionless's cell semantics — empty cells are only checked for being required
(``required``, ``requiredWhen``); a cell failing its type is not checked further; a cell is reported once, by
the first check it fails (required, type, minimum, length, enum, pattern, uscc/ric, vocabulary); a finding
with ``rejects=False`` is a warning that rejects nothing (a 身份证号 whose area code stdnum does not know for
the birth year). Work is vectorised over the column, or done once per distinct value (dates, numbers, codes,
code lists).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from decimal import Decimal
from functools import cached_property

import numpy as np
import pandas as pd
import pyarrow as pa

from generator.identifiers import mask_id
from generator.schema import Field, Schema
from generator.validation.codes import (
    ric_area_note,
    ric_reason,
    ric_verdicts,
    uscc_reason,
    uscc_valid,
)
from generator.validation.values import (
    SEPARATORS,
    canonical_number,
    parse_date,
    parse_integer,
    parse_number,
    vocabulary_misses,
)

ID_CARD = "身份证"  # the 证件类型 for which 证件号码 is checked as a 居民身份证号


@dataclass
class Finding:
    """Cells that fail one check: their row positions and, per cell, what is wrong (Chinese)."""

    code: str
    field: str
    positions: np.ndarray
    values: list[str]  # as a report may show them (private fields masked)
    details: list[str]
    rejects: bool = True  # False: a warning — the row stays valid


@dataclass
class FieldCheck:
    """One column being checked; ``failed`` marks cells already reported."""

    frame: pd.DataFrame
    schema: Schema
    field: Field
    findings: list[Finding] = dataclass_field(default_factory=list)
    normalised: pd.Series | None = None

    @cached_property
    def values(self) -> pd.Series:
        return self.frame[self.field.name]

    @cached_property
    def empty(self) -> np.ndarray:
        return np.asarray(self.values == "", dtype=bool)

    @cached_property
    def failed(self) -> np.ndarray:
        return np.zeros(len(self.values), dtype=bool)

    @cached_property
    def distinct(self) -> tuple[np.ndarray, list[str]]:
        codes, uniques = pd.factorize(self.values)
        return codes, [str(u) for u in uniques.tolist()]

    def shown(self, value: str) -> str:
        """A value as a message may show it (private fields masked)."""
        return mask_id(value) if self.field.privacy else value

    def report(self, code: str, mask: np.ndarray, detail: Callable[[str], str]) -> None:
        """Record cells in ``mask`` not yet reported; ``detail`` explains one value (once per distinct value)."""
        new = mask & ~self.failed
        if not new.any():
            return
        self.failed |= new
        positions = np.flatnonzero(new)
        cache: dict[str, str] = {}
        values = self.values.iloc[positions].tolist()
        details = [cache[v] if v in cache else cache.setdefault(v, detail(v)) for v in values]
        shown = [self.shown(v) for v in values]
        self.findings.append(Finding(code, self.field.name, positions, shown, details))

    def note(self, code: str, mask: np.ndarray, detail: Callable[[str], str]) -> None:
        """A warning on the cells in ``mask`` not reported as failing: the row stays valid."""
        positions = np.flatnonzero(mask & ~self.failed)
        if len(positions):
            values = self.values.iloc[positions].tolist()
            cache = {v: detail(v) for v in set(values)}
            shown = [self.shown(v) for v in values]
            details = [cache[v] for v in values]
            self.findings.append(Finding(code, self.field.name, positions, shown, details, rejects=False))

    def per_value(self, test: Callable[[list[str]], Sequence[bool] | np.ndarray]) -> np.ndarray:
        """A per-distinct-value verdict spread back over the column."""
        codes, uniques = self.distinct
        return np.asarray(np.asarray(test(uniques), dtype=bool)[codes], dtype=bool)

    def filled(self) -> np.ndarray:
        return np.asarray(~self.empty & ~self.failed, dtype=bool)


def check_field(frame: pd.DataFrame, schema: Schema, field: Field) -> tuple[list[Finding], pd.Series | None]:
    """Run every check the schema asks of ``field``: its findings, and its normalised values if any changed."""
    check = FieldCheck(frame, schema, field)
    _required(check)
    {"date": _date, "number": _number, "integer": _integer}.get(field.type, _string)(check)
    if field.type != "string" and field.enum:
        _enum(check, check.normalised if check.normalised is not None else check.values)
    return check.findings, check.normalised


def _required(check: FieldCheck) -> None:
    f, title = check.field, check.field.title
    if f.required:
        check.report("validate-required", check.empty, lambda _: f"{title}为必填项，不能为空")
    if f.required_when:
        other, allowed = f.required_when
        condition = check.frame[other].isin(allowed).to_numpy()
        other_title = check.schema.field(other).title
        which = "、".join(f"「{a}」" for a in allowed)
        message = f"{other_title}为{which}时，{title}必须填写"
        check.report("validate-required-when", check.empty & condition, lambda _: message)


def _by_distinct(check: FieldCheck, parse: Callable[[str], str | None]) -> np.ndarray:
    """Parse each distinct value once; set ``normalised`` if any value changes; True where parsing failed."""
    codes, uniques = check.distinct
    parsed = [parse(u) if u else "" for u in uniques]
    bad: np.ndarray = np.array([p is None for p in parsed], dtype=bool)
    bad = bad[codes]
    if any(p is not None and p != u for p, u in zip(parsed, uniques, strict=True)):
        table = pa.array([u if p is None else p for p, u in zip(parsed, uniques, strict=True)], pa.string())
        check.normalised = table.take(pa.array(codes)).to_pandas().set_axis(check.values.index)
    return bad


def _date(check: FieldCheck) -> None:
    bad = _by_distinct(check, parse_date)
    title = check.field.title
    check.report(
        "validate-date",
        bad & check.filled(),
        lambda v: (
            f"{title}「{v}」不是有效日期（应写作 2024-03-15，也可写 2024/3/15、20240315 或 2024年3月15日）"
        ),
    )


def _number(check: FieldCheck) -> None:
    def canonical(text: str) -> str | None:
        value = parse_number(text)
        return None if value is None else canonical_number(value)

    bad = _by_distinct(check, canonical)
    title = check.field.title
    message = "不是数字（只填阿拉伯数字和小数点，不带单位或千分位逗号，如 1.5）"
    check.report("validate-number", bad & check.filled(), lambda v: f"{title}「{v}」{message}")
    _minimum(check)


def _integer(check: FieldCheck) -> None:
    bad = _by_distinct(check, parse_integer)
    title = check.field.title
    check.report("validate-integer", bad & check.filled(), lambda v: f"{title}「{v}」不是整数")
    _minimum(check)


def _minimum(check: FieldCheck) -> None:
    minimum = check.field.minimum
    if minimum is None:
        return
    limit = Decimal(str(minimum))

    def below(uniques: list[str]) -> np.ndarray:
        parsed = [parse_number(u) if u else None for u in uniques]
        return np.array([p is not None and p < limit for p in parsed], dtype=bool)

    title, shown = check.field.title, format(limit.normalize(), "f")
    check.report(
        "validate-minimum",
        check.per_value(below) & check.filled(),
        lambda v: f"{title}「{v}」不能小于 {shown}",
    )


def _string(check: FieldCheck) -> None:
    f, title = check.field, check.field.title
    if f.max_length is not None or f.min_length is not None:
        lengths = check.values.str.len().to_numpy()
        if f.max_length is not None:
            too_long = lengths > f.max_length
            check.report(
                "validate-max-length",
                too_long & check.filled(),
                lambda v: f"{title}「{_head(check.shown(v))}」有 {len(v)} 个字符，超过上限 {f.max_length} 个",
            )
        if f.min_length is not None:
            check.report(
                "validate-min-length",
                (lengths < f.min_length) & check.filled(),
                lambda v: f"{title}「{check.shown(v)}」只有 {len(v)} 个字符，至少应有 {f.min_length} 个",
            )
    if f.enum:
        _enum(check, check.values)
    if f.pattern:
        _pattern(check)
    {"uscc": _uscc, "ric": _ric}.get(f.check, lambda _: None)(check)
    if f.multiple and f.vocabulary:
        _vocabulary(check)


def _enum(check: FieldCheck, values: pd.Series) -> None:
    allowed = list(check.field.enum)
    choices = "、".join(allowed)
    check.report(
        "validate-enum",
        ~values.isin(allowed).to_numpy() & check.filled(),
        lambda v: f"{check.field.title}「{v}」不是允许的取值，应为以下之一：{choices}",
    )


def _pattern(check: FieldCheck) -> None:
    pattern = re.compile(f"(?:{check.field.pattern})")
    bad = check.per_value(lambda uniques: [not pattern.fullmatch(u) for u in uniques])
    hint = check.field.description or check.field.pattern
    check.report(
        "validate-pattern",
        bad & check.filled(),
        lambda v: f"{check.field.title}「{check.shown(v)}」不符合规定格式（{hint}）",
    )


def _uscc(check: FieldCheck) -> None:
    bad = check.per_value(lambda uniques: ~uscc_valid(uniques))
    title = check.field.title
    check.report("validate-uscc", bad & check.filled(), lambda v: f"{title}「{v}」{uscc_reason(v)}")


def _ric(check: FieldCheck) -> None:
    """Rejects a number that is no resident ID (check character, birth date, province, length); warns about an
    accepted one whose area code stdnum does not know for the birth year (renamed districts)."""
    id_type = check.schema.role("id_type")
    applies = check.frame[id_type].eq(ID_CARD).to_numpy() if id_type else np.ones(len(check.values), bool)
    codes, uniques = check.distinct
    valid, known = ric_verdicts(uniques)
    bad, unknown = ~valid[codes], (valid & ~known)[codes]
    title = check.field.title
    check.report(
        "validate-ric",
        bad & applies & check.filled(),
        lambda v: f"{title}「{check.shown(v)}」不是有效的居民身份证号：{ric_reason(v)}",
    )
    check.note(
        "validate-ric-unknown-area",
        unknown & applies & check.filled(),
        lambda v: f"{title}「{check.shown(v)}」：{ric_area_note(v)}",
    )


def _vocabulary(check: FieldCheck) -> None:
    name = check.field.vocabulary
    vocabulary = check.schema.vocabularies.get(name, {})
    bad = check.per_value(lambda uniques: [bool(vocabulary_misses(u, vocabulary)) for u in uniques])
    simple = [k for k in vocabulary if not SEPARATORS.search(k)]
    title, known = check.field.title, "、".join(simple[:12]) + ("…" if len(simple) > 12 else "")

    def detail(value: str) -> str:
        misses = "」「".join(vocabulary_misses(value, vocabulary))
        return (
            f"{title}「{value}」中的「{misses}」不是规定的取值（可用：{known}，完整列表见数据字典 {name}；"
            "多个值用“；”分隔）"
        )

    check.report("validate-vocabulary", bad & check.filled(), detail)


def _head(text: str, size: int = 20) -> str:
    return text if len(text) <= size else text[:size] + "…"
