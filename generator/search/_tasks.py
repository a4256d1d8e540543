"""The search index written by Dask tasks (``gongshi build --scheduler``): posting shards and document chunks.

Stage: search, on a cluster (``generator.search.build_search_index`` given ``on``). Guarantees: the very files,
byte for byte, that the build's process writes alone (``_files.write_index`` of ``_postings.build_postings``);
the build's process handles the bigram vocabulary and the subjects' table, never the bigram occurrences (ten or
so a name), which the tasks pass to each other through files in the tasks' folder:

1. a *part* task takes ``PART`` consecutive names, finds their bigram occurrences and writes them to a file,
   grouped by bucket (the bigram's shard hash modulo the build's bucket count, a power of two), each bucket in
   bigram, subject, position order; it returns its distinct bigrams with how many of its subjects have each and
   how often each occurs;
2. the build sums those into the stop bigrams and the shard count, as ``build_postings`` decides them on all
   names at once (a subject is in one part only, so the sums are exact);
3. a *shard* task owns the shards whose number is its own modulo the task count — a power of two no larger than
   the bucket count or the shard count, so that all of a shard's bigrams lie in its buckets — reads those
   buckets from every part file in part order (the subjects' order), drops the stop bigrams, encodes and writes
   its shards; *chunk* tasks write the document chunks from their slices of the subjects' table.

The tasks write into the staging site through ``generator.sitefiles.put_bytes`` (a file whose bytes the previous
site has is linked) and return what they wrote, which the build records. A task run twice (its worker lost)
writes the same files again, each replaced by a rename, and a part file likewise.
"""

from __future__ import annotations

import math
import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pandas as pd

from generator.cluster import OnCluster
from generator.outputs import Outputs
from generator.search._files import (
    as_json,
    chunk_file,
    chunk_files,
    chunk_size,
    finish_index,
    fresh_index,
    grade_legend,
    shard_file,
    with_grades,
)
from generator.search._postings import (
    MAX_SHARDS,
    POS_KEY,
    Ints,
    Occurrences,
    _shard_count,
    _text,
    doc_frequency,
    encode,
    occurrences,
    sharded,
    sort_key,
    stop_mask,
    stop_words,
)
from generator.search._text import SMALL_MAX, fnv1a
from generator.site.slices import PreviousPaths
from generator.sitefiles import Previous, put_bytes
from generator.written import Written

PART = 100_000  # names per part task (about a million bigram occurrences, 15 MB on disk)
BUCKET_OCCURRENCES = 500_000  # occurrences per bucket aimed at: a shard task reads about this many
CHUNK_SUBJECTS = 50_000  # subjects per chunk task, at least one chunk
FOLD = 16  # the parts' bigram counts are summed this many at a time as they come back
# An occurrence on disk: what the encoding reads of it (a position beyond POS_KEY, or a length beyond
# SMALL_MAX, is written alike — ``_postings.encode``, ``sort_key``).
STORED = np.dtype([("key", "<i8"), ("doc", "<i4"), ("pos", "u1"), ("length", "u1"), ("prints", "u1")])


@dataclass(frozen=True)
class PartWork:
    """A part task's input: consecutive names, the subject number of the first, the bucket count and the file
    its occurrences go to."""

    norms: list[str]
    first: int
    buckets: int
    file: str


@dataclass(frozen=True)
class PartFound:
    """A part's distinct bigram keys (sorted), the subjects having each, the occurrences of each, and where
    each bucket lies in the part's file (rows ``bounds[b]`` to ``bounds[b + 1]``)."""

    keys: Ints
    df: Ints
    count: Ints
    bounds: list[int]


@dataclass(frozen=True)
class ShardWork:
    """A shard task's input: the part files with their bucket bounds, the buckets it reads, the stop bigrams'
    keys (sorted), the shard count, and where it writes."""

    parts: list[tuple[str, list[int]]]
    buckets: list[int]
    stop: Ints
    shards: int
    site: Path
    previous: Previous


@dataclass(frozen=True)
class ChunkWork:
    """A chunk task's input: its subjects (list letters with grade keys), the chunk size, the first chunk's
    number, and where it writes."""

    frame: pd.DataFrame
    size: int
    first: int
    site: Path
    previous: Previous


def write_index_on(frame: pd.DataFrame, site_dir: Path, outputs: Outputs, on: OnCluster) -> None:
    """``_files.write_index`` of ``frame`` with the shards and chunks written by tasks on ``on``'s cluster."""
    fresh_index(site_dir)
    folder = on.folder / "search-parts"
    folder.mkdir(parents=True, exist_ok=True)
    try:
        stop, shards = _postings_on(frame["norm"].tolist(), site_dir, outputs, on, folder)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    legend = grade_legend(frame)
    _chunks_on(with_grades(frame, legend), site_dir, outputs, on)
    finish_index(outputs, frame, stop, shards, legend)


def _postings_on(
    norms: list[str], site: Path, outputs: Outputs, on: OnCluster, folder: Path
) -> tuple[list[str], int]:
    """Write the posting shards by part and shard tasks; the stop bigrams and the shard count."""
    buckets = _bucket_count(sum(len(n) for n in norms))
    works = [
        PartWork(norms[a : a + PART], a, buckets, str(folder / f"{number}.npy"))
        for number, a in enumerate(range(0, len(norms), PART))
    ]
    bounds: list[list[int]] = []
    found = on.cluster.map_files(find_part, works, on.folder)
    keys, stop_keys, shards = _vocabulary(found, bounds, len(norms))
    groups = min(buckets, shards)
    parts = [(w.file, b) for w, b in zip(works, bounds, strict=True)]
    index = PreviousPaths(outputs.previous)
    tasks = (
        ShardWork(
            parts,
            _buckets_of(g, groups, buckets),
            stop_keys,
            shards,
            site,
            index.exact(shard_file(s) for s in range(g, shards, groups)),
        )
        for g in range(groups)
    )
    for written in on.cluster.map_files(write_shards, tasks, on.folder):
        outputs.record(written)
    return stop_words(keys, np.isin(keys, stop_keys)), shards


def _buckets_of(task: int, tasks: int, buckets: int) -> list[int]:
    """The buckets shard task ``task`` of ``tasks`` reads: its shards' bigrams are in those only (both counts
    are powers of two and ``tasks`` divides the shard count, so a shard's number modulo ``tasks`` is its
    bigrams' hash modulo ``tasks``, their bucket's number modulo ``tasks``)."""
    return list(range(task, buckets, tasks))


def _bucket_count(occurrences: int) -> int:
    """A power of two giving about ``BUCKET_OCCURRENCES`` a bucket, at most ``MAX_SHARDS``."""
    wanted = max(1, math.ceil(occurrences / BUCKET_OCCURRENCES))
    return min(MAX_SHARDS, 1 << (wanted - 1).bit_length())


def _vocabulary(found: Iterator[PartFound], bounds: list[list[int]], subjects: int) -> tuple[Ints, Ints, int]:
    """Every distinct bigram key (sorted), the stop bigrams' keys (sorted) and the shard count, from the
    parts' counts, summed ``FOLD`` parts at a time as they come back (so the build holds about one vocabulary,
    not one per part); ``bounds`` receives each part's bucket bounds, in part order."""
    pending: list[PartFound] = []
    for part in found:
        bounds.append(part.bounds)
        pending = [_folded([*pending, part])] if len(pending) + 1 >= FOLD else [*pending, part]
    total = _folded(pending)
    stop = stop_mask(total.keys, total.df, subjects)
    return total.keys, total.keys[stop], _shard_count(int(total.count[~stop].sum()))


def _folded(found: list[PartFound]) -> PartFound:
    """The parts' counts summed by bigram key (no bucket bounds)."""
    every = np.concatenate([np.empty(0, np.int64), *(f.keys for f in found)])
    keys, inverse = np.unique(every, return_inverse=True)
    df = _summed(inverse, [f.df for f in found], len(keys))
    return PartFound(keys, df, _summed(inverse, [f.count for f in found], len(keys)), [])


def _summed(inverse: Ints, values: list[Ints], size: int) -> Ints:
    weights = np.concatenate([np.empty(0, np.int64), *values])
    return np.bincount(inverse, weights=weights, minlength=size).astype(np.int64)  # exact below 2**53


def find_part(work: PartWork) -> PartFound:
    """Task: the occurrences of ``work.norms``, written by bucket to ``work.file``; the part's bigram counts."""
    found = occurrences(work.norms, work.first)
    keys, gram, count = np.unique(found.key, return_inverse=True, return_counts=True)
    order = np.argsort(sort_key(gram, found.doc, found.pos, len(work.norms)))
    found, gram = found.take(order), gram[order]
    df = doc_frequency(gram, found.doc, len(keys))
    bucket = np.fromiter((fnv1a(_text(k)) % work.buckets for k in keys.tolist()), np.int64, len(keys))[gram]
    by_bucket = np.argsort(bucket, kind="stable")  # each bucket keeps the order by bigram, subject, position
    _save(found.take(by_bucket), work.file)
    bounds = np.searchsorted(bucket[by_bucket], np.arange(work.buckets + 1))
    return PartFound(keys, df, count.astype(np.int64), bounds.tolist())


def _save(found: Occurrences, file: str) -> None:
    rows = np.empty(len(found.key), dtype=STORED)
    rows["key"], rows["doc"] = found.key, found.doc
    rows["pos"] = np.minimum(found.pos, POS_KEY - 1)
    rows["length"], rows["prints"] = np.minimum(found.length, SMALL_MAX), found.prints
    temporary = f"{file}.{os.getpid()}.tmp"
    with open(temporary, "wb") as f:
        np.save(f, rows, allow_pickle=False)
    os.replace(temporary, file)  # a task run again replaces what the lost attempt left


def write_shards(work: ShardWork) -> list[Written]:
    """Task: encode and write the shards of ``work``'s buckets; what it wrote."""
    rows = _gathered(work)
    rows = rows[~np.isin(rows["key"], work.stop)]
    rows = rows[np.argsort(rows["key"], kind="stable")]  # parts in order: by bigram, subject, position
    stored = (rows[name].astype(np.int64) for name in ("key", "doc", "pos", "length", "prints"))
    encoded = encode(Occurrences(*stored))
    postings = sharded(encoded, [], work.shards)
    return [
        put_bytes(work.site, work.previous, shard_file(shard), as_json(lists))
        for shard, lists in postings.shards.items()
    ]


def _gathered(work: ShardWork) -> npt.NDArray[np.void]:
    """The rows of ``work``'s buckets from every part file, part by part."""
    pieces = [np.empty(0, dtype=STORED)]
    for file, bounds in work.parts:
        rows = np.load(file, mmap_mode="r", allow_pickle=False)
        pieces += [rows[bounds[b] : bounds[b + 1]] for b in work.buckets]
    return np.concatenate(pieces)


def _chunks_on(frame: pd.DataFrame, site: Path, outputs: Outputs, on: OnCluster) -> None:
    """Write the document chunks by tasks of ``CHUNK_SUBJECTS`` subjects (whole chunks) each."""
    size = chunk_size(len(frame))
    step = max(1, CHUNK_SUBJECTS // size) * size
    index = PreviousPaths(outputs.previous)
    tasks = (
        ChunkWork(
            frame.iloc[a : a + step],
            size,
            a // size,
            site,
            index.exact(_chunk_files(a, step, len(frame), size)),
        )
        for a in range(0, len(frame), step)
    )
    for written in on.cluster.map_files(write_chunks, tasks, on.folder):
        outputs.record(written)


def _chunk_files(start: int, step: int, subjects: int, size: int) -> list[str]:
    """The chunk files of the subjects from ``start`` to ``start + step`` (or the last)."""
    first = start // size
    return [chunk_file(n) for n in range(first, first + math.ceil(min(step, subjects - start) / size))]


def write_chunks(work: ChunkWork) -> list[Written]:
    """Task: write ``work``'s document chunks; what it wrote."""
    files = chunk_files(work.frame, work.size, work.first)
    return [put_bytes(work.site, work.previous, rel, data) for rel, data in files]
