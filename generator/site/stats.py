"""Statistics of the published records for the 统计 page: by month, department, penalty type, fine amount,
timeliness per department, credit grades (信用评价) by sector and by evaluating department, and the 践诺率 of
credit commitments by item and by year.

Stage: render site. Guarantees: figures count only published records (the tables handed in) — grades count the
current public grade of each subject, as the rules leave exactly one — except the commitment figures, which are
the rules stage's ``Publication.fulfilment`` (counted commitments, public or not; 践诺率 = 践诺 ÷ 已核查, "—" when
none was checked); ties are broken by label so the order never changes between builds; time axes run month by
month without gaps (a month with no record counts 0); each figure becomes a chart with its data table.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from markupsafe import Markup

from generator.commitments.figures import COUNTS, rate_text
from generator.site.charts import bar_chart, column_chart, fmt, stacked_chart
from generator.site.jinja import environment
from generator.site.urls import UNDATED
from generator.site.view import MONTH, DatasetView, item_names, split_values

CATEGORY_VOCABULARY = "penalty_categories"
FINE_BUCKETS = (
    (0.1, "不足 0.1 万元"),
    (1, "0.1–1 万元"),
    (5, "1–5 万元"),
    (10, "5–10 万元"),
    (50, "10–50 万元"),
)
TOP_OVER = "50 万元及以上"


@dataclass(frozen=True)
class Section:
    """A titled group of charts on the statistics page."""

    title: str
    intro: str
    charts: list[Markup]


def statistics(
    views: list[DatasetView], timeliness: pd.DataFrame, fulfilment: pd.DataFrame | None = None
) -> list[Section]:
    """All sections of the statistics page, in reading order (``fulfilment``: the commitment figures)."""
    sections = [_dataset_section(v) for v in views if v.is_record_set and len(v.frame)]
    sections += [s for v in views if v.kind == "penalty" for s in _penalty_sections(v)]
    sections += [
        _grade_section(v) for v in views if v.kind == "evaluation" and v.role("grade") and len(v.frame)
    ]
    if fulfilment is not None and len(fulfilment):
        sections.append(_fulfilment_section(fulfilment, item_names(views)))
    if len(timeliness):
        sections.append(_timeliness_section(timeliness))
    return sections


def _ranked(counts: pd.Series) -> list[tuple[str, float]]:
    """(label, value), largest first, ties by label."""
    frame = counts.rename("v").rename_axis("k").reset_index()
    frame = frame.sort_values(["v", "k"], ascending=[False, True], kind="stable")
    return [(str(k), float(v)) for k, v in zip(frame["k"], frame["v"], strict=True)]


def _dataset_section(view: DatasetView) -> Section:
    months = _every_month(view.frame[MONTH][view.frame[MONTH] != UNDATED].value_counts())
    charts = [
        column_chart(
            f"{view.id}-months", f"{view.title}：各月公示数量", _pairs(months), " 条", ("月份", "公示数量")
        )
    ]
    if view.role("department"):
        depts = view.column("department").replace("", "（未注明）").value_counts()
        charts.append(
            bar_chart(
                f"{view.id}-depts",
                f"{view.title}：各部门公示数量",
                _ranked(depts),
                " 条",
                ("部门", "公示数量"),
            )
        )
    intro = f"共公示 {len(view.frame):,} 条，按决定日期所在月份和作出决定的部门统计。"
    return Section(view.title, intro, charts)


def _every_month(counts: pd.Series) -> pd.Series:
    """Counts by ``YYYY-MM``, oldest first, with the months between that have none as 0 — so the time axis is
    even and a month without records shows as a gap, not as a missing column."""
    if counts.empty:
        return counts
    months = pd.period_range(min(counts.index), max(counts.index), freq="M").strftime("%Y-%m")
    return counts.reindex(months, fill_value=0)


def _pairs(series: pd.Series) -> list[tuple[str, float]]:
    return [(str(k), float(v)) for k, v in series.items()]


def _penalty_sections(view: DatasetView) -> list[Section]:
    charts = []
    category = next((f for f in view.fields if f.vocabulary == CATEGORY_VOCABULARY), None)
    if category:
        counts = _category_counts(view, category.name, category.vocabulary)
        title = f"{view.title}：按处罚类别"
        charts.append(bar_chart(f"{view.id}-types", title, _ranked(counts), " 条", ("处罚类别", "决定数")))
    fine = next((f for f in view.fields if f.type == "number" and "罚款" in f.title), None)
    if fine:
        charts.append(_fine_chart(view, fine.name))
    return [
        Section(f"{view.title}：处罚类别与罚款金额", _fine_intro(view, fine.name if fine else ""), charts)
    ]


def _category_counts(view: DatasetView, column: str, vocabulary: str) -> pd.Series:
    """Decisions per normalised penalty type (a decision with two types counts once under each)."""
    mapping = view.spec.schema.vocabularies.get(vocabulary, {})
    labels = [
        sorted({norm for part in split_values(cell) for norm in mapping.get(part, (part,))})
        for cell in view.frame[column]
    ]
    return pd.Series([label for cell in labels for label in cell], dtype="str").value_counts()


def _amounts(view: DatasetView, column: str) -> pd.Series:
    amounts = pd.to_numeric(view.frame[column].replace("", None), errors="coerce")
    return amounts[amounts > 0]


def _fine_chart(view: DatasetView, column: str) -> Markup:
    amounts = _amounts(view, column)
    edges = [upper for upper, _ in FINE_BUCKETS]
    labels = [label for _, label in FINE_BUCKETS] + [TOP_OVER]
    bucket = pd.cut(amounts, bins=[0, *edges, float("inf")], labels=labels, right=False)
    counts = bucket.value_counts().reindex(labels, fill_value=0)
    items = [(str(k), float(v)) for k, v in counts.items()]
    return bar_chart(f"{view.id}-fines", f"{view.title}：罚款金额分布", items, " 件", ("罚款金额", "决定数"))


def _fine_intro(view: DatasetView, column: str) -> str:
    if not column:
        return "按处罚类别统计。"
    amounts = _amounts(view, column)
    if amounts.empty:
        return "按处罚类别统计；已公示的决定中没有罚款。"
    total, median = float(amounts.sum()), float(amounts.median())
    return (
        f"按处罚类别统计（一个决定含多个类别时分别计入）。{len(amounts):,} 个决定处以罚款，"
        f"合计 {fmt(total)} 万元，中位数 {fmt(median)} 万元。"
    )


def _timeliness_section(timeliness: pd.DataFrame) -> Section:
    frame = timeliness.assign(department=timeliness["department"].astype("str").replace("", "（未注明）"))
    grouped = frame.groupby("department", sort=True).agg(
        records=("timely", "size"), timely=("timely", "sum"), median_days=("working_days", "median")
    )
    share = (grouped["timely"] / grouped["records"] * 100).round(1)
    items = sorted(((str(k), float(v)) for k, v in share.items()), key=lambda kv: (kv[1], kv[0]))
    chart = bar_chart("timeliness", "各部门按时公示率", items, "%", ("部门", "按时公示率"), summed=False)
    total = int(grouped["records"].sum())
    timely = int(grouped["timely"].sum())
    intro = (
        f"决定作出后 7 个工作日内在本门户公示的比例（按时公示率，由低到高排列）。共 {total:,} 条，"
        f"按时 {timely:,} 条（{fmt(timely / total * 100 if total else 0)}%）；"
        f"各部门从决定到公示的工作日数中位数见下表。"
    )
    return Section("公示及时性", intro, [chart, _days_table(grouped)])


def _days_table(grouped: pd.DataFrame) -> Markup:
    rows = [
        (str(dept), int(row["records"]), int(row["timely"]), fmt(float(row["median_days"])))
        for dept, row in grouped.iterrows()
    ]
    return Markup(environment().get_template("timeliness.html").render(rows=rows))


def _grade_section(view: DatasetView) -> Section:
    """Current grades (one per subject) by grade, by sector and by evaluating department, in scale order."""
    scale = [g.code for g in view.spec.config.grades]
    grades = view.column("grade")
    codes: list[str] = scale + sorted(str(g) for g in set(grades) - set(scale))
    names = {g.code: g.title for g in view.spec.config.grades}
    series = [str(names.get(c) or c) for c in codes]
    overall = grades.value_counts().reindex(codes, fill_value=0)
    charts = [
        bar_chart(f"{view.id}-grades", f"{view.title}：各等级主体数", list(zip(series, overall.astype(float), strict=True)),
                  " 个", ("评价结果", "主体数")),
    ]  # fmt: skip
    for role, noun in (("sector", "行业领域"), ("department", "评价机关")):
        if view.role(role):
            rows = _grade_rows(view.column(role), grades, codes)
            title = f"{view.title}：按{noun}的等级分布"
            charts.append(stacked_chart(f"{view.id}-grades-{role}", title, series, rows, " 个", noun))
    intro = (
        f"共 {len(view.frame):,} 个主体的现行评价结果（每个主体只计其最新一次有效的评价），"
        "按评价结果、行业领域和评价机关统计；各等级的含义见该主体的评价记录。"
    )
    return Section(f"{view.title}：等级分布", intro, charts)


def _grade_rows(groups: pd.Series, grades: pd.Series, codes: list[str]) -> list[tuple[str, list[int]]]:
    """(group, counts per grade in ``codes`` order), largest group first, ties by name."""
    table = pd.crosstab(groups.replace("", "（未注明）"), grades).reindex(columns=codes, fill_value=0)
    ranked = _ranked(table.sum(axis=1))
    return [(label, [int(v) for v in table.loc[label]]) for label, _ in ranked]


def _fulfilment_section(fulfilment: pd.DataFrame, names: dict[str, str]) -> Section:
    """践诺率 by commitment item and by year of 承诺日期, with the counts behind each rate."""
    by_item = fulfilment.groupby("item", sort=True)[list(COUNTS)].sum()
    by_year = fulfilment.groupby("year", sort=True)[list(COUNTS)].sum()
    labels = {str(i): f"{names[str(i)]}（{i}）" if names.get(str(i)) else str(i) for i in by_item.index}
    checked = by_item[by_item["checked"] > 0]
    rates = (checked["kept"] / checked["checked"] * 100).round(1).rename(index=labels)
    charts = [
        bar_chart(
            "fulfilment-items", "各承诺事项践诺率", _ranked(rates), "%", ("承诺事项", "践诺率"), summed=False
        ),
        _counts_table(
            "各承诺事项履约情况", "承诺事项", [(labels[str(i)], row) for i, row in by_item.iterrows()]
        ),
    ]
    years = by_year[by_year["checked"] > 0]
    year_rates = [(f"{y} 年", round(float(r["kept"] / r["checked"] * 100), 1)) for y, r in years.iterrows()]
    charts.append(
        bar_chart("fulfilment-years", "各年度践诺率", year_rates, "%", ("年度", "践诺率"), summed=False)
    )
    charts.append(
        _counts_table("各年度履约情况", "年度", [(f"{y} 年", row) for y, row in by_year.iterrows()])
    )
    t = by_item.sum()
    intro = (
        f"信用承诺共 {int(t['made']):,} 件，已核查 {int(t['checked']):,} 件，其中践诺 {int(t['kept']):,} 件、"
        f"失诺 {int(t['broken']):,} 件，践诺率 {rate_text(int(t['kept']), int(t['checked']))}。"
        "践诺率 = 践诺 ÷ 已核查；按承诺日期所在年度统计，核查中和已到期不再公示的承诺也计入，"
        "经信用修复、撤销的不计入。尚无核查结果的事项不画入图中，在表中显示为“—”。"
    )
    return Section("信用承诺履约情况", intro, charts)


def _counts_table(caption: str, heading: str, rows: list[tuple[str, pd.Series]]) -> Markup:
    cells = [
        (label, [str(int(row[c])) for c in COUNTS], rate_text(int(row["kept"]), int(row["checked"])))
        for label, row in rows
    ]
    headings = [heading, "承诺", "已核查", "践诺", "失诺", "践诺率"]
    return Markup(
        environment().get_template("counts_table.html").render(caption=caption, headings=headings, rows=cells)
    )
