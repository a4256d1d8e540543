"""Synthetic subjects (行政相对人): companies and other organisations, 个体工商户 and natural persons.

Stage: sample. Guarantees: a subject is a pure function of (seed, kind, industry group, number) — the same
subject gets the same name and codes in every dataset and batch; organisations carry valid, distinct
统一社会信用代码 (heads 91/92/93/52/51/12/N2/Y1); persons carry valid 身份证号 (real area codes, adults),
distinct for distinct persons; 个体工商户 names follow the 区县 + 经营者 + 店铺 pattern.
"""

from __future__ import annotations

import numpy as np

from generator.sample import ids
from generator.sample import names_data as nd
from generator.sample.departments import CITY, CITY_CODE, DISTRICTS
from generator.sample.rand import I64, Bool, Obj, between, chance, choose, permute, pick, salt, weighted

ORG, IND, PERSON = 0, 1, 2
LABELS = ("法人及非法人组织", "个体工商户", "自然人")
POOL_MAX = 1_000_000  # subjects per (kind, group); keeps every key range below the permutation moduli
REP_BASE, OPERATOR_BASE = 1_000_000, 20_000_000  # person keys of legal representatives / shop operators
_BIRTH_FIRST = np.datetime64("1950-01-01")
_BIRTH_DAYS = (
    int((np.datetime64("2000-12-31") - _BIRTH_FIRST).astype(np.int64)) + 1
)  # everyone is an adult by 2019
_FAR = tuple(dict.fromkeys(ids.NEARBY_AREAS + ids.FAR_AREAS))
_DISTRICT_NAMES = np.asarray([d for d, _ in DISTRICTS], dtype=object)
_DISTRICT_CODES = np.asarray([c for _, c in DISTRICTS], dtype=object)
_PLACE_PREFIX = np.asarray([(d if d.endswith("县") else CITY + d) for d, _ in DISTRICTS], dtype=object)


def columns(kind: I64, group: I64, number: I64, seed: int) -> dict[str, Obj]:
    """The counterpart columns of each row: name, label, uscc, gszc, rep, rep_id, id_type, id_no, district."""
    n = len(kind)
    out = {
        k: np.full(n, "", dtype=object) for k in ("name", "uscc", "gszc", "rep", "rep_id", "id_type", "id_no")
    }
    out["label"] = np.asarray(LABELS, dtype=object)[kind]
    out["district"] = np.full(n, "", dtype=object)
    for k, build in ((ORG, _organisations), (IND, _shops), (PERSON, _people)):
        mask = kind == k
        if mask.any():
            for col, values in build(group[mask] * POOL_MAX + number[mask], seed).items():
                out[col][mask] = values
    return out


def persons(keys: I64, seed: int) -> dict[str, Obj]:
    """Name, 身份证号 and sex of persons; distinct keys give distinct 身份证号."""
    s = salt(seed, "person")
    local = chance(keys, s + 1, 0.8)
    ric = np.empty(len(keys), dtype=object)
    for is_local, areas in ((True, ids.LOCAL_AREAS), (False, _FAR)):
        m = local == is_local
        perm = permute(keys[m], len(areas) * _BIRTH_DAYS * 499, s + 2 + is_local)
        day, half = (perm // len(areas)) % _BIRTH_DAYS, perm // (len(areas) * _BIRTH_DAYS)
        male = chance(keys[m], s + 4, 0.6)
        birth = np.datetime_as_string(_BIRTH_FIRST + day.astype("timedelta64[D]")).astype(object)
        born = np.asarray([b.replace("-", "") for b in birth.tolist()], dtype=object)
        area = np.asarray(areas, dtype=object)[perm % len(areas)]
        ric[m] = ids.ric(area, born, 2 * half + 1 + (~male).astype(np.int64))
    male_all = np.asarray([int(r[16]) % 2 == 1 for r in ric.tolist()], dtype=bool)
    return {"name": person_names(keys, male_all, s + 5), "ric": ric}


def person_names(keys: I64, male: np.ndarray, s: int) -> Obj:
    surname = np.asarray([x for x, _ in nd.SURNAMES], dtype=object)[
        weighted(keys, s, [w for _, w in nd.SURNAMES])
    ]
    given = np.where(male, choose(keys, s + 1, nd.MALE_CHARS), choose(keys, s + 2, nd.FEMALE_CHARS))
    second = np.where(male, choose(keys, s + 3, nd.MALE_CHARS), choose(keys, s + 4, nd.FEMALE_CHARS))
    two = chance(keys, s + 5, 0.72)
    return surname + given + np.where(two, second, "")


def _people(keys: I64, seed: int) -> dict[str, Obj]:
    p = persons(keys % POOL_MAX, seed)
    hk = chance(keys, salt(seed, "hk"), 0.01)  # a few 港澳 residents
    pass_no = "H" + ids.to_strings(ids.digits(between(keys, salt(seed, "hkno"), 10**7, 10**8 - 1), 8))
    return {
        "name": p["name"],
        "id_type": np.where(hk, "港澳居民来往内地通行证", "身份证").astype(object),
        "id_no": np.where(hk, pass_no, p["ric"]).astype(object),
        "district": _DISTRICT_NAMES[pick(keys, salt(seed, "pd"), len(DISTRICTS))],
    }


def _trade_name(keys: I64, seed: int) -> Obj:
    z = len(nd.TRADE_CHARS)
    perm = permute(keys, z * z, salt(seed, "trade"))
    chars = np.asarray(nd.TRADE_CHARS, dtype=object)
    return np.asarray(chars[perm % z] + chars[perm // z], dtype=object)


def _organisations(keys: I64, seed: int) -> dict[str, Obj]:
    s = salt(seed, "org")
    group = keys // POOL_MAX
    head = np.empty(len(keys), dtype=object)
    for g, spec in enumerate(nd.GROUPS):
        m = group == g
        head[m] = np.asarray([h for h, _ in spec.heads], dtype=object)[
            weighted(keys[m], s, [w for _, w in spec.heads])
        ]
    d = pick(keys, s + 1, len(DISTRICTS))
    city_level = (head == "91") & chance(keys, s + 2, 0.3)
    region = np.where(city_level, CITY_CODE, _DISTRICT_CODES[d]).astype(object)
    old = chance(keys, s + 3, 0.35)
    body = np.where(
        old[:, None],
        ids.old_style_body(permute(keys, 30_000_000, s + 4)),
        ids.new_style_body(permute(keys, 31**6, s + 5)),
    )
    rep = persons(REP_BASE + keys, seed)
    return {
        "name": _org_names(keys, group, head, d, seed),
        "uscc": ids.uscc(head, region, body),
        "rep": rep["name"],
        "rep_id": rep["ric"],
        "district": _DISTRICT_NAMES[d],
    }


def _org_names(keys: I64, group: I64, head: Obj, d: I64, seed: int) -> Obj:
    s = salt(seed, "orgname")
    trade = _trade_name(keys, seed)
    names = np.empty(len(keys), dtype=object)
    for g, spec in enumerate(nd.GROUPS):
        m = group == g
        industry = np.asarray(spec.industries, dtype=object)[
            permute(keys[m], len(spec.industries) * 7919, s + g) % len(spec.industries)
        ]
        form = np.asarray([f for f, _ in nd.FORMS], dtype=object)[
            weighted(keys[m], s + 50, [w for _, w in nd.FORMS])
        ]
        prefix = np.asarray(["临江市", "临江", ""], dtype=object)[weighted(keys[m], s + 51, [55, 37, 8])]
        names[m] = prefix + trade[m] + industry + form
    for h, forms in nd.OTHER_FORMS.items():
        m = head == h
        other = np.asarray(forms, dtype=object)[pick(keys[m], s + 60, len(forms))]
        place = (
            _PLACE_PREFIX[d[m]]
            if h in ("93", "N2", "Y1", "12")
            else np.full(int(m.sum()), CITY, dtype=object)
        )
        names[m] = place + trade[m] + np.where(head[m] == "12", "镇", "") + other
    return names


def _shops(keys: I64, seed: int) -> dict[str, Obj]:
    s = salt(seed, "shop")
    group = keys // POOL_MAX
    operator = persons(OPERATOR_BASE + keys, seed)
    shop = np.empty(len(keys), dtype=object)
    for g, spec in enumerate(nd.GROUPS):
        m = group == g
        shop[m] = choose(keys[m], s + g, spec.shops)
    d = pick(keys, s + 40, len(DISTRICTS))
    has_code = chance(keys, s + 41, 0.92)
    code = ids.uscc(
        np.full(len(keys), "92", dtype=object),
        _DISTRICT_CODES[d],
        ids.new_style_body(permute(keys, 31**6, s + 42)),
    )
    return {
        "name": _PLACE_PREFIX[d] + operator["name"] + shop,
        "uscc": np.where(has_code, code, "").astype(object),
        "gszc": np.where(has_code, "", registration_numbers(_DISTRICT_CODES[d], keys)).astype(object),
        "rep": operator["name"],
        "rep_id": operator["ric"],
        "district": _DISTRICT_NAMES[d],
    }


def registration_numbers(region: Obj, keys: I64) -> Obj:
    """15-digit 工商注册号 (region + 6 + serial) with the GB/T 17710 MOD 11,10 check digit."""
    body = np.concatenate([ids.as_bytes(region, 6), ids.digits(60_000_000 + keys % 10_000_000, 8)], axis=1)
    p = np.full(len(keys), 10, dtype=np.int64)
    for i in range(14):
        t = (p + body[:, i].astype(np.int64) - 48) % 10
        p = (np.where(t == 0, 10, t) * 2) % 11
    check = ((11 - p) % 10 + 48).astype(np.uint8)
    return ids.to_strings(np.concatenate([body, check[:, None]], axis=1))


def uses_passport(kind: I64, group: I64, number: I64, seed: int) -> Bool:
    """True where a natural person identifies with a 港澳 travel permit instead of a 身份证 (see ``_people``)."""
    return np.asarray(
        (kind == PERSON) & chance(group * POOL_MAX + number, salt(seed, "hk"), 0.01), dtype=bool
    )
