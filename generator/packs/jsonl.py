"""JSON Lines: one public record per line, for programs (and the release stage's deltas).

Stage: write data packs. Guarantees: each line is a JSON object whose keys are the Chinese headers in schema
order, ``记录ID`` first; values are the exact public text (no formula neutralisation), ``null`` when empty;
UTF-8 without BOM, ``\\n`` line ends. A line is what ``json.dumps(record, ensure_ascii=False,
separators=(",", ":"))`` gives, except that U+0085, U+2028 and U+2029 are escaped too (so that every
line-splitting function sees one record per line); built column-at-a-time with Arrow (see ``arrowtext`` for the
measured reason).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.json as pajson

from generator.packs.arrowtext import batches, join, joined, matches, rare, text
from generator.packs.layout import TEXT, Layout

NEEDS_ESCAPE = r'["\\\x00-\x1f\x{85}\x{2028}\x{2029}]'  # what json.dumps escapes, and line separators
LINE_BREAKERS = {
    "\x85": "\\u0085",
    "\u2028": "\\u2028",
    "\u2029": "\\u2029",
}  # str.splitlines() splits on them
QUOTE = text('"')
NULL = text("null")
BLOCK_BYTES = 16 << 20  # pyarrow's JSON reader needs a whole line inside one block


def write(layout: Layout, table: pa.Table, folder: Path) -> list[Path]:
    """Write ``<dataset>.jsonl`` into ``folder``."""
    path = folder / f"{layout.name}.jsonl"
    write_rows(layout, table, path, head=True)
    return [path]


def write_rows(layout: Layout, table: pa.Table, path: Path, head: bool) -> None:
    """Write the lines of ``table``'s rows to ``path`` (a line a record, nothing before the first: ``head``
    changes nothing), so that a dataset's rows written in consecutive slices join into the whole file."""
    with open(path, "wb") as f:
        for chunk in lines(table):
            f.write(chunk)


def lines(table: pa.Table) -> Iterator[memoryview]:
    """The JSON Lines text of ``table``, a batch of lines at a time."""
    keys = [json.dumps(name, ensure_ascii=False) for name in table.column_names]
    for batch in batches(table):
        parts: list[pa.Array | pa.Scalar] = []
        for i, (key, values) in enumerate(zip(keys, batch.columns, strict=True)):
            parts += [text(("{" if i == 0 else ",") + key + ":"), *_value(values.cast(TEXT))]
        yield joined(join(*parts, text("}\n")))


def _value(values: pa.Array) -> list[pa.Array | pa.Scalar]:
    """The JSON text of a column's values, as parts for ``join`` (constants merge with their neighbours)."""
    if values.null_count == len(values):
        return [NULL]
    special = matches(values, NEEDS_ESCAPE)
    if values.null_count == 0 and not pc.any(special).as_py():
        return [QUOTE, values, QUOTE]  # the common case: no intermediate array
    return [pc.fill_null(rare(values, special, _quote, _dumps), NULL)]


def _quote(values: pa.Array) -> pa.Array:
    return join(QUOTE, values, QUOTE)


def _dumps(value: str) -> str:
    text = json.dumps(value, ensure_ascii=False)
    for char, escaped in LINE_BREAKERS.items():
        text = text.replace(char, escaped)
    return text


def read(path: Path, headers: list[str]) -> pa.Table:
    """Read a file written by ``write`` back into text columns ``headers`` (null when empty)."""
    schema = pa.schema([pa.field(h, TEXT) for h in headers])
    if path.stat().st_size == 0:
        return schema.empty_table()
    options = pajson.ParseOptions(explicit_schema=schema, unexpected_field_behavior="error")
    table = pajson.read_json(path, pajson.ReadOptions(block_size=BLOCK_BYTES), options)
    return table.select(headers)
