"""Typed columns for the formats that have types (Parquet, XLSX).

Stage: write data packs. Guarantees: dates become ``date32``; numbers become ``decimal128(38, s)`` with
``s = max(6, the most decimals present)`` — exact, and 6 decimals of 万元 are 0.01 元 so amounts never lose a
fen; integers become ``int64``; text stays text. A column whose values do not all parse (which validation
should have made impossible) stays text rather than losing data. Each Arrow field carries the Chinese title,
the description and the field code as metadata.
"""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc

from generator.packs.layout import CODE_KEY, Column, Layout

MIN_SCALE = 6
MAX_SCALE = 30


def typed_table(table: pa.Table, layout: Layout) -> pa.Table:
    """``table`` (text columns) with dates, numbers and integers converted."""
    arrays = [_typed(table.column(c.header), c.type) for c in layout.columns]
    fields = [
        pa.field(c.header, a.type, metadata=_metadata(c)) for c, a in zip(layout.columns, arrays, strict=True)
    ]
    return pa.Table.from_arrays(arrays, schema=pa.schema(fields))


def _typed(values: pa.ChunkedArray, kind: str) -> pa.ChunkedArray:
    target = {"date": pa.date32(), "integer": pa.int64()}.get(kind)
    if kind == "number":
        target = pa.decimal128(38, _scale(values))
    if target is None:
        return values
    try:
        return pc.cast(values, target)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return values


def _scale(values: pa.ChunkedArray) -> int:
    """Decimals needed to hold every value exactly (at least ``MIN_SCALE``)."""
    dot = pc.find_substring(values, ".")
    decimals = pc.if_else(
        pc.greater_equal(dot, 0), pc.subtract(pc.subtract(pc.utf8_length(values), dot), 1), 0
    )
    most = pc.max(decimals).as_py() or 0
    return min(max(MIN_SCALE, int(most)), MAX_SCALE)


def _metadata(column: Column) -> dict[str, str]:
    descriptor = column.descriptor
    keys = {"title": "title", "description": "description", "code": CODE_KEY}
    return {k: str(descriptor[v]) for k, v in keys.items() if descriptor.get(v)}
