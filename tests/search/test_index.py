"""The search index builder: what is indexed, what is not, and that the files are few, small and reproducible."""

from __future__ import annotations

import hashlib
import itertools
import math
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from generator.search import build_search_index
from generator.search._postings import MAX_SHARDS, STOP_MIN, _shard_count
from generator.search._text import SMALL, fingerprint, fnv1a, grams, normalize
from tests.leakscan import find_unmasked_ids
from tests.search.fixtures import HENGSHENG, HUATAI, PERSON_ID, PERSON_MASKED, ZHANGJI, read_index, subjects
from tests.search.synth import synth_subjects


def decode(postings: str) -> list[tuple[int, int, int, int]]:
    """(subject number, position, name length, name fingerprint) of each posting in a posting string."""
    out, number = [], 0
    for token in postings.split(","):
        number += int(token[:-3], 36)
        out.append((number, SMALL.index(token[-3]), SMALL.index(token[-2]), SMALL.index(token[-1])))
    return out


def postings_of(index: dict[str, Any], gram: str) -> list[tuple[int, int, int, int]]:
    shard = index.get(f"n/{fnv1a(gram) % index['meta.json']['shards']}.json", {})
    return decode(shard[gram]) if gram in shard else []


def documents(index: dict[str, Any]) -> list[list[Any]]:
    chunks = sorted((int(k[2:-5]), v) for k, v in index.items() if k.startswith("d/"))
    return [row for _, rows in chunks for row in rows]


def number_of(index: dict[str, Any], name: str) -> int:
    return next(i for i, row in enumerate(documents(index)) if row[0] == name)


@pytest.fixture
def built(tmp_path: Path) -> tuple[dict[str, Any], list[Any]]:
    problems = build_search_index(subjects(), tmp_path)
    return read_index(tmp_path), problems


def test_a_name_is_normalised_by_folding_width_and_case_and_dropping_brackets_and_spaces() -> None:
    assert normalize("临江市青松（江北） 农业ＡＢＣ专业合作社") == "临江市青松江北农业abc专业合作社"


def test_bigrams_of_a_name_carry_their_positions_and_a_single_character_is_its_own_gram() -> None:
    assert grams("恒盛建材") == [("恒盛", 0), ("盛建", 1), ("建材", 2)]
    assert grams("王") == [("王", 0)]


def test_every_selective_bigram_of_a_name_is_indexed_with_its_position_and_the_name_length(
    built: Any,
) -> None:
    index, _ = built
    number = number_of(index, "临江市恒盛建材有限公司")
    check = fingerprint("临江市恒盛建材有限公司")
    assert (number, 3, 11, check) in postings_of(index, "恒盛")
    assert (number, 5, 11, check) in postings_of(index, "建材")


def test_a_fingerprint_tells_apart_names_of_the_same_length() -> None:
    names = [normalize(n) for n in synth_subjects(2000, seed=2)["name"]]
    pairs = [(a, b) for a, b in itertools.pairwise(names) if len(a) == len(b) and a != b]
    same = sum(fingerprint(a) == fingerprint(b) for a, b in pairs)
    assert same <= len(pairs) / 20
    assert fingerprint("恒盛") == (ord("恒") + 2 * ord("盛")) % 61


def test_legal_form_bigrams_are_stop_bigrams_and_have_no_posting_list(built: Any) -> None:
    index, _ = built
    stop = set(index["meta.json"]["stop"])
    assert {"有限", "限公", "公司", "股份", "合作", "作社", "专业"} <= stop
    assert all(postings_of(index, gram) == [] for gram in stop)


def test_bigrams_shared_by_too_many_subjects_become_stop_bigrams(tmp_path: Path) -> None:
    names = [
        {
            "name": f"临江{chr(0x4E00 + i)}{chr(0x4F00 + i)}商行",
            "code": "",
            "kind": "org",
            "url": f"s/{i}.html",
            "masked_id": "",
            "records": 1,
        }
        for i in range(STOP_MIN + 1)
    ]
    build_search_index(pd.DataFrame(names), tmp_path)
    index = read_index(tmp_path)
    assert "临江" in index["meta.json"]["stop"]
    assert "商行" in index["meta.json"]["stop"]
    assert len(postings_of(index, chr(0x4E00 + 7) + chr(0x4F00 + 7))) == 1


def test_subjects_with_a_code_come_first_in_code_order_and_the_directory_points_at_their_chunks(
    built: Any,
) -> None:
    index, _ = built
    codes = [row[1] for row in documents(index)]
    coded = index["meta.json"]["coded"]
    assert codes[:coded] == sorted([HENGSHENG, HUATAI, ZHANGJI, codes[1]])
    assert all(code == "" for code in codes[coded:])
    assert index["c/root.json"] == [codes[0]] and index["c/0.json"] == [codes[0]]


def test_a_natural_person_is_indexed_by_name_with_the_masked_id_only(built: Any) -> None:
    index, _ = built
    person = documents(index)[number_of(index, "张伟")]
    assert person[1:4] == ["", PERSON_MASKED, "p"]
    assert postings_of(index, "张伟")


def test_an_unmasked_person_id_is_masked_reported_and_never_written(tmp_path: Path) -> None:
    person = {
        "name": "李娜",
        "code": PERSON_ID,
        "kind": "person",
        "url": "records/ee/ee.html",
        "masked_id": PERSON_ID,
        "records": 1,
    }
    problems = build_search_index(subjects(person), tmp_path)
    assert {p.code for p in problems} == {"search-unmasked-id", "search-person-code"}
    assert not any(PERSON_ID in p.message or PERSON_ID in p.value for p in problems)
    assert find_unmasked_ids(tmp_path) == []
    row = documents(read_index(tmp_path))[number_of(read_index(tmp_path), "李娜")]
    assert row[1] == "" and row[2] == "110101********1237"


def test_a_link_that_leaves_the_site_is_left_out_and_reported(tmp_path: Path) -> None:
    bad = [
        {"name": f"坏链接{i}公司", "code": "", "kind": "org", "url": url, "masked_id": "", "records": 1}
        for i, url in enumerate(
            ["../secret.html", "/abs.html", "javascript:alert(1)", "https://evil.example/", "a/../../b"]
        )
    ]
    problems = build_search_index(subjects(*bad), tmp_path)
    assert [p.code for p in problems] == ["search-bad-url"] * 5
    assert all(not row[0].startswith("坏链接") for row in documents(read_index(tmp_path)))


def test_only_the_subjects_handed_in_are_indexed(built: Any) -> None:
    index, problems = built
    assert problems == []
    assert sorted(row[0] for row in documents(index)) == sorted(subjects()["name"])
    assert index["meta.json"]["subjects"] == len(subjects())


def test_the_same_subjects_in_any_order_give_a_byte_identical_index(tmp_path: Path) -> None:
    frame = synth_subjects(3000, seed=5)
    build_search_index(frame, tmp_path / "a")
    build_search_index(frame.sample(frac=1, random_state=9), tmp_path / "b")
    assert digest(tmp_path / "a") == digest(tmp_path / "b")


def digest(site: Path) -> dict[str, str]:
    return {
        str(p.relative_to(site)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(site.rglob("*"))
        if p.is_file()
    }


def test_the_file_count_is_bounded_by_shards_chunks_and_directory_pages(tmp_path: Path) -> None:
    build_search_index(synth_subjects(20_000, seed=3), tmp_path)
    meta = read_index(tmp_path)["meta.json"]
    files = [p for p in (tmp_path / "search-index").rglob("*") if p.is_file()]
    chunks = math.ceil(meta["subjects"] / meta["chunk"])
    pages = math.ceil(math.ceil(meta["coded"] / meta["chunk"]) / meta["fanout"])
    assert len(files) <= 1 + meta["shards"] + chunks + pages + 1
    assert meta["shards"] & (meta["shards"] - 1) == 0 and meta["shards"] <= 256
    assert chunks == math.ceil(20_000 / 64)
    assert _shard_count(10**9) == MAX_SHARDS


def test_index_files_are_small_enough_to_fetch_a_few_per_query(tmp_path: Path) -> None:
    build_search_index(synth_subjects(20_000, seed=3), tmp_path)
    sizes = [p.stat().st_size for p in (tmp_path / "search-index").rglob("*.json")]
    assert max(sizes) < 40_000
