"""A release's content index (``generator.release.index``) and the delta made from two of them
(``generator.release.delta.write_delta``): held as arrays, they must say what a dict of record ID → digest, line
by line, says — ADD for an ID the previous release lacks, MOD for one whose line changed, nothing for one
whose line is the same, DEL (sorted by ID) for one gone — and survive the trip through ``state/``."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator import paths
from generator.packs.layout import RECORD_ID_HEADER
from generator.release.delta import write_delta
from generator.release.index import Index, index_of_release, read_state, write_state

IDS = st.text(alphabet='ab7号甲"\\', min_size=1, max_size=4)  # quotes and backslashes: the slow path
RECORDS = st.lists(st.tuples(IDS, st.sampled_from(["x", "y", "违法"])), max_size=12)


def _line(rid: str, value: str) -> str:
    return json.dumps({RECORD_ID_HEADER: rid, "v": value}, ensure_ascii=False, separators=(",", ":"))


def _write_release(folder: Path, datasets: dict[str, list[tuple[str, str]]]) -> dict[str, Path]:
    files = {}
    folder.mkdir(parents=True, exist_ok=True)
    for dataset, rows in datasets.items():
        path = folder / dataset / f"{dataset}.jsonl"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("".join(_line(r, v) + "\n" for r, v in rows), encoding="utf-8")
        files[dataset] = path
    return files


def _expected(before: list[tuple[str, str]], now: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """(op, ID) of each delta line, worked out with a dict as a reader of the files would."""
    old = {r: v for r, v in before}
    ops = [("MOD" if r in old else "ADD", r) for r, v in now if old.get(r) != v]
    return ops + [("DEL", r) for r in sorted(set(old) - {r for r, _ in now})]


def _delta(tmp: Path, before: list[tuple[str, str]], now: list[tuple[str, str]]) -> list[tuple[str, str]]:
    _write_release(tmp / "old", {"d": before})
    previous = index_of_release(tmp / "old")
    latest = _write_release(tmp / "new", {"d": now})
    out = tmp / "delta.jsonl"
    diff, index = write_delta(
        out, latest, previous, lambda _, ids: {i: ("withheld", "2026-12-01") for i in ids}
    )
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert diff.counts["d"] == len(index["d"]) == len({r for r, _ in now})
    assert diff.added["d"] == sum(line["op"] == "ADD" for line in lines)
    assert diff.changed["d"] == len({line[RECORD_ID_HEADER] for line in lines if line["op"] == "MOD"})
    return [(line["op"], line[RECORD_ID_HEADER]) for line in lines]


@settings(max_examples=50)  # each example writes and reads files
@given(before=RECORDS, now=RECORDS)
def test_the_delta_says_what_a_dict_of_ids_and_lines_says(
    tmp_path_factory: pytest.TempPathFactory, before: list[tuple[str, str]], now: list[tuple[str, str]]
) -> None:
    tmp = tmp_path_factory.mktemp("delta")
    assert _delta(tmp, list({r: v for r, v in before}.items()), now) == _expected(before, now)


def test_an_added_or_changed_line_carries_the_whole_new_record(tmp_path: Path) -> None:
    _write_release(tmp_path / "old", {"d": [("a", "x")]})
    previous = index_of_release(tmp_path / "old")
    latest = _write_release(tmp_path / "new", {"d": [("a", "y"), ("b", "x")], "e": [("c", "x")]})
    write_delta(tmp_path / "delta.jsonl", latest, previous, lambda _, ids: {})
    lines = [json.loads(line) for line in (tmp_path / "delta.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [(line["op"], line["dataset"], line["record"]) for line in lines] == [
        ("MOD", "d", {RECORD_ID_HEADER: "a", "v": "y"}),
        ("ADD", "d", {RECORD_ID_HEADER: "b", "v": "x"}),
        ("ADD", "e", {RECORD_ID_HEADER: "c", "v": "x"}),
    ]


def _digest(line: str) -> bytes:
    return hashlib.blake2b(line.encode("utf-8"), digest_size=16).digest()


def _as_dict(index: Index) -> dict[str, dict[str, bytes]]:
    return {
        d: dict(zip(x.ids.to_pylist(), (w.tobytes() for w in x.digests), strict=True))
        for d, x in index.items()
    }


@settings(max_examples=50)
@given(st.dictionaries(st.sampled_from(["d", "e", "许可"]), RECORDS, max_size=3))
def test_the_index_kept_in_state_is_the_index_of_its_release(
    tmp_path_factory: pytest.TempPathFactory, datasets: dict[str, list[tuple[str, str]]]
) -> None:
    tmp = tmp_path_factory.mktemp("state")
    _write_release(tmp / "r", datasets)
    index = index_of_release(tmp / "r")
    assert _as_dict(index) == {d: {r: _digest(_line(r, v)) for r, v in rows} for d, rows in datasets.items()}
    write_state(tmp / "state", "2026-12-01", index)
    listed = {d: ids for d, ids in _as_dict(index).items() if ids}  # a dataset without records has no rows
    assert _as_dict(read_state(tmp / "state", "2026-12-01") or {}) == listed
    assert read_state(tmp / "state", "2026-12-02") is None
    _write_release(tmp / "again", {d: list(reversed(dict(rows).items())) for d, rows in datasets.items()})
    write_state(tmp / "again-state", "2026-12-01", index_of_release(tmp / "again"))
    kept = Path(paths.RELEASE_INDEX_FILE)
    assert (tmp / "again-state" / kept).read_bytes() == (
        tmp / "state" / kept
    ).read_bytes()  # sorted: reproducible
