"""Write the search index and the browser script into the site.

Stage: search (internal). Guarantees: everything goes under ``site/search-index/`` plus the script and its style
sheet under ``site/assets/``; the files are compact UTF-8 JSON with sorted keys and nothing time-dependent, so the
same subjects give byte-identical files, each put through ``generator.outputs`` (linked from the previous
site when unchanged); the file count is bounded (``MAX_CHUNKS`` document chunks, at most
``MAX_SHARDS`` posting shards, a code directory of one file per ``FANOUT`` chunks, and ``meta.json``).

Layout (``FORMAT`` 2; the browser script reads it):
- ``meta.json``: counts, shard and chunk sizes, the stop bigrams, display limits, and the legends of the facts:
  ``kinds`` (``[[kind, title], …]`` in count order), ``lists`` (``{letter: [list type, label]}``) and ``grades``
  (``{key: [tone, label]}``: the credit-grade badges, keyed by a digit or capital letter that the list
  letters of a subject carry after its lists' letters).
- ``n/<shard>.json``: ``{bigram: postings}`` (see ``_postings.encode``).
- ``d/<chunk>.json``: subjects ``chunk*size …`` as ``[name, code, masked ID, kind letter, records, url, list
  letters, counts by kind, date, authority, 事由]``, trailing empty fields left out (an organisation usually
  ends at its counts); counts follow ``kinds``, comma-separated, trailing zeros left out (``"3,5"``: 3
  penalties, 5 licences; text, because pandas makes it without a Python loop);
  a person's entry is one record, so its counts say which kind. In the url, ``*`` stands for the code (``*``
  never occurs in a site-relative url, see ``_subjects.SAFE_URL``).
- ``c/root.json`` and ``c/<page>.json``: the first code of each page of chunks, and of each chunk — subjects
  with a code come first and in code order, so the chunks are also the sorted code index.
"""

from __future__ import annotations

import json
import math
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from generator import paths
from generator.outputs import Outputs
from generator.search._postings import Postings
from generator.search._subjects import COUNTED_KINDS, KINDS, LIST_LETTERS
from generator.site.view import KIND_TITLES, LIST_TYPES

FORMAT = 2
FACT_FIELDS = ("lists", "counts", "date", "authority", "reason")  # a document row's optional last fields
CHUNK_MIN = 64  # subjects per document chunk (about 6 KB): a first page of 20 results fetches ≤ 20 chunks
MAX_CHUNKS = 16384
FANOUT = 256  # chunks per code-directory page
SHOW = 20  # results shown at once
CAP = 200  # results listed at most
ASSETS = Path(__file__).resolve().parent / "assets"
GRADE_KEYS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"  # grade badges' keys in the list letters (never a list's)


def write_index(
    frame: pd.DataFrame, postings: Postings, site_dir: Path, outputs: Outputs | None = None
) -> None:
    """Replace ``site_dir/search-index/`` with the index of ``frame`` (in index order) and copy the assets."""
    out = outputs or Outputs(site_dir)
    fresh_index(site_dir)
    size, legend = chunk_size(len(frame)), grade_legend(frame)
    for rel, data in chunk_files(with_grades(frame, legend), size):
        out.put(rel, data)
    for shard, lists in postings.shards.items():
        out.put(shard_file(shard), as_json(lists))
    finish_index(out, frame, postings.stop, postings.shard_count, legend)


def fresh_index(site_dir: Path) -> None:
    """An empty index folder with its three subfolders (what an earlier build left there removed)."""
    root = site_dir / paths.SEARCH_INDEX_DIR
    if root.exists():
        shutil.rmtree(root)
    for folder in ("n", "d", "c"):
        (root / folder).mkdir(parents=True)


def chunk_size(subjects: int) -> int:
    """Subjects per document chunk."""
    return max(CHUNK_MIN, math.ceil(subjects / MAX_CHUNKS))


def shard_file(shard: int) -> str:
    return f"{paths.SEARCH_INDEX_DIR}/n/{shard}.json"


def chunk_file(number: int) -> str:
    return f"{paths.SEARCH_INDEX_DIR}/d/{number}.json"


def finish_index(
    out: Outputs, frame: pd.DataFrame, stop: list[str], shards: int, legend: dict[str, str]
) -> None:
    """The code directory, ``meta.json`` and the assets, once the chunks and shards are written."""
    size = chunk_size(len(frame))
    _write_codes(frame.loc[frame["code"] != "", "code"].tolist(), size, out)
    grades = {key: item.split("\t", 1) for item, key in legend.items()}
    _dump(out, "meta.json", _meta(frame, stop, shards, size) | {"grades": grades})
    _copy_assets(out)


def grade_legend(frame: pd.DataFrame) -> dict[str, str]:
    """Each grade badge (``tone<TAB>label``) the subjects carry → its key, in sorted order (badges past the
    ``GRADE_KEYS`` are not shown: a catalog has a handful)."""
    values = frame["grades"].unique().tolist() if "grades" in frame.columns else []
    items = sorted({item for value in values for item in value.split("\n") if "\t" in item})
    return {item: key for item, key in zip(items, GRADE_KEYS, strict=False)}


def with_grades(frame: pd.DataFrame, legend: dict[str, str]) -> pd.DataFrame:
    """``frame`` with each subject's grade badge keys appended to its list letters (one lookup per distinct
    value)."""
    if "grades" not in frame.columns:
        return frame
    table = {v: "".join(legend.get(i, "") for i in v.split("\n")) for v in frame["grades"].unique().tolist()}
    return frame.assign(lists=frame["lists"] + frame["grades"].map(table))


def as_json(value: Any) -> bytes:
    """``value`` as compact JSON, keys sorted."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode("utf-8")


def _dump(out: Outputs, name: str, value: Any) -> None:
    """Write ``value`` as compact JSON at ``name`` under the index folder."""
    out.put(f"{paths.SEARCH_INDEX_DIR}/{name}", as_json(value))


def chunk_files(frame: pd.DataFrame, size: int, first: int = 0) -> Iterator[tuple[str, bytes]]:
    """The document chunks of ``frame`` (list letters with grade keys) as site paths and bytes, ``size``
    subjects each, the first numbered ``first``."""
    frame = frame.assign(counts=_counts(frame))
    columns = [
        frame[c].tolist() for c in ("name", "code", "masked_id", "kind", "records", "url", *FACT_FIELDS)
    ]
    columns[3] = [KINDS[k] for k in columns[3]]
    columns[5] = [
        url.replace(code, "*") if code else url for code, url in zip(columns[1], columns[5], strict=True)
    ]
    present = np.column_stack([frame[c] != "" for c in FACT_FIELDS])
    width = len(FACT_FIELDS)
    lengths = (len(columns) - width + (present * np.arange(1, width + 1)).max(axis=1, initial=0)).tolist()
    rows = [
        row[:n] for row, n in zip(zip(*columns, strict=True), lengths, strict=True)
    ]  # tuples: JSON arrays
    for number, start in enumerate(range(0, len(rows), size), start=first):
        yield chunk_file(number), as_json(rows[start : start + size])


def _counts(frame: pd.DataFrame) -> pd.Series:
    """Each subject's counts by kind as text, ``COUNTED_KINDS`` order, trailing zeros left out ("" for none)."""
    text = frame[COUNTED_KINDS[0]].astype(str)
    for kind in COUNTED_KINDS[1:]:
        text = text + "," + frame[kind].astype(str)
    return text.str.replace(r"(?:^0)?(?:,0)*$", "", regex=True)


def _write_codes(codes: list[str], size: int, out: Outputs) -> None:
    firsts = codes[::size]
    pages = [firsts[i : i + FANOUT] for i in range(0, len(firsts), FANOUT)]
    for number, page in enumerate(pages):
        _dump(out, f"c/{number}.json", page)
    _dump(out, "c/root.json", [page[0] for page in pages])


def _meta(frame: pd.DataFrame, stop: list[str], shards: int, size: int) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "subjects": len(frame),
        "coded": int((frame["code"] != "").sum()),
        "chunk": size,
        "fanout": FANOUT,
        "shards": shards,
        "stop": stop,
        "show": SHOW,
        "cap": CAP,
        "kinds": [[k, KIND_TITLES[k]] for k in COUNTED_KINDS],
        "lists": {letter: [t, LIST_TYPES[t]] for t, letter in LIST_LETTERS.items()},
    }


def _copy_assets(out: Outputs) -> None:
    for name, target in (
        ("gongshi-search.js", paths.SEARCH_SCRIPT),
        ("gongshi-search.css", paths.SEARCH_STYLE),
    ):
        out.put(target, (ASSETS / name).read_bytes())
