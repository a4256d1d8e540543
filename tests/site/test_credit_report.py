"""The credit report (信用报告) of every archive subject: one per subject with a credit archive and none for a
natural person; it shows every record of the subject's JSON file and nothing withdrawn; its number, QR code and
printed check URL carry the SHA-256 of that file's bytes; it bakes in no build date, so a later as-of date
alone re-renders nothing; it is carried with its archive and changes with it.

Real renders of the site fixture publication (real mkdocs-material, real zxing-cpp), and the real demo build.
"""

from __future__ import annotations

import dataclasses
import hashlib
import html
import json
import re
from datetime import timedelta
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from markupsafe import escape

from generator import paths
from generator.model import RECORD_ID
from generator.site import api, credit_report, qr, render_site, urls
from generator.site.units import PageUnits
from tests.conftest import DEMO_CATALOG
from tests.qrdecode import decode_svg
from tests.site.conftest import (
    AS_OF,
    BASE_URL,
    COMPANY,
    COMPANY_CODE,
    EVIL,
    PERSON,
    PERSON_ID,
    PERSON_MASKED,
    SHOP_CODE,
    publication,
    with_data_files,
)
from tests.site.test_units import carried, changed_fact, render
from tests.test_leaks import withdrawn_needles

CHECK_URL = re.compile(r"核验网址：<span class=\"gs-code\">([^<]+)</span>")


def report(site: Path, code: str) -> str:
    return (site / urls.report_page(code)).read_text(encoding="utf-8")


def json_of(site: Path, code: str) -> tuple[bytes, dict[str, Any]]:
    raw = (site / api.subject_path(code)).read_bytes()
    return raw, json.loads(raw)


def report_codes(site: Path) -> set[str]:
    return {p.stem for p in (site / "reports").rglob("*.html")}


def test_every_archive_subject_has_a_report_and_nothing_else_has_one(site: Path) -> None:
    archives = {p.stem for p in (site / paths.API_SUBJECTS_DIR).glob("*.json")}
    assert report_codes(site) == archives == {COMPANY_CODE, SHOP_CODE}
    every = " ".join(p.read_text(encoding="utf-8") for p in (site / "reports").rglob("*.html"))
    assert PERSON not in every and PERSON_MASKED not in every and PERSON_ID not in every


def test_the_number_qr_code_and_check_url_carry_the_sha256_of_the_subject_json(site: Path) -> None:
    for code in (COMPANY_CODE, SHOP_CODE):
        raw, document = json_of(site, code)
        digest = hashlib.sha256(raw).hexdigest()
        page = report(site, code)
        number = f"{document['release']}-{digest[:16]}"
        assert f"data-gs-report-number>{number}</dd>" in page
        printed = CHECK_URL.search(page)
        assert printed is not None
        assert html.unescape(printed.group(1)) == f"{BASE_URL}check/?code={code}&no={number}"
        assert re.search(r'<svg role="img" aria-label="[^"]+"[^>]*class="gs-report__qr"', page)
        drawn = re.search(r'<svg role="img".*?</svg>', page, re.S)
        assert drawn is not None and decode_svg(drawn.group(0)) == html.unescape(printed.group(1))


def test_the_report_shows_every_record_of_the_json_with_its_facts_and_the_identity_once(site: Path) -> None:
    _, document = json_of(site, COMPANY_CODE)
    page = report(site, COMPANY_CODE)
    records = [r for d in document["datasets"] for r in d["records"]]
    assert len(records) == document["total"] >= 4
    for record in records:
        assert f'id="r-{record["记录ID"]}"' in page
        shown = {
            k: v for k, v in record.items() if v and k not in ("记录ID", "行政相对人名称", "统一社会信用代码")
        }
        assert all(f"<dd>{html.escape(str(v), quote=False)}</dd>" in page for v in shown.values()), record
    assert "<dt>罚款金额（万元）</dt><dd>1</dd>" in page and "<dt>行政处罚决定书文号</dt>" in page
    assert page.count(f"<dd>{COMPANY}</dd>") == 1  # the subject's name is a heading fact, not a record's
    assert "限制参加政府采购活动" in page  # the measure that applies to its list entry
    assert "本门户未公示该主体作出的信用承诺" in page and "无违法违规证明" in page


def test_record_text_is_escaped(site: Path) -> None:
    page = report(site, SHOP_CODE)
    assert EVIL not in page and str(escape(EVIL)) in page


def test_the_archive_links_its_report_and_the_report_its_check_page_and_script(site: Path) -> None:
    archive = (site / urls.subject_page(COMPANY_CODE)).read_text(encoding="utf-8")
    assert f'href="../../{urls.report_page(COMPANY_CODE)}">下载/打印信用报告</a>' in archive
    page = report(site, COMPANY_CODE)
    assert f'href="../../{urls.check_page()}"' in page and f'src="../../{paths.REPORT_SCRIPT}"' in page
    check = (site / urls.check_page() / "index.html").read_text(encoding="utf-8")
    assert 'id="gs-check"' in check and f'src="../{paths.REPORT_SCRIPT}"' in check
    assert (site / paths.REPORT_SCRIPT).is_file() and (site / paths.SHA256_FALLBACK).is_file()
    assert (site / paths.SHA256_FALLBACK).with_name("LICENSE.txt").is_file()


def test_a_later_as_of_date_alone_changes_no_report(site: Path, tmp_path: Path) -> None:
    pub = with_data_files(dataclasses.replace(publication(), as_of=AS_OF + timedelta(days=45)), tmp_path)
    render_site(pub, tmp_path, jobs=1)
    assert AS_OF.isoformat() not in report(site, COMPANY_CODE)
    for code in (COMPANY_CODE, SHOP_CODE):
        assert report(tmp_path, code) == report(site, code)


def test_a_report_is_carried_with_its_archive_and_changes_with_its_json(tmp_path: Path) -> None:
    first = render(publication(), tmp_path / "first")
    same = render(publication(), tmp_path / "same", first.previous())
    assert {urls.report_page(COMPANY_CODE), urls.report_page(SHOP_CODE)} <= carried(same)
    changed, _ = changed_fact(publication())
    again = render(changed, tmp_path / "again", first.previous())
    assert urls.report_page(COMPANY_CODE) not in carried(again)
    assert urls.report_page(SHOP_CODE) in carried(again)
    digest = hashlib.sha256(json_of(again.site, COMPANY_CODE)[0]).hexdigest()
    assert digest[:16] in report(again.site, COMPANY_CODE)
    assert digest[:16] not in report(first.site, COMPANY_CODE)
    assert "经复核" in report(again.site, COMPANY_CODE)


def test_a_report_rendered_again_reuses_the_previous_qr_code_instead_of_drawing_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = render(publication(), tmp_path / "first")
    previous, _ = first.previous()

    def no_drawing(*args: object, **kwargs: object) -> None:
        raise AssertionError("a QR code was drawn again")

    monkeypatch.setattr(qr.zxingcpp, "create_barcode", no_drawing)
    again = render(
        publication(), tmp_path / "again", (previous, PageUnits())
    )  # no units: every page rendered
    assert urls.report_page(COMPANY_CODE) not in carried(again)
    for code in (COMPANY_CODE, SHOP_CODE):
        assert report(again.site, code) == report(first.site, code)


def test_a_qr_code_drawn_another_way_is_drawn_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first = render(publication(), tmp_path / "first")
    previous, _ = first.previous()
    mask = credit_report.portal_mask(BASE_URL)
    assert mask is not None
    assert f'data-qr="{qr.DRAWN_BY}-mask{mask}"' in report(first.site, COMPANY_CODE)
    monkeypatch.setattr(qr, "DRAWN_BY", "zxing-cpp-0-L")
    again = render(publication(), tmp_path / "again", (previous, PageUnits()))
    assert f'data-qr="zxing-cpp-0-L-mask{mask}"' in report(again.site, COMPANY_CODE)


def test_no_withdrawn_record_is_in_any_report_of_the_demo_build(demo_build: Path) -> None:
    site = demo_build / "site"
    reports = {p.stem: p.read_text(encoding="utf-8") for p in (site / "reports").rglob("*.html")}
    assert set(reports) == {p.stem for p in (site / paths.API_SUBJECTS_DIR).glob("*.json")} != set()
    needles, gone = withdrawn_needles(DEMO_CATALOG, demo_build)
    assert gone, "the demo should withdraw records"
    text = "\n".join(reports.values())
    assert [g for g in sorted(gone) if g in text] == []
    assert [v for v in sorted(needles) if html.escape(v, quote=False) in text or v in text] == []
    ledger = pd.read_parquet(demo_build / "report" / "ledger.parquet")
    public = set(ledger.loc[ledger["fate"] == "published", RECORD_ID])
    shown = set(re.findall(r'id="r-([0-9a-f]{16})"', text))
    assert shown and shown <= public


def test_every_penalty_in_the_demo_reports_states_the_last_public_day_the_rules_compute(
    demo_build: Path,
) -> None:
    site = demo_build / "site"
    checked = 0
    for path in sorted((site / "reports").rglob("*.html")):
        _, document = json_of(site, path.stem)
        penalties = {
            r["记录ID"] for d in document["datasets"] if d["kind"] == "penalty" for r in d["records"]
        }
        sections = path.read_text(encoding="utf-8").split('<section class="gs-report__record" id="r-')[1:]
        for section in sections:
            if section[:16] in penalties:
                assert re.search(r"<dt>公示截止期</dt><dd>\d{4}-\d{2}-\d{2}（当日仍公示", section), section
                checked += 1
    assert checked > 10
