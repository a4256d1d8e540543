"""Synthetic 行政许可 records (kind licensing, V2 layout with XK_ codes).

Stage: sample. Guarantees: unique record keys (licence numbers carry a serial per item, per year where the
format shows the year); validity from the item (some 长期 as 2099-12-31, some without an end, short ones
such as road occupation long expired); the holder is a subject shared with the other datasets of the run.
"""

from __future__ import annotations

import functools

import numpy as np

from generator.sample import fmt, subjects
from generator.sample import plan as P
from generator.sample.context import Context, draw_who
from generator.sample.departments import CITY_CODE, column
from generator.sample.licence_items import ITEMS, LONG, Item
from generator.sample.plan import Plan
from generator.sample.rand import I64, Obj, between, chance, choose, fill_rows, mix, pick, salt, strs
from generator.sample.subjects import PERSON

_YEARLY = ("{year}", "{yy}", "{date8}")


def plan(ctx: Context, rng: np.random.Generator, n: int) -> Plan:
    day = P.decision_days(rng, n)
    w = np.asarray([i.weight for i in ITEMS])
    item = rng.choice(len(ITEMS), size=n, p=w / w.sum()).astype(np.int64)
    cols = {k: np.zeros(n, dtype=np.int64) for k in ("dept", "kind", "group")}
    for i in np.unique(item).tolist():
        _draw_for_item(rng, ITEMS[i], item == i, cols)
    cols["group"][cols["kind"] == PERSON] = 0
    cols["item"] = item
    cols["number"] = ctx.draw(rng, cols["kind"])
    yearly = np.asarray([any(p in i.number for p in _YEARLY) for i in ITEMS])[item]
    cols["iseq"] = P.serials(item, np.where(yearly, day, 0))
    cols["dseq"] = P.serials(cols["dept"], day)
    cols["passport"] = subjects.uses_passport(cols["kind"], cols["group"], cols["number"], ctx.seed).astype(
        np.int64
    )
    return Plan(day, P.submission_days(rng, day), cols)


def _draw_for_item(rng: np.random.Generator, item: Item, mask: np.ndarray, cols: dict[str, I64]) -> None:
    draw_who(rng, cols, mask, (item.dept, item.kinds, item.groups), (3.0, 2.0))


def materialise(ctx: Context, plan: Plan, idx: I64, alter: I64, fix_day: I64) -> dict[str, Obj]:
    """The XK_ columns of records ``idx`` (``alter``: 1 = original later corrected, 2 = the correction)."""
    c = {k: v[idx] for k, v in plan.cols.items()}
    day, s = plan.day[idx], salt(ctx.seed, "licence")
    subj = subjects.columns(c["kind"], c["group"], c["number"], ctx.seed)
    org_like = c["kind"] != PERSON
    rep_id = org_like & chance(idx, s + 1, 0.4)
    blank = np.full(len(idx), "", dtype=object)
    dept = functools.partial(column, index=c["dept"])
    out = {
        "XK_XDR_MC": subj["name"], "XK_XDR_LB": subj["label"], "XK_XDR_SHXYM": subj["uscc"], "XK_XDR_GSZC": subj["gszc"],
        "XK_XDR_ZZJG": blank, "XK_XDR_SWDJ": blank, "XK_XDR_SYDW": blank, "XK_XDR_SHZZ": blank,
        "XK_FRDB": np.where(org_like, subj["rep"], "").astype(object),
        "XK_FR_ZJLX": np.where(rep_id, "身份证", "").astype(object), "XK_FR_ZJHM": np.where(rep_id, subj["rep_id"], "").astype(object),
        "XK_XDR_ZJLX": subj["id_type"], "XK_XDR_ZJHM": subj["id_no"], "XK_JDRQ": fmt.iso(day), "XK_YXQZ": fmt.iso(day),
        "XK_XKJG": dept("name"), "XK_XKJGDM": dept("code"), "XK_LYDW": dept("name"), "XK_LYDWDM": dept("code"),
        "XK_ZT": np.where(chance(idx, s + 2, 0.85), "有效", "").astype(object),
    }  # fmt: skip
    own_number = dept("short") + "许〔" + strs(P.day_years(day)) + "〕" + strs(c["dseq"]) + "号"
    out.update(_item_columns(c, day, subj, own_number, idx, s))
    _apply_corrections(out, day, idx, alter, fix_day, s)
    return out


_TEXT = {
    k: np.asarray([getattr(i, k) for i in ITEMS], dtype=object)
    for k in ("document", "category", "certificate", "number")
}
_AS_DOCUMENT = np.asarray([i.by_number or i.number.endswith("号") for i in ITEMS])
_DAYS = np.asarray([i.days for i in ITEMS], dtype=np.int64)
_SCOPES = np.asarray([t for i in ITEMS for t in i.scopes], dtype=object)
_SCOPE_AT = np.cumsum([0] + [len(i.scopes) for i in ITEMS])[:-1]
_SCOPE_N = np.asarray([len(i.scopes) for i in ITEMS], dtype=np.uint64)


def _item_columns(
    c: dict[str, I64], day: I64, subj: dict[str, Obj], own: Obj, idx: I64, s: int
) -> dict[str, Obj]:
    """Licence number, 文书号, content and validity from each row's licensing item (lookup tables, one fill per
    distinct number format)."""
    item, n = c["item"], len(idx)
    iso = fmt.iso(day)
    values = {
        "kind": np.where(chance(idx, s + 3, 0.6), "2", "1").astype(object), "district": _district(subj["uscc"]),
        "city": np.full(n, CITY_CODE, dtype=object), "year": strs(P.day_years(day)),
        "yy": np.asarray([x[2:4] for x in iso.tolist()], dtype=object),
        "date8": np.asarray([x.replace("-", "") for x in iso.tolist()], dtype=object),
        "code": subj["uscc"], "rand1": strs(pick(idx, s + 4, 10)), "rand_letter": choose(idx, s + 5, ("P", "Q", "U", "V", "X")),
        "area": strs(between(idx, s + 6, 300, 30000)), "size": strs(between(idx, s + 9, 2, 60)), "trade": subj["name"],
    }  # fmt: skip
    for width in range(3, 9):
        values[f"seq{width}"] = fmt.padded(c["iseq"], width)
    number = fill_rows(_TEXT["number"][item], values)
    scope = _SCOPES[_SCOPE_AT[item] + (mix(idx, s + 8) % _SCOPE_N[item]).astype(np.int64)]
    days = _DAYS[item]
    end = np.where(days > 0, fmt.iso(day + np.maximum(days, 1) - 1), np.where(days == LONG, "2099-12-31", ""))
    return {
        "XK_XKWS": _TEXT["document"][item], "XK_WSH": np.where(_AS_DOCUMENT[item], number, own).astype(object),
        "XK_XKLB": _TEXT["category"][item], "XK_XKZS": _TEXT["certificate"][item], "XK_XKBH": number,
        "XK_NR": fill_rows(scope, values), "XK_YXQZI": end.astype(object),
    }  # fmt: skip


def _district(codes: Obj) -> Obj:
    """The region code inside a USCC (positions 3–8), or the city's code when there is none."""
    return np.asarray([x[2:8] if x else CITY_CODE for x in codes.tolist()], dtype=object)


def _apply_corrections(out: dict[str, Obj], day: I64, idx: I64, alter: I64, fix_day: I64, s: int) -> None:
    """Originals of corrected licences carry a wrong 有效期至 (or a truncated name); corrections say so."""
    dated = np.asarray([len(x) == 10 and x != "2099-12-31" for x in out["XK_YXQZI"].tolist()], dtype=bool)
    wrong_end = (alter == 1) & dated
    out["XK_YXQZI"][wrong_end] = [
        str(int(x[:4]) + 1) + x[4:] if x[5:] != "02-29" else str(int(x[:4]) + 4) + x[4:]
        for x in out["XK_YXQZI"][wrong_end].tolist()
    ]
    typo = (alter == 1) & ~dated
    out["XK_XDR_MC"][typo] = np.asarray([x[:-1] for x in out["XK_XDR_MC"][typo].tolist()], dtype=object)
    note = np.where(dated, "更正：有效期至录入有误，已更正", "更正：行政相对人名称录入有误，已更正").astype(
        object
    )
    out["BZ"] = np.where(alter == 2, note + "（" + fmt.iso(fix_day) + "）", "").astype(object)
