"""The batch cache: every batch file's loaded rows and its load + validate outcome, kept in the output's
internal ``state/batches/`` folder.

Stage: load. The previous build's cache is opened before load (``PreviousCache.open``); the load and validate
stages fill a ``BatchCache`` (the build's spools each new entry file into the staging ``state/`` as it is
encoded); the build completes it there at the end (``write_cache``), so it is swapped in with the rest of the
new state, or not at all.

Guarantees: an entry holds one file's rows exactly as the load stage read them — the schema's columns after
hygiene and ROW (not FILE: two files of the same bytes share an entry file) — as Parquet, named by the file's SHA-256 and a key made of the gongshi version and the
dataset schema's reading (columns and accepted headers: ``generator.loading.keys``); a later build falls back
on them when the file gives no records (``generator.loading.fallback``). An entry may also hold the file's
**outcome** (``generator.loading.outcome``) — its valid rows (Arrow IPC) and, as JSON, the rows the load
stage did not read, the load problems, the validation ledger and problems, and the departments of the rejected
rows — named by the SHA-256 and an outcome key (``outcome_key``: the code of the load and validate stages and
the libraries they use, the whole schema, the dataset and the file's path), so a later build whose file has
the same bytes and the same key takes the outcome instead of reading and checking the file again
(``generator.inputs``), with the same result. ``index.json`` maps each catalog-relative path to its entry. A
missing, unreadable, foreign or corrupt index, entry or outcome means "no cached copy", never an error.
Unchanged entries are carried over from the previous state (hard link, else copy) without being encoded again;
an entry that cannot be carried is left out of the index (an outcome that cannot: left out of its entry).
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from generator import __version__
from generator.loading.keys import outcome_key, reading_key
from generator.loading.outcome import Outcome, decode_outcome, encode_outcome
from generator.model import DatasetSpec
from generator.paths import BATCH_CACHE_DIR, BATCH_CACHE_INDEX

CACHE_FORMAT = 1
_HEX = re.compile(r"[0-9a-f]{16,64}")


@dataclass(frozen=True)
class Entry:
    """One cached batch file: where it is in the catalog, what it held, and how many rows were read."""

    path: str  # relative to the catalog, forward slashes (the FILE column)
    dataset: str
    sha256: str  # of the file's bytes
    key: str  # gongshi version + schema reading (``reading_key``)
    rows: int
    checked: str = ""  # outcome key (``outcome_key``) when the entry holds the file's outcome, else ""

    @property
    def filename(self) -> str:
        return f"{self.sha256}-{self.key}.parquet"

    @property
    def outcome_files(self) -> tuple[str, str]:
        """The outcome's valid rows (Arrow IPC) and the rest (JSON); meaningless when ``checked`` is ""."""
        stem = f"{self.sha256}-{self.checked}"
        return f"{stem}.valid.arrow", f"{stem}.outcome.json"


@dataclass
class PreviousCache:
    """The previous build's cache (empty when there is none or it cannot be read)."""

    folder: Path | None = None
    entries: dict[str, Entry] = field(default_factory=dict)
    consulted: bool = False  # a previous state folder was named (``gongshi check`` names none)

    @classmethod
    def open(cls, state_dir: Path | None) -> PreviousCache:
        if state_dir is None:
            return cls()
        folder = state_dir / BATCH_CACHE_DIR
        try:
            index = json.loads((folder / BATCH_CACHE_INDEX).read_text(encoding="utf-8"))
            entries = _entries(index)
        except (OSError, ValueError, TypeError, KeyError, AttributeError):
            return cls(consulted=True)
        return cls(folder, entries, consulted=True)

    def file(self, filename: str) -> Path | None:
        """The entry file of that name, if the previous state holds it."""
        if self.folder is None:
            return None
        path = self.folder / filename
        return path if path.is_file() else None

    def rows(self, path: str) -> tuple[Entry, pa.Table] | None:
        """The last good rows of a catalog file, or None when there is no readable cached copy."""
        entry = self.entries.get(path)
        source = self.file(entry.filename) if entry else None
        if entry is None or source is None:
            return None
        try:
            table = pq.read_table(source)
        except (OSError, pa.ArrowException, ValueError):
            return None
        return (entry, table) if table.num_rows == entry.rows else None

    def unchanged(self, path: str, spec: DatasetSpec, sha256: str) -> Entry | None:
        """The previous entry of the file at ``path`` if it was made from the same bytes, for the same
        dataset, under the same keys (reading and outcome), and holds an outcome."""
        entry = self.entries.get(path)
        wanted = (spec.id, sha256, reading_key(spec.schema), outcome_key(spec.schema, spec.id, path))
        if entry is None or (entry.dataset, entry.sha256, entry.key, entry.checked) != wanted:
            return None
        return entry

    def outcome(self, entry: Entry, batch: int, columns: Sequence[str] | None = None) -> Outcome | None:
        """The outcome ``entry`` holds, its valid rows numbered as batch ``batch`` (with only ``columns``: see
        ``decode_outcome``); None when it has none or it cannot be read."""
        rows, rest = (self.file(name) for name in entry.outcome_files)
        if not entry.checked or rows is None or rest is None:
            return None
        try:
            return decode_outcome(rows, rest, batch, columns)
        except (OSError, pa.ArrowException, ValueError, TypeError, KeyError, AttributeError):
            return None


def _entries(index: dict[str, Any]) -> dict[str, Entry]:
    if index.get("format") != CACHE_FORMAT:
        return {}
    entries = {path: Entry(path=path, **item) for path, item in index["files"].items()}
    for entry in entries.values():
        if not (isinstance(entry.sha256, str) and isinstance(entry.key, str) and isinstance(entry.rows, int)):
            raise TypeError("malformed entry")
        if not all(isinstance(k, str) and _HEX.fullmatch(k) for k in (entry.sha256, entry.key)):
            raise ValueError("entry name is not a plain file name")
        if not isinstance(entry.checked, str) or (entry.checked and not _HEX.fullmatch(entry.checked)):
            raise ValueError("outcome name is not a plain file name")
    return entries


@dataclass
class BatchCache:
    """The cache the next build will find: entries, and for each one either new bytes or a file to carry."""

    entries: dict[str, Entry] = field(default_factory=dict)
    fresh: dict[str, bytes] = field(default_factory=dict)  # entry file name → Parquet, Arrow or JSON bytes
    carried: dict[str, Path] = field(default_factory=dict)  # entry file name → file in the previous state
    # When set, new entry files go to this folder as they are encoded instead of into ``fresh``: a first
    # build of a city encodes every batch, and holding those bytes until the end cost ≈ 0.35 GB a million
    # records through the whole build. The build spools into its staging ``state/batches/``.
    spool: Path | None = None
    spooled: set[str] = field(default_factory=set)  # entry file names written into ``spool``
    # A Dask worker's cache (``generator.loading.checked``) spools into a folder the build made, and must not
    # make it again: after a failed build that folder is gone, and a task still running then must fail rather
    # than bring the discarded staging folder back.
    spool_made: bool = False

    def add(self, entry: Entry, table: pa.Table, previous: PreviousCache) -> None:
        """Cache a file just read: carried over when the previous state has the same entry file, else
        encoded. Its outcome, which ``entry.checked`` names, follows with ``add_outcome``."""
        self.entries[entry.path] = entry
        source = previous.file(entry.filename)
        if source is not None:
            self.carried[entry.filename] = source
        elif entry.filename not in self.fresh and entry.filename not in self.spooled:
            self._keep(entry.filename, parquet_bytes(table))

    def add_outcome(self, entry: Entry, outcome: Outcome) -> None:
        """Cache the outcome of a file just read and validated (always encoded: it was just computed)."""
        if entry.checked and self.entries.get(entry.path) == entry:
            for name, data in zip(entry.outcome_files, encode_outcome(outcome), strict=True):
                self._keep(name, data)

    def _keep(self, name: str, data: bytes) -> None:
        """Hold new bytes for ``write_cache``: in ``spool`` when there is one, else in memory."""
        if self.spool is None:
            self.fresh[name] = data
            return
        if not self.spool_made:
            self.spool.mkdir(parents=True, exist_ok=True)
        part = self.spool / f".{name}.{os.getpid()}.part"  # two workers may write the same entry file
        part.write_bytes(data)
        os.replace(part, self.spool / name)
        self.spooled.add(name)

    def carry(self, entry: Entry, previous: PreviousCache) -> None:
        """Keep a previous entry (its file unchanged, or unreadable this time) and its outcome if it has one."""
        source = previous.file(entry.filename)
        if source is None:
            return
        self.entries[entry.path] = entry
        self.carried[entry.filename] = source
        for name in entry.outcome_files if entry.checked else ():
            if (found := previous.file(name)) is not None:
                self.carried[name] = found


def parquet_bytes(table: pa.Table) -> bytes:
    sink = pa.BufferOutputStream()
    pq.write_table(table, sink, compression="zstd")
    return bytes(sink.getvalue())


def write_cache(state_dir: Path, cache: BatchCache) -> None:
    """Write the cache into ``state_dir/batches/``: entry files, then the index naming those that exist."""
    folder = state_dir / BATCH_CACHE_DIR
    folder.mkdir(parents=True, exist_ok=True)
    for stray in folder.glob(".*.part"):  # a worker killed while spooling an entry file (it ran again)
        stray.unlink()
    for filename, data in sorted(cache.fresh.items()):
        (folder / filename).write_bytes(data)
    if cache.spool is not None and cache.spool.resolve() != folder.resolve():  # the build spools in place
        for filename in sorted(cache.spooled):
            os.replace(cache.spool / filename, folder / filename)
    for filename, source in sorted(cache.carried.items()):
        _carry(source, folder / filename)
    entries = {path: _written(folder, e) for path, e in sorted(cache.entries.items())}
    files = {path: {k: v for k, v in asdict(e).items() if k != "path"} for path, e in entries.items() if e}
    index = {"format": CACHE_FORMAT, "version": __version__, "files": files}
    text = json.dumps(index, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
    (folder / BATCH_CACHE_INDEX).write_text(text, encoding="utf-8")


def _written(folder: Path, entry: Entry) -> Entry | None:
    """The entry as written: None without its rows, without its outcome when that is incomplete."""
    if not (folder / entry.filename).is_file():
        return None
    if entry.checked and not all((folder / name).is_file() for name in entry.outcome_files):
        return Entry(entry.path, entry.dataset, entry.sha256, entry.key, entry.rows)
    return entry


def _carry(source: Path, target: Path) -> None:
    """Hard-link (no copy of the bytes), else copy; a source that has gone is simply not carried."""
    if target.exists():
        return
    try:
        os.link(source, target)
    except OSError:
        with contextlib.suppress(OSError):
            shutil.copyfile(source, target)
