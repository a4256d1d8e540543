"""``releases.json``: the release history — kept releases (oldest first) and purge events.

Stage: write release. Guarantees: the history is read back from the previous site's ``releases.json``;
a release whose folder is missing there is dropped (it cannot be carried), an unreadable file means no history
(the next release starts afresh) — never a crash. Each release lists its as-of date, record counts, how many
records were added, changed and withdrawn, its delta (path, URL, bytes, SHA-256) and its data packages;
each purge event says when (``as_of``), in which release (``release``), how many records were removed
(``records``) from which kept releases (``releases``), and how many of them because they were withdrawn
(``withdrawn``: DEL in that release's delta) or because their old content was superseded (``superseded``: MOD —
a correction or a catalog change such as a field dropped or masked for privacy) — never which records.
Events written before those two counts existed lack them (they were all withdrawals). ``replay`` states the
replay horizon: the oldest kept release a delta chain starts from, and that a consumer holding a release not
listed (older, or from before a restarted history) downloads the current release's full files instead;
``signing`` says whether the releases are signed, with which public key, and how to check. Each release links
its signed ``manifest`` (bytes and SHA-256 of every file of the release) and its delta's Data Package.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator import paths
from generator.config import Portal
from generator.model import ReleaseInfo
from generator.packs.files import facts
from generator.problems import Problem, problem
from generator.release.ids import is_release_id

DELTA_FORMAT = {
    "zh": "每行一个 JSON 对象：op 为 ADD（新增）、MOD（更正）或 DEL（撤下）；dataset 为数据集；记录ID 为稳定编号；"
    "ADD/MOD 行的 record 为完整的新公开记录；DEL 行只有编号。没有 record 的行（DEL 或 purged）表示不得再保存该记录。"
    "记录被撤下或内容改变（更正、公示规则收紧）后，较早版本中的该记录及其旧内容会被删除（purged），"
    "因此 MOD 行表示保存其中的内容：已有该记录则替换，没有则新增。"
    "DEL 行和被删除（purged）的行另有 reason（expired 公示期或有效期届满、repaired 已信用修复、revoked 已撤销、"
    "delisted 已移出名单、superseded 旧内容已被取代、withheld 其他原因不再公示）和 since（自该日起）。"
    "从任一保留版本的完整数据出发，按顺序应用其后各版本的增量，即得到最新数据。字段定义见各版本的 datapackage.json。",
    "en": "One JSON object per line: op is ADD, MOD or DEL; dataset; 记录ID (stable record ID). ADD/MOD lines carry "
    "the full new public record in 'record'; DEL lines only the ID. A line without 'record' (DEL, or an old line "
    "marked 'purged') means the record must no longer be held. When a record is withdrawn or its content changes "
    "(a correction, tightened publication rules), older releases are purged of it and of its old content, so a MOD "
    "line means 'hold this content': replace the record if held, insert it if not. DEL and purged lines also say "
    "why (reason: expired, repaired, revoked, delisted, superseded — old content replaced —, or withheld for any "
    "other reason) and since when (since, a date). Starting from any kept release's full files and applying the "
    "later deltas in order gives the latest data. The fields are described in each release's datapackage.json.",
}


@dataclass
class History:
    """The kept releases (oldest first), purge events, and what was known of each release's delta file."""

    releases: list[ReleaseInfo] = field(default_factory=list)
    purges: list[dict[str, Any]] = field(default_factory=list)
    deltas: dict[str, dict[str, Any]] = field(default_factory=dict)  # release id → delta entry

    @property
    def newest(self) -> ReleaseInfo | None:
        return self.releases[-1] if self.releases else None


def read_history(previous_site: Path | None) -> tuple[History, list[Problem]]:
    """The history of the site ``previous_site`` (empty when there is none or it is unreadable)."""
    if previous_site is None:
        return History(), []
    try:
        data = json.loads((previous_site / paths.RELEASES_JSON).read_text(encoding="utf-8"))
        entries = list(data.get("releases", []))
        kept = [e for e in entries if _carried(previous_site, e)]
        history = History(
            [_info(e) for e in kept], list(data.get("purges", [])), {e["id"]: e["delta"] for e in kept}
        )
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return History(), _restarted(previous_site)
    missing = [str(e.get("id", "")) for e in entries if e not in kept]
    return history, [problem("release-missing-folder", f"发布版本 {rid} 在上一版网站中没有目录，已从发布历史中移除",
                             file=paths.RELEASES_JSON, value=rid) for rid in missing]  # fmt: skip


def _restarted(previous_site: Path) -> list[Problem]:
    """A warning when an earlier site had releases but its history cannot be read."""
    if not (previous_site / paths.RELEASES_DIR).is_dir():
        return []
    text = "上一版网站的 data/releases.json 缺失或无法读取，发布历史从本次构建重新开始"
    return [problem("release-history-restarted", text, file=paths.RELEASES_JSON)]


def _carried(previous_site: Path | None, entry: dict[str, Any]) -> bool:
    rid = str(entry.get("id", ""))
    return (
        previous_site is not None
        and is_release_id(rid)
        and (previous_site / paths.RELEASES_DIR / rid).is_dir()
    )


def _info(entry: dict[str, Any]) -> ReleaseInfo:
    counts = {str(k): int(v) for k, v in entry["counts"].items()}
    return ReleaseInfo(
        id=str(entry["id"]), as_of=str(entry["as_of"]), counts=counts, added=int(entry["added"]),
        changed=int(entry["changed"]), withdrawn=int(entry["withdrawn"]), delta_path=str(entry["delta"]["path"]),
    )  # fmt: skip


@dataclass(frozen=True)
class Sealing:
    """What ``releases.json`` says of signatures: each release's manifest entry, the public key (if any) and
    whether this build signed."""

    manifests: dict[str, dict[str, Any]] = field(default_factory=dict)
    public_key: str = ""
    signed: bool = False


def releases_document(
    history: History,
    portal: Portal,
    site_dir: Path,
    previous_site: Path | None,
    sealing: Sealing | None = None,
) -> dict[str, Any]:
    """The content of ``releases.json`` for the releases in ``history`` as they now are under ``site_dir``."""
    newest, sealing = history.newest, sealing or Sealing()
    entries = [_entry(r, history, portal, site_dir, previous_site) for r in history.releases]
    for entry in entries:
        entry["manifest"] = sealing.manifests.get(entry["id"])
    return {
        "portal": portal.name,
        "base_url": portal.base_url,
        "current": newest.id if newest else None,
        "keep_releases": portal.keep_releases,
        "replay": replay(history, portal),
        "signing": signing(portal, sealing),
        "delta_format": DELTA_FORMAT,
        "releases": entries,
        "purges": history.purges,
    }


def replay(history: History, portal: Portal) -> dict[str, Any]:
    """The replay horizon: from which release deltas reach the current one, and what an older consumer does."""
    oldest, newest = (history.releases[0].id, history.newest.id) if history.newest else (None, None)
    full = f"{paths.RELEASES_DIR}/{newest}/" if newest else None
    return {
        "from": oldest, "full": full, "full_url": portal.base_url + full if full else None,
        "zh": f"持有 releases 中所列版本（最早为 {oldest}）的使用方：按顺序应用其后各版本的 delta.jsonl。"
              f"持有的版本不在其中（早于 {oldest}，或发布历史重新开始过）的使用方：增量已无法衔接，"
              f"请下载当前版本 {newest} 的完整文件（{full}）替换全部数据，再从该版本起按增量更新。",
        "en": f"A consumer holding a release listed in releases (the oldest is {oldest}) applies the delta.jsonl "
              f"of every later release in order. A consumer holding any other release (older than {oldest}, "
              f"or from before a restarted history) cannot catch up by deltas: it replaces all its data with "
              f"the full files of the current release {newest} ({full}), then follows the deltas from there.",
    }  # fmt: skip


def signing(portal: Portal, sealing: Sealing) -> dict[str, Any]:
    """How the releases are signed (or that they are not)."""
    key = sealing.public_key or None
    return {
        "signed": sealing.signed, "algorithm": "Ed25519", "format": "signify", "public_key": key,
        "public_key_file": paths.SIGNING_KEY_PUB if key else None,
        "public_key_url": portal.base_url + paths.SIGNING_KEY_PUB if key else None,
        "signature_suffix": paths.SIGNATURE_SUFFIX,
        "signed_files": [paths.RELEASES_JSON, paths.CATALOG_JSON,
                         f"{paths.RELEASES_DIR}/<id>/{paths.RELEASE_MANIFEST_FILE}"] if sealing.signed else [],
        "zh": "每个签名文件旁有同名加 .sig 的 Ed25519 签名（signify 格式）。请用门户“发布历史”页面或 portal.yaml "
              "公布的公钥核验：gongshi verify 网址或文件夹 --key 公钥；或 signify -V -p signing-key.pub -m 文件。"
              "manifest.json 列出该版本每个文件的字节数和 SHA-256。",
        "en": "Each signed file has an Ed25519 signature beside it, named FILE.sig (signify format). Check it with "
              "the public key published on the portal's release page and in portal.yaml: gongshi verify URL-or-folder "
              "--key KEY, or signify -V -p signing-key.pub -m FILE. Each release's manifest.json lists the bytes "
              "and SHA-256 of every file of the release.",
    }  # fmt: skip


def _entry(
    release: ReleaseInfo, history: History, portal: Portal, site_dir: Path, previous_site: Path | None
) -> dict[str, Any]:
    folder = f"{paths.RELEASES_DIR}/{release.id}"
    packages = sorted(p.parent.name for p in (site_dir / folder).glob(f"*/{paths.DATAPACKAGE_FILE}"))
    return {
        "id": release.id, "as_of": release.as_of, "url": portal.base_url + folder + "/",
        "counts": dict(sorted(release.counts.items())), "total": sum(release.counts.values()),
        "added": release.added, "changed": release.changed, "withdrawn": release.withdrawn,
        "delta": _delta(release, history, portal, site_dir, previous_site),
        "delta_package": f"{folder}/{paths.RELEASE_PACKAGE_FILE}",
        "datapackages": {d: f"{folder}/{d}/{paths.DATAPACKAGE_FILE}" for d in packages},
    }  # fmt: skip


def _delta(
    release: ReleaseInfo, history: History, portal: Portal, site_dir: Path, previous_site: Path | None
) -> dict[str, Any]:
    """The delta's entry; the size and checksum are reused when the file is the previous site's (linked)."""
    known = history.deltas.get(release.id)
    new, old = site_dir / release.delta_path, (previous_site / release.delta_path if previous_site else None)
    where = {"path": release.delta_path, "url": portal.base_url + release.delta_path}
    if known and old is not None and old.is_file() and os.path.samefile(new, old):
        return where | {"bytes": int(known["bytes"]), "sha256": str(known["sha256"])}
    size, sha = facts(new)
    return where | {"bytes": size, "sha256": sha}
