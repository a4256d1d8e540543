"""The report's ledger (``generator.report``): written in Arrow a slice at a time (``write_ledger``), the same rows
in the same order as ``assemble_ledger`` gives in pandas, whatever columns each part has and whatever values are
missing."""

from __future__ import annotations

from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any

import pandas as pd
import pyarrow.parquet as pq
from hypothesis import given, settings
from hypothesis import strategies as st

from generator import paths
from generator.model import FILE, LEDGER_COLUMNS, RECORD_ID, ROW
from generator.report import LEDGER_SCHEMA, Tally, assemble_ledger, published_rows, tally, write_ledger
from tests.rules.tables import licence, penalty, table

OPTIONAL = [c for c in LEDGER_COLUMNS if c not in ("dataset", FILE, ROW)]
TEXT = st.text(alphabet="ab临江\u00e9", max_size=3)


@st.composite
def parts(draw: st.DrawFn) -> list[pd.DataFrame]:
    """Ledger parts as the stages give them: each with the key columns and some others, values now and then
    missing, (dataset, file, row) keys that several rows (of one part or of several) share."""
    found = []
    for _ in range(draw(st.integers(0, 4))):
        size = draw(st.integers(0, 12))
        columns = draw(st.lists(st.sampled_from(OPTIONAL), unique=True))
        frame: dict[str, Any] = {
            "dataset": draw(st.lists(st.sampled_from(["b", "a", "a2"]), min_size=size, max_size=size)),
            FILE: draw(
                st.lists(st.sampled_from(["f1.csv", "f10.csv", "f2.csv"]), min_size=size, max_size=size)
            ),
            ROW: draw(st.lists(st.integers(1, 4), min_size=size, max_size=size)),
        }
        for column in columns:
            frame[column] = draw(st.lists(st.none() | TEXT, min_size=size, max_size=size))
        found.append(pd.DataFrame(frame).astype({c: "str" for c in frame if c != ROW}))
    return found


def rows(frame: pd.DataFrame) -> list[tuple[Any, ...]]:
    return list(frame[list(LEDGER_COLUMNS)].itertuples(index=False, name=None))


@settings(max_examples=100, deadline=None)
@given(parts())
def test_the_ledger_written_in_arrow_has_the_rows_and_order_of_the_ledger_in_pandas(
    made: list[pd.DataFrame],
) -> None:
    expected = assemble_ledger(made)
    with TemporaryDirectory() as folder:
        counted = write_ledger(Path(folder), made, slice_rows=5)  # a few dozen rows: several slices
        table = pq.read_table(Path(folder) / paths.LEDGER_FILE)
    assert table.schema.remove_metadata() == LEDGER_SCHEMA  # strings in the file, not the dictionaries held
    written = table.to_pandas()
    assert list(written.columns) == list(LEDGER_COLUMNS)
    assert rows(written) == rows(expected) and counted == tally(expected)
    assert _orders(counted) == _orders(tally(expected))  # the report lists them in this order


def _orders(counted: Tally) -> list[list[str]]:
    """The order of the datasets, of the files, and of each one's reasons, as the report lists them."""
    groups = [counted.datasets, counted.files]
    return [list(g) for g in groups] + [list(v["reasons"]) for g in groups for v in g.values()]


def test_the_public_records_are_in_the_ledger_with_their_file_row_and_id_only(tmp_path: Path) -> None:
    public = {
        "penalties": table("penalty", [penalty(), penalty(_batch="1"), penalty()]),
        "licences": table("licensing", [licence(备注="不进台账")], dataset="licences"),
    }
    withheld = pd.DataFrame(
        {"dataset": ["penalties"], FILE: ["datasets/penalties/batch-01.csv"], ROW: [9], "fate": ["withheld"],
         "reason": ["expired"], "value": ["x"]}
    )  # fmt: skip
    by_hand = [
        pd.DataFrame(
            {"dataset": d, FILE: t.frame[FILE], ROW: t.frame[ROW], RECORD_ID: t.frame[RECORD_ID]}
        ).assign(fate="published")
        for d, t in public.items()
    ]
    counted = write_ledger(tmp_path, [withheld, *published_rows(public)])
    written = pq.read_table(tmp_path / paths.LEDGER_FILE).to_pandas()
    expected = assemble_ledger([withheld, *by_hand])
    assert rows(written) == rows(expected) and counted == tally(expected)
    assert counted.totals == {"rows": 5, "published": 4, "withheld": 1, "rejected": 0}
