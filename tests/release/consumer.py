"""The reference consumer: what a credit-service firm's importer does with the release history.

It starts from the full files of any kept release, then applies each later release's ``delta.jsonl`` in order,
checking every delta's size and SHA-256 against ``releases.json``. Rules (``releases.json``'s delta_format):
an ADD line with a record inserts a record that must not be held yet; a MOD line with a record holds its new
content — it replaces the record, or inserts it when the release the consumer started from was purged of the
record's old content since (a correction or tightened publication rules supersede old content everywhere);
any line without a record (DEL, or an old ADD/MOD line purged since) means the record must not be held — it
is deleted if present.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

RECORD_ID = "记录ID"
Snapshot = dict[tuple[str, str], dict[str, Any]]  # (dataset, 记录ID) → public record


def releases(site: Path) -> list[dict[str, Any]]:
    data: dict[str, Any] = json.loads((site / "data" / "releases.json").read_text(encoding="utf-8"))
    return list(data["releases"])


def read_snapshot(folder: Path) -> Snapshot:
    """The full public data of a release (or of data/latest/): every dataset's JSON Lines file."""
    snapshot: Snapshot = {}
    for dataset in sorted(p for p in folder.iterdir() if p.is_dir()):
        for line in _lines(dataset / f"{dataset.name}.jsonl"):
            record = json.loads(line)
            key = (dataset.name, record[RECORD_ID])
            assert key not in snapshot, f"duplicate record {key}"
            snapshot[key] = record
    return snapshot


def apply_delta(snapshot: Snapshot, delta: Path) -> None:
    for line in _lines(delta):
        change = json.loads(line)
        key = (change["dataset"], change[RECORD_ID])
        if "record" not in change:
            assert change["op"] == "DEL" or change.get("purged") is True, line
            snapshot.pop(key, None)
        elif change["op"] == "ADD":
            assert key not in snapshot, f"ADD of a record already held: {key}"
            snapshot[key] = change["record"]
        else:
            assert change["op"] == "MOD", line
            assert snapshot.get(key) != change["record"], f"MOD that changes nothing: {key}"
            snapshot[key] = change["record"]
        assert "record" not in change or change["record"][RECORD_ID] == key[1]


def _lines(path: Path) -> list[str]:
    """JSON Lines split on "\\n" only (str.splitlines would also split on U+2028 inside a value)."""
    return [line for line in path.read_text(encoding="utf-8").split("\n") if line]


def replay(site: Path, start: str) -> Snapshot:
    """Start from release ``start``'s files and apply every later delta, verifying each delta's checksum."""
    history = releases(site)
    ids = [r["id"] for r in history]
    snapshot = read_snapshot(site / "data" / "releases" / start)
    for release in history[ids.index(start) + 1 :]:
        delta = site / release["delta"]["path"]
        data = delta.read_bytes()
        assert len(data) == release["delta"]["bytes"]
        assert hashlib.sha256(data).hexdigest() == release["delta"]["sha256"]
        apply_delta(snapshot, delta)
    return snapshot
