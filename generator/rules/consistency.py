"""Cross-field checks of the rule files that a pydantic model cannot express on its own.

Stage: rules (configuration half). Guarantees: an inconsistent rule file yields CONFIG problems naming the file
and the key (``penalty.rule_sets[1].periods.一般``) — overlapping or gapped rule sets, min > max (penalty periods
and 失诺's ``fulfilment`` periods), unknown
severities, sectors or categories, calendar dates outside their year — never an exception.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from itertools import pairwise

from generator.problems import Problem, problem
from generator.rules.models import CalendarRules, PenaltyRules, PublicationRules, RuleSet
from generator.rules.vocab import CATEGORIES, SEVERITIES


def check_publication(rules: PublicationRules, shown: str) -> list[Problem]:
    """Every consistency problem of a publication rule file (empty when it is usable)."""
    found = [*_severity_names(rules.penalty), *_set_order(rules.penalty.rule_sets), *_fulfilment(rules)]
    for i, rule_set in enumerate(rules.penalty.rule_sets):
        found += _set_periods(rule_set, f"penalty.rule_sets[{i}]", set(rules.penalty.sectors.keywords))
    return [problem(code, f"{shown}: {key}: {text}", file=shown, field=key) for code, key, text in found]


def check_calendar(calendar: CalendarRules, shown: str) -> list[Problem]:
    """Dates listed under a year must fall in it, and no day may be both a holiday and a workday."""
    found: list[Problem] = []
    for year, schedule in calendar.years.items():
        for kind, days in (("holidays", schedule.holidays), ("workdays", schedule.workdays)):
            for day in days:
                if day.year != year:
                    found.append(_calendar_problem(shown, f"years.{year}.{kind}", day, f"不属于 {year} 年"))
        for day in sorted(set(schedule.holidays) & set(schedule.workdays)):
            found.append(_calendar_problem(shown, f"years.{year}", day, "同时列为放假日和调休上班日"))
    return found


def _calendar_problem(shown: str, key: str, day: date, text: str) -> Problem:
    message = f"{shown}: {key}: {day.isoformat()} {text}"
    return problem("rules-calendar-inconsistent", message, file=shown, field=key, value=day.isoformat())


Found = Iterator[tuple[str, str, str]]  # (code, key, message)


def _severity_names(penalty: PenaltyRules) -> Found:
    mapping = penalty.severity
    if mapping.default not in SEVERITIES:
        yield "rules-unknown-severity", "penalty.severity.default", f"未定义的失信程度 {mapping.default!r}"
    for category, severity in mapping.categories.items():
        key = f"penalty.severity.categories.{category}"
        if severity not in SEVERITIES:
            yield "rules-unknown-severity", key, f"未定义的失信程度 {severity!r}"
        if category not in CATEGORIES:
            yield (
                "rules-unknown-category",
                key,
                f"处罚类别 {category!r} 不是规范的处罚类别名（见 penalty.yaml 词表）",
            )
    for category in penalty.not_published.warning_categories:
        if category not in CATEGORIES:
            key = "penalty.not_published.warning_categories"
            yield (
                "rules-unknown-category",
                key,
                f"处罚类别 {category!r} 不是规范的处罚类别名（见 penalty.yaml 词表）",
            )


def _fulfilment(rules: PublicationRules) -> Found:
    """失诺's minimum publication period cannot exceed its maximum."""
    if (own := rules.fulfilment) is not None and own.broken_min_months > own.broken_max_months:
        text = f"失诺最短公示期 {own.broken_min_months} 个月大于最长公示期 {own.broken_max_months} 个月"
        yield "rules-min-above-max", "fulfilment.broken_min_months", text


def _set_periods(rule_set: RuleSet, key: str, sectors: set[str]) -> Found:
    for severity in sorted(set(rule_set.periods) - set(SEVERITIES)):
        yield "rules-unknown-severity", f"{key}.periods.{severity}", f"未定义的失信程度 {severity!r}"
    for severity in SEVERITIES:
        if severity not in rule_set.periods:
            yield "rules-unknown-severity", f"{key}.periods", f"缺少失信程度 {severity} 的公示期"
    for severity, period in rule_set.periods.items():
        if period.min_months > period.max_months:
            text = f"最短公示期 {period.min_months} 个月大于最长公示期 {period.max_months} 个月"
            yield "rules-min-above-max", f"{key}.periods.{severity}", text
    yield from _set_sectors(rule_set, key, sectors)


def _set_sectors(rule_set: RuleSet, key: str, sectors: set[str]) -> Found:
    for name, sector in rule_set.sectors.items():
        if name not in sectors:
            yield (
                "rules-unknown-sector",
                f"{key}.sectors.{name}",
                f"领域 {name!r} 未在 penalty.sectors.keywords 中定义",
            )
        low = sector.min_months or 0
        for severity, period in rule_set.periods.items():
            if period.publish and low > max(period.max_months, sector.max_months or 0):
                text = f"领域最短公示期 {low} 个月大于 {severity} 的最长公示期 {period.max_months} 个月"
                yield "rules-min-above-max", f"{key}.sectors.{name}", text


def _set_order(rule_sets: list[RuleSet]) -> Found:
    ids = [s.id for s in rule_sets]
    for dup in sorted({i for i in ids if ids.count(i) > 1}):
        yield "rules-overlapping-sets", "penalty.rule_sets", f"规则集编号 {dup!r} 重复"
    ordered = sorted(enumerate(rule_sets), key=lambda pair: pair[1].start)
    for (_, first), (j, second) in pairwise(ordered):
        yield from _pair(first, second, f"penalty.rule_sets[{j}]")
    for i, rule_set in enumerate(rule_sets):
        if rule_set.until is not None and rule_set.until <= rule_set.start:
            yield "rules-overlapping-sets", f"penalty.rule_sets[{i}].until", "until 必须晚于 from"


def _pair(first: RuleSet, second: RuleSet, key: str) -> Found:
    if first.start == second.start:
        yield "rules-overlapping-sets", key, f"规则集 {first.id} 与 {second.id} 的生效日期相同"
    elif first.until is not None and first.until > second.start:
        text = f"规则集 {first.id}（至 {first.until}）与 {second.id}（自 {second.start}）的适用期间重叠"
        yield "rules-overlapping-sets", key, text
    elif first.until is not None and first.until < second.start:
        text = f"规则集 {first.id}（至 {first.until}）与 {second.id}（自 {second.start}）之间留有空档"
        yield "rules-overlapping-sets", key, text
