"""The shuffle's bookkeeping in the build's process: which run of which part's file holds a run of ranks."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from generator.site.shuffle import Part, _shuffled


@st.composite
def parts_and_run(draw: st.DrawFn) -> tuple[list[np.ndarray], int, int]:
    """Ranks 0..n-1 dealt to parts (each part's in rank order, as ``_parts`` gives them), and a run of ranks."""
    n = draw(st.integers(1, 60))
    owner = np.array(draw(st.lists(st.integers(0, 4), min_size=n, max_size=n)))
    dealt = [np.flatnonzero(owner == p) for p in np.unique(owner)]
    first = draw(st.integers(0, n))
    return dealt, first, draw(st.integers(first, n))


@given(parts_and_run())
def test_a_gather_reads_exactly_the_run_of_ranks_in_rank_order(
    case: tuple[list[np.ndarray], int, int],
) -> None:
    dealt, first, stop = case
    files = {f"part-{i}": ranks for i, ranks in enumerate(dealt)}  # a part's file: its rows, by their ranks
    mine = [(Part("view", 0, np.zeros(0, dtype=np.int64), name), ranks) for name, ranks in files.items()]
    gather = _shuffled(mine, sum(len(r) for r in dealt)).gather(first, stop)
    read = np.concatenate([files[name][a:b] for name, a, b in gather.pieces])
    assert np.array_equal(read[gather.order], np.arange(first, stop))
    assert len({name for name, _, _ in gather.pieces}) == len(gather.pieces)  # one run of each file at most
    assert all(b > a for _, a, b in gather.pieces) or len(gather.pieces) == 1  # no empty runs
