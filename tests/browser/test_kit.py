"""The browser kit's own promises: ``settle`` returns only once the page's transitions have finished — including
one a script starts a frame after load, with a delay, as mkdocs-material fades its tabs in — so axe samples the
colours a reader sees, whatever the machine's speed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.browser.kit import assert_axe_passes, serve, settle

pytestmark = pytest.mark.browser

# Text fading from nearly invisible to its colour: 0.3 s after a class set on the second frame after load.
FADING = """<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>渐显</title><style>
main p { color: #000; opacity: 0.2; transition: opacity 0.4s 0.3s; }
main.shown p { opacity: 1; }
</style></head><body><main><h1>信用</h1><p>行政处罚决定书</p></main><script>
requestAnimationFrame(() => requestAnimationFrame(() => document.querySelector('main').classList.add('shown')));
</script></body></html>"""
# An endless spinner beside it: never finished, so it must not be waited for.
SPINNING = FADING.replace(
    "</style>",
    "@keyframes turn { to { transform: rotate(1turn); } } h1 { animation: turn 1s infinite; }</style>",
)


def opacity(page: Any) -> str:
    return str(page.evaluate("getComputedStyle(document.querySelector('main p')).opacity"))


@pytest.mark.parametrize("html", [FADING, SPINNING], ids=["fading", "with-a-spinner"])
def test_settle_returns_once_a_transition_started_after_load_has_finished(
    html: str, page: Any, tmp_path: Path
) -> None:
    (tmp_path / "index.html").write_text(html, encoding="utf-8")
    with serve(tmp_path) as base:
        page.goto(base)
        settle(page)
        assert opacity(page) == "1"
        assert_axe_passes(page, "the faded-in page")
