"""Issue 11, item 8: a batch file that cannot be read never withdraws the records it published.

Each test reads a small catalog, writes the batch cache the way a build does into its ``state/`` folder, then
replaces a published batch file with a bad one and reads again with that state.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest

from generator import paths
from generator.inputs import read_inputs, write_batch_cache
from generator.loading import BatchCache, PreviousCache, load_records, write_cache
from generator.loading.keys import file_sha256
from generator.model import FILE, RECORD_ID, ROW, Catalog, DatasetSpec, StageResult
from generator.problems import Level
from tests.conftest import DEMO_CATALOG
from tests.loading.test_records import LOAD, PENALTY, PENALTY_CONFIG, PORTAL

BAD_FILES = [  # (fixture that replaces the published file, problem code, words the message must hold)
    ("empty.csv", "load-empty-file", "空文件"),
    ("header_only.csv", "load-header-only", "只有表头"),
    ("garbage.csv", "load-no-known-columns", "没有任何「行政处罚」的字段"),
    ("utf16.csv", "load-undecodable", "UTF-16"),
    ("utf16_nobom.csv", "load-undecodable", "不带字节顺序标记（BOM）的 UTF-16"),
    ("nul.csv", "load-undecodable", "第 394 字节处有空字符（NUL）"),
    ("latin1.csv", "load-undecodable", "既不是 UTF-8 也不是 GB18030"),
    ("duplicate_header.csv", "load-duplicate-header", "都对应字段"),
]
BAD_WORKBOOKS = [
    ("truncated.xlsx", "load-unreadable", "文件不完整或已损坏"),
    ("broken.xlsx", "load-unreadable", "文件不完整或已损坏"),
    ("legacy.xlsx", "load-unreadable", "旧版 Excel（.xls）"),
    (
        "formula.xlsx",
        "load-formula-without-value",
        "C7 是公式但没有保存计算结果，请在 Excel 中打开并保存后重新提交",
    ),
]


def catalog_of(root: Path) -> Catalog:
    folder = root / "datasets" / "penalties"
    batches = tuple(sorted(p for p in folder.iterdir() if p.suffix in (".csv", ".xlsx")))
    return Catalog(root, PORTAL, (DatasetSpec("penalties", PENALTY_CONFIG, PENALTY, folder, batches),))


def put(root: Path, name: str, fixture: str) -> Path:
    target = root / "datasets" / "penalties" / name
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(LOAD / fixture, target)
    return target


def load(root: Path, state: Path | None) -> tuple[StageResult, BatchCache]:
    return load_records(catalog_of(root), PreviousCache.open(state))


def build_state(root: Path, state: Path) -> StageResult:
    """Read the catalog with the state of the previous read, then write the new state (as a build does)."""
    result, cache = load(root, state if state.exists() else None)
    fresh = state.with_name(state.name + "-new")
    write_cache(fresh, cache)
    if state.exists():
        shutil.rmtree(state)
    fresh.rename(state)
    return result


def published(result: StageResult, file: str) -> pd.DataFrame:
    frame = result.tables["penalties"].frame
    return frame[frame[FILE] == file][[*PENALTY.names, ROW]].reset_index(drop=True)


@pytest.mark.parametrize(("fixture", "code", "words"), BAD_FILES)
def test_unreadable_empty_or_header_only_csv_keeps_its_published_records(
    tmp_path: Path, fixture: str, code: str, words: str
) -> None:
    root, state = tmp_path / "catalog", tmp_path / "state"
    put(root, "2024-01.csv", "utf8.csv")
    put(root, "2024-02.csv", "gb18030.csv")
    first = build_state(root, state)
    put(root, "2024-01.csv", fixture)
    again = build_state(root, state)
    assert published(again, "datasets/penalties/2024-01.csv").equals(
        published(first, "datasets/penalties/2024-01.csv")
    )
    assert len(again.tables["penalties"].frame) == 6
    [error] = [p for p in again.problems if p.level is Level.ERROR]
    assert (error.code, error.file, error.dataset) == (code, "datasets/penalties/2024-01.csv", "penalties")
    assert words in error.message and "沿用上次成功读取的版本（3 行）" in error.message
    assert again.ledger.empty  # the file is represented by its cached rows, not by rejected ones
    third = build_state(root, state)  # the last good rows were carried into the new state
    assert published(third, "datasets/penalties/2024-01.csv").equals(
        published(first, "datasets/penalties/2024-01.csv")
    )


@pytest.mark.parametrize(("fixture", "code", "words"), BAD_WORKBOOKS)
def test_corrupt_truncated_or_formula_only_workbook_keeps_its_published_records(
    tmp_path: Path, fixture: str, code: str, words: str
) -> None:
    root, state = tmp_path / "catalog", tmp_path / "state"
    put(root, "2024-01.xlsx", "penalty.xlsx")
    first = build_state(root, state)
    put(root, "2024-01.xlsx", fixture)
    again = build_state(root, state)
    assert len(published(first, "datasets/penalties/2024-01.xlsx")) == 3
    assert published(again, "datasets/penalties/2024-01.xlsx").equals(
        published(first, "datasets/penalties/2024-01.xlsx")
    )
    [error] = [p for p in again.problems if p.level is Level.ERROR]
    assert error.code == code and error.file == "datasets/penalties/2024-01.xlsx" and words in error.message


def test_without_a_cached_copy_an_unreadable_file_contributes_nothing_and_the_error_says_so(
    tmp_path: Path,
) -> None:
    root, state = tmp_path / "catalog", tmp_path / "state"
    put(root, "2024-01.csv", "utf8.csv")
    build_state(root, state)
    for entry in (state / paths.BATCH_CACHE_DIR).glob("*.parquet"):
        entry.write_bytes(b"PAR1 truncated")  # the cached copy is damaged: not an error that stops anything
    put(root, "2024-01.csv", "header_only.csv")
    result, _ = load(root, state)
    assert result.tables["penalties"].frame.empty
    [error] = result.problems
    assert error.code == "load-header-only" and error.level is Level.ERROR
    assert "上次成功读取的版本不可用，本文件的记录本次未公示" in error.message


def test_a_new_file_that_cannot_be_read_says_it_was_never_read_and_contributes_nothing(
    tmp_path: Path,
) -> None:
    root, state = tmp_path / "catalog", tmp_path / "state"
    put(root, "2024-01.csv", "utf8.csv")
    build_state(root, state)
    put(root, "2024-02.csv", "utf16_nobom.csv")
    result, _ = load(root, state)
    assert set(result.tables["penalties"].frame[FILE]) == {"datasets/penalties/2024-01.csv"}
    [error] = result.problems
    assert (
        error.file == "datasets/penalties/2024-02.csv"
        and "此前没有成功读取过本文件，本文件的记录本次未公示" in error.message
    )
    assert result.ledger[ROW].tolist() == [2, 3, 4]  # its rows are counted as rejected, as before


@pytest.mark.parametrize("index", [b"", b"{not json", b'{"format": 1, "files": {"x": {"sha256": 5}}}', b"[]"])
def test_a_corrupt_or_foreign_cache_index_is_no_cache_never_an_error(tmp_path: Path, index: bytes) -> None:
    root, state = tmp_path / "catalog", tmp_path / "state"
    put(root, "2024-01.csv", "utf8.csv")
    (state / paths.BATCH_CACHE_DIR).mkdir(parents=True)
    (state / paths.BATCH_CACHE_DIR / paths.BATCH_CACHE_INDEX).write_bytes(index)
    result, cache = load(root, state)
    assert len(result.tables["penalties"].frame) == 3 and result.problems == []
    assert list(cache.entries) == ["datasets/penalties/2024-01.csv"]


def test_removing_a_file_from_the_catalog_withdraws_its_records_with_a_warning_saying_how_many(
    tmp_path: Path,
) -> None:
    root, state = tmp_path / "catalog", tmp_path / "state"
    put(root, "2024-01.csv", "utf8.csv")
    put(root, "2024-02.csv", "gb18030.csv")
    build_state(root, state)
    (root / "datasets" / "penalties" / "2024-01.csv").unlink()
    result = build_state(root, state)
    assert set(result.tables["penalties"].frame[FILE]) == {"datasets/penalties/2024-02.csv"}
    [warning] = result.problems
    assert (warning.code, warning.level, warning.file) == (
        "load-batch-removed", Level.WARNING, "datasets/penalties/2024-01.csv",
    )  # fmt: skip
    assert "3 行记录随之撤下" in warning.message
    assert build_state(root, state).problems == []  # said once: the new state no longer has the file


def test_cache_entries_are_named_by_content_hash_and_unchanged_ones_are_carried_not_reencoded(
    tmp_path: Path,
) -> None:
    root, state = tmp_path / "catalog", tmp_path / "state"
    batch = put(root, "2024-01.csv", "utf8.csv")
    build_state(root, state)
    index = json.loads((state / paths.BATCH_CACHE_DIR / paths.BATCH_CACHE_INDEX).read_text(encoding="utf-8"))
    entry = index["files"]["datasets/penalties/2024-01.csv"]
    assert entry["sha256"] == file_sha256(batch) and entry["rows"] == 3 and entry["dataset"] == "penalties"
    [parquet] = (state / paths.BATCH_CACHE_DIR).glob("*.parquet")
    assert parquet.name.startswith(entry["sha256"])
    _, cache = load(root, state)
    assert cache.fresh == {} and list(cache.carried) == [parquet.name]
    assert pd.read_parquet(parquet)["CF_XDR_MC"].tolist()[0] == "临江市恒盛建材有限公司"


def test_check_without_cache_encodes_nothing_and_falls_back_all_the_same(tmp_path: Path) -> None:
    root, state = tmp_path / "catalog", tmp_path / "state"
    put(root, "2024-01.csv", "utf8.csv")
    build_state(root, state)
    put(root, "2024-01.csv", "empty.csv")
    result, cache = load_records(catalog_of(root), PreviousCache.open(state), keep=False)
    assert len(result.tables["penalties"].frame) == 3
    assert cache.entries == {} and cache.fresh == {}


def demo_like_catalog(root: Path) -> Path:
    """The demo catalog's configuration with one penalty dataset made of two fixture files."""
    root.mkdir(parents=True)
    shutil.copyfile(DEMO_CATALOG / paths.PORTAL_FILE, root / paths.PORTAL_FILE)
    shutil.copytree(DEMO_CATALOG / paths.RULES_DIR, root / paths.RULES_DIR)
    folder = root / paths.DATASETS_DIR / "penalties"
    folder.mkdir(parents=True)
    shutil.copyfile(
        DEMO_CATALOG / paths.DATASETS_DIR / "penalties" / paths.DATASET_FILE, folder / paths.DATASET_FILE
    )
    shutil.copyfile(LOAD / "utf8.csv", folder / "2024-01.csv")
    shutil.copyfile(LOAD / "gbk.csv", folder / "2024-02.csv")
    return root


def test_cached_rows_are_validated_like_read_ones_and_keep_their_record_ids(tmp_path: Path) -> None:
    catalog = demo_like_catalog(tmp_path / "catalog")
    before = read_inputs(catalog, tmp_path / "out" / paths.STATE_DIR)
    assert before.ok and before.valid is not None
    write_batch_cache(tmp_path / "out" / paths.STATE_DIR, before)
    (catalog / paths.DATASETS_DIR / "penalties" / "2024-01.csv").write_bytes(b"")
    after = read_inputs(catalog, tmp_path / "out" / paths.STATE_DIR)
    assert after.valid is not None
    ids = before.valid.tables["penalties"].frame[RECORD_ID]
    assert after.valid.tables["penalties"].frame[RECORD_ID].tolist() == ids.tolist()
    assert [p.code for p in after.problems if p.level is Level.ERROR] == ["load-empty-file"]
