"""Batch cache keys: what, besides a file's bytes, decides the rows read from it and its outcome.

Stage: load (the batch cache, ``generator.loading.cache``). Guarantees: ``reading_key`` changes with
gongshi's version and the schema's columns and accepted header spellings; ``outcome_key`` also with the
source of the load and validate stages (``OUTCOME_CODE``), the versions of the libraries they use and of
Python, the whole schema, the dataset and the file's path — so an edited checkout never takes outcomes
computed by other code. A ``Snapshot`` notices a file that changed while it was read (such a read is never
cached under the hash).
"""

from __future__ import annotations

import hashlib
import json
import platform
from dataclasses import dataclass
from functools import cache
from importlib import metadata
from pathlib import Path

from generator import __version__
from generator.paths import PACKAGE_DIR
from generator.schema import Schema

# what decides a file's outcome besides its bytes and the schema: the code of these modules (relative to the
# package) and these libraries' versions (stdnum's area-code table, pyarrow's CSV reader, openpyxl's XLSX one…)
OUTCOME_CODE = (
    "inputs.py", "loading", "validate.py", "validation", "identifiers.py", "schema.py", "model.py",
    "problems.py",
)  # fmt: skip
OUTCOME_LIBRARIES = ("numpy", "pandas", "pyarrow", "openpyxl", "python-stdnum")


@dataclass(frozen=True)
class Snapshot:
    """A file's SHA-256, and its size and modification time when it was hashed (to notice a file that
    changes while it is read: such a read is never cached under the hash)."""

    sha256: str
    stamp: tuple[int, int, int]

    @classmethod
    def take(cls, path: Path) -> Snapshot | None:
        try:
            stamp = _stamp(path)
            return cls(file_sha256(path), stamp)
        except OSError:
            return None

    def unchanged(self, path: Path) -> bool:
        try:
            return _stamp(path) == self.stamp
        except OSError:
            return False


def _stamp(path: Path) -> tuple[int, int, int]:
    stat = path.stat()
    return stat.st_size, stat.st_mtime_ns, stat.st_ino


def reading_key(schema: Schema) -> str:
    """What, besides the bytes, decides the rows read from a file: gongshi's version and the schema's
    columns and accepted header spellings."""
    text = json.dumps([__version__, schema.names, sorted(schema.header_map().items())], ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def outcome_key(schema: Schema, dataset: str, path: str) -> str:
    """What, besides the bytes, decides a file's outcome: the code and libraries (``code_fingerprint``), the
    whole schema (titles and rules are in the messages), the dataset (record IDs) and the path (messages)."""
    text = json.dumps([code_fingerprint(), repr(schema), dataset, path], ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


@cache
def code_fingerprint() -> str:
    """gongshi's version, the source of the load and validate stages, the libraries' versions and Python's:
    a checkout edited without a version bump must not take outcomes computed by other code."""
    digest = hashlib.sha256(f"{__version__} {platform.python_version()}".encode())
    for name in OUTCOME_LIBRARIES:
        digest.update(f" {name} {library_version(name)}".encode())
    for item in OUTCOME_CODE:
        root = PACKAGE_DIR / item
        for source in sorted(root.rglob("*.py")) if root.is_dir() else [root]:
            digest.update(source.relative_to(PACKAGE_DIR).as_posix().encode() + b"\0" + source.read_bytes())
    return digest.hexdigest()


def library_version(name: str) -> str:
    """The installed version of distribution ``name`` (``-`` when it is not installed)."""
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "-"


def file_sha256(path: Path) -> str:
    with open(path, "rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()
