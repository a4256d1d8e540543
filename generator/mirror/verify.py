"""``gongshi verify``: check that a published portal's open data are whole and signed by the credit office.

Stage: none (the consumer side). Guarantees: ``releases.json`` and ``catalog.json`` are checked against their
signatures, then every kept release's manifest against its signature and against the bytes and SHA-256 that
``releases.json`` records for it, then every file a manifest or the catalogue lists against its bytes and
SHA-256 — each file read once as a stream. Every mismatch is a ``Problem`` naming the file (its URL or path)
and saying what was expected and what was found: a truncated download gives both sizes and both hashes; a
signature by another key names both key numbers. Without ``--key`` the site's own published key is used, and a
warning says that this proves the files are as the site signed them, not who signed them. Nothing is written.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from generator import paths
from generator.mirror.source import Source, Unavailable
from generator.problems import Problem, problem
from generator.signing import PublicKey, UnusableKey, parse_public_key

SIGNED_DOCUMENTS = (paths.RELEASES_JSON, paths.CATALOG_JSON)


@dataclass
class Check:
    """What a verification found: problems, the key used, and how many files were checked."""

    source: Source
    key: PublicKey | None = None
    problems: list[Problem] = field(default_factory=list)
    files: int = 0
    signed: bool = True  # every signature that should be there was there
    unsigned: str = "verify-unsigned"  # the code of a missing signature (the mirror's differ)

    def fail(self, code: str, rel: str, text: str, **where: Any) -> None:
        self.problems.append(problem(code, text, file=self.source.where(rel), **where))


def verify(source: Source, key: PublicKey | None) -> Check:
    """Check every signature and every file of ``source``'s open data (``key``: the key to trust)."""
    check = Check(source, key)
    releases = signed_document(check, paths.RELEASES_JSON)
    catalog = signed_document(check, paths.CATALOG_JSON)
    if releases is not None:
        for entry in _list(releases.get("releases")):
            manifest = release_manifest(check, entry)
            folder = f"{paths.RELEASES_DIR}/{entry.get('id')}/"
            for item in _list(manifest.get("files") if manifest else None):
                check_file(check, folder + str(item.get("path")), item)
    if catalog is not None:
        for item in _catalogue_files(catalog):
            check_file(check, str(item.get("path")), item)
    return check


def signed_document(check: Check, rel: str) -> dict[str, Any] | None:
    """The JSON document ``rel`` once its signature is checked (None when it cannot be read)."""
    try:
        data = check.source.read(rel)
    except Unavailable as exc:
        check.problems.append(problem("verify-unavailable", str(exc), file=check.source.where(rel)))
        return None
    check.files += 1
    if check.key is None:
        check.key = _published_key(check)
    return signed_document_bytes(check, rel, data)


def release_manifest(check: Check, entry: dict[str, Any]) -> dict[str, Any] | None:
    """A release's manifest, checked against ``releases.json``'s record of it and against its signature."""
    recorded = entry.get("manifest")
    if not isinstance(recorded, dict):
        check.fail(
            "verify-malformed", paths.RELEASES_JSON, f"版本 {entry.get('id')} 没有清单（manifest）记录"
        )
        return None
    rel = str(recorded.get("path"))
    try:
        data = check.source.read(rel)
    except Unavailable as exc:
        check.problems.append(problem("verify-unavailable", str(exc), file=check.source.where(rel)))
        return None
    if not _matches(check, rel, data, recorded):
        return None
    return signed_document_bytes(check, rel, data)


def signed_document_bytes(check: Check, rel: str, data: bytes) -> dict[str, Any] | None:
    """``data`` (the file ``rel``, already read) parsed once its signature is checked."""
    try:
        signature = check.source.read_optional(rel + paths.SIGNATURE_SUFFIX)
    except Unavailable as exc:
        check.problems.append(problem("verify-unavailable", str(exc), file=check.source.where(rel)))
        return None
    if signature is None:
        check.signed = False
        check.fail(check.unsigned, rel, f"没有签名文件 {rel}{paths.SIGNATURE_SUFFIX}，无法核验它来自信用办")
    elif check.key is None:
        text = f"有签名，但没有可用于核验的公钥（网站未公布 {paths.SIGNING_KEY_PUB}）：请用 --key 指定信用办公布的公钥"
        check.fail("verify-no-key", rel, text)
    elif (wrong := check.key.verify(data, signature)) is not None:
        check.fail("verify-bad-signature", rel, wrong, value=check.key.fingerprint)
    return _parsed(check, rel, data)


def check_file(check: Check, rel: str, expected: dict[str, Any]) -> bool:
    """Whether the file ``rel`` has the bytes and SHA-256 ``expected`` lists (a problem when not)."""
    try:
        size, sha = check.source.facts(rel)
    except Unavailable as exc:
        check.problems.append(problem("verify-unavailable", str(exc), file=check.source.where(rel)))
        return False
    check.files += 1
    return mismatch(check, rel, size, sha, expected)


def mismatch(check: Check, rel: str, size: int, sha: str, expected: dict[str, Any]) -> bool:
    """True when (``size``, ``sha``) are what ``expected`` lists for ``rel``; else a problem saying both."""
    want_size, want_sha = expected.get("bytes"), expected.get("sha256")
    if size == want_size and sha == want_sha:
        return True
    cut = "（文件不完整，可能下载被截断）" if isinstance(want_size, int) and size < want_size else ""
    text = (f"内容与清单不符{cut}：应为 {want_size} 字节、SHA-256 {want_sha}；"
            f"实际为 {size} 字节、SHA-256 {sha}")  # fmt: skip
    check.fail("verify-checksum-mismatch", rel, text, field="sha256", value=sha)
    return False


def _matches(check: Check, rel: str, data: bytes, recorded: dict[str, Any]) -> bool:
    check.files += 1
    if len(data) == recorded.get("bytes") and hashlib.sha256(data).hexdigest() == recorded.get("sha256"):
        return True
    text = (f"与 {paths.RELEASES_JSON} 记录的清单不符：应为 {recorded.get('bytes')} 字节、SHA-256 "
            f"{recorded.get('sha256')}；实际为 {len(data)} 字节、SHA-256 {hashlib.sha256(data).hexdigest()}")  # fmt: skip
    check.fail("verify-manifest-mismatch", rel, text)
    return False


def _published_key(check: Check) -> PublicKey | None:
    """The key the site itself publishes (a warning says what trusting it proves), or None."""
    try:
        text = check.source.read_optional(paths.SIGNING_KEY_PUB)
    except Unavailable:
        return None
    if text is None:
        return None
    try:
        key = parse_public_key(text.decode("ascii", errors="replace"))
    except UnusableKey as exc:
        check.fail("verify-malformed", paths.SIGNING_KEY_PUB, str(exc))
        return None
    text_ = (f"未用 --key 指定信任的公钥，改用网站自己公布的公钥（编号 {key.fingerprint}）：这只能证明文件与网站签名时"
             "一致，不能证明网站本身未被冒充；请从信用办公布的渠道取得公钥，用 --key 指定")  # fmt: skip
    check.fail("verify-self-published-key", paths.SIGNING_KEY_PUB, text_, value=key.text)
    return key


def _parsed(check: Check, rel: str, data: bytes) -> dict[str, Any] | None:
    try:
        document = json.loads(data)
    except (UnicodeDecodeError, ValueError) as exc:
        check.fail("verify-malformed", rel, f"不是有效的 JSON（{exc}）")
        return None
    if not isinstance(document, dict):
        check.fail("verify-malformed", rel, "顶层不是 JSON 对象")
        return None
    return document


def _list(value: object) -> list[dict[str, Any]]:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def _catalogue_files(catalog: dict[str, Any]) -> list[dict[str, Any]]:
    """Every file ``catalog.json`` lists with a checksum (each dataset's current files, the all-data zip)."""
    found = _list(catalog.get("all_data"))
    for dataset in _list(catalog.get("datasets")):
        found += _list(dataset.get("files"))
    return [f for f in found if "sha256" in f and "path" in f]
