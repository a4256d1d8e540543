"""The built demo portal, served on 127.0.0.1, and a Chromium page that records every request it makes.

The portal is built once per test session (once across pytest-xdist workers, under a file lock) with the real
command line: ``.venv/bin/gongshi build --catalog catalog --out <tmp> --as-of 2026-11-20``. If the command is
missing or the build fails, every test here fails with the reason — they are never skipped.

Two environment variables point the same tests at another portal: ``GONGSHI_BROWSER_CATALOG`` (a catalog to
build instead of the demo, e.g. a ``gongshi sample``) and ``GONGSHI_BROWSER_OUT`` (an already built
``published/`` folder of that catalog, which is then used as it is).
"""

from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.browser.kit import Traffic, serve
from tests.conftest import AS_OF, DEMO_CATALOG, REPO

ARTIFACTS = REPO / "test-artifacts" / "browser"
LOCAL_SCHEMES = {"data", "blob", "about"}


def gongshi_command() -> Path:
    """The installed ``gongshi`` entry point next to this interpreter (``.venv/bin/gongshi``)."""
    for candidate in (Path(sys.executable).parent / "gongshi", REPO / ".venv" / "bin" / "gongshi"):
        if candidate.exists():
            return candidate
    pytest.fail("the gongshi command is not installed: run `bash scripts/env.sh` (pip install -e .) first")


@pytest.fixture(scope="session")
def portal_catalog() -> Path:
    """The catalog the portal under test is built from (the demo catalog unless told otherwise)."""
    return Path(os.environ.get("GONGSHI_BROWSER_CATALOG", DEMO_CATALOG)).resolve()


def build_portal(catalog: Path, out: Path) -> None:
    as_of = AS_OF.isoformat()
    command = [
        str(gongshi_command()),
        "build",
        "--catalog",
        str(catalog),
        "--out",
        str(out),
        "--as-of",
        as_of,
    ]
    done = subprocess.run(command, capture_output=True, text=True, cwd=REPO, timeout=1800)
    if done.returncode != 0 or not (out / "site" / "index.html").exists():
        tail = (done.stdout + done.stderr)[-3000:]
        pytest.fail(
            f"`{' '.join(command)}` failed (exit {done.returncode}); the portal tests need a built demo:\n{tail}"
        )


@pytest.fixture(scope="session")
def portal_out(portal_catalog: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``published/`` of the catalog under test, built by the CLI once for all workers."""
    if "GONGSHI_BROWSER_OUT" in os.environ:
        return Path(os.environ["GONGSHI_BROWSER_OUT"]).resolve()
    run = os.environ.get("PYTEST_XDIST_TESTRUNUID")  # the same in every worker of one pytest-xdist run
    base = tmp_path_factory.getbasetemp()
    shared = base.parent / f"gongshi-browser-{run}" if run else base / "gongshi-browser"
    shared.mkdir(exist_ok=True)
    with open(shared / "lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        out, stamp = shared / "published", shared / "built"
        if not stamp.exists():
            shutil.rmtree(out, ignore_errors=True)
            build_portal(portal_catalog, out)
            stamp.touch()
    return out


@pytest.fixture(scope="session")
def portal(portal_out: Path) -> Iterator[str]:
    """Base URL (ending in '/') of the demo site served on 127.0.0.1."""
    with serve(portal_out / "site") as base:
        yield base


@pytest.fixture
def traffic() -> Traffic:
    return Traffic()


@pytest.fixture
def page(browser: Any, traffic: Traffic) -> Iterator[Any]:
    """A fresh page (own profile); after the test, every request it made must have stayed on 127.0.0.1."""
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    opened = context.new_page()
    traffic.watch(opened)
    context.on("page", traffic.watch)
    yield opened
    context.close()
    assert off_host(traffic.urls) == [], "requests left 127.0.0.1"


def off_host(urls: list[str]) -> list[str]:
    return [
        u for u in urls if urlsplit(u).scheme not in LOCAL_SCHEMES and urlsplit(u).hostname != "127.0.0.1"
    ]


@pytest.fixture(scope="session")
def artifacts() -> Path:
    """test-artifacts/browser/ (git-ignored): screenshots kept for people to look at."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS
