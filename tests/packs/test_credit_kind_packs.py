"""The data packs of the #15 credit kinds (evaluation, registration, fulfilment) from a real build of the
credit_kinds fixture: frictionless validates every package (latest and release), each is valid Data Package v2,
the grade field declares the catalog's scale, and withheld rows are not in the packs."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from tests.credit_fixture import FIXTURE, build_fixture
from tests.packs.frictionless_check import frictionless_errors
from tests.packs.test_datapackage_v2 import profile_errors, read

KINDS = ("evaluations", "registrations", "fulfilment")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_fixture(FIXTURE, tmp_path_factory.mktemp("credit-packs") / "published") / "site"


@pytest.mark.parametrize("dataset", KINDS)
def test_frictionless_validates_the_latest_and_released_packs_of_each_credit_kind(
    site: Path, dataset: str
) -> None:
    packages = [site / "data" / "latest" / dataset / "datapackage.json"]
    packages += sorted(site.glob(f"data/releases/*/{dataset}/datapackage.json"))
    assert len(packages) >= 2
    for package in packages:
        assert frictionless_errors(package) == [], package
        assert profile_errors(read(package)) == [], package


def test_the_release_package_with_its_delta_of_all_kinds_is_valid(site: Path) -> None:
    [package] = sorted(site.glob("data/releases/*/datapackage.json"))
    assert frictionless_errors(package) == [] and profile_errors(read(package)) == []
    delta = (package.parent / "delta.jsonl").read_text(encoding="utf-8")
    assert all(d in delta for d in KINDS)


def test_the_grade_field_of_the_evaluation_pack_declares_the_catalog_scale(site: Path) -> None:
    descriptor = read(site / "data" / "latest" / "evaluations" / "datapackage.json")
    fields = descriptor["resources"][0]["schema"]["fields"]
    [grade] = [f for f in fields if f.get("gongshi:code") == "PJ_PJDJ"]
    assert grade["constraints"]["enum"] == ["A", "B", "C", "D"]


def test_the_packs_hold_only_public_rows(site: Path) -> None:
    def column(dataset: str, title: str) -> list[str]:
        with (site / "data" / "latest" / dataset / f"{dataset}.csv").open(encoding="utf-8-sig") as handle:
            return [row[title] for row in csv.DictReader(handle)]

    assert sorted(column("evaluations", "评价编号")) == [
        "LJJTPJ-2026-0003",
        "LJPJ-2026-0001",
        "LJPJ-2026-0004",
    ]
    assert sorted(column("fulfilment", "承诺编号")) == ["LJCN-SC-2026-0006", "LJCN-ZJ-2026-0001"]
    assert "610323198003151234" not in column("fulfilment", "证件号码")
