"""Superseded content leaves the whole published site, through real builds of a small synthetic catalog on
disk: a correction batch, then a privacy tightening in the catalog's rules. Every file under ``site/`` is
scanned — pages, search index, every kept release's CSV, JSON Lines, Parquet and XLSX members, deltas, zips."""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path

from generator.build import BuildOptions, BuildResult, build
from generator.inputs import read_inputs
from generator.model import RECORD_ID
from generator.packs.layout import RECORD_ID_HEADER
from generator.sample import write_sample
from tests.leakscan import find_needles

AS_OF = date(2026, 11, 20)
RULES = Path(__file__).resolve().parents[2] / "generator" / "rules" / "defaults" / "publication.yaml"
NEW_FACTS = "经复核，原认定事实有误，现予更正：当事人未按规定在产品包装上标注生产日期。"


def _build(catalog: Path, out: Path, as_of: date = AS_OF) -> BuildResult:
    result = build(BuildOptions(catalog=catalog, out=out, as_of=as_of))
    assert result.config_ok and result.swapped, [p.message for p in result.problems]
    return result


def _sample(root: Path, records: int = 400) -> Path:
    catalog = root / "catalog"
    write_sample(catalog, records, seed=11)
    (catalog / "rules").mkdir(exist_ok=True)
    shutil.copyfile(RULES, catalog / "rules" / "publication.yaml")
    return catalog


def _latest_records(site: Path) -> list[dict[str, str | None]]:
    found = []
    for path in sorted((site / "data" / "latest").glob("*/*.jsonl")):
        found += [json.loads(line) for line in path.read_text(encoding="utf-8").split("\n") if line]
    return found


def _values(records: list[dict[str, str | None]], skip: str = "") -> str:
    return "\x1f".join(str(v) for r in records for k, v in r.items() if v and k != skip)


def _unique_penalty(site: Path) -> tuple[str, str]:
    """(record ID, 违法事实) of a public penalty whose 违法事实 text appears in no other public value."""
    records = _latest_records(site)
    everything = _values(records)
    for record in records:
        facts = record.get("违法事实")
        if facts and len(facts) >= 12 and everything.count(facts) == 1:
            return str(record[RECORD_ID_HEADER]), facts
    raise AssertionError("no penalty with a unique 违法事实 in the sample")


def _write_correction(catalog: Path, rid: str) -> None:
    """A later batch holding the record ``rid`` again (same key) with a different 违法事实."""
    valid = read_inputs(catalog).valid
    assert valid is not None
    table = valid.tables["penalties"]
    row = table.frame.loc[table.frame[RECORD_ID] == rid, table.spec.schema.names].iloc[[0]].copy()
    row["CF_SY"] = NEW_FACTS
    row.to_csv(catalog / "datasets" / "penalties" / "2099-更正.csv", index=False, encoding="utf-8-sig")


def _purges(site: Path) -> list[dict[str, int | str | list[str]]]:
    return list(json.loads((site / "data" / "releases.json").read_text(encoding="utf-8"))["purges"])


def test_corrected_record_old_content_is_absent_from_every_kept_release(tmp_path: Path) -> None:
    catalog, out = _sample(tmp_path), tmp_path / "published"
    _build(catalog, out)
    site = out / "site"
    rid, old = _unique_penalty(site)
    before = find_needles(site, {old: "违法事实"})
    assert {h.split(":")[0].rsplit(".", 1)[-1] for h in before if h.startswith("data/releases/")} >= {
        "csv",
        "jsonl",
        "parquet",
        "xlsx",
    }  # the scan sees the old text in every format of the first release, and in its delta
    _write_correction(catalog, rid)
    result = _build(catalog, out)
    assert find_needles(site, {old: "违法事实"}) == []
    assert len(list((site / "data" / "releases").iterdir())) == 2  # the old release is kept, purged
    latest = {str(r[RECORD_ID_HEADER]): r for r in _latest_records(site)}
    assert latest[rid]["违法事实"] == NEW_FACTS
    assert find_needles(site / "data" / "releases", {NEW_FACTS: "new"})  # the new release carries it
    event = _purges(site)[-1]
    assert (event["withdrawn"], event["superseded"]) == (0, 1)
    assert "release-superseded-purged" in {p.code for p in result.problems}


def _legal_representatives(site: Path) -> dict[str, str]:
    """Legal representatives' names that appear in no other public value (an 个体工商户's name holds its
    owner's, a natural person's name may be someone's representative too: those would not prove a leak)."""
    records = _latest_records(site)
    others = _values(records, skip="法定代表人")
    names = {str(r["法定代表人"]) for r in records if r.get("法定代表人")}
    return {name: "法定代表人" for name in sorted(names) if len(name) >= 2 and name not in others}


def _tighten(catalog: Path) -> None:
    path = catalog / "rules" / "publication.yaml"
    text = path.read_text(encoding="utf-8")
    assert "  drop_fields:\n" in text
    path.write_text(text.replace("  drop_fields:\n", "  drop_fields:\n    - 法定代表人\n"), encoding="utf-8")


def test_privacy_tightening_purges_old_values_from_kept_releases(tmp_path: Path) -> None:
    catalog, out = _sample(tmp_path), tmp_path / "published"
    _build(catalog, out)
    site = out / "site"
    needles = _legal_representatives(site)
    assert len(needles) >= 20, "the sample should name legal representatives, or this scan proves nothing"
    assert find_needles(site / "data" / "releases", needles)
    _tighten(catalog)
    result = _build(catalog, out)
    assert find_needles(site, needles) == []
    event = _purges(site)[-1]
    assert event["withdrawn"] == 0 and int(str(event["superseded"])) >= len(needles)
    assert "release-superseded-purged" in {p.code for p in result.problems}
    for package in sorted((site / "data").rglob("datapackage.json")):
        for resource in json.loads(package.read_text(encoding="utf-8"))["resources"]:
            names = [f["name"] for f in resource.get("schema", {}).get("fields", [])]
            assert "法定代表人" not in names, package
