"""The hand-written and editorial pages, as Markdown for mkdocs: home, 信用信息目录 and each dataset's pages,
lists, measures, statistics, release history, guidance, search.

Stage: render site. Guarantees: every value from the catalog or the records reaches the Markdown HTML-escaped
(autoescaping templates; data tables are raw HTML blocks, so Markdown never reinterprets record text; the
catalogue's schema.org JSON-LD is escaped for its script element by ``schemaorg``); page
paths match the explicit nav in mkdocs.yml; nothing here reads the clock.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pandas as pd
from markupsafe import Markup

from generator import paths
from generator.config import Contacts
from generator.model import RECORD_ID, Publication, ReleaseInfo
from generator.schema import Field
from generator.site import urls
from generator.site.datasets import dataset_docs
from generator.site.feeds import latest
from generator.site.jinja import environment
from generator.site.rulespage import rules_facts
from generator.site.schemaorg import catalog_jsonld
from generator.site.stats import statistics
from generator.site.view import FREQUENCIES, KIND_TITLES, DatasetView, split_values
from generator.site.work import BulkData, list_label

# The default page of the 信用修复承诺书 template, as a Markdown path among the pages (e.g. "commitments/repair.md");
# ``render_site(..., repair_page=…)`` overrides it. The repair guide links it only when that page exists.
REPAIR_COMMITMENT_DOC: str | None = None
MEASURE_GROUP_FIELD = "CS_FL"  # measures are grouped by this field when the schema has it
HOME_LATEST = 10
NATIONAL_REPAIR = (
    "https://www.creditchina.gov.cn/xinyongxiufu/"  # 信用中国's credit repair column (a link only)
)

PAGES = {  # Markdown path → template (pages whose context is the common one plus a few values)
    "index.md": "home.md", "catalog/index.md": "catalog.md", "lists/index.md": "lists.md",
    "measures/index.md": "measures.md", "stats/index.md": "stats.md", "releases/index.md": "releases.md",
    "guide/index.md": "guide_index.md", "guide/rules.md": "rules.md", "guide/objection.md": "objection.md",
    "guide/repair.md": "repair.md", "guide/privacy.md": "privacy.md", "guide/licence.md": "licence.md",
    "search/index.md": "search.md", "check/index.md": "check.md",
}  # fmt: skip


def portal_docs(
    pub: Publication,
    data: BulkData,
    extra_docs: dict[str, str],
    repair_doc: str | None = REPAIR_COMMITMENT_DOC,
) -> dict[str, str]:
    """Every Markdown page of the portal by path (``extra_docs`` are pages other stages contribute;
    ``repair_doc`` is the 信用修复承诺书 page among them, if any)."""
    docs = dict(extra_docs)
    for vi in range(len(data.views)):
        docs.update(dataset_docs(data, vi, pub.catalog.portal, pub.files, _newest(pub)))
    context = _context(pub, data, docs, repair_doc)
    env = environment()
    for doc, name in PAGES.items():
        rel = urls.rel_root(urls.doc_url(doc))
        docs[doc] = env.get_template(f"pages/{name}").render(rel=rel, **context)
    return docs


def _context(
    pub: Publication, data: BulkData, docs: dict[str, str], repair_doc: str | None
) -> dict[str, Any]:
    portal, views = pub.catalog.portal, data.views
    commitment = repair_doc if repair_doc in docs else None
    return {
        "portal": portal, "as_of": pub.as_of.isoformat(), "subjects": len(data.subjects),
        "latest": latest(views, portal.base_url, HOME_LATEST),
        "release": pub.releases[-1] if pub.releases else None, "datasets": [_summary(v) for v in views],
        "portal_files": sorted((f for f in pub.files if not f.dataset), key=lambda f: f.path),
        "catalog_json": paths.CATALOG_JSON if _exists(data.site_dir, paths.CATALOG_JSON) else "",
        "lists": [_list(v, data) for v in views if v.kind == "list"], "groups": _measure_groups(views),
        "sections": statistics(views, _timeliness(pub), pub.fulfilment), "releases": _releases(pub),
        "commitment_url": urls.doc_url(commitment) if commitment else "",
        "overrides": [_summary(v) for v in views if v.spec.config.licence],
        "search_index": paths.SEARCH_INDEX_DIR, "search_script": paths.SEARCH_SCRIPT,
        "rules": rules_facts(pub.rules, pub.catalog.datasets),
        "releases_atom": paths.RELEASES_ATOM if _exists(data.site_dir, paths.RELEASES_ATOM) else "",
        "catalog_jsonld": Markup(catalog_jsonld(portal, views, _newest(pub))),
        "signing": _signing(data.site_dir),
        "contact": _contact_links(portal.contacts), "national_repair": NATIONAL_REPAIR,
        "report_script": paths.REPORT_SCRIPT,
    }  # fmt: skip


def _contact_links(contacts: Contacts) -> dict[str, str]:
    """Tappable links to the credit office from portal.yaml: ``mailto:`` its e-mail and ``tel:`` the number its
    phone text starts with (``12345（…热线）`` → ``tel:12345``, ``0576-88001234`` → ``tel:057688001234``);
    '' where there is none."""
    number = re.match(r"\+?[\d\s-]*\d", contacts.phone.strip())
    digits = re.sub(r"[^\d+]", "", number.group(0)) if number else ""
    return {
        "mailto": f"mailto:{contacts.email}" if contacts.email else "",
        "tel": f"tel:{digits}" if digits else "",
    }


def _newest(pub: Publication) -> ReleaseInfo | None:
    return pub.releases[-1] if pub.releases else None


def _exists(site_dir: Path, path: str) -> bool:
    return (site_dir / path).is_file()


def _signing(site_dir: Path) -> dict[str, Any]:
    """The release signing key the release stage published (its one line), and whether releases are signed."""
    key = site_dir / paths.SIGNING_KEY_PUB
    lines = key.read_text(encoding="ascii").split("\n") if key.is_file() else []
    signed = _exists(site_dir, paths.RELEASES_JSON + paths.SIGNATURE_SUFFIX)
    return {"key": lines[1] if len(lines) > 1 else "", "file": paths.SIGNING_KEY_PUB, "signed": signed}


def _summary(view: DatasetView) -> dict[str, Any]:
    config = view.spec.config
    return {
        "id": view.id, "title": view.title, "kind": KIND_TITLES.get(view.kind, view.kind),
        "publisher": config.publisher, "frequency": FREQUENCIES.get(config.update_frequency, ""),
        "licence": config.licence.title if config.licence else "与门户相同", "count": len(view.frame),
    }  # fmt: skip


def _list(view: DatasetView, data: BulkData) -> dict[str, Any]:
    names = view.column("list_name").replace("", "（未注明）").value_counts()
    ordered = sorted(((str(k), int(v)) for k, v in names.items()), key=lambda kv: (-kv[1], kv[0]))
    measures = {m.anchor for name, _ in ordered for m in data.measures.get(name, [])}
    return {
        "id": view.id, "title": view.title, "label": list_label(view), "names": ordered,
        "measures": len(measures), "count": len(view.frame),
    }  # fmt: skip


def _measure_groups(views: list[DatasetView]) -> list[dict[str, Any]]:
    """Measures grouped by category (in the schema's order of categories), one table per group."""
    return [group for view in views if view.kind == "measures" for group in _groups_of(view)]


def _groups_of(view: DatasetView) -> list[dict[str, Any]]:
    field = MEASURE_GROUP_FIELD if MEASURE_GROUP_FIELD in view.frame.columns else None
    keys = view.frame[field] if field else pd.Series("", index=view.frame.index, dtype="str")
    order = list(view.spec.schema.field(field).enum) if field else []
    ranked = sorted(set(keys), key=lambda k: (order.index(k) if k in order else len(order), k))
    shown = [f for f in view.fields if f.name != field]
    return [
        _group(view, shown, keys == key, f"（{_ordinal(n)}）{key}" if key else view.title)
        for n, key in enumerate(ranked)
    ]


def _group(view: DatasetView, shown: list[Field], mask: pd.Series, title: str) -> dict[str, Any]:
    part, list_field = view.frame[mask], view.role("list_name")
    values = part[[f.name for f in shown]].to_numpy(dtype=object)
    rows = [
        {"anchor": urls.measure_anchor(rid), "values": [_cell(f.name == list_field, v) for f, v in zip(shown, vals, strict=True)]}
        for rid, vals in zip(part[RECORD_ID], values, strict=True)
    ]  # fmt: skip
    return {"title": title, "headings": [f.title for f in shown], "rows": rows}


def _cell(multiple: bool, value: str) -> str:
    return "；".join(split_values(value)) if multiple else value


def _ordinal(n: int) -> str:
    return "一二三四五六七八九十"[n] if n < 10 else str(n + 1)


def _timeliness(pub: Publication) -> pd.DataFrame:
    needed = ["department", "timely", "working_days"]
    frame = pub.timeliness
    return frame if set(needed) <= set(frame.columns) else pd.DataFrame(columns=needed)


def _releases(pub: Publication) -> list[dict[str, Any]]:
    return [
        {"id": r.id, "as_of": r.as_of, "total": sum(r.counts.values()), "added": r.added,
         "changed": r.changed, "withdrawn": r.withdrawn, "delta": r.delta_path}
        for r in reversed(pub.releases)
    ]  # fmt: skip
