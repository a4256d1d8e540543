"""Release manifests and signatures: what lets a data user check that a release is whole and came from the office.

Stage: write release (last, after the history and the catalogue are written). Guarantees:
- every kept release folder gets, written anew each build, its ``datapackage.json`` (the delta's Table Schema,
  ``package``) and ``manifest.json``: every other file of the folder with its bytes and SHA-256, sorted by path —
  a checksum is reused when the file is the same file (inode) the data packs or the previous build's manifest
  already hashed, so unchanged releases are not read again;
- with a signing key, ``manifest.json``, ``releases.json`` and ``catalog.json`` each get a detached Ed25519
  signature ``FILE.sig`` (``generator.signing``), and ``data/signing-key.pub`` holds the public key; Ed25519
  is deterministic and nothing here reads a clock, so an unchanged release gives the same bytes (linked, not
  rewritten). Without a key nothing is signed; the public key file is still written when ``portal.yaml`` names
  a key;
- a signing key is checked before anything is written (``signing_key``): a missing, unreadable or malformed key
  file, or one that does not match ``portal.yaml``'s ``release_public_key``, is a CONFIG problem naming the
  option — never a half-signed release.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from generator import paths
from generator.config import Portal
from generator.model import DataFile, ReleaseInfo
from generator.outputs import Outputs
from generator.packs.files import facts
from generator.problems import Problem, problem
from generator.release.package import release_package
from generator.signing import PublicKey, SigningKey, UnusableKey, load_signing_key, parse_public_key

KEY_OPTION = "--signing-key"
KEY_ENV = "GONGSHI_SIGNING_KEY"
Known = dict[int, tuple[int, str]]  # inode → (bytes, sha256)


def signing_key(path: Path | None, portal: Portal) -> tuple[SigningKey | None, list[Problem]]:
    """The key that signs this build's releases (None: unsigned, with a warning), or CONFIG problems."""
    where = f"签名私钥（{KEY_OPTION} 或环境变量 {KEY_ENV}）"
    if path is None:
        text = f"未提供{where}，本次发布的数据版本没有签名，数据使用方无法核验其来源"
        return None, [problem("release-unsigned", text, field=KEY_OPTION)]
    try:
        key = load_signing_key(path)
    except UnusableKey as exc:
        return None, [
            problem("release-signing-key-unusable", f"{where} {exc}", field=KEY_OPTION, value=str(path))
        ]
    if portal.release_public_key and parse_public_key(portal.release_public_key) != key.public:
        text = (f"{where} {path} 与 {paths.PORTAL_FILE} 的 release_public_key 不是一对（私钥的公钥为 "
                f"{key.public.text}）；请换用正确的私钥，或更新 portal.yaml 中公布的公钥")  # fmt: skip
        return None, [problem("release-signing-key-mismatch", text, file=paths.PORTAL_FILE,
                              field="release_public_key", value=portal.release_public_key)]  # fmt: skip
    return key, []


def public_key(portal: Portal, signer: SigningKey | None) -> PublicKey | None:
    """The key that verifies this portal's releases: the signing key's, else the one ``portal.yaml`` names."""
    if signer is not None:
        return signer.public
    return parse_public_key(portal.release_public_key) if portal.release_public_key else None


def seal_releases(
    site_dir: Path,
    previous_site: Path | None,
    releases: list[ReleaseInfo],
    files: list[DataFile],
    portal: Portal,
    signer: SigningKey | None,
    outputs: Outputs | None,
) -> dict[str, dict[str, Any]]:
    """Write each kept release's package, manifest and signature; returns release ID → the manifest's entry
    (path, URL, bytes, SHA-256) for ``releases.json``."""
    known = _known(site_dir, files)
    entries: dict[str, dict[str, Any]] = {}
    for release in releases:
        folder = f"{paths.RELEASES_DIR}/{release.id}"
        package = release_package(portal, release.id, release.as_of, paths.DELTA_FILE)
        put(site_dir, outputs, f"{folder}/{paths.RELEASE_PACKAGE_FILE}", package)
        reused = known | _previous(site_dir, previous_site, folder)
        manifest = _manifest(site_dir / folder, release, portal, reused)
        rel = f"{folder}/{paths.RELEASE_MANIFEST_FILE}"
        put(site_dir, outputs, rel, manifest)
        sign(site_dir, outputs, rel, manifest, signer)
        size, sha = facts(site_dir / rel)
        entries[release.id] = {"path": rel, "url": portal.base_url + rel, "bytes": size, "sha256": sha}
    return entries


def sign_documents(
    site_dir: Path, outputs: Outputs | None, rels: list[str], signer: SigningKey | None, key: PublicKey | None
) -> None:
    """Sign the portal-wide documents ``rels`` (already written) and publish the public key."""
    for rel in rels:
        sign(site_dir, outputs, rel, (site_dir / rel).read_bytes(), signer)
    if key is not None:
        put(site_dir, outputs, paths.SIGNING_KEY_PUB, key.pub_file("gongshi release signing key (Ed25519)"))


def sign(site_dir: Path, outputs: Outputs | None, rel: str, data: bytes, signer: SigningKey | None) -> None:
    if signer is not None:
        name = rel.rsplit("/", 1)[-1]
        signature = signer.sign(data, f"verify with signing-key.pub (gongshi verify); signs {name}")
        put(site_dir, outputs, rel + paths.SIGNATURE_SUFFIX, signature)


def put(site_dir: Path, outputs: Outputs | None, rel: str, data: bytes) -> None:
    """Write ``data`` at ``site_dir/rel`` through ``outputs`` (linked when the previous site has the same)."""
    if outputs is not None:
        outputs.put(rel, data)
        return
    path = site_dir / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.unlink(missing_ok=True)  # never write through a hard link to the previous site
    path.write_bytes(data)


def _manifest(folder: Path, release: ReleaseInfo, portal: Portal, known: Known) -> bytes:
    described = []
    for path in sorted(_files(folder), key=lambda p: p.relative_to(folder).as_posix()):
        st = path.stat()
        size, sha = known.get(st.st_ino) or facts(path)
        described.append({"path": path.relative_to(folder).as_posix(), "bytes": size, "sha256": sha})
    document = {
        "release": release.id, "as_of": release.as_of, "portal": portal.name, "base_url": portal.base_url,
        "files": described,
    }  # fmt: skip
    return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def _files(folder: Path) -> list[Path]:
    """Every regular file of a release folder but its manifest and signature (symbolic links not followed)."""
    skip = {paths.RELEASE_MANIFEST_FILE, paths.RELEASE_MANIFEST_FILE + paths.SIGNATURE_SUFFIX}
    found = []
    for root, dirs, names in os.walk(folder):
        dirs.sort()
        here = Path(root)
        found += [here / n for n in names if not (here == folder and n in skip) and (here / n).is_file()
                  and not (here / n).is_symlink()]  # fmt: skip
    return found


def _known(site_dir: Path, files: list[DataFile]) -> Known:
    """Checksums the data packs already computed, by inode (the new release's files are links to them)."""
    known: Known = {}
    for f in files:
        try:
            known[(site_dir / f.path).stat().st_ino] = (f.bytes, f.sha256)
        except OSError:
            continue
    return known


def _previous(site_dir: Path, previous_site: Path | None, folder: str) -> Known:
    """Checksums from the previous build's manifest of ``folder``, for the files still the very same file."""
    if previous_site is None:
        return {}
    try:
        document = json.loads(
            (previous_site / folder / paths.RELEASE_MANIFEST_FILE).read_text(encoding="utf-8")
        )
        entries = [(str(e["path"]), int(e["bytes"]), str(e["sha256"])) for e in document["files"]]
    except (OSError, ValueError, KeyError, TypeError):
        return {}
    known: Known = {}
    for rel, size, sha in entries:
        old, new = previous_site / folder / rel, site_dir / folder / rel
        try:
            same = os.path.samefile(old, new) and new.stat().st_size == size
        except OSError:
            continue
        if same and ".." not in Path(rel).parts:
            known[new.stat().st_ino] = (size, sha)
    return known
