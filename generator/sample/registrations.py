"""Synthetic 自愿注册信息 (kind registration): 资质, 荣誉, 承诺, 经营信息 a subject declares about itself.

Stage: sample. Guarantees: registered from 2022 on, more in recent years; mostly 已核验 with 核验机关 and a
核验日期 after the 注册日期, some 未核验 (no 核验机关/日期); 资质 (3 years), 荣誉 (2 years) and 经营信息 (1 year) expire,
承诺 and 其他 are 长期 (empty 有效期至) — so older ones have expired; unique 注册编号 (LJZC + year + serial);
mostly organisations, some 个体工商户, a few natural persons; a correction re-sends a 未核验 item once verified;
``featured`` subjects of the context get a verified, current 资质 registration.
"""

from __future__ import annotations

from datetime import date

import numpy as np

from generator.sample import fmt, subjects
from generator.sample import plan as P
from generator.sample.context import DEPT_INDEX, Context, group_codes
from generator.sample.credit_defs import ALL_GROUPS, REG_CATEGORIES, REG_TEXT
from generator.sample.departments import column
from generator.sample.plan import Plan
from generator.sample.rand import I64, Obj, between, pick, salt, strs
from generator.sample.subjects import PERSON

FIRST = P.as_day(date(2022, 1, 1))
KINDS = (0.8, 0.15, 0.05)
VERIFIED = 0.85
_CATS = tuple(c for c, _ in REG_CATEGORIES)
_TEXTS = {c: tuple(np.asarray(t, dtype=object) for t in REG_TEXT[c][:2]) for c in _CATS}


def plan(ctx: Context, rng: np.random.Generator, n: int) -> Plan:
    day = P.recent_days(rng, np.full(n, FIRST, dtype=np.int64), P.END_DAY - 5, 0.7)
    w = np.asarray([x for _, x in REG_CATEGORIES], dtype=np.float64)
    cols = {
        "kind": rng.choice(3, n, p=KINDS).astype(np.int64), "group": group_codes(rng, ALL_GROUPS, n),
        "cat": rng.choice(len(_CATS), n, p=w / w.sum()).astype(np.int64),
        "verified": (rng.random(n) < VERIFIED).astype(np.int64), "featured": np.zeros(n, dtype=np.int64),
    }  # fmt: skip
    cols["number"] = ctx.draw(rng, cols["kind"])
    k = min(len(ctx.featured), n // 4)
    for i, (kind, group, number) in enumerate(ctx.featured[:k]):
        cols["kind"][i], cols["group"][i], cols["number"][i] = kind, group, number
        cols["cat"][i], cols["verified"][i], cols["featured"][i] = 0, 1, 1
        day[i] = P.workdays(np.asarray([P.END_DAY - 30 - int(rng.integers(0, 300))]))[0]
    cols["group"][cols["kind"] == PERSON] = 0
    cols["passport"] = subjects.uses_passport(cols["kind"], cols["group"], cols["number"], ctx.seed).astype(
        np.int64
    )
    order = np.argsort(day, kind="stable")
    cols, day = {c: v[order] for c, v in cols.items()}, day[order]
    cols["checked"] = np.minimum(day + rng.integers(3, 31, n), P.END_DAY)
    cols["seq"] = P.serials(np.zeros(n, dtype=np.int64), day)
    return Plan(day, np.minimum(cols["checked"] + rng.integers(1, 8, n), P.END_DAY), cols)


def materialise(ctx: Context, plan: Plan, idx: I64, alter: I64, fix_day: I64) -> dict[str, Obj]:
    """The ZC_ columns of items ``idx``; a corrected original (``alter`` 1) is still 未核验, its correction verified."""
    c = {k: v[idx] for k, v in plan.cols.items()}
    day, s = plan.day[idx], salt(ctx.seed, "registration")
    subj = subjects.columns(c["kind"], c["group"], c["number"], ctx.seed)
    year = P.day_years(day)
    verified = ((c["verified"] == 1) | (alter == 2)) & (alter != 1)
    checked = np.where(alter == 2, np.maximum(day + 1, fix_day - between(idx, s, 1, 10)), c["checked"])
    dept = np.asarray([DEPT_INDEX[REG_TEXT[x][2]] for x in _CATS], dtype=np.int64)[c["cat"]]
    valid = np.asarray([REG_TEXT[x][3] for x in _CATS], dtype=np.int64)[c["cat"]]
    blank = np.full(len(idx), "", dtype=object)
    out = {
        "ZC_MC": subj["name"], "ZC_ZTLB": subj["label"], "ZC_SHXYM": subj["uscc"], "ZC_ZJLX": subj["id_type"],
        "ZC_ZJHM": subj["id_no"], "ZC_XXLB": np.asarray(_CATS, dtype=object)[c["cat"]],
        "ZC_XXNR": _contents(c, idx, year, s), "ZC_ZCRQ": fmt.iso(day),
        "ZC_HYZT": np.where(verified, "已核验", "未核验").astype(object),
        "ZC_HYJG": np.where(verified, column("name", dept), blank).astype(object),
        "ZC_HYJGDM": np.where(verified, column("code", dept), blank).astype(object),
        "ZC_HYRQ": np.where(verified, fmt.iso(checked), blank).astype(object),
        "ZC_YXQZ": np.where(valid > 0, fmt.iso(day + np.maximum(valid, 1) - 1), blank).astype(object),
        "ZC_ZCBH": "LJZC" + strs(year) + fmt.padded(c["seq"], 6),
    }  # fmt: skip
    note = "已完成核验，更新核验状态（" + fmt.iso(fix_day) + "）"
    out["BZ"] = np.where(alter == 2, note, "").astype(object)
    return out


def _contents(c: dict[str, I64], idx: I64, year: I64, s: int) -> Obj:
    """信息内容 from the category's texts for organisations or persons, placeholders filled per row."""
    out = np.empty(len(idx), dtype=object)
    person = c["kind"] == PERSON
    for i, cat in enumerate(_CATS):
        for who, texts in ((False, _TEXTS[cat][0]), (True, _TEXTS[cat][1])):
            m = (c["cat"] == i) & (person == who)
            out[m] = texts[pick(idx[m], s + 1 + i * 2 + who, len(texts))]
    amount, staff = between(idx, s + 20, 80, 9000), between(idx, s + 21, 3, 260)
    return np.asarray(
        [
            t.format(year=y, amount=a, staff=st)
            for t, y, a, st in zip(
                out.tolist(), (year - 1).tolist(), amount.tolist(), staff.tolist(), strict=True
            )
        ],
        dtype=object,
    )


REGISTRATION_YAML = """\
kind: registration
title: 自愿注册信息
description: >-
  市场主体和个人通过“信用临江”自愿注册的资质、荣誉、信用承诺和经营信息。经信用办或主管部门核验的信息注明
  核验机关和核验日期；未经核验的信息标注“主体自主申报，未经核验”后公示。信息在有效期内公示。
publisher: 临江市公共信用信息中心
update_frequency: monthly
keywords: [自愿注册, 信用信息自主申报, 资质荣誉, 信用承诺]
issued: 2022-01-01
unverified: show
"""
