"""The batch cache: every batch file's loaded rows, kept in the output's internal ``state/batches/`` folder.

Stage: the previous build's cache is opened before load (``PreviousCache.open``); the load stage fills a
``BatchCache``; the build writes it into the staging ``state/`` folder at the end (``write``), so it is
swapped in with the rest of the new state, or not at all.

Guarantees: an entry holds one file's rows exactly as the load stage read them — the schema's columns after
hygiene, FILE and ROW — as Parquet, named by the file's SHA-256 and a key made of the gongshi version and the
dataset schema's reading (columns and accepted headers), so the same bytes read by the same code under the
same schema always have the same name (a later build may skip re-reading them). ``index.json`` maps each
catalog-relative path to its entry. A missing, unreadable or foreign index or entry means "no cached copy",
never an error. Unchanged entries are carried over from the previous state (hard link, else copy) without
being encoded again; an entry that cannot be carried is left out of the index.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from generator import __version__
from generator.paths import BATCH_CACHE_DIR, BATCH_CACHE_INDEX
from generator.schema import Schema

CACHE_FORMAT = 1


@dataclass(frozen=True)
class Entry:
    """One cached batch file: where it is in the catalog, what it held, and how many rows were read."""

    path: str  # relative to the catalog, forward slashes (the FILE column)
    dataset: str
    sha256: str  # of the file's bytes
    key: str  # gongshi version + schema reading (``reading_key``)
    rows: int

    @property
    def filename(self) -> str:
        return f"{self.sha256}-{self.key}.parquet"


def reading_key(schema: Schema) -> str:
    """What, besides the bytes, decides the rows read from a file: gongshi's version and the schema's
    columns and accepted header spellings."""
    text = json.dumps([__version__, schema.names, sorted(schema.header_map().items())], ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def file_sha256(path: Path) -> str:
    with open(path, "rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()


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


def _entries(index: dict[str, Any]) -> dict[str, Entry]:
    if index.get("format") != CACHE_FORMAT:
        return {}
    entries = {path: Entry(path=path, **item) for path, item in index["files"].items()}
    for entry in entries.values():
        if not (isinstance(entry.sha256, str) and isinstance(entry.key, str) and isinstance(entry.rows, int)):
            raise TypeError("malformed entry")
        if os.sep in entry.filename or "/" in entry.filename or entry.filename.startswith("."):
            raise ValueError("entry name is not a plain file name")
    return entries


@dataclass
class BatchCache:
    """The cache the next build will find: entries, and for each one either new bytes or a file to carry."""

    entries: dict[str, Entry] = field(default_factory=dict)
    fresh: dict[str, bytes] = field(default_factory=dict)  # entry file name → Parquet bytes
    carried: dict[str, Path] = field(default_factory=dict)  # entry file name → file in the previous state

    def add(self, entry: Entry, table: pa.Table, previous: PreviousCache) -> None:
        """Cache a file just read: carried over when the previous state has the same entry, else encoded."""
        self.entries[entry.path] = entry
        source = previous.file(entry.filename)
        if source is not None:
            self.carried[entry.filename] = source
        elif entry.filename not in self.fresh:
            self.fresh[entry.filename] = parquet_bytes(table)

    def carry(self, entry: Entry, previous: PreviousCache) -> None:
        """Keep the previous entry of a file that could not be read this time."""
        source = previous.file(entry.filename)
        if source is not None:
            self.entries[entry.path] = entry
            self.carried[entry.filename] = source


def parquet_bytes(table: pa.Table) -> bytes:
    sink = pa.BufferOutputStream()
    pq.write_table(table, sink, compression="zstd")
    return bytes(sink.getvalue())


def write(state_dir: Path, cache: BatchCache) -> None:
    """Write the cache into ``state_dir/batches/``: entry files, then the index naming those that exist."""
    folder = state_dir / BATCH_CACHE_DIR
    folder.mkdir(parents=True, exist_ok=True)
    for filename, data in sorted(cache.fresh.items()):
        (folder / filename).write_bytes(data)
    for filename, source in sorted(cache.carried.items()):
        _carry(source, folder / filename)
    entries = {path: e for path, e in sorted(cache.entries.items()) if (folder / e.filename).is_file()}
    files = {path: {k: v for k, v in asdict(e).items() if k != "path"} for path, e in entries.items()}
    index = {"format": CACHE_FORMAT, "version": __version__, "files": files}
    text = json.dumps(index, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
    (folder / BATCH_CACHE_INDEX).write_text(text, encoding="utf-8")


def _carry(source: Path, target: Path) -> None:
    """Hard-link (no copy of the bytes), else copy; a source that has gone is simply not carried."""
    if target.exists():
        return
    try:
        os.link(source, target)
    except OSError:
        with contextlib.suppress(OSError):
            shutil.copyfile(source, target)
