"""Content index of a release: for every dataset, record ID → digest of the record's public content.

Stage: write release. Guarantees: a record's digest is BLAKE2b of its JSON Lines line — the exact public
record — so any change to any public value changes it and nothing else does; the index of the newest release
is kept in ``state/`` (internal, never deployed) and, when that is missing or belongs to another release,
is computed again from that release's JSON Lines files, so a lost state never makes a wrong delta. A dataset's
index is two arrays (``Digests``), not a dict (``bench_delta.py``, 500 k records: a dict of the IDs and digests
held 82 MiB, the arrays 21; kept in ``state/`` in 3.0 → 0.5 s of CPU, read back in 1.0 → 0.15 s).
"""

from __future__ import annotations

import hashlib
import json
import re
from array import array
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from generator import paths
from generator.digests import strings_over
from generator.packs.layout import RECORD_ID_HEADER

ID_AT_START = re.compile(b'^\\{"' + RECORD_ID_HEADER.encode("utf-8") + b'":"([^"\\\\]*)"')
STATE_FORMAT = b"gongshi-release-index-1"
DIGEST_BYTES = 16
STATE_SCHEMA = pa.schema([("dataset", pa.string()), ("id", pa.string()), ("digest", pa.binary(DIGEST_BYTES))])
_CAST_ROWS = 1 << 24  # IDs cast to 32-bit offsets this many at a time (a province's dataset may pass 2 GiB)


@dataclass(frozen=True, eq=False)  # arrays: no field-wise equality
class Digests:
    """Records' IDs and content digests, row for row (a release's dataset: each ID once)."""

    ids: pa.Array  # large_string
    digests: npt.NDArray[np.uint64]  # one row of two words per record: its 16-byte digest

    def __len__(self) -> int:
        return len(self.ids)

    def positions_in(self, other: Digests) -> npt.NDArray[np.int64]:
        """Where each of these IDs is in ``other`` (-1: not there)."""
        found = pc.index_in(self.ids, value_set=other.ids).fill_null(-1)
        return np.asarray(found.to_numpy(zero_copy_only=False), dtype=np.int64)

    def sorted(self) -> Digests:
        """By ID (code point order, as Python sorts ``str``)."""
        order = pc.sort_indices(self.ids).to_numpy()
        return Digests(self.ids.take(order), self.digests[order])


NO_DIGESTS = Digests(pa.array([], pa.large_string()), np.zeros((0, 2), np.uint64))
Index = dict[str, Digests]  # dataset → its records' IDs and digests


def record_id_of(line: bytes) -> str:
    """The 记录ID of a JSON Lines record (its first key)."""
    return _id_bytes(line).decode("utf-8")


def _id_bytes(line: bytes) -> bytes:
    found = ID_AT_START.match(line)  # no quote or backslash inside: the bytes are the ID's UTF-8
    return found.group(1) if found else str(json.loads(line)[RECORD_ID_HEADER]).encode("utf-8")


def digest(line: bytes) -> bytes:
    return hashlib.blake2b(line.rstrip(b"\n"), digest_size=DIGEST_BYTES).digest()


def lines(path: Path) -> Iterator[bytes]:
    """The records' lines of a JSON Lines file (blank lines skipped)."""
    with open(path, "rb") as f:
        yield from (line for line in f if line.strip())


def records(path: Path) -> Iterator[tuple[str, bytes, bytes]]:
    """(record ID, digest, line) for every line of a JSON Lines file."""
    for line in lines(path):
        yield record_id_of(line), digest(line), line


def gathered(path: Path) -> Digests:
    """The IDs and digests of a JSON Lines file's lines, line for line, gathered straight into the buffers of
    two arrays (an ID may be there twice: ``each_once``)."""
    data, ends, sums = bytearray(), array("q", [0]), bytearray()
    for line in lines(path):
        data += _id_bytes(line)
        ends.append(len(data))
        sums += digest(line)
    return Digests(
        strings_over(data, ends, len(ends) - 1), np.frombuffer(sums, dtype=np.uint64).reshape(-1, 2)
    )


def each_once(found: Digests) -> Digests:
    """``found`` with each ID once, at its last row (a dict's ``index[id] = digest``, line by line)."""
    first = found.positions_in(found)
    rows = np.arange(len(found), dtype=np.int64)
    if np.array_equal(first, rows):
        return found
    last = np.full(len(found), -1, dtype=np.int64)
    np.maximum.at(last, first, rows)
    keep = np.sort(last[last >= 0])
    return Digests(found.ids.take(keep), found.digests[keep])


def index_of_release(folder: Path) -> Index:
    """The index of a release folder (``<folder>/<dataset>/<dataset>.jsonl``)."""
    index: Index = {}
    for dataset in sorted(p for p in folder.iterdir() if p.is_dir()):
        source = dataset / f"{dataset.name}.jsonl"
        if source.is_file():
            index[dataset.name] = each_once(gathered(source))
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
    return _split(table)


def _split(table: pa.Table) -> Index:
    datasets = table.column("dataset").combine_chunks()
    ids = table.column("id").cast(pa.large_string()).combine_chunks()
    sums = table.column("digest").combine_chunks()
    words = np.frombuffer(sums.buffers()[1], dtype=np.uint64).reshape(-1, 2)[sums.offset :][: len(sums)]
    index: Index = {}
    for dataset in pc.unique(datasets).to_pylist():
        rows = np.flatnonzero(pc.equal(datasets, dataset).to_numpy(zero_copy_only=False))
        index[dataset] = Digests(ids.take(rows), words[rows])
    return index


def write_state(state_out: Path, release_id: str, index: Index) -> None:
    """Keep ``index`` (of release ``release_id``) for the next build, sorted by dataset and ID so the file is
    reproducible."""
    ordered = [(d, index[d].sorted()) for d in sorted(index)]
    datasets = [pa.repeat(pa.scalar(d, pa.string()), len(digests)) for d, digests in ordered]
    ids = [part for _, digests in ordered for part in _narrow(digests.ids)]
    sums = [_fixed(digests.digests) for _, digests in ordered]
    table = pa.Table.from_arrays(
        [pa.chunked_array(c, t) for c, t in zip((datasets, ids, sums), STATE_SCHEMA.types, strict=True)],
        schema=STATE_SCHEMA.with_metadata({b"format": STATE_FORMAT, b"release": release_id.encode()}),
    )
    state_out.mkdir(parents=True, exist_ok=True)
    pq.write_table(table, state_out / paths.RELEASE_INDEX_FILE, compression="zstd")


def _narrow(ids: pa.Array) -> list[pa.Array]:
    """``ids`` as ``string`` (32-bit offsets, the state's type), a slice at a time."""
    return [ids.slice(i, _CAST_ROWS).cast(pa.string()) for i in range(0, len(ids), _CAST_ROWS)]


def _fixed(words: npt.NDArray[np.uint64]) -> pa.Array:
    return pa.Array.from_buffers(
        pa.binary(DIGEST_BYTES), len(words), [None, pa.py_buffer(np.ascontiguousarray(words))]
    )
