"""Synthetic list entries (kind list): 严重失信主体名单, 重点关注对象名单 and 守信激励对象名单 datasets.

Stage: sample. Guarantees: unique record keys (认定文号 serial per list, department and year); 有效期至 from
the list's validity (so older entries have expired); exits (移出日期) arrive the way they do in practice —
the entry is re-sent in a later batch with its 移出日期 filled in.
"""

from __future__ import annotations

import functools

import numpy as np

from generator.sample import fmt, subjects
from generator.sample import plan as P
from generator.sample.context import Context, draw_who
from generator.sample.departments import column
from generator.sample.list_defs import LISTS, ListDef
from generator.sample.plan import Plan
from generator.sample.rand import I64, Obj, between, choose, salt, strs
from generator.sample.subjects import PERSON


def defs(list_type: str) -> list[int]:
    return [i for i, d in enumerate(LISTS) if d.list_type == list_type]


def plan_for(list_type: str) -> object:
    """A plan function for one list dataset."""

    def plan(ctx: Context, rng: np.random.Generator, n: int) -> Plan:
        day = P.decision_days(rng, n)
        which = defs(list_type)
        w = np.asarray([LISTS[i].weight for i in which])
        lst = np.asarray(which, dtype=np.int64)[rng.choice(len(which), n, p=w / w.sum())]
        cols = {"list": lst, "dept": np.zeros(n, dtype=np.int64), "kind": np.zeros(n, dtype=np.int64)}
        cols["group"] = np.zeros(n, dtype=np.int64)
        for i in np.unique(lst).tolist():
            _draw_for_list(rng, LISTS[i], lst == i, cols)
        cols["group"][cols["kind"] == PERSON] = 0
        cols["number"] = ctx.draw(rng, cols["kind"])
        cols["seq"] = P.serials(lst * 1000 + cols["dept"], day)
        cols["passport"] = subjects.uses_passport(
            cols["kind"], cols["group"], cols["number"], ctx.seed
        ).astype(np.int64)
        return Plan(day, P.submission_days(rng, day), cols)

    return plan


def _draw_for_list(rng: np.random.Generator, d: ListDef, mask: np.ndarray, cols: dict[str, I64]) -> None:
    draw_who(rng, cols, mask, (d.dept, d.kinds, d.groups), (4.0, 1.0))


def materialise(ctx: Context, plan: Plan, idx: I64, alter: I64, fix_day: I64) -> dict[str, Obj]:
    """The MD_ columns of entries ``idx``; a correction (``alter`` 2) is the entry's exit."""
    c = {k: v[idx] for k, v in plan.cols.items()}
    day, s = plan.day[idx], salt(ctx.seed, "list")
    subj = subjects.columns(c["kind"], c["group"], c["number"], ctx.seed)
    dept = functools.partial(column, index=c["dept"])
    attr = functools.partial(_list_column, index=c["list"])
    valid = np.asarray([x.days for x in LISTS])[c["list"]]
    year = strs(P.day_years(day))
    out = {
        "MD_MC": subj["name"], "MD_ZTLB": subj["label"], "MD_SHXYM": subj["uscc"], "MD_ZJLX": subj["id_type"],
        "MD_ZJHM": subj["id_no"], "MD_FRDB": np.where(c["kind"] != PERSON, subj["rep"], "").astype(object),
        "MD_MDMC": attr("name"), "MD_LRYY": _reasons(c["list"], idx, P.day_years(day) - 1, s),
        "MD_RDYJ": attr("basis"), "MD_RDBM": dept("name"), "MD_RDBMDM": dept("code"),
        "MD_RDWH": dept("short") + attr("mid") + "〔" + year + "〕" + fmt.padded(c["seq"], 4) + "号",
        "MD_LRRQ": fmt.iso(day), "MD_YXQZ": np.where(valid > 0, fmt.iso(day + valid - 1), "").astype(object),
        "MD_YCTJ": attr("exit_rule"), "MD_SJLY": dept("name"),
    }  # fmt: skip
    leave = alter == 2
    end = np.where(valid > 0, day + valid - 1, P.END_DAY)
    exit_day = np.minimum(np.maximum(day + 1, fix_day - between(idx, s + 1, 1, 20)), end)
    out["MD_YCRQ"] = np.where(leave, fmt.iso(exit_day), "").astype(object)
    out["BZ"] = np.where(
        leave, "已提前移出：" + choose(idx, s + 2, ("信用修复完成", "已履行相关义务", "经复核予以移出")), ""
    ).astype(object)
    return out


def _list_column(attr: str, index: I64) -> Obj:
    return np.asarray(np.asarray([getattr(x, attr) for x in LISTS], dtype=object)[index], dtype=object)


def _reasons(lst: I64, idx: I64, prior_year: I64, s: int) -> Obj:
    out = np.empty(len(idx), dtype=object)
    for i in np.unique(lst).tolist():
        m = lst == i
        chosen = choose(idx[m], s + 3, LISTS[i].reasons)
        out[m] = [
            r.replace("{year}", str(y)) for r, y in zip(chosen.tolist(), prior_year[m].tolist(), strict=True)
        ]
    return out
