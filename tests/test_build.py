"""The whole build: every row accounted for, reproducible output, atomic swap, --strict.

Killed, racing and failing builds: test_build_kill.py, test_build_lock.py, test_build_faults.py."""

from __future__ import annotations

import gc
import json
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import openpyxl
import pandas as pd
import pytest

from generator import paths
from generator.build import STAGES, BuildOptions, build
from generator.collector import THRESHOLDS as GC_THRESHOLDS
from generator.loading.csvfile import decode
from generator.model import Table
from generator.site.view import DatasetView
from tests.buildproc import catalog_with_an_empty_batch_file_only, tree_digest
from tests.conftest import AS_OF, DEMO_CATALOG, run_build

T = TypeVar("T")


def count_input_rows(catalog: Path) -> int:
    """Data rows in every batch file, counted independently of the loader (CSV lines / XLSX rows)."""
    total = 0
    for path in sorted((catalog / "datasets").glob("*/*")):
        if path.suffix == ".csv":
            text = decode(path.read_bytes())
            assert text is not None, path
            total += len(pd.read_csv(pd.io.common.StringIO(text), dtype=str, keep_default_na=False))
        elif path.suffix == ".xlsx":
            sheet = openpyxl.load_workbook(path, read_only=True).worksheets[0]
            total += sum(
                1 for row in sheet.iter_rows(min_row=2, values_only=True) if any(v is not None for v in row)
            )
    return total


@pytest.mark.slow
def test_every_input_row_has_exactly_one_fate_and_counts_add_up(
    sample_build: Path, sample_catalog: Path
) -> None:
    report = json.loads((sample_build / "report" / "build-report.json").read_text(encoding="utf-8"))
    ledger = pd.read_parquet(sample_build / "report" / "ledger.parquet")
    totals = report["totals"]
    assert totals["rows"] == totals["published"] + totals["withheld"] + totals["rejected"]
    assert totals["rows"] == len(ledger) == count_input_rows(sample_catalog)
    assert not ledger.duplicated(["_file", "_row"]).any()
    assert totals["rejected"] > 0 and totals["withheld"] > 0
    rejected = ledger[ledger["fate"] == "rejected"]
    assert (rejected["message"] != "").all() and (rejected["reason"] != "").all()
    assert (ledger.loc[ledger["fate"] == "withheld", "reason"] != "").all()
    assert sum(d["rows"] for d in report["datasets"].values()) == totals["rows"]


@pytest.mark.slow
def test_report_is_strict_json_and_rejections_are_attributed_to_departments(sample_build: Path) -> None:
    def no_nan(value: str) -> None:
        raise AssertionError(f"not JSON: {value}")

    text = (sample_build / "report" / "build-report.json").read_text(encoding="utf-8")
    report = json.loads(text, parse_constant=no_nan)
    departments = report["departments"]
    assert sum(d["submitted"] - d["accepted"] for d in departments) == report["totals"]["rejected"]
    named = [d for d in departments if d["department"] and d["submitted"] > d["accepted"]]
    assert named and all(0 <= d["合规率"] < 1 for d in named)


@pytest.mark.slow
def test_same_catalog_and_as_of_give_byte_identical_output(demo_build: Path, tmp_path: Path) -> None:
    again = run_build(DEMO_CATALOG, tmp_path / "published")
    assert tree_digest(again / "site") == tree_digest(demo_build / "site")


@pytest.mark.slow
def test_rebuilding_unchanged_input_in_place_changes_nothing(tmp_path: Path) -> None:
    out = run_build(DEMO_CATALOG, tmp_path / "published")
    before = tree_digest(out / "site")
    (
        out / paths.STATE_DIR / paths.BUILD_MEMORY_FILE
    ).unlink()  # a real build, not the unchanged-inputs shortcut
    run_build(DEMO_CATALOG, out)
    assert tree_digest(out / "site") == before


@pytest.mark.slow
def test_broken_configuration_leaves_the_previous_site_untouched(demo_build: Path, tmp_path: Path) -> None:
    out = tmp_path / "published"
    shutil.copytree(demo_build, out)
    before = tree_digest(out / "site")
    broken = tmp_path / "catalog"
    shutil.copytree(DEMO_CATALOG, broken)
    (broken / "portal.yaml").write_text("name: [\n", encoding="utf-8")
    result = build(BuildOptions(catalog=broken, out=out, as_of=AS_OF))
    assert not result.config_ok and not result.swapped
    assert tree_digest(out / "site") == before


@pytest.mark.slow
def test_strict_build_with_rejected_rows_fails_and_keeps_the_site(demo_build: Path, tmp_path: Path) -> None:
    out = tmp_path / "published"
    shutil.copytree(demo_build, out)
    before = tree_digest(out / "site")
    cmd = [sys.executable, "-m", "generator.cli", "build", "--catalog", str(DEMO_CATALOG), "--out", str(out)]
    done = subprocess.run([*cmd, "--as-of", "2026-11-22", "--strict"], capture_output=True, text=True)
    assert done.returncode == 1, done.stderr
    assert tree_digest(out / "site") == before
    assert "退回" in done.stderr


@pytest.mark.slow
def test_strict_build_with_an_error_level_problem_but_no_rejected_row_fails_and_keeps_the_site(
    demo_build: Path, tmp_path: Path
) -> None:
    out = tmp_path / "published"
    shutil.copytree(demo_build, out)
    before = tree_digest(out / "site")
    catalog = catalog_with_an_empty_batch_file_only(tmp_path / "catalog")
    cmd = [sys.executable, "-m", "generator.cli", "build", "--catalog", str(catalog), "--out", str(out)]
    done = subprocess.run([*cmd, "--as-of", "2026-11-22", "--strict"], capture_output=True, text=True)
    assert done.returncode == 1, done.stderr
    assert "退回 0" in done.stderr and "load-empty-file" in done.stderr
    assert tree_digest(out / "site") == before


def test_the_build_collects_garbage_less_often_while_it_runs_and_restores_the_thresholds_after(
    tmp_path: Path,
) -> None:
    broken = tmp_path / "catalog"  # a build that stops at its configuration: the shortest one with a stage
    shutil.copytree(DEMO_CATALOG, broken)
    (broken / "portal.yaml").write_text("name: [\n", encoding="utf-8")
    before, during = gc.get_threshold(), []
    result = build(
        BuildOptions(catalog=broken, out=tmp_path / "published", as_of=AS_OF),
        lambda _: during.append(gc.get_threshold()),
    )
    assert not result.config_ok and during and set(during) == {GC_THRESHOLDS} != {before}
    assert gc.get_threshold() == before


@pytest.mark.slow
def test_the_reports_counts_per_file_and_dataset_are_the_ledgers(sample_build: Path) -> None:
    """Each file's and dataset's rows, fates and reasons in build-report.json, recounted here row by row."""
    report = json.loads((sample_build / "report" / "build-report.json").read_text(encoding="utf-8"))
    ledger = pd.read_parquet(sample_build / "report" / "ledger.parquet")
    for key, column in (("files", "_file"), ("datasets", "dataset")):
        expected: dict[str, dict[str, Any]] = {}
        for name, fate, reason in zip(ledger[column], ledger["fate"], ledger["reason"], strict=True):
            entry = expected.setdefault(str(name), {"rows": 0, "published": 0, "withheld": 0, "rejected": 0})
            entry["rows"] += 1
            entry[fate] += 1
            if fate != "published":
                reasons = entry.setdefault("reasons", {})
                reasons[f"{fate}:{reason}"] = reasons.get(f"{fate}:{reason}", 0) + 1
        for entry in expected.values():
            entry.setdefault("reasons", {})
        assert report[key] == expected and list(report[key]) == sorted(expected)


def held_at_each_stage(out: Path, count: Callable[[list[object]], T]) -> dict[str, T]:
    """Build the demo into ``out`` (one process); ``count(made)`` as each stage starts, by checkpoint name, where
    ``made`` is the objects alive then that were not before the build (the suite's other tests may hold tables,
    views or ledgers of their own in this process)."""
    names = {line: name for name, line in STAGES.items()}
    held: dict[str, T] = {}
    gc.collect()
    before = gc.get_objects()  # held, so that no new object can take one of their ids
    known = {id(o) for o in before}

    def progress(message: str) -> None:
        gc.collect()
        held[names[message]] = count([o for o in gc.get_objects() if id(o) not in known])

    result = build(BuildOptions(catalog=DEMO_CATALOG, out=out, as_of=AS_OF, jobs=1), progress)
    assert result.swapped
    del before
    return held


def alive(kind: type) -> Callable[[list[object]], int]:
    return lambda made: sum(isinstance(o, kind) for o in made)


def test_the_site_views_are_let_go_once_the_search_index_is_written(tmp_path: Path) -> None:
    """The views (the largest thing the build holds by then) are alive while the site and search stages read
    them and gone when the later stages start: nothing after reads them."""
    held = held_at_each_stage(tmp_path / "published", alive(DatasetView))
    assert held["search"] > 0, "the search stage reads the views"
    assert held["precompress"] == held["report"] == 0


def test_the_public_tables_are_let_go_once_their_views_are_made(tmp_path: Path) -> None:
    """The packs, release and site stages read the public tables; once the site's views are made (their text
    copies) no stage does, and the build holds none of them from the search stage on."""
    held = held_at_each_stage(tmp_path / "published", alive(Table))
    assert held["packs"] == held["release"] == held["site"] > 0
    assert held["search"] == held["precompress"] == held["report"] == held["swap"] == 0


def test_the_ledger_is_written_before_the_site_stage_and_only_its_counts_are_kept(tmp_path: Path) -> None:
    """Every input row's fate is known once the releases are made: the report's ledger is on disk (in the
    staging folder) when the site stage starts, the very file that is published, and the build holds no
    ledger rows from then on."""
    out = tmp_path / "published"

    def ledger(made: list[object]) -> tuple[int, bytes]:
        rows = sum(len(o) for o in made if isinstance(o, pd.DataFrame) and "fate" in o.columns)
        staged = list(out.glob(f".staging*/{paths.REPORT_DIR}/{paths.LEDGER_FILE}"))
        return rows, staged[0].read_bytes() if staged else b""

    held = held_at_each_stage(out, ledger)
    assert held["release"][0] > 0, "the rules' ledger is what the releases' withdrawals come from"
    assert held["release"][1] == b"", "written in the release stage, not before"
    assert held["site"][1] == (out / paths.REPORT_DIR / paths.LEDGER_FILE).read_bytes()
    assert [held[name][0] for name in ("site", "search", "precompress", "report", "swap")] == [0] * 5
    report = json.loads((out / paths.REPORT_DIR / paths.BUILD_REPORT_JSON).read_text(encoding="utf-8"))
    assert report["totals"]["rows"] == len(pd.read_parquet(out / paths.REPORT_DIR / paths.LEDGER_FILE)) > 0
