"""Rules of the #15 credit kinds on the credit_kinds fixture catalog (real files, load → validate → rules):
only the current grade, expiry, unverified registrations, fulfilment periods and their last day, withdrawals,
the commitment figures, and every input row accounted for exactly once."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import yaml

from generator.model import FULFILMENT_COLUMNS, RECORD_ID, Table
from generator.rules.credit import subject_keys
from tests.credit_fixture import (
    AS_OF,
    FIXTURE,
    append_rows,
    copy_fixture,
    read_rows,
    record_ids,
    ruled,
    write_rows,
)


def reasons(result: pd.DataFrame, dataset: str, ids: dict[str, str]) -> dict[str, str]:
    """Document number → ledger reason of the dataset's withheld rows."""
    by_id = {v: k for k, v in ids.items()}
    rows = result[result["dataset"] == dataset]
    return {by_id[i]: r for i, r in zip(rows[RECORD_ID], rows["reason"], strict=True)}


def public_documents(result_tables: dict[str, Table], dataset: str, ids: dict[str, str]) -> set[str]:
    by_id = {v: k for k, v in ids.items()}
    return {by_id[i] for i in result_tables[dataset].frame[RECORD_ID]}


def set_yaml(path: Path, **changes: object) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    for key, value in changes.items():
        section, _, name = key.partition("__")
        if name:
            data[section][name] = value
        else:
            data[section] = value
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")


def test_only_the_current_unexpired_grade_of_each_subject_is_public() -> None:
    inputs, result = ruled()
    ids = record_ids(inputs, "evaluations")
    assert public_documents(result.tables, "evaluations", ids) == {
        "LJPJ-2026-0001",
        "LJJTPJ-2026-0003",
        "LJPJ-2026-0004",
    }
    assert reasons(result.ledger, "evaluations", ids) == {
        "LJPJ-2025-0001": "grade-superseded",
        "LJPJ-2024-0002": "evaluation-expired",
    }


def test_an_older_grade_becomes_current_when_the_newer_one_is_revoked(tmp_path: Path) -> None:
    catalog = copy_fixture(tmp_path)
    append_rows(
        catalog / "decisions" / "revocations.csv",
        [{"数据集": "evaluations", "记录文号": "LJPJ-2026-0001", "机关统一社会信用代码": "12610300MB0XY001KQ",
          "撤销原因": "评价结果有误，予以撤销", "撤销日期": "2026-10-01"}],
    )  # fmt: skip
    inputs, result = ruled(catalog)
    ids = record_ids(inputs, "evaluations")
    assert "LJPJ-2025-0001" in public_documents(result.tables, "evaluations", ids)
    assert reasons(result.ledger, "evaluations", ids)["LJPJ-2026-0001"] == "revoked"


def test_grades_of_the_same_day_keep_the_larger_record_id(tmp_path: Path) -> None:
    catalog = copy_fixture(tmp_path)
    batch = catalog / "datasets" / "evaluations" / "2026.csv"
    first = read_rows(batch)[0]
    append_rows(batch, [first | {"评价编号": "LJPJ-2026-0099", "评价结果": "B"}])
    inputs, result = ruled(catalog)
    ids = record_ids(inputs, "evaluations")
    same_day = {"LJPJ-2026-0001", "LJPJ-2026-0099"}
    winner = max(same_day, key=lambda doc: ids[doc])
    public = public_documents(result.tables, "evaluations", ids)
    assert winner in public and (same_day - {winner}).isdisjoint(public)


def test_an_expired_grade_is_public_on_its_last_valid_day_and_gone_the_next() -> None:
    inputs, on_last_day = ruled(as_of=date(2025, 1, 9))
    ids = record_ids(inputs, "evaluations")
    assert "LJPJ-2024-0002" in public_documents(on_last_day.tables, "evaluations", ids)
    _, next_day = ruled(as_of=date(2025, 1, 10))
    assert reasons(next_day.ledger, "evaluations", ids)["LJPJ-2024-0002"] == "evaluation-expired"


def test_subjects_are_told_apart_by_credit_code_then_id_number_then_name() -> None:
    inputs, _ = ruled()
    assert inputs.valid is not None
    table = inputs.valid.tables["evaluations"]
    keys = subject_keys(table.frame, table.spec.schema).tolist()
    assert keys[0] == keys[1] == "C:91610300MA6HX00017"
    assert keys[4].startswith("P:身份证")


def test_unverified_registrations_are_shown_unless_the_dataset_withholds_them(tmp_path: Path) -> None:
    inputs, shown = ruled()
    ids = record_ids(inputs, "registrations")
    assert public_documents(shown.tables, "registrations", ids) == {
        "LJZC-2026-0001",
        "LJZC-2026-0002",
        "LJZC-2026-0004",
    }
    assert reasons(shown.ledger, "registrations", ids) == {"LJZC-2023-0003": "registration-expired"}
    catalog = copy_fixture(tmp_path)
    set_yaml(catalog / "datasets" / "registrations" / "dataset.yaml", unverified="withhold")
    _, withheld = ruled(catalog)
    assert reasons(withheld.ledger, "registrations", ids)["LJZC-2026-0002"] == "unverified-withheld"
    assert "LJZC-2026-0002" not in public_documents(withheld.tables, "registrations", ids)


def test_fulfilment_holds_pending_counted_expired_repaired_and_revoked_rows() -> None:
    inputs, result = ruled()
    ids = record_ids(inputs, "fulfilment")
    assert public_documents(result.tables, "fulfilment", ids) == {"LJCN-ZJ-2026-0001", "LJCN-SC-2026-0006"}
    assert reasons(result.ledger, "fulfilment", ids) == {
        "LJCN-SC-2026-0002": "kept-counted",
        "LJCN-JT-2026-0003": "fulfilment-pending",
        "LJCN-SC-2025-0004": "repaired",
        "LJCN-JT-2025-0005": "expired",
        "LJCN-SC-2025-0007": "repaired",
        "LJCN-SC-2026-0008": "revoked",
    }


def test_a_broken_commitment_is_public_through_its_last_day_and_gone_the_next() -> None:
    inputs, last_day = ruled(as_of=date(2027, 6, 10))  # 核查日期 2026-06-10 + 12 months
    ids = record_ids(inputs, "fulfilment")
    assert "LJCN-ZJ-2026-0001" in public_documents(last_day.tables, "fulfilment", ids)
    assert last_day.public_until[ids["LJCN-ZJ-2026-0001"]] == "2027-06-11"
    _, gone = ruled(as_of=date(2027, 6, 11))
    assert reasons(gone.ledger, "fulfilment", ids)["LJCN-ZJ-2026-0001"] == "expired"


def test_kept_commitments_are_public_for_kept_months_when_the_rules_say_public(tmp_path: Path) -> None:
    catalog = copy_fixture(tmp_path)
    set_yaml(catalog / "rules" / "publication.yaml", fulfilment__kept="public", fulfilment__kept_months=6)
    inputs, last_day = ruled(catalog, as_of=date(2026, 10, 20))  # 核查日期 2026-04-20 + 6 months
    ids = record_ids(inputs, "fulfilment")
    assert "LJCN-SC-2026-0002" in public_documents(last_day.tables, "fulfilment", ids)
    assert last_day.public_until[ids["LJCN-SC-2026-0002"]] == "2026-10-21"
    _, gone = ruled(catalog, as_of=date(2026, 10, 21))
    assert reasons(gone.ledger, "fulfilment", ids)["LJCN-SC-2026-0002"] == "expired"


def test_a_check_after_the_as_of_date_is_not_yet_effective_and_not_counted() -> None:
    inputs, result = ruled(as_of=date(2026, 6, 1))  # before the 2026-06-10 check of LJCN-ZJ-2026-0001
    ids = record_ids(inputs, "fulfilment")
    assert reasons(result.ledger, "fulfilment", ids)["LJCN-ZJ-2026-0001"] == "not-yet-effective"
    figures = result.fulfilment
    assert figures[figures["item"] == "LJXK-ZJ-001"].empty


def test_commitment_figures_count_public_expired_pending_and_kept_rows_but_no_withdrawn_one() -> None:
    _, result = ruled()
    figures = result.fulfilment
    assert tuple(figures.columns) == FULFILMENT_COLUMNS
    rows = {(r.item, r.year): (r.made, r.checked, r.kept, r.broken) for r in figures.itertuples(index=False)}
    assert rows == {
        ("LJXK-JT-001", 2025): (1, 1, 0, 1),  # expired 失诺
        ("LJXK-JT-001", 2026): (1, 0, 0, 0),  # 核查中
        ("LJXK-SC-001", 2026): (2, 2, 1, 1),  # kept-counted 践诺 + public 失诺; the revoked one not counted
        ("LJXK-ZJ-001", 2026): (1, 1, 0, 1),  # public 失诺
    }  # the two repaired 失诺 (LJXK-SC-001, 2025) are not counted at all
    assert set(figures["dataset"]) == {"fulfilment"}
    assert all(str(figures[c].dtype) == "int64" for c in FULFILMENT_COLUMNS[2:])
    assert list(figures.sort_values(["dataset", "item", "year"]).index) == list(figures.index)


def test_a_catalog_without_fulfilment_data_has_empty_figures_with_the_columns(tmp_path: Path) -> None:
    catalog = copy_fixture(tmp_path)
    batch = catalog / "datasets" / "fulfilment" / "2026.csv"
    batch.write_text(batch.read_text(encoding="utf-8").splitlines()[0] + "\n", encoding="utf-8")
    _, result = ruled(catalog)
    assert result.fulfilment.empty and tuple(result.fulfilment.columns) == FULFILMENT_COLUMNS


def test_a_repair_of_a_broken_commitment_within_the_minimum_period_is_honoured_with_a_warning(
    tmp_path: Path,
) -> None:
    catalog = copy_fixture(tmp_path)
    repairs = catalog / "decisions" / "repairs.csv"
    rows = read_rows(repairs)
    rows[1]["修复日期"] = "2025-09-15"  # 核查日期 2025-06-15 + 3 months: the minimum period's last day
    write_rows(repairs, rows)
    inputs, result = ruled(catalog)
    ids = record_ids(inputs, "fulfilment")
    assert reasons(result.ledger, "fulfilment", ids)["LJCN-SC-2025-0007"] == "repaired"
    early = [p for p in result.problems if p.code == "rules-repair-before-minimum"]
    assert [(p.dataset, p.value) for p in early] == [("fulfilment", "2025-09-15")]
    rows[1]["修复日期"] = "2025-09-16"
    write_rows(repairs, rows)
    _, later = ruled(catalog)
    assert not [p for p in later.problems if p.code == "rules-repair-before-minimum"]


def test_natural_persons_id_numbers_are_masked_in_every_credit_kind() -> None:
    _, result = ruled()
    for dataset in ("evaluations", "registrations", "fulfilment"):
        table = result.tables[dataset]
        column = table.spec.schema.role("id_number")
        assert column is not None
        numbers = [v for v in table.frame[column] if v]
        assert numbers and all("*" in v for v in numbers), dataset
        assert "610323198003151236" not in set(table.frame[column])


def test_every_input_row_is_public_or_in_the_ledger_exactly_once() -> None:
    inputs, result = ruled()
    assert inputs.valid is not None
    for dataset, table in inputs.valid.tables.items():
        public = set(result.tables[dataset].frame[RECORD_ID])
        withheld = result.ledger.loc[result.ledger["dataset"] == dataset, RECORD_ID].tolist()
        assert len(withheld) == len(set(withheld)) and public.isdisjoint(withheld)
        assert len(public) + len(withheld) == len(table.frame), dataset


def test_the_fixture_catalog_is_clean() -> None:
    inputs, result = ruled()
    assert not [p for p in inputs.problems + result.problems if p.level != "info"]
    assert FIXTURE.is_dir() and date(2026, 11, 20) == AS_OF


def test_site_dates_of_fulfilment_rows_are_the_rules_own() -> None:
    from generator.site.periods import LAST_DAY, REPAIR_FROM, with_periods
    from generator.site.view import dataset_views

    inputs, result = ruled()
    assert inputs.rules is not None
    views, _ = dataset_views(result.tables)
    annotated = {v.id: v for v in with_periods(views, result.tables, inputs.rules.publication)}
    ids = record_ids(inputs, "fulfilment")
    frame = annotated["fulfilment"].frame.set_index(RECORD_ID)
    broken = frame.loc[ids["LJCN-ZJ-2026-0001"]]  # 核查日期 2026-06-10: 12 months public, repair after 3
    assert (broken[LAST_DAY], broken[REPAIR_FROM]) == ("2027-06-10", "2026-09-11")
    assert result.public_until[ids["LJCN-ZJ-2026-0001"]] == "2027-06-11"  # the day after LAST_DAY
    evaluations = annotated["evaluations"].frame.set_index(RECORD_ID)
    grade = evaluations.loc[record_ids(inputs, "evaluations")["LJPJ-2026-0001"]]
    assert (grade[LAST_DAY], grade[REPAIR_FROM]) == ("2027-03-14", "")
