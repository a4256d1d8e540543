"""Synthetic 信用承诺履约信息 (kind fulfilment): commitments for 告知承诺 items, their check and its result.

Stage: sample. Guarantees: every 承诺事项编码 is a code of ``credit_defs.ITEMS`` (so of the catalog's
commitment-items list); commitments start on the item's 生效日期 at the earliest, more in recent years; the
check follows within the item's window — 核查中 when that lies after the sample's end, else mostly 践诺, some
失诺 with a 处理措施; unique keys (承诺编号 serial per 核查部门 and year); a correction re-sends a 核查中 commitment
with its result (original 核查中, later batch 践诺/失诺, same key); ``featured`` subjects of the context get a
recent 失诺 (核查日期 within half a year of the end); organisations, 个体工商户 and a few natural persons.
"""

from __future__ import annotations

import functools

import numpy as np

from generator.sample import fmt, subjects
from generator.sample import plan as P
from generator.sample.context import DEPT_INDEX, Context
from generator.sample.credit_defs import ANY_ITEM, ITEMS
from generator.sample.departments import column
from generator.sample.names_data import GROUP_INDEX
from generator.sample.plan import Plan
from generator.sample.rand import I64, Obj, between, chance, salt, strs
from generator.sample.subjects import PERSON

KEPT, BROKEN, PENDING = 0, 1, 2
RESULTS = ("践诺", "失诺", "核查中")
BROKEN_SHARE = 0.12
_EFFECTIVE = np.asarray([P.as_day(i.effective) for i in ITEMS], dtype=np.int64)
_CHECK = np.asarray([i.check_days for i in ITEMS], dtype=np.int64)


def plan(ctx: Context, rng: np.random.Generator, n: int) -> Plan:
    w = np.asarray([i.weight for i in ITEMS], dtype=np.float64)
    cols = {"item": rng.choice(len(ITEMS), n, p=w / w.sum()).astype(np.int64)}
    cols.update({k: np.zeros(n, dtype=np.int64) for k in ("kind", "group", "featured")})
    for i in np.unique(cols["item"]).tolist():
        m = cols["item"] == i
        shares = np.asarray(ITEMS[i].kinds, dtype=np.float64)
        cols["kind"][m] = rng.choice(3, int(m.sum()), p=shares / shares.sum())
        groups = np.asarray([GROUP_INDEX[g] for g in ITEMS[i].groups], dtype=np.int64)
        cols["group"][m] = groups[rng.integers(0, len(groups), int(m.sum()))]
    cols["group"][cols["kind"] == PERSON] = 0
    cols["number"] = ctx.draw(rng, cols["kind"])
    day = P.recent_days(rng, _EFFECTIVE[cols["item"]], P.END_DAY - 5, 0.6)
    low, high = _CHECK[cols["item"], 0], _CHECK[cols["item"], 1]
    checked = day + low + (rng.random(n) * (high - low + 1)).astype(np.int64)
    cols["result"] = np.where(
        checked > P.END_DAY, PENDING, np.where(rng.random(n) < BROKEN_SHARE, BROKEN, KEPT)
    )
    _feature(ctx, rng, n, cols, day, checked)
    cols["passport"] = subjects.uses_passport(cols["kind"], cols["group"], cols["number"], ctx.seed).astype(
        np.int64
    )
    order = np.argsort(day, kind="stable")
    cols, day, checked = {k: v[order] for k, v in cols.items()}, day[order], checked[order]
    cols["checked"] = np.minimum(checked, P.END_DAY)
    cols["dept"] = np.asarray([DEPT_INDEX[i.dept] for i in ITEMS], dtype=np.int64)[cols["item"]]
    cols["seq"] = P.serials(cols["dept"], day)
    sent = np.where(cols["result"] == PENDING, day, cols["checked"]) + rng.integers(3, 16, n)
    return Plan(day, np.minimum(sent, P.END_DAY), cols)


def _feature(
    ctx: Context, rng: np.random.Generator, n: int, cols: dict[str, I64], day: I64, checked: I64
) -> None:
    """The first rows become the featured subjects' recent 失诺, for an item of their industry if there is one."""
    for i, (kind, group, number) in enumerate(ctx.featured[: n // 4]):
        item = next((j for j, it in enumerate(ITEMS) if any(GROUP_INDEX[g] == group for g in it.groups)
                     and it.kinds[kind] > 0 and j != ANY_ITEM), ANY_ITEM)  # fmt: skip
        cols["item"][i], cols["kind"][i], cols["group"][i], cols["number"][i] = item, kind, group, number
        cols["result"][i], cols["featured"][i] = BROKEN, 1
        checked[i] = P.workdays(np.asarray([P.END_DAY - 20 - int(rng.integers(0, 150))]))[0]
        day[i] = max(int(_EFFECTIVE[item]), int(checked[i]) - int(_CHECK[item, 1]))


def materialise(ctx: Context, plan: Plan, idx: I64, alter: I64, fix_day: I64) -> dict[str, Obj]:
    """The LY_ columns of commitments ``idx``; a corrected original (``alter`` 1) is still 核查中."""
    c = {k: v[idx] for k, v in plan.cols.items()}
    day, s = plan.day[idx], salt(ctx.seed, "fulfilment")
    subj = subjects.columns(c["kind"], c["group"], c["number"], ctx.seed)
    dept = functools.partial(column, index=c["dept"])
    result = np.where(
        alter == 1, PENDING, np.where((alter == 2) & (c["result"] == PENDING), KEPT, c["result"])
    )
    checked = np.where(alter == 2, np.maximum(day + 1, fix_day - between(idx, s, 1, 15)), c["checked"])
    names = np.asarray([i.name for i in ITEMS], dtype=object)[c["item"]]
    measures = np.asarray([i.measure.format(name=i.name) for i in ITEMS], dtype=object)[c["item"]]
    blank = np.full(len(idx), "", dtype=object)
    out = {
        "LY_MC": subj["name"], "LY_ZTLB": subj["label"], "LY_SHXYM": subj["uscc"], "LY_ZJLX": subj["id_type"],
        "LY_ZJHM": subj["id_no"], "LY_SXBM": np.asarray([i.code for i in ITEMS], dtype=object)[c["item"]],
        "LY_SXMC": np.where(chance(idx, s + 1, 0.8), names, blank).astype(object),
        "LY_CNBH": dept("short") + "承诺〔" + strs(P.day_years(day)) + "〕" + fmt.padded(c["seq"], 4) + "号",
        "LY_CNRQ": fmt.iso(day), "LY_HCJG": np.asarray(RESULTS, dtype=object)[result],
        "LY_HCRQ": np.where(result == PENDING, blank, fmt.iso(checked)).astype(object),
        "LY_CLCS": np.where(result == BROKEN, measures, blank).astype(object),
        "LY_HCBM": dept("name"), "LY_HCBMDM": dept("code"),
    }  # fmt: skip
    note = "核查完成，更新核查结果（" + fmt.iso(fix_day) + "）"
    out["BZ"] = np.where(alter == 2, note, "").astype(object)
    return out


def broken_checked(plan: Plan) -> tuple[np.ndarray, I64]:
    """(records whose result is 失诺 and not featured, their 核查日期) — what decisions may repair."""
    return (plan.col("result") == BROKEN) & (plan.col("featured") == 0), plan.col("checked")


FULFILMENT_YAML = """\
kind: fulfilment
title: 信用承诺履约信息
description: >-
  信用主体在告知承诺制审批、证明事项办理和资金申报等事项中作出信用承诺后，相关部门的事后核查结果：践诺、
  失诺或核查中，以及对失诺的处理措施。失诺信息属于失信信息，自核查之日起公示，期满或信用修复后停止公示；
  践诺和核查中的承诺计入信用承诺专栏的履约统计。
publisher: 临江市各告知承诺事项实施部门（临江市公共信用信息中心归集）
update_frequency: monthly
keywords: [信用承诺, 告知承诺, 践诺, 失诺, 履约]
issued: 2022-01-01
"""
