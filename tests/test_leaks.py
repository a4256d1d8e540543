"""Acceptance scan (issue 3): nothing withdrawn and no unmasked 身份证号 anywhere under published/site/.

Builds the demo catalog and a synthetic catalog with many withdrawals, then reads every file under site/ —
pages, search index, data files, feeds, sitemaps, every kept release, gzip and zip members, Parquet — and
fails loudly if a withdrawn record's identifying values or any valid resident ID number appear.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from generator.inputs import read_inputs
from generator.model import RECORD_ID
from tests.conftest import DEMO_CATALOG
from tests.leakscan import find_needles, find_unmasked_ids

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
    """Every ID number in the input (private or masked fields) as needles, and the values of ordinary public
    fields that merely look like a 身份证号 (e.g. an 18-digit 施工许可证编号 610300202603230004)."""
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
        for column in set(schema.names) - set(private):
            lookalikes |= set(frame[column][frame[column].str.fullmatch(r"\d{17}[\dX]")])
    return ids, lookalikes


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
    assert find_needles(site, ids) == []
    assert find_unmasked_ids(site, lookalikes) == []
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
