"""Writing into the staging site so that nothing is rewritten that did not change.

Stage: shared by every stage that writes into the staging ``site/`` (data packs and release, render site,
search index, precompress, the build's own downloads), then sealed by the build before its report.

Guarantees:
- every file is put, placed or carried by the primitives of ``generator.sitefiles``: the previous site is only
  ever read, staging files are created new or replaced by a rename, and a file is linked from the previous
  site only when the previous build's digest map (``Previous``) lists the same bytes there (see there);
- a file that a library writes itself (mkdocs' pages and theme, pyarrow, xlsxwriter, zip) is adopted after
  writing: hashed, and replaced (rename over) by a link to the previous file when the bytes are equal;
- ``Outputs.seal`` accounts for every regular file of the staging site (adopting any no writer recorded) and
  returns the new site's digest map (``generator.changes`` compares it with the previous one). Kept older
  releases, which the release stage carries as hard links whatever the map says, take the previous map's
  digest while they are still the previous file (same inode and size), and are hashed otherwise.

The one rule for writers (the seal's trust rests on it): **a path, once recorded, changes only through
``Outputs``** — ``put``, ``place``, ``carry``, or ``adopt`` called right after a library wrote over it. A record
is trusted while the file at its path has the recorded inode (a city's seal reads no file and stats none), and
an inode number is not an identity: a filesystem gives a freed inode to the next new file at once (ext4 did,
200 times in 200 trials), so a recorded path replaced twice behind ``Outputs``' back, or deleted and written
again, can hold the recorded inode and other bytes. Linked files are safe from this (the previous site holds
their inodes for the whole build); only files written this build depend on the rule. Neither the inode's
generation (a file handle per file, filesystem-specific) nor ``ctime`` (equal within one clock tick) closes the
hole cheaply; keeping every written inode alive by a second link would (measured: a link and its removal cost
≈ 30 µs a file, a third of creating it). The build keeps the rule — the libraries write into private folders
(``place``) or are adopted after writing (the release stage) — and the proof-of-sameness test checks after
every build that the sealed map names the bytes of every published file.

Worker processes (forked page renderers) call ``generator.sitefiles.put_bytes`` and return the ``Written``
records; only the parent records them (``Outputs.record``).
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from generator.collector import give_back
from generator.digests import DigestMap
from generator.sitefiles import Previous, digest_file, link_intact, link_over, put_bytes, walk
from generator.written import Ledger, Written, WrittenBatch


@dataclass
class Outputs:
    """What the writers put into the staging ``site`` this build, against the ``previous`` site."""

    site: Path
    previous: Previous = field(default_factory=Previous)
    files: Ledger = field(default_factory=Ledger)

    def put(self, rel: str, data: bytes) -> None:
        """Write (or link) ``data`` at ``site/rel``, making its folder."""
        (self.site / rel).parent.mkdir(parents=True, exist_ok=True)
        self.record([put_bytes(self.site, self.previous, rel, data)])

    def put_text(self, rel: str, text: str) -> None:
        self.put(rel, text.encode("utf-8"))

    def record(self, written: Iterable[Written] | WrittenBatch) -> None:
        """Note files written elsewhere (by ``put_bytes`` in a worker process)."""
        if isinstance(written, WrittenBatch):
            self.files.add_batch(written)
            return
        for w in written:
            self.files.add(w)

    def place(self, source: Path, rel: str) -> None:
        """Move the file ``source`` (written by a library, same filesystem) to ``site/rel`` — or, when the
        previous site has the same bytes there, link that file instead and drop ``source``."""
        target = self.site / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        size, digest = os.lstat(source).st_size, digest_file(source)
        found = self.previous.source(rel, digest, size)
        if found is not None and link_over(f"{self.previous.site}/{rel}", target):
            os.unlink(source)
            self.record([Written(rel, digest, size, found.inode, True)])
            return
        os.replace(source, target)
        self.record([Written(rel, digest, size, os.lstat(target).st_ino, False)])

    def adopt(self, rel: str, digest: str | None = None) -> Written:
        """Account for the file a library wrote at ``site/rel`` (``digest``: its digest when already known);
        replace it by a link to the previous file when that holds the same bytes."""
        path = self.site / rel
        now = os.lstat(path)
        old = self.previous.intact(rel)
        if old is not None and old.inode == now.st_ino:
            carried = Written(rel, old.digest, now.st_size, now.st_ino, True)
            return self._keep(carried)  # already the previous file (the release stage links kept releases)
        digest = digest or digest_file(path)
        found = self.previous.source(rel, digest, now.st_size)
        if found is not None and link_over(f"{self.previous.site}/{rel}", path):
            return self._keep(Written(rel, digest, now.st_size, found.inode, True))
        return self._keep(Written(rel, digest, now.st_size, now.st_ino, False))

    def _keep(self, written: Written) -> Written:
        self.files.add(written)
        return written

    def current(self, rel: str) -> Written:
        """The record of ``site/rel`` as it is now (adopted first if no writer recorded it as it is)."""
        known = self.files.get(rel)
        if known is not None and known.inode == os.lstat(self.site / rel).st_ino:
            return known
        return self.adopt(rel)

    def unchanged(self, rel: str) -> bool:
        """``site/rel`` holds the bytes the previous site had at that path (by the trusted map)."""
        entry = self.previous.files.get(rel) if self.previous.trusted else None
        return entry is not None and entry[0] == self.current(rel).digest

    def carry(self, rel: str) -> bool:
        """Link the previous file at ``rel`` as it is, without knowing its bytes (a derived file whose source is
        unchanged); False when there is no such file to link."""
        found = self.previous.intact(rel)
        if found is None:
            return False
        (self.site / rel).parent.mkdir(parents=True, exist_ok=True)
        carried = link_intact(self.site, self.previous, rel, found)
        if carried is not None:
            self.record([carried])
        return carried is not None

    def seal(self) -> DigestMap:
        """Account for every regular file now in the staging site; the new site's digest map, sorted. A file
        whose record names its inode keeps that record (gathered in columns; see the writers' rule above); any
        other file takes the record of a file linked to it within this build (a release ← data/latest), or is
        adopted (hashed)."""
        self.files = self._listed()
        sealed = self.files.digest_map()
        give_back()  # the ledger replaced, the listing, the digests as text (1 M: report stage 1,235 → 1,162–1,179 MiB)
        return sealed

    def _listed(self) -> Ledger:
        """A ledger of every regular file now in the staging site, sorted by path (see ``seal``)."""
        paths, inodes, rows = self.files.listing(walk(self.site))
        strays = np.flatnonzero(self.files.inodes_at(rows) != inodes)
        twins = self._by_inode(set(inodes[strays].tolist()))
        # may adopt
        fixes = [(i, self._stray(paths[i].as_py(), int(inodes[i]), twins)) for i in strays.tolist()]
        found = self.files.gathered(paths, rows)
        for row, written in fixes:
            found.put(row, written)
        return found

    def _stray(self, rel: str, inode: int, twins: dict[int, Written]) -> Written:
        twin = twins.get(inode)
        return twin._replace(path=rel) if twin is not None else self.adopt(rel)

    def _by_inode(self, inodes: set[int]) -> dict[int, Written]:
        """The recorded files that have one of ``inodes`` and are still that file on disk."""
        return {w.inode: w for w in self.files.with_inodes(inodes) if self._on_disk(w.path) == w.inode}

    def _on_disk(self, rel: str) -> int:
        try:
            return os.lstat(self.site / rel).st_ino
        except FileNotFoundError:
            return -1

    def counts(self) -> dict[str, int]:
        """Files in the site, written new, linked from the previous site — of which ``unmade``: linked without
        being made (rendered, compressed…) at all."""
        linked, unmade = self.files.flagged()
        return {
            "files": len(self.files),
            "written": len(self.files) - linked,
            "linked": linked,
            "unmade": unmade,
        }
