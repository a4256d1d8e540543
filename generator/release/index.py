"""Content index of a release: for every dataset, record ID → digest of the record's public content.

Stage: write release. Guarantees: a record's digest is BLAKE2b of its JSON Lines line — the exact public
record — so any change to any public value changes it and nothing else does; the index of the newest release
is kept in ``state/`` (internal, never deployed) and, when that is missing or belongs to another release,
is computed again from that release's JSON Lines files, so a lost state never makes a wrong delta.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from generator import paths
from generator.packs.layout import RECORD_ID_HEADER

Index = dict[str, dict[str, bytes]]  # dataset → record ID → content digest
ID_AT_START = re.compile(b'^\\{"' + RECORD_ID_HEADER.encode("utf-8") + b'":"([^"\\\\]*)"')
STATE_FORMAT = b"gongshi-release-index-1"


def record_id_of(line: bytes) -> str:
    """The 记录ID of a JSON Lines record (its first key)."""
    found = ID_AT_START.match(line)
    return found.group(1).decode("utf-8") if found else str(json.loads(line)[RECORD_ID_HEADER])


def digest(line: bytes) -> bytes:
    return hashlib.blake2b(line.rstrip(b"\n"), digest_size=16).digest()


def records(path: Path) -> Iterator[tuple[str, bytes, bytes]]:
    """(record ID, digest, line) for every line of a JSON Lines file."""
    with open(path, "rb") as f:
        for line in f:
            if line.strip():
                yield record_id_of(line), digest(line), line


def index_of_release(folder: Path) -> Index:
    """The index of a release folder (``<folder>/<dataset>/<dataset>.jsonl``)."""
    index: Index = {}
    for dataset in sorted(p for p in folder.iterdir() if p.is_dir()):
        source = dataset / f"{dataset.name}.jsonl"
        if source.is_file():
            index[dataset.name] = {rid: d for rid, d, _ in records(source)}
    return index


def read_state(state_in: Path | None, release_id: str) -> Index | None:
    """The index kept in ``state_in`` if it is the index of ``release_id``; else None."""
    path = state_in / paths.RELEASE_INDEX_FILE if state_in else None
    try:
        table = pq.read_table(path) if path else None
    except (OSError, pa.ArrowInvalid):
        return None
    meta = (table.schema.metadata or {}) if table is not None else {}
    if table is None or meta.get(b"format") != STATE_FORMAT or meta.get(b"release") != release_id.encode():
        return None
    index: Index = {}
    for dataset, rid, value in zip(
        *(table.column(c).to_pylist() for c in ("dataset", "id", "digest")), strict=True
    ):
        index.setdefault(dataset, {})[rid] = value
    return index


def write_state(state_out: Path, release_id: str, index: Index) -> None:
    """Keep ``index`` (of release ``release_id``) for the next build, sorted so the file is reproducible."""
    rows = sorted((d, rid, v) for d, ids in index.items() for rid, v in ids.items())
    columns = list(zip(*rows, strict=True)) if rows else [(), (), ()]
    schema = pa.schema([("dataset", pa.string()), ("id", pa.string()), ("digest", pa.binary(16))])
    schema = schema.with_metadata({b"format": STATE_FORMAT, b"release": release_id.encode()})
    table = pa.Table.from_arrays(
        [pa.array(list(c), t) for c, t in zip(columns, schema.types, strict=True)], schema=schema
    )
    state_out.mkdir(parents=True, exist_ok=True)
    pq.write_table(table, state_out / paths.RELEASE_INDEX_FILE, compression="zstd")
