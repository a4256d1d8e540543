"""The pages a citizen acts on, in Debian's Chromium at a phone's and a laptop's size: they fit the screen, have
no serious accessibility violation, show the 数据截至 date of the build, and an archive's heading says when its
subject is on the punishment list."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from generator.catalog import load_catalog
from generator.model import RECORD_ID
from generator.site import urls
from tests.browser.demo import ORG, a_company, subject_rows
from tests.browser.kit import assert_axe_passes
from tests.conftest import AS_OF

pytestmark = pytest.mark.browser
SIZES = {"phone": {"width": 390, "height": 844}, "laptop": {"width": 1366, "height": 768}}
PAGES = ("home", "archive", "record", "month", "list", "stats")


def dataset_ids(catalog: Path, kind: str, list_type: str = "") -> list[str]:
    loaded, _ = load_catalog(catalog)
    assert loaded is not None
    return sorted(
        d.id for d in loaded.datasets if d.config.kind == kind and (d.config.list_type or "") == list_type
    )


def listed_subject(catalog: Path, out: Path) -> str:
    """The code of an organisation published on the punishment list (its archive exists)."""
    rows = subject_rows(catalog, out)
    mask = rows["dataset"].isin(dataset_ids(catalog, "list", "punishment")) & (rows["fate"] == "published")
    codes = sorted(
        set(rows.loc[mask & (rows["subject_type"] == ORG) & (rows["subject_code"] != ""), "subject_code"])
    )
    assert codes, "the demo has no organisation on the punishment list"
    return str(codes[0])


def a_penalty_record(catalog: Path, out: Path) -> str:
    rows = subject_rows(catalog, out)
    code = a_company(catalog, out).code
    mask = rows["dataset"].isin(dataset_ids(catalog, "penalty")) & (rows["fate"] == "published")
    ids = sorted(rows.loc[mask & (rows["subject_code"] == code), RECORD_ID])
    return str(ids[0])


def path_of(which: str, catalog: Path, out: Path) -> str:
    if which in ("record", "month"):
        record = urls.record_page(a_penalty_record(catalog, out))
        if which == "record":
            return record
        text = (out / "site" / record).read_text(encoding="utf-8")
        month = re.search(r'href="\.\./\.\./(datasets/[\w-]+/\d{4}-\d{2}\.html)"', text)
        assert month, "a record page links its month's listing"
        return month.group(1)
    return {
        "home": "",
        "archive": urls.subject_page(a_company(catalog, out).code),
        "list": urls.list_page(dataset_ids(catalog, "list", "punishment")[0]),
        "stats": "stats/",
    }[which]


@pytest.mark.parametrize("size", list(SIZES))
@pytest.mark.parametrize("which", PAGES)
def test_citizen_pages_fit_the_screen_without_serious_accessibility_violations(
    which: str, size: str, page: Any, portal: str, portal_out: Path, portal_catalog: Path, artifacts: Path
) -> None:
    page.set_viewport_size(SIZES[size])
    page.goto(portal + path_of(which, portal_catalog, portal_out))
    page.wait_for_selector("[data-gs-asof]:not(:empty)")
    width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1], f"{which} is {width[0]}px wide on a {width[1]}px screen"
    assert_axe_passes(page, which)
    page.screenshot(path=str(artifacts / f"citizen-{which}-{size}.png"), full_page=True)


@pytest.mark.parametrize("which", ["archive", "record"])
def test_the_as_of_line_shows_the_date_of_the_build(
    which: str, page: Any, portal: str, portal_out: Path, portal_catalog: Path
) -> None:
    page.goto(portal + path_of(which, portal_catalog, portal_out))
    line = page.locator(".gs-asof [data-gs-known]")
    line.wait_for(state="visible")
    assert f"数据截至 {AS_OF.isoformat()}" in line.inner_text()
    assert page.locator(".gs-asof [data-gs-release]").inner_text().strip() != ""


def test_an_archive_heading_says_its_subject_is_on_the_punishment_list(
    page: Any, portal: str, portal_out: Path, portal_catalog: Path
) -> None:
    page.set_viewport_size(SIZES["phone"])
    page.goto(portal + urls.subject_page(listed_subject(portal_catalog, portal_out)))
    badge = page.locator("h1#gs-main + .gs-badges .gs-badge--punishment")
    assert badge.inner_text() == "失信"
    assert badge.is_visible() and badge.bounding_box()["y"] < SIZES["phone"]["height"]  # on the first screen


PLACEHOLDER_FITS = """() => {
  const box = document.getElementById("gs-header-q");
  const style = getComputedStyle(box);
  const context = document.createElement("canvas").getContext("2d");
  context.font = `${style.fontSize} ${style.fontFamily}`;
  const padding = parseFloat(style.paddingLeft) + parseFloat(style.paddingRight);
  return context.measureText(box.placeholder).width + padding <= box.clientWidth;
}"""


@pytest.mark.parametrize("width", [360, 390])
def test_the_header_search_placeholder_is_not_cut_on_a_phone(width: int, page: Any, portal: str) -> None:
    page.set_viewport_size({"width": width, "height": 800})
    page.goto(portal)
    assert page.evaluate(PLACEHOLDER_FITS)
