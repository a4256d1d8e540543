"""``delta.jsonl``: what changed in public data since the previous release, one line per record.

Stage: write release. Guarantees: each line is a JSON object ``{"op", "dataset", "记录ID", …}``:
``ADD`` and ``MOD`` lines carry the full new public record under ``"record"`` (the same object as its line in
the dataset's JSON Lines file); ``DEL`` lines carry only the record ID, why it left (``reason``) and since when
(``since``, an ISO date) — see ``reasons`` — a withdrawn record's content never appears. Lines are grouped by dataset (sorted), ADD/MOD in publication order, then DEL by ID, so the same
change gives the same bytes. The IDs of MOD records (content superseded by a correction or a catalog change)
and of DEL records are returned, so the release stage can purge them from the kept releases. When a record is
later withdrawn or superseded, the ADD/MOD lines of older deltas that carried its old content are rewritten to
``{"op": …, "dataset": …, "记录ID": …, "purged": true, "reason": …, "since": …}`` (``superseded`` when its
content was replaced, else the reason of the DEL that withdrew it): a consumer treats any line without ``"record"`` as
"this record must not be held" and a MOD line as "hold this content" (replacing the record, or inserting it
when the release it started from was purged of it), which keeps replaying correct.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

import numpy as np

from generator.packs.layout import RECORD_ID_HEADER
from generator.release.index import NO_DIGESTS, Digests, Index, each_once, gathered, lines, record_id_of
from generator.release.reasons import Why

Explain = Callable[[str, list[str]], dict[str, Why]]  # dataset, IDs withdrawn → (reason, since) of each
Reasons = dict[str, dict[str, Why]]  # dataset → record ID → (reason, since)
_OPS = ("", "ADD", "MOD")

LINE_START = re.compile(
    b'^\\{"op":"(ADD|MOD|DEL)","dataset":"([^"\\\\]*)","'
    + RECORD_ID_HEADER.encode("utf-8")
    + b'":"([^"\\\\]*)"'
)


@dataclass
class Diff:
    """What a delta holds, per dataset."""

    added: dict[str, int] = field(default_factory=dict)
    changed: dict[str, int] = field(default_factory=dict)
    superseded: dict[str, set[str]] = field(default_factory=dict)  # IDs of MOD lines: old content replaced
    withdrawn: dict[str, set[str]] = field(default_factory=dict)
    why: Reasons = field(default_factory=dict)  # (reason, since) of each withdrawn record
    counts: dict[str, int] = field(default_factory=dict)  # public records now

    @property
    def empty(self) -> bool:
        return not (any(self.added.values()) or any(self.changed.values()) or any(self.withdrawn.values()))


def head(op: str, dataset: str, record_id: str) -> bytes:
    """The start of a delta line, up to (not including) its closing brace: the object
    ``{"op", "dataset", "记录ID"}`` as ``json.dumps`` writes it compactly, its first two members encoded once per
    dataset (one ``json.dumps`` of the whole object a line took twice as long: 1.3 → 0.5–0.7 s for 500 k)."""
    return _start(op, dataset) + json.dumps(record_id, ensure_ascii=False).encode("utf-8")


@functools.lru_cache(maxsize=64)
def _start(op: str, dataset: str) -> bytes:
    fields = {"op": op, "dataset": dataset, RECORD_ID_HEADER: ""}
    return json.dumps(fields, ensure_ascii=False, separators=(",", ":"))[:-3].encode("utf-8")


def why_fields(why: Why) -> bytes:
    """``,"reason":…,"since":…`` of a DEL or purged line."""
    reason, since = why
    return b',"reason":' + json.dumps(reason).encode() + b',"since":' + json.dumps(since).encode()


def write_delta(path: Path, latest: dict[str, Path], previous: Index, explain: Explain) -> tuple[Diff, Index]:
    """Write the delta from ``previous`` to the JSON Lines files ``latest`` (dataset → file); also return the
    new index. Each file is read twice: for its records' IDs and digests, matched with ``previous`` as arrays,
    then for the ADD/MOD lines, written in file order (``bench_delta.py``, 500 k records: the first release's
    CPU 6.4 → 7.3 s for the second read, a day's 4.1 → 4.0 s, its peak 263 → 122 MiB); DEL lines say what
    ``explain`` gives for the records withdrawn."""
    diff, index = Diff(), {}
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as out:
        for dataset in sorted(set(latest) | set(previous)):
            before, source = previous.get(dataset, NO_DIGESTS), latest.get(dataset)
            now = _scan(out, dataset, source, before, diff) if source is not None else NO_DIGESTS
            gone = _gone(before, now)
            why = explain(dataset, gone) if gone else {}
            out.writelines(head("DEL", dataset, rid) + why_fields(why[rid]) + b"}\n" for rid in gone)
            diff.withdrawn[dataset], diff.why[dataset], index[dataset] = set(gone), why, now
            if source is not None:
                diff.counts[dataset] = len(now)
    return diff, index


def _scan(out: BinaryIO, dataset: str, source: Path, before: Digests, diff: Diff) -> Digests:
    """Write the ADD/MOD lines of ``source`` (a line whose ID ``before`` lacks, or holds with another digest),
    count them into ``diff``, and return the file's index."""
    lines_read = gathered(source)
    where = lines_read.positions_in(before)
    old = where >= 0
    same = old.copy()
    same[old] = (lines_read.digests[old] == before.digests[where[old]]).all(axis=1)
    mods = lines_read.ids.filter(old & ~same).to_pylist()
    diff.added[dataset], diff.changed[dataset] = int(np.count_nonzero(~old)), len(set(mods))
    diff.superseded[dataset] = set(mods)
    if not same.all():  # the ops by line: 0 none, 1 ADD, 2 MOD
        ops = np.where(same, 0, np.where(old, 2, 1)).astype(np.int8).tolist()
        out.writelines(_line(dataset, op, line) for op, line in zip(ops, lines(source), strict=True) if op)
    return each_once(lines_read)


def _line(dataset: str, op: int, line: bytes) -> bytes:
    return head(_OPS[op], dataset, record_id_of(line)) + b',"record":' + line.rstrip(b"\n") + b"}\n"


def _gone(before: Digests, now: Digests) -> list[str]:
    """The IDs of ``before`` not in ``now``, sorted."""
    missing = before.positions_in(now) < 0
    return sorted(before.ids.filter(missing).to_pylist()) if missing.any() else []


def purge_delta(source: Path, target: Path, drop: Reasons) -> int:
    """Write ``source`` to ``target`` with the ADD/MOD lines of records ``drop`` (withdrawn or superseded
    since) stripped of content and marked with the reason and since of their removal; returns the number of lines rewritten (0: nothing written — the caller links
    the file unchanged)."""
    hits = sum(1 for line in _lines(source) if _carries(line, drop))
    if hits:
        target.parent.mkdir(parents=True, exist_ok=True)
        with open(target, "wb") as out:
            out.writelines(_purged(line, drop) if _carries(line, drop) else line for line in _lines(source))
    return hits


def _lines(path: Path) -> Iterator[bytes]:
    with open(path, "rb") as f:
        yield from f


def _parse(line: bytes) -> tuple[str, str, str]:
    found = LINE_START.match(line)
    if found:
        op, dataset, rid = (g.decode("utf-8") for g in found.groups())
        return op, dataset, rid
    data = json.loads(line)
    return str(data["op"]), str(data["dataset"]), str(data[RECORD_ID_HEADER])


def _carries(line: bytes, drop: Reasons) -> bool:
    """True for an ADD/MOD line that still carries the content of a record in ``drop``."""
    op, dataset, rid = _parse(line)
    return op != "DEL" and rid in drop.get(dataset, ()) and b'"record":' in line


def _purged(line: bytes, drop: Reasons) -> bytes:
    op, dataset, rid = _parse(line)
    return head(op, dataset, rid) + b',"purged":true' + why_fields(drop[dataset][rid]) + b"}\n"
