"""``gongshi sample`` writes the credit-supervision datasets (信用评价结果, 自愿注册信息, 信用承诺履约信息) realistically.

The files are checked through the project's own loader, validate stage and rules stage (as of the portal's
2026-12-04), never through the generator's bookkeeping beyond what its summary promises.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from generator import paths
from generator.catalog import load_catalog
from generator.inputs import read_inputs
from generator.model import FILE, ROW
from generator.rules import apply_rules
from generator.sample import SampleSummary, write_sample
from generator.sample.credit_defs import ITEMS
from tests.conftest import DEMO_CATALOG
from tests.test_sample import read_csv, records

CREDIT = ("evaluations", "registrations", "fulfilment")
AS_OF = date(2026, 12, 4)
N = 3000


@dataclass
class Built:
    """A sample catalog, what the generator says it wrote, and what the validate and rules stages made of it."""

    root: Path
    summary: SampleSummary | None
    rows: dict[str, list[dict[str, str]]]
    ledger: pd.DataFrame  # dataset, _file, _row, fate, reason of every row
    public: dict[str, pd.DataFrame]


def through_the_stages(root: Path, summary: SampleSummary | None) -> Built:
    inputs = read_inputs(root, cache=False)
    assert inputs.ok and inputs.valid is not None and inputs.rules is not None, inputs.problems[:3]
    ruled = apply_rules(inputs.valid, inputs.rules, AS_OF, pd.Series(dtype="str"), inputs.rejected)
    ledger = pd.concat([inputs.raw.ledger if inputs.raw else None, inputs.valid.ledger, ruled.ledger])
    public = {k: t.frame for k, t in ruled.tables.items()}
    return Built(root, summary, records(root), ledger, public)


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Built:
    root = tmp_path_factory.mktemp("credit") / "catalog"
    summary = write_sample(root, N, seed=5)
    return through_the_stages(root, summary)


@pytest.fixture(scope="module")
def demo() -> Built:
    return through_the_stages(DEMO_CATALOG, None)


def reasons(built: Built, dataset: str) -> Counter[str]:
    rows = built.ledger[built.ledger["dataset"] == dataset]
    return Counter(f"{f}:{r}" for f, r in zip(rows["fate"], rows["reason"], strict=True))


def test_the_credit_datasets_come_on_top_of_the_requested_records_a_few_percent_of_them(
    sample: Built,
) -> None:
    assert sample.summary is not None
    assert sample.summary.records == N == sum(sample.summary.rows.values())
    assert sample.summary.credit_rows == {"evaluations": 60, "registrations": 60, "fulfilment": 75}
    assert {k: len(sample.rows[k]) for k in CREDIT} == sample.summary.credit_rows
    catalog, problems = load_catalog(sample.root)
    assert problems == [] and catalog is not None
    kinds = {d.id: d.config.kind for d in catalog.datasets}
    assert [kinds[k] for k in CREDIT] == ["evaluation", "registration", "fulfilment"]
    assert kinds["commitment-items"] == "commitment-items"  # written because the folder had none


def test_exactly_the_deliberately_bad_rows_are_rejected_each_credit_kind_with_its_own_mistake(
    sample: Built,
) -> None:
    assert sample.summary is not None
    bad = {(b.file, b.row): b.kind for b in sample.summary.bad_rows if b.dataset in CREDIT}
    rejected = sample.ledger[(sample.ledger["fate"] == "rejected") & sample.ledger["dataset"].isin(CREDIT)]
    assert set(zip(rejected[FILE], rejected[ROW].astype(int), strict=True)) == set(bad)
    by_dataset = {(d, k) for (f, _), k in bad.items() for d in CREDIT if f"/{d}/" in f}
    assert {("evaluations", "bad-grade"), ("registrations", "no-verification"), ("fulfilment", "unknown-item"),
            ("fulfilment", "broken-no-measure")} <= by_dataset  # fmt: skip
    spots = {(r["_file"], int(r["_row"])): r for d in CREDIT for r in sample.rows[d]}
    for spot, kind in bad.items():
        row = spots[spot]
        if kind == "bad-grade":
            assert row["PJ_PJDJ"] not in {"A", "B", "C", "D"}
        elif kind == "unknown-item":
            assert row["LY_SXBM"] not in {i.code for i in ITEMS}
        elif kind == "no-verification":
            assert row["ZC_HYZT"] == ""
        elif kind == "broken-no-measure":
            assert row["LY_HCJG"] == "失诺" and row["LY_CLCS"] == ""


def test_grades_are_superseded_by_later_ones_or_expire_and_each_subject_shows_one(sample: Built) -> None:
    counted = reasons(sample, "evaluations")
    assert counted["withheld:grade-superseded"] >= 5 and counted["withheld:evaluation-expired"] >= 5
    public = sample.public["evaluations"]
    subject = public["PJ_SHXYM"].where(public["PJ_SHXYM"] != "", public["PJ_MC"])
    assert len(public) >= 15 and not subject.duplicated().any()
    assert set(public["PJ_PJDJ"]) == {"A", "B", "C", "D"}
    assert set(public["PJ_HYLY"]) == {"综合", "食品", "建筑", "交通运输"}
    assert (public["PJ_ZTLB"] == "个体工商户").any() and (public["PJ_YXQZ"] >= AS_OF.isoformat()).all()


def test_registrations_are_mostly_verified_some_self_declared_some_expired(sample: Built) -> None:
    rows = sample.rows["registrations"]
    status = Counter(r["ZC_HYZT"] for r in rows)
    assert status["已核验"] > 3 * status["未核验"] > 0
    assert all(r["ZC_HYJG"] and r["ZC_HYRQ"] > r["ZC_ZCRQ"] for r in rows if r["ZC_HYZT"] == "已核验")
    assert {r["ZC_XXLB"] for r in rows} == {"资质", "荣誉", "承诺", "经营信息", "其他"}
    assert reasons(sample, "registrations")["withheld:registration-expired"] >= 5
    assert any(r["ZC_ZTLB"] == "自然人" for r in rows)


def test_commitments_are_mostly_kept_some_broken_some_pending_and_a_later_batch_resends_the_pending(
    sample: Built,
) -> None:
    rows = sample.rows["fulfilment"]
    result = Counter(r["LY_HCJG"] for r in rows)
    assert result["践诺"] > result["失诺"] > 3 and result["核查中"] > 3
    assert {r["LY_SXBM"] for r in rows} - {i.code for i in ITEMS} <= {
        "LJXK-SC-099",
        "LJXK-XX-001",
        "LJZM-ZZ-009",
    }
    versions: dict[tuple[str, str], list[dict[str, str]]] = {}
    for r in rows:
        versions.setdefault((r["LY_CNBH"], r["LY_HCBMDM"]), []).append(r)
    resent = [v for v in versions.values() if len({r["_file"] for r in v}) > 1]
    assert resent and all(
        v[0]["LY_HCJG"] == "核查中" and v[-1]["LY_HCJG"] in ("践诺", "失诺") for v in resent
    )
    counted = reasons(sample, "fulfilment")
    assert (
        counted["withheld:fulfilment-pending"]
        and counted["withheld:kept-counted"]
        and counted["withheld:repaired"]
    )


def test_repairs_of_broken_commitments_name_existing_records_after_the_minimum_period(sample: Built) -> None:
    assert sample.summary is not None
    checked = {(r["LY_CNBH"], r["LY_HCBMDM"]): r for r in sample.rows["fulfilment"] if r["LY_HCJG"] == "失诺"}
    repairs = [r for r in read_csv(sample.root / paths.REPAIRS_FILE) if r["数据集"] == "fulfilment"]
    assert len(repairs) == sample.summary.broken_repairs > 0
    for r in repairs:
        record = checked[(r["记录文号"], r["机关统一社会信用代码"])]
        assert (date.fromisoformat(r["修复日期"]) - date.fromisoformat(record["LY_HCRQ"])).days >= 93


def test_natural_persons_are_masked_in_every_credit_kind_they_appear_in(sample: Built) -> None:
    for dataset, field in (("registrations", "ZC_ZJHM"), ("fulfilment", "LY_ZJHM")):
        in_full = [r[field] for r in sample.rows[dataset] if r[field] and "*" not in r[field]]
        assert in_full, dataset  # persons are there, with their numbers
        shown = sample.public[dataset][field]
        assert shown[shown != ""].str.contains(r"\*{4}").all(), dataset
    shown = sample.public["registrations"]["ZC_ZJHM"]
    assert (shown != "").any()  # 失诺 of persons may all be past their period; registrations are not


def test_penalised_listed_firms_are_graded_d_registered_and_have_a_public_broken_commitment(
    sample: Built,
) -> None:
    assert sample.summary is not None and len(sample.summary.featured) >= 3
    for code in sample.summary.featured:
        assert_featured(sample, code)


def test_the_demo_pharmacy_on_the_punishment_list_has_a_d_grade_a_registration_and_a_broken_commitment(
    demo: Built,
) -> None:
    assert_featured(demo, "91610324MAF0J8AK7F")
    assert any(r["CF_XDR_SHXYM"] == "91610324MAF0J8AK7F" for r in demo.rows["penalties"])


def assert_featured(built: Built, code: str) -> None:
    grades = built.public["evaluations"]
    assert list(grades.loc[grades["PJ_SHXYM"] == code, "PJ_PJDJ"]) == ["D"], code
    registered = built.public["registrations"]
    assert "已核验" in set(registered.loc[registered["ZC_SHXYM"] == code, "ZC_HYZT"]), code
    kept = built.public["fulfilment"]
    assert "失诺" in set(kept.loc[kept["LY_SHXYM"] == code, "LY_HCJG"]), code
