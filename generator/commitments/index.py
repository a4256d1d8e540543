"""The commitment column's front page (templates by department and by item) and its nav entries.

Stage: render (commitments). Guarantees: lists every current template by issuing department and every covered
item by name; superseded versions appear only under 历史版本, each with the version that replaced it; the order
is fixed (department, title, id), so the same templates always give the same page; all catalog text is escaped;
with a fulfilment dataset, each item states its commitments and 践诺率, linked to its figures on its record page.
"""

from __future__ import annotations

import html

from generator.commitments.figures import ItemSummary
from generator.commitments.model import Commitment
from generator.commitments.pages import front_matter, item_page, md
from generator.config import Portal

INDEX = "commitments/index.md"
COLUMN = "信用承诺"


ROOT_FROM_INDEX = "../"  # from commitments/ back to the site root


def index_page(
    commitments: list[Commitment], portal: Portal, figures: dict[str, ItemSummary] | None = None
) -> str:
    """``commitments/index.md``; ``commitments`` are already in display order; ``figures`` (when the catalog has
    a fulfilment dataset) add each item's 践诺率 and a link to its figures."""
    current = [c for c in commitments if not c.superseded]
    parts = [front_matter("信用承诺专栏"), "# 信用承诺专栏", _intro(portal), _repair(current)]
    parts += ["## 按发布部门", *_by_department(current), "## 按承诺事项", _by_item(current, figures)]
    parts += _history(commitments)
    return "\n\n".join(part for part in parts if part) + "\n"


def _intro(portal: Portal) -> str:
    contacts = portal.contacts
    phone = f"（电话 {md(contacts.phone)}）" if contacts.phone else ""
    return (
        f"按照国务院办公厅《关于加快推进社会信用体系建设构建以信用为基础的新型监管机制的指导意见》"
        f"（国办发〔2019〕35号），{md(portal.region)}各部门在此公布格式规范的信用承诺书。"
        "申请人下载或打印相应承诺书，如实填写、签字（盖章）后随申请材料提交；承诺内容将依法公开，"
        "并作为事中事后监管的依据。实行告知承诺制的事项见"
        "[信用信息目录](../catalog/index.md)中的“告知承诺事项清单”数据集。"
        f"\n\n对承诺书有疑问，请咨询发布部门或{md(contacts.office)}{phone}。"
    )


def _repair(current: list[Commitment]) -> str:
    repair = [c for c in current if c.meta.category == "repair"]
    if not repair:
        return ""
    links = "、".join(f"[{md(c.meta.title)}]({c.id}.md)" for c in repair)
    return f"## 信用修复\n\n申请信用修复时，请同时提交{links}（下载或打印后填写，签字盖章）。"


def _by_department(current: list[Commitment]) -> list[str]:
    sections: list[str] = []
    for department in sorted({c.meta.department for c in current}):
        rows = [_template_row(c) for c in current if c.meta.department == department]
        table = "| 承诺书 | 承诺事项 | 版本 | 生效日期 | 下载 |\n|---|---|---|---|---|\n" + "\n".join(rows)
        sections += [f"### {md(department)}", table]
    return sections or ["暂无现行承诺书。"]


def _template_row(c: Commitment) -> str:
    meta = c.meta
    link = f'<a href="{c.id}.docx" download>Word</a>'
    return f"| [{md(meta.title)}]({c.id}.md) | {md(meta.matter)} | {md(meta.version)} | {meta.effective} | {link} |"


def _by_item(current: list[Commitment], figures: dict[str, ItemSummary] | None) -> str:
    rows = sorted(
        (item.name, item.code, c) for c in current for item in c.meta.items
    )  # fmt: skip
    if not rows:
        return "暂无按事项发布的承诺书；未列出的事项适用通用信用承诺书。"
    lines = [
        f"| {md(name)} | {md(code)} | [{md(c.meta.title)}]({c.id}.md) | {md(c.meta.department)} |"
        + (f" {_fulfilment_cell(figures.get(code))} |" if figures is not None else "")
        for name, code, c in rows
    ]
    head = "| 事项名称 | 事项编码 | 承诺书 | 实施部门 |" + (" 履约情况 |" if figures is not None else "")
    rule = "|---|---|---|---|" + ("---|" if figures is not None else "")
    return (
        head
        + "\n"
        + rule
        + "\n"
        + "\n".join(lines)
        + "\n\n未列出的事项需要作出信用承诺的，适用通用信用承诺书。"
    )


def _fulfilment_cell(summary: ItemSummary | None) -> str:
    """An item's 承诺 count and 践诺率, linking its figures by year (nothing when the item is not listed)."""
    if summary is None:
        return ""
    t = summary.total
    href = f"{ROOT_FROM_INDEX}{item_page(summary.id)}#gs-fulfilment"
    return f'<a href="{href}">承诺 {t.made} 件，践诺率 {t.rate}</a>'


def _history(commitments: list[Commitment]) -> list[str]:
    by_id = {c.id: c for c in commitments}
    old = [c for c in commitments if c.superseded]
    if not old:
        return []
    lines = [_history_row(c, by_id.get(c.meta.superseded_by or "")) for c in old]
    head = "| 承诺书 | 版本 | 生效日期 | 已被替代为 |\n|---|---|---|---|\n"
    return ["## 历史版本", "以下版本已被替代，仅供查阅。", head + "\n".join(lines)]


def _history_row(c: Commitment, successor: Commitment | None) -> str:
    new = (
        f"[{md(successor.meta.title)}（{md(successor.meta.version)}）]({successor.id}.md)"
        if successor
        else ""
    )
    return f"| [{md(c.meta.title)}]({c.id}.md) | {md(c.meta.version)} | {c.meta.effective} | {new} |"


def column_nav(commitments: list[Commitment]) -> list[dict[str, object]]:
    """mkdocs nav: the column's front page, then each current template (superseded ones stay off the nav).

    Titles are HTML-escaped: the theme prints nav titles without escaping.
    """
    entries: list[object] = [INDEX]
    entries += [{html.escape(c.meta.title): c.page} for c in commitments if not c.superseded]
    return [{COLUMN: entries}]
