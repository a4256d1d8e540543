"""The demo catalog's commitment column: realistic templates, a superseded pair, and a consistent item list."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

from generator.commitments import Commitment
from generator.inputs import read_inputs
from generator.problems import Level
from tests.conftest import DEMO_CATALOG

ITEMS = DEMO_CATALOG / "datasets" / "commitment-items"


def item_rows() -> list[dict[str, str]]:
    rows: list[dict[str, str]] = []
    for path in sorted(ITEMS.glob("*.csv")):
        with open(path, encoding="utf-8-sig", newline="") as f:
            rows += list(csv.DictReader(f))
    return rows


def test_demo_ships_the_required_kinds_of_template(demo_commitments: list[Commitment]) -> None:
    current = [c for c in demo_commitments if not c.superseded]
    assert len(current) >= 6
    departments = {c.meta.department for c in current}
    for department in ("市场监督管理局", "住房和城乡建设局", "交通运输局", "税务局", "发展和改革委员会"):
        assert any(department in d for d in departments), department
    assert {c.meta.category for c in current} >= {"general", "licensing", "repair"}
    assert "credit-repair" in {c.id for c in current}
    assert all(c.meta.department.startswith(("临江市", "国家税务总局临江市")) for c in demo_commitments)


def test_demo_has_a_superseded_pair_whose_new_version_is_later(demo_commitments: list[Commitment]) -> None:
    by_id = {c.id: c for c in demo_commitments}
    pairs = [(c, by_id[c.meta.superseded_by]) for c in demo_commitments if c.meta.superseded_by]
    assert pairs
    for old, new in pairs:
        assert not new.superseded and new.meta.effective > old.meta.effective


def test_every_listed_item_names_a_current_template(demo_commitments: list[Commitment]) -> None:
    current = {c.id for c in demo_commitments if not c.superseded}
    rows = item_rows()
    assert 20 <= len(rows) <= 40
    assert {row["承诺书模板"] for row in rows} <= current
    assert len({row["事项编码"] for row in rows}) == len(rows)


def test_every_item_a_current_template_covers_is_in_the_list_with_that_template(
    demo_commitments: list[Commitment],
) -> None:
    listed = {row["事项编码"]: row for row in item_rows()}
    for c in demo_commitments:
        for item in c.meta.items:
            row = listed[item.code]
            assert row["事项名称"] == item.name, item.code
            if not c.superseded:
                assert row["承诺书模板"] == c.id, item.code


def test_item_list_passes_the_real_load_and_validate_stages(tmp_path: Path) -> None:
    catalog = tmp_path / "catalog"
    shutil.copytree(ITEMS, catalog / "datasets" / "commitment-items")
    (catalog / "portal.yaml").write_text(
        "name: 信用临江\nregion: 临江市\npublisher: 临江市发展和改革委员会\n"
        "base_url: https://credit.linjiang.example/\n"
        "licence: {id: CC-BY-4.0, title: 知识共享署名 4.0 国际}\ncontacts: {office: 临江市信用办}\n",
        encoding="utf-8",
    )
    inputs = read_inputs(catalog)
    assert [p.message for p in inputs.problems if p.level in (Level.CONFIG, Level.ERROR)] == []
    assert inputs.valid is not None
    [table] = list(inputs.valid.tables.values())
    assert len(table.frame) == len(item_rows())
