"""The prose and category columns of a synthetic penalty, vectorised over every act at once.

Stage: sample. Guarantees: the numbers in the prose are the numbers in the amount columns (罚款金额 and
没收金额 in 万元 are the yuan amounts the 处罚内容 states); decisions before 2021-07-15 use the old category
names; as real exports do, some 违法事实 repeat a natural person's 身份证号 (now and then its first-generation
15-digit form) and some 备注 a legal representative's 身份证号 or a mobile number (``personal_mentions``), which
the portal must mask. Measured: per-(batch, act) Python work dominated the first version (≈ 60 % of run time at 100k
records); lookup tables indexed by a global (act, combination) number replace it with one vector op per
column plus one template fill per distinct text shape.
"""

from __future__ import annotations

import numpy as np

from generator.sample import context, fmt
from generator.sample.acts import OLD_NAMES, SEVERE, Act
from generator.sample.acts_market import MARKET
from generator.sample.acts_other import OTHER
from generator.sample.rand import (
    I64,
    Bool,
    Obj,
    between,
    chance,
    choose,
    log_uniform,
    mix,
    nice_yuan,
    pick,
    salt,
    strs,
    uniform,
)

ACTS: tuple[Act, ...] = MARKET + OTHER
OFFSET = np.cumsum([0] + [len(a.options) for a in ACTS])[
    :-1
]  # global combination number = OFFSET[act] + combo
_PAIRS = [(a, cats) for a in ACTS for cats, _ in a.options]
_PRODUCTS = np.asarray([p for a in ACTS for p in a.products], dtype=object)
_PRODUCT_AT = np.cumsum([0] + [len(a.products) for a in ACTS])[:-1]
_PRODUCT_N = np.asarray([len(a.products) for a in ACTS], dtype=np.uint64)


def _table(values: list[str]) -> Obj:
    return np.asarray(values, dtype=object)


def _flags(values: list[bool]) -> Bool:
    return np.asarray(values, dtype=bool)


def _clause(cat: str, act: Act) -> str:
    licence = act.licence or "许可证"
    return {
        "罚款": "罚款人民币{fine}元", "没收违法所得": "没收违法所得人民币{gain}元",
        "没收非法财物": "没收涉案{product}" if act.products != ("商品",) else "没收涉案物品",
        "暂扣许可证件": f"暂扣{licence}六个月", "吊销许可证件": f"吊销{licence}",
        "责令停产停业": "责令停产停业{halt}日", "降低资质等级": "降低建筑业企业资质等级一级", "行政拘留": "行政拘留{jail}日",
        "其他": "暂停医疗保障基金结算三个月" if act.dept == "yb" else "责令改正违法行为",
    }.get(cat, cat)  # fmt: skip


def _content_template(act: Act, cats: tuple[str, ...]) -> str:
    parts = [_clause(c, act) for c in cats]
    return (
        parts[0] if len(parts) == 1 else "；".join(f"{i}.{p}" for i, p in enumerate(parts, start=1))
    ) + "。"


WFXW, BASIS, FIELD = (_table([getattr(a, k) for a in ACTS]) for k in ("wfxw", "basis", "field"))
CATS_NEW = _table(["；".join(c) for _, c in _PAIRS])
CATS_COMMA = _table([",".join(c) for _, c in _PAIRS])
CATS_OLD = _table(["；".join(dict.fromkeys(OLD_NAMES.get(x, x) for x in c)) for _, c in _PAIRS])
LIGHT = _flags([set(c) <= {"警告", "罚款"} for _, c in _PAIRS])
MILD = _flags([set(c) <= {"警告", "通报批评"} for _, c in _PAIRS])
HARSH = _flags([bool(set(c) & set(SEVERE)) for _, c in _PAIRS])
HAS_FINE = _flags(["罚款" in c for _, c in _PAIRS])
HAS_GAIN = _flags(["没收违法所得" in c for _, c in _PAIRS])
SUSPENDS = _flags(["暂扣许可证件" in c for _, c in _PAIRS])
LICENCE = _table(
    [(a.licence or "许可证") if {"暂扣许可证件", "吊销许可证件"} & set(c) else "" for a, c in _PAIRS]
)
CONTENT = _table([_content_template(a, c) for a, c in _PAIRS])


def params(seed: int, idx: I64, day: I64, c: dict[str, I64], district: Obj) -> dict[str, Obj]:
    """Every placeholder a template may use, for every row (one vector op each)."""
    s = salt(seed, "facts")
    found = day - between(idx, s, 7, 90)
    value = nice_yuan(log_uniform(idx, s + 4, 200, 20000))
    gain, tax = numbers(seed, idx)
    act = c["act"]
    product = _PRODUCTS[_PRODUCT_AT[act] + (mix(idx, salt("product")) % _PRODUCT_N[act]).astype(np.int64)]
    return {
        "found": fmt.cn_date(found), "month": fmt.cn_month(found),
        "place": context.addresses(c["kind"], c["group"], c["number"], district, seed),
        "qty": strs(between(idx, s + 3, 2, 60)), "units": strs(between(idx, s + 11, 1, 6)), "value": strs(value), "gain": strs(gain), "tax": strs(tax),
        "area": strs(between(idx, s + 5, 20, 3000)), "people": strs(between(idx, s + 6, 2, 12)),
        "pct": strs(between(idx, s + 7, 2, 35) / 10), "alcohol": strs(between(idx, s + 8, 20, 79)),
        "halt": strs(between(idx, s + 9, 7, 30)), "jail": strs(between(idx, s + 10, 5, 10)), "product": product,
    }  # fmt: skip


def numbers(seed: int, idx: I64) -> tuple[I64, I64]:
    """(违法所得 in yuan, evaded tax in yuan) — the same draws ``params`` writes into the prose."""
    s = salt(seed, "facts")
    value = nice_yuan(log_uniform(idx, s + 4, 200, 20000))
    gain = np.maximum(np.round(value * (0.05 + 0.45 * uniform(idx, s + 1)) / 10).astype(np.int64) * 10, 10)
    return gain, nice_yuan(log_uniform(idx, s + 2, 20000, 5_000_000))


# ---- personal numbers in the prose, as real exports have them -------------------------------------------------
MOBILE_HEADS = ("130", "133", "135", "137", "138", "139", "150", "152", "158", "177", "181", "186", "189")
ID_IN_FACTS, LEGACY_IN_FACTS = (
    0.10,
    0.03,
)  # shares of persons with a 身份证号 (legacy: of those born before 1985)
REP_IN_REMARK, PHONE_IN_REMARK = 0.02, 0.03  # shares of representatives with an ID number / of all rows


def personal_mentions(seed: int, idx: I64, person_id: Obj, rep_id: Obj) -> tuple[Obj, Obj]:
    """(sentence appended to 违法事实, note for 备注) per row, "" where none: a natural person's 身份证号
    (``person_id``, "" when the person has none) in the facts — the 15-digit form for some born before 1985 —
    and a legal representative's 身份证号 (``rep_id``) or a mobile number, written four ways, in the remark."""
    s = salt(seed, "personal-mentions")
    blank = np.full(len(idx), "", dtype=object)
    has_id = np.asarray([len(x) == 18 for x in person_id.tolist()], dtype=bool)
    legacy = has_id & np.asarray([x[6:10] < "1985" for x in person_id.tolist()], dtype=bool)
    legacy &= chance(idx, s + 1, LEGACY_IN_FACTS)
    full = has_id & ~legacy & chance(idx, s, ID_IN_FACTS)
    short = np.asarray([x[:6] + x[8:17] for x in person_id.tolist()], dtype=object)
    facts = np.where(full, "当事人公民身份号码：" + person_id + "。", blank)
    facts = np.where(legacy, "当事人原身份证号" + short + "。", facts).astype(object)
    rep = (rep_id != "") & chance(idx, s + 2, REP_IN_REMARK)
    phone = ~rep & chance(idx, s + 3, PHONE_IN_REMARK)
    remark = np.where(rep, "法定代表人身份证号" + rep_id, blank)
    return facts, np.where(phone, "联系电话：" + mobiles(seed, idx), remark).astype(object)


def mobiles(seed: int, idx: I64) -> Obj:
    """A mainland mobile number per row, written 13812345678, 138-1234-5678, 138 1234 5678 or +86 13812345678."""
    s = salt(seed, "mobile")
    head = choose(idx, s, MOBILE_HEADS)
    middle, last = (np.asarray([str(v).zfill(4) for v in pick(idx, s + k, 10_000).tolist()], dtype=object)
                    for k in (1, 2))  # fmt: skip
    style = pick(idx, s + 3, 4)
    plain = head + middle + last
    written = np.select(
        [style == 0, style == 1, style == 2],
        [plain, head + "-" + middle + "-" + last, head + " " + middle + " " + last],
        "+86 " + plain,
    )
    return np.asarray(written, dtype=object)
