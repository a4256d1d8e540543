"""Read every dataset's record batches (CSV or XLSX) into raw record tables.

Stage: load (records half; ``generator.catalog`` reads the configuration). Guarantees: each table has exactly
the schema's canonical columns, every value a plain ``str`` stripped of surrounding blanks ("" when empty)
and free of control and invisible formatting characters (removed, with a warning per file and field:
``generator.loading.hygiene``), plus FILE (relative to the catalog, forward slashes), ROW (header = 1) and
BATCH (0 = oldest); a CSV is UTF-8 (with or without BOM) or else GB18030, decided strictly, and a file that
is neither yields no text at all (never mojibake); fully blank rows carry nothing and are skipped (row
numbers still count them); every row not read is in the ledger with a reason, and every file-level issue is
a problem naming the file.

**A file that gives no records is never taken for "no records"**: an unreadable, undecodable, empty or
header-only file, a workbook whose formulas have no saved values, a header naming none of the dataset's
fields, two columns for one field, or rows none of which fit the header, is an error-level problem naming
the file and the cause — and the rows that file gave at the last build that could read it (the batch cache,
``generator.batchcache``) are used instead, through validation and rules as usual, and carried into the new
cache; only without a cached copy does the file contribute nothing, and the problem says so. Withdrawing a
file's records means removing the file from the catalog: that is a warning saying how many rows went with it.

``load_batch`` reads one file and ``remember`` puts it into the next build's cache; ``generator.inputs`` uses
them to skip files whose outcome is cached, ``load_records`` reads every file.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from generator.batchcache import (
    BatchCache,
    Entry,
    PreviousCache,
    Snapshot,
    outcome_key,
    reading_key,
)
from generator.loading.csvfile import countable_rows, read_csv
from generator.loading.grid import Ragged, Sheet, Unreadable
from generator.loading.hygiene import Hidden, clean_column, clean_text
from generator.loading.xlsxfile import MAX_COLUMNS, read_xlsx
from generator.model import (
    BATCH,
    FILE,
    LEDGER_COLUMNS,
    RECORD_ID,
    REJECTED,
    ROW,
    Catalog,
    DatasetSpec,
    StageResult,
    Table,
)
from generator.problems import Problem, problem
from generator.schema import Schema, normalise_header

HIDDEN_WORDS = {
    "control": "控制字符（NUL、退格、换页等看不见的控制码）",
    "invisible": "不可见的方向控制符或零宽字符（可用来伪装名称和代码的显示）",
}


@dataclass
class Rejected:
    """A row the load stage did not read."""

    row: int
    reason: str
    value: str
    message: str


@dataclass
class Batch:
    """One batch file as read: its records, the rows not read, problems — or why it gave no records."""

    frame: pd.DataFrame
    rejected: list[Rejected] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    unusable: Problem | None = None  # the file gave no records: error naming the file and the cause
    table: pa.Table | None = None  # the records for the batch cache (schema columns, FILE, ROW)
    stood_in: Entry | None = None  # the previous cache entry whose rows stand in for a file giving none
    shown: str = ""  # the file's path as FILE shows it

    def ledger(self, dataset: str) -> pd.DataFrame:
        """A ledger row per row not read."""
        return _ledger(dataset, self.shown, self.rejected)


def read_records(catalog: Catalog, previous: PreviousCache | None = None) -> StageResult:
    """Read every batch of every dataset, oldest first; rows not read go to the ledger with a reason."""
    return load_records(catalog, previous, keep=False)[0]


def load_records(
    catalog: Catalog, previous: PreviousCache | None = None, keep: bool = True
) -> tuple[StageResult, BatchCache]:
    """``read_records``, falling back on ``previous`` for files that give no records now, and the batch
    cache for the next build (its new entries encoded only when ``keep``)."""
    previous = previous or PreviousCache()
    cache = BatchCache()
    tables: dict[str, Table] = {}
    ledgers: list[pd.DataFrame] = [_ledger("", "", [])]
    problems: list[Problem] = []
    for spec in catalog.datasets:
        frames = [empty_frame(spec.schema)]
        for batch, path in enumerate(spec.batches):
            shown = batch_path(catalog.root, path)
            snapshot = Snapshot.take(path) if keep else None
            got = load_batch(spec, path, shown, batch, previous)
            remember(cache if keep else None, spec, path, got, snapshot, previous)
            frames.append(got.frame)
            ledgers.append(got.ledger(spec.id))
            problems += got.problems
        tables[spec.id] = Table(spec, _concat(frames))
    problems += removed_batches(catalog, previous)
    return StageResult(tables, pd.concat(ledgers, ignore_index=True), problems), cache


def load_batch(spec: DatasetSpec, path: Path, shown: str, batch: int, previous: PreviousCache) -> Batch:
    """Read one file; a file that gives no records falls back on its cached rows. Problems name the dataset."""
    got = _read_batch(spec.schema, path, shown, batch)
    if got.unusable is not None:
        got = _fall_back(spec, got, got.unusable, shown, batch, previous)
    return replace(got, problems=[replace(p, dataset=spec.id) for p in got.problems], shown=shown)


def remember(
    cache: BatchCache | None,
    spec: DatasetSpec,
    path: Path,
    got: Batch,
    snapshot: Snapshot | None,
    previous: PreviousCache,
    outcome: bool = False,
) -> Entry | None:
    """Put a file into the next build's cache: rows read now, or the previous entry that stood in. With
    ``outcome``, the new entry names the outcome the caller adds (``BatchCache.add_outcome``) once the file is
    validated; that entry is returned. Nothing is cached for a file that changed while it was read."""
    if cache is None:
        return None
    if got.stood_in is not None:
        cache.carry(got.stood_in, previous)
    elif got.table is not None and snapshot is not None and snapshot.unchanged(path):
        shown = got.shown
        checked = outcome_key(spec.schema, spec.id, shown) if outcome else ""
        entry = Entry(shown, spec.id, snapshot.sha256, reading_key(spec.schema), got.table.num_rows, checked)
        cache.add(entry, got.table, previous)
        return entry
    return None


def _fall_back(
    spec: DatasetSpec, got: Batch, unusable: Problem, shown: str, batch: int, previous: PreviousCache
) -> Batch:
    """The rows this file gave at the last build that could read it, or nothing and a problem saying so."""
    found = previous.rows(shown)
    frame = _cached_frame(found[1], spec.schema, shown, batch) if found else None
    if found is None or frame is None:
        message = f"{unusable.message}；{_nothing_cached(previous, shown)}"
        return replace(got, problems=[replace(unusable, message=message), *got.problems], unusable=None)
    entry = found[0]
    message = (
        f"{unusable.message}；本次沿用上次成功读取的版本（{entry.rows} 行），这些记录照常校验、公示，"
        "不会因为本次读不出而撤下；请改正文件后重新提交"
    )
    return Batch(frame, [], [replace(unusable, message=message)], stood_in=entry)


def _nothing_cached(previous: PreviousCache, shown: str) -> str:
    if not previous.consulted:
        return "本次未对照上次构建的状态；构建时会沿用上次成功读取的版本，没有时本文件的记录不会公示"
    if shown in previous.entries:
        return "上次成功读取的版本不可用，本文件的记录本次未公示"
    return "此前没有成功读取过本文件，本文件的记录本次未公示"


def _cached_frame(table: pa.Table, schema: Schema, shown: str, batch: int) -> pd.DataFrame | None:
    """Cached rows in the shape of the current schema (columns it lacks are empty), or None if foreign."""
    if ROW not in table.column_names:
        return None
    try:
        arrays = {
            name: table[name].cast(pa.large_string())
            if name in table.column_names
            else _blank(table.num_rows)
            for name in schema.names
        }
        rows = table[ROW].to_numpy().astype(np.int64)
    except (pa.ArrowException, ValueError, TypeError):
        return None
    return _to_frame(arrays, shown, rows, batch)


def removed_batches(catalog: Catalog, previous: PreviousCache) -> list[Problem]:
    """A warning for every file the previous build read that the catalog no longer has."""
    seen = {batch_path(catalog.root, path) for spec in catalog.datasets for path in spec.batches}
    return [
        problem(
            "load-batch-removed",
            f"{path} 已不在目录中：上次从该文件读入的 {entry.rows} 行记录随之撤下，不再公示"
            "（如果不是有意撤下，请把文件放回原处后重新构建）",
            file=path,
            dataset=entry.dataset,
        )
        for path, entry in sorted(previous.entries.items())
        if path not in seen
    ]


def _read_batch(schema: Schema, path: Path, shown: str, batch: int) -> Batch:
    """One file → its records (canonical columns + FILE/ROW/BATCH), the rows not read, and problems."""
    try:
        sheet, why = read_xlsx(path) if path.suffix.lower() == ".xlsx" else read_csv(path)
    except OSError as exc:
        sheet, why = None, Unreadable("load-unreadable", f"无法打开（{exc.strerror or type(exc).__name__}）")
    if sheet is None:
        assert why is not None
        return _unreadable(schema, path, shown, why)
    if (
        why is not None
    ):  # a workbook whose formulas have no saved values: its rows are known, not their values
        return _whole_file(
            schema, sheet, shown, problem(why.code, f"{shown} 无法读取：{why.cause}", file=shown)
        )
    header_problems = _clean_header(sheet, shown)
    if not sheet.header and not sheet.ragged:
        return _whole_file(schema, sheet, shown, _empty(shown, path))
    mapping, problems, clash = _map_headers(schema, sheet, shown)
    problems = header_problems + problems + _overflow(sheet, shown)
    if clash is not None:
        return _whole_file(schema, sheet, shown, clash)
    if not mapping:
        return _whole_file(schema, sheet, shown, _no_known_columns(schema, sheet, shown))
    rejected = [_ragged(shown, len(sheet.header), r) for r in sheet.ragged]
    found = [problem(r.reason, r.message, file=shown, row=r.row, value=r.value) for r in rejected]
    if not len(sheet.rows):
        return Batch(empty_frame(schema), rejected, found, _no_rows(sheet, shown))
    frame, table, cleaned = _frame(schema, sheet, mapping, shown, batch)
    return Batch(frame, rejected, found + problems + cleaned, table=table)


def _whole_file(schema: Schema, sheet: Sheet, shown: str, unusable: Problem) -> Batch:
    """No record of the file is read: its rows (as far as known) are rejected for the file's reason."""
    rows = [int(r) for r in sheet.rows] + [r[0] for r in sheet.ragged]
    rejected = [Rejected(r, unusable.code, "", unusable.message) for r in sorted(rows)]
    return Batch(empty_frame(schema), rejected, [], unusable)


def _empty(shown: str, path: Path) -> Problem:
    what = "工作表是空的" if path.suffix.lower() == ".xlsx" else "是空文件"
    message = f"{shown} {what}（没有表头，也没有数据），其中没有可读入的记录"
    return problem("load-empty-file", message, file=shown)


def _no_rows(sheet: Sheet, shown: str) -> Problem:
    if not sheet.ragged:
        return problem("load-header-only", f"{shown} 只有表头，没有数据行", file=shown, row=1)
    message = (
        f"{shown} 的 {len(sheet.ragged)} 行数据没有一行能读入：每一行的单元格个数都与表头的 "
        f"{len(sheet.header)} 列不符（常见原因：分隔符不是英文逗号，或内容里有未加引号的逗号）"
    )
    return problem("load-no-rows-read", message, file=shown)


def _no_known_columns(schema: Schema, sheet: Sheet, shown: str) -> Problem:
    labels = "、".join(f"「{h[:20]}」" for h in sheet.header[:3] if h) or "（空白）"
    message = (
        f"{shown} 的第一行 {labels}{'等' if len(sheet.header) > 3 else ''} 中没有任何「{schema.title}」的字段，"
        "无法读取；请确认第一行是表头、分隔符是英文逗号，且文件放在正确的数据集目录中"
    )
    return problem("load-no-known-columns", message, file=shown, row=1)


def _clean_header(sheet: Sheet, shown: str) -> list[Problem]:
    """Header cells lose control and invisible characters too (a warning each)."""
    problems: list[Problem] = []
    for index, label in enumerate(sheet.header):
        cleaned, kinds = clean_text(label)
        if kinds:
            sheet.header[index] = cleaned
            words = "和".join(HIDDEN_WORDS[k] for k in kinds)
            message = f"{shown} 第 {index + 1} 列的表头「{cleaned}」含{words}，已删除这些字符"
            problems.append(problem(f"load-{kinds[0]}-character", message, file=shown, row=1, field=cleaned))
    return problems


def _overflow(sheet: Sheet, shown: str) -> list[Problem]:
    if sheet.overflow is None:
        return []
    message = (
        f"{shown} 第 1 行在第 {MAX_COLUMNS} 列之后还有 {sheet.overflow.cells} 个非空单元格（从 {sheet.overflow.first}"
        " 列起），超出可读范围，这些列已忽略"
    )
    return [problem("load-too-many-columns", message, file=shown, row=1)]


def _concat(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """The batches as one table (arrow chunks are chained, not copied)."""
    return frames[-1] if len(frames) <= 2 else pd.concat(frames, ignore_index=True)


def empty_frame(schema: Schema) -> pd.DataFrame:
    frame = pd.DataFrame({name: pd.Series(dtype="str") for name in (*schema.names, FILE)})
    return frame.assign(**{ROW: pd.Series(dtype="int64"), BATCH: pd.Series(dtype="int64")})


def _map_headers(
    schema: Schema, sheet: Sheet, shown: str
) -> tuple[dict[str, int], list[Problem], Problem | None]:
    """Header cell → canonical field; unknown headers warn, two columns for one field reject the file."""
    accepted = schema.header_map()
    mapping: dict[str, int] = {}
    problems: list[Problem] = []
    for index, label in enumerate(sheet.header):
        key = normalise_header(label)
        name = accepted.get(key) or accepted.get(key.upper())
        if name is None:
            problems += _unknown_header(schema, sheet, index, label, shown)
        elif name in mapping:
            return mapping, problems, _clash(schema, sheet, name, mapping[name], index, shown)
        else:
            mapping[name] = index
    return mapping, problems + _missing_columns(schema, sheet, mapping, shown), None


def _unknown_header(schema: Schema, sheet: Sheet, index: int, label: str, shown: str) -> list[Problem]:
    column = sheet.columns[index]
    filled = len(column) - pc.sum(pc.equal(column, "")).as_py() if len(column) else 0
    if not label and not filled:
        return []
    what = f"表头「{label}」不是「{schema.title}」的字段" if label else "没有表头"
    message = (
        f"{shown} 第 {index + 1} 列{what}，该列已忽略（其中 {filled} 个非空单元格未读入）；"
        "如果它是某个字段的别称，请改用标准字段名"
    )
    return [problem("load-unknown-header", message, file=shown, row=1, field=label, value=label)]


def _clash(schema: Schema, sheet: Sheet, name: str, first: int, second: int, shown: str) -> Problem:
    title = schema.field(name).title
    message = (
        f"{shown} 的第 {first + 1} 列「{sheet.header[first]}」和第 {second + 1} 列「{sheet.header[second]}」"
        f"都对应字段「{title}」（{name}），无法判断以哪一列为准；本文件 {len(sheet.rows)} 行全部未读入，"
        "请删除其中一列后重新提交"
    )
    return problem(
        "load-duplicate-header", message, file=shown, row=1, field=name, value=sheet.header[second]
    )


def _missing_columns(schema: Schema, sheet: Sheet, mapping: dict[str, int], shown: str) -> list[Problem]:
    if not sheet.header:
        return []
    needed = [f for f in schema.fields if (f.required or f.required_when) and f.name not in mapping]
    return [
        problem(
            "load-missing-column",
            f"{shown} 缺少字段「{f.title}」（{f.name}）所在的列；需要填写该字段的各行将因此被拒收",
            file=shown,
            row=1,
            field=f.name,
        )
        for f in needed
    ]


def _frame(
    schema: Schema, sheet: Sheet, mapping: dict[str, int], shown: str, batch: int
) -> tuple[pd.DataFrame, pa.Table, list[Problem]]:
    """The records (hygiene applied), the same rows for the batch cache, and a warning per cleaned field."""
    arrays: dict[str, pa.ChunkedArray] = {}
    problems: list[Problem] = []
    for name in schema.names:
        if name not in mapping:
            arrays[name] = _blank(len(sheet.rows))
            continue
        arrays[name], hidden = clean_column(sheet.columns[mapping[name]])
        problems += [_hidden(schema, name, shown, sheet.rows, h) for h in hidden]
    table = pa.table({**arrays, FILE: _text(shown, len(sheet.rows)), ROW: pa.array(sheet.rows, pa.int64())})
    return _to_frame(arrays, shown, sheet.rows, batch), table, problems


def _to_frame(arrays: dict[str, pa.ChunkedArray], shown: str, rows: np.ndarray, batch: int) -> pd.DataFrame:
    n = len(rows)
    frame = pa.table({**arrays, FILE: _text(shown, n)}).to_pandas()
    frame[ROW] = rows
    frame[BATCH] = np.full(n, batch, dtype=np.int64)
    return frame


def _blank(n: int) -> pa.ChunkedArray:
    return _text("", n)


def _text(value: str, n: int) -> pa.ChunkedArray:
    return pa.chunked_array([pa.repeat(pa.scalar(value, pa.large_string()), n)])


def _hidden(schema: Schema, name: str, shown: str, rows: np.ndarray, found: Hidden) -> Problem:
    row = int(rows[found.first])
    message = (
        f"{shown} 的「{schema.field(name).title}」列有 {found.cells} 个单元格含{HIDDEN_WORDS[found.kind]}"
        f"（首见第 {row} 行），已删除这些字符；请检查导出数据的系统"
    )
    return problem(f"load-{found.kind}-character", message, file=shown, row=row, field=name)


def _ragged(shown: str, width: int, bad: Ragged) -> Rejected:
    row, cells, text = bad
    message = (
        f"{shown} 第 {row} 行有 {cells} 个单元格，而表头有 {width} 列，该行未读入"
        "（常见原因：内容里有未加引号的英文逗号、引号或换行）"
    )
    return Rejected(row, "load-ragged-row", text[:200], message)


def _unreadable(schema: Schema, path: Path, shown: str, why: Unreadable) -> Batch:
    if why.code != "load-undecodable":
        message = f"{shown} 无法读取：{why.cause}。其中的行均未读入"
        return Batch(empty_frame(schema), unusable=problem(why.code, message, file=shown))
    rows = countable_rows(path.read_bytes())
    count = f"{len(rows)} 行数据全部未读入" if rows else "其中的行全部未读入（行数无法确定）"
    message = f"{shown} {why.cause}，无法读取，{count}；请在 Excel/WPS 中“另存为 CSV UTF-8”后重新提交"
    row_message = f"{shown} 无法解码（{why.cause}），第 {{}} 行未读入"
    rejected = [Rejected(r, "load-undecodable", "", row_message.format(r)) for r in rows]
    return Batch(empty_frame(schema), rejected, [], problem("load-undecodable", message, file=shown))


def _ledger(dataset: str, shown: str, rejected: list[Rejected]) -> pd.DataFrame:
    n = len(rejected)
    data = {
        "dataset": [dataset] * n,
        FILE: [shown] * n,
        ROW: np.array([r.row for r in rejected], dtype=np.int64),
        RECORD_ID: [""] * n,
        "fate": [REJECTED] * n,
        "reason": [r.reason for r in rejected],
        "field": [""] * n,
        "value": [r.value for r in rejected],
        "message": [r.message for r in rejected],
    }
    return pd.DataFrame({c: pd.Series(data[c], dtype="int64" if c == ROW else "str") for c in LEDGER_COLUMNS})


def batch_path(root: Path, path: Path) -> str:
    """A batch file's path as the FILE column, the ledger and the batch cache name it (relative, ``/``)."""
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.resolve().relative_to(root.resolve()).as_posix()
