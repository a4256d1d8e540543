"""Catalog configuration: documented models; every error names the file and the key."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from generator.catalog import load_catalog
from generator.config import DATASET_ID, DatasetConfig, Portal
from generator.problems import Level

PORTAL = {
    "name": "信用测试",
    "region": "测试市",
    "publisher": "测试市信用办",
    "base_url": "https://credit.example.gov.cn/",
    "licence": {"id": "CC-BY-4.0", "title": "知识共享署名 4.0"},
    "contacts": {"office": "测试市信用办"},
}
DATASET = {
    "kind": "penalty",
    "title": "行政处罚信息",
    "description": "测试",
    "publisher": "测试市市场监督管理局",
    "update_frequency": "daily",
}


def write_catalog(
    root: Path, portal: dict[str, object] = PORTAL, dataset: dict[str, object] = DATASET
) -> Path:
    (root / "datasets" / "penalties").mkdir(parents=True)
    (root / "portal.yaml").write_text(yaml.safe_dump(portal, allow_unicode=True), encoding="utf-8")
    (root / "datasets/penalties/dataset.yaml").write_text(
        yaml.safe_dump(dataset, allow_unicode=True), encoding="utf-8"
    )
    return root


def test_valid_catalog_loads_with_builtin_schema(tmp_path: Path) -> None:
    catalog, problems = load_catalog(write_catalog(tmp_path))
    assert problems == []
    assert catalog is not None
    assert catalog.dataset("penalties").schema.primary_key == ("CF_WSH", "CF_CFJGDM")


def test_unknown_key_names_file_and_key(tmp_path: Path) -> None:
    catalog, problems = load_catalog(write_catalog(tmp_path, portal={**PORTAL, "base_ulr": "x"}))
    assert catalog is None
    [p] = problems
    assert (p.code, p.level, p.file, p.field) == (
        "config-unknown-key",
        Level.CONFIG,
        "portal.yaml",
        "base_ulr",
    )


def test_wrong_type_in_dataset_yaml_names_file_and_key(tmp_path: Path) -> None:
    _, problems = load_catalog(write_catalog(tmp_path, dataset={**DATASET, "update_frequency": "hourly"}))
    [p] = problems
    assert p.file == "datasets/penalties/dataset.yaml"
    assert (p.code, p.field, p.value) == ("config-invalid-value", "update_frequency", "hourly")


def test_missing_required_key_is_reported(tmp_path: Path) -> None:
    portal = {k: v for k, v in PORTAL.items() if k != "publisher"}
    _, problems = load_catalog(write_catalog(tmp_path, portal=portal))
    assert [(p.code, p.field) for p in problems] == [("config-missing-key", "publisher")]


def test_missing_portal_file_is_reported(tmp_path: Path) -> None:
    write_catalog(tmp_path)
    (tmp_path / "portal.yaml").unlink()
    _, problems = load_catalog(tmp_path)
    assert [(p.code, p.file) for p in problems] == [("config-missing-file", "portal.yaml")]


def test_malformed_yaml_is_reported_not_raised(tmp_path: Path) -> None:
    write_catalog(tmp_path)
    (tmp_path / "portal.yaml").write_text("name: [unclosed\n", encoding="utf-8")
    _, problems = load_catalog(tmp_path)
    assert [p.code for p in problems] == ["config-unreadable"]


def test_base_url_must_be_absolute_with_trailing_slash(tmp_path: Path) -> None:
    _, problems = load_catalog(
        write_catalog(tmp_path, portal={**PORTAL, "base_url": "credit.example.gov.cn"})
    )
    assert [(p.code, p.field) for p in problems] == [("config-invalid-value", "base_url")]


def test_dataset_folder_name_cannot_escape_the_output(tmp_path: Path) -> None:
    write_catalog(tmp_path)
    shutil.copytree(tmp_path / "datasets/penalties", tmp_path / "datasets/..evil")
    _, problems = load_catalog(tmp_path)
    assert [p.code for p in problems] == ["config-bad-dataset-id"]


DEVICE_NAMES = [
    "con",
    "aux",
    "nul",
    "prn",
    "com1",
    "com9",
    "lpt1",
    "lpt9",
    "CON",
    "Nul",
    "con.csv",
    "Com1.old",
    "aux ",
]


@pytest.mark.parametrize("name", DEVICE_NAMES)
def test_a_windows_device_name_is_not_a_dataset_id(tmp_path: Path, name: str) -> None:
    write_catalog(tmp_path)
    shutil.copytree(tmp_path / "datasets/penalties", tmp_path / "datasets" / name)
    catalog, problems = load_catalog(tmp_path)
    assert catalog is None
    [p] = problems
    assert (p.code, p.level, p.value) == ("config-reserved-dataset-id", Level.CONFIG, name)
    assert (
        p.file == f"datasets/{name}/dataset.yaml"
        and name in p.message
        and "Windows 保留的设备名" in p.message
    )


@pytest.mark.parametrize(
    "name", ["console", "com10", "com", "lpt", "nul-list", "aux1", "prn-2024", "con-licences"]
)
def test_a_dataset_id_that_only_begins_like_a_device_name_is_fine(tmp_path: Path, name: str) -> None:
    write_catalog(tmp_path)
    shutil.copytree(tmp_path / "datasets/penalties", tmp_path / "datasets" / name)
    catalog, problems = load_catalog(tmp_path)
    assert problems == [] and catalog is not None
    assert catalog.dataset(name).schema.primary_key == ("CF_WSH", "CF_CFJGDM")


@pytest.mark.parametrize("name", ["con", "nul", "com1", "lpt9", "penalties\n", "-x", "Penalties", "a.b"])
def test_the_dataset_id_pattern_refuses_device_names_and_unsafe_names_for_every_user(name: str) -> None:
    assert DATASET_ID.match(name) is None


def test_other_act_without_schema_is_a_config_error(tmp_path: Path) -> None:
    _, problems = load_catalog(write_catalog(tmp_path, dataset={**DATASET, "kind": "other-act"}))
    assert [(p.code, p.field) for p in problems] == [("config-missing-key", "schema")]


def test_other_act_schema_must_stay_in_its_folder(tmp_path: Path) -> None:
    dataset = {**DATASET, "kind": "other-act", "schema": "../../portal.yaml"}
    _, problems = load_catalog(write_catalog(tmp_path, dataset=dataset))
    assert [(p.code, p.field) for p in problems] == [("config-invalid-value", "schema")]


def test_list_dataset_needs_a_list_type(tmp_path: Path) -> None:
    dataset = {**DATASET, "kind": "list"}
    _, problems = load_catalog(write_catalog(tmp_path, dataset=dataset))
    assert [(p.code, p.field) for p in problems] == [("config-missing-key", "list_type")]


@pytest.mark.parametrize("model", [Portal, DatasetConfig])
def test_every_config_key_is_documented(model: type[Portal] | type[DatasetConfig]) -> None:
    undocumented = [name for name, f in model.model_fields.items() if not f.description]
    assert undocumented == []
