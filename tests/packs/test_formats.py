"""Every format opens in the tool people use for it, holds only public records and columns, and is reproducible."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import openpyxl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from generator.model import DataFile
from generator.packs import write_packs
from generator.schema import builtin_schema
from tests.packs.builders import licence, penalty, person_row, publication
from tests.packs.frictionless_check import frictionless_errors

AS_OF = date(2026, 11, 25)
PENALTY_TITLES = [f.title for f in builtin_schema("penalty").fields if f.privacy != "drop"]


def records() -> dict[str, list[dict[str, str]]]:
    tricky = penalty(
        7, CF_SY='含"引号"、反斜杠\\、换行\n与制表\t及\x01控制符和 emoji 🙂 与\u2028分隔符', BZ=" 前后空格 "
    )
    return {
        "penalties": [penalty(n) for n in (3, 1, 2)]
        + [tricky, person_row(8), penalty(9, CF_JDRQ="2024-12-31")],
        "licences": [licence(1), licence(2)],
    }


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[DataFile]]:
    root = tmp_path_factory.mktemp("packs")
    return root, write_packs(publication(AS_OF, records()), root)


def latest(root: Path, name: str) -> Path:
    dataset = name.split(".")[0].split("-")[0]
    return root / "data" / "latest" / dataset / name


def test_files_written_for_every_dataset_and_the_all_data_zip(site: tuple[Path, list[DataFile]]) -> None:
    files = site[1]
    assert sorted(f.path for f in files) == sorted(
        [f"data/latest/{d}/{n}" for d in ("licences", "penalties")
         for n in ("datapackage.json", f"{d}.csv", f"{d}.jsonl", f"{d}.parquet", f"{d}.xlsx")]
        + ["data/latest/all-data.zip"]
    )  # fmt: skip
    assert {f.path: f.rows for f in files}["data/latest/penalties/penalties.csv"] == 6


def test_csv_has_a_bom_and_chinese_headers_with_record_id_first(site: tuple[Path, list[DataFile]]) -> None:
    raw = latest(site[0], "penalties.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    assert rows[0] == ["记录ID", *PENALTY_TITLES]
    assert len(rows) == 7 and all(len(r) == len(rows[0]) for r in rows)


def test_no_meta_or_private_columns_in_any_format(site: tuple[Path, list[DataFile]]) -> None:
    header = latest(site[0], "penalties.csv").read_text(encoding="utf-8-sig").splitlines()[0]
    for hidden in ("_file", "_row", "_batch", "_key", "_id", "法定代表人证件号码", "法定代表人证件类型"):
        assert hidden not in header
    record = json.loads(latest(site[0], "penalties.jsonl").read_text(encoding="utf-8").splitlines()[0])
    assert list(record) == ["记录ID", *PENALTY_TITLES]
    assert pq.read_schema(latest(site[0], "penalties.parquet")).names == ["记录ID", *PENALTY_TITLES]


def test_records_come_newest_decision_first(site: tuple[Path, list[DataFile]]) -> None:
    lines = latest(site[0], "penalties.jsonl").read_text(encoding="utf-8").splitlines()
    dates = [json.loads(line)["处罚决定日期"] for line in lines]
    assert dates == sorted(dates, reverse=True)


def test_json_lines_parse_and_keep_exact_values(site: tuple[Path, list[DataFile]]) -> None:
    lines = latest(site[0], "penalties.jsonl").read_text(encoding="utf-8").splitlines()
    parsed = [json.loads(line) for line in lines]
    tricky = next(r for r in parsed if r["行政处罚决定书文号"].endswith("〕7号"))
    assert tricky["违法事实"] == penalty(7, CF_SY=records()["penalties"][3]["CF_SY"])["CF_SY"]
    assert tricky["备注"] == " 前后空格 " and tricky["工商注册号"] is None
    for line, record in zip(lines, parsed, strict=True):
        expected = json.dumps(record, ensure_ascii=False, separators=(",", ":"))
        assert line == expected.replace("\u2028", "\\u2028").replace("\x85", "\\u0085")


def test_parquet_columns_are_typed(site: tuple[Path, list[DataFile]]) -> None:
    table = pq.read_table(latest(site[0], "penalties.parquet"))
    assert table.schema.field("处罚决定日期").type == pa.date32()
    assert pa.types.is_decimal(table.schema.field("罚款金额（万元）").type)
    assert table.schema.field("行政相对人名称").type in (pa.string(), pa.large_string())
    assert table.schema.field("处罚决定日期").metadata[b"code"] == b"CF_JDRQ"
    row = table.to_pylist()[-1]
    assert row["处罚决定日期"] == date(2024, 12, 31) and row["罚款金额（万元）"] == Decimal("1.5")


def test_xlsx_has_a_frozen_header_and_real_dates_and_numbers(site: tuple[Path, list[DataFile]]) -> None:
    sheet = openpyxl.load_workbook(latest(site[0], "penalties.xlsx")).active
    assert sheet.freeze_panes == "A2"
    header = [c.value for c in sheet[1]]
    assert header == ["记录ID", *PENALTY_TITLES]
    row = {h: c for h, c in zip(header, sheet[7], strict=True)}
    assert row["处罚决定日期"].is_date and row["处罚决定日期"].value == datetime(2024, 12, 31)
    assert row["罚款金额（万元）"].data_type == "n" and row["罚款金额（万元）"].value == 1.5
    assert row["行政处罚决定书文号"].data_type == "s"
    assert sheet.max_row == 7


def test_masked_id_numbers_stay_masked(site: tuple[Path, list[DataFile]]) -> None:
    text = latest(site[0], "penalties.csv").read_text(encoding="utf-8-sig")
    assert "330902********1234" in text


def test_every_data_package_passes_frictionless_validate(site: tuple[Path, list[DataFile]]) -> None:
    for dataset in ("penalties", "licences"):
        assert frictionless_errors(site[0] / "data" / "latest" / dataset / "datapackage.json") == []


def test_data_package_describes_the_files_with_sizes_and_hashes(site: tuple[Path, list[DataFile]]) -> None:
    root, files = site
    package = json.loads((root / "data/latest/penalties/datapackage.json").read_text(encoding="utf-8"))
    assert (package["name"], package["version"], package["created"]) == (
        "penalties",
        "2026-11-25",
        "2026-11-25T00:00:00+08:00",
    )
    assert package["licenses"][0]["name"] == "CC-BY-4.0" and package["sources"] and package["description"]
    by_path = {f.path.rsplit("/", 1)[-1]: f for f in files if f.dataset == "penalties"}
    for resource in package["resources"]:
        f = by_path[resource["path"]]
        assert resource["hash"] == f"sha256:{f.sha256}"
        assert resource.get("bytes", f.bytes) == f.bytes and ("bytes" in resource) == (f.format != "parquet")
    fields = package["resources"][0]["schema"]["fields"]
    assert [x["name"] for x in fields] == ["记录ID", *PENALTY_TITLES]
    assert all(x["title"] and x["description"] for x in fields)
    assert package["resources"][0]["schema"]["primaryKey"] == ["记录ID"]


def test_all_data_zip_holds_every_csv_and_a_valid_package(
    site: tuple[Path, list[DataFile]], tmp_path: Path
) -> None:
    with zipfile.ZipFile(site[0] / "data/latest/all-data.zip") as archive:
        assert archive.namelist() == ["datapackage.json", "licences.csv", "penalties.csv"]
        assert {i.date_time for i in archive.infolist()} == {(2026, 11, 25, 0, 0, 0)}
        archive.extractall(tmp_path)
    assert (tmp_path / "penalties.csv").read_bytes() == latest(site[0], "penalties.csv").read_bytes()
    assert frictionless_errors(tmp_path / "datapackage.json") == []


def test_same_input_gives_byte_identical_files(site: tuple[Path, list[DataFile]], tmp_path: Path) -> None:
    again = write_packs(publication(AS_OF, records()), tmp_path)
    assert again == site[1]
    for f in again:
        assert (tmp_path / f.path).read_bytes() == (site[0] / f.path).read_bytes(), f.path


def test_a_dataset_without_public_records_still_gets_valid_files(tmp_path: Path) -> None:
    files = write_packs(publication(AS_OF, {"penalties": [], "licences": [licence(1)]}), tmp_path)
    assert {f.rows for f in files if f.dataset == "penalties"} == {0}
    assert frictionless_errors(tmp_path / "data/latest/penalties/datapackage.json") == []
    package = json.loads((tmp_path / "data/latest/penalties/datapackage.json").read_text(encoding="utf-8"))
    # the empty JSON Lines file is not described (frictionless-py cannot read an empty one)
    assert [r["format"] for r in package["resources"]] == ["csv", "xlsx", "parquet"]
    assert openpyxl.load_workbook(tmp_path / "data/latest/penalties/penalties.xlsx").active.max_row == 1


def test_a_number_column_that_does_not_parse_stays_text_and_is_reported(tmp_path: Path) -> None:
    pub = publication(AS_OF, {"penalties": [penalty(1), penalty(2, CF_NR_FK="约1万")]})
    write_packs(pub, tmp_path)
    table = pq.read_table(tmp_path / "data/latest/penalties/penalties.parquet")
    assert sorted(table.column("罚款金额（万元）").to_pylist()) == ["1.5", "约1万"]
    assert [(p.code, p.dataset, p.field) for p in pub.problems] == [
        ("packs-number-as-text", "penalties", "CF_NR_FK")
    ]


def test_text_over_excels_cell_limit_is_counted_in_utf16_units_and_reported(tmp_path: Path) -> None:
    """Excel's cell holds 32,767 UTF-16 units: a character outside the BMP takes two."""
    over, at, wide = "经" * 32_768, "经" * 32_767, "𠀀" * 16_384  # 32,768 / 32,767 / 32,768 units
    rows = [penalty(1, CF_SY=over), penalty(2, CF_SY=at), penalty(3, CF_SY=wide), penalty(4, BZ=over)]
    pub = publication(AS_OF, {"penalties": rows})
    write_packs(pub, tmp_path)
    found = sorted((p.code, p.field, p.message) for p in pub.problems)
    assert [(code, field) for code, field, _ in found] == [
        ("packs-xlsx-truncated", "BZ"),
        ("packs-xlsx-truncated", "CF_SY"),
    ]
    assert "有 1 个值" in found[0][2] and "有 2 个值" in found[1][2]
