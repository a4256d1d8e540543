"""Release lifecycle: IDs, rebuilds that change nothing, retention, lost state, manifests, and a previous site
that is only ever read."""

from __future__ import annotations

import hashlib
import json
import os
import xml.etree.ElementTree as ET
from datetime import date
from pathlib import Path

import pytest

from generator.packs import rewrite
from generator.release.ids import is_release_id, next_release_id
from tests.buildproc import tree_digest
from tests.leakscan import find_needles
from tests.packs.builders import licence, penalty
from tests.release.consumer import read_snapshot, replay
from tests.release.scenario import build, run_story, story


def _tree(root: Path) -> dict[str, str]:
    """Every file under ``root`` with its SHA-256, inode and mtime (any write would show)."""
    found = {}
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        st = path.stat()
        found[path.relative_to(root).as_posix()] = (
            f"{hashlib.sha256(path.read_bytes()).hexdigest()} {st.st_ino} {st.st_mtime_ns}"
        )
    return found


@pytest.mark.parametrize(
    ("as_of", "newest", "expected"),
    [(date(2026, 11, 25), None, "2026-11-25"), (date(2026, 11, 25), "2026-11-24", "2026-11-25"),
     (date(2026, 11, 25), "2026-11-25", "2026-11-25.02"), (date(2026, 11, 25), "2026-11-25.02", "2026-11-25.03"),
     (date(2026, 11, 20), "2026-11-25", "2026-11-25.02")],
)  # fmt: skip
def test_release_ids_sort_by_date_and_never_before_an_earlier_release(
    as_of: date, newest: str | None, expected: str
) -> None:
    assert next_release_id(as_of, newest) == expected
    assert newest is None or newest < expected
    assert is_release_id(expected) and not is_release_id("../etc") and not is_release_id("2026-11-25x")


def test_rebuilding_unchanged_input_makes_no_release_and_identical_bytes(tmp_path: Path) -> None:
    as_of, records = story()[0]
    first = build(tmp_path, "a", as_of, records, None)
    again = build(tmp_path, "b", as_of, records, first)
    assert again.releases == first.releases
    assert _tree(again.site).keys() == _tree(first.site).keys()
    for name in _tree(first.site):
        assert (again.site / name).read_bytes() == (first.site / name).read_bytes(), name
    assert (again.state / "release-index.parquet").read_bytes() == (
        first.state / "release-index.parquet"
    ).read_bytes()


def test_a_later_build_with_unchanged_data_keeps_the_release_and_its_stamps(tmp_path: Path) -> None:
    as_of, records = story()[0]
    first = build(tmp_path, "a", as_of, records, None)
    later = build(tmp_path, "b", date(2026, 12, 1), records, first)
    assert [r.id for r in later.releases] == ["2026-11-20"]
    package = json.loads((later.site / "data/latest/penalties/datapackage.json").read_text(encoding="utf-8"))
    assert (package["version"], package["created"][:10]) == ("2026-11-20", "2026-11-20")
    for name in ("data/latest/penalties/datapackage.json", "data/latest/all-data.zip", "data/releases.json"):
        assert (later.site / name).read_bytes() == (first.site / name).read_bytes(), name
    listed = {f.path: f.sha256 for f in later.files}
    assert (
        listed["data/latest/all-data.zip"]
        == hashlib.sha256((later.site / "data/latest/all-data.zip").read_bytes()).hexdigest()
    )


def test_retention_keeps_the_last_releases_and_drops_the_oldest(tmp_path: Path) -> None:
    builds = run_story(tmp_path, keep=3)
    site = builds[-1].site
    assert [r.id for r in builds[-1].releases] == ["2026-11-23", "2026-11-24", "2026-11-24.02"]
    assert sorted(p.name for p in (site / "data" / "releases").iterdir()) == [
        "2026-11-23",
        "2026-11-24",
        "2026-11-24.02",
    ]
    history = json.loads((site / "data/releases.json").read_text(encoding="utf-8"))
    assert [r["id"] for r in history["releases"]] == ["2026-11-23", "2026-11-24", "2026-11-24.02"]
    latest = read_snapshot(site / "data" / "latest")
    assert all(replay(site, r["id"]) == latest for r in history["releases"])


def test_a_lost_state_gives_the_same_release(tmp_path: Path) -> None:
    (as_of1, records1), (as_of2, records2) = story()[:2]
    first = build(tmp_path, "a", as_of1, records1, None)
    with_state = build(tmp_path, "b", as_of2, records2, first)
    (first.state / "release-index.parquet").unlink()
    without = build(tmp_path, "c", as_of2, records2, first)
    assert _strip(_tree(without.site)) == _strip(_tree(with_state.site))


def _strip(tree: dict[str, str]) -> dict[str, str]:
    return {k: v.split()[0] for k, v in tree.items()}


def test_make_release_only_reads_the_previous_site_and_writes_only_its_own_folders(tmp_path: Path) -> None:
    builds = run_story(tmp_path / "story", builds=3)
    before_prev, before_state = _tree(builds[-1].site), _tree(builds[-1].state)
    everything_before = {p for p in tmp_path.rglob("*")}
    as_of, records = story()[3]  # build 4 withdraws a record: purges rewrite files of kept releases
    nxt = build(tmp_path / "story", "next", as_of, records, builds[-1])
    assert _tree(builds[-1].site) == before_prev and _tree(builds[-1].state) == before_state
    new_paths = {p for p in tmp_path.rglob("*")} - everything_before
    assert all(p == nxt.site.parent or nxt.site.parent in p.parents for p in new_paths)
    assert not list(nxt.site.rglob("*.new")) and nxt.releases[-1].withdrawn == 1


def test_rewritten_release_files_are_new_files_not_edited_links(tmp_path: Path) -> None:
    builds = run_story(tmp_path, builds=4)
    old, new = builds[2].site, builds[3].site
    path = "data/releases/2026-11-20/penalties/penalties.csv"
    assert os.stat(old / path).st_ino != os.stat(new / path).st_ino
    assert (old / path).read_bytes() != (new / path).read_bytes()


def test_catalog_jsonld_is_dcat_with_checksums(tmp_path: Path) -> None:
    builds = run_story(tmp_path, builds=2)
    site = builds[-1].site
    dcat = json.loads((site / "data/catalog.jsonld").read_text(encoding="utf-8"))
    assert dcat["@type"] == "dcat:Catalog" and dcat["dcat:version"] == "2026-11-21"
    datasets = {d["dct:identifier"]: d for d in dcat["dcat:dataset"]}
    assert {"licences", "penalties"} <= set(datasets)  # besides the all-data zip and the release history
    for dist in datasets["penalties"]["dcat:distribution"]:
        path = site / dist["dcat:downloadURL"]["@id"].removeprefix("https://credit.linjiang.example.cn/")
        assert (
            dist["spdx:checksum"]["spdx:checksumValue"]["@value"]
            == hashlib.sha256(path.read_bytes()).hexdigest()
        )
        assert int(dist["dcat:byteSize"]["@value"]) == path.stat().st_size


def test_atom_feed_lists_releases_newest_first(tmp_path: Path) -> None:
    builds = run_story(tmp_path, builds=3)
    feed = ET.fromstring((builds[-1].site / "data/releases.atom").read_bytes())
    ns = {"a": "http://www.w3.org/2005/Atom"}
    titles = [e.findtext("a:title", namespaces=ns) for e in feed.findall("a:entry", ns)]
    assert titles == ["数据发布 2026-11-22", "数据发布 2026-11-21", "数据发布 2026-11-20"]
    assert feed.findtext("a:updated", namespaces=ns) == "2026-11-22T00:00:00+08:00"
    assert "撤下 2 条" in (feed.find("a:entry", ns).findtext("a:summary", namespaces=ns) or "")  # type: ignore[union-attr]


def test_an_unreadable_history_restarts_it_and_says_so(tmp_path: Path) -> None:
    (as_of1, records1), (as_of2, records2) = story()[:2]
    first = build(tmp_path, "a", as_of1, records1, None)
    (first.site / "data" / "releases.json").write_text("{not json", encoding="utf-8")
    second = build(tmp_path, "b", as_of2, records2, first)
    assert [r.id for r in second.releases] == ["2026-11-21"]
    assert second.releases[0].added == sum(second.releases[0].counts.values())
    assert "release-history-restarted" in {p.code for p in second.pub.problems}


def test_an_unchanged_rebuild_is_noted_for_the_report(tmp_path: Path) -> None:
    as_of, records = story()[0]
    first = build(tmp_path, "a", as_of, records, None)
    again = build(tmp_path, "b", as_of, records, first)
    assert [p.code for p in first.pub.problems] == []
    assert [p.code for p in again.pub.problems] == ["release-unchanged"]


def test_a_dataset_dropped_from_the_catalog_is_withdrawn_and_purged(tmp_path: Path) -> None:
    first = build(
        tmp_path, "a", date(2026, 11, 20), {"penalties": [penalty(1)], "licences": [licence(1)]}, None
    )
    second = build(tmp_path, "b", date(2026, 11, 21), {"penalties": [penalty(1), penalty(2)]}, first)
    assert second.releases[-1].counts == {"penalties": 2} and second.releases[-1].withdrawn == 1
    assert second.releases[0].counts == {"licences": 0, "penalties": 1}
    assert "release-purged" in {p.code for p in second.pub.problems}
    assert not find_needles(second.site / "data", {licence(1)["XK_XDR_MC"]: "名称"})
    assert replay(second.site, "2026-11-20") == read_snapshot(second.site / "data" / "latest")


def test_a_purge_written_by_two_processes_gives_the_files_of_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A city's daily purge rewrites a dataset folder in every kept release: from ``OFFLOAD_BYTES`` on, a
    second process writes about half of them."""
    here: list[
        rewrite.Rewrite
    ] = []  # the folders this process rewrote (the second one, spawned, is not seen)
    read = rewrite._job
    monkeypatch.setattr(rewrite, "_job", lambda task: here.append(task) or read(task))
    alone = run_story(tmp_path / "alone", builds=4)
    by_one = len(here)
    here.clear()
    monkeypatch.setattr(rewrite, "OFFLOAD_BYTES", 0)
    shared = run_story(tmp_path / "shared", builds=4)
    assert tree_digest(shared[-1].site) == tree_digest(alone[-1].site)
    assert tree_digest(shared[-1].state) == tree_digest(alone[-1].state)
    assert 0 < len(here) < by_one  # the rest were the second process's


def test_the_second_process_takes_the_largest_folders_in_turn() -> None:
    # 90 here; 50 and 40 there (90 each); 10 here (100), 5 there (95)
    assert rewrite._second_share([5, 90, 40, 50, 10]) == {3, 2, 0}
    assert rewrite._second_share([7]) == set() and rewrite._second_share([]) == set()
