"""``gongshi mirror``: keep a data user's copy of a portal's open data current, verified, by deltas when it can.

Stage: none (the consumer side). Guarantees:
- ``releases.json`` and every manifest used are checked against their signatures with the trusted key — the
  one given (``--key``), else the one pinned in the copy by an earlier run, else (first run) the site's own,
  with a warning — and every delta or full file against its manifest's bytes and SHA-256 before it is used; a
  site that stops signing once a key is pinned is refused;
- the plan follows ``releases.json``'s replay horizon: a copy of the current release is left alone; a copy of
  a release still listed gets each later release's ``delta.jsonl`` applied in order (lines without a record
  delete, ADD inserts, MOD holds the new content); any other copy (none yet, older than the oldest kept
  release, from before a restarted history, unreadable) is replaced by the current release's full JSON Lines
  files;
- the result must have exactly the current release's record count per dataset, or nothing is written; the copy
  is then replaced as a whole (``store``). Any problem of level error leaves the previous copy untouched.
- the report says what changed per dataset (added, changed, deleted) and why records were deleted (the DEL
  lines' ``reason``).
"""

from __future__ import annotations

import json
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator import paths
from generator.mirror.source import Source, Unavailable
from generator.mirror.store import Copy, Records, is_dataset_name, read_copy, write_copy
from generator.mirror.verify import Check, mismatch, release_manifest, signed_document
from generator.problems import Level, Problem, problem
from generator.release.delta import head
from generator.release.index import record_id_of
from generator.signing import PublicKey, UnusableKey, parse_public_key


@dataclass
class Mirrored:
    """What a mirror run did."""

    check: Check
    held: str | None = None  # the release the copy held before
    release: str | None = None  # the release it holds now
    mode: str = "failed"  # current | deltas | resync | failed
    applied: list[str] = field(default_factory=list)  # releases whose deltas were applied
    changes: dict[str, Counter[str]] = field(default_factory=dict)  # dataset → added / changed / deleted
    reasons: Counter[str] = field(default_factory=Counter)  # why records were deleted

    @property
    def failed(self) -> bool:
        return any(p.level is Level.ERROR for p in self.check.problems)

    def summary(self) -> list[str]:
        """What the run did, for the terminal: the releases, then per dataset and the deletion reasons."""
        if self.mode == "current":
            return [f"副本已是当前版本 {self.release}，无需更新。"]
        how = f"应用 {len(self.applied)} 个版本的增量" if self.mode == "deltas" else "下载完整数据"
        lines = [f"副本已从 {self.held or '（无）'} 更新到 {self.release}（{how}）："]
        for dataset, c in sorted(self.changes.items()):
            lines.append(f"  {dataset}：新增 {c['added']}，更正 {c['changed']}，删除 {c['deleted']}")
        if self.reasons:
            lines.append("  删除原因：" + "，".join(f"{r} {n}" for r, n in sorted(self.reasons.items())))
        return lines


def mirror(source: Source, dest: Path, key: PublicKey | None) -> Mirrored:
    """Bring the copy in ``dest`` to ``source``'s current release."""
    copy, problems = read_copy(dest)
    pinned = _pinned(copy)
    # once a key is pinned, a missing signature is refused (it may have been stripped); before, it is a warning
    unsigned = "mirror-signature-dropped" if pinned else "mirror-unsigned"
    done = Mirrored(Check(source, key or pinned, unsigned=unsigned), held=copy.release if copy else None)
    done.check.problems += problems
    releases = signed_document(done.check, paths.RELEASES_JSON)
    if releases is None or done.failed:
        return done
    ids = [str(r.get("id")) for r in releases.get("releases", []) if isinstance(r, dict)]
    current = releases.get("current")
    if not ids or current != ids[-1]:
        done.check.fail("verify-malformed", paths.RELEASES_JSON, f"current（{current}）不是所列最后一个版本")
        return done
    if copy is not None and copy.release == current:
        done.mode, done.release = "current", current
        return done
    entries = {str(r.get("id")): r for r in releases["releases"]}
    if copy is not None and copy.release in ids:
        records = _deltas(done, entries, ids[ids.index(copy.release) + 1 :], copy.records)
        done.mode = "deltas"
    else:
        done.check.problems.append(_resync_note(done.held, ids[0], current))
        records = _full(done, entries[current], copy.records if copy else {})
        done.mode = "resync"
    if records is None or done.failed or not _counts_match(done, records, entries[current]):
        done.mode = "failed"
        return done
    done.release = current
    summary = {"from": done.held, "to": current, "mode": done.mode, "applied": done.applied,
               "changes": {d: dict(c) for d, c in sorted(done.changes.items())}, "reasons": dict(done.reasons)}  # fmt: skip
    key_text = done.check.key.text if done.check.key else ""
    write_copy(dest, Copy(current, source.root, key_text, records, summary))
    return done


def _pinned(copy: Copy | None) -> PublicKey | None:
    try:
        return parse_public_key(copy.public_key) if copy and copy.public_key else None
    except UnusableKey:
        return None


def _resync_note(held: str | None, oldest: str, current: str) -> Problem:
    if held is None:
        text = f"尚无副本，下载当前版本 {current} 的完整数据"
    else:
        text = f"副本的版本 {held} 不在网站保留的版本中（最早为 {oldest}），增量无法衔接，重新下载当前版本 {current} 的完整数据"
    return problem("mirror-resync", text, value=held or "")


def _deltas(done: Mirrored, entries: dict[str, Any], later: list[str], held: Records) -> Records | None:
    records = {d: dict(r) for d, r in held.items()}
    for release_id in later:
        manifest = release_manifest(done.check, entries[release_id])
        if manifest is None or done.failed:
            return None
        listed = {str(f.get("path")): f for f in manifest.get("files", []) if isinstance(f, dict)}
        rel = f"{paths.RELEASES_DIR}/{release_id}/{paths.DELTA_FILE}"
        with _downloaded(done, rel, listed.get(paths.DELTA_FILE, {})) as path:
            if path is None:
                return None
            _apply(done, records, path)
        done.applied.append(release_id)
    return records


def _full(done: Mirrored, entry: dict[str, Any], before: Records) -> Records | None:
    manifest = release_manifest(done.check, entry)
    if manifest is None or done.failed:
        return None
    records: Records = {}
    for item in manifest.get("files", []):
        dataset, _, name = str(item.get("path", "")).partition("/")
        if name != f"{dataset}.jsonl" or not is_dataset_name(dataset):
            continue
        with _downloaded(done, f"{paths.RELEASES_DIR}/{entry.get('id')}/{item['path']}", item) as path:
            if path is None:
                return None
            records[dataset] = _lines(path)
    for dataset in sorted(set(records) | set(before)):
        old, new = before.get(dataset, {}), records.get(dataset, {})
        done.changes[dataset] = Counter(
            added=len(new.keys() - old.keys()), deleted=len(old.keys() - new.keys()),
            changed=sum(1 for rid in new.keys() & old.keys() if new[rid] != old[rid]),
        )  # fmt: skip
    return records


class _downloaded:
    """A file of the source saved to a temporary file and checked against its manifest entry (``None`` inside
    the ``with`` when it could not be had or does not match; a problem says why)."""

    def __init__(self, done: Mirrored, rel: str, expected: dict[str, Any]) -> None:
        self.done, self.rel, self.expected = done, rel, expected
        self.folder = tempfile.TemporaryDirectory(prefix="gongshi-mirror-")

    def __enter__(self) -> Path | None:
        path = Path(self.folder.name) / "file"
        try:
            size, sha = self.done.check.source.save(self.rel, path)
        except Unavailable as exc:
            self.done.check.problems.append(
                problem("verify-unavailable", str(exc), file=self.done.check.source.where(self.rel))
            )
            return None
        self.done.check.files += 1
        return path if mismatch(self.done.check, self.rel, size, sha, self.expected) else None

    def __exit__(self, *_: object) -> None:
        self.folder.cleanup()


def _apply(done: Mirrored, records: Records, delta: Path) -> None:
    """Apply one delta to ``records`` (the rules of ``releases.json``'s delta_format)."""
    with open(delta, "rb") as f:
        for line in f:
            if not line.strip():
                continue
            change = json.loads(line)
            dataset, rid, op = str(change["dataset"]), str(change["记录ID"]), str(change["op"])
            held = records.setdefault(dataset, {})
            counts = done.changes.setdefault(dataset, Counter())
            if "record" not in change:
                if held.pop(rid, None) is not None:
                    counts["deleted"] += 1
                    done.reasons[str(change.get("reason", "withheld"))] += 1
                continue
            counts["changed" if rid in held else "added"] += 1
            held[rid] = _record_bytes(line, op, dataset, rid, change["record"])


def _record_bytes(line: bytes, op: str, dataset: str, rid: str, record: Any) -> bytes:
    """The record's JSON Lines line as the portal publishes it: cut from the delta line (which embeds it
    byte for byte), or written again when the line is not in gongshi's own layout."""
    prefix = head(op, dataset, rid) + b',"record":'
    text = line.rstrip(b"\n")
    if text.startswith(prefix) and text.endswith(b"}"):
        return text[len(prefix) : -1]
    return json.dumps(record, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _lines(path: Path) -> dict[str, bytes]:
    with open(path, "rb") as f:
        return {record_id_of(line): line.rstrip(b"\n") for line in f if line.strip()}


def _counts_match(done: Mirrored, records: Records, entry: dict[str, Any]) -> bool:
    """The copy has exactly the current release's number of records in every dataset."""
    want = {str(d): int(n) for d, n in dict(entry.get("counts", {})).items() if int(n)}
    have = {d: len(r) for d, r in records.items() if r}
    if want == have:
        return True
    text = f"更新后的记录数 {have} 与当前版本的记录数 {want} 不符，副本未更新"
    done.check.fail("mirror-count-mismatch", paths.RELEASES_JSON, text)
    return False
