"""Every data package is valid Data Package v2 (checked with ``jsonschema`` against the standard's profile, shipped
as a fixture with its licence), describes every file as a table, and tells spreadsheet users to take the XLSX."""

from __future__ import annotations

import json
import zipfile
from datetime import date
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from generator.model import DataFile
from generator.packs import datapackage, write_packs, xlsx
from generator.packs.layout import Stamp, dataset_iri, layout_for, public_table
from generator.packs.typed import typed_table
from tests.packs.builders import catalog, licence, penalty, portal, publication

PROFILE = Path(__file__).resolve().parents[1] / "fixtures" / "datapackage_v2" / "datapackage-2.0.json"
AS_OF = date(2026, 11, 25)


def profile_errors(descriptor: dict[str, Any]) -> list[str]:
    """Every violation of the v2 profile, as ``path: message``."""
    validator = jsonschema.Draft7Validator(json.loads(PROFILE.read_text(encoding="utf-8")))
    return [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(descriptor)]


def read(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[DataFile]]:
    root = tmp_path_factory.mktemp("v2")
    pub = publication(AS_OF, {"penalties": [penalty(n) for n in range(1, 5)], "licences": [licence(1)]})
    return root, write_packs(pub, root)


def test_the_fixture_is_the_strict_v2_profile_that_rejects_file_resources() -> None:
    old = {"name": "p", "resources": [{"name": "a", "path": "a.jsonl", "type": "file"}]}
    assert profile_errors(old) == ["['resources', 0, 'type']: 'file' is not one of ['table']"]


def test_every_written_package_is_valid_against_the_v2_profile(site: tuple[Path, list[DataFile]]) -> None:
    root, files = site
    packages = [root / f.path for f in files if f.format == "datapackage"]
    assert len(packages) == 2
    for path in packages:
        assert profile_errors(read(path)) == [], path
    with zipfile.ZipFile(root / "data/latest/all-data.zip") as archive:
        assert profile_errors(json.loads(archive.read("datapackage.json"))) == []


def test_every_file_is_a_table_resource_with_the_public_schema(site: tuple[Path, list[DataFile]]) -> None:
    package = read(site[0] / "data/latest/penalties/datapackage.json")
    resources = package["resources"]
    assert [r["format"] for r in resources] == ["csv", "xlsx", "jsonl", "parquet"]
    assert {r["type"] for r in resources} == {"table"}
    headers = [f["name"] for f in resources[1]["schema"]["fields"]]
    for resource in resources:
        assert [f["name"] for f in resource["schema"]["fields"]] == headers
        assert resource["schema"]["primaryKey"] == ["记录ID"] and resource["hash"].startswith("sha256:")


def test_the_package_id_is_the_datasets_catalogue_node(site: tuple[Path, list[DataFile]]) -> None:
    package = read(site[0] / "data/latest/penalties/datapackage.json")
    assert package["id"] == dataset_iri(portal().base_url, "penalties")
    assert package["id"] == "https://credit.linjiang.example.cn/data/catalog.jsonld#penalties"
    assert list(package)[:4] == ["$schema", "name", "id", "title"]


def test_csv_is_described_for_programs_and_spreadsheet_users_are_sent_to_the_xlsx(
    site: tuple[Path, list[DataFile]],
) -> None:
    package = read(site[0] / "data/latest/penalties/datapackage.json")
    csv, workbook = package["resources"][0], package["resources"][1]
    for text in (package["description"], csv["description"]):
        assert "可直接打开" not in text and "直接用 Excel 或 WPS 打开" in text
        assert "XLSX" in text and "文本" in text and "科学计数法" in text and "3-01" in text
    assert "Excel 或 WPS 查看" in workbook["description"]


def test_xlsx_parts_are_listed_in_order_with_the_plain_name_first(tmp_path: Path) -> None:
    pub = publication(AS_OF, {"penalties": [penalty(n) for n in range(1, 8)]})
    spec = catalog(datasets=("penalties",)).dataset("penalties")
    layout = layout_for(spec, pub.catalog.portal, Stamp("r1", AS_OF), pub.tables["penalties"].frame.columns)
    table = public_table(pub.tables["penalties"].frame, layout)
    parts = xlsx.write(layout, typed_table(table, layout), tmp_path, max_rows=3)
    assert [p.name for p in parts] == ["penalties.xlsx", "penalties-2.xlsx", "penalties-3.xlsx"]
    descriptor = datapackage.descriptor(layout, list(reversed(parts)), [])
    resources = descriptor["resources"]
    assert [r["path"] for r in resources] == ["penalties.xlsx", "penalties-2.xlsx", "penalties-3.xlsx"]
    assert (
        "第 2/3 部分" in resources[1]["title"]
        and "第一个工作簿的文件名不带编号" in resources[1]["description"]
    )
    assert profile_errors(descriptor) == []


def test_part_numbers_read_back_from_file_names() -> None:
    assert [xlsx.part_number("list-2", n) for n in ("list-2.xlsx", "list-2-2.xlsx", "list-2-10.xlsx")] == [
        1,
        2,
        10,
    ]
    assert xlsx.part_number("penalties", "licences.xlsx") == 0
    assert [xlsx.part_name("penalties", i) for i in (1, 2)] == ["penalties.xlsx", "penalties-2.xlsx"]
