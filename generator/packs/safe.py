"""Formula neutralisation for the spreadsheet formats (the OWASP "CSV injection" rule).

Stage: write data packs. Guarantees: no CSV or XLSX cell can run as a formula. A text value starting with
``= + - @``, a tab or a carriage return is *dangerous*: in CSV it gets a leading single quote ``'`` (Excel and
WPS then show it as text); in XLSX the writer stores it as a string cell marked "quote prefix" (its value is
unchanged, and editing the cell keeps it text). A number column's plain decimal value such as ``-3`` is a
number, not a formula — prefixing it would turn every negative number into text — so it stays as it is;
anything else in a number column is treated as text. JSON Lines and Parquet are not spreadsheets and keep the
exact values.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from generator.packs.arrowtext import first_bytes
from generator.packs.layout import TEXT, Layout

DANGEROUS_BYTES = np.frombuffer(b"=+-@\t\r", dtype=np.uint8)
PLAIN_NUMBER = r"^-?[0-9]+(\.[0-9]+)?$"
QUOTE = pa.scalar("'", TEXT)
NUMERIC = ("number", "integer")


def dangerous(values: pa.Array | pa.ChunkedArray, kind: str) -> pa.Array:
    """True where a value could run as a formula in a spreadsheet (nulls are safe)."""
    hit = pa.array(np.isin(first_bytes(values), DANGEROUS_BYTES))
    if kind in NUMERIC and pc.any(hit).as_py():
        plain = pc.fill_null(pc.match_substring_regex(values, PLAIN_NUMBER), False)
        hit = pc.and_(hit, pc.invert(plain))
    return hit


def neutralise(table: pa.Table, layout: Layout) -> tuple[pa.Table, list[str]]:
    """The CSV view of ``table``: dangerous values prefixed with ``'``; also the headers of changed columns."""
    arrays, changed = [], []
    for column in layout.columns:
        values = table.column(column.header)
        hit = dangerous(values, column.type)
        if pc.any(hit).as_py():
            values = pc.if_else(hit, pc.binary_join_element_wise(QUOTE, values, pa.scalar("", TEXT)), values)
            changed.append(column.header)
        arrays.append(values)
    return pa.table(arrays, names=layout.headers), changed


def relax(field: dict[str, Any]) -> dict[str, Any]:
    """A CSV field descriptor for a column where values got a leading quote: one character longer allowed,
    no pattern or code list (the quoted value matches neither), and a note saying why."""
    constraints = dict(field.get("constraints") or {})
    for key in ("pattern", "enum"):
        constraints.pop(key, None)
    if "maxLength" in constraints:
        constraints["maxLength"] = int(constraints["maxLength"]) + 1
    note = "（本 CSV 中以 = + - @ 等开头的值前加了英文单引号 '，以防被当作公式执行。）"
    relaxed = {k: v for k, v in field.items() if k != "constraints"}
    relaxed |= {"type": "string", "description": str(field.get("description", "")) + note}
    return relaxed | ({"constraints": constraints} if constraints else {})


def changed_headers(table: pa.Table, layout: Layout) -> list[str]:
    """Headers of the columns whose CSV values get a leading quote."""
    return [c.header for c in layout.columns if pc.any(dangerous(table.column(c.header), c.type)).as_py()]
