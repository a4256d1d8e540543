"""A rebuild of exactly the inputs the published portal was built from: nothing to render, nothing to write.

Stage: before load (a shortcut of the whole build). A build is a pure function of its inputs — the catalog's
files, ``--as-of``, ``--strict``, gongshi's code, templates and theme, the installed libraries — and of the
previous build's state (which the published portal itself came from); the property test of incremental builds
and the reproducibility tests check that. So when the published site was swapped in by a build with the same
input fingerprint, and its state still describes it (the digest map's seal: its checksum and the site folder's
inode), a new build would give byte-identical output; it is skipped, and the previous build's summary and
problems are returned. Guarantees:
- the fingerprint covers the build options that change output (not ``--jobs``, ``--full`` or ``--out``) —
  the catalog by every file's path and bytes, any other file option by its bytes —, Python's and every
  installed distribution's version, and every file of the ``generator`` package, ``mkdocs.yml`` and
  ``site_templates/``; any difference means a real build;
- ``--full`` never takes the shortcut; a missing, damaged or foreign remembered state means a real build;
- the shortcut writes only ``report/changes.json`` (nothing changed; written whole, then renamed into place).
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

from generator import __version__, paths
from generator.problems import Level, Problem
from generator.report import write_json
from generator.state import site_sealed

FORMAT = 1


@dataclass(frozen=True)
class Remembered:
    """What the build that published the current site returned."""

    summary: dict[str, Any]
    problems: list[Problem]


def fingerprint(settings: dict[str, object]) -> str:
    """Everything a build's output depends on, as one SHA-256: ``settings`` are the build options that change
    output (a path among them counts by its content: a file's bytes, a folder's files)."""
    digest = hashlib.sha256(json.dumps([FORMAT, __version__]).encode())
    digest.update(_environment().encode())
    for label, root in (("code", paths.PACKAGE_DIR), ("theme", paths.REPO_DIR / "site_templates")):
        _tree(digest, label, root)
    _file(digest, "mkdocs", paths.MKDOCS_FILE)
    for name, value in sorted(settings.items()):
        digest.update(f"\0{name}={value!r}".encode())
        if isinstance(value, Path) and value.is_dir():
            _tree(digest, name, value)
        elif isinstance(value, Path) and value.is_file():
            _file(digest, name, value)
    return digest.hexdigest()


def _environment() -> str:
    names = sorted({f"{d.metadata['Name']}=={d.version}" for d in metadata.distributions()})  # once each,
    # however many of sys.path's folders list it (a checkout's own metadata, seen from its root)
    return " ".join([platform.python_version(), *names])


def _tree(digest: Any, label: str, root: Path) -> None:
    for path in _files(root):
        _file(digest, f"{label}/{path.relative_to(root).as_posix()}", path)


def _files(root: Path) -> Iterator[Path]:
    """Every file under ``root``, sorted, compiled-bytecode caches left out."""
    for folder, dirs, names in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        yield from (Path(folder) / name for name in sorted(names))


def _file(digest: Any, name: str, path: Path) -> None:
    with open(path, "rb") as f:
        content = hashlib.file_digest(f, "sha256").hexdigest()
    digest.update(f"\0{name}\0{content}".encode())


def recall(out: Path, print_: str) -> Remembered | None:
    """The remembered result when the published site came from a build with fingerprint ``print_`` and its
    state still describes it; None otherwise."""
    try:
        data = json.loads((out / paths.STATE_DIR / paths.BUILD_MEMORY_FILE).read_text(encoding="utf-8"))
        if data.get("format") != FORMAT or data.get("fingerprint") != print_ or not site_sealed(out):
            return None
        if not (out / paths.REPORT_DIR / paths.BUILD_REPORT_JSON).is_file():
            return None
        return Remembered(data["summary"], [_problem(item) for item in data["problems"]])
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return None


def _problem(item: dict[str, Any]) -> Problem:
    return Problem(**(item | {"level": Level(item["level"])}))


def remember(state_dir: Path, print_: str, summary: dict[str, Any], problems: list[Problem]) -> None:
    """Write the build's fingerprint, summary and problems into the staging state."""
    data = {
        "format": FORMAT,
        "fingerprint": print_,
        "summary": summary,
        "problems": [p.to_dict() for p in problems],
    }
    write_json(state_dir / paths.BUILD_MEMORY_FILE, data)


def report_nothing_changed(out: Path) -> None:
    """``report/changes.json`` of a build that changed nothing (the rest of the report stays true)."""
    report = {"site_replaced": False, "basis": "unchanged", "counts": {"added": 0, "changed": 0, "removed": 0},
              "added": [], "changed": [], "removed": []}  # fmt: skip
    target = out / paths.REPORT_DIR / paths.CHANGES_JSON
    fresh = target.with_name(target.name + ".new")
    fresh.write_text(json.dumps(report, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    os.replace(fresh, target)
