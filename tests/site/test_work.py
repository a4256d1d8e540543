"""The bulk-page writer: what a page task may create on disk."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from generator.site.bulk import plan, run
from generator.site.shell import Shell
from generator.site.subjects import find_subjects
from generator.site.view import dataset_views, measure_links
from generator.site.work import BulkData
from tests.site.conftest import publication


def record_task_data(site: Path) -> tuple[BulkData, tuple[str, int, int, int]]:
    views, _ = dataset_views(publication().tables)
    data = BulkData(site, "https://x.example/", views, find_subjects(views), measure_links(views))
    data = dataclasses.replace(data, shell=Shell(("<p>", "GSXBODYX", "</p>")))
    return data, next(task for task in plan(data) if task[0] == "record")


def test_a_page_task_writes_its_pages_below_the_staging_site(tmp_path: Path) -> None:
    site = tmp_path / ".staging-1" / "site"
    site.mkdir(parents=True)
    data, task = record_task_data(site)
    written = run(data, task)
    assert written
    assert all((site / w.path).is_file() for w in written)


def test_a_page_task_outliving_its_build_does_not_recreate_the_discarded_staging_folder(
    tmp_path: Path,
) -> None:
    staging = tmp_path / ".staging-1"
    (staging / "site").mkdir(parents=True)
    data, task = record_task_data(staging / "site")
    staging.rename(tmp_path / ".trash-1")  # the failed build discarded it while a worker still ran this task
    with pytest.raises(FileNotFoundError):
        run(data, task)
    assert not staging.exists()
    assert list((tmp_path / ".trash-1").rglob("*.html")) == []
