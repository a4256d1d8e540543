"""Typed columns for the formats that have types (Parquet, XLSX).

Stage: write data packs. Guarantees: dates become ``date32``; numbers become ``decimal128(38, s)`` with
``s = max(6, the most decimals present)`` — exact, and 6 decimals of 万元 are 0.01 元 so amounts never lose a
fen; integers become ``int64``; text stays text. A column whose values do not all parse (which validation
should have made impossible) stays text rather than losing data. Each Arrow field carries the Chinese title,
the description and the field code as metadata. ``typed_schema`` and ``typed_slice`` make the same table a slice at
a time (a Dask worker holds a slice, not the dataset): the same schema from two passes over the slices (the
scale of each number column, then which columns every slice casts), then each slice cast to it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pyarrow as pa
import pyarrow.compute as pc

from generator.packs.layout import CODE_KEY, Column, Layout

MIN_SCALE = 6
MAX_SCALE = 30
CAST_FAILED = (pa.ArrowInvalid, pa.ArrowNotImplementedError)
Slices = Callable[[], Iterator[pa.Table]]  # a text table's slices, in order, from the first at each call


def typed_table(table: pa.Table, layout: Layout) -> pa.Table:
    """``table`` (text columns) with dates, numbers and integers converted."""
    arrays = [_typed(table.column(c.header), c.type) for c in layout.columns]
    fields = [
        pa.field(c.header, a.type, metadata=_metadata(c)) for c, a in zip(layout.columns, arrays, strict=True)
    ]
    return pa.Table.from_arrays(arrays, schema=pa.schema(fields))


def typed_schema(slices: Slices, layout: Layout) -> pa.Schema:
    """The schema ``typed_table`` gives the table whose slices ``slices()`` yields, one slice held at a time: a
    number column's scale from the most decimals of any slice, then a column typed only if every slice casts
    (as the whole column must)."""
    decimals = {c.header: 0 for c in layout.columns if c.type == "number"}
    text = pa.schema([])
    for part in slices():
        text = part.schema
        for header, most in decimals.items():
            decimals[header] = max(most, _decimals(part.column(header)))
    targets = {c.header: _target(c.type, decimals.get(c.header, 0)) for c in layout.columns}
    for part in slices():
        for header, target in targets.items():
            if target is not None and not _casts(part.column(header), target):
                targets[header] = None
    return pa.schema(
        [pa.field(c.header, targets[c.header] or text.field(c.header).type, metadata=_metadata(c))
         for c in layout.columns]
    )  # fmt: skip


def typed_slice(part: pa.Table, schema: pa.Schema) -> pa.Table:
    """A slice of the text table in the types of ``schema`` (``typed_schema``'s, to which every slice casts)."""
    arrays = [
        part.column(f.name)
        if f.type == part.schema.field(f.name).type
        else pc.cast(part.column(f.name), f.type)
        for f in schema
    ]
    return pa.Table.from_arrays(arrays, schema=schema)


def _typed(values: pa.ChunkedArray, kind: str) -> pa.ChunkedArray:
    target = _target(kind, _decimals(values) if kind == "number" else 0)
    if target is None:
        return values
    try:
        return pc.cast(values, target)
    except CAST_FAILED:
        return values


def _target(kind: str, decimals: int) -> pa.DataType | None:
    """A kind's type: numbers as decimals with ``decimals`` places (at least ``MIN_SCALE``); text: None."""
    if kind == "number":
        return pa.decimal128(38, min(max(MIN_SCALE, decimals), MAX_SCALE))
    return {"date": pa.date32(), "integer": pa.int64()}.get(kind)


def _decimals(values: pa.ChunkedArray) -> int:
    """The most decimals any value has."""
    dot = pc.find_substring(values, ".")
    decimals = pc.if_else(
        pc.greater_equal(dot, 0), pc.subtract(pc.subtract(pc.utf8_length(values), dot), 1), 0
    )
    return int(pc.max(decimals).as_py() or 0)


def _casts(values: pa.ChunkedArray, target: pa.DataType) -> bool:
    try:
        pc.cast(values, target)
    except CAST_FAILED:
        return False
    return True


def _metadata(column: Column) -> dict[str, str]:
    descriptor = column.descriptor
    keys = {"title": "title", "description": "description", "code": CODE_KEY}
    return {k: str(descriptor[v]) for k, v in keys.items() if descriptor.get(v)}
