"""The DCAT catalogue has every DCAT-AP mandatory and recommended property (checked with pySHACL against the
official DCAT-AP 3.0.1 shapes shipped as a fixture), links each dataset's versions in the kept releases, and lists the all-data
zip, the release history and every kept delta as distributions."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from pyshacl import validate
from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import DCTERMS, RDF

from generator.model import DataFile, Publication, ReleaseInfo
from generator.packs import write_packs
from generator.packs.dcat import dcat_document
from tests.packs.builders import licence, penalty, publication

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "dcat_ap"
SHAPES = [
    FIXTURES / f"dcat-ap-3.0.1-{name}.ttl" for name in ("shapes", "range", "shapes_recommended", "SHACL")
]
# Recommended properties gongshi cannot state from its data: the region's coordinates (the catalog names the
# region and its code, not its geometry) and when the records a kept release holds begin (a release records its
# date and counts, not its records' date span). Warnings, never violations.
UNSTATABLE = {("Warning", "bbox"), ("Warning", "centroid"), ("Warning", "startDate")}
BASE = "https://credit.linjiang.example.cn/"
AS_OF = date(2026, 11, 25)
SEVERITY = "http://www.w3.org/ns/shacl#"
DCAT = Namespace("http://www.w3.org/ns/dcat#")  # rdflib's closed DCAT namespace lacks DCAT 3's version terms


def releases() -> list[ReleaseInfo]:
    """Two kept releases: licences arrived only in the second."""
    first = ReleaseInfo(
        "2026-10-01", "2026-10-01", {"penalties": 3}, 3, 0, 0, "data/releases/2026-10-01/delta.jsonl"
    )
    second = ReleaseInfo(
        "2026-11-25",
        "2026-11-25",
        {"penalties": 4, "licences": 1},
        2,
        0,
        0,
        "data/releases/2026-11-25/delta.jsonl",
    )
    return [first, second]


def issued(pub: Publication, when: date) -> Publication:
    """``pub`` with every dataset saying it was first published on ``when``."""
    specs = tuple(
        replace(s, config=s.config.model_copy(update={"issued": when})) for s in pub.catalog.datasets
    )
    catalog = replace(pub.catalog, datasets=specs)
    return replace(
        pub, catalog=catalog, tables={k: replace(t, spec=catalog.dataset(k)) for k, t in pub.tables.items()}
    )


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> tuple[Publication, list[DataFile]]:
    pub = publication(AS_OF, {"penalties": [penalty(n) for n in range(1, 5)], "licences": [licence(1)]})
    pub = issued(pub, date(2019, 7, 1))
    return pub, write_packs(pub, tmp_path_factory.mktemp("dcat"))


@pytest.fixture(scope="module")
def document(written: tuple[Publication, list[DataFile]]) -> dict[str, Any]:
    return dcat_document(written[0], written[1], releases())


def graph(document: dict[str, Any]) -> Graph:
    return Graph().parse(data=json.dumps(document, ensure_ascii=False), format="json-ld")


def shacl_results(document: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    """(severity, focus node, path, message) of every SHACL result."""
    shapes = Graph()
    for path in SHAPES:
        shapes.parse(path, format="turtle")
    _, results, _ = validate(graph(document), shacl_graph=shapes, inference="none", allow_warnings=False)
    query = """SELECT ?severity ?focus ?path ?message WHERE { ?r a sh:ValidationResult ; sh:resultSeverity ?severity ;
               sh:focusNode ?focus . OPTIONAL { ?r sh:resultPath ?path } OPTIONAL { ?r sh:resultMessage ?message } }"""
    rows = results.query(query, initNs={"sh": URIRef(SEVERITY)})
    return sorted((str(s).removeprefix(SEVERITY), str(f), str(p), str(m)) for s, f, p, m in rows)  # type: ignore[misc]


def findings(document: dict[str, Any]) -> set[tuple[str, str]]:
    """(severity, property) of every SHACL result but the unstatable ones."""
    found = {
        (severity, path.rsplit("/", 1)[-1].rsplit("#", 1)[-1])
        for severity, _, path, _ in shacl_results(document)
    }
    return found - UNSTATABLE


def test_the_catalogue_has_every_mandatory_and_recommended_property(document: dict[str, Any]) -> None:
    assert findings(document) == set()


def test_only_the_kept_release_versions_lack_a_start_of_their_temporal_coverage(
    document: dict[str, Any],
) -> None:
    g = graph(document)
    undated = [f for _, f, path, _ in shacl_results(document) if path.endswith("startDate")]
    periods = set(g.subjects(RDF.type, DCTERMS.PeriodOfTime))
    versions = {g.value(v, DCTERMS.temporal) for v in g.objects(None, DCAT.hasVersion)}
    assert {p for p in periods if g.value(p, DCAT.startDate) is None} == versions
    assert len(undated) == len(versions) == 3  # two kept penalty versions, one licence version


def test_without_a_first_publication_date_only_the_release_dates_are_missing(
    written: tuple[Publication, list[DataFile]],
) -> None:
    unknown = issued(written[0], None)  # type: ignore[arg-type]
    assert findings(dcat_document(unknown, written[1], releases())) == {("Warning", "issued")}


def test_the_shapes_report_a_missing_mandatory_property_and_a_missing_recommended_one(
    document: dict[str, Any],
) -> None:
    broken = {k: v for k, v in document.items() if k not in ("dct:description", "dct:spatial")}
    assert findings(broken) == {("Violation", "description"), ("Warning", "spatial")}


def test_the_catalogue_describes_itself_in_chinese_with_region_contact_and_language(
    document: dict[str, Any],
) -> None:
    g = graph(document)
    catalogue = URIRef(BASE + "data/catalog.jsonld")
    assert (catalogue, RDF.type, DCAT.Catalog) in g
    assert str(g.value(catalogue, DCTERMS.description).language).lower() == "zh-cn"  # type: ignore[union-attr]
    assert g.value(catalogue, DCTERMS.language) == URIRef(
        "http://publications.europa.eu/resource/authority/language/ZHO"
    )
    penalties = URIRef(BASE + "data/catalog.jsonld#penalties")
    contact = g.value(penalties, DCAT.contactPoint)
    assert (
        contact is not None
        and str(g.value(contact, URIRef("http://www.w3.org/2006/vcard/ns#fn"))) == "临江市信用办"
    )
    period = g.value(penalties, DCTERMS.temporal)
    assert str(g.value(period, DCAT.startDate)) <= str(g.value(period, DCAT.endDate))


def test_each_dataset_links_its_versions_in_the_kept_releases(document: dict[str, Any]) -> None:
    g = graph(document)
    penalties, licences = (URIRef(BASE + f"data/catalog.jsonld#{d}") for d in ("penalties", "licences"))
    assert str(g.value(penalties, DCAT.version)) == "2026-11-25"
    versions = sorted(str(v) for v in g.objects(penalties, DCAT.hasVersion))
    assert versions == [
        BASE + "data/releases/2026-10-01/penalties/",
        BASE + "data/releases/2026-11-25/penalties/",
    ]
    newest = URIRef(versions[1])
    assert g.value(newest, DCAT.previousVersion) == URIRef(versions[0])
    assert [str(v) for v in g.objects(licences, DCAT.hasVersion)] == [
        BASE + "data/releases/2026-11-25/licences/"
    ]
    package = g.value(g.value(newest, DCAT.distribution), DCAT.downloadURL)
    assert str(package) == BASE + "data/releases/2026-11-25/penalties/datapackage.json"


def test_the_zip_the_release_history_and_every_delta_are_distributions(document: dict[str, Any]) -> None:
    g = graph(document)
    urls = {str(u) for u in g.objects(None, DCAT.downloadURL)}
    assert {
        BASE + "data/latest/all-data.zip",
        BASE + "data/releases.json",
        BASE + "data/releases.atom",
    } <= urls
    assert {BASE + f"data/releases/{r.id}/delta.jsonl" for r in releases()} <= urls
    assert BASE + "data/latest/penalties/penalties.xlsx" in urls


def test_current_files_carry_their_size_and_checksum(
    document: dict[str, Any], written: tuple[Publication, list[DataFile]]
) -> None:
    g = graph(document)
    spdx = "http://spdx.org/rdf/terms#"
    for f in written[1]:
        distribution = g.value(None, DCAT.downloadURL, URIRef(BASE + f.path))
        assert int(g.value(distribution, DCAT.byteSize)) == f.bytes  # type: ignore[arg-type]
        checksum = g.value(distribution, URIRef(spdx + "checksum"))
        assert str(g.value(checksum, URIRef(spdx + "checksumValue"))) == f.sha256
