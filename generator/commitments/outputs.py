"""Everything the commitment column adds to the site: pages, Word files, nav entries, the repair letter's page.

Stage: render (commitments). Guarantees: pure (no I/O, no clock) — the same templates always give the same pages
and byte-identical .docx files; superseded versions get a page and a file marked as replaced; ``repair_page`` is
the current 信用修复承诺书 (newest effective date, then id) or ``None`` when there is none.
"""

from __future__ import annotations

from generator.commitments.docx import render_docx
from generator.commitments.figures import ItemSummary
from generator.commitments.index import INDEX, column_nav, index_page
from generator.commitments.model import Commitment, CommitmentOutputs
from generator.commitments.pages import template_page
from generator.config import Portal


def commitment_outputs(
    commitments: list[Commitment], portal: Portal, figures: dict[str, ItemSummary] | None = None
) -> CommitmentOutputs:
    """The column for ``commitments`` (as returned by ``load_commitments``); empty when there are none.
    ``figures`` (``figures.item_summaries`` of the publication; ``None`` without a fulfilment dataset) add each
    item's 履约情况 totals, linked to its page, to the index and the template pages."""
    if not commitments:
        return CommitmentOutputs()
    ordered = sorted(commitments, key=_order)
    by_id = {c.id: c for c in ordered}
    pages = {INDEX: index_page(ordered, portal, figures)}
    files: dict[str, bytes] = {}
    for c in ordered:
        successor = by_id.get(c.meta.superseded_by or "")
        pages[c.page] = template_page(c, successor, figures)
        files[c.docx] = render_docx(c, successor.meta.title if successor else None)
    return CommitmentOutputs(pages, files, column_nav(ordered), _repair_page(ordered))


def _order(c: Commitment) -> tuple[int, str, str, str]:
    """通用 first, then 信用修复, then the rest by department and title."""
    rank = {"general": 0, "repair": 1}.get(c.meta.category, 2)
    return rank, c.meta.department, c.meta.title, c.id


def _repair_page(commitments: list[Commitment]) -> str | None:
    repair = [c for c in commitments if c.meta.category == "repair" and not c.superseded]
    repair.sort(key=lambda c: (-c.meta.effective.toordinal(), c.id))
    return repair[0].page if repair else None
