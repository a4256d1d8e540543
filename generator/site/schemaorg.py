"""schema.org JSON-LD for search engines: ``DataCatalog`` on the catalogue page, ``Dataset`` on each dataset page.

Stage: render site (these pages are mkdocs pages, rendered every build; no bulk page carries JSON-LD, so no
per-build value reaches a page unit). Guarantees: the catalogue and each dataset carry ``version`` (the newest
release's ID) and ``dateModified`` (that release's as-of date), a dataset its ``datePublished`` when the catalog
says when it was first published and ``temporalCoverage`` from its records' dates; identifiers are the same as
in the DCAT catalogue (``catalog.jsonld``) and the data packages; nothing comes from the clock; the text is
valid JSON whose ``<``, ``>`` and ``&`` are escaped, so it cannot end its ``<script>`` element.
"""

from __future__ import annotations

import json
from typing import Any

from generator import paths
from generator.config import Licence, Portal
from generator.model import DataFile, ReleaseInfo
from generator.packs.datapackage import DESCRIPTIONS
from generator.packs.layout import dataset_iri
from generator.site import urls
from generator.site.view import DatasetView

CATALOG_PAGE = "catalog/"
MEDIA = {
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "jsonl": "application/jsonl",
    "parquet": "application/vnd.apache.parquet",
    "datapackage": "application/json",
    "zip": "application/zip",
}


def dataset_jsonld(
    view: DatasetView,
    portal: Portal,
    files: list[DataFile],
    release: ReleaseInfo | None,
    span: tuple[str, str],
) -> str:
    """The ``Dataset`` of ``view``'s page (``span``: its records' first and last dates, or empty)."""
    config = view.spec.config
    licence = config.licence or portal.licence
    data: dict[str, Any] = {
        "@context": "https://schema.org", "@type": "Dataset", "@id": dataset_iri(portal.base_url, view.id),
        "name": view.title, "description": config.description, "identifier": view.id,
        "url": portal.base_url + urls.dataset_page(view.id), "inLanguage": "zh-CN", "license": _licence(licence),
        "isAccessibleForFree": True, "keywords": list(config.keywords),
        "creator": _organisation(config.publisher), "publisher": _publisher(portal),
        "spatialCoverage": {"@type": "Place", "name": portal.region},
        "variableMeasured": [f.title for f in view.fields], "includedInDataCatalog": _catalog_ref(portal),
        "distribution": [_distribution(f, portal) for f in sorted(files, key=lambda f: f.path)],
    }  # fmt: skip
    data |= _release(release) | ({"datePublished": config.issued.isoformat()} if config.issued else {})
    if span[0]:
        data["temporalCoverage"] = f"{span[0]}/{span[1]}"
    return script_text(data)


def catalog_jsonld(portal: Portal, views: list[DatasetView], release: ReleaseInfo | None) -> str:
    """The portal's ``DataCatalog`` with its datasets."""
    data: dict[str, Any] = {
        "@context": "https://schema.org", **_catalog_ref(portal), "description": portal.description or portal.name,
        "inLanguage": "zh-CN", "publisher": _publisher(portal), "license": _licence(portal.licence),
        "spatialCoverage": {"@type": "Place", "name": portal.region},
        "subjectOf": {"@type": "DataDownload", "contentUrl": portal.base_url + paths.CATALOG_JSONLD,
                      "encodingFormat": "application/ld+json", "name": "DCAT-AP 数据目录（catalog.jsonld）"},
        "dataset": [{"@type": "Dataset", "@id": dataset_iri(portal.base_url, v.id), "name": v.title,
                     "url": portal.base_url + urls.dataset_page(v.id)} for v in views],
    }  # fmt: skip
    issued = sorted(v.spec.config.issued.isoformat() for v in views if v.spec.config.issued)
    return script_text(data | _release(release) | ({"datePublished": issued[0]} if issued else {}))


def _catalog_ref(portal: Portal) -> dict[str, Any]:
    return {
        "@type": "DataCatalog", "@id": portal.base_url + paths.CATALOG_JSONLD, "name": f"{portal.name} 信用信息目录",
        "url": portal.base_url + CATALOG_PAGE,
    }  # fmt: skip


def _release(release: ReleaseInfo | None) -> dict[str, str]:
    return {"version": release.id, "dateModified": release.as_of} if release else {}


def _publisher(portal: Portal) -> dict[str, Any]:
    contacts = portal.contacts
    point: dict[str, Any] = {"@type": "ContactPoint", "name": contacts.office, "contactType": "信用信息咨询"}
    point |= {"email": contacts.email} if contacts.email else {}
    point |= {"telephone": contacts.phone} if contacts.phone else {}
    return _organisation(portal.publisher) | {"contactPoint": point}


def _organisation(name: str) -> dict[str, Any]:
    return {"@type": "Organization", "name": name}


def _licence(licence: Licence) -> str:
    return licence.url or licence.title


def _distribution(f: DataFile, portal: Portal) -> dict[str, Any]:
    entry = {
        "@type": "DataDownload", "contentUrl": portal.base_url + f.path, "name": f.path.rsplit("/", 1)[-1],
        "encodingFormat": MEDIA.get(f.format, "application/octet-stream"), "contentSize": f"{f.bytes} B",
    }  # fmt: skip
    return entry | ({"description": DESCRIPTIONS[f.format]} if f.format in DESCRIPTIONS else {})


def script_text(data: dict[str, Any]) -> str:
    """JSON for a ``<script type="application/ld+json">`` element."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
