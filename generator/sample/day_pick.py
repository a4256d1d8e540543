"""Which public records one working day of changes touches (for ``day.apply_day``).

Stage: sample (input for the daily-rebuild tests and benchmarks). Reads a catalog folder the way the build reads
it and draws the records a day corrects, moves off a list, repairs or revokes. Guarantees:

- only records public on the as-of date (as ``generator.rules`` decides it), in their current version's
  validated (unmasked) values;
- deterministic: pools come in a fixed order (dataset id, then record key), so the same ``random.Random``
  state draws the same records;
- repairs (of penalties and commitment-fulfilment records) are drawn preferably from records decided at least
  a year ago (past every minimum period); list exits only from entries on their list today, listed at least
  three days ago;
- no record is touched twice in one day (``choose`` skips every record already used).
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

from generator.inputs import read_inputs
from generator.model import FILE, KEY, RECORD_ID, ROW, DatasetSpec, Table
from generator.rules import apply_rules

Touched = dict[str, tuple[str, ...]]  # dataset id → record IDs
Chosen = list[tuple[str, str]]  # (dataset id, record ID)

SERIAL_IN_DOCUMENT = re.compile(r"〔\d{4}〕0*(\d+)号$")
CORRECTED_KINDS = ("penalty", "licensing", "other-act", "registration")
REPAIRED_KINDS = ("penalty", "fulfilment")  # a public fulfilment record is a 失诺 (or a public 践诺)
# a revoked grade makes the subject's older one current
REVOKED_KINDS = ("penalty", "licensing", "evaluation")


@dataclass
class Public:
    """A dataset's records public on the as-of date: the current version's validated (unmasked) values."""

    spec: DatasetSpec
    rows: pd.DataFrame  # schema fields + META, one row per public record, in record-key order
    known: set[str]  # record IDs of every row on file (valid or rejected)
    highest: int  # the highest 〔year〕N号 serial among the documents on file (0 when none has that form)

    def current(self, ids: list[str]) -> list[dict[str, str]]:
        """The public rows of records ``ids``, as text."""
        at = dict(zip(self.rows[RECORD_ID], range(len(self.rows)), strict=True))
        picked = self.rows.iloc[[at[i] for i in ids]].to_dict("records")
        return [{str(k): str(v) for k, v in row.items()} for row in picked]


# ---- what is public today ----------------------------------------------------------------------------------
def public_records(catalog: Path, as_of: date, previous_state: Path | None) -> dict[str, Public]:
    """Per dataset, the records the rules make public on ``as_of`` (read the way the build reads them)."""
    inputs = read_inputs(catalog, previous_state, cache=False)
    if not inputs.ok or inputs.valid is None or inputs.rules is None:
        raise ValueError(f"{catalog} 不是可用的目录：{[p.message for p in inputs.problems][:3]}")
    ruled = apply_rules(inputs.valid, inputs.rules, as_of, pd.Series(dtype="str"), inputs.rejected)
    ledger = inputs.valid.ledger
    found = {}
    for name, table in inputs.valid.tables.items():
        shown = ruled.tables.get(name, Table(table.spec, table.frame.iloc[:0])).frame[[FILE, ROW]]
        rows = table.frame.merge(shown, on=[FILE, ROW], how="inner")
        rows = rows.sort_values(KEY, kind="stable").reset_index(drop=True)
        known = set(table.frame[RECORD_ID]) | set(ledger.loc[ledger["dataset"] == name, RECORD_ID])
        found[name] = Public(table.spec, rows, known, _highest_serial(table))
    return found


def _highest_serial(table: Table) -> int:
    document = table.spec.schema.role("document")
    if not document or document not in table.frame:
        return 0
    found = table.frame[document].str.extract(SERIAL_IN_DOCUMENT, expand=False).dropna()
    return int(found.astype("int64").max()) if len(found) else 0


# ---- pools and draws ---------------------------------------------------------------------------------------
def pool(public: dict[str, Public], kinds: tuple[str, ...]) -> Chosen:
    """(dataset, record ID) of every public record of the datasets of ``kinds``, in a fixed order."""
    found: Chosen = []
    for ds, p in sorted(public.items()):
        if p.spec.config.kind in kinds:
            found += [(ds, rid) for rid in p.rows[RECORD_ID]]
    return found


def repair_pool(public: dict[str, Public], as_of: date) -> list[Chosen]:
    """Penalties and 失诺 by preference: decided (committed) a year or more ago (past every minimum period),
    three months or more ago, then any."""
    tiers: list[Chosen] = [[], [], []]
    for ds, p in sorted(public.items()):
        if p.spec.config.kind not in REPAIRED_KINDS:
            continue
        decided = pd.to_datetime(p.rows[p.spec.schema.role("date") or ""], errors="coerce")
        age = (pd.Timestamp(as_of) - decided).dt.days.fillna(0).to_numpy()
        tier = np.where(age >= 365, 0, np.where(age >= 90, 1, 2))
        for t in range(3):
            tiers[t] += [(ds, rid) for rid in p.rows.loc[tier == t, RECORD_ID]]
    return tiers


def exit_pool(public: dict[str, Public], as_of: date) -> Chosen:
    """List entries on their list today, listed at least three days ago (an exit comes after the listing)."""
    found: Chosen = []
    latest = (as_of - timedelta(days=3)).isoformat()
    for ds, p in sorted(public.items()):
        listed, removed = p.spec.schema.role("date"), p.spec.schema.role("removed_on")
        if p.spec.config.kind == "list" and listed and removed:
            ok = (p.rows[listed] <= latest) & (p.rows[removed] == "")
            found += [(ds, rid) for rid in p.rows.loc[ok, RECORD_ID]]
    return found


def choose(rng: random.Random, tiers: list[Chosen], count: int, used: set[str]) -> Chosen:
    """Up to ``count`` records not yet used today, drawn from the first tier, then the next ones."""
    picked: Chosen = []
    for tier in tiers:
        free = [item for item in tier if item[1] not in used]
        got = rng.sample(free, min(count - len(picked), len(free)))
        picked += got
        used.update(rid for _, rid in got)
    return picked


def grouped(chosen: Chosen) -> dict[str, list[str]]:
    """Dataset → its chosen record IDs, both sorted."""
    found: dict[str, list[str]] = {}
    for ds, rid in sorted(chosen):
        found.setdefault(ds, []).append(rid)
    return found


def named(public: dict[str, Public], chosen: Chosen) -> list[tuple[str, str, str]]:
    """(dataset, 文号, deciding authority's code) of each chosen record, as the decisions files name it."""
    found = []
    for ds, ids in grouped(chosen).items():
        schema = public[ds].spec.schema
        document, code = schema.role("document") or "", schema.role("department_code") or ""
        found += [(ds, row[document], row[code]) for row in public[ds].current(ids)]
    return found
