"""A page task on its own data (``generator.site.slices``) writes what it writes on the whole data.

Real renders into real folders, in this process: a first render whose digest map and page units are the
previous build's; then a changed publication rendered task by task twice — on the whole data, and on each
task's own slice of it — into two fresh folders.
"""

from __future__ import annotations

import pickle
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from generator.cluster.files import _call, _trim, spill
from generator.model import Publication
from generator.outputs import Outputs
from generator.site import bulk, listings, months, shuffle, urls
from generator.site.bulk import Task, plan, render_bulk, run, task_rows
from generator.site.payloads import KEPT_WHOLE, Payload, common, share
from generator.site.shell import Shell
from generator.site.shuffle import Gather, Part, sort_part
from generator.site.slices import PreviousPaths, payload
from generator.site.subjects import find_subjects
from generator.site.units import PageUnits, Units, plan_units
from generator.site.view import measure_links
from generator.site.work import BulkData
from generator.sitefiles import Previous
from generator.written import Written
from tests.buildproc import tree_digest
from tests.site.conftest import publication
from tests.site.credit_tables import credit_tables, views_of
from tests.site.test_day_pages import long_month
from tests.site.test_units import changed_fact

SHELL = Shell(("<p>", "GSXBODYX", "</p>"))


def small_pages(patch: pytest.MonkeyPatch) -> None:
    """Two rows a month page and one entry a list page, so that the fixture's months are paged by day and by
    department, and its lists have many pages."""
    patch.setattr(months, "PAGE_SIZE", 2)
    patch.setattr(listings, "LIST_PAGE_SIZE", 1)


@pytest.fixture(autouse=True)
def small_tasks(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tasks of two records or subjects, one month, two pages of a month of more than three records, or one
    list page each, so that the fixture's views make many (a task's pages link to those of other tasks: newer
    and older months and days, a month's departments, a list's other pages)."""
    small_pages(monkeypatch)
    monkeypatch.setattr(bulk, "CHUNK", 2)
    monkeypatch.setattr(bulk, "MONTH_CHUNK", 1)
    monkeypatch.setattr(bulk, "LIST_PAGES", 1)
    monkeypatch.setattr(bulk, "TASK_ROWS", 3)
    monkeypatch.setattr(months, "PIECE_PAGES", 2)
    monkeypatch.setattr(shuffle, "PART_ROWS", 3)  # a subject's records in several parts of a view


def bulk_data(pub: Publication, site: Path, previous: Previous, units: PageUnits) -> tuple[BulkData, Units]:
    """The bulk data ``render_site`` makes of ``pub`` (the credit kinds' tables added), planned against a
    previous render."""
    views = views_of(pub.tables | credit_tables())
    data = BulkData(
        site, "https://x.example.cn/", views, find_subjects(views), measure_links(views), shell=SHELL
    )
    data.previous, keyed = previous, Units(units)
    data.fresh = plan_units(data, SHELL, keyed)
    site.mkdir(parents=True)
    return data, keyed


@pytest.fixture(scope="module")
def before(tmp_path_factory: pytest.TempPathFactory) -> tuple[Previous, PageUnits]:
    site = tmp_path_factory.mktemp("slices") / "site"
    data, units = bulk_data(publication(), site, Previous(), PageUnits())
    outputs = Outputs(site)
    with pytest.MonkeyPatch.context() as patch:
        small_pages(patch)  # (as the tests have them)
        render_bulk(data, 1, outputs)
    assert units.current is not None
    return Previous(site, outputs.seal(), trusted=True), units.current


def summary(written: list[Written]) -> list[tuple[str, str, int, bool, bool]]:
    return sorted((w.path, w.digest, w.size, w.linked, w.unmade) for w in written)


@pytest.mark.parametrize("shared", [False, True], ids=["rows-carried", "rows-read-from-shared-views"])
def test_every_task_writes_the_same_pages_from_its_own_data(
    before: tuple[Previous, PageUnits], tmp_path: Path, shared: bool
) -> None:
    pub, changed = changed_fact(publication())
    whole, _ = bulk_data(pub, tmp_path / "whole", *before)
    sliced, _ = bulk_data(pub, tmp_path / "sliced", *before)
    index = PreviousPaths(sliced.previous)
    files = share(sliced.views, tmp_path / "views", sliced.subjects) if shared else None
    on_whole = [w for task in plan(whole) for w in run(whole, task)]
    on_slices = [w for task in plan(sliced) for w in run(*payload(sliced, task, index, files).opened())]
    assert summary(on_slices) == summary(on_whole)
    assert tree_digest(tmp_path / "sliced") == tree_digest(tmp_path / "whole")
    unmade = {w.path for w in on_slices if w.unmade}
    assert urls.record_page(changed) not in unmade
    assert {w.path for w in on_slices} - unmade - {urls.record_page(changed)}, "a unit rendered besides"
    assert len(unmade) > len(on_slices) / 2, "most units carried, as on the whole data"
    for kind in ("month", "list"):
        views = [t[1] for t in plan(whole) if t[0] == kind]
        assert len(views) > len(set(views)), f"a view's {kind} pages in several tasks"
    pieces = [t[1:3] for t in plan(whole) if t[0] == "piece"]
    assert len(pieces) > len(set(pieces)), "a month's pages in several tasks"


def test_a_task_through_its_file_names_what_every_task_holds_and_writes_the_same_pages(
    before: tuple[Previous, PageUnits], tmp_path: Path
) -> None:
    """As on a worker (``cluster.files._call``): each payload's file names the specs, the shell and the views kept
    whole, pickled once beside (``slices.common``), instead of copying them."""
    pub, _ = changed_fact(publication())
    whole, _ = bulk_data(pub, tmp_path / "whole", *before)
    sliced, _ = bulk_data(pub, tmp_path / "sliced", *before)
    index, folder = PreviousPaths(sliced.previous), tmp_path / "files"
    files, alike = share(sliced.views, folder, sliced.subjects), common(sliced, folder)
    on_whole = [w for task in plan(whole) for w in run(whole, task)]
    on_slices, sizes = [], []
    for task in plan(sliced):
        item = payload(sliced, task, index, files)
        file = spill(item, folder, alike)
        sizes.append((file.stat().st_size, len(pickle.dumps(item))))
        on_slices += pickle.loads(_call(bulk._run_payload, str(file)))
    _trim()  # as a worker does after a map: the common objects it read let go
    assert summary(on_slices) == summary(on_whole)
    assert tree_digest(tmp_path / "sliced") == tree_digest(tmp_path / "whole")
    assert all(named < whole_size for named, whole_size in sizes)
    assert sum(named for named, _ in sizes) * 3 < sum(whole_size for _, whole_size in sizes)


@pytest.mark.parametrize("pub", [publication, long_month], ids=["fixture", "a-long-month"])
def test_the_pieces_of_a_long_month_render_what_the_whole_month_renders(
    tmp_path: Path, pub: Callable[[], Publication]
) -> None:
    whole, _ = bulk_data(pub(), tmp_path / "whole", Previous(), PageUnits())
    sliced, _ = bulk_data(pub(), tmp_path / "sliced", Previous(), PageUnits())
    index = PreviousPaths(sliced.previous)
    pieces = [task for task in plan(sliced) if task[0] == "piece"]
    assert len(pieces) > 2
    on_whole = [w for task in pieces for w in run(whole, task)]
    on_slices = [w for task in pieces for w in run(*payload(sliced, task, index).opened())]
    assert summary(on_slices) == summary(on_whole)
    assert tree_digest(tmp_path / "sliced") == tree_digest(tmp_path / "whole")
    for task in pieces:
        assert rows_held(payload(sliced, task, index).opened()[0]) <= months.PIECE_PAGES * months.PAGE_SIZE
    month = {(t[1], t[2]) for t in pieces}
    whole_months = [w.path for vi, i in month for w in run(whole, ("month", vi, i, i + 1))]
    assert sorted(w.path for w in on_whole) == sorted(whole_months), "the pieces are the month's pages"


def rows_held(data: BulkData) -> int:
    return sum(len(v.frame) for v in data.views if v.kind not in KEPT_WHOLE)


@pytest.mark.parametrize("kind", ["record", "month", "piece", "subject", "dept", "list"])
def test_a_task_holds_only_the_rows_it_renders(
    before: tuple[Previous, PageUnits], tmp_path: Path, kind: str
) -> None:
    data, _ = bulk_data(publication(), tmp_path / "site", *before)
    index = PreviousPaths(data.previous)
    tasks: list[Task] = [task for task in plan(data) if task[0] == kind]
    assert tasks
    files, gathers = share(data.views, tmp_path / "views", data.subjects), []
    for task in tasks:
        named = task_rows(data, task).items()
        expected = sum(rows.size() for vi, rows in named if data.views[vi].kind not in KEPT_WHOLE)
        for sent in (payload(data, task, index), payload(data, task, index, files)):
            mine, _ = sent.opened()
            assert rows_held(mine) == expected
            assert rows_held(mine) < rows_held(data)
            assert 0 < len(mine.previous.files) < len(data.previous.files)
        travelling = payload(data, task, index, files)
        assert rows_held(travelling.data) == 0, "a shared view's rows are read by the worker, not carried"
        read = [rows for taken in travelling.taken.values() for rows in rows_read(taken)]
        assert sum(len(rows) for rows in read) == expected
        if kind in ("record", "list", "subject"):  # read as one run of each file: the pages a worker maps
            assert all(
                np.array_equal(rows, np.arange(rows[0], rows[0] + len(rows))) for rows in read if len(rows)
            )
        gathers += [taken for taken in travelling.taken.values() if isinstance(taken, Gather)]
    if kind == "subject":  # from the shuffle's files, some subjects' rows of a view from several parts
        assert gathers and max(len(gather.pieces) for gather in gathers) > 1


def rows_read(taken: tuple[str, np.ndarray] | Gather) -> list[np.ndarray]:
    """The rows a payload reads of each file it names."""
    if isinstance(taken, Gather):
        return [np.arange(a, b) for _, a, b in taken.pieces]
    return [taken[1]]


def test_every_sliced_view_is_shared_and_reads_back_as_the_same_frame(
    before: tuple[Previous, PageUnits], tmp_path: Path
) -> None:
    data, _ = bulk_data(publication(), tmp_path / "site", *before)
    shared = share(data.views, tmp_path / "views", data.subjects)
    assert set(shared.files) == {vi for vi, v in enumerate(data.views) if v.kind not in KEPT_WHOLE}
    for vi, file in shared.files.items():
        frame = data.views[vi].frame
        rows = np.arange(len(frame))[::-1][::2].copy()  # out of order, every other row
        back = Payload(data, ("record", vi, 0, 0), {vi: (file, rows)}).opened()[0].views[vi].frame
        pd.testing.assert_frame_equal(back, frame.take(rows).reset_index(drop=True), check_exact=True)
    subjects = data.subjects
    assert set(shared.by_subject) == set(np.unique(subjects.view).tolist()) & set(shared.files)
    assert max(len(s.files) for s in shared.by_subject.values()) > 1
    for vi, shuffled in shared.by_subject.items():  # the archives' rows in the subjects' order, by rank
        entries = np.flatnonzero(subjects.view == vi)
        assert np.array_equal(shared.rank[entries], np.arange(len(entries)))
        ordered = data.views[vi].frame.take(subjects.pos[entries]).reset_index(drop=True)
        for first, stop in [(0, len(entries)), (1, len(entries) - 1), (len(entries) // 2, len(entries))]:
            back = Payload(data, ("subject", vi, 0, 0), {vi: shuffled.gather(first, stop)}).opened()[0]
            expected = ordered.iloc[first:stop].reset_index(drop=True)
            pd.testing.assert_frame_equal(back.views[vi].frame, expected, check_exact=True)


def test_the_archives_rows_are_shuffled_by_the_map_tasks_not_by_the_build(
    before: tuple[Previous, PageUnits], tmp_path: Path
) -> None:
    """The build's process only plans the shuffle: each part's file is written by its map task, run as on a
    worker (through its file, ``cluster.files._call``), reading only its run of the view."""
    data, _ = bulk_data(publication(), tmp_path / "site", *before)
    folder, ran = tmp_path / "views", []

    def on_workers(fn: Callable[[Part], str], parts: list[Part]) -> list[str]:
        assert not any(Path(part.out).exists() for part in parts), "a part written by the build"
        ran.extend(parts)
        return [pickle.loads(_call(fn, str(spill(part, folder)))) for part in parts]

    shared = share(data.views, folder, data.subjects, on_workers)  # type: ignore[arg-type]
    assert {p.out for p in ran} == {f for s in shared.by_subject.values() for f in s.files}
    for part in ran:
        assert len(part.rows) and part.rows.min() >= 0 and part.rows.max() < shuffle.PART_ROWS
        assert len(pd.read_feather(part.out)) == len(part.rows)
    assert sort_part(ran[0]) == ran[0].out


@given(st.lists(st.integers(0, 3 * bulk.TASK_ROWS), max_size=60), st.integers(1, 8))
def test_tasks_cover_every_month_or_subject_once_and_stay_within_their_bounds(
    sizes: list[int], most: int
) -> None:
    found = bulk.runs(np.array(sizes, dtype=np.int64), most)
    assert [i for a, b in found for i in range(a, b)] == list(range(len(sizes)))  # all, in order, once
    for a, b in found:
        assert 0 < b - a <= most
        assert sum(sizes[a:b]) <= bulk.TASK_ROWS or b - a == 1  # only a single big month or subject exceeds
