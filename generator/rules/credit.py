"""The three credit kinds of issue #15: credit grades (evaluation), voluntary registrations (registration) and
commitment fulfilment (fulfilment) — their holds, the periods of fulfilment rows, and the commitment figures.

Stage: rules. Guarantees (shared contract of #15), using the schema's roles only:
- evaluation: expired results (有效期至 < as-of, unless ``keep_expired``; ≥ ``open_ended_from`` = no end) are
  held ``evaluation-expired``; of a subject's remaining rows (those no earlier hold takes) only the current grade
  is public — the latest 评价日期, ties broken by the larger record ID — the others are ``grade-superseded``.
  The subject key is the 统一社会信用代码 when filled, else (证件类型, 证件号码) before masking, else the name;
- registration: ``unverified: withhold`` holds 未核验 rows (``unverified-withheld``); past 有效期至 →
  ``registration-expired`` (empty = 长期);
- fulfilment: a 核查日期 after the as-of date → ``not-yet-effective``; 核查中 → ``fulfilment-pending``; 践诺 with
  ``kept: counted`` → ``kept-counted``; a 失诺 is public from its 核查日期 through 核查日期 + broken_max_months
  (that day included, as penalties: ``periods``), a public 践诺 through 核查日期 + kept_months; then ``expired``.
  The minimum period of a 失诺 ends on 核查日期 + broken_min_months (a repair decided on or before it is early);
- figures: per (dataset, item, year of 承诺日期) — made, checked, kept, broken — over the current rows that no
  withdrawal holds (public, ``expired``, ``fulfilment-pending`` and ``kept-counted`` rows count).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import numpy.typing as npt
import pandas as pd

from generator.config import DatasetConfig
from generator.model import FULFILMENT_COLUMNS, RECORD_ID, empty_fulfilment
from generator.rules.dates import NAT, DayCache, Days, add_months, day, iso
from generator.rules.models import Fulfilment, PublicationRules, Validity
from generator.rules.periods import first_day_gone
from generator.rules.withholding import Hold, hold
from generator.schema import Schema

CREDIT_KINDS = ("evaluation", "registration", "fulfilment")
PENDING, KEPT, BROKEN = "核查中", "践诺", "失诺"
UNVERIFIED = "未核验"
# Ledger reasons under which a fulfilment row still counts in the figures (all others are withdrawals).
COUNTED_REASONS = frozenset({"expired", "fulfilment-pending", "kept-counted"})


@dataclass(frozen=True)
class CreditRules:
    """A credit-kind dataset's own holds, and per row its last public day and the last day of its minimum
    period (NaT where none applies)."""

    holds: list[Hold]
    end: Days
    min_end: Days


def credit_rules(
    config: DatasetConfig,
    frame: pd.DataFrame,
    schema: Schema,
    rules: PublicationRules,
    as_of: date,
    days: DayCache,
    earlier: list[Hold],
) -> CreditRules:
    """The holds of one evaluation, registration or fulfilment dataset, after the ``earlier`` (generic) ones."""
    kind, none = config.kind, np.full(len(frame), NAT, dtype="datetime64[D]")
    if kind == "evaluation" and rules.evaluations is not None:
        expired = _expired(frame, schema, rules.evaluations, as_of, days, "evaluation-expired")
        return CreditRules(
            [*expired, _superseded_grades(frame, schema, days, [*earlier, *expired])], none, none
        )
    if kind == "registration" and rules.registrations is not None:
        holds = _unverified(frame, schema) if config.unverified == "withhold" else []
        holds += _expired(frame, schema, rules.registrations, as_of, days, "registration-expired")
        return CreditRules(holds, none, none)
    if kind == "fulfilment" and rules.fulfilment is not None:
        return _fulfilment(frame, schema, rules.fulfilment, as_of, days)
    return CreditRules([], none, none)


def _expired(
    frame: pd.DataFrame, schema: Schema, config: Validity, as_of: date, days: DayCache, reason: str
) -> list[Hold]:
    """Rows past their 有效期至 (still public on that day); empty or ≥ open_ended_from = no end."""
    field_name = schema.role("valid_until")
    if config.keep_expired or field_name is None or field_name not in frame.columns:
        return []
    until = days(field_name)
    past = ~np.isnat(until) & (until < day(config.open_ended_from)) & (until < day(as_of))
    rows = np.flatnonzero(past)
    values = frame[field_name].iloc[rows].reset_index(drop=True)
    return [Hold(reason, rows, "有效期至 " + values + "，已过期", field_name, values)]


def _superseded_grades(frame: pd.DataFrame, schema: Schema, days: DayCache, earlier: list[Hold]) -> Hold:
    """Among the rows no earlier hold takes, all but each subject's latest result (评价日期, then record ID)."""
    taken = np.zeros(len(frame), dtype=bool)
    for item in earlier:
        taken[item.rows] = True
    candidates = np.flatnonzero(~taken)
    date_field = schema.role("date") or ""
    dated = days(date_field)[candidates] if date_field in frame.columns else np.full(len(candidates), NAT)
    order = pd.DataFrame(
        {
            "subject": subject_keys(frame, schema).iloc[candidates].to_numpy(),
            "day": dated.astype("datetime64[D]").astype(np.int64),
            "id": frame[RECORD_ID].iloc[candidates].to_numpy(),
            "row": candidates,
        }
    ).sort_values(["subject", "day", "id"], kind="stable")
    older = order["row"].to_numpy()[order["subject"].duplicated(keep="last").to_numpy()]
    rows = np.sort(older)
    values = frame[date_field].iloc[rows].reset_index(drop=True) if date_field in frame.columns else ""
    text = "该主体有评价日期更晚的评价结果，仅公示当前（最新）的信用等级"
    return Hold("grade-superseded", rows, text, date_field, values)


def subject_keys(frame: pd.DataFrame, schema: Schema) -> pd.Series:
    """Per row: ``C:``统一社会信用代码 when filled, else ``P:``证件类型/证件号码 when filled, else ``N:``name."""

    def column(role: str) -> pd.Series:
        name = schema.role(role)
        if name is None or name not in frame.columns:
            return pd.Series("", index=frame.index, dtype="str")
        return frame[name].astype("str").fillna("").str.strip()

    code, id_type, number, name = (
        column(r) for r in ("subject_code", "id_type", "id_number", "subject_name")
    )
    keys = np.where(
        code != "", "C:" + code, np.where(number != "", "P:" + id_type + "\x1f" + number, "N:" + name)
    )
    return pd.Series(keys, index=frame.index, dtype="str")


def _unverified(frame: pd.DataFrame, schema: Schema) -> list[Hold]:
    name = schema.role("verification") or ""
    if name not in frame.columns:
        return []
    mask = (frame[name] == UNVERIFIED).to_numpy()
    return [
        hold(
            "unverified-withheld",
            mask,
            "未经核验的自愿注册信息，按数据集设置（unverified: withhold）不予公示",
            name,
        )
    ]


def fulfilment_periods(
    frame: pd.DataFrame, schema: Schema, config: Fulfilment, days: DayCache
) -> tuple[Days, Days]:
    """Per row: the last public day (失诺; 践诺 when ``kept: public``) and the last day of the minimum period
    (失诺 with broken_min_months > 0), both counted from the 核查日期; NaT where none applies."""
    result_field, checked_field = schema.role("result") or "", schema.role("checked_on") or ""
    none = np.full(len(frame), NAT, dtype="datetime64[D]")
    if result_field not in frame.columns or checked_field not in frame.columns:
        return none, none
    result = frame[result_field].to_numpy(dtype=object)
    checked = days(checked_field)
    broken, kept = result == BROKEN, result == KEPT
    months = np.where(broken, config.broken_max_months, config.kept_months).astype(np.int64)
    shown = (broken | (kept & (config.kept == "public"))) & ~np.isnat(checked)
    end = np.where(shown, add_months(checked, months), NAT)
    minimum = np.full(len(frame), config.broken_min_months, dtype=np.int64)
    repairable = broken & ~np.isnat(checked) & (config.broken_min_months > 0)
    return end, np.where(repairable, add_months(checked, minimum), NAT)


def _fulfilment(
    frame: pd.DataFrame, schema: Schema, config: Fulfilment, as_of: date, days: DayCache
) -> CreditRules:
    """Holds and periods of commitment-fulfilment rows."""
    end, min_end = fulfilment_periods(frame, schema, config, days)
    result_field, checked_field = schema.role("result") or "", schema.role("checked_on") or ""
    if result_field not in frame.columns or checked_field not in frame.columns:
        return CreditRules([], end, min_end)
    result = frame[result_field].to_numpy(dtype=object)
    checked = days(checked_field)
    future = ~np.isnat(checked) & (checked > day(as_of))
    holds = [
        Hold("not-yet-effective", np.flatnonzero(future), f"核查日期晚于基准日 {as_of.isoformat()}", checked_field,
             frame[checked_field][future].reset_index(drop=True)),
        hold("fulfilment-pending", result == PENDING, "核查中的信用承诺，仅计入履约统计，不单独公示", result_field),
    ]  # fmt: skip
    if config.kept == "counted":
        text = "已践诺的信用承诺按公示规则仅计入履约统计，不单独公示"
        holds.append(hold("kept-counted", result == KEPT, text, result_field))
    holds.append(_fulfilment_expired(end, as_of))
    return CreditRules(holds, end, min_end)


def _fulfilment_expired(end: Days, as_of: date) -> Hold:
    rows = np.flatnonzero(~np.isnat(end) & (end < day(as_of)))
    last, gone = iso(end[rows]), iso(first_day_gone(end[rows]))
    return Hold(
        "expired",
        rows,
        "公示期届满：公示至 " + last + "（含当日），" + gone + " 起不再公示",
        "公示截止",
        last,
    )


def fulfilment_figures(
    dataset: str, frame: pd.DataFrame, schema: Schema, public: npt.NDArray[np.bool_], reasons: pd.Series
) -> pd.DataFrame:
    """The commitment figures of one fulfilment dataset (``FULFILMENT_COLUMNS``), from the settled rows:
    ``reasons`` are the ledger reasons of the withheld rows, in row order."""
    item_field, date_field, result_field = (
        schema.role(r) or "" for r in ("commitment_item", "date", "result")
    )
    if not all(f in frame.columns for f in (item_field, date_field, result_field)):
        return empty_fulfilment()
    counted = public.copy()
    counted[np.flatnonzero(~public)] = reasons.isin(COUNTED_REASONS).to_numpy()
    rows = np.flatnonzero(counted)
    result = frame[result_field].iloc[rows].to_numpy(dtype=object)
    parts = pd.DataFrame(
        {
            "item": frame[item_field].iloc[rows].to_numpy(dtype=object),
            "year": frame[date_field].iloc[rows].str.slice(0, 4).astype("int64").to_numpy(),
            "made": 1,
            "checked": ((result == KEPT) | (result == BROKEN)).astype(np.int64),
            "kept": (result == KEPT).astype(np.int64),
            "broken": (result == BROKEN).astype(np.int64),
        }
    )
    if parts.empty:
        return empty_fulfilment()
    summed = parts.groupby(["item", "year"], sort=True, as_index=False).sum()
    summed.insert(0, "dataset", dataset)
    return (
        summed[list(FULFILMENT_COLUMNS)]
        .astype({c: "int64" for c in FULFILMENT_COLUMNS[2:]})
        .astype({"dataset": "str", "item": "str"})
    )


def public_until(end: Days) -> pd.Series:
    """ISO first day gone per row ('' where there is no computed end)."""
    return iso(first_day_gone(end))
