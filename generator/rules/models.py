"""Typed models of ``rules/publication.yaml`` and ``rules/calendar.yaml``.

Stage: rules (configuration half). Guarantees: every key is documented (``description``) and required unless it
is genuinely optional, so every number the rules use is catalog data, never a default hidden in code; unknown
keys are errors. Cross-field consistency (overlapping rule sets, min > max, unknown severities) is checked by
``generator.rules.consistency``, which names the file and the key.
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from generator.config import DatasetKind


class Strict(BaseModel):
    """Unknown keys are errors; models are immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class Period(Strict):
    """How long a penalty of one severity is public under one rule set (months; a year is 12 months)."""

    publish: bool = Field(description="false: penalties of this severity are not published at all.")
    min_months: int = Field(ge=0, description="Minimum publication period: repair is possible after it.")
    max_months: int = Field(ge=1, description="Maximum publication period: the record is taken down then.")


class SectorPeriod(Strict):
    """A sector's own minimum/maximum under one rule set (e.g. 特种设备 min 12 months under Order No. 58)."""

    min_months: int | None = Field(default=None, ge=0, description="Raises the minimum period to this.")
    max_months: int | None = Field(default=None, ge=1, description="Raises the maximum period to this.")


class RuleSet(Strict):
    """One national (or local) rule set, chosen by the penalty's decision date."""

    id: str = Field(description="Short stable id, e.g. fgw-2019-527.")
    title: str = Field(description="Document name and number, shown in the report.")
    start: date = Field(alias="from", description="First decision date the set applies to.")
    until: date | None = Field(
        default=None,
        description="First decision date it no longer applies to; only the last set may leave a gap after it.",
    )
    periods: dict[str, Period] = Field(description="Severity (轻微/一般/严重) → period; all three required.")
    sectors: dict[str, SectorPeriod] = Field(
        default_factory=dict,
        description="Sector → its own minimum/maximum (sector names as in penalty.sectors).",
    )


class SeverityMapping(Strict):
    """Severity of a penalty whose 失信程度 (CF_SXCD) is empty, from its 处罚类别 (CF_CFLB)."""

    default: str = Field(description="Severity of a category not listed below (and of an empty category).")
    categories: dict[str, str] = Field(
        description="Normalised category → severity; a decision with several takes the most severe."
    )


class Sectors(Strict):
    """How a penalty's sector is recognised: the first field containing a keyword decides, then the first sector."""

    fields: list[str] = Field(description="Penalty fields searched for keywords, e.g. [CF_LY, CF_YJ].")
    keywords: dict[str, list[str]] = Field(description="Sector → keywords (plain substrings).")


class NotPublished(Strict):
    """Penalty classes that are never published, whatever the rule set."""

    simple_procedure: bool = Field(description="Withhold penalties decided by 简易程序 (当场处罚, CF_CXLX).")
    warning_only: bool = Field(description="Withhold penalties whose categories are all warning_categories.")
    warning_categories: list[str] = Field(description="The categories that count as 'warning only'.")


class PenaltyRules(Strict):
    """行政处罚: publication periods by rule set (domain.md §3)."""

    earlier_decisions: Literal["earliest-set", "withhold"] = Field(
        description="Decisions before the earliest rule set: apply the earliest set, or withhold them."
    )
    severity: SeverityMapping = Field(description="Severity from 处罚类别 when 失信程度 is empty.")
    sectors: Sectors = Field(description="Sector recognition for sector-specific periods.")
    not_published: NotPublished = Field(description="Classes never published.")
    rule_sets: list[RuleSet] = Field(min_length=1, description="The rule sets, by start date.")


class Validity(Strict):
    """Records public while valid: licences, list entries, other administrative acts."""

    keep_expired: bool = Field(description="true: keep publishing after the valid-until date.")
    open_ended_from: date = Field(description="A valid-until date on or after this means 长期 (no end).")


class Fulfilment(Strict):
    """信用承诺履约: how long 失诺 (and, when public, 践诺) records are public, from their 核查日期."""

    broken_min_months: int = Field(
        ge=0, description="失诺: minimum publication period; a repair is possible after it (like a penalty)."
    )
    broken_max_months: int = Field(ge=1, description="失诺: taken down after this many months.")
    kept: Literal["public", "counted"] = Field(
        description="践诺: public (for kept_months) or only counted in the commitment column's figures."
    )
    kept_months: int = Field(ge=1, description="践诺, when public: taken down after this many months.")


class Privacy(Strict):
    """Privacy, applied last (domain.md §6)."""

    mask_head: int = Field(ge=0, le=6, description="Characters of an ID number kept at the start (≤ 6).")
    mask_tail: int = Field(ge=0, le=4, description="Characters of an ID number kept at the end (≤ 4).")
    minor_age: int = Field(
        ge=1, description="A natural person younger than this on the decision date is a minor."
    )
    drop_fields: list[str] = Field(
        description="Field names or titles never published (address, phone, bank account, health, …)."
    )


class Timeliness(Strict):
    """The working-day deadline for first publication (7 个工作日)."""

    working_days: int = Field(ge=0, description="A record is timely when published within this many.")
    kinds: list[DatasetKind] = Field(description="Dataset kinds measured (e.g. penalty, licensing).")


class PublicationRules(Strict):
    """``rules/publication.yaml``."""

    penalty: PenaltyRules = Field(description="行政处罚 publication periods.")
    licensing: Validity = Field(description="行政许可: public while 有效期至 ≥ as-of.")
    lists: Validity = Field(description="Lists: public until 移出日期 and while 有效期至 ≥ as-of.")
    other_acts: Validity = Field(
        description="Other acts: as licences when the schema has a valid-until role."
    )
    evaluations: Validity | None = Field(
        default=None,
        description="信用评价结果: public while 有效期至 ≥ as-of (only the subject's current grade). Required "
        "when the catalog has an evaluation dataset.",
    )
    registrations: Validity | None = Field(
        default=None,
        description="自愿注册信息: public while 有效期至 ≥ as-of (empty = 长期). Required when the catalog has a "
        "registration dataset.",
    )
    fulfilment: Fulfilment | None = Field(
        default=None,
        description="信用承诺履约信息: periods of 失诺 and 践诺. Required when the catalog has a fulfilment dataset.",
    )
    privacy: Privacy = Field(description="Masking, dropped fields, minors.")
    timeliness: Timeliness = Field(description="Working-day timeliness of first publication.")


class YearSchedule(Strict):
    """The official holiday schedule of one year (国务院办公厅关于 YYYY 年部分节假日安排的通知)."""

    complete: bool = Field(description="true: these lists are the year's whole official schedule.")
    source: str = Field(default="", description="Where the schedule was published.")
    holidays: list[date] = Field(default_factory=list, description="Days off (放假), weekdays or not.")
    workdays: list[date] = Field(default_factory=list, description="Makeup working days (调休上班).")


class CalendarRules(Strict):
    """``rules/calendar.yaml``: overrides on top of chinese_calendar, and years it does not cover."""

    years: dict[int, YearSchedule] = Field(default_factory=dict, description="Year → schedule.")
