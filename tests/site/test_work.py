"""The worker's column lists: the same values as ``tolist``, a column of few values sharing its strings."""

from __future__ import annotations

import pandas as pd
import pytest

from generator.site.work import SAMPLE, pylist

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
