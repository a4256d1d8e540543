"""Delta reasons through the real build (issue 14, item 1): a repair, a revocation, a delisting and expiries
between two builds of the demo catalog each give a DEL line with its reason and effective date — nothing else
of the record — and the lines of older deltas purged for them say the same."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from frictionless import validate

from generator.release.reasons import REASONS
from tests.release.demo_story import (
    DELISTED_ON,
    FIRST,
    REPAIRED_ON,
    REVOKED_ON,
    SECOND,
    Story,
    delta_lines,
    first_build,
    second_build,
)


@pytest.fixture(scope="module")
def story(tmp_path_factory: pytest.TempPathFactory) -> Story:
    return second_build(first_build(tmp_path_factory.mktemp("reasons")))


@pytest.fixture(scope="module")
def deleted(story: Story) -> dict[str, dict[str, object]]:
    return {str(c["记录ID"]): c for c in delta_lines(story.out, SECOND.isoformat()) if c["op"] == "DEL"}


def test_a_repaired_penalty_is_deleted_as_repaired_since_its_decision(story: Story, deleted: dict) -> None:
    assert deleted[story.repaired] == {"op": "DEL", "dataset": "penalties", "记录ID": story.repaired,
                                       "reason": "repaired", "since": REPAIRED_ON}  # fmt: skip


def test_a_revoked_licence_is_deleted_as_revoked_since_its_decision(story: Story, deleted: dict) -> None:
    assert deleted[story.revoked] == {"op": "DEL", "dataset": "licences", "记录ID": story.revoked,
                                      "reason": "revoked", "since": REVOKED_ON}  # fmt: skip


def test_a_delisted_entry_is_deleted_as_delisted_since_its_removal(story: Story, deleted: dict) -> None:
    assert deleted[story.delisted] == {"op": "DEL", "dataset": "list-punishment", "记录ID": story.delisted,
                                       "reason": "delisted", "since": DELISTED_ON}  # fmt: skip


def test_expired_records_are_deleted_as_expired_since_their_first_day_gone(deleted: dict) -> None:
    expired = [c for c in deleted.values() if c["reason"] == "expired"]
    assert expired, "penalties whose period ended between the builds"
    assert all(FIRST.isoformat() < str(c["since"]) <= SECOND.isoformat() for c in expired)


def test_every_delete_line_has_only_id_dataset_reason_and_since(deleted: dict) -> None:
    for change in deleted.values():
        assert set(change) == {"op", "dataset", "记录ID", "reason", "since"}
        assert change["reason"] in REASONS and str(change["since"]) <= SECOND.isoformat()


def test_older_delta_lines_purged_for_a_withdrawal_carry_its_reason_and_since(
    story: Story, deleted: dict
) -> None:
    purged = {str(c["记录ID"]): c for c in delta_lines(story.out, FIRST.isoformat()) if c.get("purged")}
    assert set(purged) == set(deleted)
    for rid, change in purged.items():
        assert "record" not in change
        assert (change["reason"], change["since"]) == (deleted[rid]["reason"], deleted[rid]["since"])


@pytest.mark.parametrize("release", [FIRST.isoformat(), SECOND.isoformat()])
def test_each_release_delta_package_passes_frictionless_validate(story: Story, release: str) -> None:
    package = story.out / "site" / "data" / "releases" / release / "datapackage.json"
    report = validate(str(package))
    assert report.valid, [e.message for task in report.tasks for e in task.errors][:5]
    assert report.stats["tasks"] == 1


def test_the_report_of_the_second_build_kept_no_withdrawn_record_public(story: Story) -> None:
    latest = story.out / "site" / "data" / "latest"
    text = "".join(p.read_text(encoding="utf-8") for p in Path(latest).glob("*/*.jsonl"))
    assert story.repaired not in text and story.revoked not in text and story.delisted not in text


def test_each_release_delta_package_is_valid_data_package_v2(story: Story) -> None:
    profile = Path(__file__).resolve().parents[1] / "fixtures" / "datapackage_v2" / "datapackage-2.0.json"
    validator = jsonschema.Draft7Validator(json.loads(profile.read_text(encoding="utf-8")))
    for release in (FIRST.isoformat(), SECOND.isoformat()):
        package = story.out / "site" / "data" / "releases" / release / "datapackage.json"
        descriptor = json.loads(package.read_text(encoding="utf-8"))
        assert [e.message for e in validator.iter_errors(descriptor)] == [], package
        assert [r["type"] for r in descriptor["resources"]] == ["table"] and descriptor["id"]
