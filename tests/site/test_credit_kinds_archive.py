"""A subject's credit archive, its 信用报告 and its API record show the #15 credit kinds: the current credit grade
with its meaning (a badge when the scale says so), verified registrations and unverified ones labelled
「主体自主申报，未经核验」, and public commitments with their fulfilment (失诺 as 失信 information, with the dates the
rules compute); superseded grades, counted-only 践诺, pending checks and repaired or revoked 失诺 appear nowhere.

A real build (the ``gongshi build`` stages, in process) of the fixture catalog tests/fixtures/credit_kinds as of
2026-11-20.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from generator import paths
from generator.site import api, render_site, urls
from generator.site.credit_report import report_number
from tests.conftest import REPO, run_build
from tests.search.test_grade_badges import with_credit_kinds
from tests.site.conftest import COMPANY_CODE, with_data_files

FIXTURE = REPO / "tests" / "fixtures" / "credit_kinds"
HENGXIN = (
    "91610300MA6HX00017"  # current A (badge), superseded B, 失诺 public, 践诺 counted only, registrations
)
HUAYU = "91610300MA6HY00035"  # current D (badge), 核查中 (counted only), an expired 失诺
RUNFENG = "91610300MA6RF0002J"  # expired C, repaired 失诺, revoked 失诺, expired registration: nothing public
GONE = (
    "LJPJ-2025-0001",  # HENGXIN's superseded B
    "LJCN-SC-2026-0002",  # HENGXIN's 践诺 (kept: counted)
    "LJCN-JT-2026-0003",  # HUAYU's 核查中
    "LJCN-SC-2025-0004",  # RUNFENG's repaired 失诺
    "LJCN-SC-2026-0008",  # RUNFENG's revoked 失诺
    "LJCN-SC-2025-0007",  # a person's repaired 失诺
)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return run_build(FIXTURE, tmp_path_factory.mktemp("credit-kinds") / "published") / "site"


def text_of(site: Path, path: str) -> str:
    return (site / path).read_text(encoding="utf-8")


def main_of(page: str) -> str:
    """The page's own content (the shell's navigation left out), tags removed, whitespace collapsed."""
    return words(page[page.index('id="gs-main"') :])


def words(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def document(site: Path, code: str) -> tuple[bytes, dict[str, Any]]:
    raw = (site / api.subject_path(code)).read_bytes()
    return raw, json.loads(raw)


def test_the_archive_shows_the_current_grade_with_its_meaning_and_badge_and_not_the_superseded_one(
    site: Path,
) -> None:
    page = text_of(site, urls.subject_page(HENGXIN))
    assert '<span class="gs-badge gs-badge--grade-good">信用等级 诚信（A 级）</span>' in page
    text = main_of(page)
    assert "信用状况好，可享受“绿色通道”等激励措施" in text
    assert "评价机关 临江市公共信用信息中心" in text and "评价日期 2026-03-15" in text
    assert "有效期至 2027-03-14" in text
    assert "LJPJ-2025-0001" not in page and "较好（B 级）" not in page
    worst = text_of(site, urls.subject_page(HUAYU))
    assert '<span class="gs-badge gs-badge--grade-bad">信用等级 较差（D 级）</span>' in worst


def test_the_archive_lists_verified_registrations_and_labels_unverified_ones(site: Path) -> None:
    text = main_of(text_of(site, urls.subject_page(HENGXIN)))
    verified = text[text.index("2025年度临江市守合同重信用企业") :]
    assert "核验机关 临江市市场监督管理局" in verified and "核验日期 2026-02-20" in verified
    assert "主体自主申报，未经核验" not in verified[: verified.index("有效期至")]
    unverified = text[text.index("年产商品混凝土50万立方米（自报）") :]
    assert unverified.index("主体自主申报，未经核验") < unverified.index("有效期至")


def test_the_archive_shows_a_broken_commitment_as_failing_information_with_its_dates(site: Path) -> None:
    page = text_of(site, urls.subject_page(HENGXIN))
    record = page[page.index('class="gs-record gs-record--broken"') :]
    record = words(record[: record.index("</section>")])
    assert "建筑业企业资质（新办）" in record and "LJXK-ZJ-001" in record
    assert "核查结果 失诺（失信信息）" in record and "核查日期 2026-06-10" in record
    assert "处理措施 撤销建筑业企业资质，纳入重点关注" in record
    assert "公示截止期 2027-06-10" in record and "可申请信用修复日期 2026-09-11 起" in record
    assert "失诺 1 条" in main_of(page)


def test_the_archive_counts_and_orders_lists_grade_penalties_commitments_then_registrations(
    site: Path,
) -> None:
    page = text_of(site, urls.subject_page(HENGXIN))
    text = main_of(page)
    assert "公示信息共 5 条" in text
    for kind in ("信用评价 1 条", "行政处罚 1 条", "信用承诺履约 1 条", "自愿注册信息 2 条"):
        assert kind in text
    anchors = ['id="lists"', 'id="ds-evaluations"', 'id="ds-penalties"', 'id="ds-fulfilment"']
    positions = [page.index(a) for a in [*anchors, 'id="ds-registrations"']]
    assert positions == sorted(positions)
    toc = re.findall(r'<li><a href="#([^"]+)"', page)
    assert toc[:2] == ["lists", "ds-evaluations"]
    sections = [page.index(f'id="{target}"') for target in toc]
    assert sections == sorted(sections)  # the jump links in the page's order


def test_the_report_shows_the_grade_the_registrations_and_the_commitments_in_their_sections(
    site: Path,
) -> None:
    text = main_of(text_of(site, urls.report_page(HENGXIN)))
    grade = text[text.index("三、信用评价") : text.index("四、公示信息")]
    assert "A 诚信（A 级）" in grade and "信用状况好，可享受“绿色通道”等激励措施" in grade
    records = text[text.index("四、公示信息") : text.index("五、信用承诺")]
    assert "2025年度临江市守合同重信用企业" in records and "核验日期 2026-02-20" in records
    assert records.count("主体自主申报，未经核验") == 1
    pledged = text[text.index("五、信用承诺") : text.index("六、报告说明")]
    assert "失诺（失信信息）" in pledged and "LJCN-ZJ-2026-0001" in pledged
    assert "可申请信用修复日期 2026-09-11 起" in pledged
    assert "本门户未公示该主体作出的信用承诺" not in text
    assert "信用评价结果、自愿注册信息" in text and "信用承诺履约信息" in text[text.index("六、报告说明") :]


def test_the_api_record_holds_the_new_kinds_and_their_summaries_and_the_report_number_hashes_it(
    site: Path,
) -> None:
    raw, doc = document(site, HENGXIN)
    schema = json.loads((site / paths.API_SUBJECT_SCHEMA).read_text(encoding="utf-8"))
    jsonschema.validate(doc, schema)
    kinds = {d["id"]: d["kind"] for d in doc["datasets"]}
    assert kinds == {
        "evaluations": "evaluation", "penalties": "penalty", "fulfilment": "fulfilment",
        "registrations": "registration",
    }  # fmt: skip
    assert [(g["grade"], g["title"], g["badge"]) for g in doc["grades"]] == [("A", "诚信（A 级）", True)]
    assert [(c["item"], c["item_name"], c["result"]) for c in doc["commitments"]] == [
        ("LJXK-ZJ-001", "建筑业企业资质（新办）", "失诺")
    ]
    number = report_number(doc["release"], hashlib.sha256(raw).hexdigest())
    assert number in text_of(site, urls.report_page(HENGXIN))


def test_withdrawn_and_counted_only_records_and_natural_persons_appear_in_no_archive_report_or_api(
    site: Path,
) -> None:
    pages = [
        p
        for folder in ("s", "reports", paths.API_SUBJECTS_DIR)
        for p in (site / folder).rglob("*")
        if p.is_file()
    ]
    assert {p.stem for p in (site / paths.API_SUBJECTS_DIR).glob("*.json")} == {HENGXIN, HUAYU}
    for path in pages:
        content = path.read_text(encoding="utf-8")
        assert [n for n in GONE if n in content] == [], path
        assert "王建国" not in content and "610323" not in content, path


def test_a_listed_and_graded_subject_has_its_jump_links_in_the_order_of_its_sections(tmp_path: Path) -> None:
    site = tmp_path / "site"
    render_site(with_data_files(with_credit_kinds(), site), site, jobs=1)
    page = text_of(site, urls.subject_page(COMPANY_CODE))
    toc = re.findall(r'<li><a href="#([^"]+)"', page)
    assert toc[:3] == ["lists", "ds-evaluations", "ds-blacklist"]
    sections = [page.index(f'id="{target}"') for target in toc]
    assert sections == sorted(sections)
    badges = words(page[page.index('class="gs-badges"') : page.index("gs-counts")])
    assert "失信" in badges and "信用等级 诚信（A 级）" in badges and "失诺 1 条" in badges
