"""Superseded content is purged like withdrawn records: after a correction or a tightening of the privacy rules
(a field dropped, ID numbers masked further), the old content leaves every kept release — data files in every
format, data-package schemas and checksums, older deltas — the new release alone carries the new content, the
purge is recorded with its reason, and a consumer replaying the deltas still ends with the latest data."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.leakscan import find_needles
from tests.packs.frictionless_check import frictionless_errors
from tests.release.consumer import read_snapshot, releases, replay
from tests.release.scenario import (
    LEGAL_REPRESENTATIVES,
    MASKED_AFTER,
    MASKED_BEFORE,
    OLD_FACTS,
    TIGHTENED_IN_BUILD,
    Build,
    run_privacy_story,
)

LEGAL_REPRESENTATIVE = "法定代表人"


@pytest.fixture(scope="module")
def story(tmp_path_factory: pytest.TempPathFactory) -> list[Build]:
    return run_privacy_story(tmp_path_factory.mktemp("privacy"))


@pytest.fixture(scope="module")
def short_story(tmp_path_factory: pytest.TempPathFactory) -> list[Build]:
    return run_privacy_story(tmp_path_factory.mktemp("privacy-keep3"), keep=3)


def _tightened(story: list[Build]) -> Build:
    return story[TIGHTENED_IN_BUILD - 1]


def _lines(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").split("\n") if line]


def _purges(build: Build) -> list[dict[str, object]]:
    data = json.loads((build.site / "data/releases.json").read_text(encoding="utf-8"))
    return list(data["purges"])


@pytest.mark.parametrize("build", range(6))
def test_replaying_from_any_kept_release_after_corrections_and_tightening_gives_the_latest(
    story: list[Build], short_story: list[Build], build: int
) -> None:
    for done in (story, short_story):
        site = done[build].site
        latest = read_snapshot(site / "data" / "latest")
        assert [r["id"] for r in releases(site)][-1] == done[build].releases[-1].id
        for release in releases(site):
            assert replay(site, release["id"]) == latest, f"build {build + 1}, from {release['id']}"


def test_story_makes_the_expected_releases(story: list[Build]) -> None:
    got = [(r.id, r.added, r.changed, r.withdrawn) for r in story[-1].releases]
    assert got == [("2026-11-20", 10, 0, 0), ("2026-11-21", 1, 1, 0), ("2026-11-22", 0, 1, 1),
                   ("2026-11-23", 0, 8, 0), ("2026-11-24", 1, 1, 1), ("2026-11-24.02", 0, 1, 0)]  # fmt: skip


def test_a_corrected_record_old_text_leaves_every_kept_release(story: list[Build]) -> None:
    before, after = story[0].site / "data", story[1].site / "data"
    assert find_needles(before, {OLD_FACTS[2]: "penalty 2"})  # the scan would see it
    assert find_needles(after, {OLD_FACTS[2]: "penalty 2"}) == []
    assert find_needles(after / "releases" / "2026-11-21", {"经复核，当事人销售的是标识不全的产品。": "new"})


def test_the_corrected_record_keeps_only_its_id_in_older_deltas(story: list[Build]) -> None:
    site = story[1].site
    rid = next(
        k[1]
        for k, r in read_snapshot(site / "data/latest").items()
        if r.get("违法事实", "").startswith("经复核")
    )
    old = [c for c in _lines(site / "data/releases/2026-11-20/delta.jsonl") if c["记录ID"] == rid]
    assert old == [{"op": "ADD", "dataset": "penalties", "记录ID": rid, "purged": True, "reason": "superseded",
                    "since": "2026-11-21"}]  # fmt: skip
    new = [c for c in _lines(site / "data/releases/2026-11-21/delta.jsonl") if c["记录ID"] == rid]
    assert [c["op"] for c in new] == ["MOD"] and "record" in new[0]
    assert rid not in {k[1] for k in read_snapshot(site / "data/releases/2026-11-20")}


def test_a_correction_is_logged_as_a_superseded_purge(story: list[Build]) -> None:
    assert _purges(story[1]) == [{"as_of": "2026-11-21", "release": "2026-11-21", "records": 1,
                                  "releases": ["2026-11-20"], "withdrawn": 0, "superseded": 1}]  # fmt: skip
    codes = [p.code for p in story[1].pub.problems]
    assert "release-superseded-purged" in codes and "release-purged" not in codes


def test_withdrawal_and_correction_in_one_build_are_counted_apart(story: list[Build]) -> None:
    event = _purges(story[2])[-1]
    assert (event["release"], event["withdrawn"], event["superseded"], event["records"]) == (
        "2026-11-22",
        1,
        1,
        2,
    )
    assert {"release-purged", "release-superseded-purged"} <= {p.code for p in story[2].pub.problems}


def test_privacy_tightening_removes_old_names_and_less_masked_ids_from_every_file(story: list[Build]) -> None:
    needles = {name: "法定代表人" for name in LEGAL_REPRESENTATIVES.values()}
    needles |= {number: "证件号码" for number in MASKED_BEFORE.values()}
    assert len(find_needles(story[TIGHTENED_IN_BUILD - 2].site / "data", needles)) > 20
    site = _tightened(story).site
    assert find_needles(site / "data", needles) == []
    assert find_needles(site / "data", {MASKED_AFTER[11]: "new mask"})  # the new content is there


def test_privacy_tightening_empties_older_releases_of_the_dataset_and_logs_it(story: list[Build]) -> None:
    build = _tightened(story)
    assert build.releases[-1].changed == 8 and build.releases[-1].counts["penalties"] == 8
    assert [r.counts["penalties"] for r in build.releases[:-1]] == [0, 0, 0]
    assert [r.counts["licences"] for r in build.releases] == [2, 2, 2, 2]
    assert _purges(build)[-1] == {"as_of": "2026-11-23", "release": "2026-11-23", "records": 8,
                                  "releases": ["2026-11-20", "2026-11-21", "2026-11-22"],
                                  "withdrawn": 0, "superseded": 8}  # fmt: skip
    for rid in ("2026-11-20", "2026-11-21", "2026-11-22"):
        for change in _lines(build.site / "data/releases" / rid / "delta.jsonl"):
            assert change["dataset"] != "penalties" or "record" not in change, (rid, change)


def test_a_dropped_column_leaves_every_kept_release_schema_and_header(story: list[Build]) -> None:
    site = _tightened(story).site
    packages = sorted((site / "data").rglob("penalties/datapackage.json"))
    assert len(packages) == 5  # latest and four releases
    for package in packages:
        descriptor = json.loads(package.read_text(encoding="utf-8"))
        for resource in descriptor["resources"]:
            names = [f["name"] for f in resource.get("schema", {}).get("fields", [])]
            assert LEGAL_REPRESENTATIVE not in names, package
        header = (package.parent / "penalties.csv").read_text(encoding="utf-8-sig").split("\n")[0]
        assert LEGAL_REPRESENTATIVE not in header.split(","), package
        assert frictionless_errors(package) == [], package
    old = json.loads(
        (story[0].site / "data/releases/2026-11-20/penalties/datapackage.json").read_text("utf-8")
    )
    assert LEGAL_REPRESENTATIVE in [f["name"] for f in old["resources"][0]["schema"]["fields"]]


def test_a_dataset_the_tightening_does_not_touch_stays_hard_linked(story: list[Build]) -> None:
    before, after = story[TIGHTENED_IN_BUILD - 2].site, _tightened(story).site
    path = "data/releases/2026-11-20/licences/licences.parquet"
    assert (before / path).stat().st_ino == (after / path).stat().st_ino


def test_narrowed_releases_are_not_rewritten_again_by_later_builds(story: list[Build]) -> None:
    tightened, later = _tightened(story).site, story[TIGHTENED_IN_BUILD].site
    path = "data/releases/2026-11-20/penalties/penalties.parquet"
    assert (tightened / path).stat().st_ino == (later / path).stat().st_ino


def test_every_data_package_after_corrections_passes_frictionless_validate(story: list[Build]) -> None:
    packages = sorted((story[-1].site / "data").rglob("datapackage.json"))
    # latest + six releases, two datasets each; and each release's delta package
    assert len(packages) == 2 * 7 + 6
    for package in packages:
        assert frictionless_errors(package) == [], package
