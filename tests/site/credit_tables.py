"""Small public tables of the credit kinds (#15) as the rules stage hands them over — an evaluation dataset with
a four-grade scale, a registration dataset, a fulfilment dataset, a commitment-items list — and a figures frame
as the rules stage computes it (``FULFILMENT_COLUMNS``), for the site and commitment-column tests; plus a way
to render record pages into a plain shell without mkdocs."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from generator.commitments.figures import with_fulfilment
from generator.config import Grade
from generator.model import FULFILMENT_COLUMNS, RECORD_ID, Table
from generator.site.periods import with_periods
from generator.site.records import record_pages
from generator.site.shell import BODY, Shell
from generator.site.subjects import find_subjects
from generator.site.view import DatasetView, dataset_views, measure_links
from generator.site.work import BulkData
from tests.site.conftest import COMPANY, COMPANY_CODE, DEPT_CODE, PERSON, PERSON_MASKED, SHOP_CODE, table

FOOD, ROAD, BUILD = "LJXK-SC-001", "LJXK-JT-001", "LJXK-ZJ-001"
SHOP = "临江市好味食品店"
MARKET = "临江市市场监督管理局"
GRADES = [
    Grade(code="A", title="诚信（A 级）", meaning="信用状况好，可享受绿色通道", badge=True),
    Grade(code="B", title="较好（B 级）", meaning="按常规比例和频次抽查"),
    Grade(code="C", title="一般（C 级）", meaning="适当提高抽查比例和频次"),
    Grade(code="D", title="较差（D 级）", meaning="列为重点监管对象", badge=True),
]


def item(code: str, name: str) -> dict[str, str]:
    return {"CN_SXMC": name, "CN_SXBM": code, "CN_SXLB": "行政许可", "CN_CNLX": "审批替代型", "CN_SSBM": MARKET,
            "CN_SXRQ": "2024-01-01"}  # fmt: skip


def promise(number: str, code: str, result: str, checked: str = "", **fields: str) -> dict[str, str]:
    row = {"LY_MC": COMPANY, "LY_ZTLB": "法人及非法人组织", "LY_SHXYM": COMPANY_CODE, "LY_SXBM": code,
           "LY_CNBH": number, "LY_CNRQ": "2026-01-05", "LY_HCJG": result, "LY_HCRQ": checked,
           "LY_CLCS": "撤销许可" if result == "失诺" else "", "LY_HCBM": MARKET, "LY_HCBMDM": DEPT_CODE}  # fmt: skip
    return row | fields


def grade(
    number: str, code: str, sector: str = "综合", dept: str = "临江市公共信用信息中心", **fields: str
) -> dict[str, str]:
    row = {"PJ_MC": COMPANY, "PJ_ZTLB": "法人及非法人组织", "PJ_SHXYM": COMPANY_CODE, "PJ_PJDJ": code,
           "PJ_HYLY": sector, "PJ_PJYJ": "《临江市公共信用综合评价办法》", "PJ_PJJG": dept, "PJ_PJJGDM": DEPT_CODE,
           "PJ_PJBH": number, "PJ_PJRQ": "2026-02-01", "PJ_YXQZ": "2027-01-31"}  # fmt: skip
    return row | fields


def credit_tables() -> dict[str, Table]:
    items = [
        item(FOOD, "食品经营许可（新办）"),
        item(ROAD, "道路普通货物运输经营许可"),
        item(BUILD, "建筑业企业资质"),
    ]
    promises = [
        promise("CN-1", FOOD, "失诺", "2026-02-10"),
        promise("CN-2", FOOD, "践诺", "2026-02-11"),
        promise("CN-3", FOOD, "失诺", "2026-03-01", LY_MC=PERSON, LY_ZTLB="自然人", LY_SHXYM="", LY_ZJLX="身份证",
                LY_ZJHM=PERSON_MASKED),
        promise("CN-4", ROAD, "失诺", "2026-01-20", LY_MC=SHOP, LY_ZTLB="个体工商户", LY_SHXYM=SHOP_CODE),
        promise("CN-5", "LJXK-XX-999", "失诺", "2026-01-21"),  # an item the list does not have
    ]  # fmt: skip
    grades = [
        grade("PJ-1", "A"),
        grade("PJ-2", "D", sector="交通运输", dept="临江市交通运输局", PJ_MC=SHOP, PJ_ZTLB="个体工商户",
              PJ_SHXYM=SHOP_CODE),
        grade("PJ-3", "B", PJ_MC=PERSON, PJ_ZTLB="自然人", PJ_SHXYM="", PJ_ZJLX="身份证", PJ_ZJHM=PERSON_MASKED),
    ]  # fmt: skip
    registrations = [
        {"ZC_MC": COMPANY, "ZC_ZTLB": "法人及非法人组织", "ZC_SHXYM": COMPANY_CODE, "ZC_XXLB": "经营信息",
         "ZC_XXNR": "年产混凝土50万立方米（自报）", "ZC_ZCRQ": "2026-03-01", "ZC_HYZT": "未核验", "ZC_ZCBH": "ZC-1"},
        {"ZC_MC": COMPANY, "ZC_ZTLB": "法人及非法人组织", "ZC_SHXYM": COMPANY_CODE, "ZC_XXLB": "荣誉",
         "ZC_XXNR": "守合同重信用企业", "ZC_ZCRQ": "2026-02-10", "ZC_HYZT": "已核验", "ZC_HYJG": MARKET,
         "ZC_HYJGDM": DEPT_CODE, "ZC_HYRQ": "2026-02-20", "ZC_ZCBH": "ZC-2"},
    ]  # fmt: skip
    return {
        "items": table("items", "commitment-items", items, title="告知承诺事项清单"),
        "promises": table("promises", "fulfilment", promises, title="信用承诺履约信息"),
        "grades": table("grades", "evaluation", grades, title="公共信用综合评价结果", grades=GRADES),
        "registrations": table("registrations", "registration", registrations, title="自愿注册信息"),
    }


def figures(rows: list[tuple[str, str, int, int, int, int, int]]) -> pd.DataFrame:
    """A figures frame: (dataset, item, year, made, checked, kept, broken) per row."""
    frame = pd.DataFrame(rows, columns=list(FULFILMENT_COLUMNS))
    return frame.astype({c: "int64" for c in FULFILMENT_COLUMNS[2:]})


FIGURES = figures([
    ("promises", FOOD, 2025, 4, 3, 2, 1),
    ("promises", FOOD, 2026, 5, 3, 1, 2),
    ("other", FOOD, 2026, 1, 0, 0, 0),  # a second fulfilment dataset naming the same item
    ("promises", ROAD, 2026, 2, 0, 0, 0),  # nothing checked yet
])  # fmt: skip


def views_of(tables: dict[str, Table], frame: pd.DataFrame | None = FIGURES) -> list[DatasetView]:
    """The site's views of ``tables``, annotated as ``render_site`` does."""
    views, problems = dataset_views(tables)
    assert problems == []
    return with_fulfilment(with_periods(views, tables, None), frame)


def view_named(views: list[DatasetView], dataset: str) -> DatasetView:
    return next(v for v in views if v.id == dataset)


def record_id_of(tables: dict[str, Table], dataset: str, column: str, value: str) -> str:
    frame = tables[dataset].frame
    return str(frame.loc[frame[column] == value, RECORD_ID].iloc[0])


def record_page_bodies(tmp_path: Path, views: list[DatasetView], dataset: str) -> dict[str, str]:
    """Record ID → the body of its record page, rendered into a bare shell (the page's body only)."""
    (tmp_path / "site").mkdir()  # the shell stage makes it in a build; page tasks write below it
    data = BulkData(
        tmp_path / "site", "https://x.example.cn/", views, find_subjects(views), measure_links(views)
    )
    data.shell = Shell(("", BODY, ""))
    vi = next(i for i, v in enumerate(views) if v.id == dataset)
    written = record_pages(data, vi, 0, len(views[vi].frame))
    return {Path(p).stem: (data.site_dir / p).read_text(encoding="utf-8") for p in written}
