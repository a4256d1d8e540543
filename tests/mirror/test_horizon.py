"""The replay horizon (issue 14, item 2): ``releases.json`` says from which release deltas reach the current one
and what an older copy does; ``gongshi mirror`` follows it — deltas from a kept release, the full current files
for a copy older than the oldest kept release. Real release-stage output (``keep_releases: 2``) in folders."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from generator.mirror import mirror, open_source
from generator.signing import SigningKey, generate
from tests.release.consumer import read_snapshot
from tests.release.scenario import Build, run_story


@pytest.fixture(scope="module")
def key() -> SigningKey:
    return generate()


@pytest.fixture(scope="module")
def story(tmp_path_factory: pytest.TempPathFactory, key: SigningKey) -> list[Build]:
    return run_story(tmp_path_factory.mktemp("horizon"), keep=2, builds=5, signer=key)


def releases(build: Build) -> dict:
    return json.loads((build.site / "data/releases.json").read_text(encoding="utf-8"))


def snapshot_of_copy(dest: Path) -> dict:
    found = {}
    for path in sorted((dest / "copy").glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").split("\n"):
            if line:
                record = json.loads(line)
                found[(path.stem, record["记录ID"])] = record
    return found


@pytest.mark.parametrize("n", range(5))
def test_releases_json_names_the_oldest_kept_release_and_the_full_files(story: list[Build], n: int) -> None:
    document = releases(story[n])
    kept = [r["id"] for r in document["releases"]]
    replay = document["replay"]
    assert replay["from"] == kept[0] and len(kept) == min(n + 1, 2)
    assert replay["full"] == f"data/releases/{document['current']}/"
    assert replay["full_url"] == document["base_url"] + replay["full"]
    assert kept[0] in replay["zh"] and document["current"] in replay["en"]


def test_a_copy_within_the_horizon_catches_up_by_deltas(
    story: list[Build], key: SigningKey, tmp_path: Path
) -> None:
    dest = tmp_path / "firm"
    assert mirror(open_source(str(story[0].site)), dest, key.public).mode == "resync"
    done = mirror(open_source(str(story[1].site)), dest, key.public)
    assert (done.mode, done.applied, done.check.problems) == ("deltas", ["2026-11-21"], [])
    assert snapshot_of_copy(dest) == read_snapshot(story[1].site / "data/latest")


def test_a_copy_older_than_the_horizon_downloads_the_current_files(
    story: list[Build], key: SigningKey, tmp_path: Path
) -> None:
    dest = tmp_path / "firm"
    mirror(open_source(str(story[0].site)), dest, key.public)
    kept = shutil.copytree(dest, tmp_path / "before")
    done = mirror(open_source(str(story[4].site)), dest, key.public)
    assert done.mode == "resync" and not done.failed
    [note] = [p for p in done.check.problems if p.code == "mirror-resync"]
    assert "2026-11-20" in note.message and releases(story[4])["replay"]["from"] in note.message
    assert snapshot_of_copy(dest) == read_snapshot(story[4].site / "data/latest")
    assert sum(c["deleted"] for c in done.changes.values()) > 0  # measured against the old copy
    assert kept.is_dir()


def test_an_unreadable_copy_is_downloaded_again(story: list[Build], key: SigningKey, tmp_path: Path) -> None:
    dest = tmp_path / "firm"
    mirror(open_source(str(story[0].site)), dest, key.public)
    (dest / "copy" / "mirror.json").write_text("{", encoding="utf-8")
    done = mirror(open_source(str(story[1].site)), dest, key.public)
    assert done.mode == "resync" and "mirror-copy-unreadable" in [p.code for p in done.check.problems]
    assert snapshot_of_copy(dest) == read_snapshot(story[1].site / "data/latest")
