"""Precompress: a ``.gz`` twin for the site's shared text assets, for web servers that serve them as they are.

Stage: after the search index, before the report (every site file is written). Guarantees: each ``.css``,
``.js``, ``.json`` and ``.svg`` file under ``assets/`` and ``search-index/`` gets ``<name>.gz`` beside it, the
gzip of exactly its bytes with no name and a zero timestamp in the header, so two builds give identical
twins; nothing else is touched. A twin whose source has the bytes the previous site had (by the previous
build's trusted digest map) is linked from the previous site without compressing again — the twin there is
the gzip of those same bytes, made by the same gongshi version — and any other twin is compressed and put
through ``generator.outputs``. nginx's ``gzip_static`` and ``gongshi serve`` send the twin to a browser that
accepts gzip, which keeps a cold search page well under the 300 KB issue 4 allows.
"""

from __future__ import annotations

import gzip
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from generator import paths
from generator.outputs import Outputs
from generator.sitefiles import put_bytes
from generator.written import Written

LEVEL = 9  # compressed once, downloaded many times
GZ = ".gz"


def precompress(site_dir: Path, jobs: int = 2, outputs: Outputs | None = None) -> int:
    """Write (or link) the ``.gz`` twins under ``site_dir``; return how many twins the site has."""
    out = outputs or Outputs(site_dir)
    files = sorted(_candidates(site_dir))
    todo = [rel for rel in files if not (out.unchanged(rel) and out.carry(rel + GZ))]

    def twin(rel: str) -> Written:
        data = gzip.compress((site_dir / rel).read_bytes(), compresslevel=LEVEL, mtime=0)
        return put_bytes(site_dir, out.previous, rel + GZ, data)

    # zlib releases the GIL while compressing, so threads use both cores without pickling file contents
    with ThreadPoolExecutor(max_workers=max(jobs, 1)) as pool:
        out.record(list(pool.map(twin, todo)))
    return len(files)


def _candidates(site_dir: Path) -> list[str]:
    found = []
    for folder in paths.PRECOMPRESSED_DIRS:
        root = site_dir / folder
        if root.is_dir():
            found += [
                p.relative_to(site_dir).as_posix()
                for p in root.rglob("*")
                if p.suffix in paths.PRECOMPRESSED_SUFFIXES and p.is_file()
            ]
    return found
