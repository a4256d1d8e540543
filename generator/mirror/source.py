"""Where a data user reads a published portal from: its base URL (http/https) or a folder on disk.

Stage: none (the consumer side: ``gongshi verify`` and ``gongshi mirror``). Guarantees: only plain relative
paths under ``data/`` are read (``SAFE``) — the documents read from the source name the other files, and a
tampered manifest must not make a reader open a file elsewhere on disk or another host; a file that cannot be
had (missing, HTTP error, network error, a folder) is an ``Unavailable`` saying which and why; large files are
streamed and hashed in chunks, never held whole; nothing is cached between reads.
"""

from __future__ import annotations

import hashlib
import re
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from generator import paths

SAFE = re.compile(r"^data/(?:[A-Za-z0-9_][A-Za-z0-9._-]*/)*[A-Za-z0-9_][A-Za-z0-9._-]*\Z")
CHUNK = 1 << 20
TIMEOUT = 60  # seconds without an answer before a download is given up
MAX_DOCUMENT = 256 << 20  # a JSON document or signature read whole


class Unavailable(Exception):
    """A file of the source could not be read; the message names it and says why."""


@dataclass(frozen=True)
class Source:
    """A published portal's site: ``root`` is a base URL ending in '/' or a folder."""

    root: str

    @property
    def is_url(self) -> bool:
        return self.root.startswith(("http://", "https://"))

    def where(self, rel: str) -> str:
        """The URL or path of ``rel``, as messages name it."""
        return self.root + rel if self.is_url else str(Path(self.root) / rel)

    def read(self, rel: str) -> bytes:
        """The whole file ``rel`` (a document: at most ``MAX_DOCUMENT`` bytes)."""
        data = b"".join(self._chunks(rel, MAX_DOCUMENT + 1))
        if len(data) > MAX_DOCUMENT:
            raise Unavailable(f"{self.where(rel)}: 文件超过 {MAX_DOCUMENT} 字节，不像是 gongshi 的清单")
        return data

    def read_optional(self, rel: str) -> bytes | None:
        """The file ``rel``, or None when the source has no such file (any other failure raises)."""
        try:
            return self.read(rel)
        except Missing:
            return None

    def save(self, rel: str, target: Path) -> tuple[int, str]:
        """Copy ``rel`` to the new file ``target``; its (bytes, SHA-256)."""
        digest, size = hashlib.sha256(), 0
        with open(target, "xb") as out:
            for chunk in self._chunks(rel):
                digest.update(chunk)
                size += len(chunk)
                out.write(chunk)
        return size, digest.hexdigest()

    def facts(self, rel: str) -> tuple[int, str]:
        """(bytes, SHA-256) of ``rel``, read as a stream."""
        digest, size = hashlib.sha256(), 0
        for chunk in self._chunks(rel):
            digest.update(chunk)
            size += len(chunk)
        return size, digest.hexdigest()

    def _chunks(self, rel: str, limit: int | None = None) -> Iterator[bytes]:
        if not SAFE.match(rel):
            raise Unavailable(f"{rel!r}: 不是 data/ 下的普通相对路径，拒绝读取（清单可能被篡改）")
        with self._open(rel) as stream:
            read = 0
            while chunk := stream.read(CHUNK):
                yield chunk
                read += len(chunk)
                if limit is not None and read >= limit:
                    return

    def _open(self, rel: str) -> BinaryIO:
        where = self.where(rel)
        if not self.is_url:
            try:
                return open(where, "rb")
            except FileNotFoundError:
                raise Missing(f"{where}: 文件不存在") from None
            except OSError as exc:
                raise Unavailable(f"{where}: 无法读取（{exc.strerror}）") from None
        try:
            response: BinaryIO = urllib.request.urlopen(where, timeout=TIMEOUT)  # only http(s): is_url
            return response
        except urllib.error.HTTPError as exc:
            error = Missing if exc.code in (404, 410) else Unavailable
            raise error(f"{where}: HTTP {exc.code} {exc.reason}") from None
        except (urllib.error.URLError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise Unavailable(f"{where}: 无法连接（{reason}）") from None


class Missing(Unavailable):
    """The source has no such file (404, or no file at that path)."""


def open_source(text: str) -> Source:
    """A source from what the user typed: a URL (a trailing '/' added), a site folder, or a ``published/``
    folder (its ``site/``)."""
    if text.startswith(("http://", "https://")):
        return Source(text if text.endswith("/") else text + "/")
    folder = Path(text)
    if (
        not (folder / paths.RELEASES_JSON).is_file()
        and (folder / paths.SITE_DIR / paths.RELEASES_JSON).is_file()
    ):
        folder = folder / paths.SITE_DIR
    return Source(str(folder.absolute()))
