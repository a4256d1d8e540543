"""The Word downloads: every .docx opens, has every clause intact, leaves the fill-in fields blank, is reproducible."""

from __future__ import annotations

import io
import re
import zipfile

from docx import Document
from docx.document import Document as DocumentObject
from docx.oxml.ns import qn
from docx.shared import Mm

from generator.commitments import Commitment, CommitmentOutputs, commitment_outputs
from generator.commitments.model import segments
from tests.commitments.conftest import make_portal


def open_docx(data: bytes) -> DocumentObject:
    return Document(io.BytesIO(data))


def paragraph_texts(doc: DocumentObject) -> list[str]:
    return [p.text for p in doc.paragraphs]


def literal(text: str) -> list[str]:
    """The fixed text pieces of a block (what must appear verbatim in the document)."""
    return [value for is_blank, value in segments(text) if not is_blank]


def test_every_docx_opens_and_contains_every_clause(
    demo_commitments: list[Commitment], demo_outputs: CommitmentOutputs
) -> None:
    for c in demo_commitments:
        text = "\n".join(paragraph_texts(open_docx(demo_outputs.files[c.docx])))
        assert c.meta.title in text
        clauses = [b for b in c.blocks if b.kind == "clause"]
        assert len(clauses) >= 7, c.id
        for block in c.blocks:
            for piece in literal(block.text):
                assert piece in text, (c.id, piece)
        assert re.findall(r"（[一二三四五六七]）", text)[:7] == [f"（{n}）" for n in "一二三四五六七"]


def test_fill_in_fields_are_blank_underlined_space(
    demo_commitments: list[Commitment], demo_outputs: CommitmentOutputs
) -> None:
    for c in demo_commitments:
        doc = open_docx(demo_outputs.files[c.docx])
        text = "\n".join(paragraph_texts(doc))
        assert "{{" not in text and "}}" not in text, c.id
        fields = [b for b in c.blocks if b.kind == "field" and not b.value]
        for block in fields:
            [paragraph] = [p for p in doc.paragraphs if p.text.startswith(block.text)]
            rest = paragraph.runs[1:]
            assert rest and all(r.text.strip() == "" and r.underline for r in rest), (c.id, block.text)


def test_signature_and_seal_block_with_blank_date_comes_last_and_stays_together(
    demo_outputs: CommitmentOutputs,
) -> None:
    doc = open_docx(demo_outputs.files["commitments/credit-repair.docx"])
    last = doc.paragraphs[-3:]
    assert [p.text.split("：")[0] for p in last] == [
        "承诺人（签字/盖章）",
        "法定代表人（负责人）签字",
        "日期",
    ]
    assert re.fullmatch(r"日期：\s+年\s+月\s+日", last[-1].text)
    assert [p.paragraph_format.keep_with_next for p in last] == [True, True, None]


def test_page_is_a4_and_chinese_font_is_named_for_east_asian_text(demo_outputs: CommitmentOutputs) -> None:
    doc = open_docx(demo_outputs.files["commitments/general.docx"])
    section = doc.sections[0]
    assert section.page_width is not None and section.page_height is not None
    assert (round(section.page_width / Mm(1)), round(section.page_height / Mm(1))) == (210, 297)
    defaults = doc.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    fonts = defaults.find(qn("w:rFonts"))
    assert fonts.get(qn("w:eastAsia")) == "宋体" and fonts.get(qn("w:eastAsiaTheme")) is None
    assert defaults.find(qn("w:lang")).get(qn("w:eastAsia")) == "zh-CN"
    title_fonts = doc.paragraphs[0].runs[0]._element.find(qn("w:rPr")).find(qn("w:rFonts"))
    assert title_fonts.get(qn("w:eastAsia")) == "黑体"


def test_superseded_version_says_so_at_the_top(demo_outputs: CommitmentOutputs) -> None:
    doc = open_docx(demo_outputs.files["commitments/food-business-licence-2021.docx"])
    assert "已被《食品经营许可告知承诺书》替代" in doc.paragraphs[0].text
    current = open_docx(demo_outputs.files["commitments/food-business-licence.docx"])
    assert "替代" not in current.paragraphs[0].text


def test_core_properties_come_from_the_template_not_the_clock(demo_outputs: CommitmentOutputs) -> None:
    props = open_docx(demo_outputs.files["commitments/credit-repair.docx"]).core_properties
    assert props.created is not None and props.created.date().isoformat() == "2025-07-01"
    assert props.modified == props.created
    assert (props.title, props.author, props.revision) == ("信用修复承诺书", "临江市发展和改革委员会", 1)
    with zipfile.ZipFile(io.BytesIO(demo_outputs.files["commitments/credit-repair.docx"])) as z:
        assert {info.date_time for info in z.infolist()} == {(2025, 7, 1, 0, 0, 0)}


def test_two_runs_give_byte_identical_files_and_pages_whatever_the_input_order(
    demo_commitments: list[Commitment], demo_outputs: CommitmentOutputs
) -> None:
    again = commitment_outputs(list(reversed(demo_commitments)), make_portal())
    assert again.files == demo_outputs.files
    assert again.pages == demo_outputs.pages
    assert again.nav == demo_outputs.nav
