"""Leak scan for the #15 credit kinds: a built credit_kinds catalog (registrations set to withhold unverified
items) writes nothing of a repaired, revoked, expired or counted-only commitment, of an expired or superseded
grade, or of a withheld unverified registration, and no natural person's ID number of any of the three kinds,
anywhere under published/site (pages, search index, data files of every format, feeds, releases, deltas)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
import yaml

from generator.model import RECORD_ID
from tests.credit_fixture import build_fixture, copy_fixture, record_ids, ruled
from tests.leakscan import find_needles, find_unmasked_ids, find_unmasked_numbers
from tests.test_leaks import id_numbers_and_lookalikes, withdrawn_needles

WITHHELD = {
    "evaluations": {"LJPJ-2025-0001": "grade-superseded", "LJPJ-2024-0002": "evaluation-expired"},
    "registrations": {"LJZC-2026-0002": "unverified-withheld", "LJZC-2023-0003": "registration-expired"},
    "fulfilment": {
        "LJCN-SC-2025-0004": "repaired", "LJCN-SC-2025-0007": "repaired", "LJCN-SC-2026-0008": "revoked",
        "LJCN-JT-2025-0005": "expired", "LJCN-SC-2026-0002": "kept-counted", "LJCN-JT-2026-0003": "fulfilment-pending",
    },
}  # fmt: skip
PERSONS = {"evaluations": "PJ_ZJHM", "registrations": "ZC_ZJHM", "fulfilment": "LY_ZJHM"}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    catalog = copy_fixture(tmp_path_factory.mktemp("credit-leaks"))
    path = catalog / "datasets" / "registrations" / "dataset.yaml"
    path.write_text(
        yaml.safe_dump(yaml.safe_load(path.read_text(encoding="utf-8")) | {"unverified": "withhold"},
                       allow_unicode=True),
        encoding="utf-8",
    )  # fmt: skip
    return catalog, build_fixture(catalog, catalog.parent / "published")


def test_the_scan_covers_each_withheld_case_of_the_three_kinds(built: tuple[Path, Path]) -> None:
    catalog, out = built
    inputs, _ = ruled(catalog)
    ledger = pd.read_parquet(out / "report" / "ledger.parquet")
    for dataset, expected in WITHHELD.items():
        ids = record_ids(inputs, dataset)
        mine = ledger[(ledger["dataset"] == dataset) & (ledger["fate"] == "withheld")]
        got = dict(zip(mine[RECORD_ID], mine["reason"], strict=True))
        assert {doc: got.get(ids[doc]) for doc in expected} == expected


def test_withheld_credit_records_appear_nowhere_under_site(built: tuple[Path, Path]) -> None:
    catalog, out = built
    needles, _ = withdrawn_needles(catalog, out)
    documents = {doc for docs in WITHHELD.values() for doc in docs}
    assert documents <= set(needles), documents - set(needles)
    needles["年产商品混凝土50万立方米（自报）"] = "registrations.ZC_XXNR (unverified, withheld)"
    assert find_needles(out / "site", needles) == []


def test_no_natural_persons_id_number_of_any_credit_kind_appears_under_site(built: tuple[Path, Path]) -> None:
    catalog, out = built
    ids, lookalikes = id_numbers_and_lookalikes(catalog)
    inputs, _ = ruled(catalog)
    assert inputs.valid is not None
    for (
        dataset,
        column,
    ) in PERSONS.items():  # a natural person's number in each kind, so the scan proves something
        assert "610323198003151236" in set(inputs.valid.tables[dataset].frame[column]), dataset
    assert "610323198003151236" in ids and "610326197506202343" in ids
    assert find_needles(out / "site", ids) == []
    assert find_unmasked_numbers(out / "site", lookalikes) == []
    assert find_unmasked_ids(out / "site") == []
