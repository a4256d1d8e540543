"""Debian's nginx, started by the tests with the configuration printed in docs/deploy.md.

The ``server { … }`` block is cut out of the document itself, so the document and the tests cannot drift; only
``listen`` (127.0.0.1 and a free port, no TLS), ``server_name`` and ``root`` are rewritten, each of which must
occur exactly once. It runs inside a minimal main configuration whose pid file, logs and temporary folders lie
in a test folder, in the foreground (``daemon off``) as a child process, as ``user root`` only when the tests
run as root (otherwise its workers would drop to ``nobody``, who cannot read pytest's private temporary
folders). The tests wait for its port to accept connections — a bounded poll on a real event.
"""

from __future__ import annotations

import http.client
import os
import re
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import REPO

DEPLOY_DOC = REPO / "docs" / "deploy.md"
MIME_TYPES = Path("/etc/nginx/mime.types")
START_LIMIT = 30.0  # seconds for nginx to accept connections
TICK = 0.02
REWRITTEN = ("listen", "server_name", "root")


def nginx_binary() -> str:
    """The nginx executable; skips (not root: cannot install it) or fails (root: scripts/test.sh installs it)."""
    found = shutil.which("nginx") or next((p for p in ("/usr/sbin/nginx",) if os.access(p, os.X_OK)), None)
    if found and MIME_TYPES.is_file():
        return found
    message = (
        "Debian's nginx is not installed (apt-get install nginx; scripts/test.sh does it when run as root)"
    )
    if os.geteuid() == 0:
        pytest.fail(message)
    pytest.skip(message)


def fenced_blocks(text: str, language: str) -> list[str]:
    """The bodies of the document's ```<language> fenced blocks, in order."""
    return re.findall(rf"^```{language}\n(.*?)^```$", text, flags=re.M | re.S)


def doc_server_block(doc: Path = DEPLOY_DOC) -> str:
    """The ``server { … }`` block of the document's nginx example, braces matched."""
    [block] = [b for b in fenced_blocks(doc.read_text(encoding="utf-8"), "nginx") if "server {" in b]
    start = block.index("server {")
    depth = 0
    for i, char in enumerate(block[start:], start):
        depth += {"{": 1, "}": -1}.get(char, 0)
        if char == "}" and depth == 0:
            return block[start : i + 1]
    raise AssertionError("the nginx server block in docs/deploy.md has unbalanced braces")


def rewrite(server: str, port: int, root: Path) -> str:
    """The block served on 127.0.0.1:<port> from ``root``; every other directive exactly as documented."""
    values = {"listen": f"127.0.0.1:{port}", "server_name": "127.0.0.1", "root": f'"{root}"'}
    for directive in REWRITTEN:
        server = _set(server, directive, values[directive])
    return server


def _set(server: str, directive: str, value: str) -> str:
    pattern = re.compile(rf"^(\s*){directive}\s[^;]*;", flags=re.M)
    assert len(pattern.findall(server)) == 1, (
        f"docs/deploy.md: expected one `{directive}` in the server block"
    )
    return pattern.sub(lambda match: f"{match.group(1)}{directive} {value};", server)


def main_config(server: str, folder: Path) -> str:
    """A complete nginx.conf around ``server`` with every path nginx writes inside ``folder``."""
    temp = "\n".join(
        f"    {kind}_temp_path {folder / kind};"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    user = "user root;\n" if os.geteuid() == 0 else ""
    return f"""{user}daemon off;
worker_processes 1;
pid {folder / "nginx.pid"};
error_log {folder / "error.log"} warn;
events {{ worker_connections 64; }}
http {{
    include {MIME_TYPES};
    default_type application/octet-stream;
    access_log off;
{temp}
{server}
}}
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass(frozen=True)
class Response:
    status: int
    headers: http.client.HTTPMessage
    body: bytes


@dataclass(frozen=True)
class Nginx:
    port: int
    config: Path

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def get(self, path: str, gzip: bool = False) -> Response:
        """``GET path``, the body as sent (not decompressed); with ``Accept-Encoding: gzip`` when ``gzip``."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            headers = {"Accept-Encoding": "gzip"} if gzip else {}
            connection.request("GET", path, headers=headers)
            answer = connection.getresponse()
            return Response(answer.status, answer.headers, answer.read())
        finally:
            connection.close()


@contextmanager
def nginx(root: Path, folder: Path) -> Iterator[Nginx]:
    """nginx serving ``root`` with the documented server block, its files in ``folder``; stopped afterwards."""
    binary = nginx_binary()
    folder.mkdir(parents=True, exist_ok=True)
    for attempt in range(3):  # a free port may be taken by someone else before nginx binds it
        port = free_port()
        config = folder / "nginx.conf"
        config.write_text(main_config(rewrite(doc_server_block(), port, root), folder), encoding="utf-8")
        log, pid = folder / "error.log", folder / "nginx.pid"
        command = [binary, "-p", str(folder), "-c", str(config), "-e", str(log)]
        with open(folder / "stderr.log", "w", encoding="utf-8") as stderr:
            proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=stderr)
        try:
            if _accepting(port, proc, pid):
                yield Nginx(port, config)
                return
            proc.wait(START_LIMIT)
            said = _read(folder / "stderr.log") + _read(log)
            if "Address already in use" not in said or attempt == 2:
                raise AssertionError(f"nginx did not start (exit {proc.returncode}):\n{said}")
        finally:
            if proc.poll() is None:
                proc.terminate()
                proc.wait(START_LIMIT)


def _accepting(port: int, proc: subprocess.Popen[bytes], pid: Path) -> bool:
    """Whether this nginx accepts connections on ``port`` before it exits or ``START_LIMIT`` passes (bounded
    poll). Its pid file names it once it has bound its port, so another program on the port is not taken for it."""
    deadline = time.monotonic() + START_LIMIT
    while proc.poll() is None and time.monotonic() < deadline:
        try:
            if _read(pid).strip() == str(proc.pid):
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                return True
        except OSError:
            pass
        time.sleep(TICK)
    return False


def _read(path: Path) -> str:
    return path.read_text(encoding="utf-8", errors="replace") if path.exists() else ""
