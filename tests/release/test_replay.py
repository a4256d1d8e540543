"""Releases and deltas across six successive builds: additions, corrections, repairs, revocations, expiries,
a record coming back, and a second release on the same as-of date."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.release.consumer import read_snapshot, releases, replay
from tests.release.scenario import Build, build, run_story
from tests.release.scenario import story as scenario_story


@pytest.fixture(scope="module")
def story(tmp_path_factory: pytest.TempPathFactory) -> list[Build]:
    return run_story(tmp_path_factory.mktemp("story"))


def test_each_changing_build_makes_one_release_with_a_date_sorted_id(story: list[Build]) -> None:
    ids = [r.id for r in story[-1].releases]
    assert ids == ["2026-11-20", "2026-11-21", "2026-11-22", "2026-11-23", "2026-11-24", "2026-11-24.02"]
    assert ids == sorted(ids)
    assert [b.releases[-1].id for b in story] == ids


def test_release_counts_say_what_was_added_changed_and_withdrawn(story: list[Build]) -> None:
    got = [(r.added, r.changed, r.withdrawn) for r in story[-1].releases]
    assert got == [(8, 0, 0), (2, 1, 0), (1, 0, 2), (0, 1, 1), (2, 0, 1), (0, 1, 0)]
    assert story[-1].releases[-1].counts == {"licences": 1, "penalties": 8}


@pytest.mark.parametrize("build", range(6))
def test_replaying_deltas_from_any_kept_release_gives_the_latest_snapshot(
    story: list[Build], build: int
) -> None:
    site = story[build].site
    latest = read_snapshot(site / "data" / "latest")
    for release in releases(site):
        assert replay(site, release["id"]) == latest, f"build {build + 1}, from {release['id']}"


def test_latest_snapshot_is_exactly_the_published_records(story: list[Build]) -> None:
    final = story[-1]
    latest = read_snapshot(final.site / "data" / "latest")
    expected = {(d, rid) for d, t in final.pub.tables.items() for rid in t.frame["_id"]}
    assert set(latest) == expected
    corrected = next(
        r for (d, _), r in latest.items() if d == "penalties" and r["行政处罚决定书文号"].endswith("〕8号")
    )
    assert corrected["备注"] == "更正处罚类别" and corrected["处罚类别"] == "罚款"


def test_delete_lines_carry_only_the_record_id_reason_and_since(story: list[Build]) -> None:
    for path in sorted((story[-1].site / "data" / "releases").glob("*/delta.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            change = json.loads(line)
            if change["op"] == "DEL":
                assert set(change) == {"op", "dataset", "记录ID", "reason", "since"}
                assert change["since"] <= path.parent.name[:10]


def test_add_and_mod_lines_carry_the_full_public_record(story: list[Build]) -> None:
    site = story[1].site
    latest = read_snapshot(site / "data" / "latest")
    lines = (
        (site / "data" / "releases" / "2026-11-21" / "delta.jsonl").read_text(encoding="utf-8").splitlines()
    )
    for change in map(json.loads, lines):
        assert change["op"] in ("ADD", "MOD")
        assert change["record"] == latest[(change["dataset"], change["记录ID"])]


def test_release_folders_hold_each_dataset_in_every_format(story: list[Build]) -> None:
    folder = story[-1].site / "data" / "releases" / "2026-11-24.02"
    names = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())
    assert names == [
        "datapackage.json",
        "delta.jsonl",
        *(f"licences/{n}" for n in ("datapackage.json", "licences.csv", "licences.jsonl", "licences.parquet", "licences.xlsx")),
        "manifest.json",
        *(f"penalties/{n}" for n in ("datapackage.json", "penalties.csv", "penalties.jsonl", "penalties.parquet", "penalties.xlsx")),
    ]  # fmt: skip


def test_latest_packages_carry_the_current_release_id_and_as_of(story: list[Build]) -> None:
    site = story[-1].site
    package = json.loads((site / "data/latest/penalties/datapackage.json").read_text(encoding="utf-8"))
    assert package["version"] == "2026-11-24.02"
    assert package["created"] == "2026-11-24T00:00:00+08:00"
    release = site / "data/releases/2026-11-24.02/penalties/datapackage.json"
    assert release.read_bytes() == (site / "data/latest/penalties/datapackage.json").read_bytes()


def test_written_file_list_matches_the_files_on_disk(story: list[Build]) -> None:
    import hashlib

    final = story[-1]
    for f in final.files:
        data = (final.site / f.path).read_bytes()
        assert (len(data), hashlib.sha256(data).hexdigest()) == (f.bytes, f.sha256), f.path


def test_unchanged_release_files_are_hard_links_to_the_previous_site(story: list[Build]) -> None:
    old, new = story[-2].site, story[-1].site
    path = "data/releases/2026-11-21/licences/licences.csv"
    assert (old / path).stat().st_ino == (new / path).stat().st_ino


def _tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_manifests_list_releases_and_every_current_file(story: list[Build]) -> None:
    site = story[-1].site
    catalog = json.loads((site / "data/catalog.json").read_text(encoding="utf-8"))
    assert catalog["release"] == "2026-11-24.02"
    listed = {f["path"]: f["sha256"] for d in catalog["datasets"] for f in d["files"]}
    on_disk = {f.path: f.sha256 for f in story[-1].files if f.path.startswith("data/latest/") and f.dataset}
    assert listed == on_disk
    assert [d["records"] for d in catalog["datasets"]] == [1, 8]
    assert catalog["all_data"][0]["path"] == "data/latest/all-data.zip"
    assert _tree(site)  # the site exists and is readable


def _data_files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name != "datapackage.json")


def _described(folder: Path) -> list[str]:
    package = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    return sorted(str(r["path"]) for r in package["resources"])


def test_older_releases_keep_the_machine_formats_and_describe_exactly_those(story: list[Build]) -> None:
    releases_dir = story[-1].site / "data" / "releases"
    older = [r.id for r in story[-1].releases[:-1]]
    for rid in older:
        for folder in (f for f in (releases_dir / rid).iterdir() if f.is_dir()):
            assert [Path(n).suffix for n in _data_files(folder)] == [".csv", ".jsonl", ".parquet"], folder
            assert _described(folder) == _data_files(folder), folder
    current = releases_dir / story[-1].releases[-1].id / "penalties"
    assert "penalties.xlsx" in _data_files(current) and _described(current) == _data_files(current)


def test_a_rebuild_without_a_new_release_keeps_the_current_releases_workbooks(
    story: list[Build], tmp_path: Path
) -> None:
    final = story[-1]
    as_of, records = scenario_story()[-1]
    again = build(tmp_path, "again", as_of, records, final)
    assert [r.id for r in again.releases] == [r.id for r in final.releases]
    current = f"data/releases/{final.releases[-1].id}/penalties/penalties.xlsx"
    assert (again.site / current).stat().st_ino == (final.site / current).stat().st_ino
