"""The columns a bulk task reads: over its rows only, the same values as ``tolist`` on the whole view at those
rows; a column of few values sharing its strings."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from generator.model import RECORD_ID
from generator.site.columns import SAMPLE, Columns, Rows, pylist
from generator.site.view import ARCHIVE, DatasetView, dataset_views
from tests.site.conftest import tables

MANY = 3 * SAMPLE


@pytest.mark.parametrize(
    "column",
    [
        pd.Series(["临江市市场监督管理局", "临江市税务局", ""] * (MANY // 3), dtype="str"),
        pd.Series(["临江市税务局", None, "x"] * (MANY // 3), dtype="str"),
        pd.Series(["临江市税务局", None, "x"] * (MANY // 3), dtype=object),
        pd.Series([f"临江市光康大药房{i}" for i in range(MANY)], dtype="str"),
        pd.Series(["2024-03-05"] * 10, dtype="str"),
        pd.Series([], dtype="str"),
    ],
    ids=["few values", "few with missing", "object with None", "unique", "short", "empty"],
)
def test_a_column_list_holds_the_same_values_as_tolist(column: pd.Series) -> None:
    expected, got = column.tolist(), pylist(column)
    assert len(got) == len(expected)
    assert [type(v) for v in got] == [type(v) for v in expected]
    assert [v for v in got if v == v] == [v for v in expected if v == v]  # NaN != NaN: compared apart
    assert [i for i, v in enumerate(got) if v != v] == [i for i, v in enumerate(expected) if v != v]


def test_a_long_column_of_few_values_shares_one_string_per_value() -> None:
    column = pd.Series(["临江市市场监督管理局", "临江市税务局"] * (MANY // 2), dtype="str")
    assert len({id(v) for v in pylist(column)}) == 2
    assert len({id(v) for v in column.tolist()}) > 2  # what it saves: one object per cell


def penalties_view() -> DatasetView:
    views, problems = dataset_views(tables())
    assert not problems
    return next(v for v in views if v.id == "penalties")


@pytest.mark.parametrize(
    "positions", [[0, 1, 2], [2, 0], [1], [], "all"], ids=["run", "scattered", "one", "none", "whole view"]
)
def test_a_task_reads_each_column_at_its_rows_as_the_whole_view_has_them(positions: object) -> None:
    view = penalties_view()
    n = len(view.frame)
    wanted = np.arange(n) if positions == "all" else np.array(positions, dtype=np.int64)
    rows = Rows(0, n) if positions == "all" else Rows.of(wanted)
    c = Columns(view, rows)
    for name, whole in (
        ("id", view.frame[RECORD_ID]), ("archive", view.frame[ARCHIVE]), ("document", view.column("document")),
        ("list_name", view.column("list_name")),  # a role penalties lack: empty strings
    ):  # fmt: skip
        assert [c[name][c.local(p)] for p in wanted.tolist()] == [whole.tolist()[p] for p in wanted.tolist()]
    used = {"id", "archive", "document", "list_name"} if len(wanted) else set()
    assert set(c) == used  # converted on first use only


def test_a_column_the_view_lacks_is_empty_and_an_unknown_name_is_an_error() -> None:
    view = penalties_view()
    c = Columns(view, Rows(0, len(view.frame)))
    assert c["ZC_HYRQ"] == []  # a registration's fact: not a penalty column
    with pytest.raises(KeyError):
        c["no such column"]
