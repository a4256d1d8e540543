"""``report/changes.json``'s lists: by digests when the previous map is trusted, by listing otherwise."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator import changes as changes_module
from generator import paths
from generator.changes import LISTS, _write_json, changes, write_changes
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


@settings(max_examples=60, deadline=None)
@given(
    lists=st.tuples(*[st.lists(st.text(st.characters(blacklist_categories=("Cs",))), max_size=7)] * 3),
    replaced=st.booleans(),
)
def test_the_lists_written_a_chunk_at_a_time_are_the_json_of_the_whole_report(
    lists: tuple[list[str], list[str], list[str]], replaced: bool
) -> None:
    report = {
        "site_replaced": replaced,
        "basis": "digests",
        "counts": {n: len(v) for n, v in zip(LISTS, lists, strict=True)},
    }
    out = io.StringIO()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(changes_module, "_CHUNK", 2)  # lists of several chunks
        _write_json(
            out, report, {n: pa.array(v, pa.large_string()) for n, v in zip(LISTS, lists, strict=True)}
        )
    whole = report | dict(zip(LISTS, lists, strict=True))
    assert out.getvalue() == json.dumps(whole, ensure_ascii=False, indent=1) + "\n"


def test_a_build_that_replaces_nothing_writes_empty_lists(tmp_path: Path) -> None:
    after = DigestMap.of({"a.html": ("0" * 32, 3)})
    report = write_changes(Previous(), after, False, tmp_path)
    written = json.loads((tmp_path / paths.CHANGES_JSON).read_text(encoding="utf-8"))
    assert written == report | {"added": [], "changed": [], "removed": []}
    assert report["counts"] == {"added": 0, "changed": 0, "removed": 0}
    report = write_changes(Previous(), after, True, tmp_path)
    written = json.loads((tmp_path / paths.CHANGES_JSON).read_text(encoding="utf-8"))
    assert written["added"] == ["a.html"] and report["counts"]["added"] == 1 and report["basis"] == "none"
