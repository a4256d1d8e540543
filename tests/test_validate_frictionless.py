"""Differential test: gongshi's load + validate flag the same rows (and cells) as frictionless, the reference.

frictionless reads each batch itself (canonical code headers in schema order); gongshi's extensions
(requiredWhen, uscc, ric, vocabulary) run inside frictionless as custom checks built on the scalar
``generator.identifiers`` functions. Deliberate, documented differences are kept out of the compared data and
tested on their own in test_validate.py: gongshi also accepts YYYY/M/D-style dates, refuses NaN/Infinity/
underscores as numbers, and skips fully blank rows (frictionless reports them as blank-row).
"""

from __future__ import annotations

import csv
import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.catalog import load_catalog
from generator.loading import read_records
from generator.model import Catalog, DatasetSpec
from generator.validate import validate
from generator.validation.reference import Flags, canonical_copy, frictionless_flags, gongshi_flags
from tests.loading.test_records import PENALTY, PENALTY_CONFIG, PORTAL

BASE_ROW = {
    "CF_WFXW": "销售不合格产品", "CF_SY": "销售的水泥强度不符合国家标准", "CF_YJ": "《中华人民共和国产品质量法》第四十九条",
    "CF_NR": "警告，罚款", "CF_CFJG": "临江市市场监督管理局", "CF_CFJGDM": "11330900002570512X",
}  # fmt: skip
FIXTURES = Path(__file__).parent / "fixtures" / "load_validate" / "validate"
REPO = Path(__file__).resolve().parents[1]


def differences(catalog: Catalog, work: Path) -> list[str]:
    """Every disagreement between gongshi and frictionless over every batch of every dataset."""
    raw = read_records(catalog)
    ours = gongshi_flags(raw, validate(raw))
    found: list[str] = []
    for spec in catalog.datasets:
        for path in spec.batches:
            shown = path.relative_to(catalog.root).as_posix()
            copy = canonical_copy(path, spec.schema, work / spec.id / (path.stem + ".csv"))
            found += compare(shown, ours.get(shown, Flags()), frictionless_flags(copy, spec.schema))
    return found


def compare(file: str, ours: Flags, theirs: Flags) -> list[str]:
    shape = ours.shape | theirs.shape
    pairs = [
        ("rows", ours.rows, theirs.rows - theirs.blank),
        (
            "cells",
            {c for c in ours.cells if c[0] not in shape},
            {c for c in theirs.cells if c[0] not in shape},
        ),
        ("duplicate keys", ours.keys, theirs.keys),
        ("row shape", ours.shape, theirs.shape),
    ]
    found = [
        f"{file} {what}: gongshi only {sorted(a - b)}, frictionless only {sorted(b - a)}"
        for what, a, b in pairs
        if a != b
    ]
    return found + [f"{file}: {o}" for o in ours.other + theirs.other]


def fixture_catalog(folder: str) -> Catalog:
    files = tuple(sorted((FIXTURES / folder).glob("*.csv")))
    spec = DatasetSpec("penalties", PENALTY_CONFIG, PENALTY, FIXTURES / folder, files)
    return Catalog(FIXTURES, PORTAL, (spec,))


def test_clean_fixture_is_clean_for_both_validators(tmp_path: Path) -> None:
    catalog = fixture_catalog("clean")
    assert differences(catalog, tmp_path) == []
    raw = read_records(catalog)
    assert validate(raw).problems == [] and raw.problems == []


def test_bad_rows_are_flagged_the_same_by_both_validators(tmp_path: Path) -> None:
    catalog = fixture_catalog("bad")
    assert differences(catalog, tmp_path) == []


def test_bad_fixture_really_covers_every_check(tmp_path: Path) -> None:
    raw = read_records(fixture_catalog("bad"))
    codes = {p.code for p in validate(raw).problems} | {p.code for p in raw.problems}
    wanted = {
        "validate-required", "validate-required-when", "validate-date", "validate-number", "validate-minimum",
        "validate-max-length", "validate-min-length", "validate-enum", "validate-pattern", "validate-uscc",
        "validate-ric", "validate-vocabulary", "validate-duplicate-key", "load-ragged-row",
    }  # fmt: skip
    assert wanted <= codes


def demo_or_sample_catalog(tmp_path: Path) -> Catalog:
    """The demo catalog if its datasets have batches yet, else a small synthetic sample, else skip."""
    demo = REPO / "catalog"
    if any((demo / "datasets").glob("*/*.csv")) or any((demo / "datasets").glob("*/*.xlsx")):
        catalog, problems = load_catalog(demo)
        if catalog is None:
            pytest.skip(f"demo catalog does not load yet: {[p.message for p in problems][:3]}")
        return catalog
    try:
        from generator.sample import write_sample  # type: ignore[attr-defined]
    except ImportError:
        pytest.skip("neither catalog/datasets/*/ batches nor generator.sample.write_sample exist yet")
    write_sample(tmp_path / "sample", 3000, seed=11)
    catalog, problems = load_catalog(tmp_path / "sample")
    if catalog is None:
        pytest.skip(f"generator.sample's catalog does not load: {[p.message for p in problems][:3]}")
    return catalog


def test_demo_catalog_rows_are_flagged_the_same_by_both_validators(tmp_path: Path) -> None:
    catalog = demo_or_sample_catalog(tmp_path)
    assert any(spec.batches for spec in catalog.datasets)
    assert differences(catalog, tmp_path / "canonical") == []


CELLS = {  # field → values, good and bad, that a random row may take
    "CF_XDR_LB": ["法人及非法人组织", "自然人", "个体工商户", "法人", ""],
    "CF_XDR_SHXYM": [
        "91330902MA2A1B2C31",
        "Y1330900MA2A1B2C3E",
        "91330902MA2A1B2C3Y",
        "9133",
        "",
        "91330902ma2a1b2c31",
    ],
    "CF_XDR_ZJLX": ["身份证", "护照", "", "居民身份证", "其他-军官证"],
    "CF_XDR_ZJHM": ["11010519491231002X", "110105194912310021", "E12345678", "", "330902198503124214"],
    "CF_WSH": ["临市监处罚〔2024〕1号", "临市监处罚〔2024〕2号", "临市监处罚〔2024〕3号", ""],
    "CF_CFLB": ["警告；罚款", "罚金", "没收违法所得、没收非法财物", "警告,罚款", ""],
    "CF_NR_FK": ["1.5", "-1", "1,000", "", "0", "1e3"],
    "CF_JDRQ": ["2024-03-15", "2024-02-30", "2024-3-5", "", "昨天"],
    "CF_SXCD": ["一般", "很严重", ""],
    "CF_XDR_MC": ["临江市恒盛建材有限公司", "临" * 201, ""],
}


@settings(max_examples=12, deadline=None)
@given(
    st.lists(
        st.fixed_dictionaries({k: st.sampled_from(v) for k, v in CELLS.items()}), min_size=1, max_size=25
    )
)
def test_random_rows_of_good_and_bad_cells_are_flagged_alike(rows: list[dict[str, str]]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "batches"
        folder.mkdir()
        with open(folder / "2024-01.csv", "w", encoding="utf-8", newline="") as f:
            writer = csv.writer(f)
            writer.writerow(PENALTY.names)
            writer.writerows([[{**BASE_ROW, **r}.get(n, "") for n in PENALTY.names] for r in rows])
        spec = DatasetSpec("penalties", PENALTY_CONFIG, PENALTY, folder, (folder / "2024-01.csv",))
        assert differences(Catalog(Path(tmp), PORTAL, (spec,)), Path(tmp) / "canonical") == []
