"""Facts about written files: size and SHA-256, computed once per file version.

Stage: write data packs and write release. Guarantees: a checksum is of the bytes on disk now (the cache key
includes inode, size and modification time, so a rewritten file is hashed again); paths in ``DataFile``s are
relative to site/ with forward slashes.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

from generator.model import DataFile

CHUNK = 1 << 20
FORMATS = {".csv": "csv", ".xlsx": "xlsx", ".jsonl": "jsonl", ".parquet": "parquet", ".zip": "zip"}


def facts(path: Path) -> tuple[int, str]:
    """(bytes, sha256 hex) of a file."""
    st = path.stat()
    return st.st_size, _sha256(str(path), st.st_ino, st.st_size, st.st_mtime_ns)


@lru_cache(maxsize=8192)
def _sha256(path: str, inode: int, size: int, mtime_ns: int) -> str:
    del inode, size, mtime_ns  # part of the cache key only
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def file_format(path: Path) -> str:
    return (
        "datapackage"
        if path.name == "datapackage.json"
        else FORMATS.get(path.suffix, path.suffix.lstrip("."))
    )


def data_file(site_dir: Path, path: Path, dataset: str, rows: int, fmt: str = "") -> DataFile:
    size, sha = facts(path)
    rel = path.relative_to(site_dir).as_posix()
    return DataFile(
        dataset=dataset, format=fmt or file_format(path), path=rel, bytes=size, sha256=sha, rows=rows
    )
