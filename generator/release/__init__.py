"""Versioned data releases: release IDs, deltas, retention, purges, the release history, the data catalogue and
the Atom feed of releases, under ``site/data/``.

Stage: write release (after the data packs). Guarantees: a build whose public data differ from the newest
release's makes a release ``data/releases/<id>/`` (the latest files, hard-linked, and ``delta.jsonl``); one
whose data are unchanged makes none and carries the history as it was; the last ``keep_releases`` releases are
kept; a record withdrawn now (DEL) and the old content of a record changed now (MOD: a correction, or a catalog
change that drops or masks a field) are removed from every kept older release's files and from the content of
older deltas — the new release alone carries the new content — and columns a dataset no longer publishes leave
the older releases' files; each purge is recorded in ``releases.json`` with how many records went for each
reason (``withdrawn``, ``superseded``); DEL lines and purged lines say why and since when (``reasons``); the
latest packages carry the ID and as-of date of their release; every kept release has a manifest of its files
(bytes, SHA-256) and its delta's Data Package, and — given a signing key — ``releases.json``, ``catalog.json``
and each manifest are signed (``seal``); ``releases.json`` states the replay horizon.
Writes only under ``site_dir`` and ``state_out``; the previous site is only read (unchanged files are
hard-linked from it, rewritten ones are new files), so it stays byte-identical until the caller swaps. Given
the build's ``outputs`` (``generator.outputs``), the latest files (once stamped, before a new release links
them) and the manifests are adopted: each one whose bytes the previous site has at the same path becomes a
hard link to that file, so it keeps its inode; their SHA-256 is reused as their digest.
"""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

from generator import paths
from generator.digests import DIGEST_CHARS
from generator.model import DataFile, Publication, ReleaseInfo
from generator.outputs import Outputs
from generator.packs.dcat import dcat_document
from generator.packs.files import data_file
from generator.packs.layout import Stamp
from generator.packs.rewrite import headers_of, restamp, stamp_of
from generator.problems import problem
from generator.release.delta import Diff, write_delta
from generator.release.feed import atom_feed
from generator.release.history import History, Sealing, read_history, releases_document
from generator.release.ids import next_release_id
from generator.release.index import Index, index_of_release, read_state, write_state
from generator.release.manifest import catalog_document, write_json
from generator.release.purge import Purge, Removal, carry, link_tree
from generator.release.reasons import Withdrawals
from generator.release.seal import public_key, seal_releases, sign_documents
from generator.signing import SigningKey


def make_release(
    pub: Publication,
    files: list[DataFile],
    previous_site: Path | None,
    site_dir: Path,
    state_in: Path | None,
    state_out: Path,
    outputs: Outputs | None = None,
    withdrawals: Withdrawals | None = None,
    signer: SigningKey | None = None,
) -> tuple[list[ReleaseInfo], list[DataFile]]:
    """Decide and write the release; returns the kept releases (oldest first) and the manifest files.

    ``files`` are the data-pack stage's files: if the latest packages must be restamped, their entries are
    replaced in place (so the caller's list stays true). ``withdrawals``: the rules stage's account of what it
    withheld (the reasons of DEL lines; without it every one is ``withheld``); ``signer``: the key that signs
    (None: unsigned)."""
    history, problems = read_history(previous_site)
    pub.problems.extend(problems)
    newest = history.newest
    candidate = next_release_id(pub.as_of, newest.id if newest else None)
    latest = {f.dataset: site_dir / f.path for f in files if f.format == "jsonl"}
    previous = _previous_index(state_in, previous_site, newest)
    why = withdrawals or Withdrawals()
    diff, index = write_delta(
        _release_dir(site_dir, candidate) / paths.DELTA_FILE, latest, previous,
        lambda dataset, ids: why.explain(dataset, ids, pub.as_of),
    )  # fmt: skip
    new = _new_release(candidate, pub.as_of, diff) if newest is None or not diff.empty else None
    if new is None:
        shutil.rmtree(_release_dir(site_dir, candidate))
        pub.problems.append(
            problem(
                "release-unchanged", f"公开数据与发布版本 {newest.id if newest else ''} 相同，未生成新版本"
            )
        )
    current = new or newest
    assert current is not None
    files[:] = _stamped(site_dir, pub, files, current)
    _adopt(outputs, files)
    if new is not None:
        _link_latest(site_dir, files, new.id)
    history = _carry(history, new, pub, previous_site, site_dir, files, diff)
    write_state(state_out, current.id, index)
    sealed = seal_releases(
        site_dir, previous_site, history.releases, files, pub.catalog.portal, signer, outputs
    )
    key = public_key(pub.catalog.portal, signer)
    sealing = Sealing(sealed, key.text if key else "", signer is not None)
    manifests = _manifests(pub, files, history, site_dir, previous_site, sealing)
    _adopt(outputs, manifests)
    sign_documents(site_dir, outputs, [paths.RELEASES_JSON, paths.CATALOG_JSON], signer, key)
    return history.releases, manifests


def _adopt(outputs: Outputs | None, files: list[DataFile]) -> None:
    """Let ``outputs`` link each of ``files`` from the previous site when unchanged (digest: its SHA-256)."""
    if outputs is None:
        return
    for f in files:
        outputs.adopt(f.path, f.sha256[:DIGEST_CHARS])


def _release_dir(site_dir: Path, release_id: str) -> Path:
    return site_dir / paths.RELEASES_DIR / release_id


def _previous_index(state_in: Path | None, previous_site: Path | None, newest: ReleaseInfo | None) -> Index:
    if newest is None or previous_site is None:
        return {}
    kept = read_state(state_in, newest.id)
    return kept if kept is not None else index_of_release(_release_dir(previous_site, newest.id))


def _new_release(release_id: str, as_of: date, diff: Diff) -> ReleaseInfo:
    return ReleaseInfo(
        id=release_id, as_of=as_of.isoformat(), counts=dict(sorted(diff.counts.items())),
        added=sum(diff.added.values()), changed=sum(diff.changed.values()),
        withdrawn=sum(len(ids) for ids in diff.withdrawn.values()),
        delta_path=f"{paths.RELEASES_DIR}/{release_id}/{paths.DELTA_FILE}",
    )  # fmt: skip


def _stamped(site_dir: Path, pub: Publication, files: list[DataFile], current: ReleaseInfo) -> list[DataFile]:
    """``files`` with the latest packages stamped as ``current`` (rewritten only if they say otherwise)."""
    stamp = Stamp(current.id, date.fromisoformat(current.as_of))
    if stamp_of(site_dir, files) in (None, stamp):
        return list(files)
    return restamp(site_dir, pub.catalog.portal, stamp, files)


def _link_latest(site_dir: Path, files: list[DataFile], release_id: str) -> None:
    """Hard-link the latest dataset files into the new release's folder."""
    for f in files:
        if f.dataset:
            link_tree(site_dir / f.path, _release_dir(site_dir, release_id) / f.dataset / Path(f.path).name)


def _carry(
    history: History,
    new: ReleaseInfo | None,
    pub: Publication,
    previous: Path | None,
    site_dir: Path,
    files: list[DataFile],
    diff: Diff,
) -> History:
    """The new history: retention applied, older kept releases carried over and purged (of what the new
    release's delta withdrew or superseded, and of columns ``files`` no longer have)."""
    keep = pub.catalog.portal.keep_releases - (1 if new else 0)
    older = history.releases[-keep:] if keep > 0 else []
    removal = _removal(diff, files, site_dir, new.as_of) if new else Removal()
    current = older[-1].id if older and new is None else ""  # no new release: the newest stays current
    purge = carry(previous, site_dir, older, removal, current) if previous else None
    releases = (purge.releases if purge else []) + ([new] if new else [])
    purges = list(history.purges)
    if purge and purge.records:
        assert new is not None
        purges.append(_purge_event(new, purge, removal, pub))
    return History(releases, purges, history.deltas)


def _removal(diff: Diff, files: list[DataFile], site_dir: Path, as_of: str) -> Removal:
    """What the new release's delta takes out of the older releases (and why), and today's columns of each
    dataset."""
    columns = {
        f.dataset: frozenset(headers_of((site_dir / f.path).parent))
        for f in files
        if f.format == "datapackage"
    }
    superseded = ("superseded", as_of)
    why = {d: dict.fromkeys(diff.superseded.get(d, ()), superseded) | diff.why.get(d, {})
           for d in sorted(set(diff.superseded) | set(diff.why))}  # fmt: skip
    return Removal(_nonempty(diff.withdrawn), _nonempty(diff.superseded), columns, why)


def _nonempty(ids: dict[str, set[str]]) -> dict[str, set[str]]:
    return {d: s for d, s in ids.items() if s}


def _purge_event(new: ReleaseInfo, purge: Purge, removal: Removal, pub: Publication) -> dict[str, object]:
    """The purge's entry in ``releases.json`` (how many records, for which reason, from which releases —
    never which records), with a note for the report per reason."""
    withdrawn, superseded = purge.count(removal.withdrawn), purge.count(removal.superseded)
    where = f"已从 {len(purge.rewritten)} 个保留版本的全部文件中删除"
    if withdrawn:
        pub.problems.append(problem("release-purged", f"撤下的 {withdrawn} 条记录{where}"))
    if superseded:
        text = f"{superseded} 条记录因更正或公示规则变化而内容改变，其旧内容{where}"
        pub.problems.append(problem("release-superseded-purged", text))
    return {
        "as_of": new.as_of, "release": new.id, "records": len(purge.records), "releases": purge.rewritten,
        "withdrawn": withdrawn, "superseded": superseded,
    }  # fmt: skip


def _manifests(
    pub: Publication, files: list[DataFile], history: History, site_dir: Path, previous: Path | None,
    sealing: Sealing,
) -> list[DataFile]:  # fmt: skip
    current = history.releases[-1]
    portal = pub.catalog.portal
    written = [
        write_json(site_dir, paths.RELEASES_JSON, releases_document(history, portal, site_dir, previous, sealing),
                   "releases", len(history.releases)),
        write_json(site_dir, paths.CATALOG_JSON, catalog_document(pub, files, current), "catalog", len(pub.tables)),
        write_json(site_dir, paths.CATALOG_JSONLD, dcat_document(pub, files, history.releases), "dcat", len(pub.tables)),
    ]  # fmt: skip
    atom = site_dir / paths.RELEASES_ATOM
    atom.write_bytes(atom_feed(portal, history.releases, history.purges))
    return [*written, data_file(site_dir, atom, "", len(history.releases), "atom")]
