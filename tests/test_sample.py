"""``gongshi sample`` writes a realistic, deterministic, loadable synthetic catalog — and the demo city is one.

The files are read back the plain way (csv module, openpyxl), independently of the project's loader.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from pathlib import Path

import openpyxl
import pytest

from generator import paths
from generator.catalog import load_catalog
from generator.identifiers import is_valid_ric, is_valid_uscc
from generator.sample import SampleSummary, write_sample
from generator.sample.demo import DEMO_RECORDS, DEMO_SEED, write_demo
from generator.sample.list_defs import LISTS
from generator.schema import normalise_header
from tests.leakscan import personal_numbers

RECORD_DATASETS = ("penalties", "licences", "inspections", "list-punishment", "list-watch", "list-incentive")
CREDIT_DATASETS = ("evaluations", "registrations", "fulfilment")  # on top of N (tests/test_sample_credit.py)
DEMO = paths.PACKAGE_DIR.parent / "catalog"
N = 4000
Sample = tuple[Path, SampleSummary, dict[str, list[dict[str, str]]]]


# ---- reading the files back ------------------------------------------------------------------------------
def decode(raw: bytes) -> tuple[str, str]:
    """(text, encoding) of a CSV file: UTF-8 with BOM, UTF-8, else GB18030."""
    if raw.startswith(b"\xef\xbb\xbf"):
        return raw[3:].decode("utf-8"), "utf-8-sig"
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        return raw.decode("gb18030"), "gb18030"


def read_rows(path: Path) -> list[list[str]]:
    if path.suffix == ".xlsx":
        book = openpyxl.load_workbook(path, read_only=True)
        rows = [["" if v is None else str(v) for v in row] for row in book.active.iter_rows(values_only=True)]
        book.close()
        return rows
    return list(csv.reader(io.StringIO(decode(path.read_bytes())[0], newline="")))


def read_csv(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(decode(path.read_bytes())[0], newline="")))


def records(root: Path) -> dict[str, list[dict[str, str]]]:
    """dataset id → rows with canonical field names plus ``_file`` (catalog-relative) and ``_row``."""
    catalog, problems = load_catalog(root)
    assert catalog is not None, problems
    out: dict[str, list[dict[str, str]]] = {}
    for spec in catalog.datasets:
        mapping = spec.schema.header_map()
        out[spec.id] = []
        for batch in spec.batches:
            header, *body = read_rows(batch)
            names = [mapping[normalise_header(h)] for h in header]
            shown = batch.relative_to(root).as_posix()
            for number, values in enumerate(body, start=2):
                out[spec.id].append(
                    {**dict(zip(names, values, strict=True)), "_file": shown, "_row": str(number)}
                )
    return out


def files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


# ---- one sample shared by most tests ---------------------------------------------------------------------
@pytest.fixture(scope="module")
def sample(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[Path, SampleSummary, dict[str, list[dict[str, str]]]]:
    root = tmp_path_factory.mktemp("sample")
    summary = write_sample(root, N, seed=11)
    return root, summary, records(root)


def bad_spots(summary: SampleSummary, kinds: tuple[str, ...] | None = None) -> set[tuple[str, str]]:
    return {(b.file, str(b.row)) for b in summary.bad_rows if kinds is None or b.kind in kinds}


def test_the_same_seed_writes_byte_identical_files_and_another_seed_does_not(tmp_path: Path) -> None:
    write_sample(tmp_path / "a", 1500, seed=7)
    write_sample(tmp_path / "b", 1500, seed=7)
    write_sample(tmp_path / "c", 1500, seed=8)
    a, b, c = files(tmp_path / "a"), files(tmp_path / "b"), files(tmp_path / "c")
    assert a == b
    assert a["portal.yaml"] == c["portal.yaml"]  # configuration is fixed …
    assert a["datasets/penalties/2019.csv"] != c["datasets/penalties/2019.csv"]  # … records are not


@pytest.mark.parametrize("n", [0, 1, 37, 1234])
def test_records_counts_exactly_the_data_rows_of_the_record_datasets(tmp_path: Path, n: int) -> None:
    summary = write_sample(tmp_path, n, seed=2)
    found = records(tmp_path)
    assert sum(len(found[d]) for d in RECORD_DATASETS) == n == summary.records == sum(summary.rows.values())
    assert len(found["measures"]) == summary.measures >= 30  # fixed list, not counted in N


def test_the_catalog_loads_with_every_kind_of_dataset(sample: Sample) -> None:
    root, _, _ = sample
    catalog, problems = load_catalog(root)
    assert problems == [] and catalog is not None
    kinds = {d.id: (d.config.kind, d.config.list_type) for d in catalog.datasets}
    assert kinds == {
        "penalties": ("penalty", None), "licences": ("licensing", None), "inspections": ("other-act", None),
        "list-punishment": ("list", "punishment"), "list-watch": ("list", "watch"),
        "list-incentive": ("list", "incentive"), "measures": ("measures", None),
        "evaluations": ("evaluation", None), "registrations": ("registration", None),
        "fulfilment": ("fulfilment", None), "commitment-items": ("commitment-items", None),
    }  # fmt: skip
    assert catalog.portal.region == "临江市" and catalog.portal.base_url.endswith(".example.gov.cn/")
    assert not (root / "rules").exists()


def test_shares_follow_the_brief(sample: Sample) -> None:
    _, summary, _ = sample
    assert summary.rows["penalties"] == 0.55 * N and summary.rows["licences"] == 0.40 * N
    assert all(summary.rows[d] > 0 for d in RECORD_DATASETS)


def test_every_identifier_is_valid_except_in_the_deliberately_bad_rows(
    sample: Sample,
) -> None:
    root, summary, found = sample
    catalog, _ = load_catalog(root)
    assert catalog is not None
    spoiled = bad_spots(summary, ("bad-uscc", "bad-ric"))
    checked = Counter[str]()
    for spec in catalog.datasets:
        uscc = [f.name for f in spec.schema.fields if f.check == "uscc"]
        id_type, id_no = spec.schema.role("id_type"), spec.schema.role("id_number")
        for row in found[spec.id]:
            if (row["_file"], row["_row"]) in spoiled:
                continue
            for name in uscc:
                assert not row[name] or is_valid_uscc(row[name]), (row["_file"], row["_row"], name, row[name])
                checked["uscc"] += bool(row[name])
            if id_no and row[id_type or ""] == "身份证":
                assert is_valid_ric(row[id_no]), (row["_file"], row["_row"], row[id_no])
                checked["ric"] += 1
            rep = next((f for f in spec.schema.names if f.endswith("FR_ZJHM")), "")
            assert not rep or not row[rep] or is_valid_ric(row[rep])
    assert checked["uscc"] > N and checked["ric"] > N * 0.05


def test_deliberately_bad_rows_really_are_bad(sample: Sample) -> None:
    root, summary, found = sample
    catalog, _ = load_catalog(root)
    assert catalog is not None
    schemas = {d.id: d.schema for d in catalog.datasets}
    by_spot = {(r["_file"], r["_row"]): r for rows in found.values() for r in rows}
    for bad in summary.bad_rows:
        row, schema = by_spot[(bad.file, str(bad.row))], schemas[bad.dataset]
        if bad.kind == "bad-uscc":
            assert not is_valid_uscc(row[schema.role("subject_code") or ""])
        elif bad.kind == "bad-ric":
            assert not is_valid_ric(row[schema.role("id_number") or ""])
        elif bad.kind == "negative-amount":
            assert row["CF_NR_FK"].startswith("-")
        elif bad.kind == "person-no-id":
            assert "自然人" in row.values() and not row[schema.role("id_number") or ""]


def test_bad_rows_are_one_to_two_percent_and_of_every_kind(sample: Sample) -> None:
    _, summary, _ = sample
    assert 0.01 * N <= sum(b.dataset in RECORD_DATASETS for b in summary.bad_rows) <= 0.02 * N
    penalty_kinds = {b.kind for b in summary.bad_rows if b.dataset == "penalties"}
    assert penalty_kinds == {
        "bad-uscc", "bad-ric", "missing-required", "bad-date", "bad-enum", "negative-amount", "duplicate-key",
        "person-no-id",
    }  # fmt: skip


def test_a_duplicate_key_row_repeats_an_earlier_row_of_the_same_file(
    sample: Sample,
) -> None:
    root, summary, found = sample
    catalog, _ = load_catalog(root)
    assert catalog is not None
    pk = {d.id: d.schema.primary_key for d in catalog.datasets}
    dups = [b for b in summary.bad_rows if b.kind == "duplicate-key"]
    assert dups
    for bad in dups:
        rows = [r for r in found[bad.dataset] if r["_file"] == bad.file]
        copy = next(r for r in rows if r["_row"] == str(bad.row))
        key = tuple(copy[k] for k in pk[bad.dataset])
        earlier = [
            r for r in rows if int(r["_row"]) < bad.row and tuple(r[k] for k in pk[bad.dataset]) == key
        ]
        assert len(earlier) == 1


def test_corrections_resend_a_key_in_a_strictly_later_batch(sample: Sample) -> None:
    root, summary, found = sample
    catalog, _ = load_catalog(root)
    assert catalog is not None
    for spec in catalog.datasets:
        if spec.id not in RECORD_DATASETS + CREDIT_DATASETS:
            continue
        seen: dict[tuple[str, ...], list[str]] = {}
        for row in found[spec.id]:
            seen.setdefault(tuple(row[k] for k in spec.schema.primary_key), []).append(row["_file"])
        resent = [fs for fs in seen.values() if len(set(fs)) > 1]
        assert len(resent) == summary.corrections[spec.id]
        assert all(fs == sorted(fs) and len(set(fs)) == len(fs) for fs in resent)
    assert summary.corrections["penalties"] > 0.02 * summary.rows["penalties"]


def test_repairs_and_revocations_name_existing_records_except_one_unknown_repair(
    sample: Sample,
) -> None:
    root, summary, found = sample
    keys = {(d, r.get("CF_WSH") or r.get("XK_WSH") or r.get("LY_CNBH", ""),
             r.get("CF_CFJGDM") or r.get("XK_XKJGDM") or r.get("LY_HCBMDM", "")): r
            for d in ("penalties", "licences", "fulfilment") for r in found[d]}  # fmt: skip
    repairs = read_csv(root / paths.REPAIRS_FILE)
    assert list(repairs[0]) == [
        "数据集",
        "记录文号",
        "机关统一社会信用代码",
        "修复决定文号",
        "修复日期",
        "修复机关",
    ]
    unknown = [r for r in repairs if (r["数据集"], r["记录文号"], r["机关统一社会信用代码"]) not in keys]
    assert len(unknown) == summary.unknown_repairs == 1
    assert len(repairs) - 1 == summary.repairs + summary.broken_repairs
    assert 0.03 <= summary.repairs / summary.rows["penalties"] <= 0.05
    for r in repairs:
        if r not in unknown:
            record = keys[(r["数据集"], r["记录文号"], r["机关统一社会信用代码"])]
            assert r["修复日期"] > record.get("CF_JDRQ", record.get("LY_HCRQ", ""))
    revocations = read_csv(root / paths.REVOCATIONS_FILE)
    assert list(revocations[0]) == ["数据集", "记录文号", "机关统一社会信用代码", "撤销原因", "撤销日期"]
    assert len(revocations) == summary.revocations > 0
    assert all((r["数据集"], r["记录文号"], r["机关统一社会信用代码"]) in keys for r in revocations)
    repaired = {(r["记录文号"], r["机关统一社会信用代码"]) for r in repairs}
    assert not repaired & {(r["记录文号"], r["机关统一社会信用代码"]) for r in revocations}


def test_files_mix_encodings_header_spellings_and_formats(sample: Sample) -> None:
    root, _, _ = sample
    batches = sorted((root / paths.DATASETS_DIR / "penalties").glob("*.*[vx]"))
    encodings = {decode(p.read_bytes())[1] for p in batches if p.suffix == ".csv"}
    assert encodings == {"utf-8-sig", "utf-8", "gb18030"}
    headers = {read_rows(p)[0][0] for p in batches}
    assert {"CF_XDR_MC", "行政相对人名称"} <= headers
    assert any(p.suffix == ".xlsx" for p in batches)
    assert [p.stem for p in batches] == sorted(p.stem for p in batches)


def test_list_names_and_measures_agree_and_exits_come_after_listing(
    sample: Sample,
) -> None:
    _, _, found = sample
    listed = {r["MD_MDMC"] for d in ("list-punishment", "list-watch", "list-incentive") for r in found[d]}
    assert listed <= {d.name for d in LISTS}
    named = {n for r in found["measures"] for n in r["CS_MDMC"].split("；")}
    assert named <= {d.name for d in LISTS if d.list_type != "incentive"}
    assert {r["CS_FL"] for r in found["measures"]} == {
        "减损权益或增加义务的措施",
        "管理措施",
        "市场和社会主体实施的措施",
    }
    exits = [r for d in ("list-punishment", "list-watch") for r in found[d] if r["MD_YCRQ"]]
    assert exits and all(r["MD_LRRQ"] < r["MD_YCRQ"] for r in exits)


def test_refuses_to_overwrite_a_catalog_unless_told_to(tmp_path: Path) -> None:
    write_sample(tmp_path, 50)
    with pytest.raises(FileExistsError):
        write_sample(tmp_path, 50)
    (tmp_path / "rules").mkdir()
    (tmp_path / "rules" / "keep.yaml").write_text("x: 1\n")
    write_sample(tmp_path, 60, replace=True)
    assert (tmp_path / "rules" / "keep.yaml").exists() and sum(
        len(v) for k, v in records(tmp_path).items() if k in RECORD_DATASETS
    ) == 60


def test_the_demo_catalog_loads_cleanly_and_is_what_its_generator_writes(tmp_path: Path) -> None:
    catalog, problems = load_catalog(DEMO)
    assert problems == [] and catalog is not None
    assert catalog.portal.name == "信用临江"
    summary = write_demo(tmp_path)
    assert summary.records == DEMO_RECORDS and DEMO_SEED
    ours = (
        *(f"datasets/{d}/" for d in (*RECORD_DATASETS, *CREDIT_DATASETS, "measures")),
        paths.REPAIRS_FILE,
        paths.REVOCATIONS_FILE,
        "portal.yaml",
    )
    committed = {k: v for k, v in files(DEMO).items() if k.startswith(ours)}
    written = files(tmp_path)
    assert committed == {k: v for k, v in written.items() if k.startswith(ours)}
    own_items = {"datasets/commitment-items/dataset.yaml", "datasets/commitment-items/2021.csv"}
    assert (
        set(written) - set(committed) == own_items
    )  # written into an empty folder; the demo has its own list
    assert any(name.endswith(".xlsx") for name in committed)
    assert sum(len(v) for v in committed.values()) < 3_000_000


def test_some_facts_and_remarks_carry_personal_numbers_as_real_exports_do(
    sample: Sample,
) -> None:
    _, summary, found = sample
    spoiled = bad_spots(summary)
    penalties = [r for r in found["penalties"] if (r["_file"], r["_row"]) not in spoiled]
    in_facts = Counter(kind for r in penalties for kind, _ in personal_numbers(r["CF_SY"]))
    in_remarks = Counter(kind for r in penalties for kind, _ in personal_numbers(r["BZ"]))
    assert in_facts["id18"] >= 20 and in_facts["id15"] and in_remarks["mobile"] >= 30, in_facts + in_remarks
    for r in penalties:  # a person's own number, in its 18- or its 15-digit form
        for kind, number in personal_numbers(r["CF_SY"]):
            own = r["CF_XDR_ZJHM"]
            assert number == (own if kind == "id18" else own[:6] + own[8:17]), (r["_file"], r["_row"])
    written = [number for r in penalties for kind, number in personal_numbers(r["BZ"]) if kind == "mobile"]
    assert {len(n) for n in written} == {11, 13}  # plain and 3-4-4 with separators
