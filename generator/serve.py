"""Preview server for a built site: Python's static file server, serving the site's files only, with gzip twins.

Stage: none (``gongshi serve`` and the browser tests). Guarantees:

- only regular files whose real path (every symlink resolved) lies inside the site folder's real path are served;
  a symlink is followed only when its target is inside the site too, and is then served as that target; one
  pointing outside the site (e.g. to ``/etc/passwd``) is answered 404, as is anything that does not exist;
- no directory listings: a directory with an ``index.html`` is served as that page (a request without the
  trailing slash is redirected to it, 301, as before); one without is answered 404;
- a malformed request path is answered 400 and never drops the connection: a target not starting with ``/``,
  a bad ``%`` escape, bytes that do not decode as UTF-8 (incl. encoded surrogates), a NUL or other control
  character, a backslash, a path longer than ``MAX_PATH`` characters or a segment longer than ``MAX_SEGMENT``
  bytes; ``.`` and ``..`` segments are resolved as browsers do and never climb above the site;
- a request whose ``Accept-Encoding`` allows gzip gets the file's pre-compressed twin, when the build wrote one
  (inside the site, by the same rule), with ``Content-Encoding: gzip`` and the original's type, as nginx's
  ``gzip_static on`` would; everything else is served as it is;
- a 404 is answered with the site's own ``404.html``, as the documented nginx ``error_page`` does.
"""

from __future__ import annotations

import email.utils
import functools
import http.server
import os
import re
import urllib.parse
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any, BinaryIO

from generator import paths
from generator.precompress import GZ

# characters of the path as sent (still percent-encoded); the site's own paths are ASCII and under 100
MAX_PATH = 2048
MAX_SEGMENT = 255  # bytes of one decoded segment: NAME_MAX, no site file is longer
INDEX = "index.html"
BAD_ESCAPE = re.compile(r"%(?![0-9A-Fa-f]{2})")
CONTROL = re.compile(r"[\x00-\x1f\x7f]")


@dataclass(frozen=True)
class RequestPath:
    """A request's path, decoded and with dot segments resolved; ``directory`` when it ended with '/'."""

    segments: tuple[str, ...]
    directory: bool


def request_path(target: str) -> RequestPath | None:
    """The decoded path of a request target (query and fragment dropped), or ``None`` when it is malformed."""
    raw = target.split("?", 1)[0].split("#", 1)[0]
    if len(raw) > MAX_PATH or not raw.startswith("/") or BAD_ESCAPE.search(raw):
        return None
    try:  # http.server hands the request line over as latin-1: back to bytes, then strict UTF-8
        text = urllib.parse.unquote_to_bytes(raw.encode("latin-1")).decode("utf-8")
    except UnicodeError:
        return None
    if "\\" in text or CONTROL.search(text):
        return None
    words = text.split("/")
    if any(len(word.encode()) > MAX_SEGMENT for word in words):
        return None
    return RequestPath(_resolve_dots(words), directory=text.endswith("/"))


def _resolve_dots(words: list[str]) -> tuple[str, ...]:
    """RFC 3986 dot-segment removal, clamped at the root; empty segments (``//``) are dropped."""
    kept: list[str] = []
    for word in words:
        if word == "..":
            kept = kept[:-1]
        elif word not in ("", "."):
            kept.append(word)
    return tuple(kept)


def inside(root: str, path: str) -> str | None:
    """``path``'s real path when it lies inside the real folder ``root``, else ``None``."""
    real = os.path.realpath(path)
    return real if os.path.commonpath([root, real]) == root else None


def locate(root: str, request: RequestPath) -> str | None:
    """The real path to answer ``request`` with: a file, or a directory holding an index (to redirect); or None.

    ``root`` is the site's real path. A directory requested with its trailing slash resolves to its index page.
    """
    real = inside(root, os.path.join(root, *request.segments))
    if real is None:
        return None
    if os.path.isdir(real):
        index = inside(root, os.path.join(real, INDEX))
        if index is None or not os.path.isfile(index):
            return None
        return index if request.directory else real
    return real if os.path.isfile(real) and not request.directory else None


class SiteHandler(http.server.SimpleHTTPRequestHandler):
    """SimpleHTTPRequestHandler confined to the site's real files, plus gzip_static and the site's 404 page."""

    @property
    def root(self) -> str:
        """The site folder's real path (resolved per request: a rebuild may swap the folder)."""
        return os.path.realpath(self.directory)

    def send_head(self) -> Any:
        request = request_path(self.path)
        if request is None:
            self.send_error(HTTPStatus.BAD_REQUEST, "Malformed request path")
            return None
        path = locate(self.root, request)
        if path is None:
            self.send_error(HTTPStatus.NOT_FOUND, "File not found")
            return None
        twin = inside(self.root, path + GZ) if os.path.isfile(path) else None
        if twin and os.path.isfile(twin) and accepts_gzip(self.headers):
            return self._send_twin(path, twin)
        return super().send_head()  # reads translate_path: the same file, or a directory to redirect

    def translate_path(self, path: str) -> str:
        request = request_path(path)
        found = locate(self.root, request) if request else None
        return found or ""  # not reached without a file (send_head checked); "" opens as nothing: 404

    def list_directory(self, path: str | os.PathLike[str]) -> None:
        self.send_error(HTTPStatus.NOT_FOUND, "File not found")

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        page = inside(self.root, os.path.join(self.root, paths.NOT_FOUND_PAGE))
        if code != HTTPStatus.NOT_FOUND or page is None or not os.path.isfile(page):
            super().send_error(code, message, explain)
            return
        with open(page, "rb") as f:
            body = f.read()
        self.send_response(code)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _send_twin(self, path: str, twin_path: str) -> BinaryIO:
        twin = open(twin_path, "rb")  # noqa: SIM115 - the base class closes it after copying
        stat = os.fstat(twin.fileno())
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", self.guess_type(path))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(stat.st_size))
        self.send_header("Vary", "Accept-Encoding")
        self.send_header("Last-Modified", email.utils.formatdate(stat.st_mtime, usegmt=True))
        self.end_headers()
        return twin


class QuietSiteHandler(SiteHandler):
    """The same, without a log line per request (tests and benchmarks)."""

    def log_message(self, format: str, *args: Any) -> None:
        pass


def accepts_gzip(headers: Any) -> bool:
    """Whether an ``Accept-Encoding`` header allows gzip (``gzip;q=0`` does not)."""
    for item in str(headers.get("Accept-Encoding", "")).split(","):
        name, _, params = item.partition(";")
        if name.strip().lower() in ("gzip", "*"):
            quality = params.replace(" ", "").lower().removeprefix("q=")
            return not quality or _number(quality) > 0
    return False


def _number(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        return 1.0  # an unreadable weight does not refuse the encoding


def handler_for(site: os.PathLike[str] | str, quiet: bool = False) -> Any:
    """A request handler class serving ``site``."""
    return functools.partial(QuietSiteHandler if quiet else SiteHandler, directory=str(site))
