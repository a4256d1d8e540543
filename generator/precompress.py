"""Precompress: a ``.gz`` twin for the site's shared text assets, for web servers that serve them as they are.

Stage: after the search index, before the report (every site file is written). Guarantees: each ``.css``,
``.js``, ``.json`` and ``.svg`` file under ``assets/`` and ``search-index/`` gets ``<name>.gz`` beside it, the
gzip of exactly its bytes with no name and a zero timestamp in the header, so two builds give identical
twins; nothing else is touched. nginx's ``gzip_static`` and ``gongshi serve`` send the twin to a browser that
accepts gzip, which keeps a cold search page well under the 300 KB issue 4 allows.
"""

from __future__ import annotations

import gzip
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from generator import paths

LEVEL = 9  # compressed once, downloaded many times
GZ = ".gz"


def precompress(site_dir: Path, jobs: int = 2) -> int:
    """Write the ``.gz`` twins under ``site_dir``; return how many were written."""
    files = sorted(_candidates(site_dir))
    # zlib releases the GIL while compressing, so threads use both cores without pickling file contents
    with ThreadPoolExecutor(max_workers=max(jobs, 1)) as pool:
        list(pool.map(_twin, files))
    return len(files)


def _candidates(site_dir: Path) -> list[Path]:
    found = []
    for folder in paths.PRECOMPRESSED_DIRS:
        root = site_dir / folder
        if root.is_dir():
            found += [p for p in root.rglob("*") if p.suffix in paths.PRECOMPRESSED_SUFFIXES and p.is_file()]
    return found


def _twin(path: Path) -> None:
    data = path.read_bytes()
    path.with_name(path.name + GZ).write_bytes(gzip.compress(data, compresslevel=LEVEL, mtime=0))
