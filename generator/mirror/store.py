"""A data user's copy of a portal's open data, as ``gongshi mirror`` keeps it in ``DEST/copy/``.

Stage: none (the consumer side). Guarantees: the copy is one folder — ``<dataset>.jsonl`` per dataset (each
record's line exactly as the portal published it, sorted by 记录ID) and ``mirror.json`` (the release held, the
source, the pinned public key, what the last update did) — and it is replaced as a whole: the new copy is
written beside it and renamed into place, so a failed or interrupted update leaves the previous copy (or, at
worst, none: the next run then downloads the full files again), never a half-updated one. A missing or
unreadable ``mirror.json`` means no copy (a full download follows), never a crash; dataset names read from
disk or from the source are checked to be plain names before they become file names.
"""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator import paths
from generator.config import DATASET_ID
from generator.problems import Problem, problem
from generator.release.index import record_id_of

FORMAT = "gongshi-mirror-1"
Records = dict[str, dict[str, bytes]]  # dataset → 记录ID → its JSON Lines line (without the newline)


@dataclass
class Copy:
    """The records held and what they are."""

    release: str | None = None
    source: str = ""
    public_key: str = ""
    records: Records = field(default_factory=dict)
    last_update: dict[str, Any] = field(default_factory=dict)

    def counts(self) -> dict[str, int]:
        return {d: len(r) for d, r in sorted(self.records.items()) if r}


def is_dataset_name(name: str) -> bool:
    return bool(DATASET_ID.match(name))


def read_copy(dest: Path) -> tuple[Copy | None, list[Problem]]:
    """The copy in ``dest`` (None: there is none, or it cannot be trusted — then it is downloaded afresh)."""
    folder = dest / paths.MIRROR_COPY_DIR
    state = folder / paths.MIRROR_STATE_FILE
    if not state.is_file():
        return None, []
    try:
        data = json.loads(state.read_text(encoding="utf-8"))
        if data.get("format") != FORMAT:
            raise ValueError(f"format {data.get('format')!r}")
        copy = Copy(data.get("release"), str(data.get("source", "")), str(data.get("public_key", "")))
        copy.records = {name: _records(folder / f"{name}{paths.MIRROR_RECORDS_SUFFIX}") for name in data["counts"]
                        if is_dataset_name(name)}  # fmt: skip
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        text = f"{state} 无法读取（{exc}），将重新下载当前版本的完整数据"
        return None, [problem("mirror-copy-unreadable", text, file=str(state))]
    return copy, []


def _records(path: Path) -> dict[str, bytes]:
    records: dict[str, bytes] = {}
    with open(path, "rb") as f:
        for line in f:
            if line.strip():
                records[record_id_of(line)] = line.rstrip(b"\n")
    return records


def write_copy(dest: Path, copy: Copy) -> None:
    """Replace ``dest/copy`` by ``copy`` (written beside it, then renamed into place)."""
    dest.mkdir(parents=True, exist_ok=True)
    fresh, old = dest / f".copy-new-{os.getpid()}", dest / f".copy-old-{os.getpid()}"
    shutil.rmtree(fresh, ignore_errors=True)
    fresh.mkdir()
    for name, records in sorted(copy.records.items()):
        if records and is_dataset_name(name):
            with open(fresh / f"{name}{paths.MIRROR_RECORDS_SUFFIX}", "wb") as out:
                out.writelines(records[rid] + b"\n" for rid in sorted(records))
    state = {
        "format": FORMAT, "source": copy.source, "release": copy.release, "public_key": copy.public_key,
        "counts": copy.counts(), "last_update": copy.last_update,
    }  # fmt: skip
    text = json.dumps(state, ensure_ascii=False, indent=2) + "\n"
    (fresh / paths.MIRROR_STATE_FILE).write_text(text, encoding="utf-8")
    target = dest / paths.MIRROR_COPY_DIR
    if target.exists():
        os.replace(target, old)
    os.replace(fresh, target)
    shutil.rmtree(old, ignore_errors=True)
