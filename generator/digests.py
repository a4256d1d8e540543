"""A site's files in columns: the digest map of a sealed site.

Stage: shared. ``generator.state`` reads the previous build's ``DigestMap`` from ``state/site-digests.parquet``
and writes the new one; ``generator.sitefiles.Previous`` looks paths up in it while the stages write (a carried or
rewritten page asks once), and ``generator.outputs.Outputs``, when it seals the staging site, gets the new map
from its ledger of the files written (``generator.written.Ledger``).

Guarantees: the map is read-only once made; its paths are unique and kept sorted (so ``table()`` gives the same
bytes for the same site); a lookup finds a path only when its bytes equal the key's (a hash narrows the search,
the path itself decides). ``DigestMap.read`` refuses — ``ValueError`` — a table that is not well formed
(wrong columns, a missing value, a digest that is not ``DIGEST_CHARS`` lower-case hex digits, a negative size,
a path twice).

Why columns and not a dict: a city's site has millions of files, and a ``dict`` of path → (digest, size)
costs 270–440 bytes an entry in Python objects (measured: 0.545 GiB at 1.32 M files of a real site) — and each
forked page worker that looks entries up touches their reference counts and so copies the pages they sit on.
Here an entry is about 100 bytes (measured on 300 k paths) in a handful of flat buffers (``bytes``, ``array``
and a view of the paths' Arrow buffer) that no lookup writes to, so the workers share them with the parent. No
library offers a compact string-keyed lookup that is fast one key at a time from Python (pyarrow's ``index_in``
builds a hash table per call; pandas' index holds Python strings), so the index is written here: hashing on
Python's ``hash`` of the path into a power-of-two number of buckets (at least one a path), built with numpy in
one pass; a lookup costs about 1–2 µs against 0.35 µs for a dict (measured), once per page. ``hash`` differs
between interpreters, so the index is never pickled: a map sent to another process is rebuilt there from its
columns. A map read (``read``: the previous site's) is indexed at once; one made otherwise (a sealed site's) at
its first lookup.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterator, Mapping
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

DIGEST_CHARS = 32  # 128 bits of SHA-256, hex
_HEX = f"^[0-9a-f]{{{DIGEST_CHARS}}}$"
_PAGE = 65_536  # paths turned into Python strings at a time while hashing


class DigestMap:
    """Site-relative path (forward slashes) → (digest, size in bytes); read-only, sorted by path."""

    __slots__ = ("_blob", "_digests", "_hashes", "_mask", "_offsets", "_rows", "_sizes", "_starts")

    def __init__(self, paths: pa.Array, digests: bytes, sizes: array[int]) -> None:
        """``paths``: a string array, sorted and unique; ``digests``: their digests, ``DIGEST_CHARS`` ASCII
        bytes each, end to end; ``sizes``: their sizes. Use ``of``, ``from_columns`` or ``read``."""
        self._blob, self._offsets = _flat(paths)
        self._digests, self._sizes = digests, sizes
        self._mask = -1  # no index yet: a sealed site's map is written, not looked in (1.3 M paths: ≈ 0.4 s)

    @classmethod
    def of(cls, entries: Mapping[str, tuple[str, int]] | None = None) -> DigestMap:
        """A map with ``entries`` (path → (digest, size)); empty without."""
        entries = entries or {}
        return cls.from_columns(
            list(entries), [d for d, _ in entries.values()], [s for _, s in entries.values()]
        )

    @classmethod
    def from_columns(cls, paths: list[str], digests: list[str], sizes: list[int]) -> DigestMap:
        """A map from three parallel lists, in any order; ``ValueError`` if a path comes twice."""
        table = pa.table(
            {
                "path": pa.array(paths, pa.large_string()),
                "digest": pa.array(digests, pa.string()),
                "size": pa.array(sizes, pa.int64()),
            }
        )
        return cls.read(table)

    @classmethod
    def read(cls, table: pa.Table) -> DigestMap:
        """The map in a table of columns path, digest, size (any order of rows); ``ValueError`` when it is not
        well formed."""
        if table.schema.names != ["path", "digest", "size"]:
            raise ValueError("unexpected columns")
        paths, digests, sizes = (table.column(n).combine_chunks() for n in ("path", "digest", "size"))
        _check(paths, digests, sizes)
        if not _ascending(paths):
            order = pc.sort_indices(paths)  # (a table this module wrote is sorted already)
            paths, digests, sizes = (c.take(order) for c in (paths, digests, sizes))
            if pc.any(pc.equal(paths[1:], paths[:-1])).as_py():
                raise ValueError("duplicate paths")
        return cls(paths, bytes(_flat(digests)[0]), _ints(sizes.to_numpy()))._indexed()

    @classmethod
    def _sorted(cls, paths: pa.Array, digests: bytes, sizes: array[int]) -> DigestMap:
        """A map from columns already sorted by path (a sealed ledger's); ``ValueError`` if they are not."""
        strings = paths.cast(pa.large_string())
        if not _ascending(strings):
            raise ValueError("paths not sorted or not unique")
        return cls(strings, digests, sizes)

    def get(self, rel: str) -> tuple[str, int] | None:
        """(digest, size) of ``rel``, or None when the map does not list it."""
        row = self._row(rel)
        if row < 0:
            return None
        at = row * DIGEST_CHARS
        return self._digests[at : at + DIGEST_CHARS].decode("ascii"), self._sizes[row]

    def _row(self, rel: str) -> int:
        """The row of ``rel``, -1 if none. Called per page: kept to plain loops over flat arrays (measured)."""
        if self._mask < 0:
            self._indexed()
        h = hash(rel)
        starts, hashes = self._starts, self._hashes
        slot = starts[h & self._mask]
        end = starts[(h & self._mask) + 1]
        while slot < end:
            if hashes[slot] == h:
                row = self._rows[slot]
                if self._blob[self._offsets[row] : self._offsets[row + 1]] == rel.encode("utf-8"):
                    return row
            slot += 1
        return -1

    def _indexed(self) -> DigestMap:
        """The map with its hash index made (the previous site's is made at once: the forked page workers
        share it rather than each making its own)."""
        self._mask, self._starts, self._hashes, self._rows = hash_index(self.paths())
        return self

    def __getitem__(self, rel: str) -> tuple[str, int]:
        found = self.get(rel)
        if found is None:
            raise KeyError(rel)
        return found

    def __contains__(self, rel: object) -> bool:
        return isinstance(rel, str) and self._row(rel) >= 0

    def __len__(self) -> int:
        return len(self._sizes)

    def __iter__(self) -> Iterator[str]:
        """The paths, sorted."""
        paths = self.paths()
        for start in range(0, len(self), _PAGE):
            yield from paths.slice(start, _PAGE).to_pylist()

    def items(self) -> Iterator[tuple[str, tuple[str, int]]]:
        for row, rel in enumerate(self):
            yield (
                rel,
                (
                    self._digests[row * DIGEST_CHARS : (row + 1) * DIGEST_CHARS].decode("ascii"),
                    self._sizes[row],
                ),
            )

    def __eq__(self, other: object) -> bool:
        if isinstance(other, DigestMap):
            return bool(self.table().equals(other.table()))
        return isinstance(other, Mapping) and dict(self.items()) == dict(other)

    __hash__ = None  # type: ignore[assignment]

    def __reduce__(self) -> tuple[Any, ...]:
        return DigestMap, (self.paths(), self._digests, self._sizes)  # the index is rebuilt: ``hash`` differs

    def paths(self) -> pa.Array:
        """The paths, sorted: a string array over the map's own buffers (no copy)."""
        return strings_over(self._blob, self._offsets, len(self))

    def columns(self) -> tuple[pa.Array, np.ndarray[Any, Any], np.ndarray[Any, Any]]:
        """The paths (sorted), their digests (``S32``) and sizes (int64), as views of the map's buffers."""
        digests = np.frombuffer(self._digests, dtype=f"S{DIGEST_CHARS}")
        return self.paths(), digests, np.frombuffer(self._sizes, dtype=np.int64)

    def table(self) -> pa.Table:
        """The map as a table of path, digest, size, sorted by path; its strings over the map's own buffers
        (only their offsets are made: the digests through numpy ``str``, at 1.3 M files, took 1.5 s and a
        164 MB array for a moment, this 0.15 s and its offsets, ≈ 15 MB)."""
        return pa.table(
            {
                "path": self.paths().cast(pa.string()),
                "digest": _fixed_width(self._digests, DIGEST_CHARS, len(self)).cast(pa.string()),
                "size": pa.array(np.frombuffer(self._sizes, dtype=np.int64), pa.int64()),
            }
        )


def _ascending(strings: pa.Array) -> bool:
    """Each string sorts strictly after the one before it (so: sorted, and none twice)."""
    return len(strings) < 2 or bool(pc.all(pc.less(strings[:-1], strings[1:])).as_py())


def _check(paths: pa.Array, digests: pa.Array, sizes: pa.Array) -> None:
    if paths.null_count or digests.null_count or sizes.null_count:
        raise ValueError("a missing value")
    if not pa.types.is_integer(sizes.type) or (len(sizes) and pc.min(sizes).as_py() < 0):
        raise ValueError("a size that is not a whole number of bytes")
    if len(digests) and not pc.all(pc.match_substring_regex(digests, _HEX)).as_py():
        raise ValueError("a digest that is not 32 lower-case hex digits")


def _flat(strings: pa.Array) -> tuple[memoryview, array[int]]:
    """The UTF-8 bytes of every string end to end, a view of the array's own buffer (a sealed site's map and
    ledger share their paths: 1.3 M files, ≈ 65 MB once, not twice), and where each starts (one more offset:
    the end). Cast to unsigned bytes: a slice of it then compares with ``bytes`` as fast as ``bytes`` does (a
    view of signed ones, 15 times slower, measured)."""
    strings = strings.cast(pa.large_string())
    _, offsets, data = strings.buffers()
    ends = np.frombuffer(offsets, dtype=np.int64)[strings.offset : strings.offset + len(strings) + 1]
    blob = memoryview(data).cast("B") if data is not None else memoryview(b"")
    return blob[int(ends[0]) : int(ends[-1])], _ints(ends - ends[0])


def _fixed_width(data: bytes, width: int, count: int) -> pa.Array:
    """The ``count`` strings of ``width`` bytes each, end to end in ``data``, as a string array over ``data``."""
    return strings_over(data, np.arange(0, width * (count + 1), width, dtype=np.int64), count)


def strings_over(data: Any, offsets: Any, count: int) -> pa.Array:
    """A ``large_string`` array of ``count`` strings over ``data`` (their UTF-8, end to end) and ``offsets``
    (``count + 1`` int64 ends, the first 0) — any buffer-protocol objects, used as they are, not copied."""
    return pa.Array.from_buffers(pa.large_string(), count, [None, pa.py_buffer(offsets), pa.py_buffer(data)])


def hash_index(paths: pa.Array) -> tuple[int, array[int], array[int], array[int]]:
    """The hash index of ``paths``: a mask, each bucket's first slot, each slot's hash and row (a bucket's rows
    in ascending order). Also ``generator.written.Ledger``'s."""
    n = len(paths)
    hashes = np.empty(n, dtype=np.int64)
    for start in range(0, n, _PAGE):
        page = paths.slice(start, _PAGE).to_pylist()
        hashes[start : start + len(page)] = np.fromiter(map(hash, page), dtype=np.int64, count=len(page))
    mask = (1 << max(n - 1, 1).bit_length()) - 1  # at least one bucket per path
    buckets = hashes & mask
    rows = np.argsort(buckets, kind="stable")
    starts = np.searchsorted(buckets[rows], np.arange(mask + 2))
    return mask, _ints(starts), _ints(hashes[rows]), _ints(rows)


def _ints(values: np.ndarray[Any, Any]) -> array[int]:
    """``values`` as a flat array of 64-bit integers (indexed from Python faster than numpy's scalars)."""
    found = array("q")
    found.frombytes(values.astype(np.int64).tobytes())
    return found
