"""Who gets a credit archive: organisations and 个体工商户 with a well-formed 统一社会信用代码, nobody else."""

from __future__ import annotations

from generator.identifiers import USCC_ALPHABET
from generator.site.subjects import find_subjects
from generator.site.view import dataset_views
from tests.site.conftest import COMPANY_CODE, SHOP_CODE, penalty, table, uscc

WRONG_CHECK = COMPANY_CODE[:17] + next(c for c in USCC_ALPHABET if c != COMPANY_CODE[17])
AGENCY = uscc("N1330902MA2A1B2C3")  # A, N and Y first characters are valid, though stdnum alone rejects them


def archives(rows: list[dict[str, str]]) -> list[str]:
    views, _ = dataset_views({"penalties": table("penalties", "penalty", rows, title="行政处罚")})
    return [str(code) for code in find_subjects(views).codes]


def test_only_well_formed_codes_of_organisations_open_an_archive() -> None:
    rows = [
        penalty("1号"),
        penalty("2号", CF_XDR_SHXYM=WRONG_CHECK, CF_XDR_MC="临江市错码有限公司"),
        penalty("3号", CF_XDR_SHXYM=SHOP_CODE.lower(), CF_XDR_LB="个体工商户", CF_XDR_MC="临江市小写五金店"),
        penalty("4号", CF_XDR_SHXYM=AGENCY, CF_XDR_MC="临江市某协会"),
        penalty("5号", CF_XDR_SHXYM=uscc("91330902MA2C9D8E7"), CF_XDR_LB="自然人", CF_XDR_MC="张某"),
        penalty("6号", CF_XDR_SHXYM="91330902MA2C9D8E", CF_XDR_MC="临江市短码有限公司"),
    ]
    assert archives(rows) == sorted([COMPANY_CODE, SHOP_CODE, AGENCY])
