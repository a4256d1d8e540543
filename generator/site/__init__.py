"""Render site: the public portal (simplified Chinese) as static files under site/.

Stage: render site (after the rules, data-pack and release stages have filled the Publication). Guarantees:
- hand-written pages (home, 信用信息目录, dataset and dictionary pages, lists, measures, statistics, release
  history, guidance, search) are built by real mkdocs-material from generated Markdown, with an explicit nav;
- pages per record, per subject (信用档案), per month/department and per list page are rendered with jinja2 into
  the theme shell cut from one mkdocs page, as flat files in small shard folders, in ``jobs`` processes; each
  archive's subject gets its static JSON beside it (``api/subjects/<code>.json``, ``generator.site.api``);
- every value from the records is HTML-escaped; natural persons have no page addressed by their ID number and
  show only the masked ID they arrive with; META columns are never shown;
- nothing is loaded from a third-party host (fonts off, no CDN, no analytics, theme search off);
- the output depends only on ``pub``: two renders of the same publication are byte-identical;
- when mkdocs fails or the theme shell cannot be cut, a fatal problem comes back and no bulk page is written
  (the build then keeps the previous site); an OSError (disk full…) propagates to the build's boundary.
Files already in ``site_dir`` (data packs, search index) are kept. Every file is written through ``outputs``
(``generator.outputs``): one whose bytes the previous site already has at that path is linked from it; a bulk
page whose inputs are unchanged since the previous build (``generator.site.units``) is linked without being
rendered.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyarrow as pa

from generator.collector import give_back
from generator.commitments.figures import with_fulfilment
from generator.model import Publication
from generator.outputs import Outputs
from generator.problems import Problem
from generator.site import urls
from generator.site.bulk import render_bulk
from generator.site.credit_report import portal_mask
from generator.site.feeds import write_feeds
from generator.site.pages import REPAIR_COMMITMENT_DOC, portal_docs
from generator.site.periods import with_periods
from generator.site.shell import build_pages
from generator.site.subjects import Subjects, find_subjects
from generator.site.units import Units, plan_units
from generator.site.view import DatasetView, dataset_views, measure_links
from generator.site.work import BulkData

if TYPE_CHECKING:
    from generator.cluster import Cluster

__all__ = ["SiteViews", "Units", "render_site", "site_views"]


@dataclass(frozen=True)
class SiteViews:
    """The datasets as the portal shows them, their archive subjects and what was wrong with their rows: made
    once a build, read by the site stage and the search stage (``generator.subjects``)."""

    views: list[DatasetView]
    subjects: Subjects
    problems: list[Problem]


def site_views(pub: Publication, *, let_go: bool = False) -> SiteViews:
    """The views of ``pub``'s tables with the dates the rules compute and the commitment figures as columns
    (so they are part of the page units' keys), and their archive subjects. With ``let_go`` each table leaves
    ``pub.tables`` as soon as its view is made, and its memory goes back to the system: the build reads no
    public table after this, and a table held beside its view (a copy of its public columns as text) was the
    largest thing in its site stage (1 M records, ``local:2``: the freed tables' memory the C heap kept made
    the site stage's peak, 1,327 MiB, where 808 MiB were left once it was handed back)."""
    views, problems = [], []
    for key in sorted(pub.tables):
        one = {key: pub.tables[key]}
        found, bad = dataset_views(one)
        views += with_periods(found, one, pub.rules)
        problems += bad
        if let_go:
            del pub.tables[key], one
            give_back()  # the table's memory, before the next view is made: else the C heap keeps it
    views = with_fulfilment(views, pub.fulfilment)
    return SiteViews(views, find_subjects(views), problems)


def render_site(
    pub: Publication,
    site_dir: Path,
    jobs: int = 2,
    *,
    pages: dict[str, str] | None = None,
    nav: list[Any] | None = None,
    repair_page: str | None = REPAIR_COMMITMENT_DOC,
    outputs: Outputs | None = None,
    units: Units | None = None,
    cluster: Cluster | None = None,
    shown: SiteViews | None = None,
) -> list[Problem]:
    """Write the portal's pages, feed, sitemap and robots.txt into ``site_dir``; return what went wrong.

    Other stages may contribute hand-written pages: ``pages`` (Markdown by docs path, e.g. the commitment
    column's), ``nav`` (mkdocs nav entries, added before 搜索) and ``repair_page`` (the docs path of the
    信用修复承诺书 page, linked from the repair guide when it is among the pages); ``outputs`` records what was
    written and knows the previous site (a fresh one, linking nothing, when not given); ``units`` holds the
    previous build's page units — pages whose inputs are unchanged are carried from the previous site without
    rendering — and receives this build's; with a ``cluster`` (``generator.cluster``) its workers render the
    bulk pages instead of ``jobs`` local processes; ``shown``: ``site_views(pub)`` when the caller made it."""
    out = outputs or Outputs(site_dir)
    shown = shown or site_views(pub)
    views, problems = shown.views, list(shown.problems)
    portal = pub.catalog.portal
    data = BulkData(site_dir, portal.base_url, views, shown.subjects, measure_links(views))
    data.previous = out.previous
    data.release = pub.releases[-1].id if pub.releases else ""
    data.issuer = (portal.name, portal.publisher)
    docs = portal_docs(pub, data, pages or {}, repair_page)
    shell, found = build_pages(docs, portal, site_dir, nav, out)
    problems += found
    if shell is None:
        return problems
    data.shell = shell
    portal_mask(portal.base_url)  # judged here, once: the forked page workers inherit it (cached)
    if units is not None:
        data.fresh = plan_units(data, shell, units)
    written = render_bulk(data, jobs, out, cluster)
    give_back()  # what taking the tasks' results back let go (at 1 M: 0.15 GiB), before the sitemaps' look-up
    pages = pa.concat_arrays([pa.array([urls.doc_url(doc) for doc in docs], pa.large_string()), written])
    write_feeds(site_dir, portal, pub.as_of, views, pages, out)
    return problems
