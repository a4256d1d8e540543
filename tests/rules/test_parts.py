"""The rules decided on parts of each dataset (as a cluster's workers do) give exactly the whole's result."""

from __future__ import annotations

import csv
import gc
import shutil
import weakref
from collections.abc import Callable, Iterable, Iterator
from dataclasses import fields
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import given
from hypothesis import strategies as st

from generator import rules
from generator.inputs import Inputs, read_inputs
from generator.model import Stored
from generator.rules import Cutting, RulesResult, apply_rules
from generator.rules.engine import evaluate
from generator.rules.parts import Part, stored_runs
from generator.sample import write_sample
from tests.conftest import AS_OF, DEMO_CATALOG

# what the whole must hold for the comparison to mean something: each is decided across parts
ACROSS_PARTS = {
    "rules-correction-rejected",
    "rules-repair-before-minimum",
    "privacy-numbers-in-text",
    "rules-decision-invalid",
}


class Inline:
    """A map in this process that records the parts it decided."""

    def __init__(self) -> None:
        self.parts: list[Part] = []

    def __call__(self, fn: Callable[[Part], Any], parts: Iterable[Part]) -> Iterator[Any]:
        for part in parts:
            self.parts.append(part)
            yield fn(part)


def _rules(inputs: Inputs, cutting: Cutting | None) -> RulesResult:
    assert inputs.valid is not None and inputs.rules is not None
    return apply_rules(inputs.valid, inputs.rules, AS_OF, pd.Series(dtype="str"), inputs.rejected, cutting)


def _assert_same(one: RulesResult, other: RulesResult) -> None:
    for f in fields(RulesResult):
        a, b = getattr(one, f.name), getattr(other, f.name)
        if f.name == "tables":
            assert list(a) == list(b)
            for name in a:
                pd.testing.assert_frame_equal(a[name].frame, b[name].frame, check_index_type=True)
        elif isinstance(a, pd.DataFrame):
            pd.testing.assert_frame_equal(a, b)
        elif isinstance(a, pd.Series):
            pd.testing.assert_series_equal(a, b)
        else:
            assert a == b, f.name


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo catalog with a rejected correction (a 2019 penalty corrected in a later batch with the date 2026-02-30)
    and a repair dated 2026-02-30 of another 2019 penalty: both withhold a record in another part."""
    catalog = tmp_path_factory.mktemp("demo") / "catalog"
    shutil.copytree(DEMO_CATALOG, catalog)
    penalties = catalog / "datasets" / "penalties"
    with (penalties / "2019.csv").open(encoding="utf-8-sig", newline="") as f:
        header, first, second = list(csv.reader(f))[:3]
    with (penalties / "2027.csv").open("w", encoding="utf-8", newline="") as f:  # the latest batch
        csv.writer(f).writerows([header, [v.replace("2019-01-07", "2026-02-30") for v in first]])
    with (catalog / "decisions" / "repairs.csv").open("a", encoding="utf-8", newline="") as f:
        f.write(
            f"penalties,{second[header.index('行政处罚决定书文号')]},11610300029091217J,临信修〔2026〕0099号,2026-02-30,临江市公共信用信息中心\n"
        )
    return catalog


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    catalog = tmp_path_factory.mktemp("sample") / "catalog"
    write_sample(catalog, 4_000, seed=5)
    return catalog


@pytest.mark.parametrize("rows", [3, 40])
def test_the_demo_decided_in_parts_equals_the_demo_decided_whole(
    rows: int, demo: Path, tmp_path: Path
) -> None:
    inputs = read_inputs(demo, tmp_path / "state")
    whole = _rules(inputs, None)
    assert {p.code for p in whole.problems} >= ACROSS_PARTS
    assert {"superseded", "repaired", "revoked", "decision-invalid", "correction-rejected"} <= set(
        whole.ledger["reason"]
    )
    inline = Inline()
    _assert_same(_rules(inputs, Cutting(rows, inline)), whole)
    penalties = [p for p in inline.parts if p.name == "penalties"]
    assert (
        len(penalties) > 1 and max(len(p.table.frame) for p in inline.parts if p.name == "penalties") <= rows
    )


def test_a_sample_decided_in_parts_equals_it_decided_whole(sample: Path, tmp_path: Path) -> None:
    inputs = read_inputs(sample, tmp_path / "state")
    whole = _rules(inputs, None)
    assert {"superseded", "repaired", "revoked", "expired"} <= set(whole.ledger["reason"])
    _assert_same(_rules(inputs, Cutting(300, Inline())), whole)


def test_parts_reading_their_rows_from_the_shared_tables_give_the_whole_and_leave_no_file(
    demo: Path, tmp_path: Path
) -> None:
    """As on a cluster: each dataset's table written once, a part carrying only where its rows are, its outcome
    coming back through a file."""
    inputs = read_inputs(demo, tmp_path / "state")
    whole = _rules(inputs, None)
    inline, folder = Inline(), tmp_path / "shared"
    _assert_same(_rules(inputs, Cutting(40, inline, folder)), whole)
    assert all(p.shared is not None and p.table.frame.empty for p in inline.parts)
    assert sum(p.name == "penalties" for p in inline.parts) > 20
    assert list(folder.iterdir()) == []


def test_public_rows_decided_by_tasks_are_pages_of_their_files_not_memory_of_the_build(
    demo: Path, tmp_path: Path
) -> None:
    """On a cluster the build maps each part's public rows from the file its task left (the file's name is
    removed at once; the mapping keeps the data), so a city's public tables are not the build's own memory."""
    inputs = read_inputs(demo, tmp_path / "state")
    folder = tmp_path / "shared"
    ruled = _rules(inputs, Cutting(40, Inline(), folder))
    regions = _mapped_from(folder)
    texts = [
        chunk.buffers()[2]
        for table in ruled.tables.values()
        for column in pa.Table.from_pandas(table.frame, preserve_index=False).columns
        if pa.types.is_large_string(column.type)
        for chunk in column.chunks
        if chunk.buffers()[2] is not None and chunk.buffers()[2].size  # text in it (not all empty strings)
    ]
    assert len(texts) > 100 and regions
    assert all(any(low <= text.address < high for low, high in regions) for text in texts)


def _mapped_from(folder: Path) -> list[tuple[int, int]]:
    """The address ranges of this process's mappings of files that were in ``folder``."""
    regions = []
    for line in Path("/proc/self/maps").read_text().splitlines():
        span, *rest = line.split(maxsplit=5)  # address range, permissions, offset, device, inode, path if any
        if len(rest) == 5 and rest[4].startswith(f"{folder}/"):
            low, high = span.split("-")
            regions.append((int(low, 16), int(high, 16)))
    return regions


def test_a_part_gets_only_the_decisions_naming_its_records(tmp_path: Path) -> None:
    inputs = read_inputs(DEMO_CATALOG, tmp_path / "state")
    inline = Inline()
    _rules(inputs, Cutting(50, inline))
    named = 0
    for part in inline.parts:
        ids = set(part.table.frame["_id"])
        for decisions in (part.repairs, part.revocations, part.invalid):
            assert set(decisions["_id"]) <= ids
            named += len(decisions)
    assert named > 0


def test_credit_kinds_are_never_cut(tmp_path: Path) -> None:
    """A subject's current grade is chosen among all its records: an evaluation dataset is one part."""
    inputs = read_inputs(DEMO_CATALOG, tmp_path / "state")
    inline = Inline()
    _rules(inputs, Cutting(25, inline))
    counts = pd.Series([p.name for p in inline.parts]).value_counts()
    assert counts["evaluations"] == counts["registrations"] == counts["fulfilment"] == 1
    assert counts["licences"] > 1


def test_letting_go_drops_each_validated_table_once_decided_and_changes_nothing(
    demo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The build's ``let_go``: the result is the same, and when a dataset is decided the validated tables of
    the datasets decided before it are gone (the build never holds them all beside the public ones)."""
    whole = _rules(read_inputs(demo, tmp_path / "whole"), None)
    inputs = read_inputs(demo, tmp_path / "state")
    assert inputs.valid is not None and inputs.rules is not None
    names = sorted(inputs.valid.tables)
    held = {name: weakref.ref(table) for name, table in inputs.valid.tables.items()}
    seen: list[list[str]] = []

    def watched(name: str, *args: Any) -> Any:
        gc.collect()
        seen.append([n for n in names if held[n]() is not None])
        return evaluate(name, *args)

    monkeypatch.setattr(rules, "evaluate", watched)
    cutting = Cutting(40, Inline(), tmp_path / "shared")
    let_go = apply_rules(
        inputs.valid, inputs.rules, AS_OF, pd.Series(dtype="str"), inputs.rejected, cutting, let_go=True
    )
    _assert_same(let_go, whole)
    assert seen == [names[i:] for i in range(len(names))] and len(names) > 3
    assert inputs.valid.tables == {}


@given(st.lists(st.integers(0, 9), min_size=1, max_size=6), st.data())
def test_the_runs_of_stored_rows_are_exactly_the_rows_asked_for_in_order(
    sizes: list[int], data: st.DataObject
) -> None:
    """A part's rows read from the batch files' outcomes: each file's run, in file order, numbered as its batch."""
    stored = Stored(tuple((f"batch-{n}", size, n) for n, size in enumerate(sizes)))
    files = {f"batch-{n}": np.arange(sum(sizes[:n]), sum(sizes[: n + 1])) for n in range(len(sizes))}
    start = data.draw(st.integers(0, sum(sizes)))
    stop = data.draw(st.integers(start, sum(sizes)))
    runs = stored_runs(stored, slice(start, stop))
    read = np.concatenate([files[file][a:b] for file, a, b, _ in runs])
    assert np.array_equal(read, np.arange(start, stop))
    assert all(batch == int(file.split("-")[1]) for file, _, _, batch in runs)
    assert len(runs) == 1 or all(
        b > a for _, a, b, _ in runs
    )  # an empty part: one empty run, for the columns
