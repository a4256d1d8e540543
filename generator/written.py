"""The ledger of the files a build writes: each file's record as its writer left it, kept by path.

Stage: shared. Every writer into the staging site (``generator.outputs`` and the page, search and precompress
tasks it runs) describes each file it puts there as a ``Written``; a task sends its files back as one
``WrittenBatch``; ``generator.outputs`` notes them all in a ``Ledger`` and, when it seals the staging site,
turns the ledger into the new ``generator.digests.DigestMap``.

Guarantees: a ledger keeps the last record of each path; ``Ledger.digest_map`` refuses — ``ValueError`` —
paths that were not added in sorted order.

Why columns: a city's site has millions of files; a ledger holds about 170 bytes a file against 340 as
``Written`` tuples in a dict (measured on 300 k paths), and a batch crosses between processes as a list of
paths and four buffers, not a tuple a file.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from generator.digests import DigestMap

_LINKED, _UNMADE = 1, 2  # a ledger row's flags


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

    def __iter__(self) -> Iterator[Written]:
        sizes, inodes = array("q", self.sizes), array("q", self.inodes)
        for n, path in enumerate(self.paths):
            flags = self.flags[n]
            yield Written(path, self.digests[n * 16 : n * 16 + 16].hex(), sizes[n], inodes[n],
                          bool(flags & _LINKED), bool(flags & _UNMADE))  # fmt: skip


class Ledger:
    """This build's record of each file it put into the staging site (``Written``), by path, the last record
    of a path winning. In columns — about 170 bytes a file against 340 as ``Written`` tuples in a dict
    (measured on 300 k paths), and a city's site has millions of files."""

    def __init__(self) -> None:
        self._paths: list[str] = []
        self._index: dict[str, int] | None = {}  # path → row; None until asked for (``gathered``)
        self._digests = bytearray()  # 16 bytes a row: the digest's hex, decoded
        self._sizes, self._inodes = array("q"), array("q")
        self._flags = bytearray()  # _LINKED | _UNMADE

    @property
    def _rows(self) -> dict[str, int]:
        """Path → row, made when first asked for: a sealed site's ledger is only counted (1.3 M paths: 68 MiB)."""
        if self._index is None:
            self._index = {path: row for row, path in enumerate(self._paths)}
        return self._index

    def add(self, w: Written) -> None:
        row = self._rows.get(w.path)
        if row is None:
            self._rows[w.path] = len(self._paths)
            self._paths.append(w.path)
            self._digests += bytes.fromhex(w.digest)
            self._sizes.append(w.size)
            self._inodes.append(w.inode)
            self._flags.append(_flags(w))
            return
        self.put(row, w)

    def put(self, row: int, w: Written) -> None:
        """Row ``row``'s record replaced by ``w``, whose path it holds."""
        assert self._paths[row] == w.path, "a record of another path"
        self._digests[row * 16 : row * 16 + 16] = bytes.fromhex(w.digest)
        self._sizes[row], self._inodes[row], self._flags[row] = w.size, w.inode, _flags(w)

    def add_batch(self, batch: WrittenBatch) -> None:
        """``add`` each file of ``batch``, in order: in columns when none of its paths is here yet (a page
        task's, as a rule), else one at a time."""
        rows, paths = self._rows, batch.paths
        if len(set(paths)) < len(paths) or any(path in rows for path in paths):
            for w in batch:
                self.add(w)
            return
        rows.update(zip(paths, range(len(self._paths), len(self._paths) + len(paths)), strict=True))
        self._paths += paths
        self._digests += batch.digests
        self._sizes.frombytes(batch.sizes)
        self._inodes.frombytes(batch.inodes)
        self._flags += batch.flags

    def get(self, rel: str) -> Written | None:
        row = self._rows.get(rel)
        return None if row is None else self._row(row)

    def inode(self, rel: str) -> int | None:
        """The recorded inode of ``rel`` (without making its ``Written``)."""
        row = self._rows.get(rel)
        return None if row is None else self._inodes[row]

    def _row(self, row: int) -> Written:
        flags = self._flags[row]
        digest = self._digests[row * 16 : row * 16 + 16].hex()
        return Written(self._paths[row], digest, self._sizes[row], self._inodes[row], bool(flags & _LINKED),
                       bool(flags & _UNMADE))  # fmt: skip

    def __getitem__(self, rel: str) -> Written:
        found = self.get(rel)
        if found is None:
            raise KeyError(rel)
        return found

    def __contains__(self, rel: object) -> bool:
        return rel in self._rows

    def __len__(self) -> int:
        return len(self._paths)

    def __iter__(self) -> Iterator[str]:
        return iter(self._paths)

    def values(self) -> Iterator[Written]:
        return (self._row(row) for row in range(len(self._paths)))

    def items(self) -> Iterator[tuple[str, Written]]:
        return ((w.path, w) for w in self.values())

    def listing(
        self, walked: Iterable[tuple[str, int]]
    ) -> tuple[list[str], np.ndarray[Any, Any], np.ndarray[Any, Any]]:
        """The ``walked`` files (path, inode) sorted by path, in columns: the paths — each the ledger's own
        string where it holds that path, so the walk's copy is let go at once —, their inodes and their rows
        here (-1 where none). Not a tuple a file: a city's site seals millions (measured at 1.3 M files, the
        tuples and the walk's strings ≈ 260 MB)."""
        get, own = self._rows.get, self._paths
        paths, inodes, rows = [], array("q"), array("q")
        for rel, inode in walked:
            row = get(rel, -1)
            paths.append(rel if row < 0 else own[row])
            inodes.append(inode)
            rows.append(row)
        order = pc.sort_indices(pa.array(paths, pa.large_string())).to_numpy()
        return [paths[i] for i in order.tolist()], np.asarray(inodes)[order], np.asarray(rows)[order]

    def inodes_at(self, rows: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
        """The recorded inode of each row (-1 where the row is -1)."""
        inodes = np.frombuffer(self._inodes, dtype=np.int64)
        return np.where(rows < 0, -1, inodes[np.maximum(rows, 0)]) if len(inodes) else np.full(len(rows), -1)

    def gathered(self, paths: list[str], rows: np.ndarray[Any, Any]) -> Ledger:
        """A new ledger of ``paths`` (unique), each with the record at its row here — a placeholder where the
        row is -1, for the caller to ``put`` the real record over — in one pass of numpy gathers, not one
        ``add`` a file (a city's site seals millions)."""
        found = Ledger()
        found._paths, found._index = list(paths), None
        at = np.maximum(rows, 0)
        if len(self._paths):
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
        """The rows whose inode is one of ``inodes``."""
        if not inodes:
            return []
        wanted = np.fromiter(inodes, dtype=np.int64, count=len(inodes))
        rows = np.flatnonzero(np.isin(np.frombuffer(self._inodes, dtype=np.int64), wanted))
        return [self._row(int(row)) for row in rows]

    def flagged(self) -> tuple[int, int]:
        """How many rows are linked, and how many unmade."""
        flags = np.frombuffer(self._flags, dtype=np.uint8)
        return int(np.count_nonzero(flags & _LINKED)), int(np.count_nonzero(flags & _UNMADE))

    def digest_map(self) -> DigestMap:
        """The map of this ledger, whose paths must have been added in sorted order (a sealed site's)."""
        return DigestMap._sorted(self._paths, self._digests.hex().encode("ascii"), array("q", self._sizes))


def _flags(w: Written) -> int:
    return (_LINKED if w.linked else 0) | (_UNMADE if w.unmade else 0)
