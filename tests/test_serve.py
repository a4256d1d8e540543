"""The preview server: serves the site folder only, and sends gzip twins to browsers that accept gzip."""

from __future__ import annotations

import gzip
import http.client
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
    (tmp_path / "secret.txt").write_text("outside the site", encoding="utf-8")
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
