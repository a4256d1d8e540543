"""Acceptance scan (issues 3 and 11): nothing withdrawn and no unmasked personal number anywhere under
published/site/.

Builds the demo catalog and a synthetic catalog with many withdrawals — both write natural persons' 身份证号
(18 and 15 digits), representatives' 身份证号 and mobile numbers into 违法事实 and 备注, as real exports do —
then reads every file under site/ — pages, search index, data files, feeds, sitemaps, every kept release and
its delta, gzip and zip members (XLSX, all-data zip), Parquet — and fails loudly if a withdrawn record's
identifying values, any ID number of the input, any personal number written into the input's free text, or
any other valid-looking personal number appears (literal, HTML-, JSON- or URL-escaped).
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pandas as pd
import pytest

from generator.inputs import read_inputs
from generator.model import RECORD_ID
from tests.conftest import DEMO_CATALOG
from tests.leakscan import (
    find_needles,
    find_unmasked_ids,
    find_unmasked_numbers,
    personal_kind,
    personal_numbers,
)

WITHDRAWN_REASONS = {"repaired", "revoked", "expired", "delisted", "list-expired", "licence-expired"}


def withdrawn_needles(catalog: Path, out: Path) -> tuple[dict[str, str], set[str]]:
    """Identifying values (document numbers, ID numbers) of records that are not public, and their IDs."""
    ledger = pd.read_parquet(out / "report" / "ledger.parquet")
    public_ids = set(ledger.loc[ledger["fate"] == "published", RECORD_ID])
    withheld = ledger[(ledger["fate"] == "withheld") & ~ledger[RECORD_ID].isin(public_ids)]
    gone = set(withheld[RECORD_ID])
    valid = read_inputs(catalog).valid
    assert valid is not None
    needles: dict[str, str] = {}
    public_values: set[str] = set()
    for table in valid.tables.values():
        schema, frame = table.spec.schema, table.frame
        mine = frame[frame[RECORD_ID].isin(gone)]
        public_values |= set(frame.loc[frame[RECORD_ID].isin(public_ids), schema.names].to_numpy().ravel())
        for role in ("document", "id_number"):
            column = schema.role(role)
            if column:
                needles |= {v: f"{table.spec.id}.{column}" for v in mine[column] if len(v) >= 6}
    public_text = "\x1f".join(sorted(public_values))  # a needle inside a public value is not a leak
    return {v: label for v, label in needles.items() if v not in public_text}, gone


def id_numbers_and_lookalikes(catalog: Path) -> tuple[dict[str, str], set[str]]:
    """Every ID number in the input (private or masked fields) as needles, and the values of public-code fields
    that merely look like a personal number (e.g. an 18-digit 施工许可证编号 610300202603230004) — except on
    natural persons' records, where such a value may be the person's own number and is masked."""
    valid = read_inputs(catalog).valid
    assert valid is not None
    ids: dict[str, str] = {}
    lookalikes: set[str] = set()
    for table in valid.tables.values():
        schema, frame = table.spec.schema, table.frame
        private = [f.name for f in schema.fields if f.privacy]
        for column in private:
            numbers = frame[column][
                frame[column].str.fullmatch(r"[0-9A-Za-z]{8,}")
            ]  # not the 证件类型 fields
            ids |= {v: f"{table.spec.id}.{column}" for v in numbers}
        kind = schema.role("subject_type")
        organisations = frame[frame[kind] != "自然人"] if kind else frame
        for column in (f.name for f in schema.fields if f.public_code):
            lookalikes |= {v.upper() for v in organisations[column] if personal_kind(v)}
    return ids, lookalikes


def numbers_in_free_text(catalog: Path) -> dict[str, str]:
    """Every personal number written inside the input's text fields (not private, not public-code fields) →
    ``dataset.column kind``; each as written and as plain digits."""
    valid = read_inputs(catalog).valid
    assert valid is not None
    found: dict[str, str] = {}
    for table in valid.tables.values():
        schema, frame = table.spec.schema, table.frame
        for f in schema.fields:
            if f.type != "string" or f.privacy or f.public_code:
                continue
            cells = frame[f.name][frame[f.name].str.contains(r"[0-9]{3}[ -]?[0-9]{4}[ -]?[0-9]{4}")]
            for cell in cells:
                for kind, written in personal_numbers(cell):
                    label = f"{table.spec.id}.{f.name} {kind}"
                    found |= {written: label, written.replace(" ", "").replace("-", ""): label}
    return found


def deltas_mention_only_as_deletions(site: Path, ids: set[str]) -> list[str]:
    bad = []
    for delta in site.glob("data/releases/*/delta.jsonl"):
        for line in delta.read_text(encoding="utf-8").splitlines():
            entry = json.loads(line)
            text = json.dumps(entry, ensure_ascii=False)
            if any(i in text for i in ids) and len(entry) > 2:
                bad.append(f"{delta.parent.name}: {text[:80]}")
    return bad


@pytest.mark.slow
@pytest.mark.parametrize("which", ["demo", "sample"])
def test_withdrawn_records_and_unmasked_ids_appear_nowhere_under_site(
    which: str, request: pytest.FixtureRequest
) -> None:
    out: Path = request.getfixturevalue(f"{which}_build")
    catalog = DEMO_CATALOG if which == "demo" else request.getfixturevalue("sample_catalog")
    needles, gone = withdrawn_needles(catalog, out)
    assert len(needles) >= 5, "the catalog should withdraw records, or this scan proves nothing"
    site = out / "site"
    assert find_needles(site, needles) == []
    ids, lookalikes = id_numbers_and_lookalikes(catalog)
    assert len(ids) >= 5, "the catalog should hold natural persons' ID numbers, or this scan proves nothing"
    written = numbers_in_free_text(catalog)
    kinds = Counter(label.split()[-1] for label in written.values())
    assert kinds["id18"] >= 10 and kinds["id15"] and kinds["mobile"] >= 10, (
        kinds
    )  # or this scan proves nothing
    assert find_needles(site, ids | written) == []
    assert find_unmasked_numbers(site, lookalikes) == []
    assert deltas_mention_only_as_deletions(site, gone) == []


def test_scanner_finds_a_planted_value_in_gzip_zip_and_parquet(tmp_path: Path) -> None:
    import gzip
    import zipfile

    import pyarrow as pa
    import pyarrow.parquet as pq

    (tmp_path / "a.html.gz").write_bytes(gzip.compress("<p>临市监处罚〔2024〕7号</p>".encode()))
    with zipfile.ZipFile(tmp_path / "b.zip", "w") as z:
        z.writestr("x.json", json.dumps({"v": "临市监处罚〔2024〕8号"}))  # \\u-escaped by json.dumps
    pq.write_table(pa.table({"c": ["临市监处罚〔2024〕9号"]}), tmp_path / "c.parquet")
    (tmp_path / "d.txt").write_text("id 330102199003074474 here", encoding="utf-8")
    needles = {f"临市监处罚〔2024〕{n}号": str(n) for n in (7, 8, 9)}
    assert sorted(hit.split(": ")[1] for hit in find_needles(tmp_path, needles)) == ["7", "8", "9"]
    assert len(find_unmasked_ids(tmp_path)) == 1


def test_number_scanner_finds_personal_numbers_in_every_form_but_not_masked_ones_or_lookalikes(
    tmp_path: Path,
) -> None:
    import gzip
    import zipfile
    from urllib.parse import quote

    import pyarrow as pa
    import pyarrow.parquet as pq

    (tmp_path / "a.html.gz").write_bytes(gzip.compress("<p>电话 138-1234-5678</p>".encode()))
    with zipfile.ZipFile(tmp_path / "b.xlsx", "w") as z:
        z.writestr("xl/sharedStrings.xml", "<t>原身份证号330102900307447。</t>")
    pq.write_table(pa.table({"c": ["身份证330102199003074474"]}), tmp_path / "c.parquet")
    (tmp_path / "d.txt").write_text("q=" + quote("手机 139 8765 4321"), encoding="utf-8")
    (tmp_path / "e.json").write_text(
        json.dumps({"masked": ["330102********4474", "138-****-*678", "33010******7447"],
                    "codes": ["A13812345678", "1330102199003074474", "610300202603230004"]}),
        encoding="utf-8",
    )  # fmt: skip
    hits = find_unmasked_numbers(tmp_path, {"610300202603230004"})
    assert hits == [
        "a.html.gz:gunzip: mobile 138…",
        "b.xlsx:xl/sharedStrings.xml: id15 330…",
        "c.parquet:parquet: id18 330…",
        "d.txt: mobile 139…",
    ]
    assert find_unmasked_numbers(tmp_path) == sorted([*hits, "e.json: id18 610…"])
