"""``catalog.jsonld``: the data catalogue as DCAT-AP 3 (JSON-LD), with its mandatory and recommended properties.

Stage: write release (the release stage writes the file; the document is built here, beside the data packages
it describes). Guarantees:
- the catalogue has title, description, publisher (an Agent with name and type), language, licence, spatial
  coverage (the portal's region), homepage, theme taxonomy, release date (the earliest ``issued`` of its
  datasets, when the catalog gives any), modification date and ``dcat:version`` (the current release), and its
  datasets;
- each dataset has title, description, publisher, contact point (the portal's contacts, a vCard), keywords,
  theme, spatial and temporal coverage (the span of its records' dates), update frequency, landing page, the
  data dictionary it conforms to, ``dcat:version`` (the current release) and ``dcat:hasVersion`` links to the
  same dataset in every kept release (each a dataset of its own, chained by ``dcat:previousVersion``);
- every current file, the all-data zip (dataset ``all-data``), ``releases.json``, the release feed and each kept
  release's ``delta.jsonl`` (dataset ``releases``) are distributions with access and download URL, title,
  description, format (EU file-type vocabulary, or the IANA media type), media type, licence, availability, and
  byte size and SHA-256 where the file is one of ``files``;
- controlled values use the vocabularies DCAT-AP names (EU data-theme, language, frequency, planned
  availability, access right; ADMS publisher type), each node typed with the class DCAT-AP expects;
- only release data and the catalog appear (no clock): the same inputs give the same document.
"""

from __future__ import annotations

from typing import Any

from generator import paths
from generator.config import Portal
from generator.model import DataFile, DatasetSpec, Publication, ReleaseInfo
from generator.packs.allzip import PACKAGE_NAME
from generator.packs.datapackage import DESCRIPTIONS, MEDIA_TYPES
from generator.packs.layout import PROFILE, dataset_iri
from generator.packs.span import date_span

EU = "http://publications.europa.eu/resource/authority/"
CONTEXT = {
    "dcat": "http://www.w3.org/ns/dcat#", "dct": "http://purl.org/dc/terms/", "foaf": "http://xmlns.com/foaf/0.1/",
    "spdx": "http://spdx.org/rdf/terms#", "xsd": "http://www.w3.org/2001/XMLSchema#",
    "vcard": "http://www.w3.org/2006/vcard/ns#", "skos": "http://www.w3.org/2004/02/skos/core#",
    "dcatap": "http://data.europa.eu/r5r/", "locn": "http://www.w3.org/ns/locn#",
}  # fmt: skip
FREQUENCIES = {"daily": "DAILY", "weekly": "WEEKLY", "monthly": "MONTHLY", "quarterly": "QUARTERLY",
               "irregular": "IRREG"}  # fmt: skip
FILE_TYPES = {"csv": "CSV", "xlsx": "XLSX", "parquet": "PARQUET", "zip": "ZIP", "datapackage": "JSON",
              "releases": "JSON", "atom": "ATOM"}  # JSON Lines has no EU file type: its IANA media type stands in  # fmt: skip
EXTRA_MEDIA = {"datapackage": "application/json", "zip": "application/zip", "releases": "application/json",
               "atom": "application/atom+xml", "delta": "application/jsonl"}  # fmt: skip
RELEASES_DATASET = "releases"
THEME = EU + "data-theme/GOVE"  # Government and public sector
PUBLISHER_TYPE = "http://purl.org/adms/publishertype/LocalAuthority"
ADMS_LICENCE = "http://purl.org/adms/licencetype/"
# The preferred labels of the controlled-vocabulary terms used (as the EU vocabularies and ADMS spell them):
# DCAT-AP wants every skos:Concept to carry one, and a consumer need not fetch the vocabularies to show them.
LABELS = {
    THEME: "Government and public sector", EU + "data-theme": "Data theme", PUBLISHER_TYPE: "Local Authority",
    EU + "planned-availability/STABLE": "stable", EU + "planned-availability/TEMPORARY": "temporary",
    ADMS_LICENCE + "Attribution": "Attribution", ADMS_LICENCE + "PublicDomain": "Public domain",
}  # fmt: skip
LICENCE_TYPES = {"CC-BY-4.0": "Attribution", "CC0-1.0": "PublicDomain", "PDDL-1.0": "PublicDomain",
                 "ODC-By-1.0": "Attribution"}  # SPDX licence id -> ADMS licence type; others say none  # fmt: skip


def dcat_document(pub: Publication, files: list[DataFile], releases: list[ReleaseInfo]) -> dict[str, Any]:
    """The catalogue of ``pub``'s datasets, ``files`` (current files with sizes and checksums) and the kept
    ``releases`` (oldest first; the last is the current one)."""
    portal, current = pub.catalog.portal, releases[-1]
    issued = sorted(s.config.issued.isoformat() for s in _specs(pub) if s.config.issued)
    datasets = [_dataset(pub, spec, files, releases) for spec in _specs(pub)]
    starts = [start for spec in _specs(pub) if (start := date_span(pub.tables[spec.id])[0])]
    datasets += [_all_data(portal, files, current, min(starts, default="")), _releases(portal, releases)]
    catalog = {
        "@context": CONTEXT, "@id": portal.base_url + paths.CATALOG_JSONLD, "@type": "dcat:Catalog",
        "dct:title": _zh(f"{portal.name} 开放数据目录"), "dct:description": _zh(_catalog_text(portal)),
        "dct:publisher": _agent(portal.publisher), "dct:language": _language(), "dct:license": _licence(portal),
        "dct:spatial": _region(portal), "foaf:homepage": _typed(portal.base_url, "foaf:Document"),
        "dcat:themeTaxonomy": _scheme(EU + "data-theme"),
        "dct:modified": _date(current.as_of), "dcat:version": current.id, "dcat:dataset": datasets,
    }  # fmt: skip
    return catalog | ({"dct:issued": _date(issued[0])} if issued else {})


def _specs(pub: Publication) -> list[DatasetSpec]:
    return [pub.catalog.dataset(d) for d in sorted(pub.tables)]


def _catalog_text(portal: Portal) -> str:
    return portal.description or f"{portal.publisher}公开的公共信用信息数据资源目录。"


def _dataset(
    pub: Publication, spec: DatasetSpec, files: list[DataFile], releases: list[ReleaseInfo]
) -> dict[str, Any]:
    portal, config, current = pub.catalog.portal, spec.config, releases[-1]
    versions = [r for r in releases if spec.id in r.counts]
    node = _common(portal, spec) | {
        "@id": dataset_iri(portal.base_url, spec.id), "dct:identifier": spec.id,
        "dct:description": _zh(config.description), "dct:modified": _date(current.as_of),
        "dct:accrualPeriodicity": _typed(EU + "frequency/" + FREQUENCIES[config.update_frequency], "dct:Frequency"),
        "dcat:landingPage": _typed(f"{portal.base_url}datasets/{spec.id}/", "foaf:Document"),
        "dct:conformsTo": _typed(f"{portal.base_url}datasets/{spec.id}/dictionary/", "dct:Standard"),
        "dct:accessRights": _typed(EU + "access-right/PUBLIC", "dct:RightsStatement"),
        "dcat:version": current.id, "dcat:hasVersion": _versions(portal, spec, versions),
        "dcat:distribution": [_file(f, portal, spec) for f in files if f.dataset == spec.id],
    } | _temporal(*date_span(pub.tables[spec.id]))  # fmt: skip
    return node | ({"dct:issued": _date(config.issued.isoformat())} if config.issued else {})


def _common(portal: Portal, spec: DatasetSpec | None, title: str = "") -> dict[str, Any]:
    """What every dataset node says alike: type, title, publisher, contact point, keywords, theme, region."""
    config = spec.config if spec else None
    return {
        "@type": "dcat:Dataset", "dct:title": _zh(title or (config.title if config else portal.name)),
        "dct:publisher": _agent(config.publisher if config else portal.publisher),
        "dcat:contactPoint": _contact(portal), "dcat:keyword": [_zh(k) for k in (config.keywords if config else ["信用信息"])],
        "dcat:theme": _concept(THEME), "dct:spatial": _region(portal),
    }  # fmt: skip


def _versions(portal: Portal, spec: DatasetSpec, versions: list[ReleaseInfo]) -> list[dict[str, Any]]:
    """The dataset as each kept release holds it (oldest first), chained by ``dcat:previousVersion``."""
    nodes: list[dict[str, Any]] = []
    for i, release in enumerate(versions):
        package = f"{paths.RELEASES_DIR}/{release.id}/{spec.id}/{paths.DATAPACKAGE_FILE}"
        node = _common(portal, spec, f"{spec.config.title}（版本 {release.id}）") | {
            "@id": _version_iri(portal, release, spec.id), "dcat:version": release.id,
            "dct:description": _zh(f"{spec.config.title}截至 {release.as_of} 的公开记录（发布版本 {release.id}），"
                                   "其文件在保留期内可下载。"),
            "dct:issued": _date(release.as_of), **_temporal("", release.as_of),
            "dcat:distribution": [_link(portal, package, "datapackage", "数据包描述（datapackage.json）", spec, "TEMPORARY")],
        }  # fmt: skip
        nodes.append(node | ({"dcat:previousVersion": {"@id": nodes[-1]["@id"]}} if i else {}))
    return nodes


def _version_iri(portal: Portal, release: ReleaseInfo, dataset: str) -> str:
    return f"{portal.base_url}{paths.RELEASES_DIR}/{release.id}/{dataset}/"


def _all_data(portal: Portal, files: list[DataFile], current: ReleaseInfo, start: str) -> dict[str, Any]:
    return _common(portal, None, f"{portal.name} 全部公开数据（打包下载）") | {
        "@id": dataset_iri(portal.base_url, PACKAGE_NAME), "dct:identifier": PACKAGE_NAME,
        "dct:description": _zh("全部数据集的最新公开记录：每个数据集一个 CSV 文件，附一个描述它们的数据包（datapackage.json）。"
                               "CSV 供程序读取，请把所有列当作文本读取。"),
        "dct:modified": _date(current.as_of), "dcat:version": current.id, **_temporal(start, current.as_of),
        "dcat:distribution": [_file(f, portal, None) for f in files if not f.dataset and f.format == "zip"],
    }  # fmt: skip


def _releases(portal: Portal, releases: list[ReleaseInfo]) -> dict[str, Any]:
    current = releases[-1]
    links = [
        (paths.RELEASES_JSON, "releases", "发布历史（releases.json）"),
        (paths.RELEASES_ATOM, "atom", "数据版本订阅（Atom）"),
    ]
    deltas = [(r.delta_path, "delta", f"变更明细 {r.id}（delta.jsonl）") for r in releases if r.delta_path]
    return _common(portal, None, f"{portal.name} 数据版本与变更明细") | {
        "@id": dataset_iri(portal.base_url, RELEASES_DATASET), "dct:identifier": RELEASES_DATASET,
        "dct:description": _zh("每个保留的数据版本及其变更明细：delta.jsonl 逐行列出相对上一版新增、更正的完整记录和撤下的记录ID；"
                               "使用本门户数据的机构按顺序应用，即与最新数据一致，并应删除已撤下的记录。"),
        "dct:modified": _date(current.as_of), "dcat:version": current.id,
        **_temporal(releases[0].as_of, current.as_of),
        "dcat:distribution": [_link(portal, path, fmt, title, None, "STABLE" if fmt != "delta" else "TEMPORARY")
                              for path, fmt, title in links + deltas],
    }  # fmt: skip


def _file(f: DataFile, portal: Portal, spec: DatasetSpec | None) -> dict[str, Any]:
    """A current file: a distribution with its size and checksum."""
    node = _link(portal, f.path, f.format, f.path.rsplit("/", 1)[-1], spec, "STABLE")
    return node | {
        "dcat:byteSize": {"@value": str(f.bytes), "@type": "xsd:nonNegativeInteger"},
        "spdx:checksum": {"@type": "spdx:Checksum", "spdx:algorithm": _typed("spdx:checksumAlgorithm_sha256", "spdx:ChecksumAlgorithm"),
                          "spdx:checksumValue": {"@value": f.sha256, "@type": "xsd:hexBinary"}},
    }  # fmt: skip


def _link(
    portal: Portal, path: str, fmt: str, title: str, spec: DatasetSpec | None, availability: str
) -> dict[str, Any]:
    """A distribution at ``path`` (relative to site/) in format ``fmt``."""
    url = {"@id": portal.base_url + path}
    media = MEDIA_TYPES.get(fmt) or EXTRA_MEDIA.get(fmt, "application/octet-stream")
    iana = "https://www.iana.org/assignments/media-types/" + media
    node = {
        "@type": "dcat:Distribution", "dcat:accessURL": url, "dcat:downloadURL": url, "dct:title": _zh(title),
        "dct:description": _zh(_describe(fmt)), "dcat:mediaType": _typed(iana, "dct:MediaType"),
        "dct:format": _typed(EU + "file-type/" + FILE_TYPES[fmt] if fmt in FILE_TYPES else iana, "dct:MediaTypeOrExtent"),
        "dct:license": _licence(portal, spec), "dcatap:availability": _concept(EU + "planned-availability/" + availability),
    }  # fmt: skip
    return node | ({"dct:conformsTo": _typed(PROFILE, "dct:Standard")} if fmt == "datapackage" else {})


def _describe(fmt: str) -> str:
    texts = {
        "datapackage": "Frictionless 数据包（Data Package v2）描述：各文件的字段、类型、大小和 SHA-256 校验值。",
        "zip": "全部数据集最新 CSV 与数据包描述的 ZIP 压缩包。",
        "releases": "全部保留版本的列表：发布日期、记录数、新增/更正/撤下数和变更明细的地址与校验值。",
        "atom": "数据版本更新的 Atom 订阅源。",
        "delta": "相对上一版本的变更明细（JSON Lines）：ADD/MOD 行带完整记录，DEL 行只有记录ID。",
    }
    return DESCRIPTIONS.get(fmt) or texts.get(fmt, "数据文件。")


def _agent(name: str) -> dict[str, Any]:
    return {
        "@type": ["foaf:Agent", "foaf:Organization"],
        "foaf:name": _zh(name),
        "dct:type": _concept(PUBLISHER_TYPE),
    }


def _contact(portal: Portal) -> dict[str, Any]:
    contacts = portal.contacts
    node: dict[str, Any] = {"@type": ["vcard:Kind", "vcard:Organization"], "vcard:fn": _zh(contacts.office),
                            "vcard:hasURL": {"@id": portal.base_url + "guide/"}}  # fmt: skip
    if contacts.email:
        node["vcard:hasEmail"] = {"@id": "mailto:" + contacts.email}
    if contacts.address:
        node["vcard:hasAddress"] = {"@type": "vcard:Address", "vcard:street-address": _zh(contacts.address)}
    return node


def _region(portal: Portal) -> dict[str, Any]:
    node = {
        "@type": "dct:Location",
        "skos:prefLabel": _zh(portal.region),
        "locn:geographicName": _zh(portal.region),
    }
    return node | ({"dct:identifier": portal.region_code} if portal.region_code else {})


def _temporal(start: str, end: str) -> dict[str, Any]:
    """``dct:temporal`` from ``start`` to ``end`` (ISO dates; either may be unknown: ""), or nothing."""
    if not (start or end):
        return {}
    period: dict[str, Any] = {"@type": "dct:PeriodOfTime"}
    period |= {"dcat:startDate": _date(start)} if start else {}
    return {"dct:temporal": period | ({"dcat:endDate": _date(end)} if end else {})}


def _licence(portal: Portal, spec: DatasetSpec | None = None) -> dict[str, Any]:
    licence = (spec.config.licence if spec else None) or portal.licence
    node = {"@id": licence.url or f"https://spdx.org/licenses/{licence.id}", "@type": "dct:LicenseDocument",
            "dct:title": _zh(licence.title), "dct:identifier": licence.id}  # fmt: skip
    kind = LICENCE_TYPES.get(licence.id)
    return node | ({"dct:type": _concept(ADMS_LICENCE + kind)} if kind else {})


def _language() -> dict[str, str]:
    return _typed(EU + "language/ZHO", "dct:LinguisticSystem")


def _concept(iri: str) -> dict[str, Any]:
    return _typed(iri, "skos:Concept") | {"skos:prefLabel": {"@value": LABELS[iri], "@language": "en"}}


def _scheme(iri: str) -> dict[str, Any]:
    return _typed(iri, "skos:ConceptScheme") | {"dct:title": {"@value": LABELS[iri], "@language": "en"}}


def _typed(iri: str, kind: str) -> dict[str, str]:
    return {"@id": iri, "@type": kind}


def _zh(text: str) -> dict[str, str]:
    return {"@value": text, "@language": "zh-CN"}


def _date(iso: str) -> dict[str, str]:
    return {"@value": iso, "@type": "xsd:date"}
