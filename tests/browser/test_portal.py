"""End to end, in Debian's Chromium, against the demo portal built by ``gongshi build`` and served on 127.0.0.1.

Every test's page fails the test if any request leaves 127.0.0.1 (see conftest). Screenshots are kept under
test-artifacts/browser/ for people to look at.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

from generator.catalog import load_catalog
from generator.site import urls
from tests.browser.demo import a_company, a_person, withdrawn_records
from tests.browser.kit import assert_axe_passes, result_names, wait_for_search
from tests.leakscan import find_unmasked_ids

pytestmark = pytest.mark.browser
PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1280, "height": 800}


def status_of(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)


def search_for(page: Any, portal: str, query: str) -> None:
    """Open the portal's search page for ``query`` and wait until the search script has answered."""
    page.goto(f"{portal}search/?q={quote(query)}")
    wait_for_search(page)


def a_dataset_page(root: Path) -> str:
    catalog, _ = load_catalog(root)
    assert catalog is not None
    kinds = sorted(catalog.datasets, key=lambda d: (d.config.kind != "penalty", d.id))
    return urls.dataset_page(kinds[0].id)


def test_typing_part_of_a_company_name_finds_its_archive_with_its_records(
    page: Any, portal: str, portal_out: Path, portal_catalog: Path
) -> None:
    company = a_company(portal_catalog, portal_out)
    page.goto(portal)
    box = page.locator("main form[role=search] input[name=q]").first
    box.fill(company.fragment)
    box.press("Enter")
    wait_for_search(page)
    assert "/search/" in page.url and company.name in result_names(page)
    page.get_by_role("link", name=company.name, exact=True).first.click()
    page.wait_for_load_state()
    assert page.url.endswith(urls.subject_page(company.code))
    text = page.inner_text("body")
    assert company.name in text and company.code in text
    assert all(document in text for document in company.documents)


def test_a_company_is_found_by_its_code_and_a_code_prefix(
    page: Any, portal: str, portal_out: Path, portal_catalog: Path
) -> None:
    company = a_company(portal_catalog, portal_out)
    for query in (company.code, company.code[:12].lower()):
        search_for(page, portal, query)
        assert company.name in result_names(page), query


def test_a_withdrawn_record_has_no_page_and_no_search_hit(
    page: Any, portal: str, portal_out: Path, portal_catalog: Path
) -> None:
    gone = withdrawn_records(portal_catalog, portal_out)
    assert any(r.reason in ("repaired", "revoked") for r in gone), (
        "the demo should hold a repaired or revoked record"
    )
    index = "".join(
        p.read_text(encoding="utf-8") for p in (portal_out / "site" / "search-index").rglob("*.json")
    )
    assert [r for r in gone if status_of(portal + urls.record_page(r.record_id)) != 404] == []
    assert [r for r in gone if r.record_id in index] == []
    for record in [r for r in gone if not r.subject_still_public][:3]:
        search_for(page, portal, record.subject)
        assert record.subject not in result_names(page), record


def test_a_person_is_found_by_name_with_a_masked_id_and_no_id_number_is_in_the_index(
    page: Any, portal: str, portal_out: Path, portal_catalog: Path
) -> None:
    name = a_person(portal_catalog, portal_out)
    search_for(page, portal, name)
    assert name in result_names(page)
    shown = page.locator(".gongshi-search__item", has_text=name).first.inner_text()
    assert "证件号码" in shown and "*" in shown
    assert find_unmasked_ids(portal_out / "site" / "search-index") == []


def test_no_page_loads_anything_from_another_host(
    page: Any, portal: str, portal_out: Path, portal_catalog: Path, traffic: Any
) -> None:
    company = a_company(portal_catalog, portal_out)
    for path in (
        "",
        "catalog/",
        a_dataset_page(portal_catalog),
        urls.subject_page(company.code),
        f"search/?q={quote(company.fragment)}",
        "stats/",
        "no-such-page/",
    ):
        page.goto(portal + path)
        page.wait_for_load_state("networkidle")
    assert any("search-index/" in u for u in traffic.urls)  # the search page really ran


def test_a_name_search_downloads_under_300_kb_of_search_files_on_a_cold_cache(
    page: Any, portal: str, portal_out: Path, portal_catalog: Path, traffic: Any
) -> None:
    company = a_company(portal_catalog, portal_out)
    search_for(page, portal, company.fragment)
    page.wait_for_load_state("networkidle")
    search = {u: n for u, n in traffic.sizes.items() if "/search-index/" in u or "/gongshi-search." in u}
    assert any("/search-index/n/" in u for u in search)
    assert sum(search.values()) <= 300_000, (
        f"search files {sum(search.values())} B, whole page {traffic.total()} B"
    )


def test_a_cold_name_search_transfers_under_300_kb_in_all_theme_and_page_included(
    page: Any, portal: str, portal_out: Path, portal_catalog: Path, traffic: Any
) -> None:
    company = a_company(portal_catalog, portal_out)
    search_for(page, portal, company.fragment)
    page.wait_for_load_state("networkidle")
    assert company.name in result_names(page)
    compressed = [u for u in traffic.urls if u.endswith((".css", ".js"))]
    assert compressed and sum(traffic.sizes[u] for u in compressed) < 120_000  # the gzip twins were sent
    assert traffic.total() <= 300_000, json.dumps(traffic.sizes, indent=1)


@pytest.mark.parametrize("which", ["home", "dataset", "subject", "search"])
def test_key_pages_have_no_serious_or_critical_accessibility_violations(
    which: str, page: Any, portal: str, portal_out: Path, portal_catalog: Path
) -> None:
    company = a_company(portal_catalog, portal_out)
    path = {
        "home": "",
        "dataset": a_dataset_page(portal_catalog),
        "subject": urls.subject_page(company.code),
        "search": f"search/?q={quote(company.fragment)}",
    }[which]
    page.goto(portal + path)
    if which == "search":
        wait_for_search(page)
    assert_axe_passes(page, which)


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_home_search_results_and_a_subject_page_fit_the_screen_and_are_kept_as_screenshots(
    size: str, page: Any, portal: str, portal_out: Path, portal_catalog: Path, artifacts: Path
) -> None:
    company = a_company(portal_catalog, portal_out)
    viewport = PHONE if size == "phone" else DESKTOP
    page.set_viewport_size(viewport)
    for name, path in (
        ("home", ""),
        ("search", f"search/?q={quote(company.fragment)}"),
        ("subject", urls.subject_page(company.code)),
    ):
        page.goto(portal + path)
        if name == "search":
            wait_for_search(page)
        page.screenshot(path=str(artifacts / f"{name}-{size}.png"), full_page=True)
        overflow = page.evaluate("document.scrollingElement.scrollWidth")
        assert overflow <= viewport["width"], f"{name} is {overflow}px wide on a {viewport['width']}px screen"
