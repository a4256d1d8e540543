"""The build report's HTML page for the credit office: Chinese labels, percentages, reasons in words.

Stage: report (``report/build-report.html`` beside build-report.json, never deployed). Guarantees: every
header, label and caption is Chinese; a count or rate is a number, a percentage with one decimal (``83.3%``) or
"—", never a ratio, ``None`` or ``nan``; every withheld or rejected reason is shown in words with its code —
withheld reasons in the rules' own wording (``generator.rules.withholding.REASONS``, the one place they are
worded), rejected ones in their problem code's text (``generator/problem_codes/*.yaml``); 及时率 is explained
with its first-build caveat; on a 390 px screen the page does not overflow (wide tables scroll inside a
focusable, labelled region whose edges cast a shadow while more columns are hidden; problem rows become cards).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape

from generator.model import PUBLISHED, REJECTED, WITHHELD
from generator.problems import Level, problem_codes
from generator.rules.withholding import REASONS

HTML_PROBLEM_CAP = 2000  # the HTML page shows this many problems; the JSON has them all
NONE_SHOWN = "—"
FATES = {PUBLISHED: "已公示", WITHHELD: "暂不公示", REJECTED: "退回"}
LEVELS = {
    Level.FATAL.value: "致命（构建失败）",
    Level.CONFIG.value: "配置错误",
    Level.ERROR.value: "错误（需更正）",
    Level.WARNING.value: "警告",
    Level.INFO.value: "提示",
}
NO_DEPARTMENT = "（未填写部门，或该行无法读出）"
UNKNOWN_REASON = "（此代码没有说明，请报告给维护者）"


@dataclass(frozen=True)
class Reason:
    """Rows of one dataset withheld or rejected for one reason."""

    dataset: str
    fate: str  # Chinese: 暂不公示 / 退回
    code: str
    words: str
    rows: int


@dataclass(frozen=True)
class Department:
    """One department's row of the 及时率/合规率 table, every cell already text."""

    name: str
    submitted: str
    accepted: str
    published: str
    timely: str
    timeliness: str
    compliance: str


def number(value: Any) -> float | None:
    """A finite number, or None for anything else (None, NaN, text, bool)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return None if math.isnan(value) or math.isinf(value) else float(value)


def percent(value: Any) -> str:
    """A ratio as a percentage with one decimal (0.8333 → ``83.3%``); "—" when there is no ratio."""
    ratio = number(value)
    return NONE_SHOWN if ratio is None else f"{ratio * 100:.1f}%"


def share(part: Any, whole: Any) -> str:
    """``part`` as a percentage of ``whole``; "—" when ``whole`` is 0 or missing."""
    top, bottom = number(part), number(whole)
    return percent(top / bottom) if top is not None and bottom else NONE_SHOWN


def cell(value: Any) -> str:
    """Text for a table cell: empty for None or NaN, never the words ``None`` or ``nan``."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(value)


def count(value: Any) -> str:
    """A row count with thousands separators (``12,345``); "—" when it is not a number."""
    amount = number(value)
    return NONE_SHOWN if amount is None else f"{int(amount):,}"


def reason_words(fate: str, code: str) -> str:
    """The Chinese wording of a ledger reason: a rules hold for withheld rows, a problem code for rejected."""
    if fate == WITHHELD:
        return REASONS.get(code, UNKNOWN_REASON)
    documented = problem_codes().get(code)
    return documented["zh"] if documented else UNKNOWN_REASON


def code_words(code: str) -> str:
    """A problem code's Chinese description."""
    documented = problem_codes().get(code)
    return documented["zh"] if documented else UNKNOWN_REASON


def reasons(summary: dict[str, Any]) -> list[Reason]:
    """Every (dataset, fate, reason) with its rows: per dataset, withheld first, most rows first."""
    found = []
    for dataset, counts in summary["datasets"].items():
        for key, rows in counts["reasons"].items():
            fate, _, code = str(key).partition(":")
            found.append(Reason(dataset, FATES.get(fate, fate), code, reason_words(fate, code), int(rows)))
    order = {FATES[WITHHELD]: 0, FATES[REJECTED]: 1}
    return sorted(found, key=lambda r: (r.dataset, order.get(r.fate, 2), -r.rows, r.code))


def departments(summary: dict[str, Any]) -> dict[str, list[Department]]:
    """The department rows grouped by dataset, in the JSON's order."""
    grouped: dict[str, list[Department]] = {}
    for row in summary.get("departments") or []:
        grouped.setdefault(str(row["dataset"]), []).append(_department(row))
    return grouped


def _department(row: dict[str, Any]) -> Department:
    return Department(
        name=cell(row.get("department")) or NO_DEPARTMENT,
        submitted=count(row.get("submitted")),
        accepted=count(row.get("accepted")),
        published=count(row.get("published")),
        timely=count(row.get("timely")),
        timeliness=percent(row.get("及时率")),
        compliance=percent(row.get("合规率")),
    )


def all_late(summary: dict[str, Any]) -> bool:
    """Some department has a 及时率 and every one of them is 0 (what a first build shows)."""
    rates = [number(row.get("及时率")) for row in summary.get("departments") or []]
    measured = [r for r in rates if r is not None]
    return bool(measured) and not any(measured)


def shown_problems(summary: dict[str, Any]) -> list[dict[str, Any]]:
    """The problems the page lists: configuration errors, then errors, then the rest, at most the cap."""
    problems = summary["problems"]
    ranked = sorted(
        problems, key=lambda p: (p["level"] != Level.CONFIG.value, p["level"] != Level.ERROR.value)
    )
    return list(ranked[:HTML_PROBLEM_CAP])


def render(summary: dict[str, Any]) -> str:
    """The HTML page of ``summary`` (the build-report.json content)."""
    env = Environment(loader=PackageLoader("generator", "templates"), autoescape=select_autoescape(["html"]))
    env.filters.update(percent=percent, share=share, cell=cell, count=count, code_words=code_words)
    return env.get_template("report.html").render(
        s=summary,
        problems=shown_problems(summary),
        cap=HTML_PROBLEM_CAP,
        reasons=reasons(summary),
        departments=departments(summary),
        all_late=all_late(summary),
        levels=LEVELS,
        dash=NONE_SHOWN,
    )
