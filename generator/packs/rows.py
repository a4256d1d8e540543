"""Sheet XML for XLSX data rows, built a column at a time (see ``xlsx`` for why).

Stage: write data packs. Guarantees: the cell XML is what xlsxwriter writes in ``constant_memory`` mode —
inline strings escaped by xlsxwriter's own rules (``&<>``, control characters as ``_xHHHH_``, whitespace
preserved, 32,767-unit limit), numbers as ``<v>``, dates as serial numbers with the date style — except that a
value looking like ``<r>…</r>`` is escaped like any other (xlsxwriter would pass it through as rich text).
Text cells are never formulas; formula-like ones carry the quote-prefix style. Empty values write no cell.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from xlsxwriter.utility import _preserve_whitespace, _utf16_len, _utf16_truncate, xl_col_to_name
from xlsxwriter.xmlwriter import XMLwriter

from generator.packs.arrowtext import EMPTY, join, joined, matches, rare, text
from generator.packs.layout import TEXT
from generator.packs.safe import dangerous

EXCEL_EPOCH = 25_569  # Excel's serial number of 1970-01-01
FIRST_SAFE_SERIAL = 61  # 1900-03-01: earlier serials hit Excel's 1900 leap-year bug, so they stay text
STRMAX = 32_767  # Excel's cell limit in UTF-16 units
SPECIAL_TEXT = r"[&<>\x00-\x08\x0b-\x1f\x{85}\x{fffe}\x{ffff}]|_x[0-9a-fA-F]{4}_|^[\s\pZ]|[\s\pZ]$"


@dataclass(frozen=True)
class Styles:
    """xlsxwriter's XF indices of the cell styles the data rows use."""

    date: int
    quoted: int


def rows_xml(batch: pa.RecordBatch, first_row: int, styles: Styles) -> memoryview:
    """The ``<row>`` elements of ``batch``, whose first record goes to 0-based sheet row ``first_row``."""
    numbers = pc.cast(pa.array(np.arange(first_row + 1, first_row + batch.num_rows + 1)), TEXT)
    parts: list[pa.Array | pa.Scalar] = [text('<row r="'), numbers, text('">')]
    for i, values in enumerate(batch.columns):
        ref = [text(f'<c r="{xl_col_to_name(i)}'), numbers]  # '<c r="B' + row number
        parts.append(
            pc.fill_null(_cell(values, ref, styles), EMPTY) if values.null_count < len(values) else EMPTY
        )
    parts.append(text("</row>"))
    return joined(join(*parts))


Ref = list[pa.Array | pa.Scalar]


def _cell(values: pa.Array, ref: Ref, styles: Styles) -> pa.Array:
    kind = values.type
    if pa.types.is_date32(kind):
        return _date_cell(values, ref, styles)
    if pa.types.is_decimal(kind) or pa.types.is_integer(kind) or pa.types.is_floating(kind):
        return join(*ref, text('"><v>'), pc.cast(values, TEXT), text("</v></c>"))
    return _text_cell(values.cast(TEXT), ref, styles)


def _date_cell(values: pa.Array, ref: Ref, styles: Styles) -> pa.Array:
    serial = pc.add(pc.cast(pc.cast(values, pa.int32()), pa.int64()), EXCEL_EPOCH)
    cell = join(*ref, text(f'" s="{styles.date}"><v>'), pc.cast(serial, TEXT), text("</v></c>"))
    early = pc.fill_null(pc.less(serial, FIRST_SAFE_SERIAL), False)
    if not pc.any(early).as_py():
        return cell
    return pc.if_else(early, _text_cell(pc.cast(values, TEXT), ref, styles), cell)


def _text_cell(values: pa.Array, ref: Ref, styles: Styles) -> pa.Array:
    style = pc.if_else(dangerous(values, "string"), text(f'" s="{styles.quoted}"'), text('"'))
    special = pc.or_(matches(values, SPECIAL_TEXT), _maybe_over(values))
    inner = rare(values, special, _plain_inner, _special_inner)
    return join(*ref, style, text(' t="inlineStr"><is><t'), inner, text("</t></is></c>"))


def _plain_inner(values: pa.Array) -> pa.Array:
    return join(text(">"), values)


def _special_inner(value: str) -> str:
    """xlsxwriter's own treatment of one string (truncation, control characters, whitespace, XML escapes)."""
    if _over(value):
        value = _utf16_truncate(value, STRMAX)
    value = XMLwriter._escape_control_characters(value)
    preserve = ' xml:space="preserve"' if _preserve_whitespace(value) else ""
    return preserve + ">" + value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def over_cell_limit(values: pa.ChunkedArray) -> int:
    """How many of ``values`` the XLSX writer cuts short (``_special_inner``'s test)."""
    return sum(1 for v in pc.filter(values, _maybe_over(values)).to_pylist() if _over(v))


def _maybe_over(values: pa.Array | pa.ChunkedArray) -> pa.Array | pa.ChunkedArray:
    """Values that may be longer than Excel's cell limit: more than half as many characters (a character is at
    most two UTF-16 units)."""
    return pc.fill_null(pc.greater(pc.utf8_length(values), STRMAX // 2), False)


def _over(value: str) -> bool:
    """Longer than Excel's cell limit, in UTF-16 units."""
    return len(value) > STRMAX // 2 and _utf16_len(value) > STRMAX
