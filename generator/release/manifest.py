"""The data catalogue ``catalog.json`` (its DCAT-AP twin ``catalog.jsonld`` is ``generator.packs.dcat``), plus
writing the manifests.

Stage: write release. Guarantees: every dataset is listed with its metadata, its public record count in the
current release and every current file (format, path, URL, bytes, SHA-256, rows); the all-data zip and the
release history are linked. Manifests are JSON with a fixed key order: the same inputs give the same bytes.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from generator import paths
from generator.config import Portal
from generator.model import DataFile, DatasetSpec, Publication, ReleaseInfo
from generator.packs.files import data_file


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
