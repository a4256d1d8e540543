"""Search results show a subject's current credit grade as a badge when its grade scale says so (dataset.yaml
``grades``: ``badge: true``), and count the #15 kinds (commitments, registrations, grades) among its records; the
badges cost the index a key character per subject and one legend in ``meta.json``."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from generator.config import Grade
from generator.model import Publication
from generator.search import COUNTED_KINDS, build_search_index
from generator.site import site_views
from generator.subjects import subjects_for_search
from tests.search.fixtures import HENGSHENG, HUATAI, read_index, subjects_with_facts
from tests.site.conftest import COMPANY, COMPANY_CODE, SHOP_CODE, publication, table

SCALE = [
    Grade(code="A", title="诚信（A 级）", meaning="信用状况好", badge=True),
    Grade(code="B", title="较好（B 级）", meaning="信用状况较好"),
    Grade(code="D", title="较差（D 级）", meaning="重点监管", badge=True),
]
CENTRE = "临江市公共信用信息中心"


def grade(code: str, subject: str, name: str, number: str) -> dict[str, str]:
    return {
        "PJ_MC": name, "PJ_ZTLB": "法人及非法人组织", "PJ_SHXYM": subject, "PJ_PJDJ": code, "PJ_HYLY": "综合",
        "PJ_PJYJ": "评价办法", "PJ_PJJG": CENTRE, "PJ_PJJGDM": "12610300MB0XY001KQ", "PJ_PJBH": number,
        "PJ_PJRQ": "2026-03-15", "PJ_YXQZ": "2027-03-14",
    }  # fmt: skip


def with_credit_kinds() -> Publication:
    """The site fixture publication plus a grade for the company (A, badge) and for the shop (B, no badge), and
    a broken commitment of the company."""
    pub = publication()
    grades = [grade("A", COMPANY_CODE, COMPANY, "PJ-1"), grade("B", SHOP_CODE, "临江小店", "PJ-2")]
    commitments = [
        {"LY_MC": COMPANY, "LY_ZTLB": "法人及非法人组织", "LY_SHXYM": COMPANY_CODE, "LY_SXBM": "X-1",
         "LY_CNBH": "CN-1", "LY_CNRQ": "2026-01-05", "LY_HCJG": "失诺", "LY_HCRQ": "2026-02-10",
         "LY_CLCS": "撤销许可", "LY_HCBM": CENTRE, "LY_HCBMDM": "12610300MB0XY001KQ"},
    ]  # fmt: skip
    pub.tables["evaluations"] = table("evaluations", "evaluation", grades, title="信用评价", grades=SCALE)
    pub.tables["fulfilment"] = table("fulfilment", "fulfilment", commitments, title="信用承诺履约")
    return pub


def test_a_subject_carries_its_grade_badge_only_when_the_scale_gives_its_grade_one() -> None:
    frame = subjects_for_search(site_views(with_credit_kinds())).set_index("code")
    assert frame.loc[COMPANY_CODE, "grades"] == "good\t信用等级 诚信（A 级）"
    assert frame.loc[SHOP_CODE, "grades"] == ""


def test_the_new_kinds_are_counted_among_a_subjects_records() -> None:
    frame = subjects_for_search(site_views(with_credit_kinds())).set_index("code")
    company = frame.loc[COMPANY_CODE]
    assert {"fulfilment", "registration", "evaluation"} <= set(COUNTED_KINDS)
    assert (company["evaluation"], company["fulfilment"], company["registration"]) == (1, 1, 0)
    assert sum(company[k] for k in COUNTED_KINDS) == company["records"]


def test_the_index_keys_each_badge_once_in_meta_and_appends_its_key_to_the_subjects_list_letters(
    tmp_path: Path,
) -> None:
    frame = subjects_with_facts().assign(grades="")
    frame.loc[frame["code"] == HENGSHENG, "grades"] = "good\t信用等级 诚信（A 级）"
    frame.loc[frame["code"] == HUATAI, "grades"] = "bad\t信用等级 较差（D 级）\ngood\t信用等级 诚信（A 级）"
    build_search_index(frame, tmp_path)
    index = read_index(tmp_path)
    legend = index["meta.json"]["grades"]
    assert legend == {"0": ["bad", "信用等级 较差（D 级）"], "1": ["good", "信用等级 诚信（A 级）"]}
    rows = {row[1]: row for rows in (v for k, v in index.items() if k.startswith("d/")) for row in rows}
    assert rows[HENGSHENG][6] == "p1"  # on the punishment list, graded A
    assert rows[HUATAI][6] == "01"
    assert not set(legend) & set(index["meta.json"]["lists"])


def test_without_grades_the_legend_is_empty_and_the_rows_are_as_before(tmp_path: Path) -> None:
    build_search_index(subjects_with_facts(), tmp_path / "a")
    build_search_index(subjects_with_facts().assign(grades=""), tmp_path / "b")
    a, b = read_index(tmp_path / "a"), read_index(tmp_path / "b")
    assert a == b and a["meta.json"]["grades"] == {}
    assert pd.Series([row[6] if len(row) > 6 else "" for row in a["d/0.json"]]).isin(["", "p"]).all()
