"""What a build leaves for the next one (``generator.state``): the page units' table, written sorted by path and
read back only when it is sound."""

from __future__ import annotations

import hashlib
import json
import random
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from generator import paths
from generator.site.units import PageUnits
from generator.sitefiles import Previous
from generator.state import read_page_units, write_page_units


def published(tmp_path: Path, units: PageUnits) -> Path:
    """An output folder whose state holds ``units``, as a build left it."""
    site, state = tmp_path / paths.SITE_DIR, tmp_path / paths.STATE_DIR
    site.mkdir()
    state.mkdir()
    write_page_units(state, site, units)
    return tmp_path


def read(out: Path) -> tuple[PageUnits, list[str]]:
    units, found = read_page_units(out, Previous(out / paths.SITE_DIR, trusted=True))
    return units, [p.code for p in found]


def unit_keys(count: int, seed: int) -> pd.Series:
    rng = random.Random(seed)
    names = rng.sample([f"{kind}/{n:02X}/{n * 7919:x}.html" for kind in "rsm" for n in range(400)], count)
    keys = np.array([rng.getrandbits(64) for _ in names], dtype=np.uint64)
    return pd.Series(keys, index=pd.Index(names, dtype="str"), dtype="uint64")


@pytest.mark.parametrize("seed", range(5))
def test_page_units_are_written_sorted_by_path_and_read_back_the_same(tmp_path: Path, seed: int) -> None:
    keys = unit_keys(300, seed)
    out = published(tmp_path, PageUnits("print", keys))
    written = pq.read_table(out / paths.STATE_DIR / paths.PAGE_UNITS_FILE)
    assert written.column("path").to_pylist() == sorted(keys.index)
    units, codes = read(out)
    assert codes == [] and units.fingerprint == "print"
    assert units.keys.sort_index().to_dict() == keys.to_dict()


def resealed(state: Path, table: pa.Table) -> None:
    """``table`` written as the page units, the seal recomputed to match it (as a careless tool might)."""
    target = state / paths.PAGE_UNITS_FILE
    pq.write_table(table, target)
    seal = state / paths.PAGE_UNITS_SEAL
    digest = hashlib.sha256(target.read_bytes()).hexdigest()
    seal.write_text(json.dumps(json.loads(seal.read_text("utf-8")) | {"sha256": digest}), encoding="utf-8")


@pytest.mark.parametrize("twice", [True, False])
def test_page_units_naming_a_path_twice_or_none_are_not_used(tmp_path: Path, twice: bool) -> None:
    out = published(tmp_path, PageUnits("print", unit_keys(3, 1)))
    table = pq.read_table(out / paths.STATE_DIR / paths.PAGE_UNITS_FILE)
    paths_ = table.column("path").to_pylist()
    paths_[2] = paths_[0] if twice else None
    resealed(out / paths.STATE_DIR, table.set_column(0, "path", pa.array(paths_, pa.string())))
    units, codes = read(out)
    assert codes == ["build-units-unusable"] and len(units.keys) == 0 and units.fingerprint == ""
