"""The search index written by tasks on a Dask cluster is the one the build's process writes alone, and links
what the previous site has (``generator.search._tasks``)."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from generator.cluster import OnCluster
from generator.outputs import Outputs
from generator.search import _postings, _tasks, build_search_index
from generator.sitefiles import Previous
from tests.buildproc import tree_digest
from tests.search.synth import synth_subjects

GRADES = ("good\t信用等级 诚信（A 级）", "bad\t信用等级 较差（D 级）")


def _subjects(count: int) -> pd.DataFrame:
    """Synthetic subjects with facts: lists, grade badges (two of them on one subject) and counts."""
    frame = synth_subjects(count)
    n = range(len(frame))
    return frame.assign(
        lists=["punishment" if i % 7 == 0 else "" for i in n],
        grades=[GRADES[i % 2] if i % 5 == 0 else "\n".join(GRADES) if i % 11 == 0 else "" for i in n],
        penalty=[i % 3 for i in n],
        licensing=[i % 4 for i in n],
    )


def _refuse(*_: Any) -> Any:
    raise AssertionError("the build's own process must not do a task's work")


@pytest.mark.slow
@pytest.mark.parametrize(
    ("subjects", "part", "bucket_occurrences", "chunk_subjects"),
    [
        (30_000, 7_000, 20_000, 1_000),  # several parts (the last one short), many buckets, many chunk tasks
        (2_000, 300, 100, 64),  # more buckets than shards: a shard task reads several buckets
        (1, 100_000, 500_000, 50_000),  # one subject: one part, one bucket, one shard, one chunk
        (0, 100_000, 500_000, 50_000),  # nobody: no part, no shard, no chunk
    ],
)
def test_an_index_written_by_tasks_is_byte_identical_to_the_build_process_writing_it_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cluster: Any,
    subjects: int, part: int, bucket_occurrences: int, chunk_subjects: int,
) -> None:  # fmt: skip
    frame = _subjects(subjects)
    monkeypatch.setattr(_postings, "STOP_MIN", 40)  # bigrams common enough to stop, at this size
    build_search_index(frame, tmp_path / "alone")
    alone = tree_digest(tmp_path / "alone")
    monkeypatch.setattr(_tasks, "PART", part)
    monkeypatch.setattr(_tasks, "BUCKET_OCCURRENCES", bucket_occurrences)
    monkeypatch.setattr(_tasks, "CHUNK_SUBJECTS", chunk_subjects)
    monkeypatch.setattr(_tasks, "FOLD", 2)  # the parts' counts summed as they come back, two at a time
    for work in ("occurrences", "encode", "chunk_files"):  # in this process only: the workers must do it
        monkeypatch.setattr(_tasks, work, _refuse)
    folder = tmp_path / "tasks"
    build_search_index(frame, tmp_path / "tasks-site", on=OnCluster(cluster, folder))
    assert tree_digest(tmp_path / "tasks-site") == alone
    meta = tmp_path / "alone" / "search-index" / "meta.json"
    stop = set(json.loads(meta.read_text(encoding="utf-8"))["stop"]) if subjects else set()
    assert subjects < 30_000 or len(stop - _postings.STOP_ALWAYS) > 20  # stopped for being common, too
    assert list(folder.iterdir()) == []  # the part files and the tasks' files are gone


@pytest.mark.slow
def test_tasks_link_the_files_the_previous_site_has_and_write_only_those_that_changed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cluster: Any
) -> None:
    monkeypatch.setattr(_tasks, "PART", 3_000)
    monkeypatch.setattr(_tasks, "CHUNK_SUBJECTS", 500)
    frame = _subjects(10_000)
    first = Outputs(tmp_path / "first")
    on = OnCluster(cluster, tmp_path / "tasks")
    build_search_index(frame, first.site, first, on)
    previous = Previous(first.site, first.seal(), trusted=True)
    changed = frame.copy()
    changed.loc[4321, "records"] = 99  # one subject's count: its chunk changes, no shard does
    second = Outputs(tmp_path / "second", previous)
    build_search_index(changed, second.site, second, on)
    second.seal()
    before, after = tree_digest(first.site), tree_digest(second.site)
    assert after.keys() == before.keys()
    differ = {rel for rel in after if after[rel] != before[rel]}
    assert len(differ) == 1 and differ.pop().startswith("search-index/d/")
    for rel in after:
        same_file = os.stat(first.site / rel).st_ino == os.stat(second.site / rel).st_ino
        assert same_file == (after[rel] == before[rel]), rel
    assert second.counts()["written"] == 1
