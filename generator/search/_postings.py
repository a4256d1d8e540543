"""Posting lists: for each selective character bigram, the subjects whose name contains it, and where.

Stage: search (internal). Guarantees: bigrams found in more than ``STOP_FRACTION`` of the subjects (at least
``STOP_MIN``) and the legal-form bigrams in ``STOP_ALWAYS`` are left out and listed as stop bigrams; every
other bigram of every name is kept with each of its positions; bigrams are spread over a power-of-two number of
shard files by FNV-1a hash, few enough to keep the file count bounded (``MAX_SHARDS``) and many enough that a
shard stays small (about ``TARGET_POSTINGS`` postings). The output depends only on the names, in their order.

Hand-written with numpy rather than Python loops for speed: on 200 k names (1.6 M bigram occurrences) a loop
over the occurrences took 8 s, these array operations take under 1 s (bench/bench_search.py).
"""

from __future__ import annotations

import functools
import itertools
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from generator.search._text import FINGERPRINTS, SMALL, SMALL_MAX, base36, fnv1a

# Legal-form and register words that nearly every name carries: never selective, whatever the data.
STOP_ALWAYS = frozenset(
    "有限 限公 公司 限责 责任 任公 股份 份有 分公 集团 个体 体工 工商 商户 企业 合伙 伙企 合作 作社 专业 业合".split()  # noqa: SIM905 - a list literal of 21 two-character words reads worse
)
STOP_FRACTION = 0.005  # a bigram in more than 0.5 % of subjects (region names, 科技, 贸易…) is not selective
# …but never drop a bigram that fewer subjects than this share (small portals keep their 字号 bigrams)
STOP_MIN = 1000
TARGET_POSTINGS = 1000  # about 6 KB of postings per shard file
MAX_SHARDS = 8192
# A code point fits in 21 bits: a bigram's key is (first << 21) | second; a lone character has second = 0.
SHIFT = 21
POS_KEY = 256  # positions are ordered within a subject up to here (only 0–63 are ever encoded exactly)

Ints = npt.NDArray[np.int64]


@dataclass(frozen=True)
class Postings:
    """Encoded posting lists grouped by shard, the stop bigrams and the shard count."""

    shards: dict[int, dict[str, str]]
    stop: list[str]
    shard_count: int


@dataclass(frozen=True)
class Occurrences:
    """Bigram occurrences: each one's key (``SHIFT``), subject number and position, and its name's length and
    fingerprint."""

    key: Ints
    doc: Ints
    pos: Ints
    length: Ints
    prints: Ints

    def take(self, index: npt.NDArray[np.int64] | npt.NDArray[np.bool_]) -> Occurrences:
        return Occurrences(*(a[index] for a in (self.key, self.doc, self.pos, self.length, self.prints)))


def build_postings(norms: list[str]) -> Postings:
    """Posting lists of the normalised names ``norms`` (the list index is the subject's number)."""
    found = occurrences(norms)
    vocab_keys, gram = np.unique(found.key, return_inverse=True)
    order = np.argsort(sort_key(gram, found.doc, found.pos, len(norms)))
    found, gram = found.take(order), gram[order]
    stop = stop_mask(vocab_keys, doc_frequency(gram, found.doc, len(vocab_keys)), len(norms))
    keep = ~stop[gram]
    encoded = encode(found.take(keep))
    return sharded(encoded, stop_words(vocab_keys, stop), _shard_count(int(keep.sum())))


def occurrences(norms: list[str], first: int = 0) -> Occurrences:
    """Every bigram occurrence of the names ``norms``, the first name being subject number ``first``."""
    lengths = np.fromiter((len(n) for n in norms), dtype=np.int64, count=len(norms))
    points, doc, pos = _characters(norms, lengths)
    prints = _fingerprints(points, doc, pos, len(norms))
    key, doc, pos = _occurrences(points, doc, pos, lengths)
    return Occurrences(key, doc + first, pos, lengths[doc], prints[doc])


def sort_key(gram: Ints, doc: Ints, pos: Ints, subjects: int) -> Ints:
    """One number per occurrence ordering them by bigram number, subject number (``doc - doc.min()`` below
    ``subjects``), then position (exact up to ``POS_KEY``: beyond, the postings are the same)."""
    low = int(doc.min()) if len(doc) else 0
    return (gram * max(subjects, 1) + (doc - low)) * POS_KEY + np.minimum(pos, POS_KEY - 1)


def doc_frequency(gram: Ints, doc: Ints, grams: int) -> Ints:
    """How many subjects have each bigram; ``gram`` and ``doc`` sorted by bigram, then subject."""
    first = np.ones(len(gram), dtype=np.bool_)
    first[1:] = (gram[1:] != gram[:-1]) | (doc[1:] != doc[:-1])
    return np.bincount(gram[first], minlength=grams)


def stop_mask(keys: Ints, df: Ints, subjects: int) -> npt.NDArray[np.bool_]:
    """True for bigrams (by key) that are not selective: too many subjects have them (``df``), or they are
    legal-form words."""
    limit = max(STOP_MIN, int(subjects * STOP_FRACTION))
    always = np.fromiter((_text(k) in STOP_ALWAYS for k in keys.tolist()), dtype=np.bool_, count=len(keys))
    return np.asarray((df > limit) | always)


def stop_words(keys: Ints, stop: npt.NDArray[np.bool_]) -> list[str]:
    """The stop bigrams as text, sorted."""
    return sorted(_text(k) for k in keys[stop].tolist())


def sharded(encoded: dict[str, str], stop: list[str], count: int) -> Postings:
    """The encoded posting lists spread over ``count`` shards by their bigram's hash."""
    shards: dict[int, dict[str, str]] = {}
    for text, postings in encoded.items():
        shards.setdefault(fnv1a(text) % count, {})[text] = postings
    return Postings(shards, stop, count)


def _characters(norms: list[str], lengths: Ints) -> tuple[Ints, Ints, Ints]:
    """Every character of every name as (code point, subject number, position)."""
    points = np.frombuffer("".join(norms).encode("utf-32-le"), dtype=np.uint32).astype(np.int64)
    doc = np.repeat(np.arange(len(norms), dtype=np.int64), lengths)
    pos = np.arange(len(doc), dtype=np.int64) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    return points, doc, pos


def _fingerprints(points: Ints, doc: Ints, pos: Ints, subjects: int) -> Ints:
    """``_text.fingerprint`` of every name (the float sums stay exact: they are far below 2**53)."""
    sums = np.bincount(doc, weights=points * (pos + 1), minlength=subjects)
    return np.asarray(np.round(sums), dtype=np.int64) % FINGERPRINTS


def _occurrences(points: Ints, doc: Ints, pos: Ints, lengths: Ints) -> tuple[Ints, Ints, Ints]:
    """Every bigram occurrence as (bigram key, subject number, position)."""
    points = np.append(points, 0)
    single = lengths[doc] == 1
    index = np.flatnonzero((pos < lengths[doc] - 1) | single)
    second = np.where(single[index], 0, points[index + 1])
    return (points[index] << SHIFT) | second, doc[index], pos[index]


def _text(key: int) -> str:
    second = key & ((1 << SHIFT) - 1)
    return chr(key >> SHIFT) + (chr(second) if second else "")


@functools.cache
def _base36_table() -> list[str]:
    return [base36(n) for n in range(36**3)]


@functools.cache
def _pair_table() -> list[str]:
    return [a + b for a in SMALL for b in SMALL]


def encode(found: Occurrences) -> dict[str, str]:
    """One string per bigram: comma-separated postings, each the base-36 gap to the previous subject number
    (the number itself for the first), then one character each (``_text.small``) for the position, the name
    length and the name's fingerprint. ``found`` is sorted by bigram, subject, position."""
    starts = np.flatnonzero(np.diff(found.key, prepend=-1))
    gap = np.diff(found.doc, prepend=0)
    gap[starts] = found.doc[starts]
    pair = np.minimum(found.pos, SMALL_MAX) * len(SMALL) + np.minimum(found.length, SMALL_MAX)
    b36, pairs = _base36_table(), _pair_table()
    tokens = [
        (b36[g] if g < len(b36) else base36(g)) + pairs[p] + SMALL[f]
        for g, p, f in zip(gap.tolist(), pair.tolist(), found.prints.tolist(), strict=True)
    ]
    bounds = [*starts.tolist(), len(tokens)]
    keys = found.key[starts].tolist()
    return {
        _text(k): ",".join(tokens[a:b]) for k, (a, b) in zip(keys, itertools.pairwise(bounds), strict=True)
    }


def _shard_count(postings: int) -> int:
    """The smallest power of two giving about ``TARGET_POSTINGS`` per shard, at most ``MAX_SHARDS``."""
    count = 1
    while count < MAX_SHARDS and postings > count * TARGET_POSTINGS:
        count *= 2
    return count
