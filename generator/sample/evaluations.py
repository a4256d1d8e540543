"""Synthetic 信用评价结果 (kind evaluation): 公共信用综合评价 and sector grades (食品, 建筑, 交通运输) on an A–D scale.

Stage: sample. Guarantees: each graded subject has a history of consecutive rounds of one programme (yearly
each April, or quarterly for 建筑 from 2023), so later results supersede earlier ones and subjects no longer
graded have expired results (yearly results are valid two years, quarterly ones half a year); grades drift slowly
from a subject's usual grade; unique keys (评价编号 serial per 评价机关 and year); ``featured`` subjects of the
context get D as their latest grade in the latest round of their programme; organisations and some 个体工商户.
"""

from __future__ import annotations

import functools
from datetime import date

import numpy as np

from generator.sample import fmt, subjects
from generator.sample import plan as P
from generator.sample.context import DEPT_INDEX, Context
from generator.sample.credit_defs import FIRST_YEAR, GRADES, PROGRAMMES, QUARTERS_FROM, Programme
from generator.sample.departments import column
from generator.sample.names_data import GROUP_INDEX
from generator.sample.plan import Plan
from generator.sample.rand import I64, Obj, strs
from generator.sample.subjects import IND, ORG

D_GRADE = len(GRADES) - 1
HISTORY = (0.35, 0.3, 0.2, 0.15)  # P(a subject has 1, 2, 3, 4 consecutive results)
PLAN_COLUMNS = ("prog", "kind", "group", "number", "round", "grade", "featured")
SCORES = ((90, 99), (75, 89), (60, 74), (40, 59))  # 综合得分 range per grade


@functools.cache
def rounds(p: Programme) -> list[int]:
    """Result days of a programme's rounds (before working-day adjustment), oldest first, within the span."""
    if p.quarterly:
        days = [P.as_day(date(y, m, 15)) for y in range(QUARTERS_FROM, P.END.year + 1) for m in (1, 4, 7, 10)]
    else:
        days = [P.as_day(date(y, 4, 15)) for y in range(FIRST_YEAR, P.END.year + 1)]
    return [d for d in days if d <= P.END_DAY - 10]


def programme_for(group: int) -> int:
    """The sector programme of a featured subject's industry group, else 综合 (programme 0)."""
    for i, p in enumerate(PROGRAMMES):
        if i and any(GROUP_INDEX[g] == group for g in p.groups):
            return i
    return 0


def plan(ctx: Context, rng: np.random.Generator, n: int) -> Plan:
    rows: list[tuple[int, ...]] = []  # as PLAN_COLUMNS
    seen: set[tuple[int, int, int]] = set()
    featured = ctx.featured[: n // 4]
    for kind, group, number in featured:
        prog = programme_for(group)
        last = len(rounds(PROGRAMMES[prog])) - 1
        if len(featured) * 2 <= n // 2:
            rows.append((prog, kind, group, number, last - 1, D_GRADE - 1, 1))
        rows.append((prog, kind, group, number, last, D_GRADE, 1))
        seen.add((kind, group, number))
    weights = np.asarray([p.weight for p in PROGRAMMES])
    while len(rows) < n:
        prog = int(rng.choice(len(PROGRAMMES), p=weights / weights.sum()))
        who = _subject(ctx, rng, PROGRAMMES[prog], seen)
        rows += [(prog, *who, r, g, 0) for r, g in _history(rng, len(rounds(PROGRAMMES[prog])))]
    table = np.asarray(rows[:n], dtype=np.int64).reshape(n, len(PLAN_COLUMNS))
    cols = {k: table[:, i].copy() for i, k in enumerate(PLAN_COLUMNS)}
    base = np.asarray([rounds(PROGRAMMES[p])[r] for p, r in zip(cols["prog"], cols["round"], strict=True)])
    day = P.workdays(base.astype(np.int64) + rng.integers(0, 8, n))
    order = np.argsort(day, kind="stable")
    cols = {k: v[order] for k, v in cols.items()}
    day = day[order]
    cols["dept"] = np.asarray([DEPT_INDEX[PROGRAMMES[p].dept] for p in cols["prog"].tolist()], dtype=np.int64)
    cols["seq"] = P.serials(cols["dept"], day)
    return Plan(day, np.minimum(day + rng.integers(3, 21, n), P.END_DAY), cols)


def _subject(
    ctx: Context, rng: np.random.Generator, p: Programme, seen: set[tuple[int, int, int]]
) -> tuple[int, int, int]:
    """A subject of the programme's groups not graded yet (a few tries: the pool may be small), never a featured
    one (its D must stay its latest grade)."""
    tries = 0
    while True:
        kind = IND if rng.random() < p.ind_share else ORG
        group = GROUP_INDEX[p.groups[int(rng.integers(0, len(p.groups)))]]
        who = (kind, group, int(ctx.draw(rng, np.asarray([kind]))[0]))
        tries += 1
        if who not in seen or (tries > 6 and who not in ctx.featured):
            seen.add(who)
            return who


def _history(rng: np.random.Generator, n_rounds: int) -> list[tuple[int, int]]:
    """(round, grade) of one subject's consecutive results: mostly up to the latest round, some stopped earlier."""
    k = min(int(rng.choice(len(HISTORY), p=HISTORY)) + 1, n_rounds)
    last = n_rounds - 1
    if rng.random() >= 0.8 and n_rounds > k:
        last = int(rng.integers(k - 1, n_rounds - 1))
    weights = np.asarray([g[4] for g in GRADES], dtype=np.float64)
    grade = int(rng.choice(len(GRADES), p=weights / weights.sum()))
    out = []
    for r in range(last - k + 1, last + 1):
        out.append((r, grade))
        if rng.random() < 0.3:
            grade = int(np.clip(grade + rng.choice((-1, 1)), 0, D_GRADE))
    return out


def materialise(ctx: Context, plan: Plan, idx: I64, alter: I64, fix_day: I64) -> dict[str, Obj]:
    """The PJ_ columns of results ``idx``; a corrected original (``alter`` 1) carries a wrong 有效期至."""
    c = {k: v[idx] for k, v in plan.cols.items()}
    day = plan.day[idx]
    subj = subjects.columns(c["kind"], c["group"], c["number"], ctx.seed)
    dept = functools.partial(column, index=c["dept"])
    prog = functools.partial(_programme_column, index=c["prog"])
    quarterly = np.asarray([p.quarterly for p in PROGRAMMES])[c["prog"]]
    valid = np.where(quarterly, 182, 730)
    low, high = (np.asarray([s[i] for s in SCORES])[c["grade"]] for i in (0, 1))
    score = low + (np.asarray(idx, dtype=np.int64) * 7 + c["number"]) % (high - low + 1)
    out = {
        "PJ_MC": subj["name"], "PJ_ZTLB": subj["label"], "PJ_SHXYM": subj["uscc"], "PJ_ZJLX": subj["id_type"],
        "PJ_ZJHM": subj["id_no"], "PJ_PJDJ": np.asarray([g[0] for g in GRADES], dtype=object)[c["grade"]],
        "PJ_HYLY": prog("sector"),
        "PJ_PJYJ": "依据" + prog("basis") + "，" + _period(day, quarterly) + "评价，综合得分" + strs(score) + "分",
        "PJ_PJJG": dept("name"), "PJ_PJJGDM": dept("code"),
        "PJ_PJBH": dept("short") + prog("mid") + "〔" + strs(P.day_years(day)) + "〕" + fmt.padded(c["seq"], 4) + "号",
        "PJ_PJRQ": fmt.iso(day), "PJ_YXQZ": fmt.iso(day + valid - 1 + np.where(alter == 1, 365, 0)),
    }  # fmt: skip
    note = "更正：有效期至录入有误，已更正（" + fmt.iso(fix_day) + "）"
    out["BZ"] = np.where(alter == 2, note, "").astype(object)
    return out


def _programme_column(attr: str, index: I64) -> Obj:
    return np.asarray(np.asarray([getattr(p, attr) for p in PROGRAMMES], dtype=object)[index], dtype=object)


def _period(day: I64, quarterly: np.ndarray) -> Obj:
    """The period a result grades: the previous year (yearly rounds) or the previous quarter."""
    year = P.day_years(day)
    month = day.astype("datetime64[D]").astype("datetime64[M]").astype(np.int64) % 12
    q_year, quarter = np.where(month < 3, year - 1, year), np.where(month < 3, 4, month // 3)
    out = np.where(quarterly, strs(q_year) + "年第" + strs(quarter) + "季度", strs(year - 1) + "年度")
    return np.asarray(out, dtype=object)


def dataset_yaml() -> str:
    """dataset.yaml of the evaluation dataset, with the grade scale."""
    lines = [f"  - code: {code}\n    title: {title}\n    meaning: {meaning}\n    badge: {str(badge).lower()}"
             for code, title, meaning, badge, _ in GRADES]  # fmt: skip
    return EVALUATION_YAML + "grades:\n" + "\n".join(lines) + "\n"


EVALUATION_YAML = """\
kind: evaluation
title: 信用评价结果
description: >-
  临江市公共信用综合评价结果和食品、建筑、交通运输等行业信用评价结果（分级分类监管等级）。每个主体只公示
  当前有效的最新评价结果；评价结果在有效期内公示，过期或被新的评价结果取代后停止公示。
publisher: 临江市发展和改革委员会、临江市市场监督管理局、临江市住房和城乡建设局、临江市交通运输局
update_frequency: quarterly
keywords: [公共信用综合评价, 行业信用评价, 分级分类监管, 信用等级]
issued: 2021-05-01
"""
