"""The reference validator: frictionless itself, with gongshi's extensions as frictionless custom checks.

Stage: validate (used by the differential tests and bench/bench_validate.py, never by a build). Guarantees:
native frictionless does everything it can (types, required, length, enum, pattern, minimum, primary key,
row shape); only requiredWhen, uscc, ric and vocabulary are custom checks, written row by row with the
scalar ``generator.identifiers`` functions — an implementation independent of the vectorised one.
Frictionless reads the file itself, so headers must be the canonical codes in schema order.
"""

from __future__ import annotations

import codecs
import csv
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

import frictionless
import openpyxl
from frictionless import errors

from generator.identifiers import is_valid_ric, is_valid_uscc
from generator.model import FILE, ROW, StageResult
from generator.problems import Level
from generator.schema import Schema, normalise_header
from generator.validation.checks import ID_CARD
from generator.validation.values import vocabulary_misses

ROW_SHAPE = {"missing-cell", "extra-cell"}
SKIPPED = {"blank-row"}  # gongshi skips fully blank rows (nothing in them to lose); frictionless flags them


class GongshiCellError(errors.CellError):
    """A cell that fails one of gongshi's extension checks."""

    type = "gongshi-cell"
    title = "Gongshi Cell Error"
    description = "A cell fails a gongshi extension check (requiredWhen, uscc, ric, vocabulary)."
    template = 'Cell "{cell}" in field "{fieldName}" at row "{rowNumber}": {note}'


@dataclass
class Flags:
    """What a validator flagged: cells (row, field), duplicate keys, rows of the wrong shape."""

    cells: set[tuple[int, str]] = field(default_factory=set)
    keys: set[int] = field(default_factory=set)
    shape: set[int] = field(default_factory=set)
    blank: set[int] = field(default_factory=set)
    other: list[str] = field(default_factory=list)  # anything else frictionless said (should stay empty)

    @property
    def rows(self) -> set[int]:
        return {row for row, _ in self.cells} | self.keys | self.shape


def extension_check(schema: Schema) -> frictionless.Check:
    """A frictionless Check that applies requiredWhen, uscc, ric and vocabulary one row at a time."""

    class GongshiCheck(frictionless.Check):
        type = "gongshi"
        Errors: ClassVar[list[Any]] = [GongshiCellError]

        def validate_row(self, row: Any) -> Iterator[Any]:
            for f in schema.fields:
                note = _extension_note(schema, f.name, row)
                if note:
                    yield GongshiCellError.from_row(row, note=note, field_name=f.name)

    return GongshiCheck()


def _extension_note(schema: Schema, name: str, row: Any) -> str:
    f = schema.field(name)
    value = row[name]
    if value is None:
        when = f.required_when
        return f"required when {when[0]} in {when[1]}" if when and row[when[0]] in when[1] else ""
    if f.check == "uscc" and not is_valid_uscc(value):
        return "invalid USCC"
    id_type = schema.role("id_type")
    if f.check == "ric" and (id_type is None or row[id_type] == ID_CARD) and not is_valid_ric(value):
        return "invalid resident ID number"
    vocabulary = schema.vocabularies.get(f.vocabulary) if f.multiple and f.vocabulary else None
    if vocabulary is not None and vocabulary_misses(value, vocabulary):
        return "value not in vocabulary"
    return ""


def frictionless_flags(path: Path, schema: Schema, limit_rows: int | None = None) -> Flags:
    """Validate one batch file with frictionless and gongshi's custom checks; return what it flagged."""
    descriptor = frictionless.Schema.from_descriptor(schema.frictionless())
    resource = frictionless.Resource(
        path.name, basepath=str(path.parent), schema=descriptor
    )  # absolute = "unsafe"
    checklist = frictionless.Checklist(checks=[extension_check(schema)])
    report = resource.validate(checklist, limit_errors=10**9, limit_rows=limit_rows)
    flags = Flags()
    for task in report.tasks:
        for error in task.errors:
            _collect(flags, error)
    return flags


def _collect(flags: Flags, error: Any) -> None:
    if error.type in ROW_SHAPE:
        flags.shape.add(error.row_number)
    elif error.type in SKIPPED:
        flags.blank.add(error.row_number)
    elif error.type == "primary-key" and "None" not in error.note:
        flags.keys.add(error.row_number)
    elif error.type == "primary-key":
        pass  # every key cell empty: the required errors on those cells already flag the row
    elif isinstance(error, errors.CellError):
        flags.cells.add((error.row_number, error.field_name))
    else:
        flags.other.append(f"{error.type}: {error.message}")


def gongshi_flags(raw: StageResult, valid: StageResult) -> dict[str, Flags]:
    """What the load and validate stages flagged, per batch file, in the same terms as ``frictionless_flags``."""
    flags: dict[str, Flags] = defaultdict(Flags)
    for file, number, reason in zip(raw.ledger[FILE], raw.ledger[ROW], raw.ledger["reason"], strict=True):
        if reason == "load-ragged-row":
            flags[file].shape.add(int(number))
        else:
            flags[file].other.append(f"{reason} at row {number}")
    for found in valid.problems:
        assert found.row is not None and found.file
        if found.level is not Level.ERROR:
            continue  # a warning flags nothing (the row stays valid)
        if found.code in ("validate-duplicate-key", "validate-duplicate-row"):
            flags[found.file].keys.add(found.row)
        else:
            flags[found.file].cells.add((found.row, found.field))
    return dict(flags)


def canonical_copy(path: Path, schema: Schema, out: Path) -> Path:
    """Write ``canonical_rows`` of a batch as a UTF-8 CSV (what frictionless reads); returns ``out``."""
    out.parent.mkdir(parents=True, exist_ok=True)
    with open(out, "w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(canonical_rows(path, schema))
    return out


def canonical_rows(path: Path, schema: Schema) -> Iterator[list[str]]:
    """A batch as frictionless wants it: canonical code headers in schema order, cells stripped, unknown
    columns left out. Every input row keeps its place (blank and ragged rows too, as they are), so row numbers
    stay those of the original file. Read with the csv module and openpyxl, independently of
    generator.loading."""
    rows = _xlsx_rows(path) if path.suffix.lower() == ".xlsx" else _csv_rows(path)
    header = [normalise_header(h) for h in next(rows, [])]
    accepted = schema.header_map()
    index = {accepted.get(h) or accepted.get(h.upper()): i for i, h in enumerate(header)}
    yield schema.names
    for cells in rows:
        if not any(c.strip() for c in cells):
            yield []
        elif len(cells) != len(header):
            yield [c.strip() for c in cells]
        else:
            yield [cells[index[n]].strip() if n in index else "" for n in schema.names]


def _csv_rows(path: Path) -> Iterator[list[str]]:
    with open(path, "rb") as f:
        encoding = "utf-8-sig" if _is_utf8(f) else "gb18030"
    with open(path, encoding=encoding, newline="") as f:
        yield from csv.reader(f)


def _is_utf8(f: Any) -> bool:
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        while chunk := f.read(1 << 22):
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def _xlsx_rows(path: Path) -> Iterator[list[str]]:
    book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        rows = book.worksheets[0].iter_rows(values_only=True)
        first = ["" if v is None else str(v) for v in next(rows, ())]
        width = max((i + 1 for i, v in enumerate(first) if v.strip()), default=0)
        yield first[:width]
        for row in rows:
            cells = ["" if v is None else str(v) for v in row]
            yield (
                cells
                if any(c.strip() for c in cells[width:])
                else cells[:width] + [""] * (width - len(cells))
            )
    finally:
        book.close()
