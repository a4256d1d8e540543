"""The columnar digest map and ledger answer exactly as a dict would, refuse malformed tables, and survive a
trip to another interpreter (whose ``hash`` differs)."""

from __future__ import annotations

import os
import pickle
import random
import subprocess
import sys
from pathlib import Path

import numpy as np
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.digests import DigestMap
from generator.written import Ledger, Written, WrittenBatch

ROOT = Path(__file__).resolve().parents[1]


def digest(rng: random.Random) -> str:
    return f"{rng.getrandbits(128):032x}"


def sample(n: int, seed: int = 7) -> dict[str, tuple[str, int]]:
    rng = random.Random(seed)
    names = ["s/7F/91610324MAF0J8AK7F.html", "r/临江市/光康.html", "a", "a/b", "é/ü.json"]
    names += [f"r/{rng.getrandbits(8):02X}/{rng.getrandbits(40):010x}.html" for _ in range(n)]
    return {name: (digest(rng), rng.randrange(0, 10**9)) for name in names}


def test_a_map_answers_every_lookup_as_the_dict_it_was_made_from() -> None:
    entries = sample(20_000)
    found = DigestMap.of(entries)
    assert len(found) == len(entries)
    for rel, entry in entries.items():
        assert found.get(rel) == entry and found[rel] == entry and rel in found
    rng = random.Random(3)
    for rel in ["", "s/7F", "r/临江市/光康.htm", "a/", *(f"x/{rng.getrandbits(60)}" for _ in range(5000))]:
        assert found.get(rel) is None and rel not in found
    with pytest.raises(KeyError):
        found["nope"]
    assert list(found) == sorted(entries)
    assert dict(found.items()) == entries and found == entries


def test_an_empty_map_lists_nothing() -> None:
    empty = DigestMap.of()
    assert len(empty) == 0 and list(empty) == [] and empty.get("a") is None
    assert empty == {} and empty.table().num_rows == 0 and DigestMap.read(empty.table()) == empty


def test_a_map_reads_back_its_own_table_and_sorts_a_foreign_one() -> None:
    entries = sample(500)
    made = DigestMap.of(entries)
    assert made.table().column("path").to_pylist() == sorted(entries)
    assert DigestMap.read(made.table()) == made
    shuffled = made.table().take(pa.array(random.Random(1).sample(range(len(entries)), len(entries))))
    assert DigestMap.read(shuffled) == made


@pytest.mark.parametrize(
    ("column", "value", "why"),
    [
        ("digest", "0" * 31, "digest"),
        ("digest", "A" * 32, "digest"),
        ("digest", None, "missing"),
        ("path", None, "missing"),
        ("size", -1, "size"),
        ("path", "b", "duplicate"),
    ],
)
def test_a_malformed_table_is_refused(column: str, value: object, why: str) -> None:
    rows = {"path": ["a", "b", "c"], "digest": ["0" * 32, "1" * 32, "2" * 32], "size": [1, 2, 3]}
    rows[column] = [rows[column][0], rows[column][1], value]
    table = pa.table({"path": pa.array(rows["path"]), "digest": pa.array(rows["digest"]),
                      "size": pa.array(rows["size"], pa.int64())})  # fmt: skip
    with pytest.raises(ValueError, match=why):
        DigestMap.read(table)


def test_a_table_with_other_columns_is_refused() -> None:
    with pytest.raises(ValueError, match="columns"):
        DigestMap.read(pa.table({"path": ["a"], "sha": ["0" * 32], "size": [1]}))


def test_a_map_sent_to_another_interpreter_still_finds_its_paths() -> None:
    """``hash`` is seeded per interpreter: the map must rebuild its index there, not carry this one's."""
    entries = sample(2000)
    blob = pickle.dumps(DigestMap.of(entries))
    probe = "import pickle, sys; m = pickle.loads(sys.stdin.buffer.read()); print(m.get(sys.argv[1]))"
    rel = sorted(entries)[1234]
    env = {**os.environ, "PYTHONHASHSEED": "12345", "PYTHONPATH": str(ROOT)}
    shown = subprocess.run([sys.executable, "-c", probe, rel], input=blob, capture_output=True, env=env)
    assert shown.returncode == 0, shown.stderr.decode()
    assert shown.stdout.decode().strip() == repr(entries[rel])


def written(rel: str, n: int, *, linked: bool = False, unmade: bool = False) -> Written:
    return Written(rel, f"{n:032x}", n, 1000 + n, linked, unmade)


def test_a_ledger_keeps_the_last_record_of_each_path() -> None:
    ledger = Ledger()
    for w in [written("b", 1), written("a", 2, linked=True), written("b", 3, linked=True, unmade=True)]:
        ledger.add(w)
    assert len(ledger) == 2 and list(ledger) == ["b", "a"] and "a" in ledger and "c" not in ledger
    assert ledger["b"] == written("b", 3, linked=True, unmade=True) and ledger.get("c") is None
    assert ledger.flagged() == (2, 1)
    assert ledger.with_inodes({1002, 999}) == [written("a", 2, linked=True)]


def test_a_batch_of_written_files_reads_back_as_the_files_and_a_ledger_takes_it_as_it_takes_each() -> None:
    first = [written("p/a.html", 1), written("p/b.html", 2, linked=True), written("p/c.html", 3, unmade=True)]
    again = [written("q/d.html", 4, linked=True, unmade=True), written("p/b.html", 5)]  # b.html once more
    batches = [WrittenBatch.of(first), WrittenBatch.of(again)]
    assert [list(b) for b in batches] == [first, again]
    assert pickle.loads(pickle.dumps(batches[1])).paths == ["q/d.html", "p/b.html"]
    one_by_one, batched = Ledger(), Ledger()
    for w in first + again:
        one_by_one.add(w)
    for batch in batches:
        batched.add_batch(batch)
    assert list(batched.values()) == list(one_by_one.values())
    assert batched["p/b.html"] == written("p/b.html", 5) and len(batched) == 4


def test_a_sorted_ledger_becomes_the_map_of_its_files_and_an_unsorted_one_is_refused() -> None:
    ledger = Ledger()
    for n, rel in enumerate(["a", "a/b", "c.html"]):
        ledger.add(written(rel, n))
    assert ledger.digest_map() == {"a": (f"{0:032x}", 0), "a/b": (f"{1:032x}", 1), "c.html": (f"{2:032x}", 2)}
    sealed = ledger.digest_map()  # indexed at its first lookup
    assert (
        sealed["a/b"] == (f"{1:032x}", 1) and "c" not in sealed and sealed.get("c.html") == (f"{2:032x}", 2)
    )
    ledger.add(written("b", 9))
    with pytest.raises(ValueError, match="sorted"):
        ledger.digest_map()


def test_a_ledgers_listing_of_walked_files_is_sorted_by_path_and_names_the_last_row_of_each_path() -> None:
    rng = random.Random(3)
    names = list(sample(300))
    ledger = Ledger()
    chosen = rng.sample(names, 200)  # in the tasks' order, not the paths'
    for n, rel in enumerate(chosen + chosen[:50]):  # the first 50 noted twice: their later rows count
        ledger.add(written(rel, n))
    walked = [("".join(rel), rng.getrandbits(40)) for rel in rng.sample(names, len(names))]  # new strings
    paths, inodes, rows = ledger.listing(iter(walked))
    assert list(zip(paths.to_pylist(), inodes.tolist(), strict=True)) == sorted(walked)  # code points
    last = {rel: row for row, rel in enumerate(chosen + chosen[:50])}
    assert rows.tolist() == [last.get(rel, -1) for rel in paths.to_pylist()]
    assert ledger.inodes_at(rows).tolist() == [
        1000 + last[rel] if rel in last else -1 for rel in paths.to_pylist()
    ]
    empty = Ledger().listing(iter([]))
    assert len(empty[0]) == len(empty[1]) == len(empty[2]) == 0


def test_a_path_noted_twice_with_one_inode_is_found_by_that_inode_once_with_its_last_record() -> None:
    ledger = Ledger()
    ledger.add(written("a", 1)._replace(inode=5))
    ledger.add(written("b", 2))
    ledger.add(written("a", 3)._replace(inode=5))  # carried again: the same inode, the later record counts
    assert ledger.with_inodes({5}) == [written("a", 3)._replace(inode=5)]
    assert ledger.rows_of(pa.array(["a", "x", "a", "b"])).tolist() == [2, -1, 2, 1]


def test_a_gathered_ledger_finds_its_paths_and_takes_records_put_over_its_rows() -> None:
    ledger = Ledger()
    for n, rel in enumerate(["a", "b", "c"]):
        ledger.add(written(rel, n, linked=n == 1))
    found = ledger.gathered(pa.array(["a", "b", "x"]), np.array([0, 1, -1]))
    assert found["a"] == written("a", 0) and found["b"] == written("b", 1, linked=True)
    assert "x" in found and "c" not in found and found.get("c") is None and list(found) == ["a", "b", "x"]
    found.put(2, written("x", 7, unmade=True))
    found.add(written("a", 8))
    found.add(written("d", 9))
    assert list(found.values()) == [written("a", 8), written("b", 1, linked=True), written("x", 7, unmade=True),
                                    written("d", 9)]  # fmt: skip
    with pytest.raises(AssertionError, match="another path"):
        found.put(0, written("b", 3))


_ADD, _BATCH, _LOOK = range(3)
_STEPS = st.lists(
    st.tuples(st.sampled_from([_ADD, _BATCH, _LOOK]), st.lists(st.sampled_from("abcdefgh"), max_size=5)),
    max_size=25,
)


@settings(max_examples=150, deadline=None)
@given(steps=_STEPS)
def test_a_ledger_read_any_way_holds_the_last_record_of_each_path_as_a_dict_would(
    steps: list[tuple[int, list[str]]],
) -> None:
    ledger, model, n = Ledger(), {}, 0  # model: path → its last record, in the order paths were first added
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("generator.written.PENDING_ROWS", 2)  # chunks and the look-up index's tail made often
        for op, rels in steps:
            records = [
                written(f"p/{rel}.html", (n := n + 1), linked=n % 3 == 0, unmade=n % 5 == 0) for rel in rels
            ]
            if op == _LOOK:
                for w in records:
                    assert ledger.get(w.path) == model.get(w.path) and (w.path in ledger) == (w.path in model)
                    assert ledger.inode(w.path) == (model[w.path].inode if w.path in model else None)
                continue
            for w in records:
                model[w.path] = w
            if op == _BATCH:
                ledger.add_batch(WrittenBatch.of(records))
            else:
                for w in records:
                    ledger.add(w)
    assert list(ledger.values()) == list(model.values()) and len(ledger) == len(model)
    assert ledger.flagged() == (sum(w.linked for w in model.values()), sum(w.unmade for w in model.values()))
    inodes = {w.inode for w in model.values()} | {n + 1, 999_999}
    assert sorted(ledger.with_inodes(inodes)) == sorted(model.values())
    paths, _, rows = ledger.listing(iter([(rel, 0) for rel in [*model, "p/zz.html"]]))
    found = ledger.gathered(paths, rows)  # p/zz.html was never noted: a placeholder record
    assert paths.to_pylist() == sorted([*model, "p/zz.html"]) and "p/zz.html" in found
    assert {rel: w for rel, w in found.items() if rel != "p/zz.html"} == model
