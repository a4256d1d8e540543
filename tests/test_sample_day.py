"""``apply_day`` changes a catalog the way a credit office's working day does, and the real build agrees.

The effects are read from the real build's report (``build-report.json``: rows and withholding reasons per
dataset) and from the batch files through the project's loader, never from ``day.py``'s own bookkeeping beyond
the counts it was asked for.
"""

from __future__ import annotations

import random
import shutil
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from generator import paths
from generator.build import BuildOptions, build
from generator.catalog import load_catalog
from generator.inputs import read_inputs
from generator.model import FILE
from generator.sample.day import DayChanges, apply_day
from tests.conftest import AS_OF, DEMO_CATALOG

ASKED = {"new": 20, "corrections": 4, "list_exits": 2, "repairs": 3, "revocations": 2}  # as DayChanges.counts


def a_day(catalog: Path, seed: int) -> DayChanges:
    """The ``ASKED`` changes on the demo's as-of date."""
    return apply_day(
        catalog, AS_OF, random.Random(seed), new_records=ASKED["new"], corrections=ASKED["corrections"],
        list_exits=ASKED["list_exits"], repairs=ASKED["repairs"], revocations=ASKED["revocations"],
    )  # fmt: skip


def copy_of_demo(folder: Path) -> Path:
    shutil.copytree(DEMO_CATALOG, folder)
    return folder


def catalog_bytes(catalog: Path) -> dict[str, bytes]:
    return {
        p.relative_to(catalog).as_posix(): p.read_bytes() for p in sorted(catalog.rglob("*")) if p.is_file()
    }


def test_the_same_catalog_date_and_seed_give_byte_identical_changes(tmp_path: Path) -> None:
    one, two = copy_of_demo(tmp_path / "one"), copy_of_demo(tmp_path / "two")
    first, second = a_day(one, 5), a_day(two, 5)
    assert first == second
    assert catalog_bytes(one) == catalog_bytes(two)
    assert catalog_bytes(one) != catalog_bytes(DEMO_CATALOG)


def test_each_day_adds_batch_files_that_sort_after_every_earlier_batch_and_changes_nothing_else(
    tmp_path: Path,
) -> None:
    catalog = copy_of_demo(tmp_path / "catalog")
    before = catalog_bytes(catalog)
    days = [
        apply_day(catalog, AS_OF, random.Random(1), new_records=30),
        apply_day(catalog, AS_OF, random.Random(2), corrections=3),
        apply_day(catalog, AS_OF + timedelta(days=1), random.Random(3), new_records=30),
    ]
    after = catalog_bytes(catalog)
    made = [name for changes in days for name in changes.files]  # in the order the days made them
    assert set(after) - set(before) == set(made)  # new batch files only (no decisions were asked for)
    assert all(after[p] == before[p] for p in before)
    loaded, _ = load_catalog(catalog)
    assert loaded is not None
    for spec in loaded.datasets:  # the build reads batches oldest first by name: each day's file comes last
        mine = [name for name in made if name.split("/")[1] == spec.id]
        order = [f"{paths.DATASETS_DIR}/{spec.id}/{p.name}" for p in spec.batches]
        assert order[len(order) - len(mine) :] == mine
    assert made[0] == "datasets/inspections/2026_1120-01.csv"
    assert "datasets/penalties/2026_1120-02.csv" in days[1].files
    assert "datasets/penalties/2026_1121-01.csv" in days[2].files


def test_new_records_are_decided_in_the_last_seven_working_days_also_beyond_the_official_calendar(
    tmp_path: Path,
) -> None:
    catalog = copy_of_demo(tmp_path / "catalog")
    as_of = date(2027, 1, 4)  # chinese_calendar knows no 2027: Monday to Friday
    changes = apply_day(catalog, as_of, random.Random(9), new_records=40)
    inputs = read_inputs(catalog)
    assert inputs.valid is not None
    decided: set[str] = set()
    for name, table in inputs.valid.tables.items():
        new = table.frame[table.frame[FILE].isin(changes.files)]
        assert len(new) == len(changes.new.get(name, ()))
        if len(new):
            decided |= set(new[table.spec.schema.role("date") or ""])
    workdays = {
        "2026-12-24",
        "2026-12-25",
        "2026-12-28",
        "2026-12-29",
        "2026-12-30",
        "2026-12-31",
        "2027-01-01",
    }
    assert decided and decided <= workdays
    assert sum(len(v) for v in changes.new.values()) == 40


def report(result: Any) -> dict[str, Any]:
    assert result.swapped, [p.message for p in result.problems if p.level in ("fatal", "config")]
    summary: dict[str, Any] = result.summary
    return summary


def reason_totals(summary: dict[str, Any]) -> dict[str, int]:
    found: dict[str, int] = {}
    for entry in summary["datasets"].values():
        for reason, n in entry["reasons"].items():
            found[reason] = found.get(reason, 0) + n
    return found


@pytest.mark.slow
def test_after_a_day_the_real_build_withholds_exactly_the_repaired_revoked_corrected_and_delisted_records(
    tmp_path: Path,
) -> None:
    catalog = copy_of_demo(tmp_path / "catalog")
    before = report(build(BuildOptions(catalog, tmp_path / "before", AS_OF)))
    changes = a_day(catalog, 11)
    after = report(build(BuildOptions(catalog, tmp_path / "after", AS_OF)))
    assert changes.counts() == ASKED
    was, now = reason_totals(before), reason_totals(after)
    delta = {r: now.get(r, 0) - was.get(r, 0) for r in set(was) | set(now)}
    assert delta.pop("withheld:repaired") == ASKED["repairs"]
    assert delta.pop("withheld:revoked") == ASKED["revocations"]
    assert delta.pop("withheld:delisted") == ASKED["list_exits"]
    assert delta.pop("withheld:superseded") == ASKED["corrections"] + ASKED["list_exits"]
    rows = {k: after["totals"][k] - before["totals"][k] for k in after["totals"]}
    assert rows["rows"] == ASKED["new"] + ASKED["corrections"] + ASKED["list_exits"]
    assert rows["rejected"] == 0 and not any(r.startswith("rejected:") for r, n in delta.items() if n)
    touched = ASKED["repairs"] + ASKED["revocations"] + ASKED["list_exits"]
    # every new record is published or withheld for a reason of its own (警告 only, 简易程序 …)
    assert rows["published"] + sum(delta.values()) == ASKED["new"] - touched
    assert (
        after["problem_counts"] == before["problem_counts"]
    )  # every decision names a record; no new warning


@pytest.mark.slow
def test_a_day_repairs_broken_commitments_and_revokes_grades_too_and_the_build_withdraws_them(
    tmp_path: Path,
) -> None:
    catalog = copy_of_demo(tmp_path / "catalog")
    changes = apply_day(catalog, AS_OF, random.Random(3), repairs=10_000, revocations=10_000)
    assert changes.repairs.get("fulfilment") and changes.revocations.get("evaluations")
    site = tmp_path / "out" / paths.SITE_DIR
    after = report(build(BuildOptions(catalog, tmp_path / "out", AS_OF)))
    withdrawn = [*changes.repairs["fulfilment"], *changes.revocations["evaluations"]]
    assert not [rid for rid in withdrawn if (site / "r" / rid[:2] / f"{rid}.html").exists()]
    reasons = {d: e["reasons"] for d, e in after["datasets"].items()}
    assert reasons["fulfilment"]["withheld:repaired"] >= len(changes.repairs["fulfilment"])
    assert reasons["evaluations"]["withheld:revoked"] == len(changes.revocations["evaluations"])
