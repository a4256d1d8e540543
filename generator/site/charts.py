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
    chart_id: str,
    title: str,
    items: list[tuple[str, float]],
    unit: str,
    headings: tuple[str, str],
    summed: bool = True,
) -> Markup:
    """Horizontal bars for the first ``MAX_BARS`` items (in the given order); the table lists them all.
    ``summed=False`` for rates and shares: the summary then states no total (a sum of rates means nothing)."""
    shown = items[:MAX_BARS]
    top = max((v for _, v in shown), default=0.0) or 1.0
    plot = WIDTH - LABEL_W - VALUE_W
    bars = [
        Bar(_short(label), label, fmt(v) + unit, LABEL_W, i * ROW_H + 4, plot * v / top, ROW_H - 8)
        for i, (label, v) in enumerate(shown)
    ]
    return _render(
        Chart(chart_id, title, "", headings, [], bars, "bar", WIDTH, max(len(bars), 1) * ROW_H),
        items,
        unit,
        summed,
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


def _render(chart: Chart, items: list[tuple[str, float]], unit: str, summed: bool = True) -> Markup:
    rows = [(label, fmt(v) + unit) for label, v in items]
    chart = replace(chart, summary=_summary(items, unit, summed), rows=rows)
    return Markup(environment().get_template("chart.html").render(chart=chart))


def _summary(items: list[tuple[str, float]], unit: str, summed: bool = True) -> str:
    if not items:
        return "暂无数据。"
    label, value = max(items, key=lambda item: item[1])
    lowest, least = min(items, key=lambda item: item[1])
    if not summed:
        return (
            f"共 {len(items)} 项；最高为“{label}”，{fmt(value)}{unit}；最低为“{lowest}”，{fmt(least)}{unit}。"
        )
    total = sum(v for _, v in items)
    return f"共 {len(items)} 项，合计 {fmt(total)}{unit}；最高为“{label}”，{fmt(value)}{unit}。"


LEGEND_H = 18  # stacked charts: one legend row
LEGEND_PER_ROW = 3


@dataclass(frozen=True)
class Segment:
    """One part of a stacked bar (SVG user units), with what its tooltip says."""

    x: float
    w: float
    opacity: str
    text: str


@dataclass(frozen=True)
class Stack:
    """A stacked bar: its label, the y of its row and its segments."""

    label: str
    full: str
    y: float
    total: str
    segments: list[Segment]


def stacked_chart(
    chart_id: str, title: str, series: list[str], items: list[tuple[str, list[int]]], unit: str, heading: str
) -> Markup:
    """Horizontal 100 % bars, one per item (first ``MAX_BARS``, in the given order), split by ``series`` (in
    order, darkest first); a legend above; the table lists every item's count per series and its total."""
    shown = items[:MAX_BARS]
    top = LEGEND_H * -(-len(series) // LEGEND_PER_ROW) + 4
    plot = WIDTH - LABEL_W - VALUE_W
    opacities = [f"{1 - 0.75 * i / max(len(series) - 1, 1):.2f}" for i in range(len(series))]
    stacks = []
    for i, (label, counts) in enumerate(shown):
        total, x, parts = sum(counts) or 1, float(LABEL_W), []
        for name, count, opacity in zip(series, counts, opacities, strict=True):
            w = plot * count / total
            parts.append(Segment(x, w, opacity, f"{label} · {name}：{count}{unit}"))
            x += w
        stacks.append(Stack(_short(label), label, top + i * ROW_H + 4, fmt(sum(counts)) + unit, parts))
    legend = [
        (i % LEGEND_PER_ROW * (WIDTH // LEGEND_PER_ROW), i // LEGEND_PER_ROW * LEGEND_H, name, opacity)
        for i, (name, opacity) in enumerate(zip(series, opacities, strict=True))
    ]
    height = top + max(len(stacks), 1) * ROW_H
    rows = [(label, [str(c) for c in counts], str(sum(counts))) for label, counts in items]
    summary = _stack_summary(series, items, unit)
    return Markup(
        environment().get_template("stacked_chart.html").render(
            id=chart_id, title=title, summary=summary, width=WIDTH, height=height, bar_h=ROW_H - 8,
            stacks=stacks, legend=legend, series=series, heading=heading, rows=rows,
        )
    )  # fmt: skip


def _stack_summary(series: list[str], items: list[tuple[str, list[int]]], unit: str) -> str:
    if not items:
        return "暂无数据。"
    sums = [sum(counts[i] for _, counts in items) for i in range(len(series))]
    parts = "，".join(f"{name} {n}{unit}" for name, n in zip(series, sums, strict=True))
    return f"共 {len(items)} 项，合计 {sum(sums)}{unit}：{parts}。"
