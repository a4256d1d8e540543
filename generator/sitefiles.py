"""Putting one file into the staging site: written new, or hard-linked from the previous site when that holds
the same bytes.

Stage: shared — the file primitives under ``generator.outputs.Outputs`` (through which every stage writes the
staging ``site/``), called directly too by the page and search tasks and precompress (``put_bytes``), by the
release stage's purge (``link_over``) and by ``generator.changes`` (``Previous``, ``walk``).

Guarantees:
- the previous site is only ever read: a file is carried from it by a hard link (``os.link``), never opened
  for writing; staging files are created new (``O_EXCL``) or replaced by a rename, never rewritten in place,
  because a staging file may be a hard link shared with the previous site;
- a file is linked from the previous site only when the previous build's digest map (``Previous``) lists the
  same digest and size for the same site-relative path and the previous site's file there is a regular file
  (not a symbolic link) of that size; otherwise the bytes are written as a new file — also where links are
  impossible (EXDEV, EPERM, EMLINK, ENOTSUP). An unchanged file thus keeps its inode and mtime, which keeps
  web servers' ETags and ``rsync`` quiet;
- ``walk`` lists every regular file of a tree with its inode, symbolic links not followed.

Digest: the first 128 bits of SHA-256, in hex — on this project's machine (CPU with SHA instructions) SHA-256
hashes 2.5× faster than BLAKE2b, and the data packs' checksums are SHA-256 already, so theirs are reused.
Worker processes (forked page renderers) call ``put_bytes`` and return the ``Written`` records; only the parent
records them (``generator.outputs.Outputs.record``).
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import stat
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from generator.digests import DIGEST_CHARS, DigestMap
from generator.written import Written

LINKLESS = (errno.EXDEV, errno.EPERM, errno.EMLINK, errno.ENOTSUP)  # a hard link is impossible here
TEMP_SUFFIX = ".gongshi-new"  # a file being put in place by a rename, in the same folder


def digest_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:DIGEST_CHARS]


def digest_file(path: Path) -> str:
    with open(path, "rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()[:DIGEST_CHARS]


class Intact(NamedTuple):
    """A previous site's file as the previous build's map lists it, still there as listed."""

    digest: str
    size: int
    inode: int


@dataclass(frozen=True)
class Previous:
    """The previous build's site and its digest map; ``trusted`` is False when there is no map to trust (a
    first build, ``--full``, or a missing, damaged or foreign map): then nothing is linked."""

    site: Path | None = None
    files: DigestMap = field(default_factory=DigestMap.of)
    trusted: bool = False

    def source(self, rel: str, digest: str, size: int) -> Intact | None:
        """The previous site's file at ``rel`` when the map says it holds exactly these bytes and it is still a
        regular file of that size; None otherwise."""
        listed = self._listed(rel)
        return self._present(rel, listed) if listed == (digest, size) else None

    def intact(self, rel: str) -> Intact | None:
        """The previous site's file at ``rel`` when the map lists it and it is still a regular file of the
        listed size; None otherwise."""
        return self._present(rel, self._listed(rel))

    def _listed(self, rel: str) -> tuple[str, int] | None:
        return self.files.get(rel) if self.trusted and self.site is not None else None

    def _present(self, rel: str, listed: tuple[str, int] | None) -> Intact | None:
        if listed is None:
            return None
        try:
            found = os.lstat(f"{self.site}/{rel}")  # a string, not a Path: called per page (measured 3×)
        except OSError:
            return None
        if not stat.S_ISREG(found.st_mode) or found.st_size != listed[1]:
            return None
        return Intact(listed[0], listed[1], found.st_ino)


def link_intact(site: Path, previous: Previous, rel: str, found: Intact) -> Written | None:
    """Link the previous site's file at ``rel`` into ``site`` (its folder exists) as it is, without reading it
    (its inputs are unchanged), ``found`` by ``previous.intact`` (the previous map lists it and it is still
    there as listed); None when links are impossible here."""
    if not link_over(f"{previous.site}/{rel}", f"{site}/{rel}"):
        return None
    return Written(rel, found.digest, found.size, found.inode, True, unmade=True)


def put_bytes(site: Path, previous: Previous, rel: str, data: bytes) -> Written:
    """Put ``data`` at ``site/rel`` (its folder exists): a link to the previous file when that holds the same
    bytes, else a new file."""
    digest, size = digest_bytes(data), len(data)
    found = previous.source(rel, digest, size)
    target = f"{site}/{rel}"  # strings, not Paths: called per page
    if found is not None and link_over(f"{previous.site}/{rel}", target):
        return Written(rel, digest, size, found.inode, True)
    return Written(rel, digest, size, create(target, data), False)


def create(target: Path | str, data: bytes) -> int:
    """Write ``data`` as a new file at ``target`` (renamed over an existing one, never through it); its inode.
    os.open/os.write rather than Path.write_bytes: creating files is the page stage's bottleneck, and the lean
    calls measured about 1.5× the files per second here."""
    try:
        return _write_new(target, data)
    except FileExistsError:
        fresh = Path(f"{target}{TEMP_SUFFIX}")
        _unlink(fresh)
        inode = _write_new(fresh, data)
        os.replace(fresh, target)
        return inode


def _write_new(path: Path | str, data: bytes) -> int:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
        return os.fstat(fd).st_ino
    finally:
        os.close(fd)


def link_over(source: Path | str, target: Path | str) -> bool:
    """Hard-link ``source`` at ``target`` (replacing by rename whatever is there); False where links are
    impossible."""
    try:
        os.link(source, target)
        return True
    except FileExistsError:
        if _same_file(source, target):  # a rename of one of its links over another would do nothing at all
            return True
    except OSError as exc:
        if exc.errno in LINKLESS:
            return False
        raise
    fresh = Path(f"{target}{TEMP_SUFFIX}")
    _unlink(fresh)
    try:
        os.link(source, fresh)
    except OSError as exc:
        if exc.errno in LINKLESS:
            return False
        raise
    os.replace(fresh, target)
    return True


def _same_file(source: Path | str, target: Path | str) -> bool:
    """``target`` is itself (not a symbolic link to) the file ``source``."""
    one, other = os.stat(source), os.lstat(target)
    return (one.st_dev, one.st_ino) == (other.st_dev, other.st_ino)


def _unlink(path: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        os.unlink(path)


def walk(root: Path) -> Iterator[tuple[str, int]]:
    """(site-relative path, inode) of every regular file under ``root``, symbolic links not followed.

    The inode comes from the folder listing (``DirEntry.inode``, no system call a file: a city's site has
    millions, and one ``stat`` each measured ≈ 4 µs) once the first file of the folder shows that the listing's
    inodes are ``stat``'s — on some filesystems (overlayfs without ``xino``) they are not, and there every file
    is ``stat``-ed."""
    stack = [(root, "")]
    while stack:
        folder, prefix = stack.pop()
        with os.scandir(folder) as entries:
            listed: bool | None = None  # the listing's inodes are stat's: not yet known
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    stack.append((Path(entry.path), prefix + entry.name + "/"))
                elif entry.is_file(follow_symlinks=False):
                    inode = entry.inode() if listed else entry.stat(follow_symlinks=False).st_ino
                    listed = inode == entry.inode() if listed is None else listed
                    yield prefix + entry.name, inode
