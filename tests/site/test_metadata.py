"""Metadata for search engines and spreadsheet users: sitemap ``lastmod`` from the records' own dates (never the
build date), schema.org ``DataCatalog`` and ``Dataset`` with version and dates, and dataset pages that send Excel
users to the XLSX and show programs reading the CSV as text.

Real renders of the site fixture publication (real mkdocs-material) into real folders."""

from __future__ import annotations

import dataclasses
import json
import re
from datetime import date
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

from generator.model import DataFile
from generator.site import render_site, urls
from tests.site.conftest import BASE_URL, COMPANY_CODE, DATA_FILE, publication, with_data_files

NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def lastmods(site: Path) -> dict[str, str | None]:
    root = ElementTree.parse(site / "sitemap.xml").getroot()
    return {
        str(u.findtext("s:loc", namespaces=NS)).removeprefix(BASE_URL): u.findtext("s:lastmod", namespaces=NS)
        for u in root.iterfind("s:url", NS)
    }


def jsonld(site: Path, page: str) -> dict[str, Any]:
    html = (site / page).read_text(encoding="utf-8")
    (block,) = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    data: dict[str, Any] = json.loads(block)
    return data


def record_id(site: Path, document: str) -> str:
    pub = publication()
    frame = pub.tables["penalties"].frame
    return str(frame.loc[frame["CF_WSH"] == document, "_id"].iloc[0])


def test_sitemap_dates_come_from_the_records(site: Path) -> None:
    dates = lastmods(site)
    assert dates[urls.record_page(record_id(site, "临市监处罚〔2026〕1号"))] == "2026-02-10"
    assert dates[urls.subject_page(COMPANY_CODE)] == "2026-02-20"  # its newest record: the inspection
    assert dates[urls.month_page("penalties", "2026-02")] == "2026-02-11"
    assert dates["datasets/penalties/"] == "2026-02-11" and dates[""] == "2026-02-20"
    assert dates["guide/objection/"] is None  # no record behind it: no lastmod rather than a made-up one


def test_sitemap_does_not_change_with_the_build_date(site: Path, tmp_path: Path) -> None:
    later = dataclasses.replace(publication(), as_of=date(2026, 9, 1))
    out = tmp_path / "site"
    render_site(with_data_files(later, out), out, jobs=1)
    assert (out / "sitemap.xml").read_bytes() == (site / "sitemap.xml").read_bytes()


def test_catalogue_page_carries_a_data_catalog_with_version_and_dates(site: Path) -> None:
    data = jsonld(site, "catalog/index.html")
    assert data["@type"] == "DataCatalog" and data["@id"] == BASE_URL + "data/catalog.jsonld"
    assert (data["version"], data["dateModified"]) == ("20260301-1", "2026-03-01")
    assert {d["url"] for d in data["dataset"]} >= {
        BASE_URL + "datasets/penalties/",
        BASE_URL + "datasets/licences/",
    }
    assert data["publisher"]["contactPoint"]["email"] == "xinyong@linjiang.example.cn"


def test_dataset_json_ld_has_version_dates_and_its_catalogue(site: Path) -> None:
    data = jsonld(site, "datasets/penalties/index.html")
    assert data["@id"] == BASE_URL + "data/catalog.jsonld#penalties"
    assert (data["version"], data["dateModified"]) == ("20260301-1", "2026-03-01")
    assert data["temporalCoverage"] == "2025-11-03/2026-02-11"
    assert data["includedInDataCatalog"]["@id"] == BASE_URL + "data/catalog.jsonld"
    assert "datePublished" not in data  # the fixture's datasets do not say when they were first published


def test_dataset_page_warns_about_csv_in_excel_and_shows_reading_it_as_text(site: Path) -> None:
    page = (site / "datasets/penalties/index.html").read_text(encoding="utf-8")
    assert "可直接用 Excel" not in page and "不要用 Excel 或 WPS 直接打开 CSV 文件" in page
    assert "科学计数法" in page and "3-01" in page
    csv = BASE_URL + DATA_FILE
    assert 'dtype=str, keep_default_na=False, encoding="utf-8-sig"' in page and csv in page
    assert "col_types = cols(.default = col_character())" in page and "all_varchar = true" in page


def test_dataset_page_recommends_the_xlsx_first(tmp_path: Path) -> None:
    out = tmp_path / "site"
    pub = with_data_files(publication(), out)
    workbook = "data/latest/penalties/penalties.xlsx"
    (out / workbook).write_bytes(b"PK")
    pub.files = [*pub.files, DataFile("penalties", "xlsx", workbook, 2, "0" * 64, 4)]
    render_site(pub, out, jobs=1)
    page = (out / "datasets/penalties/index.html").read_text(encoding="utf-8")
    assert "用 Excel 或 WPS 查看，请下载 XLSX 文件" in page
    assert page.index("penalties.xlsx</a>") < page.index("penalties.csv</a>")
