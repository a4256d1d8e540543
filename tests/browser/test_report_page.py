"""The build report (report/build-report.html, for the credit office) in Debian's Chromium, served on 127.0.0.1:
it fits a 390 px phone screen without horizontal page overflow, every table that can scroll sideways sits in a
focusable, labelled region with a visible edge shadow, and axe finds nothing serious or critical. Screenshots
are kept under test-artifacts/browser/."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from generator import paths
from tests.browser.kit import assert_axe_passes, serve

pytestmark = pytest.mark.browser
SIZES = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1366, "height": 768}}

# Elements that scroll sideways (or are meant to) but a keyboard user could not reach, or that show no cue.
UNREACHABLE_SCROLLERS = """() => [...document.querySelectorAll('body *')]
  .filter(e => ['auto', 'scroll'].includes(getComputedStyle(e).overflowX) || e.matches('.scroll'))
  .filter(e => !(e.tabIndex === 0 && e.getAttribute('role') === 'region'
                 && document.getElementById(e.getAttribute('aria-labelledby') || '')
                 && getComputedStyle(e).backgroundImage.includes('gradient')))
  .map(e => e.outerHTML.slice(0, 120))"""
SCROLLERS = "() => document.querySelectorAll('.scroll').length"


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_the_build_report_fits_the_screen_and_has_no_serious_accessibility_violations(
    size: str, page: Any, portal_out: Path, artifacts: Path
) -> None:
    viewport = SIZES[size]
    page.set_viewport_size(viewport)
    with serve(portal_out / paths.REPORT_DIR) as base:
        page.goto(base + paths.BUILD_REPORT_HTML)
        page.screenshot(path=str(artifacts / f"build-report-{size}.png"), full_page=True)
        width = page.evaluate("document.scrollingElement.scrollWidth")
        assert width <= viewport["width"], f"the report is {width}px wide on a {viewport['width']}px screen"
        assert page.evaluate(SCROLLERS) > 0 and page.evaluate(UNREACHABLE_SCROLLERS) == []
        assert_axe_passes(page, "the build report")


def test_on_a_phone_each_problem_is_a_card_with_its_labels(page: Any, portal_out: Path) -> None:
    page.set_viewport_size(SIZES["phone"])
    with serve(portal_out / paths.REPORT_DIR) as base:
        page.goto(base + paths.BUILD_REPORT_HTML)
        first = page.locator("#problems + table tbody tr").first
        assert first.evaluate("e => getComputedStyle(e).display") == "block"
        label = first.locator("td").first.evaluate("e => getComputedStyle(e, '::before').content")
        assert label == '"级别"'
