"""Writing one working day of changes into a catalog folder (for ``day.apply_day``).

Stage: sample (input for the daily-rebuild tests and benchmarks). Guarantees:

- one new batch file per dataset that changes, named ``<period>_<MMDD>-<NN>.csv`` (``2026_1121-01.csv``) after
  the dataset's own period labels (year, quarter or month of ``as_of``), so it sorts after every existing batch
  file: the build orders batches by file name, and a correction must come after the version it replaces;
  encoding and header spelling rotate as the sample's batch files do;
- repairs and revocations are rows appended to ``decisions/repairs.csv`` and ``decisions/revocations.csv``
  (made if missing) naming public records by 文号 and deciding authority's code, dated on or before ``as_of``;
  repairs are decided by the credit centre, numbered after its last 修复决定文号 of the year;
- nothing else in the catalog changes; each function returns the catalog-relative names of the files it wrote
  or appended to.
"""

from __future__ import annotations

import csv
import io
import random
import re
from datetime import date, timedelta
from pathlib import Path

import numpy as np

from generator import paths
from generator.model import DatasetSpec
from generator.sample import writer
from generator.sample.day_new import is_workday
from generator.sample.day_pick import Chosen, Public, named
from generator.sample.decisions import REASONS, REPAIR_HEADER, REVOCATION_HEADER
from generator.sample.departments import CREDIT_CENTRE
from generator.sample.rand import Obj


# ---- today's batch files -----------------------------------------------------------------------------------
def write_batch(spec: DatasetSpec, as_of: date, parts: list[dict[str, Obj]]) -> str:
    """Today's batch file of one dataset: every new and re-sent row, in the schema's columns; encoding and
    header spelling rotate as the sample's batch files do."""
    names = spec.schema.names
    cols = {n: np.concatenate([part.get(n, _blank(part)) for part in parts]).astype(object) for n in names}
    name = _batch_name(spec, as_of)
    writer.write_batch(spec.folder / name, spec.schema, cols, writer.style_for(len(spec.batches), 0, False))
    return f"{paths.DATASETS_DIR}/{spec.id}/{name}"


def _blank(part: dict[str, Obj]) -> Obj:
    return np.full(len(next(iter(part.values()))), "", dtype=object)


def _batch_name(spec: DatasetSpec, as_of: date) -> str:
    """``<period>_<MMDD>-<NN>.csv``: the period label the dataset's batch files use (year, quarter or month
    of ``as_of``), then the day and a sequence number, so that it sorts after every existing batch file."""
    stems = sorted(p.stem for p in spec.batches)
    day = f"{_period_label(stems[-1] if stems else '', as_of)}_{as_of:%m%d}-"
    name = f"{day}{sum(s.startswith(day) for s in stems) + 1:02d}.csv"
    last = max((p.name for p in spec.batches), default="")
    return name if name > last else f"{Path(last).stem}_{as_of:%m%d}-01.csv"  # other names: after the last


def _period_label(stem: str, as_of: date) -> str:
    if re.match(r"\d{4}-Q[1-4]", stem):
        return f"{as_of.year}-Q{(as_of.month - 1) // 3 + 1}"
    if re.match(r"\d{4}-\d{2}", stem):
        return f"{as_of:%Y-%m}"
    return str(as_of.year)


# ---- repairs and revocations: rows appended to the decisions files -----------------------------------------
def append_repairs(
    catalog: Path, public: dict[str, Public], chosen: Chosen, as_of: date, rng: random.Random
) -> list[str]:
    """Repairs decided by the credit centre, numbered after its last 修复决定文号 of the year."""
    path = catalog / paths.REPAIRS_FILE
    short = CREDIT_CENTRE.short + "修"
    serial = _highest_number(path, short, as_of.year)
    rows = []
    for ds, doc, code in named(public, chosen):
        serial += 1
        number = f"{short}〔{as_of.year}〕{serial:04d}号"
        rows.append([ds, doc, code, number, _decided(as_of, rng), CREDIT_CENTRE.name])
    return _append_rows(catalog, paths.REPAIRS_FILE, REPAIR_HEADER, rows)


def append_revocations(
    catalog: Path, public: dict[str, Public], chosen: Chosen, as_of: date, rng: random.Random
) -> list[str]:
    rows = []
    for ds, doc, code in named(public, chosen):
        reason = rng.choice(REASONS).format(y=as_of.year, n=rng.randint(1, 199))
        rows.append([ds, doc, code, reason, _decided(as_of, rng)])
    return _append_rows(catalog, paths.REVOCATIONS_FILE, REVOCATION_HEADER, rows)


def _decided(as_of: date, rng: random.Random) -> str:
    """A working day of the last few days, never after ``as_of``."""
    day = as_of - timedelta(days=rng.randint(0, 2))
    while not is_workday(day) and day > as_of - timedelta(days=7):
        day -= timedelta(days=1)
    return day.isoformat()


def _highest_number(path: Path, short: str, year: int) -> int:
    """The highest serial of ``short〔year〕N号`` numbers already in the decisions file (0 when none)."""
    if not path.exists():
        return 0
    pattern = re.compile(re.escape(f"{short}〔{year}〕") + r"0*(\d+)号")
    return max((int(m.group(1)) for m in pattern.finditer(path.read_text(encoding="utf-8-sig"))), default=0)


def _append_rows(catalog: Path, name: str, header: list[str], rows: list[list[str]]) -> list[str]:
    """Append CSV rows to a decisions file as a clerk adds the day's decisions (the file is made if missing);
    the file's name when it changed."""
    if not rows:
        return []
    path = catalog / name
    if not path.exists():
        writer.write_table(path, header, rows)
        return [name]
    existing = path.read_bytes()
    text = io.StringIO()
    csv.writer(text, lineterminator="\n").writerows(rows)
    with path.open("ab") as f:
        f.write(
            (b"\n" if existing and not existing.endswith(b"\n") else b"") + text.getvalue().encode("utf-8")
        )
    return [name]
