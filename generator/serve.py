"""Preview server for a built site: Python's static file server, sending ``.gz`` twins like nginx does.

Stage: none (``gongshi serve`` and the browser tests). Guarantees: files are served only from the site folder
(the standard library's path translation); a request whose ``Accept-Encoding`` allows gzip gets the file's
pre-compressed twin, when the build wrote one, with ``Content-Encoding: gzip`` and the original's type, as
nginx's ``gzip_static on`` would; everything else is served as it is; a missing file is answered with status
404 and the site's own ``404.html``, as the documented nginx ``error_page`` does.
"""

from __future__ import annotations

import email.utils
import functools
import http.server
import os
from pathlib import Path
from typing import Any, BinaryIO

from generator import paths
from generator.precompress import GZ


class SiteHandler(http.server.SimpleHTTPRequestHandler):
    """SimpleHTTPRequestHandler plus gzip_static."""

    def send_head(self) -> Any:
        path = self.translate_path(self.path)
        if os.path.isfile(path) and os.path.isfile(path + GZ) and accepts_gzip(self.headers):
            return self._send_twin(path)
        return super().send_head()

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        page = Path(self.directory) / paths.NOT_FOUND_PAGE
        if code != http.HTTPStatus.NOT_FOUND or not page.is_file():
            super().send_error(code, message, explain)
            return
        body = page.read_bytes()
        self.send_response(code)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _send_twin(self, path: str) -> BinaryIO:
        twin = open(path + GZ, "rb")  # noqa: SIM115 - the base class closes it after copying
        stat = os.fstat(twin.fileno())
        self.send_response(http.HTTPStatus.OK)
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


def handler_for(site: Path, quiet: bool = False) -> Any:
    """A request handler class serving ``site``."""
    return functools.partial(QuietSiteHandler if quiet else SiteHandler, directory=str(site))
