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
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from generator import paths
from generator.digests import DigestMap
from generator.sitefiles import Previous, walk


def write_changes(previous: Previous, digests: DigestMap, replaced: bool, folder: Path) -> dict[str, Any]:
    """Write ``report/changes.json``: the site paths this build adds, changes and removes (none when the site
    is not replaced), sorted, with their counts."""
    if replaced:
        report = changes(previous, digests)
    else:
        report = {"basis": "none", "counts": {"added": 0, "changed": 0, "removed": 0}, "added": [], "changed": [],
                  "removed": []}  # fmt: skip
    report = {"site_replaced": replaced, **report}
    folder.mkdir(parents=True, exist_ok=True)
    text = json.dumps(report, ensure_ascii=False, indent=1) + "\n"
    (folder / paths.CHANGES_JSON).write_text(text, encoding="utf-8")
    return report


def changes(previous: Previous, new: DigestMap) -> dict[str, Any]:
    """Site paths added, changed and removed since the previous site. With a trusted map: by content. Without
    one, every file was written new, so every path the previous site also had counts as changed."""
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
    added, changed = now.filter(pc.invert(at.is_valid())).to_pylist(), now.take(rows).to_pylist()
    removed = before.filter(gone).to_pylist()
    counts = {"added": len(added), "changed": len(changed), "removed": len(removed)}
    return {"basis": basis, "counts": counts, "added": added, "changed": changed, "removed": removed}
