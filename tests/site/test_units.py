"""Page units: a re-render carries (links without rendering) exactly the bulk pages whose inputs are unchanged,
and the result is byte-identical to rendering everything.

Real renders of the site fixture publication (real mkdocs-material) into real folders: a first render, its
digest map sealed as the build seals it, then a second render of a changed publication against it.
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pandas as pd
import pytest

from generator.model import RECORD_ID, Publication
from generator.outputs import Outputs
from generator.site import Units, api, render_site, units, urls
from generator.site.months import PAGE_SIZE
from generator.site.shell import Shell
from generator.site.subjects import find_subjects
from generator.site.units import PageUnits, page_units
from generator.site.view import dataset_views, measure_links
from generator.site.work import BulkData
from generator.sitefiles import Previous
from tests.buildproc import tree_digest
from tests.site.conftest import COMPANY_CODE, publication, uscc, with_data_files

BULK = re.compile(r"^(r|s)/|^datasets/[^/]+/(d[0-9a-f]{10}-)?(\d{4}-\d{2}|undated)(-\d+)?\.html$")


@dataclasses.dataclass
class Render:
    site: Path
    outputs: Outputs
    units: Units

    def previous(self) -> tuple[Previous, PageUnits]:
        """This render as the previous build of the next: its sealed digest map and its units."""
        assert self.units.current is not None
        return Previous(self.site, self.outputs.seal(), trusted=True), self.units.current


def render(pub: Publication, site: Path, before: tuple[Previous, PageUnits] | None = None) -> Render:
    """Render ``pub`` into ``site`` against a previous render (its site, digest map and units)."""
    site.mkdir(parents=True)
    previous, units = before or (Previous(), PageUnits())
    outputs, keyed = Outputs(site, previous), Units(units)
    problems = render_site(with_data_files(pub, site), site, jobs=2, outputs=outputs, units=keyed)
    assert not [p for p in problems if p.level in ("fatal", "error")]
    return Render(site, outputs, keyed)


def carried(result: Render) -> set[str]:
    return {rel for rel, w in result.outputs.files.items() if w.unmade}


def bulk_pages(site: Path) -> set[str]:
    return {rel for rel in tree_digest(site) if BULK.search(rel)}


@pytest.fixture(scope="module")
def first(tmp_path_factory: pytest.TempPathFactory) -> Render:
    return render(publication(), tmp_path_factory.mktemp("units") / "site")


def changed_fact(pub: Publication) -> tuple[Publication, str]:
    """``pub`` with the violation facts of the company's newest penalty changed; that record's ID."""
    tables = dict(pub.tables)
    frame = tables["penalties"].frame.copy()
    row = frame.index[frame["CF_WSH"] == "临市监处罚〔2026〕1号"][0]
    frame.loc[row, "CF_SY"] = "经复核，当事人销售的水泥抗压强度不合格，已责令改正。"
    tables["penalties"] = dataclasses.replace(tables["penalties"], frame=frame)
    return dataclasses.replace(pub, tables=tables), str(frame.loc[row, RECORD_ID])


def test_an_unchanged_publication_carries_every_bulk_page_without_rendering_it(
    first: Render, tmp_path: Path
) -> None:
    again = render(publication(), tmp_path / "site", first.previous())
    pages = bulk_pages(again.site)
    assert pages and pages <= carried(again)
    assert tree_digest(again.site) == tree_digest(first.site)


def test_a_changed_record_renders_its_page_archive_and_month_and_carries_the_rest(
    first: Render, tmp_path: Path
) -> None:
    pub, record = changed_fact(publication())
    again = render(pub, tmp_path / "site", first.previous())
    fresh = render(pub, tmp_path / "fresh")
    assert tree_digest(again.site) == tree_digest(fresh.site)
    rendered = bulk_pages(again.site) - carried(again)
    assert rendered == {
        urls.record_page(record), urls.subject_page(COMPANY_CODE), urls.month_page("penalties", "2026-02"),
        urls.month_page("penalties", "2026-02", dept=urls.dept_slug("临江市市场监督管理局")),
    }  # fmt: skip


def test_a_changed_shell_carries_no_page(first: Render, tmp_path: Path) -> None:
    pub = publication()
    portal = pub.catalog.portal.model_copy(update={"name": "信用临江（试运行）"})
    pub = dataclasses.replace(pub, catalog=dataclasses.replace(pub.catalog, portal=portal))
    again = render(pub, tmp_path / "site", first.previous())
    assert not carried(again) & bulk_pages(again.site)
    assert tree_digest(again.site) == tree_digest(render(pub, tmp_path / "fresh").site)


@pytest.mark.parametrize(
    "gone", [urls.subject_page(COMPANY_CODE), api.subject_path(COMPANY_CODE), urls.report_page(COMPANY_CODE)]
)
def test_a_unit_whose_previous_page_is_gone_is_rendered_after_all(
    first: Render, tmp_path: Path, gone: str
) -> None:
    """Any one of an archive unit's files missing from the previous site (its page, JSON file or report):
    none of the unit's files is carried, all are rendered."""
    twin = render(publication(), tmp_path / "previous", first.previous())  # a previous site of our own
    before = twin.previous()  # its map still lists the page deleted below
    (twin.site / gone).unlink()
    again = render(publication(), tmp_path / "site", before)
    unit = [urls.subject_page(COMPANY_CODE), api.subject_path(COMPANY_CODE), urls.report_page(COMPANY_CODE)]
    for page in unit:
        assert page not in carried(again)
        assert (again.site / page).read_bytes() == (first.site / page).read_bytes()
    assert urls.month_page("penalties", "2026-02") in carried(again)


def test_previous_units_under_another_fingerprint_are_not_carried(first: Render, tmp_path: Path) -> None:
    previous, units = first.previous()
    again = render(publication(), tmp_path / "site", (previous, PageUnits("another", units.keys)))
    assert not carried(again) & bulk_pages(again.site)


def month_data(rows: int, skip: int = 0, subjects: int = 1) -> BulkData:
    """A view of ``rows`` penalties decided on the same day (listed by record ID), without the first ``skip``,
    on ``subjects`` companies in turn."""
    pub = publication()
    base = pub.tables["penalties"].frame.iloc[[0]]
    frame = pd.concat([base] * rows, ignore_index=True)
    frame["CF_WSH"] = [f"临市监处罚〔2026〕{100 + i}号" for i in range(rows)]
    frame[RECORD_ID] = [f"{i:016x}" for i in range(rows)]
    if subjects > 1:
        frame["CF_XDR_SHXYM"] = [uscc(f"913309020000{i % subjects:05d}") for i in range(rows)]
        frame["CF_XDR_MC"] = [f"临江市第{i % subjects}建材有限公司" for i in range(rows)]
    table = dataclasses.replace(pub.tables["penalties"], frame=frame.iloc[skip:])
    views, _ = dataset_views({"penalties": table})
    return BulkData(Path("."), "https://x.example/", views, find_subjects(views), measure_links(views))


def test_a_record_key_does_not_change_when_rows_before_it_leave_its_month() -> None:
    shell = Shell(("<p>", "GSXBODYX", "</p>"))
    before = page_units(month_data(PAGE_SIZE + 20), shell).keys
    after = page_units(month_data(PAGE_SIZE + 20, skip=1), shell).keys
    records = [p for p in after.index if p.startswith("r/")]
    assert len(records) == PAGE_SIZE + 19 and all(before[p] == after[p] for p in records)
    month = urls.month_page("penalties", "2026-02")
    assert before[month] != after[month]  # the listing itself did change


def test_keys_do_not_depend_on_how_many_rows_are_hashed_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    shell = Shell(("<p>", "GSXBODYX", "</p>"))
    data = month_data(PAGE_SIZE + 20, subjects=30)
    at_once = page_units(data, shell).keys
    monkeypatch.setattr(
        units, "HASH_ROWS", 7
    )  # every view's rows, and the archives' codes and names, in slices
    sliced = page_units(data, shell).keys
    assert len(data.subjects) == 30 and len(sliced) == len(at_once) > PAGE_SIZE + 50
    assert sliced.index.equals(at_once.index) and (sliced.to_numpy() == at_once.to_numpy()).all()
