"""The archive subjects' index: every subject once, its records in archive order, the name on its newest record."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from generator.model import RECORD_ID
from generator.site.subjects import KIND_ORDER, Subjects, find_subjects
from generator.site.view import ARCHIVE, DatasetView, dataset_views
from tests.site.conftest import COMPANY_CODE, SHOP_CODE, penalty, table, uscc

CODES = [COMPANY_CODE, SHOP_CODE, uscc("91330902MA2C9D8E7"), ""]  # "": a row naming no archive subject
DATES = ["2025-12-01", "2026-01-20", "2026-02-10", ""]
NAMES = ["临江市恒盛建材有限公司", "临江市恒盛建材厂", "临江市五金店"]

rows = st.lists(
    st.tuples(st.sampled_from(CODES), st.sampled_from(DATES), st.sampled_from(NAMES)), max_size=12
)


def penalties(found: list[tuple[str, str, str]], prefix: str) -> list[dict[str, str]]:
    return [
        penalty(f"{prefix}〔2026〕{n}号", CF_XDR_SHXYM=code, CF_JDRQ=day, CF_XDR_MC=name)
        for n, (code, day, name) in enumerate(found)
    ]


def licences(found: list[tuple[str, str, str]]) -> list[dict[str, str]]:
    return [
        {"XK_XDR_MC": name, "XK_XDR_LB": "法人及非法人组织", "XK_XDR_SHXYM": code, "XK_XKWS": "许可证",
         "XK_WSH": f"临许〔2026〕{n}号", "XK_XKLB": "认可", "XK_JDRQ": day, "XK_XKJG": "临江市住房和城乡建设局",
         "XK_XKJGDM": uscc("11330900002570777"), "XK_YXQZI": "2030-11-30"}
        for n, (code, day, name) in enumerate(found)
    ]  # fmt: skip


def expected(views: list[DatasetView]) -> tuple[list[str], list[str], list[list[tuple[int, int]]]]:
    """Spelled out one entry at a time: codes sorted; a subject's records by kind (lists first), dataset, row;
    its name from its newest record, ties to the first dataset, then the smaller record ID."""
    entries = [
        (code, KIND_ORDER[view.kind], v, pos, date, name, rid)
        for v, view in enumerate(views)
        if view.role("subject_code")
        for pos, (code, date, name, rid) in enumerate(
            zip(
                view.frame[ARCHIVE],
                view.column("date"),
                view.column("subject_name"),
                view.frame[RECORD_ID],
                strict=True,
            )
        )
        if code
    ]
    codes = sorted({e[0] for e in entries})
    newest = sorted(sorted(entries, key=lambda e: (e[2], e[6])), key=lambda e: e[4], reverse=True)
    names = [next(e[5] for e in newest if e[0] == code) for code in codes]
    records = [[(e[2], e[3]) for e in sorted(entries, key=lambda e: e[:4]) if e[0] == code] for code in codes]
    return codes, names, records


def found(subjects: Subjects) -> tuple[list[str], list[str], list[list[tuple[int, int]]]]:
    records = [subjects.records(i) for i in range(len(subjects))]
    return list(subjects.codes), list(subjects.names), records


@settings(max_examples=60, deadline=None)
@given(rows, rows, rows)
def test_subjects_are_sorted_with_their_records_in_archive_order_and_their_newest_name(
    first: list[tuple[str, str, str]],
    second: list[tuple[str, str, str]],
    licensed: list[tuple[str, str, str]],
) -> None:
    views, _ = dataset_views(
        {
            "licences": table("licences", "licensing", licences(licensed), title="行政许可"),
            "penalties": table("penalties", "penalty", penalties(first, "临罚"), title="行政处罚"),
            "fines": table("fines", "penalty", penalties(second, "临税罚"), title="税务处罚"),
        }
    )
    subjects = found(find_subjects(views))
    assert subjects == expected(views)
    assert all(isinstance(code, str) for code in subjects[0] + subjects[1])
