"""The sample generator's identifiers are the real thing: valid by the project's own checks and by stdnum."""

from __future__ import annotations

import numpy as np
from stdnum.cn import ric as stdnum_ric

from generator.identifiers import is_valid_ric, is_valid_uscc
from generator.sample import ids, subjects
from generator.sample.departments import CITY_CODE, DEPARTMENTS, DISTRICTS
from generator.sample.names_data import GROUPS


def _gb11714_check(body: str) -> str:
    value = sum(
        (int(c) if c.isdigit() else ord(c) - 55) * w
        for c, w in zip(body, (3, 7, 9, 10, 5, 8, 4, 2), strict=True)
    )
    check = 11 - value % 11
    return "X" if check == 10 else "0" if check == 11 else str(check)


def test_every_area_code_is_accepted_by_stdnum_for_every_birth_year_used() -> None:
    for area in (*ids.LOCAL_AREAS, *ids.NEARBY_AREAS, *ids.FAR_AREAS):
        for year in (1940, 1950, 1975, 2000, 2012):
            first17 = f"{area}{year}0615123"
            number = first17 + stdnum_ric.calc_check_digit(first17 + "0")
            assert stdnum_ric.is_valid(number), (area, year)


def test_the_city_and_its_districts_use_accepted_area_codes() -> None:
    assert CITY_CODE == "610300"
    assert all(code in ids.LOCAL_AREAS for _, code in DISTRICTS)


def test_departments_have_valid_distinct_government_codes() -> None:
    codes = [d.code for d in DEPARTMENTS]
    assert len(set(codes)) == len(codes)
    assert all(is_valid_uscc(c) and c[:2] in ("11", "12") and c[2:6] == "6103" for c in codes)
    assert len({d.short + d.mid for d in DEPARTMENTS}) == len(DEPARTMENTS)


def test_organisation_codes_are_valid_distinct_and_carry_a_gb11714_check() -> None:
    n = 20_000
    kind = np.zeros(n, dtype=np.int64)
    group = np.arange(n, dtype=np.int64) % len(GROUPS)
    cols = subjects.columns(kind, group, np.arange(n, dtype=np.int64), seed=3)
    codes = cols["uscc"].tolist()
    assert len(set(codes)) == n
    assert all(is_valid_uscc(c) for c in codes)
    assert all(_gb11714_check(c[8:16]) == c[16] for c in codes)
    heads = {c[:2] for c in codes}
    assert {"91", "52", "93", "N2", "Y1"} <= heads


def test_person_id_numbers_are_valid_distinct_and_adult() -> None:
    keys = np.arange(50_000, dtype=np.int64)
    people = subjects.persons(keys, seed=5)
    numbers = people["ric"].tolist()
    assert len(set(numbers)) == len(numbers)
    assert all(is_valid_ric(x) for x in numbers)
    assert all("19500101" <= x[6:14] <= "20001231" for x in numbers)
    local = sum(x[:6] in ids.LOCAL_AREAS for x in numbers) / len(numbers)
    assert 0.7 < local < 0.9


def test_registration_numbers_carry_the_mod_11_10_check() -> None:
    numbers = subjects.registration_numbers(
        np.asarray(["610323"] * 500, dtype=object), np.arange(500, dtype=np.int64)
    )
    for number in numbers.tolist():
        p = 10
        for d in number[:14]:
            s = (p + int(d)) % 10 or 10
            p = s * 2 % 11
        assert (p + int(number[14])) % 10 == 1
