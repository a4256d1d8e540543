"""The validate stage: every Table Schema check, table-driven, and the "each row ends exactly once" property."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.config import DatasetConfig
from generator.identifiers import record_id, uscc_check_char
from generator.model import (
    BATCH,
    FILE,
    KEY,
    LEDGER_COLUMNS,
    RECORD_ID,
    REJECTED,
    ROW,
    DatasetSpec,
    StageResult,
    Table,
)
from generator.problems import Level
from generator.schema import builtin_schema
from generator.validate import validate
from generator.validation.table import record_id_column

PENALTY = builtin_schema("penalty")
CONFIG = DatasetConfig.model_validate(
    {
        "kind": "penalty",
        "title": "行政处罚信息",
        "description": "d",
        "publisher": "p",
        "update_frequency": "daily",
    }
)
SPEC = DatasetSpec("penalties", CONFIG, PENALTY, Path("datasets/penalties"), ())
DEPT = "11330900002570512" + uscc_check_char("11330900002570512")
COMPANY = "91330902MA2A1B2C3" + uscc_check_char("91330902MA2A1B2C3")
PERSON = "11010519491231002X"
BASE = {
    "CF_XDR_MC": "临江市恒盛建材有限公司",
    "CF_XDR_LB": "法人及非法人组织",
    "CF_XDR_SHXYM": COMPANY,
    "CF_WSH": "临市监处罚〔2024〕1号",
    "CF_WFXW": "销售不合格产品",
    "CF_SY": "销售的水泥强度不符合国家标准",
    "CF_YJ": "《中华人民共和国产品质量法》第四十九条",
    "CF_CFLB": "警告；罚款",
    "CF_NR": "警告，罚款壹万伍仟元",
    "CF_NR_FK": "1.5",
    "CF_JDRQ": "2024-03-15",
    "CF_CFJG": "临江市市场监督管理局",
    "CF_CFJGDM": DEPT,
}
PERSON_ROW = {
    "CF_XDR_MC": "张三",
    "CF_XDR_LB": "自然人",
    "CF_XDR_SHXYM": "",
    "CF_XDR_ZJLX": "身份证",
    "CF_XDR_ZJHM": PERSON,
}


def raw(*rows: dict[str, str], batch: int | list[int] = 0) -> StageResult:
    """A raw penalty table as the load stage hands it on: rows of overrides on a valid record."""
    records = [{name: {**BASE, **r}.get(name, "") for name in PENALTY.names} for r in rows]
    frame = pd.DataFrame(records, columns=PENALTY.names, dtype="str")
    frame[FILE] = "datasets/penalties/2024-01.csv"
    frame[ROW] = np.arange(2, len(rows) + 2, dtype=np.int64)
    frame[BATCH] = np.asarray(batch if isinstance(batch, list) else [batch] * len(rows), dtype=np.int64)
    return StageResult({"penalties": Table(SPEC, frame)})


def check(**override: str) -> StageResult:
    return validate(raw(override))


REJECTS = [  # (overrides, problem code, field)
    ({"CF_WFXW": ""}, "validate-required", "CF_WFXW"),
    ({"CF_XDR_SHXYM": ""}, "validate-required-when", "CF_XDR_SHXYM"),
    ({**PERSON_ROW, "CF_XDR_ZJHM": ""}, "validate-required-when", "CF_XDR_ZJHM"),
    ({**PERSON_ROW, "CF_XDR_ZJLX": ""}, "validate-required-when", "CF_XDR_ZJLX"),
    ({"CF_JDRQ": "2024-02-30"}, "validate-date", "CF_JDRQ"),
    ({"CF_JDRQ": "2024/13/1"}, "validate-date", "CF_JDRQ"),
    ({"CF_JDRQ": "20240230"}, "validate-date", "CF_JDRQ"),
    ({"CF_JDRQ": "24-3-5"}, "validate-date", "CF_JDRQ"),
    ({"CF_JDRQ": "2024-3/5"}, "validate-date", "CF_JDRQ"),
    ({"CF_JDRQ": "２０２４-03-05"}, "validate-date", "CF_JDRQ"),
    ({"CF_YXQ": "长期"}, "validate-date", "CF_YXQ"),
    ({"CF_NR_FK": "1,000"}, "validate-number", "CF_NR_FK"),
    ({"CF_NR_FK": "3万元"}, "validate-number", "CF_NR_FK"),
    ({"CF_NR_FK": "NaN"}, "validate-number", "CF_NR_FK"),
    ({"CF_NR_FK": "Infinity"}, "validate-number", "CF_NR_FK"),
    ({"CF_NR_FK": "1_000"}, "validate-number", "CF_NR_FK"),
    ({"CF_NR_FK": "１"}, "validate-number", "CF_NR_FK"),
    ({"CF_NR_FK": "1.2.3"}, "validate-number", "CF_NR_FK"),
    ({"CF_NR_FK": "-0.01"}, "validate-minimum", "CF_NR_FK"),
    ({"CF_NR_WFFF": "-3"}, "validate-minimum", "CF_NR_WFFF"),
    ({"CF_XDR_MC": "临" * 201}, "validate-max-length", "CF_XDR_MC"),
    ({"CF_XDR_SHXYM": COMPANY[:17]}, "validate-min-length", "CF_XDR_SHXYM"),
    ({"CF_XDR_LB": "法人"}, "validate-enum", "CF_XDR_LB"),
    ({"CF_SXCD": "很严重"}, "validate-enum", "CF_SXCD"),
    ({**PERSON_ROW, "CF_XDR_ZJLX": "居民身份证"}, "validate-pattern", "CF_XDR_ZJLX"),
    ({"CF_XDR_SHXYM": COMPANY[:-1] + ("Y" if COMPANY[-1] != "Y" else "X")}, "validate-uscc", "CF_XDR_SHXYM"),
    ({"CF_XDR_SHXYM": COMPANY.lower()}, "validate-uscc", "CF_XDR_SHXYM"),
    ({"CF_XDR_SHXYM": "91330902MA2I1B2C3X"}, "validate-uscc", "CF_XDR_SHXYM"),
    ({"CF_CFJGDM": DEPT[:-1] + "1"}, "validate-uscc", "CF_CFJGDM"),
    ({**PERSON_ROW, "CF_XDR_ZJHM": "110105194912310021"}, "validate-ric", "CF_XDR_ZJHM"),
    ({**PERSON_ROW, "CF_XDR_ZJHM": "99999919900101123" + "5"}, "validate-ric", "CF_XDR_ZJHM"),
    ({**PERSON_ROW, "CF_XDR_ZJHM": "1101051949123100"}, "validate-ric", "CF_XDR_ZJHM"),
    # legacy 15-digit numbers: 1949-02-30; 1900-02-29 (1900 was no leap year); no province 99; no check character
    ({**PERSON_ROW, "CF_XDR_ZJHM": "110105490230002"}, "validate-ric", "CF_XDR_ZJHM"),
    ({**PERSON_ROW, "CF_XDR_ZJHM": "110105000229002"}, "validate-ric", "CF_XDR_ZJHM"),
    ({**PERSON_ROW, "CF_XDR_ZJHM": "990105491231002"}, "validate-ric", "CF_XDR_ZJHM"),
    ({**PERSON_ROW, "CF_XDR_ZJHM": "11010549123100X"}, "validate-ric", "CF_XDR_ZJHM"),
    ({"CF_CFLB": "警告；罚金"}, "validate-vocabulary", "CF_CFLB"),
    ({"CF_CFLB": "；"}, "validate-vocabulary", "CF_CFLB"),
]


@pytest.mark.parametrize(("override", "code", "field"), REJECTS)
def test_a_bad_cell_rejects_its_row_with_its_code(override: dict[str, str], code: str, field: str) -> None:
    result = check(**override)
    assert result.tables["penalties"].frame.empty
    [row] = result.ledger.to_dict("records")
    assert (row["reason"], row["field"], row["fate"], row[ROW]) == (code, field, REJECTED, 2)
    assert row["message"].startswith("datasets/penalties/2024-01.csv 第 2 行 ")
    assert [(p.code, p.field, p.row, p.dataset) for p in result.problems] == [(code, field, 2, "penalties")]


ACCEPTS = [  # overrides that are valid, and the normalised values they produce
    ({}, {}),
    ({"CF_XDR_SHXYM": "Y1330900MA2A1B2C3" + uscc_check_char("Y1330900MA2A1B2C3")}, {}),
    ({"CF_XDR_SHXYM": "A1330900MA2A1B2C4" + uscc_check_char("A1330900MA2A1B2C4")}, {}),
    ({"CF_XDR_LB": "个体工商户", "CF_XDR_SHXYM": ""}, {}),
    (PERSON_ROW, {}),
    ({**PERSON_ROW, "CF_XDR_ZJHM": PERSON.lower()}, {}),
    ({**PERSON_ROW, "CF_XDR_ZJHM": "110105491231002"}, {}),  # legacy 15 digits: born 1949-12-31
    ({**PERSON_ROW, "CF_XDR_ZJHM": "110105960229123"}, {}),  # legacy 15 digits: born 1996-02-29
    ({**PERSON_ROW, "CF_XDR_ZJLX": "护照", "CF_XDR_ZJHM": "E12345678"}, {}),
    ({**PERSON_ROW, "CF_XDR_ZJLX": "其他-军官证", "CF_XDR_ZJHM": "军字第001号"}, {}),
    ({"CF_JDRQ": "2024/3/5"}, {"CF_JDRQ": "2024-03-05"}),
    ({"CF_JDRQ": "2024.3.5"}, {"CF_JDRQ": "2024-03-05"}),
    ({"CF_JDRQ": "20240305"}, {"CF_JDRQ": "2024-03-05"}),
    ({"CF_JDRQ": "2024年3月5日"}, {"CF_JDRQ": "2024-03-05"}),
    ({"CF_JDRQ": "2024-3-5"}, {"CF_JDRQ": "2024-03-05"}),
    ({"CF_JDRQ": "2024-02-29"}, {"CF_JDRQ": "2024-02-29"}),
    ({"CF_NR_FK": "1.50"}, {"CF_NR_FK": "1.5"}),
    ({"CF_NR_FK": "+2"}, {"CF_NR_FK": "2"}),
    ({"CF_NR_FK": "1e3"}, {"CF_NR_FK": "1000"}),
    ({"CF_NR_FK": "-0"}, {"CF_NR_FK": "0"}),
    ({"CF_NR_FK": ".5"}, {"CF_NR_FK": "0.5"}),
    ({"CF_NR_FK": "007.100"}, {"CF_NR_FK": "7.1"}),
    ({"CF_NR_FK": ""}, {"CF_NR_FK": ""}),
    ({"CF_XDR_MC": "临" * 200}, {}),
    ({"CF_CFLB": "警告,罚款"}, {"CF_CFLB": "警告,罚款"}),
    ({"CF_CFLB": "警告、罚款"}, {}),
    ({"CF_CFLB": "没收违法所得、没收非法财物"}, {}),
    ({"CF_CFLB": "暂扣或者吊销许可证、暂扣或者吊销执照；罚款"}, {}),
]


@pytest.mark.parametrize(("override", "normalised"), ACCEPTS)
def test_a_valid_row_passes_with_normalised_dates_and_numbers(
    override: dict[str, str], normalised: dict[str, str]
) -> None:
    result = check(**override)
    assert result.ledger.empty and result.problems == []
    [row] = result.tables["penalties"].frame.to_dict("records")
    for name, value in normalised.items():
        assert row[name] == value


def test_uscc_message_names_file_row_field_value_and_the_right_check_character() -> None:
    wrong = COMPANY[:-1] + ("Y" if COMPANY[-1] != "Y" else "X")
    [found] = check(CF_XDR_SHXYM=wrong).problems
    assert found.message == (
        f"datasets/penalties/2024-01.csv 第 2 行 统一社会信用代码「{wrong}」校验位错误，应为 {COMPANY[-1]}"
    )
    assert (found.file, found.row, found.field, found.value) == (
        "datasets/penalties/2024-01.csv",
        2,
        "CF_XDR_SHXYM",
        wrong,
    )


def test_identity_numbers_are_masked_in_messages_and_values() -> None:
    [found] = check(**{**PERSON_ROW, "CF_XDR_ZJHM": "110105194912310021"}).problems
    assert "110105194912310021" not in found.message and found.value != "110105194912310021"
    assert "校验位错误，应为 X" in found.message


def test_legacy_15_digit_resident_id_is_accepted_and_masked_in_messages() -> None:
    legacy = "110105491231002"
    result = check(**{**PERSON_ROW, "CF_XDR_ZJHM": legacy, "CF_WFXW": ""})  # rejected for another cell
    assert [p.code for p in result.problems] == ["validate-required"]
    accepted = check(**{**PERSON_ROW, "CF_XDR_ZJHM": legacy})
    assert accepted.problems == [] and accepted.tables["penalties"].frame["CF_XDR_ZJHM"].tolist() == [legacy]
    [bad] = check(**{**PERSON_ROW, "CF_XDR_ZJHM": "110105490230002"}).problems
    assert "110105490230002" not in bad.message + bad.value and "出生日期 19490230" in bad.message


def test_resident_id_with_an_area_code_unknown_for_the_birth_year_is_a_warning_not_a_rejection() -> None:
    renamed = "330902198503124211"  # 定海区 (330902) was created in 1987; people born there earlier keep it
    result = check(**{**PERSON_ROW, "CF_XDR_ZJHM": renamed})
    assert result.ledger.empty and len(result.tables["penalties"].frame) == 1
    [found] = result.problems
    assert (found.code, found.level, found.file, found.row, found.field) == (
        "validate-ric-unknown-area",
        Level.WARNING,
        "datasets/penalties/2024-01.csv",
        2,
        "CF_XDR_ZJHM",
    )
    assert "地区码 330902" in found.message and "1985" in found.message
    assert renamed not in found.message + found.value


def test_resident_id_with_a_wrong_check_character_or_impossible_birth_date_stays_a_rejection() -> None:
    for number in ("330902198503124210", "330902198502304210"):  # check char; 1985-02-30
        result = check(**{**PERSON_ROW, "CF_XDR_ZJHM": number})
        assert result.tables["penalties"].frame.empty
        assert [(p.code, p.level) for p in result.problems] == [("validate-ric", Level.ERROR)]


def test_only_identity_cards_are_checked_as_resident_id_numbers() -> None:
    assert check(**{**PERSON_ROW, "CF_XDR_ZJLX": "护照", "CF_XDR_ZJHM": "110105194912310021"}).ledger.empty


def test_several_bad_cells_give_a_problem_each_and_one_ledger_row() -> None:
    result = check(CF_XDR_LB="公司", CF_JDRQ="2024-13-01", CF_NR_FK="-5")
    assert [p.field for p in result.problems] == ["CF_XDR_LB", "CF_NR_FK", "CF_JDRQ"]  # schema order
    [row] = result.ledger.to_dict("records")
    assert row["field"] == "CF_XDR_LB" and "本行另有 2 处问题" in row["message"]


def test_a_cell_is_reported_once_by_its_first_failing_check() -> None:
    [found] = check(CF_XDR_SHXYM="9133").problems  # too short and not a valid USCC
    assert found.code == "validate-min-length"


def test_same_key_twice_in_one_batch_rejects_the_later_rows_only() -> None:
    result = validate(raw({"CF_NR_FK": "1"}, {"CF_NR_FK": "2"}, {"CF_NR_FK": "3"}))
    assert result.tables["penalties"].frame["CF_NR_FK"].tolist() == ["1"]
    assert result.ledger[ROW].tolist() == [3, 4]
    assert set(result.ledger["reason"]) == {"validate-duplicate-key"}
    assert "与本文件第 2 行重复" in result.ledger["message"].iloc[1]


def test_same_key_in_a_later_batch_is_a_correction_and_kept() -> None:
    result = validate(raw({"CF_NR_FK": "1"}, {"CF_NR_FK": "2"}, batch=[0, 1]))
    assert result.ledger.empty
    assert result.tables["penalties"].frame["CF_NR_FK"].tolist() == ["1", "2"]


def test_rows_without_any_key_cell_are_not_duplicates_of_each_other() -> None:
    result = validate(raw({"CF_WSH": "", "CF_CFJGDM": ""}, {"CF_WSH": "", "CF_CFJGDM": ""}))
    assert set(result.ledger["reason"]) == {"validate-required"}
    assert result.ledger[RECORD_ID].tolist() == ["", ""]


def test_key_and_record_id_follow_the_identifiers_contract() -> None:
    [row] = check().tables["penalties"].frame.to_dict("records")
    assert row[KEY] == f"临市监处罚〔2024〕1号\x1f{DEPT}"
    assert row[RECORD_ID] == record_id("penalties", ("临市监处罚〔2024〕1号", DEPT))


def test_valid_table_keeps_the_raw_columns_and_adds_key_and_record_id() -> None:
    frame = check().tables["penalties"].frame
    assert list(frame.columns) == [*PENALTY.names, FILE, ROW, BATCH, KEY, RECORD_ID]


def test_rejected_rows_with_a_key_carry_their_record_id_in_the_ledger() -> None:
    [row] = check(CF_WFXW="").ledger.to_dict("records")
    assert row[RECORD_ID] == record_id("penalties", ("临市监处罚〔2024〕1号", DEPT))


def test_an_empty_table_validates_to_an_empty_table() -> None:
    result = validate(raw())
    assert result.tables["penalties"].frame.empty and result.ledger.empty and result.problems == []
    assert tuple(result.ledger.columns) == LEDGER_COLUMNS


@settings(max_examples=40, deadline=None)
@given(
    choices=st.lists(
        st.one_of(st.just({}), st.sampled_from([o for o, _, _ in REJECTS]), st.just({"CF_WSH": "重号"})),
        max_size=30,
    ),
    batches=st.lists(st.integers(0, 2), min_size=30, max_size=30),
)
def test_every_row_ends_exactly_once_as_valid_or_rejected(
    choices: list[dict[str, str]], batches: list[int]
) -> None:
    rows = [{"CF_WSH": f"临市监处罚〔2024〕{n}号", **c} for n, c in enumerate(choices)]
    result = validate(raw(*rows, batch=sorted(batches[: len(rows)])))
    valid = set(result.tables["penalties"].frame[ROW])
    rejected = list(result.ledger[ROW])
    assert len(rejected) == len(set(rejected)) and valid.isdisjoint(rejected)
    assert valid | set(rejected) == set(range(2, len(rows) + 2))
    assert {p.row for p in result.problems} == set(rejected)


def test_record_tables_move_into_the_result_and_the_raw_ledger_stays() -> None:
    before = raw({}, {"CF_WFXW": ""})
    kept_frame = before.tables["penalties"].frame
    result = validate(before)
    assert before.tables == {} and before.ledger.empty
    assert (
        len(kept_frame) == 2 and list(kept_frame.columns)[:2] == PENALTY.names[:2]
    )  # a caller's own copy is intact
    assert len(result.tables["penalties"].frame) == 1 and len(result.ledger) == 1


@settings(max_examples=50, deadline=None)
@given(st.lists(st.tuples(st.text(max_size=12), st.text(max_size=20)), max_size=30), st.integers(1, 7))
def test_record_ids_of_a_whole_column_equal_the_scalar_record_id(
    keys: list[tuple[str, str]], chunk: int
) -> None:
    joined = pa.array(["\x1f".join(k) for k in keys], pa.large_string())
    assert record_id_column("penalties", joined, chunk).to_pylist() == [
        record_id("penalties", k) for k in keys
    ]


def test_a_single_field_key_and_a_pattern_work_for_the_measures_list() -> None:
    schema = builtin_schema("measures")
    spec = DatasetSpec("measures", CONFIG, schema, Path("datasets/measures"), ())
    good = {"CS_BH": "1-01", "CS_FL": "管理措施", "CS_DX": "严重失信主体", "CS_MDMC": "严重失信主体名单",
            "CS_CS": "限制参与政府采购", "CS_YJ": "《政府采购法》第二十二条", "CS_SSZT": "市财政局"}  # fmt: skip
    rows = [good, {**good, "CS_BH": "1 02"}, {**good}, {**good, "CS_SSZT": "市发展改革委"}]
    frame = pd.DataFrame([{n: r.get(n, "") for n in schema.names} for r in rows], dtype="str")
    frame[FILE], frame[ROW], frame[BATCH] = "datasets/measures/2024.csv", np.arange(2, 6), 0
    result = validate(StageResult({"measures": Table(spec, frame)}))
    reasons = [
        "validate-pattern",
        "validate-duplicate-row",
        "validate-duplicate-key",
    ]  # an exact copy, then not
    assert result.ledger["reason"].tolist() == reasons
    assert result.tables["measures"].frame[KEY].tolist() == ["1-01"]
