"""Carrying kept releases into the new site, purged of records withdrawn since and of content superseded since.

Stage: write release. Guarantees: the previous site is only read, never changed; a kept release's file that
holds no record to remove is hard-linked into the new site (the same bytes, no copy; a copy where links are
impossible), and one that holds any is written afresh without them (dataset files and their
``datapackage.json`` checksums; ``delta.jsonl`` lines stripped of content and marked with the reason and
since of the removal — see ``delta``). The files that describe a release as a whole (its manifest, signatures
and delta package) are not carried: the release stage writes them anew for the release as it now is. Records to remove
are those withdrawn now (DEL in the new delta) and those whose public content changed now (MOD: a correction,
or a catalog change such as a field dropped or masked for privacy) — their old content must not outlive them in
older releases; the new release carries the new content. A dataset folder whose columns include any that the
dataset no longer publishes is written afresh without those columns, even if no record had to go. A release
keeps its XLSX workbooks only while it is the current one: once older, its dataset folders are written afresh
in the machine formats (``packs.rewrite.KEPT_FORMATS``) the first time they are carried, and any later purge
rewrites only those — a daily purge across ten kept releases would otherwise rewrite ten workbooks per dataset.
Symbolic links and odd names in the previous site are not followed.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field, replace
from pathlib import Path

import pyarrow.parquet as pq

from generator import paths
from generator.model import ReleaseInfo
from generator.packs.layout import RECORD_ID_HEADER
from generator.packs.rewrite import Rewrite, headers_of, rewrite_without
from generator.release.delta import Reasons, purge_delta
from generator.release.index import records
from generator.sitefiles import link_over

# written anew for every kept release by the release stage (``seal``), never carried as they were
DESCRIBING = frozenset(
    {
        paths.RELEASE_MANIFEST_FILE,
        paths.RELEASE_MANIFEST_FILE + paths.SIGNATURE_SUFFIX,
        paths.RELEASE_PACKAGE_FILE,
    }
)

Ids = dict[str, set[str]]  # dataset → record IDs


@dataclass(frozen=True)
class Removal:
    """What must leave the kept releases: records withdrawn now, records whose old content was superseded now
    (per dataset), and the columns each dataset published now has (older releases keep no others)."""

    withdrawn: Ids = field(default_factory=dict)
    superseded: Ids = field(default_factory=dict)
    columns: dict[str, frozenset[str]] = field(default_factory=dict)
    why: Reasons = field(default_factory=dict)  # (reason, since) of every record to remove

    def records(self) -> Ids:
        """Every record to remove, whatever the reason."""
        datasets = sorted(set(self.withdrawn) | set(self.superseded))
        return {d: self.withdrawn.get(d, set()) | self.superseded.get(d, set()) for d in datasets}


@dataclass
class Purge:
    """What purging the kept releases did."""

    releases: list[ReleaseInfo] = field(default_factory=list)  # with counts after the purge
    rewritten: list[str] = field(default_factory=list)  # IDs of releases whose files were rewritten
    records: set[tuple[str, str]] = field(default_factory=set)  # (dataset, record ID) removed somewhere

    def count(self, ids: Ids) -> int:
        """How many of the records removed are among ``ids``."""
        return sum(1 for dataset, rid in self.records if rid in ids.get(dataset, ()))


def carry(
    previous_site: Path, site_dir: Path, kept: list[ReleaseInfo], removal: Removal, current: str = ""
) -> Purge:
    """Bring the releases ``kept`` from ``previous_site`` into ``site_dir``, purged as ``removal`` says;
    ``current`` names the kept release that stays the current one (when no new release is made): it keeps its
    workbooks."""
    purge = Purge()
    tasks: list[Rewrite] = []
    owners: list[int] = []  # index in kept of each rewrite task
    for i, release in enumerate(kept):
        source = previous_site / paths.RELEASES_DIR / release.id
        target = site_dir / paths.RELEASES_DIR / release.id
        rewrites, removed = _carry_release(source, target, removal, purge, release.id != current)
        tasks += rewrites
        owners += [i] * len(rewrites)
        if removed:
            purge.rewritten.append(release.id)
    counts: dict[int, dict[str, int]] = {}
    for i, task, left in zip(owners, tasks, rewrite_without(tasks) if tasks else [], strict=True):
        counts.setdefault(i, {})[task.source.name] = left
    purge.releases = [replace(r, counts={**r.counts, **counts.get(i, {})}) for i, r in enumerate(kept)]
    return purge


def _carry_release(
    source: Path, target: Path, removal: Removal, purge: Purge, older: bool
) -> tuple[list[Rewrite], bool]:
    """Link what stays, purge the delta; return the dataset folders to rewrite and whether anything of the
    release was removed (records, or delta lines). An ``older`` release's folders that still hold workbooks are
    rewritten without them."""
    rewrites: list[Rewrite] = []
    removed = False
    drop = removal.records()
    target.mkdir(parents=True, exist_ok=True)
    for entry in sorted(source.iterdir()):
        if entry.is_symlink() or entry.name in DESCRIBING:
            continue
        task = (
            _rewrite(entry, target / entry.name, drop, removal.columns, purge, older)
            if entry.is_dir()
            else None
        )
        if task is not None:
            rewrites.append(task)
            removed = removed or task.hits
        elif entry.name == paths.DELTA_FILE and purge_delta(entry, target / entry.name, removal.why):
            removed = True
        else:
            link_tree(entry, target / entry.name)
    return rewrites, removed


def _rewrite(
    folder: Path, target: Path, drop: Ids, columns: dict[str, frozenset[str]], purge: Purge, older: bool
) -> Rewrite | None:
    """The rewrite a release's dataset folder needs (None: it can be linked as it is)."""
    ids = drop.get(folder.name, set())
    hits = _present(folder, ids)
    narrow = _narrowing(folder, columns.get(folder.name))
    if not hits and narrow is None and not (older and any(folder.glob("*.xlsx"))):
        return None
    purge.records |= {(folder.name, rid) for rid in hits}
    return Rewrite(folder, target, ids, narrow, hits=bool(hits))


def _narrowing(folder: Path, today: frozenset[str] | None) -> frozenset[str] | None:
    """``today`` if the folder has columns the dataset no longer publishes; None if not (or not known)."""
    if today is None or not (folder / paths.DATAPACKAGE_FILE).is_file():
        return None
    return today if set(headers_of(folder)) - today else None


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
    if not link_over(source, target):  # links impossible here (another filesystem…): a copy
        shutil.copyfile(source, target)
