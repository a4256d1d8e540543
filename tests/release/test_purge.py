"""Withdrawn means gone: a record withdrawn in build 4 leaves every file under data/, in every kept release,
and the purge is recorded (how many, when — not which)."""

from __future__ import annotations

import json

import pytest

from tests.leakscan import find_needles
from tests.packs.builders import penalty
from tests.packs.frictionless_check import frictionless_errors
from tests.release.consumer import read_snapshot
from tests.release.scenario import WITHDRAWN_IN_BUILD_4, Build, run_story


@pytest.fixture(scope="module")
def story(tmp_path_factory: pytest.TempPathFactory) -> list[Build]:
    return run_story(tmp_path_factory.mktemp("purge"), builds=4)


def _needles() -> dict[str, str]:
    record = penalty(WITHDRAWN_IN_BUILD_4)
    return {record["CF_XDR_MC"]: "名称", record["CF_WSH"]: "文书号", record["CF_SY"]: "违法事实"}


def test_withdrawn_record_was_in_every_earlier_release_before_the_purge(story: list[Build]) -> None:
    assert find_needles(story[2].site / "data", _needles())  # the scan would see it if it were there


def test_record_withdrawn_in_build_4_is_in_no_file_under_data(story: list[Build]) -> None:
    assert find_needles(story[3].site / "data", _needles()) == []


def test_withdrawn_record_id_appears_only_in_delete_and_purged_lines(story: list[Build]) -> None:
    data = story[3].site / "data"
    rid = (
        story[2]
        .pub.tables["penalties"]
        .frame.set_index("CF_WSH")["_id"][penalty(WITHDRAWN_IN_BUILD_4)["CF_WSH"]]
    )
    for path in sorted(p for p in data.rglob("*") if p.is_file()):
        if rid.encode() not in path.read_bytes():
            continue
        assert path.name == "delta.jsonl", path
        for change in map(json.loads, path.read_text(encoding="utf-8").splitlines()):
            if change["记录ID"] == rid:
                assert "record" not in change and (change["op"] == "DEL" or change["purged"] is True)


def test_purge_is_recorded_with_count_and_date_but_not_the_record(story: list[Build]) -> None:
    history = json.loads((story[3].site / "data" / "releases.json").read_text(encoding="utf-8"))
    purge = history["purges"][-1]
    assert purge == {"as_of": "2026-11-23", "release": "2026-11-23", "records": 2,
                     "releases": ["2026-11-20", "2026-11-21", "2026-11-22"],
                     "withdrawn": 1, "superseded": 1}  # fmt: skip  # penalty 4 expired, penalty 7 corrected
    reasons = [(p["release"], p["withdrawn"], p["superseded"]) for p in history["purges"]]
    assert reasons == [("2026-11-21", 0, 1), ("2026-11-22", 2, 0), ("2026-11-23", 1, 1)]  # builds 2, 3, 4


def test_purged_releases_counts_and_checksums_are_updated(story: list[Build]) -> None:
    site = story[3].site
    history = {
        r["id"]: r for r in json.loads((site / "data/releases.json").read_text(encoding="utf-8"))["releases"]
    }
    for rid in ("2026-11-20", "2026-11-21", "2026-11-22"):
        snapshot = read_snapshot(site / "data" / "releases" / rid)
        counts = {d: sum(1 for k in snapshot if k[0] == d) for d in ("licences", "penalties")}
        assert history[rid]["counts"] == counts
    assert history["2026-11-20"]["counts"] == {
        "licences": 1,
        "penalties": 3,
    }  # of penalties 1-6: 2 corrected, 3 repaired, 4 expired; licence 2 revoked


def test_previous_site_keeps_its_files_untouched_by_the_purge(story: list[Build]) -> None:
    assert find_needles(story[2].site / "data" / "releases" / "2026-11-20", _needles())


def test_every_data_package_after_a_purge_passes_frictionless_validate(story: list[Build]) -> None:
    packages = sorted((story[3].site / "data").rglob("datapackage.json"))
    # latest + four releases, two datasets each; and each release's delta package
    assert len(packages) == 2 * 5 + 4
    for package in packages:
        assert frictionless_errors(package) == [], package
