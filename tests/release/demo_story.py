"""Two real builds of the demo catalog a month apart, the second with a repair, a revocation and a delisting
decided in between (and penalties whose periods end meanwhile): what the reason, signing and mirror tests read.
Real catalog files, the real ``gongshi build`` pipeline; no mocks."""

from __future__ import annotations

import csv
import json
import shutil
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from generator.build import BuildOptions, build
from tests.conftest import DEMO_CATALOG

FIRST, SECOND = date(2026, 11, 20), date(2026, 12, 20)
REPAIRED_ON, REVOKED_ON, DELISTED_ON = "2026-11-25", "2026-11-26", "2026-11-27"


@dataclass(frozen=True)
class Story:
    out: Path
    catalog: Path
    repaired: str  # 记录ID of the penalty repaired after the first build
    revoked: str  # of the licence revoked
    delisted: str  # of the punishment-list entry removed from the list
    codes: tuple[str, ...] = ()  # the problem codes of the last build


def run_build(catalog: Path, out: Path, as_of: date, key: Path | None = None) -> tuple[str, ...]:
    result = build(BuildOptions(catalog=catalog, out=out, as_of=as_of, signing_key=key))
    assert result.config_ok and result.swapped, [
        p.message for p in result.problems if p.level.value != "info"
    ]
    return tuple(p.code for p in result.problems)


def first_build(root: Path, key: Path | None = None) -> Story:
    """The demo catalog copied under ``root`` and built as of ``FIRST`` into ``root/published``."""
    catalog, out = root / "catalog", root / "published"
    shutil.copytree(DEMO_CATALOG, catalog)
    return Story(out, catalog, "", "", "", run_build(catalog, out, FIRST, key))


def second_build(story: Story, key: Path | None = None) -> Story:
    """Decide a repair, a revocation and a delisting on public records, then build as of ``SECOND``."""
    latest = story.out / "site" / "data" / "latest"
    penalty = _public(latest / "penalties" / "penalties.jsonl")
    licence = _public(latest / "licences" / "licences.jsonl")
    entry = _public(latest / "list-punishment" / "list-punishment.jsonl")
    decisions = story.catalog / "decisions"
    _append(decisions / "repairs.csv", ["penalties", penalty["行政处罚决定书文号"], penalty["处罚机关统一社会信用代码"],
                                        "临信修〔2026〕0999号", REPAIRED_ON, "临江市公共信用信息中心"])  # fmt: skip
    _append(decisions / "revocations.csv", ["licences", licence["行政许可决定文书号"], licence["许可机关统一社会信用代码"],
                                            "异议申诉核实：信息有误，予以撤销", REVOKED_ON])  # fmt: skip
    _delist(story.catalog / "datasets" / "list-punishment" / "2027-01.csv", entry)
    codes = run_build(story.catalog, story.out, SECOND, key)
    return Story(story.out, story.catalog, penalty["记录ID"], licence["记录ID"], entry["记录ID"], codes)


def _public(path: Path) -> dict[str, str]:
    """A record published long enough ago to be a real withdrawal (decided before 2026)."""
    for line in path.read_text(encoding="utf-8").split("\n"):
        if line:
            record = json.loads(line)
            dates = [v for k, v in record.items() if k.endswith("日期") and v]
            if dates and min(dates) < "2026-01-01":
                return {k: "" if v is None else str(v) for k, v in record.items()}
    raise AssertionError(f"no public record decided before 2026 in {path}")


def _append(path: Path, row: list[str]) -> None:
    with open(path, "a", encoding="utf-8", newline="") as f:
        csv.writer(f, lineterminator="\n").writerow(row)


def _delist(path: Path, entry: dict[str, str]) -> None:
    """A later batch with the entry's record key and a removal date: the entry leaves the list."""
    fields = {k: v for k, v in entry.items() if k != "记录ID"} | {"移出日期": DELISTED_ON}
    with open(path, "w", encoding="utf-8-sig", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(fields)
        writer.writerow(fields.values())


def delta_lines(out: Path, release: str) -> list[dict[str, object]]:
    path = out / "site" / "data" / "releases" / release / "delta.jsonl"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").split("\n") if line]
