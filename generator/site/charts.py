"""Charts drawn at build time as inline SVG, each with a text summary and a data table as its alternative.

Stage: render site. Guarantees: a chart is plain SVG inside the page (nothing fetched, no script), scales to a
phone's width through its viewBox, has ``role="img"`` with a title and description, and is followed by the
full data as an HTML table; labels are escaped by the template, numbers are formatted the same on every build.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from markupsafe import Markup

from generator.site.jinja import environment

WIDTH = 400  # user units; drawn 1:1 at about a phone's width, so 12-unit text stays legible there
LABEL_W = 124  # horizontal bars: room for the label column
VALUE_W = 66  # … and for the value printed after the bar
ROW_H = 24
COLUMN_H = 150  # column charts: plot height
MAX_BARS = 20
MAX_COLUMNS = 24  # months drawn in a column chart
MARGIN = 20  # column charts: room at both ends for the first and last labels
MAX_LABEL = 9  # characters of a label drawn in the SVG (the table keeps the full text)


@dataclass(frozen=True)
class Bar:
    """One drawn bar (SVG user units) with its label and printed value."""

    label: str
    full: str
    text: str
    x: float
    y: float
    w: float
    h: float


@dataclass(frozen=True)
class Chart:
    """A chart and its text alternative."""

    id: str
    title: str
    summary: str
    headings: tuple[str, str]
    rows: list[tuple[str, str]]
    bars: list[Bar]
    kind: str  # "bar" (horizontal) or "column"
    width: int
    height: int


def fmt(value: float) -> str:
    """Thousands separators; at most two decimals, trailing zeros dropped."""
    text = f"{value:,.2f}".rstrip("0").rstrip(".")
    return text if text not in ("", "-0") else "0"


def _short(label: str) -> str:
    return label if len(label) <= MAX_LABEL else label[: MAX_LABEL - 1] + "…"


def bar_chart(
    chart_id: str, title: str, items: list[tuple[str, float]], unit: str, headings: tuple[str, str]
) -> Markup:
    """Horizontal bars for the first ``MAX_BARS`` items (in the given order); the table lists them all."""
    shown = items[:MAX_BARS]
    top = max((v for _, v in shown), default=0.0) or 1.0
    plot = WIDTH - LABEL_W - VALUE_W
    bars = [
        Bar(_short(label), label, fmt(v) + unit, LABEL_W, i * ROW_H + 4, plot * v / top, ROW_H - 8)
        for i, (label, v) in enumerate(shown)
    ]
    return _render(
        Chart(chart_id, title, "", headings, [], bars, "bar", WIDTH, max(len(bars), 1) * ROW_H), items, unit
    )


def column_chart(
    chart_id: str, title: str, items: list[tuple[str, float]], unit: str, headings: tuple[str, str]
) -> Markup:
    """Vertical columns for the last ``MAX_COLUMNS`` items of a time series (oldest first); the table has all."""
    shown = items[-MAX_COLUMNS:]
    if len(items) > len(shown):
        title = f"{title}（最近 {len(shown)} 个月）"
    top = max((v for _, v in shown), default=0.0) or 1.0
    step = (WIDTH - 2 * MARGIN) / max(len(shown), 12)  # a short series keeps narrow columns
    bars = []
    for i, (label, v) in enumerate(shown):
        h = COLUMN_H * v / top
        x = MARGIN + i * step + step * 0.15
        bars.append(Bar(label, label, fmt(v) + unit, x, 20 + COLUMN_H - h, step * 0.7, h))
    chart = Chart(chart_id, title, "", headings, [], bars, "column", WIDTH, COLUMN_H + 44)
    return _render(chart, items, unit)


def _render(chart: Chart, items: list[tuple[str, float]], unit: str) -> Markup:
    rows = [(label, fmt(v) + unit) for label, v in items]
    chart = replace(chart, summary=_summary(items, unit), rows=rows)
    return Markup(environment().get_template("chart.html").render(chart=chart))


def _summary(items: list[tuple[str, float]], unit: str) -> str:
    if not items:
        return "暂无数据。"
    label, value = max(items, key=lambda item: item[1])
    total = sum(v for _, v in items)
    return f"共 {len(items)} 项，合计 {fmt(total)}{unit}；最高为“{label}”，{fmt(value)}{unit}。"
