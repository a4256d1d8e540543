"""The data catalogue: ``catalog.json`` and its DCAT twin ``catalog.jsonld``, plus writing the manifests.

Stage: write release. Guarantees: every dataset is listed with its metadata, its public record count in the
current release and every current file (format, path, URL, bytes, SHA-256, rows); the all-data zip and the
release history are linked; the JSON-LD is DCAT (dcat:Catalog → dcat:Dataset → dcat:Distribution with
dcat:byteSize and spdx:checksum). Manifests are JSON with sorted-free, fixed key order: the same inputs give the
same bytes.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from generator import paths
from generator.config import Portal
from generator.model import DataFile, DatasetSpec, Publication, ReleaseInfo
from generator.packs.datapackage import MEDIA_TYPES
from generator.packs.files import data_file

FREQUENCIES = {
    "daily": "http://purl.org/cld/freq/daily", "weekly": "http://purl.org/cld/freq/weekly",
    "monthly": "http://purl.org/cld/freq/monthly", "quarterly": "http://purl.org/cld/freq/quarterly",
    "irregular": "http://purl.org/cld/freq/irregular",
}  # fmt: skip
CONTEXT = {
    "dcat": "http://www.w3.org/ns/dcat#", "dct": "http://purl.org/dc/terms/", "foaf": "http://xmlns.com/foaf/0.1/",
    "spdx": "http://spdx.org/rdf/terms#", "xsd": "http://www.w3.org/2001/XMLSchema#",
}  # fmt: skip
EXTRA_MEDIA = {"datapackage": "application/json", "zip": "application/zip"}


def write_json(site_dir: Path, rel: str, data: dict[str, Any], fmt: str, rows: int) -> DataFile:
    path = site_dir / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return data_file(site_dir, path, "", rows, fmt)


def catalog_document(pub: Publication, files: list[DataFile], current: ReleaseInfo) -> dict[str, Any]:
    portal = pub.catalog.portal
    return {
        "portal": {"name": portal.name, "region": portal.region, "publisher": portal.publisher,
                   "base_url": portal.base_url, "licence": portal.licence.model_dump()},
        "release": current.id, "as_of": current.as_of,
        "releases": _link(portal, paths.RELEASES_JSON), "feed": _link(portal, paths.RELEASES_ATOM),
        "all_data": [_file(portal, f) for f in files if f.dataset == "" and f.format == "zip"],
        "datasets": [_dataset(spec, portal, files, current) for spec in _published(pub)],
    }  # fmt: skip


def _published(pub: Publication) -> list[DatasetSpec]:
    return [pub.catalog.dataset(d) for d in sorted(pub.tables)]


def _link(portal: Portal, rel: str) -> dict[str, str]:
    return {"path": rel, "url": portal.base_url + rel}


def _file(portal: Portal, f: DataFile) -> dict[str, Any]:
    return {"format": f.format, **_link(portal, f.path), "bytes": f.bytes, "sha256": f.sha256, "rows": f.rows}


def _dataset(
    spec: DatasetSpec, portal: Portal, files: list[DataFile], current: ReleaseInfo
) -> dict[str, Any]:
    config = spec.config
    licence = config.licence or portal.licence
    return {
        "id": spec.id, "title": config.title, "description": config.description, "kind": config.kind,
        "publisher": config.publisher, "update_frequency": config.update_frequency,
        "keywords": list(config.keywords), "licence": licence.model_dump(),
        "records": current.counts.get(spec.id, 0),
        "files": [_file(portal, f) for f in files if f.dataset == spec.id],
    }  # fmt: skip


def dcat_document(pub: Publication, files: list[DataFile], current: ReleaseInfo) -> dict[str, Any]:
    portal = pub.catalog.portal
    return {
        "@context": CONTEXT, "@id": portal.base_url + paths.CATALOG_JSONLD, "@type": "dcat:Catalog",
        "dct:title": _zh(f"{portal.name} 开放数据目录"), "dct:publisher": _agent(portal.publisher),
        "dct:license": {"@id": portal.licence.url or portal.licence.id}, "dct:modified": _date(current.as_of),
        "dct:identifier": current.id, "foaf:homepage": {"@id": portal.base_url},
        "dcat:dataset": [_dcat_dataset(spec, portal, files, current) for spec in _published(pub)],
    }  # fmt: skip


def _dcat_dataset(
    spec: DatasetSpec, portal: Portal, files: list[DataFile], current: ReleaseInfo
) -> dict[str, Any]:
    config = spec.config
    licence = config.licence or portal.licence
    dataset = {
        "@id": f"{portal.base_url}{paths.CATALOG_JSONLD}#{spec.id}", "@type": "dcat:Dataset",
        "dct:identifier": spec.id, "dct:title": _zh(config.title), "dct:description": _zh(config.description),
        "dct:publisher": _agent(config.publisher), "dcat:keyword": [_zh(k) for k in config.keywords],
        "dct:accrualPeriodicity": {"@id": FREQUENCIES[config.update_frequency]},
        "dct:modified": _date(current.as_of), "dcat:landingPage": {"@id": f"{portal.base_url}datasets/{spec.id}/"},
        "dct:license": {"@id": licence.url or licence.id},
        "dcat:distribution": [_distribution(f, portal) for f in files if f.dataset == spec.id],
    }  # fmt: skip
    return dataset | ({"dct:issued": _date(config.issued.isoformat())} if config.issued else {})


def _distribution(f: DataFile, portal: Portal) -> dict[str, Any]:
    media = MEDIA_TYPES.get(f.format) or EXTRA_MEDIA.get(f.format, "application/octet-stream")
    return {
        "@type": "dcat:Distribution", "dct:title": f.path.rsplit("/", 1)[-1], "dct:format": f.format,
        "dcat:downloadURL": {"@id": portal.base_url + f.path}, "dcat:accessURL": {"@id": portal.base_url + f.path},
        "dcat:mediaType": {"@id": f"https://www.iana.org/assignments/media-types/{media}"},
        "dcat:byteSize": {"@value": str(f.bytes), "@type": "xsd:nonNegativeInteger"},
        "spdx:checksum": {"@type": "spdx:Checksum", "spdx:algorithm": {"@id": "spdx:checksumAlgorithm_sha256"},
                          "spdx:checksumValue": f.sha256},
    }  # fmt: skip


def _zh(text: str) -> dict[str, str]:
    return {"@value": text, "@language": "zh-CN"}


def _agent(name: str) -> dict[str, Any]:
    return {"@type": "foaf:Organization", "foaf:name": name}


def _date(iso: str) -> dict[str, str]:
    return {"@value": iso, "@type": "xsd:date"}
