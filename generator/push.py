"""Push: the published site to an object store (``gongshi push s3://bucket/portal``) as a new version.

Stage: deploy, after a build (it reads ``published/``, never the catalog). Guarantees:

- the site goes up as a **new version prefix**, ``<url>/versions/<version>/``, named by the digest of the site's
  digest map (the same site is the same version: pushing it again changes nothing); a file whose path and bytes
  the current version already has is copied inside the store (no upload), every other file is uploaded from
  ``published/site/``; the version is then listed back and checked against the digest map (every path, every
  size) before anything points to it;
- the switch is one small object written last, ``<url>/current.json`` (the pointer: version, its prefix, file
  count), so a reader sees the old version or the new one, never a mixture; a push that fails before it leaves
  the pointer as it was and removes what it uploaded;
- after the switch every other version is deleted except the ``keep`` most recent previous ones (default 0: a
  withdrawn record's page leaves the store with the version that held it); a version's digest map is kept beside
  it in ``<url>/manifests/<version>.parquet`` so that the next push knows what it can copy;
- the output folder's lock is held throughout, so no build swaps the site while it is read;
- anything that goes wrong is a ``PushFailed`` with one sentence; the store is reached through fsspec (``s3://``
  needs ``s3fs``; credentials from the usual environment variables), the endpoint can be named for an
  S3-compatible store (MinIO, Ceph, OSS…).
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq

from generator import __version__
from generator.digests import DigestMap
from generator.failures import one_line
from generator.lock import OutputBusy, hold_output
from generator.paths import SITE_DIGESTS_FILE, SITE_DIR, STATE_DIR
from generator.state import read_site_digests

POINTER = "current.json"
VERSIONS = "versions"
MANIFESTS = "manifests"
POINTER_FORMAT = 1


class PushFailed(Exception):
    """The push could not be completed (message: one sentence, in Chinese); the pointer is as it was."""


@dataclass(frozen=True)
class Pushed:
    """What a push did."""

    version: str
    uploaded: int  # files sent from the site
    copied: int  # files copied inside the store from the previous version
    deleted: list[str]  # versions removed after the switch
    unchanged: bool = False  # the store already pointed to this very site


def push(out: Path, url: str, endpoint: str | None = None, keep: int = 0) -> Pushed:
    """Push ``out``'s published site to ``url`` as a new version and point to it (see the module's docstring)."""
    if not (out / SITE_DIR).is_dir():
        raise PushFailed(f"{out} 中没有可推送的网站（尚未构建）：请先运行 gongshi build")
    try:
        with hold_output(out):
            return _push(out, url.rstrip("/"), endpoint, keep)
    except OutputBusy as exc:
        raise PushFailed(str(exc)) from exc
    except PushFailed:
        raise
    except Exception as exc:  # the store's client raises its own kinds (connection, credentials, HTTP)
        raise PushFailed(f"推送到 {url} 失败：{type(exc).__name__}: {one_line(str(exc))}") from exc


def _push(out: Path, url: str, endpoint: str | None, keep: int) -> Pushed:
    digests, why = read_site_digests(out)
    if digests is None:
        raise PushFailed(f"{out} 中没有可推送的网站（{why or '尚未构建'}）：请先运行 gongshi build")
    fs, root = _store(url, endpoint)
    version, pointer = version_of(digests), _pointer(fs, root)
    if pointer.get("version") == version:
        return Pushed(version, 0, 0, _prune(fs, root, pointer), unchanged=True)
    old = str(pointer.get("version", ""))
    uploaded, copied = _upload(
        fs, f"{root}/{VERSIONS}", out / SITE_DIR, (old, version), digests, _manifest(fs, root, old)
    )
    fs.put_file(str(out / STATE_DIR / SITE_DIGESTS_FILE), f"{root}/{MANIFESTS}/{version}.parquet")  # (sealed)
    history = [str(pointer["version"]), *pointer.get("history", [])][:keep] if pointer else []
    new = {"format": POINTER_FORMAT, "version": version, "prefix": f"{VERSIONS}/{version}/",
           "files": len(digests), "history": history, "generator": f"gongshi {__version__}"}  # fmt: skip
    fs.pipe(f"{root}/{POINTER}", (json.dumps(new, indent=1, sort_keys=True) + "\n").encode("utf-8"))
    return Pushed(version, uploaded, copied, _prune(fs, root, new))


def _store(url: str, endpoint: str | None) -> tuple[Any, str]:
    """The filesystem and the root path inside it (fsspec: ``s3://`` needs s3fs)."""
    from fsspec.core import url_to_fs  # only here: building never needs it

    options = {"client_kwargs": {"endpoint_url": endpoint}} if endpoint else {}
    fs, root = url_to_fs(url, **options)
    return fs, root.rstrip("/")


def version_of(digests: DigestMap) -> str:
    """The version a site is pushed as: 16 hex of the SHA-256 of its digest map (paths and digests, sorted)."""
    h = hashlib.sha256()
    for path, (digest, size) in digests.items():
        h.update(f"{path}\0{digest}\0{size}\n".encode())
    return h.hexdigest()[:16]


def _pointer(fs: Any, root: str) -> dict[str, Any]:
    """The store's pointer document ({} when there is none)."""
    try:
        found: dict[str, Any] = json.loads(fs.cat_file(f"{root}/{POINTER}"))
    except FileNotFoundError:
        return {}
    if found.get("format") != POINTER_FORMAT or not isinstance(found.get("version"), str):
        raise PushFailed(f"{root}/{POINTER} 不是 gongshi 写的指针文件：不覆盖")
    return found


def _manifest(fs: Any, root: str, version: str) -> DigestMap:
    """The digest map of a version already in the store (empty when there is none, or it cannot be read: then
    every file is uploaded)."""
    if not version:
        return DigestMap.of()
    try:
        return DigestMap.read(pq.read_table(io.BytesIO(fs.cat_file(f"{root}/{MANIFESTS}/{version}.parquet"))))
    except (FileNotFoundError, ValueError):
        return DigestMap.of()


def _upload(
    fs: Any, versions: str, site: Path, old_new: tuple[str, str], digests: DigestMap, before: DigestMap
) -> tuple[int, int]:
    """Fill version ``new`` (under ``versions``): copy from version ``old`` each file whose path and bytes it
    has (``before``: its digest map), upload the others; check it; (uploaded, copied). On failure the new
    version's folder is removed and the error propagates."""
    old, new = (f"{versions}/{v}" for v in old_new)
    copy: list[str] = []
    upload: list[str] = []
    for path, entry in digests.items():
        (copy if before.get(path) == entry else upload).append(path)
    try:
        if copy:
            fs.copy([f"{old}/{p}" for p in copy], [f"{new}/{p}" for p in copy])
        if upload:
            fs.put([str(site / p) for p in upload], [f"{new}/{p}" for p in upload])
        _check(fs, new, digests)
    except BaseException:
        _remove(fs, new)
        raise
    return len(upload), len(copy)


def _check(fs: Any, target: str, digests: DigestMap) -> None:
    """Every path of the site is in the version with its size, and nothing else."""
    fs.invalidate_cache(target)
    listed = {
        name[len(target) + 1 :]: int(info["size"]) for name, info in fs.find(target, detail=True).items()
    }
    expected = {path: size for path, (_, size) in digests.items()}
    if listed != expected:
        missing = sorted(set(expected) - set(listed)) or sorted(
            p for p in expected if listed.get(p) != expected[p]
        )
        raise PushFailed(f"上传后核对不符：{target}/{missing[0] if missing else ''} 缺失或大小不对")


def _prune(fs: Any, root: str, pointer: dict[str, Any]) -> list[str]:
    """Delete every version (and manifest) but the pointer's and its history's; the versions deleted."""
    kept = {str(pointer["version"]), *map(str, pointer.get("history", []))}
    fs.invalidate_cache(f"{root}/{VERSIONS}")
    present = [p.rstrip("/").rsplit("/", 1)[-1] for p in fs.ls(f"{root}/{VERSIONS}", detail=False)]
    gone = sorted(v for v in present if v not in kept)
    for version in gone:
        _remove(fs, f"{root}/{VERSIONS}/{version}")
        _remove(fs, f"{root}/{MANIFESTS}/{version}.parquet")
    return gone


def _remove(fs: Any, path: str) -> None:
    with contextlib.suppress(FileNotFoundError):
        fs.rm(path, recursive=True)
