"""Validation of the #15 credit kinds on copies of the credit_kinds fixture catalog: bad rows are rejected with
file, row, field and a Chinese message while the other rows of the batch are kept; the catalog-level
configuration of the three kinds is checked; and frictionless flags the same rows as gongshi."""

from __future__ import annotations

import shutil
from pathlib import Path

import yaml

from generator.catalog import load_catalog
from generator.inputs import Inputs, read_inputs
from generator.model import REJECTED
from generator.problems import Level, Problem
from tests.credit_fixture import FIXTURE, append_rows, copy_fixture, read_rows
from tests.test_validate_frictionless import differences

EVALUATIONS = "datasets/evaluations/2026.csv"
REGISTRATIONS = "datasets/registrations/2026.csv"
FULFILMENT = "datasets/fulfilment/2026.csv"


def with_rows(tmp_path: Path, batch: str, changes: list[dict[str, str]]) -> tuple[Path, int]:
    """A copy of the fixture whose ``batch`` gets, per change, a copy of its first row changed so; returns the
    catalog and the spreadsheet row of the first added row."""
    catalog = copy_fixture(tmp_path)
    rows = read_rows(catalog / batch)
    append_rows(catalog / batch, [rows[0] | change for change in changes])
    return catalog, len(rows) + 2


def inputs_of(catalog: Path) -> Inputs:
    inputs = read_inputs(catalog, cache=False)
    assert inputs.ok and inputs.valid is not None, [p.message for p in inputs.problems]
    return inputs


def rejected(inputs: Inputs, batch: str) -> list[tuple[int, str, str, str]]:
    """(row, reason, field, value) of the batch's rejected rows."""
    assert inputs.valid is not None
    ledger = inputs.valid.ledger
    mine = ledger[(ledger["fate"] == REJECTED) & (ledger["_file"] == batch)]
    return list(zip(mine["_row"], mine["reason"], mine["field"], mine["value"], strict=True))


def problems_at(inputs: Inputs, batch: str, row: int) -> list[Problem]:
    return [p for p in inputs.problems if p.file == batch and p.row == row]


def kept_rows(inputs: Inputs, dataset: str) -> int:
    assert inputs.valid is not None
    return len(inputs.valid.tables[dataset].frame)


def test_a_grade_outside_the_declared_scale_is_rejected_naming_the_allowed_grades(tmp_path: Path) -> None:
    catalog, row = with_rows(tmp_path, EVALUATIONS, [{"评价编号": "LJPJ-2026-0100", "评价结果": "AAA"}])
    inputs = inputs_of(catalog)
    assert rejected(inputs, EVALUATIONS) == [(row, "validate-enum", "PJ_PJDJ", "AAA")]
    [found] = problems_at(inputs, EVALUATIONS, row)
    assert found.level == Level.ERROR and found.field == "PJ_PJDJ" and found.value == "AAA"
    assert EVALUATIONS in found.message and f"第 {row} 行" in found.message
    assert "评价结果" in found.message and "A、B、C、D" in found.message
    assert kept_rows(inputs, "evaluations") == 5


def test_a_commitment_for_an_item_not_in_the_item_list_is_rejected(tmp_path: Path) -> None:
    catalog, row = with_rows(
        tmp_path, FULFILMENT, [{"承诺编号": "LJCN-XX-2026-0100", "承诺事项编码": "LJXK-XX-999"}]
    )
    inputs = inputs_of(catalog)
    assert rejected(inputs, FULFILMENT) == [
        (row, "validate-unknown-commitment-item", "LY_SXBM", "LJXK-XX-999")
    ]
    [found] = problems_at(inputs, FULFILMENT, row)
    assert found.level == Level.ERROR and found.dataset == "fulfilment"
    assert "承诺事项编码 LJXK-XX-999 不在告知承诺事项清单中" in found.message
    assert f"{FULFILMENT} 第 {row} 行" in found.message and "commitment-items" in found.message
    assert kept_rows(inputs, "fulfilment") == 8
    assert inputs.rejected is not None
    assert len(inputs.rejected[inputs.rejected["dataset"] == "fulfilment"]) == 1  # counts against 合规率


def test_a_registration_without_verification_status_is_rejected(tmp_path: Path) -> None:
    catalog, row = with_rows(tmp_path, REGISTRATIONS, [{"注册编号": "LJZC-2026-0100", "核验状态": ""}])
    inputs = inputs_of(catalog)
    assert rejected(inputs, REGISTRATIONS) == [(row, "validate-required", "ZC_HYZT", "")]
    [found] = problems_at(inputs, REGISTRATIONS, row)
    assert "核验状态" in found.message and REGISTRATIONS in found.message
    assert kept_rows(inputs, "registrations") == 4


def test_a_broken_commitment_without_measures_is_rejected(tmp_path: Path) -> None:
    catalog, row = with_rows(tmp_path, FULFILMENT, [{"承诺编号": "LJCN-ZJ-2026-0100", "处理措施": ""}])
    inputs = inputs_of(catalog)
    assert rejected(inputs, FULFILMENT) == [(row, "validate-required-when", "LY_CLCS", "")]
    [found] = problems_at(inputs, FULFILMENT, row)
    assert "处理措施" in found.message and f"第 {row} 行" in found.message
    assert kept_rows(inputs, "fulfilment") == 8


def test_verified_registrations_need_their_office_and_date(tmp_path: Path) -> None:
    catalog, row = with_rows(
        tmp_path, REGISTRATIONS, [{"注册编号": "LJZC-2026-0101", "核验机关": "", "核验日期": ""}]
    )
    inputs = inputs_of(catalog)
    assert rejected(inputs, REGISTRATIONS) == [(row, "validate-required-when", "ZC_HYJG", "")]
    assert {p.field for p in problems_at(inputs, REGISTRATIONS, row)} == {"ZC_HYJG", "ZC_HYRQ"}


def test_frictionless_flags_the_same_rows_of_the_credit_kinds(tmp_path: Path) -> None:
    catalog, _ = with_rows(tmp_path, EVALUATIONS, [{"评价编号": "LJPJ-2026-0100", "评价结果": "E"}])
    append_rows(
        catalog / FULFILMENT, [read_rows(catalog / FULFILMENT)[0] | {"承诺编号": "X1", "处理措施": ""}]
    )
    append_rows(
        catalog / REGISTRATIONS,
        [read_rows(catalog / REGISTRATIONS)[0] | {"注册编号": "X2", "核验状态": "待定"}],
    )
    loaded, problems = load_catalog(catalog)
    assert loaded is not None, problems
    assert differences(loaded, tmp_path / "canonical") == []


def config_problems(catalog: Path) -> list[Problem]:
    inputs = read_inputs(catalog, cache=False)
    return [p for p in inputs.problems if p.level == Level.CONFIG]


def edit_yaml(path: Path, **changes: object) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    for key, value in changes.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")


def test_an_evaluation_dataset_without_grades_is_a_config_problem(tmp_path: Path) -> None:
    catalog = copy_fixture(tmp_path)
    edit_yaml(catalog / "datasets" / "evaluations" / "dataset.yaml", grades=None)
    [found] = config_problems(catalog)
    assert (found.file, found.field) == ("datasets/evaluations/dataset.yaml", "grades")


def test_repeated_grade_codes_are_a_config_problem(tmp_path: Path) -> None:
    catalog = copy_fixture(tmp_path)
    grade = {"code": "A", "title": "A", "meaning": "好"}
    edit_yaml(catalog / "datasets" / "evaluations" / "dataset.yaml", grades=[grade, grade])
    [found] = config_problems(catalog)
    assert found.field == "grades" and found.value == "A"


def test_grades_or_unverified_on_another_kind_are_config_problems(tmp_path: Path) -> None:
    catalog = copy_fixture(tmp_path)
    edit_yaml(
        catalog / "datasets" / "penalties" / "dataset.yaml",
        grades=[{"code": "A", "title": "A", "meaning": "好"}],
    )
    edit_yaml(catalog / "datasets" / "fulfilment" / "dataset.yaml", unverified="withhold")
    found = sorted((p.file, p.field) for p in config_problems(catalog))
    assert found == [
        ("datasets/fulfilment/dataset.yaml", "unverified"),
        ("datasets/penalties/dataset.yaml", "grades"),
    ]


def test_a_fulfilment_dataset_needs_a_commitment_items_dataset(tmp_path: Path) -> None:
    catalog = copy_fixture(tmp_path)
    shutil.rmtree(catalog / "datasets" / "commitment-items")
    [found] = config_problems(catalog)
    assert (
        found.code == "config-missing-commitment-items" and found.file == "datasets/fulfilment/dataset.yaml"
    )


def test_publication_rules_must_have_a_section_for_each_credit_kind_in_the_catalog(tmp_path: Path) -> None:
    catalog = copy_fixture(tmp_path)
    edit_yaml(catalog / "rules" / "publication.yaml", evaluations=None, fulfilment=None)
    found = sorted((p.code, p.file, p.field) for p in config_problems(catalog))
    assert found == [
        ("config-missing-key", "rules/publication.yaml", "evaluations"),
        ("config-missing-key", "rules/publication.yaml", "fulfilment"),
    ]


def test_broken_minimum_above_maximum_is_a_config_problem(tmp_path: Path) -> None:
    catalog = copy_fixture(tmp_path)
    path = catalog / "rules" / "publication.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["fulfilment"]["broken_min_months"] = 24
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    found = [p for p in read_inputs(catalog, cache=False).problems if p.code == "rules-min-above-max"]
    assert [p.field for p in found] == ["fulfilment.broken_min_months"]


def test_the_fixture_itself_has_no_problems() -> None:
    assert [p.message for p in read_inputs(FIXTURE, cache=False).problems] == []
