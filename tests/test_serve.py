"""The preview server: serves the site folder's files only, and sends gzip twins to browsers that accept gzip.

Every test talks to a real server on 127.0.0.1 over a real socket; odd paths go out as raw bytes, since HTTP
client libraries would normalise or refuse them before they reach the server.
"""

from __future__ import annotations

import gzip
import http.client
import socket
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.browser.kit import serve

CSS = "body { color: #222; } " * 300


@pytest.fixture
def site(tmp_path: Path) -> Path:
    root = tmp_path / "site"
    (root / "assets").mkdir(parents=True)
    (root / "assets" / "main.css").write_text(CSS, encoding="utf-8")
    (root / "assets" / "main.css.gz").write_bytes(gzip.compress(CSS.encode(), mtime=0))
    (root / "index.html").write_text("<!doctype html><title>信用临江</title>", encoding="utf-8")
    (root / "about").mkdir()
    (root / "about" / "index.html").write_text("<!doctype html><title>关于</title>", encoding="utf-8")
    (root / "data" / "latest").mkdir(parents=True)
    (root / "data" / "latest" / "penalties.csv").write_text("CF_WSH\n临市监罚〔2024〕1号\n", encoding="utf-8")
    (root / "404.html").write_text("<!doctype html><title>页面不存在</title>", encoding="utf-8")
    (tmp_path / "secret.txt").write_text("outside the site", encoding="utf-8")
    (tmp_path / "secrets").mkdir()
    (tmp_path / "secrets" / "index.html").write_text("outside the site", encoding="utf-8")
    (tmp_path / "secrets" / "passwd").write_text("outside the site", encoding="utf-8")
    return root


@pytest.fixture
def port(site: Path) -> Iterator[int]:
    with serve(site) as base:
        yield int(urlsplit(base).port or 0)


def get(port: int, path: str, encoding: str | None) -> tuple[int, dict[str, str], bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.request("GET", path, headers={"Accept-Encoding": encoding} if encoding else {})
    response = connection.getresponse()
    body = response.read()
    connection.close()
    return response.status, {k.lower(): v for k, v in response.getheaders()}, body


@pytest.mark.parametrize("encoding", ["gzip", "gzip, deflate, br", "br;q=1.0, gzip;q=0.8", "*"])
def test_a_browser_accepting_gzip_gets_the_twin_with_the_original_type(port: int, encoding: str) -> None:
    status, headers, body = get(port, "/assets/main.css", encoding)
    assert status == 200 and headers["content-encoding"] == "gzip"
    assert headers["content-type"].startswith("text/css") and headers["vary"] == "Accept-Encoding"
    assert gzip.decompress(body).decode() == CSS


@pytest.mark.parametrize("encoding", [None, "identity", "br", "gzip;q=0"])
def test_a_client_not_accepting_gzip_gets_the_file_as_it_is(port: int, encoding: str | None) -> None:
    status, headers, body = get(port, "/assets/main.css", encoding)
    assert status == 200 and "content-encoding" not in headers and body.decode() == CSS


def test_a_file_without_a_twin_is_sent_as_it_is_even_to_gzip_browsers(port: int) -> None:
    status, headers, body = get(port, "/", "gzip")
    assert status == 200 and "content-encoding" not in headers and "信用临江" in body.decode()


def test_a_missing_page_answers_404_with_the_sites_own_not_found_page(site: Path, port: int) -> None:
    (site / "404.html").write_text("<!doctype html><title>页面不存在</title>", encoding="utf-8")
    status, headers, body = get(port, "/r/ab/withdrawn.html", "gzip")
    assert status == 404 and "页面不存在" in body.decode() and headers["content-type"].startswith("text/html")


@pytest.mark.parametrize("path", ["/../secret.txt", "/assets/../../secret.txt", "/%2e%2e/secret.txt"])
def test_nothing_outside_the_site_folder_is_served(port: int, path: str) -> None:
    status, _, body = get(port, path, "gzip")
    assert status == 404 and b"outside the site" not in body


def raw(port: int, target: bytes, method: bytes = b"GET") -> tuple[int, dict[str, str], bytes]:
    """Send one request line exactly as given; the server's status line, headers and body."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(method + b" " + target + b" HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    response = b"".join(chunks)
    assert response, "the server dropped the connection without answering"
    head, _, body = response.partition(b"\r\n\r\n")
    status_line, *lines = head.decode("latin-1").split("\r\n")
    headers = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines)}
    return int(status_line.split()[1]), headers, body


def test_a_symlink_to_a_file_outside_the_site_is_not_served(site: Path, port: int) -> None:
    (site / "passwd").symlink_to(site.parent / "secret.txt")
    (site / "etc-passwd.txt").symlink_to("/etc/passwd")
    for path in ("/passwd", "/etc-passwd.txt"):
        status, _, body = get(port, path, None)
        assert status == 404 and "页面不存在" in body.decode()
        assert b"outside the site" not in body and b"root:" not in body


def test_a_symlinked_folder_leading_outside_the_site_is_not_served(site: Path, port: int) -> None:
    (site / "leak").symlink_to(site.parent / "secrets", target_is_directory=True)
    for path in ("/leak/passwd", "/leak/", "/leak/index.html", "/leak"):
        status, headers, body = get(port, path, None)
        assert status == 404 and b"outside the site" not in body and "location" not in headers


def test_a_gzip_twin_that_is_a_symlink_outside_the_site_is_not_sent(site: Path, port: int) -> None:
    (site / "index.html.gz").symlink_to(site.parent / "secret.txt")
    status, headers, body = get(port, "/index.html", "gzip")
    assert status == 200 and "content-encoding" not in headers and "信用临江" in body.decode()


def test_a_not_found_page_that_is_a_symlink_outside_the_site_is_not_shown(site: Path, port: int) -> None:
    (site / "404.html").unlink()
    (site / "404.html").symlink_to(site.parent / "secret.txt")
    status, _, body = get(port, "/missing.html", None)
    assert status == 404 and b"outside the site" not in body


def test_a_symlink_to_a_file_inside_the_site_is_served_as_its_target(site: Path, port: int) -> None:
    (site / "data" / "current.csv").symlink_to(site / "data" / "latest" / "penalties.csv")
    (site / "data" / "now").symlink_to(Path("latest"), target_is_directory=True)
    for path in ("/data/current.csv", "/data/now/penalties.csv"):
        status, headers, body = get(port, path, None)
        assert (
            status == 200 and "临市监罚〔2024〕1号" in body.decode() and headers["content-type"] == "text/csv"
        )


def test_a_site_reached_through_a_symlinked_folder_is_served(site: Path) -> None:
    link = site.parent / "current"
    link.symlink_to(site, target_is_directory=True)
    with serve(link) as base:
        status, _, body = get(int(urlsplit(base).port or 0), "/about/", None)
    assert status == 200 and "关于" in body.decode()


def test_a_directory_without_an_index_is_not_listed(port: int) -> None:
    for path in ("/data/", "/data/latest/", "/data", "/assets/"):
        status, headers, body = get(port, path, None)
        assert status == 404 and "页面不存在" in body.decode() and "location" not in headers
        assert b"penalties.csv" not in body and b"main.css" not in body


def test_a_directory_with_an_index_is_served_as_its_index_page(port: int) -> None:
    status, _, body = get(port, "/about/", None)
    assert status == 200 and "关于" in body.decode()


def test_a_directory_without_its_trailing_slash_is_redirected_to_it(port: int) -> None:
    status, headers, _ = get(port, "/about?from=menu", None)
    assert status == 301 and headers["location"] == "/about/?from=menu"


def test_a_file_asked_for_as_a_directory_is_not_found(port: int) -> None:
    status, _, body = get(port, "/index.html/", None)
    assert status == 404 and "页面不存在" in body.decode()


@pytest.mark.parametrize(
    "target",
    [
        b"/index.html%00",
        b"/index.html\x00",
        b"/%00/../index.html",
        b"/assets/main.css%00.gz",
        b"/index.%zzhtml",
        b"/index.html%",
        b"/%ff.html",
        b"/%c0%ae%c0%ae/secret.txt",
        b"/%ed%a0%80.html",
        b"/\xff\xfe.html",
        b"/assets\\main.css",
        b"/assets%5cmain.css",
        b"/..%5c..%5csecret.txt",
        b"/%0d%0aSet-Cookie:x=1",
        b"index.html",
        pytest.param(b"/" + b"a" * 3000, id="path-of-3000-characters"),
        pytest.param(b"/" + b"%e4%bf%a1" * 90 + b".html", id="segment-of-275-bytes"),
    ],
)
def test_a_malformed_path_is_answered_400_not_a_dropped_connection(port: int, target: bytes) -> None:
    status, headers, body = raw(port, target)
    assert status == 400 and b"outside the site" not in body and "set-cookie" not in headers


def test_a_malformed_path_in_a_head_request_is_answered_400(port: int) -> None:
    status, _, body = raw(port, b"/index.html%00", method=b"HEAD")
    assert status == 400 and body == b""


def test_the_server_keeps_serving_after_malformed_requests(port: int) -> None:
    for target in (b"/%00", b"/%ed%a0%80", b"/a\\b"):
        assert raw(port, target)[0] == 400
    status, _, body = raw(port, b"/%e4%bf%a1%e7%94%a8/../index.html")
    assert status == 200 and "信用临江" in body.decode()


def test_a_percent_encoded_chinese_file_name_is_served(site: Path, port: int) -> None:
    (site / "信用修复.html").write_text("<!doctype html><title>信用修复指南</title>", encoding="utf-8")
    status, _, body = get(port, "/%E4%BF%A1%E7%94%A8%E4%BF%AE%E5%A4%8D.html", None)
    assert status == 200 and "信用修复指南" in body.decode()


def test_the_twin_of_a_symlinked_file_inside_the_site_is_its_targets_twin(site: Path, port: int) -> None:
    (site / "theme.css").symlink_to(site / "assets" / "main.css")
    status, headers, body = get(port, "/theme.css", "gzip")
    assert status == 200 and headers["content-encoding"] == "gzip" and gzip.decompress(body).decode() == CSS
