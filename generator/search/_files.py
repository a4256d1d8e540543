"""Write the search index and the browser script into the site.

Stage: search (internal). Guarantees: everything goes under ``site/search-index/`` plus the script and its style
sheet under ``site/assets/``; the files are compact UTF-8 JSON with sorted keys and nothing time-dependent, so the
same subjects give byte-identical files, each put through ``generator.outputs`` (linked from the previous
site when unchanged); the file count is bounded (``MAX_CHUNKS`` document chunks, at most
``MAX_SHARDS`` posting shards, a code directory of one file per ``FANOUT`` chunks, and ``meta.json``).

Layout (``FORMAT`` 1; the browser script reads it):
- ``meta.json``: counts, shard and chunk sizes, the stop bigrams, display limits.
- ``n/<shard>.json``: ``{bigram: postings}`` (see ``_postings._encode``).
- ``d/<chunk>.json``: subjects ``chunk*size …`` as ``[name, code, masked ID, kind letter, records, url]``; in the
  url, ``*`` stands for the code (``*`` never occurs in a site-relative url, see ``_subjects.SAFE_URL``).
- ``c/root.json`` and ``c/<page>.json``: the first code of each page of chunks, and of each chunk — subjects
  with a code come first and in code order, so the chunks are also the sorted code index.
"""

from __future__ import annotations

import json
import math
import shutil
from pathlib import Path
from typing import Any

import pandas as pd

from generator import paths
from generator.outputs import Outputs
from generator.search._postings import Postings
from generator.search._subjects import KINDS

FORMAT = 1
CHUNK_MIN = 64  # subjects per document chunk (about 6 KB): a first page of 20 results fetches ≤ 20 chunks
MAX_CHUNKS = 16384
FANOUT = 256  # chunks per code-directory page
SHOW = 20  # results shown at once
CAP = 200  # results listed at most
ASSETS = Path(__file__).resolve().parent / "assets"


def write_index(
    frame: pd.DataFrame, postings: Postings, site_dir: Path, outputs: Outputs | None = None
) -> None:
    """Replace ``site_dir/search-index/`` with the index of ``frame`` (in index order) and copy the assets."""
    out = outputs or Outputs(site_dir)
    root = site_dir / paths.SEARCH_INDEX_DIR
    if root.exists():
        shutil.rmtree(root)
    for folder in ("n", "d", "c"):
        (root / folder).mkdir(parents=True)
    size = max(CHUNK_MIN, math.ceil(len(frame) / MAX_CHUNKS))
    _write_chunks(frame, size, out)
    _write_codes(frame.loc[frame["code"] != "", "code"].tolist(), size, out)
    for shard, lists in postings.shards.items():
        _dump(out, f"n/{shard}.json", lists)
    _dump(out, "meta.json", _meta(frame, postings, size))
    _copy_assets(out)


def _dump(out: Outputs, name: str, value: Any) -> None:
    """Write ``value`` as compact JSON at ``name`` under the index folder."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    out.put(f"{paths.SEARCH_INDEX_DIR}/{name}", text.encode("utf-8"))


def _write_chunks(frame: pd.DataFrame, size: int, out: Outputs) -> None:
    columns = [frame[c].tolist() for c in ("name", "code", "masked_id", "kind", "records", "url")]
    columns[3] = [KINDS[k] for k in columns[3]]
    columns[5] = [
        url.replace(code, "*") if code else url for code, url in zip(columns[1], columns[5], strict=True)
    ]
    rows = list(zip(*columns, strict=True))
    for number, start in enumerate(range(0, len(rows), size)):
        _dump(out, f"d/{number}.json", [list(row) for row in rows[start : start + size]])


def _write_codes(codes: list[str], size: int, out: Outputs) -> None:
    firsts = codes[::size]
    pages = [firsts[i : i + FANOUT] for i in range(0, len(firsts), FANOUT)]
    for number, page in enumerate(pages):
        _dump(out, f"c/{number}.json", page)
    _dump(out, "c/root.json", [page[0] for page in pages])


def _meta(frame: pd.DataFrame, postings: Postings, size: int) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "subjects": len(frame),
        "coded": int((frame["code"] != "").sum()),
        "chunk": size,
        "fanout": FANOUT,
        "shards": postings.shard_count,
        "stop": postings.stop,
        "show": SHOW,
        "cap": CAP,
    }


def _copy_assets(out: Outputs) -> None:
    for name, target in (
        ("gongshi-search.js", paths.SEARCH_SCRIPT),
        ("gongshi-search.css", paths.SEARCH_STYLE),
    ):
        out.put(target, (ASSETS / name).read_bytes())
