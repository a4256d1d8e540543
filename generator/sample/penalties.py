"""Synthetic 行政处罚 records (kind penalty, V2 layout with CF_ codes).

Stage: sample. Guarantees: every record has a unique key (文号 serial per department and year + the
department's code); categories, fines, confiscations and suspended licences agree with each other and with
the 处罚内容 text; 简易程序 only where the law allows it (warning, or a fine ≤ 200 yuan for a person /
≤ 3,000 for an organisation — 50 / 1,000 before 2021-07-15); decisions before 2021-07-15 use the old
category names; 失信程度 is filled on about half of the records from 2023; some 违法事实 and 备注 carry
personal numbers (``penalty_text.personal_mentions``), as real exports do.
"""

from __future__ import annotations

import functools
from datetime import date

import numpy as np

from generator.sample import fmt, subjects
from generator.sample import penalty_text as T
from generator.sample import plan as P
from generator.sample.acts import Act
from generator.sample.context import Context, draw_who
from generator.sample.departments import DEPARTMENTS, column
from generator.sample.penalty_text import ACTS, params
from generator.sample.plan import Plan
from generator.sample.rand import I64, Obj, chance, fill_rows, nice_yuan, salt, strs, uniform
from generator.sample.subjects import PERSON

NEW_LAW_DAY = (date(2021, 7, 15) - P.EPOCH).days
SXCD_FROM = (date(2023, 1, 1) - P.EPOCH).days


def plan(ctx: Context, rng: np.random.Generator, n: int) -> Plan:
    """Decision days, violation, department, subject and category combination of ``n`` penalties."""
    day = P.decision_days(rng, n)
    weights = np.asarray([a.weight for a in ACTS])
    act = rng.choice(len(ACTS), size=n, p=weights / weights.sum())
    cols = {k: np.zeros(n, dtype=np.int64) for k in ("dept", "kind", "group", "combo", "fine")}
    for a in np.unique(act).tolist():
        _draw_for_act(rng, ACTS[a], act == a, cols)
    cols["group"][cols["kind"] == PERSON] = 0
    cols["act"] = act.astype(np.int64)
    cols["number"] = ctx.draw(rng, cols["kind"])
    cols["seq"] = P.serials(cols["dept"], day)
    cols["passport"] = subjects.uses_passport(cols["kind"], cols["group"], cols["number"], ctx.seed).astype(
        np.int64
    )
    return Plan(day, P.submission_days(rng, day), cols)


def _draw_for_act(rng: np.random.Generator, act: Act, mask: np.ndarray, cols: dict[str, I64]) -> None:
    draw_who(rng, cols, mask, (act.dept, act.kinds, act.groups), (4.0, 1.5))
    k = int(mask.sum())
    ow = np.asarray([w for _, w in act.options])
    combo = rng.choice(len(act.options), k, p=ow / ow.sum())
    cols["combo"][mask] = combo
    cols["fine"][mask] = np.asarray(["罚款" in c for c, _ in act.options])[combo]


def materialise(ctx: Context, plan: Plan, idx: I64, alter: I64, fix_day: I64) -> dict[str, Obj]:
    """The CF_ columns of records ``idx``; ``alter`` 1 = an original later corrected (it carries the error),
    2 = the correction (``fix_day`` is when it was made)."""
    c = {k: v[idx] for k, v in plan.cols.items()}
    day, s = plan.day[idx], salt(ctx.seed, "penalty")
    out = _counterpart(ctx, c, idx, s)
    out.update(_department(c, day))
    p = params(ctx.seed, idx, day, c, out.pop("_place"))
    gain, tax = T.numbers(ctx.seed, idx)
    fine = _fines(idx, c, tax, s)
    p["fine"] = strs(fine)
    g = T.OFFSET[c["act"]] + c["combo"]
    out.update(_categories(c, g, day, fine, idx, s))
    out["CF_SY"] = fill_rows(np.asarray([a.facts for a in ACTS], dtype=object)[c["act"]], p)
    out["CF_NR"] = fill_rows(T.CONTENT[g], p)
    blank = np.full(len(idx), "", dtype=object)
    out["CF_NR_FK"] = np.where(T.HAS_FINE[g], fmt.wan(fine), blank)
    out["CF_NR_WFFF"] = np.where(T.HAS_GAIN[g], fmt.wan(gain), blank)
    out["CF_NR_ZKDX"] = T.LICENCE[g]
    out["CF_YXQ"] = np.where(T.SUSPENDS[g], fmt.iso(day + 182), blank)
    extra = chance(idx, s + 20, 0.12)
    span = np.where(chance(idx, s + 21, 0.5), 365, 3 * 365) - 1
    out["CF_GSJZQ"] = np.where(extra, fmt.iso(day + span), blank)
    _apply_corrections(out, c, fine, idx, alter, fix_day, s)
    _personal_mentions(ctx.seed, out, idx)
    return out


def _personal_mentions(seed: int, out: dict[str, Obj], idx: I64) -> None:
    """Some facts repeat the person's 身份证号, some remarks a representative's or a phone number (the portal
    masks them)."""
    person = np.where(out["CF_XDR_ZJLX"] == "身份证", out["CF_XDR_ZJHM"], "").astype(object)
    facts, remark = T.personal_mentions(seed, idx, person, out["CF_FR_ZJHM"])
    out["CF_SY"] = (out["CF_SY"] + facts).astype(object)
    joined = np.where((out["BZ"] != "") & (remark != ""), out["BZ"] + "；" + remark, out["BZ"] + remark)
    out["BZ"] = joined.astype(object)


def _counterpart(ctx: Context, c: dict[str, I64], idx: I64, s: int) -> dict[str, Obj]:
    subj = subjects.columns(c["kind"], c["group"], c["number"], ctx.seed)
    org_like = c["kind"] != PERSON
    rep_id = org_like & chance(idx, s + 1, 0.5)
    blank = np.full(len(idx), "", dtype=object)
    return {
        "CF_XDR_MC": subj["name"], "CF_XDR_LB": subj["label"], "CF_XDR_SHXYM": subj["uscc"],
        "CF_XDR_GSZC": subj["gszc"], "CF_XDR_ZZJG": blank, "CF_XDR_SWDJ": blank, "CF_XDR_SYDW": blank,
        "CF_XDR_SHZZ": blank, "CF_FRDB": np.where(org_like, subj["rep"], "").astype(object),
        "CF_FR_ZJLX": np.where(rep_id, "身份证", "").astype(object),
        "CF_FR_ZJHM": np.where(rep_id, subj["rep_id"], "").astype(object),
        "CF_XDR_ZJLX": subj["id_type"], "CF_XDR_ZJHM": subj["id_no"], "_place": subj["district"],
    }  # fmt: skip


def _department(c: dict[str, I64], day: I64) -> dict[str, Obj]:
    d = c["dept"]
    look = functools.partial(column, index=d)
    pad = np.asarray([x.pad for x in DEPARTMENTS])[d]
    serial = np.where(pad > 0, fmt.padded(c["seq"], 4), strs(c["seq"])).astype(object)
    number = look("short") + look("mid") + "〔" + strs(P.day_years(day)) + "〕" + serial + "号"
    name, code = look("name"), look("code")
    return {"CF_WSH": number, "CF_CFJG": name, "CF_CFJGDM": code, "CF_SJLY": name, "CF_SJLYDM": code,
            "CF_JDRQ": fmt.iso(day)}  # fmt: skip


def _fines(idx: I64, c: dict[str, I64], tax: I64, s: int) -> I64:
    """Fines in yuan: log-uniform in the act's range; 偷税 fines are 50 %–100 % of the evaded tax."""
    lo = np.asarray([max(a.fine[0], 1) for a in ACTS], dtype=np.float64)[c["act"]]
    hi = np.asarray([max(a.fine[1], 1) for a in ACTS], dtype=np.float64)[c["act"]]
    u = uniform(idx, s + 4)
    fine = nice_yuan(np.exp(np.log(lo) + u * (np.log(hi) - np.log(lo))))
    on_tax = np.asarray(["{tax}" in a.facts and a.dept == "sw" for a in ACTS])[c["act"]]
    return np.where(on_tax, nice_yuan(tax * (0.5 + 0.5 * uniform(idx, s + 3))), fine)


def _categories(c: dict[str, I64], g: I64, day: I64, fine: I64, idx: I64, s: int) -> dict[str, Obj]:
    """处罚类别 (old names before 2021-07-15), 简易程序 where the law allows it, 失信程度 on half the rows from 2023."""
    new = day >= NEW_LAW_DAY
    comma = chance(idx, s + 5, 0.15)
    categories = np.where(new, np.where(comma, T.CATS_COMMA[g], T.CATS_NEW[g]), T.CATS_OLD[g])
    limit = np.where(c["kind"] == PERSON, np.where(new, 200, 50), np.where(new, 3000, 1000))
    simple = T.LIGHT[g] & (~T.HAS_FINE[g] | (fine <= limit)) & chance(idx, s + 6, 0.7)
    severe = T.HARSH[g] | (T.HAS_FINE[g] & (fine >= 500000))
    sxcd = np.where(severe, "严重", np.where(T.MILD[g] | simple, "轻微", "一般"))
    show = (day >= SXCD_FROM) & chance(idx, s + 7, 0.5)
    return {
        "CF_WFXW": T.WFXW[c["act"]], "CF_YJ": T.BASIS[c["act"]], "CF_LY": T.FIELD[c["act"]],
        "CF_CFLB": categories.astype(object), "CF_SXCD": np.where(show, sxcd, "").astype(object),
        "CF_CXLX": np.where(simple, "简易程序", "普通程序").astype(object),
    }  # fmt: skip


def _apply_corrections(
    out: dict[str, Obj], c: dict[str, I64], fine: I64, idx: I64, alter: I64, fix_day: I64, s: int
) -> None:
    """Originals of corrected records carry the error the correction fixes; corrections say so in 备注."""
    wrong_unit = c["fine"].astype(bool) & chance(idx, s + 30, 0.6)
    orig = alter == 1
    unit = orig & wrong_unit & (out["CF_NR_FK"] != "")
    out["CF_NR_FK"][unit] = strs(fine[unit])  # the amount in yuan typed into the 万元 column
    typo = orig & ~unit
    out["CF_XDR_MC"][typo] = np.asarray([x[:-1] for x in out["CF_XDR_MC"][typo].tolist()], dtype=object)
    note = np.where(
        wrong_unit, "更正：罚款金额单位误填为元，已更正为万元", "更正：行政相对人名称录入有误，已更正"
    ).astype(object)
    paid = chance(idx, s + 31, 0.04)
    out["BZ"] = np.where(
        alter == 2, note + "（" + fmt.iso(fix_day) + "）", np.where(paid, "当事人已履行完毕", "")
    ).astype(object)
