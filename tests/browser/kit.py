"""Real-browser test kit: serve a folder on 127.0.0.1 and drive Debian's Chromium with Playwright.

Used by tests/browser and tests/search. Nothing is downloaded: the browser is /usr/bin/chromium, the server is
gongshi's preview server (Python's http.server, sending pre-compressed twins like nginx's gzip_static) on a
free loopback port, and every request and response size is recorded.
"""

from __future__ import annotations

import http.server
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe

from generator.serve import handler_for

CHROMIUM = Path("/usr/bin/chromium")
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@contextmanager
def serve(folder: Path) -> Iterator[str]:
    """Serve ``folder`` on 127.0.0.1 (a free port) in a background thread; yields the base URL ending in '/'."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler_for(folder, quiet=True))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@contextmanager
def chromium() -> Iterator[Any]:
    """A headless Debian Chromium (a Playwright ``Browser``); fails clearly when it is not installed."""
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (scripts/test.sh does, as root)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS, headless=True)
        try:
            yield browser
        finally:
            browser.close()


@dataclass
class Traffic:
    """Every request URL a page (or a whole context) made, and the bytes transferred for each (headers and
    body as received from the network; a response from the browser's cache counts 0)."""

    urls: list[str] = field(default_factory=list)
    sizes: dict[str, int] = field(default_factory=dict)

    def watch(self, page: Any) -> None:
        page.on("request", lambda request: self.urls.append(request.url))
        page.on("requestfinished", self._count)

    def _count(self, request: Any) -> None:
        sizes = request.sizes()
        received = max(sizes["responseBodySize"], 0) + max(sizes["responseHeadersSize"], 0)
        self.sizes[request.url] = self.sizes.get(request.url, 0) + received

    def total(self) -> int:
        return sum(self.sizes.values())

    def reset(self) -> None:
        self.urls.clear()
        self.sizes.clear()


BLOCKING = frozenset({"serious", "critical"})

# Resolves once no finite CSS transition or animation is running, checked again two frames after each wait so
# that one a script starts a frame later (mkdocs-material fades its tabs in) is waited for too; -1 if the page
# never settles. Infinite animations (a spinner) are not waited for.
SETTLE = """async () => {
  const frame = () => new Promise((done) => requestAnimationFrame(() => done()));
  const finite = (a) => a.playState !== 'finished' && a.effect
    && a.effect.getComputedTiming().endTime !== Infinity;
  for (let round = 0; round < 50; round++) {
    await frame();
    await frame();
    const running = document.getAnimations().filter(finite);
    if (running.length === 0) return round;
    await Promise.all(running.map((a) => a.finished.catch(() => null)));
  }
  return -1;
}"""


def settle(page: Any) -> None:
    """Wait until the page's own transitions and animations have finished: axe samples the colours painted at
    that moment, and a tab caught part-way through its fade-in is a contrast failure that depends on the
    machine's speed."""
    rounds = page.evaluate(SETTLE)
    assert rounds >= 0, f"{page.url} kept starting transitions"


def assert_axe_passes(page: Any, what: str = "the page") -> None:
    """axe finds nothing serious or critical on ``page`` once it has settled."""
    settle(page)
    results = Axe().run(page)
    blocking = [v for v in results.response["violations"] if v["impact"] in BLOCKING]
    found = [(v["id"], [n["target"] for n in v["nodes"]]) for v in blocking]
    assert blocking == [], f"{what}: " + results.generate_report() + json.dumps(found, ensure_ascii=False)


SEARCH_DONE = """() => {
  const status = document.querySelector('.gongshi-search__status');
  return status && status.textContent && !status.textContent.startsWith('正在');
}"""


def wait_for_search(page: Any) -> str:
    """Wait until the search script has answered; returns its status message."""
    page.wait_for_function(SEARCH_DONE, timeout=15_000)
    return str(page.inner_text(".gongshi-search__status"))


def result_names(page: Any) -> list[str]:
    return [str(t) for t in page.locator(".gongshi-search__item .gongshi-search__name").all_inner_texts()]
