"""Word (.docx) rendering of one commitment template, with python-docx.

Stage: render (commitments). Guarantees: an A4 letter with the title, the heading fields followed by a blank
underlined fill-in line, the clauses exactly as written (their （一）… numbers are text, not Word list numbering, so
Word and WPS show them alike), the signature and seal block kept together with its date; Chinese fonts named in
``w:eastAsia`` (宋体, 黑体) and ``w:lang eastAsia="zh-CN"``; nothing the committer fills in is pre-filled; the same
template always gives the same bytes (core properties come from the effective date, zip timestamps are fixed).
"""

from __future__ import annotations

import io
import zipfile
from datetime import UTC, date, datetime

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from docx.text.paragraph import Paragraph
from docx.text.run import Run

from generator.commitments.model import DATE, OTHER, Block, Commitment, segments

SONG, HEI = "宋体", "黑体"
TEXT_WIDTH = Mm(210 - 28 - 26)  # A4 minus the GB/T 9704 left and right margins
BODY = Pt(14)
NBSP = "\u00a0"  # underlined no-break spaces stay visible at a line end in Word and WPS
SIGNATURE = ("承诺人（签字/盖章）：", "法定代表人（负责人）签字：")


def render_docx(commitment: Commitment, successor: str | None = None) -> bytes:
    """The template as a .docx; ``successor`` (the replacing template's title) marks a superseded version."""
    doc = Document()
    _setup(doc)
    if successor:
        _notice(doc, f"本版本已被《{successor}》替代，仅供查阅；办理业务请使用新版本。")
    _title(doc, commitment.meta.title)
    for block in commitment.blocks:
        _block(doc, block)
    _signature(doc)
    _footer(doc, commitment)
    _core_properties(doc, commitment)
    out = io.BytesIO()
    doc.save(out)
    return _normalised_zip(out.getvalue(), commitment.meta.effective)


def _setup(doc: DocumentObject) -> None:
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    _defaults(doc)
    normal = doc.styles["Normal"]
    normal.font.size = BODY
    normal.paragraph_format.line_spacing = 1.5
    normal.paragraph_format.space_after = Pt(0)


def _defaults(doc: DocumentObject) -> None:
    """Document-wide fonts: explicit 宋体 for East Asian text (no theme fonts, which WPS may not map), zh-CN."""
    rpr = doc.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    fonts = rpr.find(qn("w:rFonts"))
    for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(theme), None)
    for script, name in (
        ("w:ascii", "Times New Roman"),
        ("w:hAnsi", "Times New Roman"),
        ("w:eastAsia", SONG),
    ):
        fonts.set(qn(script), name)
    rpr.find(qn("w:lang")).set(qn("w:eastAsia"), "zh-CN")


def _font(run: Run, name: str, size: Pt | None = None, bold: bool = False) -> Run:
    run.font.name = name
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), name)
    run.font.size = size
    run.font.bold = bold or None
    return run


def _notice(doc: DocumentObject, text: str) -> None:
    run = _font(doc.add_paragraph().add_run(text), HEI, Pt(12), bold=True)
    run.font.color.rgb = RGBColor(0xB0, 0x00, 0x20)


def _title(doc: DocumentObject, text: str) -> None:
    paragraph = doc.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.paragraph_format.space_after = Pt(18)
    _font(paragraph.add_run(text), HEI, Pt(20), bold=True)


def _block(doc: DocumentObject, block: Block) -> None:
    paragraph = doc.add_paragraph()
    paragraph.paragraph_format.tab_stops.add_tab_stop(TEXT_WIDTH, WD_TAB_ALIGNMENT.RIGHT)
    if block.kind == "heading":
        _font(paragraph.add_run(block.text), HEI, bold=True)
    elif block.kind == "field":
        _field(paragraph, block)
    else:
        _text(paragraph, block)
        if OTHER in {value for is_blank, value in segments(block.text) if is_blank}:
            _extra_lines(doc, 2)


def _field(paragraph: Paragraph, block: Block) -> None:
    """A heading field: its label, then the filled value or a blank line to the right margin."""
    paragraph.add_run(block.text)
    if block.value:
        paragraph.add_run(block.value)
    else:
        _blank(paragraph, block.placeholder, last=True)


def _text(paragraph: Paragraph, block: Block) -> None:
    """A clause or paragraph (indented two characters, justified) or the addressee line, with its blanks."""
    if block.kind != "addressee":
        paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        paragraph.paragraph_format.first_line_indent = Pt(28)  # two characters
    pieces = segments(block.text)
    for index, (is_blank, value) in enumerate(pieces):
        if is_blank:
            _blank(paragraph, value, last=index == len(pieces) - 1)
        else:
            paragraph.add_run(value)


def _blank(paragraph: Paragraph, placeholder: str, last: bool) -> None:
    """A fill-in space: to the right margin at a paragraph's end, else a fixed underlined gap."""
    if placeholder == DATE:
        _underlined(paragraph, NBSP * 8)
        for unit in ("年", "月"):
            paragraph.add_run(unit)
            _underlined(paragraph, NBSP * 5)
        paragraph.add_run("日")
        return
    _underlined(paragraph, "\t" if last else NBSP * 16)


def _underlined(paragraph: Paragraph, text: str) -> None:
    paragraph.add_run(text).font.underline = True


def _extra_lines(doc: DocumentObject, count: int) -> None:
    for _ in range(count):
        paragraph = doc.add_paragraph()
        paragraph.paragraph_format.tab_stops.add_tab_stop(TEXT_WIDTH, WD_TAB_ALIGNMENT.RIGHT)
        _underlined(paragraph, "\t")


def _signature(doc: DocumentObject) -> None:
    """承诺人、法定代表人 and 日期 on the right half, kept together on one page."""
    lines = [*SIGNATURE, "日期："]
    for index, label in enumerate(lines):
        paragraph = doc.add_paragraph()
        fmt = paragraph.paragraph_format
        fmt.left_indent = Mm(70)
        fmt.space_before = Pt(36 if index == 0 else 12)
        fmt.keep_with_next = True if index < len(lines) - 1 else None
        fmt.keep_together = True
        fmt.tab_stops.add_tab_stop(TEXT_WIDTH, WD_TAB_ALIGNMENT.RIGHT)
        paragraph.add_run(label)
        _blank(paragraph, DATE if label == "日期：" else "", last=True)


def _footer(doc: DocumentObject, commitment: Commitment) -> None:
    meta = commitment.meta
    paragraph = doc.sections[0].footer.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    text = f"发布部门：{meta.department}　版本：{meta.version}　生效日期：{meta.effective.isoformat()}"
    _font(paragraph.add_run(text), SONG, Pt(9))


def _core_properties(doc: DocumentObject, commitment: Commitment) -> None:
    meta = commitment.meta
    props = doc.core_properties
    moment = datetime(meta.effective.year, meta.effective.month, meta.effective.day, tzinfo=UTC)
    props.created = props.modified = moment
    props.revision = 1
    props.author = props.last_modified_by = meta.department
    props.title, props.subject = meta.title, meta.matter
    props.keywords = "信用承诺书"
    props.comments = f"模板编号 {commitment.id}，版本 {meta.version}"
    props.category = "信用承诺"
    props.language = "zh-CN"
    props.identifier = commitment.id
    props.version = meta.version


def _normalised_zip(data: bytes, when: date) -> bytes:
    """Rewrite the package with every entry's timestamp set to ``when`` (python-docx stamps the clock)."""
    stamp = (when.year, when.month, when.day, 0, 0, 0)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=stamp)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o100644 << 16  # a regular file, rw-r--r--
            entry.create_system = 3
            dst.writestr(entry, src.read(info.filename))
    return out.getvalue()
