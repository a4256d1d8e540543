"""The ledger of the files a build writes: each file's record as its writer left it, kept by path.

Stage: shared. Every writer into the staging site (``generator.outputs`` and the page, search and precompress
tasks it runs) describes each file it puts there as a ``Written``; a task sends its files back as one
``WrittenBatch``; ``generator.outputs`` notes them all in a ``Ledger`` and, when it seals the staging site,
turns the ledger into the new ``generator.digests.DigestMap``.

Guarantees: a ledger keeps the last record of each path, however it is read (a path noted twice has two rows,
the later counting); ``Ledger.digest_map`` refuses — ``ValueError`` — paths that were not added in sorted
order, each once.

Why columns, and the paths in Arrow: a city's site has millions of files. ``Written`` tuples in a dict took
340 bytes a file (measured on 300 k paths); columns with the paths as Python strings in a list and a dict of
path → row, 188 (1.3 M paths: 232 MiB); with the paths in Arrow and no dict, 110 (137 MiB; the seal's peak
617 → 451 MiB, its CPU 9.8 → 7.8 s, taking the batches back 1.7 → 0.7 s: ``bench/bench_ledger.py``, the same
run). A batch crosses between processes as a list of paths and four buffers, not a tuple a file.
"""

from __future__ import annotations

import binascii
import bisect
from array import array
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any, NamedTuple

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from generator.collector import give_back_arrow
from generator.digests import DigestMap, hash_index, strings_over

_LINKED, _UNMADE = 1, 2  # a ledger row's flags
PENDING_ROWS = 4096  # paths added one at a time, kept as Python strings until they make a chunk
_PAGE = 65_536  # paths turned into Python strings (or back) at a time


class Written(NamedTuple):
    """One file of the staging site as a writer left it."""

    path: str  # relative to site/
    digest: str
    size: int
    inode: int
    linked: bool  # the previous site's file (same inode), carried rather than written
    unmade: bool = (
        False  # linked without being made at all: its inputs are unchanged (page units, derived files)
    )


@dataclass(frozen=True)
class WrittenBatch:
    """Files a task wrote (``Written``), in columns: a list of paths and four buffers travel between processes
    instead of a tuple a file (a page task returns thousands, a city's build millions), and go into a
    ``Ledger`` without a ``Written`` made for each."""

    paths: list[str]
    digests: bytes  # 16 bytes a file: the digest's hex, decoded
    sizes: bytes  # 64-bit integers
    inodes: bytes
    flags: bytes  # _LINKED | _UNMADE

    @classmethod
    def of(cls, written: Sequence[Written]) -> WrittenBatch:
        return cls(
            [w.path for w in written],
            bytes.fromhex("".join(w.digest for w in written)),
            array("q", [w.size for w in written]).tobytes(),
            array("q", [w.inode for w in written]).tobytes(),
            bytes(_flags(w) for w in written),
        )

    def __len__(self) -> int:
        return len(self.paths)

    @cached_property
    def path_array(self) -> pa.Array:
        """The paths as a large_string array, made once where the batch is taken back (the ledger's chunk and
        the bulk pages' list share it)."""
        return pa.array(self.paths, pa.large_string())

    def __iter__(self) -> Iterator[Written]:
        sizes, inodes = array("q", self.sizes), array("q", self.inodes)
        for n, path in enumerate(self.paths):
            flags = self.flags[n]
            yield Written(path, self.digests[n * 16 : n * 16 + 16].hex(), sizes[n], inodes[n],
                          bool(flags & _LINKED), bool(flags & _UNMADE))  # fmt: skip


class Ledger:
    """This build's record of each file it put into the staging site (``Written``), by path, the last record
    of a path winning; in columns, the paths in Arrow chunks (see the module's docstring for why).

    A record is appended, never looked up on the way in: a path written twice has two rows, the later one
    counting, and the duplicates are resolved where the ledger is read whole — its listing (the seal), its
    length and flags — in Arrow. A path is looked up one at a time only through a hash index made at the first
    such look-up (``generator.digests.hash_index``) and the rows added after it, kept in a small dict."""

    def __init__(self) -> None:
        self._chunks: list[pa.Array] = []  # the paths, in row order: large_string arrays …
        self._starts = array("q", [0])  # … each starting at this row (one more: where the next starts)
        self._pending: list[str] = []  # paths added one at a time, not yet a chunk
        self._digests = bytearray()  # 16 bytes a row: the digest's hex, decoded
        self._sizes, self._inodes = array("q"), array("q")
        self._flags = bytearray()  # _LINKED | _UNMADE
        self._unique = True  # known: no path has two rows
        self._index: tuple[int, array[int], array[int], array[int]] | None = None  # see ``_last``
        self._tail: dict[str, int] = {}  # path → last row, of the rows added since the index was made

    def add(self, w: Written) -> None:
        """Note ``w``; a path noted before takes this record."""
        self._note([w.path])
        self._pending.append(w.path)
        if len(self._pending) >= PENDING_ROWS:
            self._flush()
        self._digests += bytes.fromhex(w.digest)
        self._sizes.append(w.size)
        self._inodes.append(w.inode)
        self._flags.append(_flags(w))

    def add_batch(self, batch: WrittenBatch) -> None:
        """``add`` each file of ``batch``, in order, in columns."""
        self._note(batch.paths)
        self._flush()
        self._chunk(batch.path_array)
        self._digests += batch.digests
        self._sizes.frombytes(batch.sizes)
        self._inodes.frombytes(batch.inodes)
        self._flags += batch.flags

    def _note(self, paths: list[str]) -> None:
        """Rows for ``paths`` are about to be added: not known unique any more; in the index's tail, if any."""
        self._unique = self._unique and not paths
        if self._index is None:
            return
        self._tail.update(zip(paths, range(len(self._sizes), len(self._sizes) + len(paths)), strict=True))
        if len(self._tail) > max(PENDING_ROWS, len(self._sizes) // 4):
            self._index, self._tail = None, {}  # made again, over every row, at the next look-up

    def _chunk(self, paths: pa.Array) -> None:
        if len(paths):
            self._chunks.append(paths)
            self._starts.append(self._starts[-1] + len(paths))

    def _flush(self) -> None:
        """The paths added one at a time into a chunk."""
        pending, self._pending = self._pending, []
        self._chunk(pa.array(pending, pa.large_string()))

    def put(self, row: int, w: Written) -> None:
        """Row ``row``'s record replaced by ``w``, whose path it holds."""
        assert self._path(row) == w.path, "a record of another path"
        self._digests[row * 16 : row * 16 + 16] = bytes.fromhex(w.digest)
        self._sizes[row], self._inodes[row], self._flags[row] = w.size, w.inode, _flags(w)

    def _path(self, row: int) -> str:
        """The path of row ``row`` (one Python string made)."""
        if row >= self._starts[-1]:
            return self._pending[row - self._starts[-1]]
        chunk = bisect.bisect_right(self._starts, row) - 1
        return str(self._chunks[chunk][row - self._starts[chunk]].as_py())

    def paths(self) -> pa.Array:
        """Every row's path, in row order (a path twice where it was added twice), as one large_string array:
        the chunks joined once and kept joined."""
        self._flush()
        if not self._chunks:
            return pa.array([], pa.large_string())
        if len(self._chunks) > 1:
            self._chunks = [pa.concat_arrays(self._chunks)]
            self._starts = array("q", [0, len(self._chunks[0])])
        return self._chunks[0]

    def _last(self, rel: str) -> int:
        """The last row of ``rel``, -1 if none."""
        if self._index is None:
            self._index, self._tail = hash_index(self.paths()), {}
        row = self._tail.get(rel, -1)
        if row >= 0:
            return row
        mask, starts, hashes, rows = self._index
        h = hash(rel)
        for slot in range(starts[h & mask], starts[(h & mask) + 1]):  # a bucket's rows ascend: the last wins
            if hashes[slot] == h and self._path(rows[slot]) == rel:
                row = rows[slot]
        return row

    def _alive(self) -> np.ndarray[Any, Any]:
        """Each row's flag: it is the last row of its path (all rows when no path was added twice)."""
        if self._unique:
            return np.ones(len(self._sizes), dtype=bool)
        backwards = self.paths()[::-1]
        first = pc.index_in(backwards, value_set=backwards).to_numpy()  # (a path's first row from the end)
        alive: np.ndarray[Any, Any] = (first == np.arange(len(first)))[::-1]
        self._unique = bool(alive.all())
        return alive

    def _files(self) -> np.ndarray[Any, Any]:
        """The rows that count, one a path, in the order the paths were first added."""
        alive = np.flatnonzero(self._alive())
        if self._unique:
            return alive
        paths = self.paths()
        first = pc.index_in(paths, value_set=paths).to_numpy()
        return alive[np.argsort(first[alive], kind="stable")]

    def get(self, rel: str) -> Written | None:
        row = self._last(rel)
        return None if row < 0 else self._row(row)

    def inode(self, rel: str) -> int | None:
        """The recorded inode of ``rel`` (without making its ``Written``)."""
        row = self._last(rel)
        return None if row < 0 else self._inodes[row]

    def _row(self, row: int, path: str | None = None) -> Written:
        flags = self._flags[row]
        digest = self._digests[row * 16 : row * 16 + 16].hex()
        return Written(path if path is not None else self._path(row), digest, self._sizes[row], self._inodes[row],
                       bool(flags & _LINKED), bool(flags & _UNMADE))  # fmt: skip

    def __getitem__(self, rel: str) -> Written:
        found = self.get(rel)
        if found is None:
            raise KeyError(rel)
        return found

    def __contains__(self, rel: object) -> bool:
        return isinstance(rel, str) and self._last(rel) >= 0

    def __len__(self) -> int:
        """How many paths (files)."""
        return len(self._sizes) if self._unique else int(pc.count_distinct(self.paths()).as_py())

    def __iter__(self) -> Iterator[str]:
        return (w.path for w in self.values())

    def values(self) -> Iterator[Written]:
        """Each path's last record, in the order the paths were first added."""
        rows, paths = self._files(), self.paths()
        for start in range(0, len(rows), _PAGE):
            page = rows[start : start + _PAGE]
            yield from map(self._row, page.tolist(), paths.take(page).to_pylist())

    def items(self) -> Iterator[tuple[str, Written]]:
        return ((w.path, w) for w in self.values())

    def listing(
        self, walked: Iterable[tuple[str, int]]
    ) -> tuple[pa.Array, np.ndarray[Any, Any], np.ndarray[Any, Any]]:
        """The ``walked`` files (path, inode), each once, sorted by path, in columns: the paths (a large_string
        array), their inodes and the last row of each here (-1 where none). Not a tuple or a Python string a
        file: a city's site seals millions (measured at 1.3 M files: see ``bench/bench_ledger.py``)."""
        self.paths()  # the ledger's chunks joined, and what they held handed back, before the walk is read
        give_back_arrow()
        paths, inodes = _walked(walked)
        order = pc.sort_indices(paths)
        paths, inodes = paths.take(order), inodes[order.to_numpy()]
        rows = self._rows_of_each(paths)
        give_back_arrow()  # the hash join's table, before the sealed ledger and map are made
        return paths, inodes, rows

    def rows_of(self, paths: pa.Array) -> np.ndarray[Any, Any]:
        """The last row of each of ``paths`` here, -1 where none (a path may come twice)."""
        first = pc.index_in(paths, value_set=paths).to_numpy()  # where each of ``paths`` first comes
        rows: np.ndarray[Any, Any] = self._rows_of_each(paths)[first]
        return rows

    def _rows_of_each(self, paths: pa.Array) -> np.ndarray[Any, Any]:
        """``rows_of`` where each of ``paths`` comes once (where one comes again, that entry stays -1): one hash
        join in Arrow, over ``paths`` (not over a reversed copy of the ledger's paths, to find each path's last
        row first)."""
        # each row's place in ``paths``, -1 where its path is not there
        places = pc.fill_null(pc.index_in(self.paths(), value_set=paths), -1).to_numpy()
        rows = np.full(len(paths), -1, dtype=np.int64)
        there = np.flatnonzero(places >= 0)
        np.maximum.at(rows, places[there], there)  # a path's last row wins
        return rows

    def inodes_at(self, rows: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
        """The recorded inode of each row (-1 where the row is -1)."""
        inodes = np.frombuffer(self._inodes, dtype=np.int64)
        return np.where(rows < 0, -1, inodes[np.maximum(rows, 0)]) if len(inodes) else np.full(len(rows), -1)

    def gathered(self, paths: pa.Array, rows: np.ndarray[Any, Any]) -> Ledger:
        """A new ledger of ``paths`` (a string array, each path once), each with the record at its row here — a
        placeholder where the row is -1, for the caller to ``put`` the real record over — in one pass of numpy
        gathers, not one ``add`` a file (a city's site seals millions)."""
        found = Ledger()
        found._chunk(paths.cast(pa.large_string()))
        at = np.maximum(rows, 0)
        if len(self._sizes):
            digests = np.frombuffer(self._digests, dtype=np.uint8).reshape(-1, 16)
            found._digests = bytearray(digests[at].tobytes())
            found._sizes.frombytes(np.frombuffer(self._sizes, dtype=np.int64)[at].tobytes())
            found._inodes.frombytes(np.frombuffer(self._inodes, dtype=np.int64)[at].tobytes())
            found._flags = bytearray(np.frombuffer(self._flags, dtype=np.uint8)[at].tobytes())
        else:
            found._digests = bytearray(16 * len(paths))
            found._sizes.frombytes(bytes(8 * len(paths)))
            found._inodes.frombytes(bytes(8 * len(paths)))
            found._flags = bytearray(len(paths))
        return found

    def with_inodes(self, inodes: set[int]) -> list[Written]:
        """The files whose (last) record has one of ``inodes``."""
        if not inodes:
            return []
        wanted = np.fromiter(inodes, dtype=np.int64, count=len(inodes))
        rows = np.flatnonzero(np.isin(np.frombuffer(self._inodes, dtype=np.int64), wanted)).tolist()
        found = [self._row(row) for row in rows]
        if self._unique:
            return found
        last = self.rows_of(pa.array([w.path for w in found], pa.large_string())).tolist()
        return [w for row, at, w in zip(rows, last, found, strict=True) if row == at]

    def flagged(self) -> tuple[int, int]:
        """How many files are linked, and how many unmade."""
        flags = np.frombuffer(self._flags, dtype=np.uint8)[self._alive()]
        return int(np.count_nonzero(flags & _LINKED)), int(np.count_nonzero(flags & _UNMADE))

    def digest_map(self) -> DigestMap:
        """The map of this ledger, whose paths must have been added in sorted order, each once (a sealed
        site's); ``ValueError`` otherwise."""
        return DigestMap._sorted(self.paths(), binascii.hexlify(self._digests), array("q", self._sizes))


def _walked(walked: Iterable[tuple[str, int]]) -> tuple[pa.Array, np.ndarray[Any, Any]]:
    """The walked files' paths and inodes, in walk order. The paths go straight into the buffers of one
    large_string array (by hand: arrays a page at a time, then joined, held them twice at the join)."""
    data, ends, inodes = bytearray(), array("q", [0]), array("q")
    for rel, inode in walked:
        data += rel.encode("utf-8")
        ends.append(len(data))
        inodes.append(inode)
    numbers = np.frombuffer(inodes, dtype=np.int64)  # a view: the inodes not copied
    return strings_over(data, ends, len(inodes)), numbers


def _flags(w: Written) -> int:
    return (_LINKED if w.linked else 0) | (_UNMADE if w.unmade else 0)
