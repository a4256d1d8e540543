"""What a search result shows up front, as the index carries it: list types, counts by kind, and the date,
authority and 事由 that tell people of the same name apart."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from generator.search import build_search_index
from generator.search._subjects import LIST_LETTERS, REASON_MAX
from generator.site.view import LIST_TYPES
from tests.leakscan import find_unmasked_ids
from tests.search.fixtures import (
    HENGSHENG,
    HUATAI,
    PERSON_ID,
    PERSON_MASKED,
    read_index,
    subjects,
    subjects_with_facts,
)
from tests.search.test_index import documents

LISTS, COUNTS, DATE, AUTHORITY, REASON = 6, 7, 8, 9, 10  # positions in a document row


@pytest.fixture
def index(tmp_path: Path) -> dict[str, Any]:
    assert build_search_index(subjects_with_facts(), tmp_path) == []
    return read_index(tmp_path)


def row_of(index: dict[str, Any], code: str) -> list[Any]:
    return next(row for row in documents(index) if row[1] == code)


def person(name: str, **facts: Any) -> dict[str, Any]:
    return {
        "name": name,
        "code": "",
        "kind": "person",
        "records": 1,
        "url": "r/ab/ab12.html",
        "masked_id": "",
        **facts,
    }


def test_a_listed_company_carries_its_list_letter_and_counts_by_kind_named_in_meta(index: Any) -> None:
    row = row_of(index, HENGSHENG)
    assert row[LISTS] == "p" and row[COUNTS] == "2,1"
    meta = index["meta.json"]
    assert meta["lists"]["p"] == ["punishment", LIST_TYPES["punishment"]]
    assert [k for k, _ in meta["kinds"]][:2] == ["penalty", "licensing"]
    assert meta["kinds"][0][1] == "行政处罚" and meta["format"] == 2


def test_a_company_on_no_list_has_no_list_letter_and_trailing_zero_counts_are_left_out(index: Any) -> None:
    row = row_of(index, HUATAI)
    assert row[LISTS] == "" and row[COUNTS] == "0,2" and len(row) == COUNTS + 1


def test_an_entry_without_facts_is_as_short_as_before(tmp_path: Path) -> None:
    build_search_index(subjects(), tmp_path)
    assert {len(row) for row in documents(read_index(tmp_path))} == {6}


def test_people_of_one_name_sit_together_by_masked_id_each_with_date_authority_and_reason(index: Any) -> None:
    rows = [row for row in documents(index) if row[0] == "王超"]
    assert [r[2] for r in rows] == ["330902********1234", "330903********5678"]
    assert rows[0][DATE:] == ["2026-03-02", "临江市市场监督管理局", "未取得食品经营许可从事食品经营活动"]
    assert rows[0][COUNTS] == "1"
    numbers = [i for i, row in enumerate(documents(index)) if row[0] == "王超"]
    assert numbers == list(range(numbers[0], numbers[0] + 2))


def test_one_person_s_records_are_listed_newest_first(tmp_path: Path) -> None:
    dates = ["2024-01-05", "2026-02-01", "2025-06-30"]
    frame = pd.DataFrame(
        [
            person("李雷", masked_id=PERSON_MASKED, date=d, url=f"r/0{i}/x{i}.html")
            for i, d in enumerate(dates)
        ]
    )
    build_search_index(frame, tmp_path)
    assert [row[DATE] for row in documents(read_index(tmp_path))] == sorted(dates, reverse=True)


def test_an_id_number_written_into_a_reason_is_masked_and_reported(tmp_path: Path) -> None:
    frame = pd.DataFrame(
        [person("李雷", masked_id=PERSON_MASKED, reason=f"当事人（身份证号 {PERSON_ID}）无证经营")]
    )
    problems = build_search_index(frame, tmp_path)
    assert [p.code for p in problems] == ["search-unmasked-id"] and PERSON_ID not in problems[0].message
    assert documents(read_index(tmp_path))[0][REASON] == f"当事人（身份证号 {PERSON_MASKED}）无证经营"
    assert find_unmasked_ids(tmp_path / "search-index") == []


def test_a_long_reason_is_cut_and_an_unknown_list_type_is_ignored(tmp_path: Path) -> None:
    frame = pd.DataFrame([person("李雷", reason="违" * 100, lists="blacklist watch", penalty=0, list=1)])
    build_search_index(frame, tmp_path)
    row = documents(read_index(tmp_path))[0]
    assert len(row[REASON]) == REASON_MAX and row[REASON].endswith("…")
    assert row[LISTS] == "w" and row[COUNTS] == "0,0,0,1"


def test_every_list_type_of_the_archive_has_a_letter_of_its_own() -> None:
    assert set(LIST_LETTERS) == set(LIST_TYPES) and len(set(LIST_LETTERS.values())) == len(LIST_TYPES)


def test_no_subjects_give_an_empty_index(tmp_path: Path) -> None:
    empty = pd.DataFrame(
        {c: pd.Series(dtype="str") for c in ("name", "code", "kind", "url", "masked_id", "records")}
    )
    assert build_search_index(empty, tmp_path) == []
    assert read_index(tmp_path)["meta.json"]["subjects"] == 0
