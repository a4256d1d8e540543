"""The printable web page of one commitment template (mkdocs Markdown with raw HTML for the letter).

Stage: render (commitments). Guarantees: every catalog text is HTML-escaped (and Markdown-escaped where Markdown
is parsed); the letter shows the clauses as written, a blank line for every placeholder (nothing pre-filled), and
a signature and seal block the print stylesheet keeps on one page; a superseded version carries a clear
"已被替代" banner linking to the version that replaced it; the Word download link assumes mkdocs'
``use_directory_urls: true`` (the page is ``commitments/<id>/``, the file ``commitments/<id>.docx``); when the
catalog has a fulfilment dataset, each covered item's row states its 履约情况 totals (承诺, 已核查, 践诺, 失诺,
践诺率 — ``generator.commitments.figures``) and links the figures by year on the item's record page.
"""

from __future__ import annotations

import html
import json
import re

from generator.commitments.figures import ItemSummary
from generator.commitments.model import CATEGORY_TITLES, DATE, OTHER, Block, Commitment, CoveredItem, segments

MD_SPECIAL = re.compile(r"([\\`*_\[\]{}|#])")
ROOT_FROM_TEMPLATE = "../../"  # from a template's page (commitments/<id>/) back to the site root
SIGNATURE = ("承诺人（签字/盖章）：", "法定代表人（负责人）签字：")


def h(text: str) -> str:
    """Text for raw HTML."""
    return html.escape(text, quote=True)


def md(text: str) -> str:
    """Text for Markdown (inline, table cells): HTML-escaped and Markdown-escaped."""
    return MD_SPECIAL.sub(r"\\\1", html.escape(text, quote=False))


def front_matter(title: str) -> str:
    """mkdocs page meta; the title is HTML-escaped because theme templates print it without escaping."""
    return f"---\ntitle: {json.dumps(h(title), ensure_ascii=False)}\nhide:\n  - toc\n---"


def template_page(
    commitment: Commitment, successor: Commitment | None, figures: dict[str, ItemSummary] | None = None
) -> str:
    """The Markdown page ``commitments/<id>.md``; ``figures`` (事项编码 → the item's page and totals; ``None``
    when the catalog has no fulfilment dataset) add each covered item's 履约情况 to its table."""
    meta = commitment.meta
    parts = [
        front_matter(meta.title),
        f'<h1 class="gs-letter__title">{h(meta.title)}</h1>',
        _meta_line(commitment),
        _banner(successor) if successor else "",
        _download(commitment),
        letter_html(commitment.blocks),
        _notes(commitment, figures),
    ]
    return "\n\n".join(part for part in parts if part) + "\n"


def _meta_line(commitment: Commitment) -> str:
    meta = commitment.meta
    bits = [
        f"发布部门：{h(meta.department)}",
        f"版本：{h(meta.version)}",
        f"生效日期：{meta.effective.isoformat()}",
        f"类别：{CATEGORY_TITLES[meta.category]}",
    ]
    return '<p class="gs-commitment-meta">' + "<span>" + "</span>　<span>".join(bits) + "</span></p>"


def _banner(successor: Commitment) -> str:
    meta = successor.meta
    return (
        '<div class="gs-superseded" role="note" markdown="1">\n\n'
        f"**已被替代：** 本版本已被《[{md(meta.title)}]({successor.id}.md)》（{md(meta.version)}，"
        f"{meta.effective.isoformat()} 起施行）替代，仅供查阅；办理业务请使用现行版本。\n\n</div>"
    )


def _download(commitment: Commitment) -> str:
    name = h(f"{commitment.meta.title}（{commitment.meta.version}）.docx")
    return (
        '<p class="gs-commitment-actions">'
        f'<a class="md-button md-button--primary" href="../{commitment.id}.docx" download="{name}">'
        "下载 Word 版（.docx）</a> "
        "可用 Word 或 WPS 填写，也可直接打印本页（Ctrl+P）手工填写；签字（盖章）后随申请材料提交。</p>"
    )


def letter_html(blocks: tuple[Block, ...]) -> str:
    """The letter itself: heading fields, clauses, paragraphs, then the signature and seal block."""
    rows = [_block(block) for block in blocks]
    return '<div class="gs-letter">\n' + "\n".join([*rows, _signature()]) + "\n</div>"


def _block(block: Block) -> str:
    if block.kind == "heading":
        return f'<h2 class="gs-letter__heading">{h(block.text)}</h2>'
    if block.kind == "field" and block.value:
        return _field(block.text, f'<span class="gs-field__value">{h(block.value)}</span>')
    if block.kind == "field":
        return _field(block.text, _blank(block.placeholder, last=True))
    pieces = segments(block.text)
    inner = "".join(
        _blank(value, last=i == len(pieces) - 1) if is_blank else h(value)
        for i, (is_blank, value) in enumerate(pieces)
    )
    return f'<p class="gs-{block.kind}">{inner}</p>'


def _field(label: str, blank: str) -> str:
    return f'<p class="gs-field"><span class="gs-field__label">{h(label)}</span>{blank}</p>'


def _blank(placeholder: str, last: bool) -> str:
    """An empty fill-in space; its name is given to screen readers only."""
    said = f' role="img" aria-label="{h("待填写：" + placeholder)}"' if placeholder else ""
    if placeholder == DATE:
        year = f'<span class="gs-blank gs-blank--year"{said}></span>'
        day = '<span class="gs-blank gs-blank--day" aria-hidden="true"></span>'
        return f"{year}年{day}月{day}日"
    if placeholder == OTHER:
        lines = "<span></span>" * 3
        return f'<span class="gs-blank gs-blank--lines"{said}>{lines}</span>'
    return f'<span class="gs-blank{" gs-blank--fill" if last else ""}"{said}></span>'


def _signature() -> str:
    rows = [_field(label, _blank("", last=True)) for label in SIGNATURE]
    rows.append(_field("日期：", _blank(DATE, last=True)))
    return '<div class="gs-signature">\n' + "\n".join(rows) + "\n</div>"


def _notes(commitment: Commitment, figures: dict[str, ItemSummary] | None) -> str:
    meta = commitment.meta
    parts = ['<div class="gs-commitment-notes" markdown="1">', "## 使用说明", _guide(commitment)]
    if meta.items:
        parts += ["## 适用事项", _items(meta.items, figures)]
    if meta.basis:
        parts += ["## 制定依据", "\n".join(f"- {md(text)}" for text in meta.basis)]
    return "\n\n".join([*parts, "</div>"])


def _items(items: tuple[CoveredItem, ...], figures: dict[str, ItemSummary] | None) -> str:
    """The covered items; with figures, each item's totals and a link to its page's figures by year."""
    if figures is None:
        rows = [f"| {md(item.code)} | {md(item.name)} |" for item in items]
        return "| 事项编码 | 事项名称 |\n|---|---|\n" + "\n".join(rows)
    head = "| 事项编码 | 事项名称 | 承诺 | 已核查 | 践诺 | 失诺 | 践诺率 | 履约情况 |\n|---|---|---|---|---|---|---|---|\n"
    rows = [
        f"| {md(item.code)} | {md(item.name)} | {_totals(figures.get(item.code), ROOT_FROM_TEMPLATE)} |"
        for item in items
    ]
    note = "承诺、已核查、践诺、失诺为本门户记录的全部年度合计；践诺率 = 践诺 ÷ 已核查，尚无核查结果的显示为“—”。"
    return head + "\n".join(rows) + "\n\n" + note


def _totals(summary: ItemSummary | None, root: str) -> str:
    """The totals cells of an item's row (a Markdown table row's middle), linking its page when it has one."""
    if summary is None:
        return " | ".join(["0", "0", "0", "0", "—", "未列入告知承诺事项清单"])
    t = summary.total
    link = f'<a href="{root}{item_page(summary.id)}#gs-fulfilment">逐年履约情况</a>'
    return " | ".join([str(t.made), str(t.checked), str(t.kept), str(t.broken), t.rate, link])


def item_page(record_id: str) -> str:
    """Site-relative page of an item (as ``generator.site.urls.record_page``)."""
    return f"r/{record_id[:2]}/{record_id}.html"


def _guide(commitment: Commitment) -> str:
    return "\n".join(
        [
            f"- 承诺事项：{md(commitment.meta.matter)}。",
            "- 下划线处由承诺人填写；单位须加盖公章并由法定代表人（负责人）签字，自然人签字并注明日期。",
            "- 承诺人对承诺内容的真实性负责；违反承诺的，依法承担相应责任，并记入信用记录。",
            f"- 模板编号 `{commitment.id}`，打印时仅输出承诺书正文。",
        ]
    )
