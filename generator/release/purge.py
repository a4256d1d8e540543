"""Carrying kept releases into the new site, purged of records withdrawn since.

Stage: write release. Guarantees: the previous site is only read, never changed; a kept release's file that
holds no withdrawn record is hard-linked into the new site (the same bytes, no copy; a copy where links are
impossible), and one that holds any is written afresh without them (dataset files and their
``datapackage.json`` checksums; ``delta.jsonl`` lines stripped of content — see ``delta``). Symbolic links
and odd names in the previous site are not followed.
"""

from __future__ import annotations

import errno
import os
import shutil
from dataclasses import dataclass, field, replace
from pathlib import Path

import pyarrow.parquet as pq

from generator import paths
from generator.model import ReleaseInfo
from generator.packs.layout import RECORD_ID_HEADER
from generator.packs.rewrite import rewrite_without
from generator.release.delta import purge_delta
from generator.release.index import records


@dataclass
class Purge:
    """What purging the kept releases did."""

    releases: list[ReleaseInfo] = field(default_factory=list)  # with counts after the purge
    rewritten: list[str] = field(default_factory=list)  # IDs of releases whose files were rewritten
    records: set[tuple[str, str]] = field(default_factory=set)  # (dataset, record ID) removed somewhere


def carry(
    previous_site: Path, site_dir: Path, kept: list[ReleaseInfo], withdrawn: dict[str, set[str]]
) -> Purge:
    """Bring the releases ``kept`` from ``previous_site`` into ``site_dir``, purging ``withdrawn`` records."""
    purge = Purge()
    tasks: list[tuple[Path, Path, set[str]]] = []
    owners: list[tuple[int, str]] = []  # (index in kept, dataset) of each rewrite task
    for i, release in enumerate(kept):
        source = previous_site / paths.RELEASES_DIR / release.id
        target = site_dir / paths.RELEASES_DIR / release.id
        rewrites, delta_purged = _carry_release(source, target, withdrawn, purge)
        tasks += rewrites
        owners += [(i, task[0].name) for task in rewrites]
        if rewrites or delta_purged:
            purge.rewritten.append(release.id)
    counts: dict[int, dict[str, int]] = {}
    for (i, dataset), left in zip(owners, rewrite_without(tasks) if tasks else [], strict=True):
        counts.setdefault(i, {})[dataset] = left
    purge.releases = [replace(r, counts={**r.counts, **counts.get(i, {})}) for i, r in enumerate(kept)]
    return purge


def _carry_release(
    source: Path, target: Path, withdrawn: dict[str, set[str]], purge: Purge
) -> tuple[list[tuple[Path, Path, set[str]]], bool]:
    """Link what stays, purge the delta; return the dataset folders to rewrite and whether the delta was."""
    rewrites: list[tuple[Path, Path, set[str]]] = []
    delta_purged = False
    target.mkdir(parents=True, exist_ok=True)
    for entry in sorted(source.iterdir()):
        if entry.is_symlink():
            continue
        if entry.is_dir() and (hits := _present(entry, withdrawn.get(entry.name, set()))):
            rewrites.append((entry, target / entry.name, withdrawn[entry.name]))
            purge.records |= {(entry.name, rid) for rid in hits}
        elif entry.name == paths.DELTA_FILE and purge_delta(entry, target / entry.name, withdrawn):
            delta_purged = True
        else:
            link_tree(entry, target / entry.name)
    return rewrites, delta_purged


def _present(folder: Path, ids: set[str]) -> set[str]:
    """Which of ``ids`` a release's dataset folder holds."""
    if not ids:
        return set()
    source = folder / f"{folder.name}.parquet"
    if source.is_file():
        return ids.intersection(pq.read_table(source, columns=[RECORD_ID_HEADER]).column(0).to_pylist())
    jsonl = folder / f"{folder.name}.jsonl"
    return ids.intersection(rid for rid, _, _ in records(jsonl)) if jsonl.is_file() else set()


def link_tree(source: Path, target: Path) -> None:
    """Hard-link the regular files under ``source`` to the same places under ``target``."""
    if source.is_symlink():
        return
    if source.is_dir():
        target.mkdir(parents=True, exist_ok=True)
        for entry in sorted(source.iterdir()):
            link_tree(entry, target / entry.name)
    elif source.is_file():
        _link(source, target)


def _link(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(source, target)
    except OSError as exc:
        if exc.errno not in (errno.EXDEV, errno.EPERM, errno.EMLINK, errno.ENOTSUP):
            raise
        shutil.copyfile(source, target)
