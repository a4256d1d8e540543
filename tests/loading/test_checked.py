"""Issue 16, table stages: batch files read and validated on a Dask cluster, one task per file, give what the
build's own process gives — the stages' results, the problems, and the batch cache the next build reads, to the
byte — through random catalogs and changes (files rewritten, added, removed, emptied: their cached rows then
stand in, read on a worker from the previous state).

A real ``LocalCluster`` of two worker processes on loopback, shared by the module.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator import paths
from generator.cluster import Cluster, OnCluster
from generator.inputs import Batches, read_batches
from generator.loading import PreviousCache, write_cache
from tests.loading.test_cache import (
    BASE,
    assert_same_batches,
    catalog_of,
    catalogs,
    change,
    csv_bytes,
    materialise,
    swap_state,
)

pytestmark = pytest.mark.slow


def on_cluster(cluster: Cluster, staging: Path, root: Path, state: Path, keep: bool = True) -> Batches:
    """The build's way with a cluster: the new cache spooled into a staging state, the tasks' files beside."""
    spool = staging / paths.STATE_DIR / paths.BATCH_CACHE_DIR
    on = OnCluster(cluster, staging / paths.CLUSTER_DIR)
    return read_batches(catalog_of(root), PreviousCache.open(state), keep, spool if keep else None, on)


def cache_files(folder: Path) -> dict[str, object]:
    """A written cache's files: their bytes, but an outcome's valid rows as their table (its Arrow file, written
    from one file's rows on a worker or from a slice of the dataset's rows here, holds the same table in other
    buffers)."""
    return {
        p.name: _table(p) if p.name.endswith(".valid.arrow") else p.read_bytes()
        for p in sorted((folder / paths.BATCH_CACHE_DIR).iterdir())
    }


def _table(path: Path) -> pa.Table:
    with pa.OSFile(str(path)) as source, pa.ipc.open_file(source) as f:
        return f.read_all()


def assert_same_cache(here: Batches, there: Batches, tmp: Path) -> None:
    """Both caches written out hold the same files, index included, with the same bytes (same rows)."""
    write_cache(tmp / "here", here.cache)
    write_cache(tmp / "there", there.cache)
    assert cache_files(tmp / "there") == cache_files(tmp / "here")


@pytest.mark.filterwarnings(  # as in test_cache: the strict reader reads a GB18030 ragged file
    "ignore:Exception ignored in. <function _arrow_csv"
)
@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(first=catalogs(), data=st.data())
def test_files_read_on_a_cluster_give_the_same_batches_and_cache_as_one_process_through_changes(
    cluster: Cluster, first: dict[str, bytes], data: st.DataObject
) -> None:
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        root, state, files = tmp / "catalog", tmp / "state", dict(first)
        for step in range(3):
            if step:
                change(data.draw, files)
            materialise(root, files)
            here = read_batches(catalog_of(root), PreviousCache.open(state))
            there = on_cluster(cluster, tmp / f"staging{step}", root, state)
            assert_same_batches(here, there)
            assert there.cache.fresh == {}  # every entry file the workers encoded went to the spool
            assert_same_cache(here, there, tmp / f"written{step}")
            swap_state(state, here.cache)


def test_without_a_cache_the_workers_outcomes_are_handed_back_and_removed(
    cluster: Cluster, tmp_path: Path
) -> None:
    root = tmp_path / "catalog"
    materialise(root, _three_files())
    here = read_batches(catalog_of(root), PreviousCache(), keep=False)
    there = on_cluster(cluster, tmp_path / "staging", root, tmp_path / "none", keep=False)
    assert_same_batches(here, there)
    assert there.cache.entries == {} and there.cache.spooled == set()
    assert list((tmp_path / "staging" / paths.CLUSTER_DIR).iterdir()) == []  # task and outcome files gone
    assert not (tmp_path / "staging" / paths.STATE_DIR).exists()


def _three_files() -> dict[str, bytes]:
    """Three one-row files in two datasets, one of them with a ragged row (a load problem)."""
    return {
        f"{paths.DATASETS_DIR}/{dataset}/2024-0{n}.csv": csv_bytes(
            [{**BASE, "CF_WSH": f"临市监处罚〔2024〕{n}号"}], "utf-8", False, n == 2
        )
        for n, dataset in ((1, "penalties"), (2, "penalties"), (3, "fines"))
    }
