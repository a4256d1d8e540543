"""The credit report (信用报告) and its static check page, in Debian's Chromium against real builds.

A report printed to PDF (``page.pdf``, read back with poppler's ``pdftotext``) holds its number, the as-of date
and every public record of the subject; the check page says 一致 for a fresh report, also where the browser has
no ``crypto.subtle`` (the vendored js-sha256 is loaded instead); after one of the subject's penalties is repaired
and the portal rebuilt a day later, the old report's check URL and its number typed by hand say 已变更 with the
date since which the current data hold. axe finds nothing serious or critical on the report and the check page
at 390×844 and 1366×768, and neither page is wider than the screen. Screenshots go to test-artifacts/browser/.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from generator import paths
from generator.site import api, urls
from generator.site.credit_report import check_url, report_number
from tests.browser.demo import a_company
from tests.browser.kit import assert_axe_passes, serve
from tests.conftest import AS_OF, DEMO_CATALOG, run_build

pytestmark = pytest.mark.browser
SIZES = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1366, "height": 768}}
DATES_FILLED = "() => [...document.querySelectorAll('.gs-report [data-gs-asof], [data-gs-printed]')].every(e => e.textContent.trim())"
CHECKED = "() => { const v = document.querySelector('.gs-check__verdict'); return v && !v.textContent.includes('正在'); }"
NO_SUBTLE = "Object.defineProperty(Crypto.prototype, 'subtle', { get() { return undefined; } });"


def subject_json(site: Path, code: str) -> tuple[str, dict[str, Any]]:
    """(SHA-256 of the subject's JSON file, its content)."""
    raw = (site / api.subject_path(code)).read_bytes()
    return hashlib.sha256(raw).hexdigest(), json.loads(raw)


def local(url: str, base_url: str, portal: str) -> str:
    """A URL under the portal's public base URL, pointed at the local server instead."""
    assert url.startswith(base_url)
    return portal + url.removeprefix(base_url)


def base_url_of(site: Path) -> str:
    return str(json.loads((site / paths.RELEASES_JSON).read_text(encoding="utf-8"))["base_url"])


def open_report(page: Any, portal: str, code: str) -> None:
    page.goto(portal + urls.report_page(code))
    page.wait_for_function(DATES_FILLED)


def verdict(page: Any, url: str) -> str:
    page.goto(url)
    page.wait_for_function(CHECKED)
    return str(page.inner_text(".gs-check__result"))


def test_a_printed_report_holds_its_number_the_as_of_date_and_every_public_record(
    page: Any, portal: str, portal_out: Path, portal_catalog: Path, artifacts: Path, tmp_path: Path
) -> None:
    company = a_company(portal_catalog, portal_out)
    digest, document = subject_json(portal_out / "site", company.code)
    open_report(page, portal, company.code)
    page.pdf(path=str(tmp_path / "report.pdf"), format="A4", print_background=True)
    shutil.copy(tmp_path / "report.pdf", artifacts / "credit-report.pdf")
    text = subprocess.run(
        ["pdftotext", "-layout", str(tmp_path / "report.pdf"), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert report_number(document["release"], digest) in text
    assert re.search(rf"数据截至\s+{AS_OF.isoformat()}", text)
    assert "打印时间" in text and company.name in text and company.code in text
    records = [r["记录ID"] for d in document["datasets"] for r in d["records"]]
    assert len(records) == document["total"] > 1
    assert [r for r in records if r not in text] == []
    portal_name = json.loads((portal_out / "site" / paths.RELEASES_JSON).read_text(encoding="utf-8"))[
        "portal"
    ]
    assert portal_name in text and "无违法违规证明" in text


def test_the_check_page_says_consistent_for_a_fresh_report_also_without_crypto_subtle(
    browser: Any, page: Any, portal: str, portal_out: Path, portal_catalog: Path, traffic: Any
) -> None:
    company = a_company(portal_catalog, portal_out)
    site = portal_out / "site"
    digest, document = subject_json(site, company.code)
    url = local(
        check_url(base_url_of(site), company.code, report_number(document["release"], digest)),
        base_url_of(site),
        portal,
    )
    assert "一致" in verdict(page, url) and document["release"] in page.inner_text(".gs-check__result")
    nobody = "91350100M000100Y43"  # well-formed, no file on the portal (the server answers 404)
    assert not (site / api.subject_path(nobody)).exists()
    said = verdict(page, f"{portal}{urls.check_page()}?code={nobody}&sha256={digest}")
    assert said.startswith("已变更") and "该主体目前在本门户无公示信息" in said
    assert not any(paths.SHA256_FALLBACK in u for u in traffic.urls)
    context = browser.new_context()
    context.add_init_script(NO_SUBTLE)
    bare = context.new_page()
    traffic.watch(bare)
    try:
        assert bare.evaluate("() => window.crypto.subtle") is None
        assert verdict(bare, url).startswith("一致")
        assert any(paths.SHA256_FALLBACK in u for u in traffic.urls)
    finally:
        context.close()


def a_repairable_subject(site: Path) -> tuple[str, dict[str, Any]]:
    """A subject with several public records, one a penalty: (its code, that penalty's JSON record)."""
    for path in sorted((site / paths.API_SUBJECTS_DIR).glob("*.json")):
        document = json.loads(path.read_bytes())
        penalties = [r for d in document["datasets"] if d["id"] == "penalties" for r in d["records"]]
        if document["total"] > 1 and penalties:
            return str(document["code"]), min(penalties, key=lambda r: r["处罚决定日期"])
    raise AssertionError("the demo publishes no subject with a penalty and another record")


def repair(catalog: Path, record: dict[str, Any]) -> None:
    line = f"penalties,{record['行政处罚决定书文号']},{record['处罚机关统一社会信用代码']},临信修〔2026〕0998号,{AS_OF.isoformat()},临江市公共信用信息中心\n"
    with open(catalog / paths.REPAIRS_FILE, "a", encoding="utf-8") as f:
        f.write(line)


@pytest.mark.slow
def test_after_a_repair_and_a_rebuild_the_old_report_says_changed_with_the_date(
    page: Any, tmp_path: Path, artifacts: Path
) -> None:
    catalog, out = tmp_path / "catalog", tmp_path / "published"
    shutil.copytree(DEMO_CATALOG, catalog)
    site = run_build(catalog, out) / "site"
    code, penalty = a_repairable_subject(site)
    digest, document = subject_json(site, code)
    number = report_number(document["release"], digest)
    old_url = check_url(base_url_of(site), code, number)
    with serve(site) as portal:
        open_report(page, portal, code)
        assert number in page.inner_text(".gs-report") and old_url in page.inner_text(".gs-report")
        assert verdict(page, local(old_url, base_url_of(site), portal)).startswith("一致")
    repair(catalog, penalty)
    later = AS_OF + timedelta(days=1)
    run_build(catalog, out, later)
    now, current = subject_json(site, code)
    assert now != digest and penalty["记录ID"] not in json.dumps(current, ensure_ascii=False)
    with serve(site) as portal:
        said = verdict(page, local(old_url, base_url_of(site), portal))
        assert said.startswith("已变更") and f"自 {later.isoformat()} 起" in said, said
        page.screenshot(path=str(artifacts / "check-changed.png"), full_page=True)
        page.goto(portal + urls.check_page())
        page.fill("#gs-check-code", code)
        page.fill("#gs-check-number", number)
        page.click(".gs-check__form button[type=submit]")
        page.wait_for_function(CHECKED)
        assert page.inner_text(".gs-check__result").startswith("已变更")
        open_report(page, portal, code)
        assert penalty["记录ID"] not in page.inner_text(".gs-report")


@pytest.mark.parametrize("size", sorted(SIZES))
@pytest.mark.parametrize("which", ["report", "check"])
def test_the_report_and_check_pages_fit_the_screen_with_no_serious_accessibility_violation(
    which: str, size: str, page: Any, portal: str, portal_out: Path, portal_catalog: Path, artifacts: Path
) -> None:
    company = a_company(portal_catalog, portal_out)
    page.set_viewport_size(SIZES[size])
    if which == "report":
        open_report(page, portal, company.code)
    else:
        site = portal_out / "site"
        digest, document = subject_json(site, company.code)
        verdict(
            page,
            local(
                check_url(base_url_of(site), company.code, report_number(document["release"], digest)),
                base_url_of(site),
                portal,
            ),
        )
    page.screenshot(path=str(artifacts / f"{which}-{size}.png"), full_page=True)
    width = page.evaluate("document.scrollingElement.scrollWidth")
    assert width <= SIZES[size]["width"], f"{which} is {width}px wide on a {SIZES[size]['width']}px screen"
    assert_axe_passes(page, which)
