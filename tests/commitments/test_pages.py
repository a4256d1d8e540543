"""The column's pages and nav: front page by department and item, printable letters, banners, escaping."""

from __future__ import annotations

import html
import re

from generator.commitments import CommitmentOutputs, commitment_outputs, load_commitments
from generator.commitments.model import segments
from generator.config import Portal
from tests.commitments.conftest import GOOD_BODY, GOOD_FRONT, WriteTemplate


def test_front_page_lists_current_templates_by_department_and_by_item(
    demo_outputs: CommitmentOutputs,
) -> None:
    page = demo_outputs.pages["commitments/index.md"]
    by_department, rest = page.split("## 按发布部门")[1].split("## 按承诺事项")
    by_item, history = rest.split("## 历史版本")
    for department in (
        "临江市市场监督管理局",
        "临江市住房和城乡建设局",
        "临江市交通运输局",
        "国家税务总局临江市税务局",
    ):
        assert f"### {department}" in by_department
    assert "(food-business-licence.md)" in by_department
    assert "food-business-licence-2021" not in by_department + by_item
    assert (
        "| 食品经营许可（新办） | LJXK-SC-001 | [食品经营许可告知承诺书](food-business-licence.md) |"
        in by_item
    )
    assert "[食品经营许可告知承诺书](food-business-licence-2021.md) | 2021版" in history
    assert '<a href="credit-repair.docx" download>Word</a>' in by_department


def test_template_page_is_the_whole_letter_with_blanks_and_signature_block(
    demo_outputs: CommitmentOutputs,
) -> None:
    page = demo_outputs.pages["commitments/credit-repair.md"]
    assert page.startswith('---\ntitle: "信用修复承诺书"\n')
    assert '<h1 class="gs-letter__title">信用修复承诺书</h1>' in page
    assert (
        "发布部门：临江市发展和改革委员会" in page
        and "版本：2025版" in page
        and "生效日期：2025-07-01" in page
    )
    assert '<a class="md-button md-button--primary" href="../credit-repair.docx"' in page
    letter = page.split('<div class="gs-letter">')[1].split('<div class="gs-commitment-notes"')[0]
    assert len(re.findall(r'<p class="gs-clause">（[一二三四五六七]）', letter)) == 7
    assert (
        'class="gs-field__label">失信信息对应的决定文书号：</span><span class="gs-blank gs-blank--fill"'
        in letter
    )
    signature = letter.split('<div class="gs-signature">')[1]
    for label in ("承诺人（签字/盖章）：", "法定代表人（负责人）签字：", "日期："):
        assert label in signature
    assert "年" in signature and "月" in signature and "日" in signature
    assert "{{" not in page and "已被替代" not in page


def test_every_clause_of_every_template_is_on_its_page(demo_outputs: CommitmentOutputs) -> None:
    from tests.conftest import DEMO_CATALOG

    for c in load_commitments(DEMO_CATALOG)[0]:
        page = demo_outputs.pages[c.page]
        for block in c.blocks:
            for is_blank, value in segments(block.text):
                assert is_blank or html.escape(value) in page, (c.id, value)


def test_superseded_version_has_a_banner_linking_its_replacement(demo_outputs: CommitmentOutputs) -> None:
    page = demo_outputs.pages["commitments/food-business-licence-2021.md"]
    banner = page.split('<div class="gs-superseded" role="note" markdown="1">')[1].split("</div>")[0]
    assert "已被替代" in banner and "[食品经营许可告知承诺书](food-business-licence.md)" in banner
    assert "2023版" in banner and "2023-12-01" in banner


def test_nav_lists_the_front_page_then_current_templates_and_repair_page_is_exposed(
    demo_outputs: CommitmentOutputs,
) -> None:
    [entry] = demo_outputs.nav
    [(column, items)] = entry.items()
    assert column == "信用承诺"
    assert isinstance(items, list) and items[0] == "commitments/index.md"
    pages = [next(iter(item.values())) for item in items[1:]]
    assert pages[:2] == ["commitments/general.md", "commitments/credit-repair.md"]
    assert "commitments/food-business-licence-2021.md" not in pages
    assert set(pages) <= set(demo_outputs.pages)
    assert demo_outputs.repair_page == "commitments/credit-repair.md"
    assert set(demo_outputs.files) == {
        p.replace(".md", ".docx") for p in demo_outputs.pages if "index" not in p
    }


def test_catalog_text_is_escaped_in_pages(write_template: WriteTemplate, portal: Portal) -> None:
    front = GOOD_FRONT.replace("title: 测试许可告知承诺书", 'title: "<script>alert(1)</script>*承诺书*"')
    body = GOOD_BODY.replace("（一）所提交的材料", "（一）<img src=x onerror=alert(1)>所提交的材料")
    commitments, _ = load_commitments(write_template("xss", front=front, body=body))
    out = commitment_outputs(commitments, portal)
    for text in out.pages.values():
        assert "<script>" not in text and "<img" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;\\*承诺书\\*" in out.pages["commitments/index.md"]
    assert "&lt;img src=x onerror=alert(1)&gt;" in out.pages["commitments/xss.md"]


def test_no_templates_means_no_column(portal: Portal) -> None:
    assert commitment_outputs([], portal) == CommitmentOutputs()
