"""The portal as rendered from a small hand-made publication: pages where expected, archives with anchors,
no natural person addressed by ID, escaping, no third-party host, reproducibility, sitemap, feed, JSON-LD."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from urllib.parse import unquote, urlsplit
from xml.etree import ElementTree

import pandas as pd
import pyarrow as pa

from generator.model import RECORD_ID, Publication
from generator.site import render_site, urls
from tests.leakscan import find_unmasked_ids
from tests.site.conftest import (
    BASE_URL,
    COMPANY_CODE,
    DATA_FILE,
    EVIL,
    EVIL_NAME,
    PERSON_ID,
    PERSON_MASKED,
    SHOP_CODE,
    penalty,
    publication,
    render,
    table,
)

TEXT_SUFFIXES = {".html", ".css", ".js", ".xml", ".json", ".txt", ".jsonl"}
LOADS = re.compile(
    r"""(?:\b(?:src|href|action|formaction|poster|data|srcset|xlink:href)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>"']+)))"""
    r"""|(?:url\(\s*["']?([^"')\s]+))|(?:@import\s+["']([^"']+))""",
    re.IGNORECASE,
)
ANCHOR = re.compile(r"<a\s[^>]*>", re.IGNORECASE)
WRITTEN_BY_OTHER_STAGES = ("search-index/", "assets/javascripts/gongshi-search.js")


def pages(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


def text_files(site: Path) -> list[Path]:
    return sorted(p for p in site.rglob("*") if p.is_file() and p.suffix in TEXT_SUFFIXES)


def loaded_urls(text: str) -> list[str]:
    """URLs a browser fetches while showing the page: every src/href/url(...) except a link's (``<a href>``
    is where a person may choose to go — e.g. 信用中国's repair column — and loads nothing by itself)."""
    text = ANCHOR.sub("<a>", text)
    return [next(g for g in m.groups() if g is not None) for m in LOADS.finditer(text)]


def record_ids(dataset: str) -> list[str]:
    return list(publication().tables[dataset].frame[RECORD_ID])


def test_render_reports_no_problems(tmp_path: Path) -> None:
    assert render(tmp_path / "site") == []


def test_pages_exist_where_expected(site: Path) -> None:
    expected = [
        "index.html", "catalog/index.html", "lists/index.html", "measures/index.html", "stats/index.html",
        "releases/index.html", "guide/rules/index.html", "guide/objection/index.html", "guide/repair/index.html",
        "guide/privacy/index.html", "guide/licence/index.html", "search/index.html", "404.html", "feed.xml",
        "sitemap.xml", "robots.txt", "datasets/penalties/index.html", "datasets/penalties/dictionary/index.html",
        "datasets/inspections/index.html", "datasets/penalties/2026-02.html", "datasets/penalties/2025-11.html",
        urls.list_page("blacklist"), urls.subject_page(COMPANY_CODE), urls.subject_page(SHOP_CODE),
    ]  # fmt: skip
    expected += [
        urls.record_page(i)
        for d in ("penalties", "licences", "blacklist", "inspections")
        for i in record_ids(d)
    ]
    assert [p for p in expected if not (site / p).is_file()] == []


def test_data_files_already_in_the_site_folder_are_kept(site: Path) -> None:
    assert (site / DATA_FILE).read_bytes().startswith("\ufeff记录ID".encode())


def test_organisation_archive_lists_all_its_records_with_anchors_and_its_list_status(site: Path) -> None:
    archive = (site / urls.subject_page(COMPANY_CODE)).read_text(encoding="utf-8")
    pub = publication()
    mine = [
        record
        for t in pub.tables.values()
        if (code := t.spec.schema.role("subject_code"))
        for record in t.frame.loc[t.frame[code] == COMPANY_CODE, RECORD_ID]
    ]
    assert len(mine) == 5
    for record in mine:
        assert f'id="{urls.record_anchor(record)}"' in archive
        assert urls.record_page(record) in archive
    assert "严重违法失信名单" in archive.split('id="lists"')[1].split("</ul>")[0]


def test_record_page_links_back_to_its_anchor_in_the_archive(site: Path) -> None:
    first = record_ids("penalties")[0]
    page = (site / urls.record_page(first)).read_text(encoding="utf-8")
    assert f"{urls.subject_page(COMPANY_CODE)}#{urls.record_anchor(first)}" in page


def test_no_page_is_addressed_by_a_natural_persons_id_number(site: Path) -> None:
    paths = [str(p.relative_to(site)) for p in site.rglob("*")]
    links = [u for p in text_files(site) for u in loaded_urls(p.read_text(encoding="utf-8"))]
    for value in (PERSON_ID, PERSON_MASKED, PERSON_ID[:6] + PERSON_ID[-4:]):
        assert [p for p in paths if value in p] == []
        assert [u for u in links if value in unquote(u)] == []
    assert find_unmasked_ids(site) == []


def test_natural_persons_records_show_the_masked_id_and_link_to_no_archive(site: Path) -> None:
    person = next(
        i for i in record_ids("penalties") if PERSON_MASKED in (site / urls.record_page(i)).read_text("utf-8")
    )
    page = (site / urls.record_page(person)).read_text(encoding="utf-8")
    assert "/s/" not in page.split('id="gs-main"')[1]
    assert PERSON_MASKED in page


def test_record_text_is_escaped_everywhere(site: Path) -> None:
    for path in pages(site):
        text = path.read_text(encoding="utf-8")
        assert "<script>alert(1)" not in text, path
        assert "<b>建材</b>" not in text, path
    record = next(i for i in record_ids("penalties") if EVIL_NAME in publication().tables["penalties"].frame.set_index(RECORD_ID).loc[i, "CF_XDR_MC"])  # fmt: skip
    page = (site / urls.record_page(record)).read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &#34;quotes&#34; &amp; &#39;apostrophes&#39;" in page
    assert "<title>&#34;引号&#34;&lt;b&gt;建材&lt;/b&gt;商行" in page
    feed = (site / "feed.xml").read_text(encoding="utf-8")
    assert EVIL not in feed and "&lt;script&gt;" in feed


def test_internal_columns_are_never_shown(site: Path) -> None:
    for path in pages(site):
        text = path.read_text(encoding="utf-8")
        assert "datasets/penalties/2026-02.csv" not in text and "\x1f" not in text, path


def test_nothing_is_loaded_from_a_third_party_host(site: Path) -> None:
    host = urlsplit(BASE_URL).netloc
    offending = []
    for path in text_files(site):
        for url in loaded_urls(path.read_text(encoding="utf-8")):
            target = urlsplit(url.strip())
            if target.scheme in ("http", "https", "") and target.netloc and target.netloc != host:
                offending.append(f"{path.relative_to(site)}: {url}")
    assert offending == []
    everything = "".join(p.read_text(encoding="utf-8") for p in text_files(site))
    assert "fonts.googleapis" not in everything and "unpkg.com" not in everything


def test_theme_search_index_and_its_libraries_are_not_shipped(site: Path) -> None:
    assert not list(site.rglob("search_index.json"))
    assert not (site / "assets/javascripts/lunr").exists()


def test_internal_links_resolve(site: Path) -> None:
    broken = []
    for path in pages(site):
        for url in loaded_urls(path.read_text(encoding="utf-8")):
            parts = urlsplit(url)
            if parts.scheme or parts.netloc or not parts.path or parts.path.startswith("/"):
                continue
            target = (path.parent / unquote(parts.path)).resolve()
            rel = target.relative_to(site.resolve()).as_posix() + ("/" if parts.path.endswith("/") else "")
            exists = target.is_file() or (target / "index.html").is_file()
            if not exists and not rel.startswith(WRITTEN_BY_OTHER_STAGES):
                broken.append(f"{path.relative_to(site)} → {url}")
    assert broken == []


def test_two_renders_are_byte_identical_whatever_the_number_of_jobs(tmp_path: Path) -> None:
    render(tmp_path / "one", jobs=1)
    render(tmp_path / "two", jobs=2)
    one = {
        p.relative_to(tmp_path / "one"): p.read_bytes() for p in (tmp_path / "one").rglob("*") if p.is_file()
    }
    two = {
        p.relative_to(tmp_path / "two"): p.read_bytes() for p in (tmp_path / "two").rglob("*") if p.is_file()
    }
    assert sorted(one) == sorted(two)
    assert [name for name in one if one[name] != two[name]] == []


def test_sitemap_lists_record_subject_and_hand_written_pages(site: Path) -> None:
    tree = ElementTree.parse(site / "sitemap.xml")
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    locations = {loc.text for loc in tree.getroot().iterfind("s:url/s:loc", ns)}
    assert BASE_URL + urls.record_page(record_ids("penalties")[0]) in locations
    assert BASE_URL + urls.subject_page(COMPANY_CODE) in locations
    assert {BASE_URL, BASE_URL + "catalog/", BASE_URL + "datasets/penalties/2026-02.html"} <= locations
    assert all(loc and loc.startswith(BASE_URL) for loc in locations)
    assert "Sitemap: " + BASE_URL + "sitemap.xml" in (site / "robots.txt").read_text(encoding="utf-8")


def test_dataset_page_carries_schema_org_dataset_json_ld(site: Path) -> None:
    page = (site / "datasets/penalties/index.html").read_text(encoding="utf-8")
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    assert len(blocks) == 1
    data = json.loads(blocks[0])
    assert data["@type"] == "Dataset" and data["name"] == "行政处罚信息"
    assert data["distribution"][0]["contentUrl"] == BASE_URL + DATA_FILE
    assert data["url"] == BASE_URL + "datasets/penalties/"


def test_dataset_page_lists_downloads_with_size_and_checksum(site: Path) -> None:
    page = (site / "datasets/penalties/index.html").read_text(encoding="utf-8")
    data = (site / DATA_FILE).read_bytes()
    assert f'<td data-label="SHA-256" class="gs-hash">{hashlib.sha256(data).hexdigest()}</td>' in page
    assert (
        f'<td data-label="大小">{len(data)} 字节</td>' in page
        and 'href="../../data/latest/penalties/penalties.csv"' in page
    )


def test_dictionary_page_describes_every_public_field(site: Path) -> None:
    page = (site / "datasets/penalties/dictionary/index.html").read_text(encoding="utf-8")
    for name, title in (("CF_XDR_ZJHM", "证件号码"), ("CF_NR_FK", "罚款金额（万元）"), ("_id", "记录ID")):
        assert f'<td class="gs-code">{name}</td><td>{title}</td>' in page
    assert "CF_FR_ZJHM" not in page  # a privacy: drop field is not public


def test_list_entries_link_the_measures_that_apply(site: Path) -> None:
    measures = publication().tables["measures"].frame.set_index("CS_BH")[RECORD_ID]
    listing = (site / urls.list_page("blacklist")).read_text(encoding="utf-8")
    assert f"measures/#{urls.measure_anchor(measures['1-01'])}" in listing
    assert urls.measure_anchor(measures["2-01"]) not in listing
    page = (site / "measures/index.html").read_text(encoding="utf-8")
    assert f'id="{urls.measure_anchor(measures["1-01"])}"' in page
    assert page.index("（一）减损权益或增加义务的措施") < page.index("（二）管理措施")


def test_every_page_has_a_labelled_search_form_to_the_search_page(site: Path) -> None:
    for path in pages(site):
        text = path.read_text(encoding="utf-8")
        assert 'role="search"' in text and 'for="gs-header-q"' in text and 'name="q"' in text, path
        assert '<html lang="zh-CN"' in text, path
    home = (site / "index.html").read_text(encoding="utf-8")
    assert '<form class="gs-search" action="search/" method="get" role="search"' in home


def test_search_page_has_the_mount_point_and_script_for_the_search_stage(site: Path) -> None:
    page = (site / "search/index.html").read_text(encoding="utf-8")
    assert '<div id="gongshi-search" data-index="../search-index/"' in page
    assert '<script src="../assets/javascripts/gongshi-search.js" defer></script>' in page
    assert "<title>搜索 - 信用临江</title>" in page


def test_statistics_charts_are_inline_svg_with_text_alternatives(site: Path) -> None:
    page = (site / "stats/index.html").read_text(encoding="utf-8")
    charts = re.findall(r'<svg viewBox="[^"]+" role="img" aria-labelledby="([^"]+)"', page)
    assert len(charts) >= 5
    for ids in charts:
        for element in ids.split():
            assert f'id="{element}"' in page
    assert page.count("<table>") >= len(charts)
    assert "各部门按时公示率" in page and "临江市税务局" in page
    assert "吊销许可证件" in page and "50 万元及以上" in page


def test_feed_holds_newest_disclosures_first_with_absolute_links(site: Path) -> None:
    root = ElementTree.parse(site / "feed.xml").getroot()
    ns = {"a": "http://www.w3.org/2005/Atom"}
    updated = [e.findtext("a:updated", namespaces=ns) or "" for e in root.iterfind("a:entry", ns)]
    assert updated == sorted(updated, reverse=True) and len(updated) == 8
    links = [e.find("a:link", ns).get("href", "") for e in root.iterfind("a:entry", ns)]  # type: ignore[union-attr]
    assert all(link.startswith(BASE_URL + "r/") for link in links)
    assert root.findtext("a:updated", namespaces=ns) == "2026-03-01T00:00:00+08:00"


def test_repair_guide_omits_the_commitment_template_link_until_that_page_exists(site: Path) -> None:
    page = (site / "guide/repair/index.html").read_text(encoding="utf-8")
    assert "信用修复承诺书" in page and "格式文本" not in page


def test_month_pages_are_paged_and_filtered_by_department(site: Path) -> None:
    month = (site / "datasets/penalties/2026-02.html").read_text(encoding="utf-8")
    dept = urls.dept_slug("临江市市场监督管理局")
    assert urls.month_page("penalties", "2026-02", 1, dept).split("/")[-1] in month
    filtered = (site / urls.month_page("penalties", "2026-02", 1, dept)).read_text(encoding="utf-8")
    assert filtered.count("<tr>") == 1 + 2  # header + the two February penalties of that department


def test_sitemap_becomes_an_index_past_fifty_thousand_urls(tmp_path: Path) -> None:
    from generator.site.feeds import write_feeds

    pub = publication()
    pages = pa.array([f"r/00/{i:016x}.html" for i in range(50_001)], pa.large_string())
    write_feeds(tmp_path, pub.catalog.portal, pub.as_of, [], pages)
    index = (tmp_path / "sitemap.xml").read_text(encoding="utf-8")
    assert "<sitemapindex" in index and index.count("<sitemap>") == 2
    assert (tmp_path / "sitemap-1.xml").read_text(encoding="utf-8").count("<url>") == 50_000
    assert (tmp_path / "sitemap-2.xml").read_text(encoding="utf-8").count("<url>") == 1


def test_a_sitemap_escapes_what_xml_needs_escaped_and_reads_back_as_its_urls_and_dates() -> None:
    from xml.etree import ElementTree

    from generator.site.feeds import SITEMAP_NS, urlset

    for locations in (
        [("https://x.cn/r/ab/1.html", "2026-02-10"), ("https://x.cn/guide/", "")],
        [
            ("https://x.cn/a&b<c>\"d'.html", "2026-02-10"),
            ("https://x.cn/?q=1&p=2", ""),
            ("https://x.cn/", ""),
        ],
    ):
        text = urlset(locations)
        root = ElementTree.fromstring(text.encode("utf-8"))
        ns = {"s": SITEMAP_NS}
        read = [
            (u.findtext("s:loc", namespaces=ns), u.findtext("s:lastmod", namespaces=ns) or "") for u in root
        ]
        assert read == locations and text.startswith('<?xml version="1.0" encoding="UTF-8"?>\n')
        assert "&b<" not in text and "<lastmod></lastmod>" not in text


def test_a_publication_without_records_still_renders_every_hand_written_page(tmp_path: Path) -> None:
    full = publication()
    empty = Publication(full.catalog, full.as_of, {}, pd.DataFrame())
    assert render_site(empty, tmp_path, jobs=2) == []
    for page in (
        "index.html",
        "catalog/index.html",
        "stats/index.html",
        "lists/index.html",
        "releases/index.html",
    ):
        assert (tmp_path / page).is_file()
    assert "暂无公示信息" in (tmp_path / "index.html").read_text(encoding="utf-8")


def test_pages_of_other_stages_join_the_nav_and_the_repair_guide_links_the_commitment_letter(
    tmp_path: Path,
) -> None:
    pages = {"commitments/index.md": "# 信用承诺\n", "commitments/repair.md": "# 信用修复承诺书\n\n正文\n"}
    nav = [{"信用承诺": ["commitments/index.md", {"信用修复承诺书": "commitments/repair.md"}]}]
    problems = render_site(
        publication(), tmp_path, 1, pages=pages, nav=nav, repair_page="commitments/repair.md"
    )
    assert problems == []
    guide = (tmp_path / "guide/repair/index.html").read_text(encoding="utf-8")
    assert '<a href="../../commitments/repair/">查看信用修复承诺书格式文本</a>' in guide
    assert (tmp_path / "commitments/repair/index.html").is_file()
    tabs = (
        (tmp_path / "index.html")
        .read_text(encoding="utf-8")
        .split('class="md-tabs__list"')[1]
        .split("</ul>")[0]
    )
    assert tabs.index("信用承诺") < tabs.index("搜索")


def test_month_listings_hold_at_most_a_hundred_rows_and_each_record_links_its_month(
    tmp_path: Path,
) -> None:
    rows = [penalty(f"临市监处罚〔2026〕{n}号", CF_JDRQ="2026-02-05") for n in range(1, 151)]
    pub = publication()
    pub.tables = {"penalties": table("penalties", "penalty", rows, title="行政处罚信息")}
    assert render_site(pub, tmp_path, jobs=2) == []
    month = (tmp_path / "datasets/penalties/2026-02.html").read_text(encoding="utf-8")
    assert (
        'href="../../datasets/penalties/2026-02-05.html">2026年2月5日</a>（150）' in month
    )  # too long: by day
    first = (tmp_path / "datasets/penalties/2026-02-05.html").read_text(encoding="utf-8")
    second = (tmp_path / "datasets/penalties/2026-02-05-2.html").read_text(encoding="utf-8")
    assert first.count("<tr>") == 101 and second.count("<tr>") == 51
    assert 'href="../../datasets/penalties/2026-02-05-2.html">第 2 页</a>' in first
    on_second = re.findall(r'href="../../r/[0-9a-f]{2}/([0-9a-f]{16}).html"', second)
    assert len(on_second) == 50
    page = (tmp_path / urls.record_page(on_second[0])).read_text(encoding="utf-8")
    assert (
        'href="../../datasets/penalties/2026-02.html">2026年2月</a>' in page
    )  # the month, not the page it is
    # on: a record page depends on its own row alone, so records coming and going leave the others unrendered
