"""``report/changes.json``'s lists: by digests when the previous map is trusted, by listing otherwise."""

from __future__ import annotations

from pathlib import Path

from generator.changes import changes
from generator.digests import DigestMap
from generator.sitefiles import Previous


def test_changes_by_digests_name_every_added_changed_and_removed_path() -> None:
    before = DigestMap.of(
        {"same": ("0" * 32, 1), "edited": ("1" * 32, 2), "grown": ("2" * 32, 3), "gone": ("3" * 32, 4)}
    )
    after = DigestMap.of(
        {"same": ("0" * 32, 1), "edited": ("9" * 32, 2), "grown": ("2" * 32, 30), "new": ("4" * 32, 5)}
    )
    report = changes(Previous(Path("/nonexistent"), before, trusted=True), after)
    assert report["basis"] == "digests"
    assert (report["added"], report["changed"], report["removed"]) == (["new"], ["edited", "grown"], ["gone"])
    assert report["counts"] == {"added": 1, "changed": 2, "removed": 1}


def test_changes_without_a_trusted_map_count_every_path_the_old_site_had_as_changed(tmp_path: Path) -> None:
    for rel in ["kept.html", "x/gone.html"]:
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("old", encoding="utf-8")
    after = DigestMap.of({"kept.html": ("0" * 32, 3), "new.html": ("1" * 32, 3)})
    report = changes(Previous(tmp_path), after)
    assert report["basis"] == "listing"
    assert (report["added"], report["changed"], report["removed"]) == (
        ["new.html"],
        ["kept.html"],
        ["x/gone.html"],
    )
    assert changes(Previous(), after)["basis"] == "none"
