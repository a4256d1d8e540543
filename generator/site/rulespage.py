"""The facts of the 公示规则 guide page, read from the catalog's ``rules/publication.yaml``.

Stage: render site. Guarantees: every period, class and number the page states comes from the rules the build
applied (never from text in a template), so the page cannot drift from what the portal does; the wording is
plain Chinese for the public.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from generator.model import DatasetSpec
from generator.rules.models import Fulfilment, Period, PublicationRules, RuleSet, SectorPeriod, Validity
from generator.rules.vocab import SEVERITIES

UNVERIFIED = {"show": "公示，并标注“主体自主申报，未经核验”", "withhold": "不公示，核验后再公示"}


def rules_facts(rules: PublicationRules | None, datasets: Iterable[DatasetSpec] = ()) -> dict[str, Any]:
    """What the rules page shows: not-published classes, one row per rule set, severity, licences, and the
    credit kinds' rules (evaluations, registrations — with each registration dataset's handling of unverified
    items, from ``datasets`` — and commitment fulfilment); empty when the publication was made without rules
    (the page then states only what holds everywhere)."""
    if rules is None:
        return {}
    penalty = rules.penalty
    return _credit_kinds(rules, list(datasets)) | {
        "working_days": rules.timeliness.working_days,
        "withheld": withheld_classes(rules),
        "rule_sets": [_rule_set(s, _end(penalty.rule_sets, i)) for i, s in enumerate(penalty.rule_sets)],
        "severities": SEVERITIES,  # the columns of the periods table, lowest first
        "earlier": _earlier(penalty.earlier_decisions, penalty.rule_sets[0].start),
        "severe": _categories(rules, "严重"),
        "minor": _categories(rules, "轻微"),
        "default_severity": penalty.severity.default,
        "open_ended_from": rules.licensing.open_ended_from.isoformat(),
        "licences_kept": rules.licensing.keep_expired,
    }


def withheld_classes(rules: PublicationRules) -> list[str]:
    """The kinds of penalty decisions never published, in plain words."""
    never = rules.penalty.not_published
    found = []
    if never.warning_only:
        found.append(f"仅给予{'、'.join(never.warning_categories)}的处罚")
    if never.simple_procedure:
        found.append("适用简易程序（当场作出）的处罚")
    if any(not p.publish for s in rules.penalty.rule_sets for p in s.periods.values()):
        found.append("规定不予公示的失信程度的处罚（见下表）")
    found.append(f"涉及未成年人（决定作出时未满 {rules.privacy.minor_age} 周岁）的案件")
    return found


def months(count: int) -> str:
    """3 → "3 个月", 12 → "1 年", 18 → "1 年 6 个月"."""
    years, rest = divmod(count, 12)
    parts = ([f"{years} 年"] if years else []) + ([f"{rest} 个月"] if rest or not years else [])
    return " ".join(parts)


def period_text(period: Period) -> str:
    if not period.publish:
        return "不公示"
    if period.min_months == 0:
        return f"最长 {months(period.max_months)}"
    return f"最短 {months(period.min_months)}，最长 {months(period.max_months)}"


def _rule_set(rule_set: RuleSet, end: date | None) -> dict[str, Any]:
    return {
        "title": rule_set.title,
        "start": rule_set.start.isoformat(),
        "end": end.isoformat() if end else "",
        "periods": {k: period_text(p) for k, p in rule_set.periods.items()},
        "sectors": [_sector(name, s) for name, s in rule_set.sectors.items()],
    }


def _end(rule_sets: list[RuleSet], i: int) -> date | None:
    """The first decision date a set no longer applies to: its own ``until`` or the next set's start."""
    if rule_sets[i].until:
        return rule_sets[i].until
    return rule_sets[i + 1].start if i + 1 < len(rule_sets) else None


def _sector(name: str, sector: SectorPeriod) -> str:
    bounds = [f"最短不少于 {months(sector.min_months)}" if sector.min_months is not None else "",
              f"最长可达 {months(sector.max_months)}" if sector.max_months is not None else ""]  # fmt: skip
    return f"{name}领域的处罚" + "，".join(b for b in bounds if b)


def _earlier(policy: str, first: date) -> str:
    if policy == "withhold":
        return f"{first.isoformat()} 之前作出的处罚决定不在本门户公示。"
    return f"{first.isoformat()} 之前作出的处罚决定按第一套规则执行。"


def _categories(rules: PublicationRules, severity: str) -> list[str]:
    return [c for c, s in rules.penalty.severity.categories.items() if s == severity]


def _credit_kinds(rules: PublicationRules, datasets: list[DatasetSpec]) -> dict[str, Any]:
    """The sections of publication.yaml for the credit kinds (#15), each ``None`` when the rules have none."""
    registrations = [
        {"title": d.config.title, "unverified": UNVERIFIED[d.config.unverified]}
        for d in sorted(datasets, key=lambda d: d.id)
        if d.config.kind == "registration"
    ]
    registered = _validity(rules.registrations)
    return {
        "evaluations": _validity(rules.evaluations),
        "registrations": {**registered, "datasets": registrations} if registered else None,
        "fulfilment": _fulfilment(rules.fulfilment) if rules.fulfilment else None,
    }


def _validity(validity: Validity | None) -> dict[str, Any] | None:
    if validity is None:
        return None
    return {"keep_expired": validity.keep_expired, "open_ended_from": validity.open_ended_from.isoformat()}


def _fulfilment(rules: Fulfilment) -> dict[str, Any]:
    return {
        "broken_min": months(rules.broken_min_months) if rules.broken_min_months else "",
        "broken_max": months(rules.broken_max_months),
        "kept_public": rules.kept == "public",
        "kept_months": months(rules.kept_months),
    }
