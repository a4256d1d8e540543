"""``report/changes.json``: the site paths a build adds, changes and removes, for deploying by manifest.

Stage: report (after the staging site is sealed, before the swap). Guarantees: with the previous build's trusted
digest map, a path counts as changed when its digest or size differ; without one every file was written new, so
every path the previous site also had counts as changed (``basis``: ``digests``, ``listing`` or ``none``); the
lists are sorted; when the site is not replaced all three are empty. Compared in columns (pyarrow), not path by
path: a city's site has millions of files.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, TextIO

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from generator import paths
from generator.digests import DigestMap
from generator.sitefiles import Previous, walk

LISTS = ("added", "changed", "removed")
_CHUNK = 65_536  # paths made Python strings at a time while the lists are written
_NONE = pa.array([], pa.large_string())


def write_changes(previous: Previous, digests: DigestMap, replaced: bool, folder: Path) -> dict[str, Any]:
    """Write ``report/changes.json``: the site paths this build adds, changes and removes (none when the site
    is not replaced), sorted, with their counts; returns the report without its lists. The lists go to the
    file a chunk at a time from their Arrow arrays: a city's first build adds millions of paths, which as one
    Python list and one JSON text held the build's process ≈ 190 MB more at 1.3 M files."""
    basis, lists = _changed(previous, digests) if replaced else ("none", {n: _NONE for n in LISTS})
    report = {"site_replaced": replaced, "basis": basis, "counts": {n: len(lists[n]) for n in LISTS}}
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / paths.CHANGES_JSON).open("w", encoding="utf-8") as f:
        _write_json(f, report, lists)
    return report


def _write_json(f: TextIO, report: dict[str, Any], lists: dict[str, pa.Array]) -> None:
    """``report`` with ``lists`` after its keys, as ``json.dumps(..., ensure_ascii=False, indent=1)`` writes it,
    and a newline."""
    f.write(json.dumps(report, ensure_ascii=False, indent=1)[: -len("\n}")])
    for name, values in lists.items():
        f.write(f",\n {json.dumps(name)}: [")
        for first in range(0, len(values), _CHUNK):
            items = values.slice(first, _CHUNK).to_pylist()
            f.write(
                ("," if first else "") + ",".join("\n  " + json.dumps(v, ensure_ascii=False) for v in items)
            )
        f.write("\n ]" if len(values) else "]")
    f.write("\n}\n")


def changes(previous: Previous, new: DigestMap) -> dict[str, Any]:
    """Site paths added, changed and removed since the previous site. With a trusted map: by content. Without
    one, every file was written new, so every path the previous site also had counts as changed."""
    basis, lists = _changed(previous, new)
    found = {name: lists[name].to_pylist() for name in LISTS}
    return {"basis": basis, "counts": {n: len(found[n]) for n in LISTS}, **found}


def _changed(previous: Previous, new: DigestMap) -> tuple[str, dict[str, pa.Array]]:
    """``changes``' basis and lists, as Arrow string arrays."""
    now, digests, sizes = new.columns()
    if previous.trusted:
        before, old_digests, old_sizes = previous.files.columns()
        basis = "digests"
    else:
        listed = (
            sorted(rel for rel, _ in walk(previous.site)) if previous.site and previous.site.is_dir() else []
        )
        before, old_digests, old_sizes = pa.array(listed, pa.large_string()), None, None
        basis = "listing" if previous.site and previous.site.is_dir() else "none"
    at = pc.index_in(now, value_set=before)
    kept = at.is_valid().to_numpy(zero_copy_only=False)
    rows = np.flatnonzero(kept)
    if old_digests is not None and old_sizes is not None:
        old = at.drop_null().to_numpy()
        rows = rows[(digests[rows] != old_digests[old]) | (sizes[rows] != old_sizes[old])]
    gone = pc.invert(pc.is_in(before, value_set=now))
    added, changed = now.filter(pc.invert(at.is_valid())), now.take(rows)
    return basis, {"added": added, "changed": changed, "removed": before.filter(gone)}
