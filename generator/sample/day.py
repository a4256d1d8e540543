"""One working day of changes to an existing catalog: new records, corrections, list exits, repairs, revocations.

Stage: sample (input for the daily-rebuild tests and benchmarks). ``apply_day(catalog, as_of, rng, …)`` changes
a catalog folder on disk — one made by ``gongshi sample`` or the demo city — the way a credit office's day does,
and says what it did (``DayChanges``). Guarantees:

- deterministic: the same catalog, as-of date and ``random.Random`` state give byte-identical changes;
- realistic input the build accepts: new records come from the sample's own generators (``registry``), decided
  in the last 7 working days before ``as_of``, with record keys no row of the catalog has (文号 serials continue
  after the dataset's highest 〔year〕N号); corrections and list exits re-send the current version of a record
  that is public on ``as_of`` (as ``generator.rules`` decides it) in a later batch with the same key — a
  correction with a 备注 saying so (of penalties, licences, other acts and registrations), an exit with 移出日期 on
  or before ``as_of``; repairs (of penalties and commitment-fulfilment records, preferably decided at least a year
  ago, past every minimum period) and revocations (penalties, licences and credit grades) are rows
  appended to ``decisions/repairs.csv`` and ``decisions/revocations.csv`` naming public records, dated on or
  before ``as_of``; no record is touched twice in one day;
- one new batch file per dataset that changes, named ``<period>_<MMDD>-<NN>.csv`` (``2026_1121-01.csv``) after the
  dataset's own period labels (year, quarter or month of ``as_of``), so it sorts after every existing batch file:
  the build orders batches by file name, and a correction must come after the version it replaces;
- nothing else in the catalog changes; what is asked for but has no candidate left is not made (the counts in
  ``DayChanges`` are what was done).
"""

from __future__ import annotations

import csv
import io
import random
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import chinese_calendar
import numpy as np
import pandas as pd

from generator import paths
from generator.identifiers import record_id
from generator.inputs import read_inputs
from generator.model import FILE, KEY, RECORD_ID, ROW, DatasetSpec, Table
from generator.rules import apply_rules
from generator.sample import plan as P
from generator.sample import writer
from generator.sample.context import Context
from generator.sample.decisions import REASONS, REPAIR_HEADER, REVOCATION_HEADER
from generator.sample.departments import CREDIT_CENTRE
from generator.sample.rand import Obj
from generator.sample.registry import GENERATORS, Generator

Touched = dict[str, tuple[str, ...]]  # dataset id → record IDs

SERIALS = ("seq", "iseq", "dseq")  # the plan columns that number a record's 文号 / licence number
SERIAL_IN_DOCUMENT = re.compile(r"〔\d{4}〕0*(\d+)号$")
CORRECTED_KINDS = ("penalty", "licensing", "other-act", "registration")
REPAIRED_KINDS = ("penalty", "fulfilment")  # a public fulfilment record is a 失诺 (or a public 践诺)
# a revoked grade makes the subject's older one current
REVOKED_KINDS = ("penalty", "licensing", "evaluation")
DECIDED_WITHIN = 7  # working days before the as-of date
CORRECTION_NOTE = "更正：经核实，原报送信息部分内容录入有误，已更正（{day}）"
EXIT_NOTES = ("已提前移出：信用修复完成", "已提前移出：已履行相关义务", "已提前移出：经复核予以移出")


@dataclass(frozen=True)
class DayChanges:
    """What ``apply_day`` did: record IDs per dataset for each kind of change, and the files it wrote."""

    as_of: date
    # catalog-relative, forward slashes: the new batch files and the decisions files appended to
    files: tuple[str, ...]
    new: Touched = field(default_factory=dict)
    corrections: Touched = field(default_factory=dict)
    list_exits: Touched = field(default_factory=dict)
    repairs: Touched = field(default_factory=dict)
    revocations: Touched = field(default_factory=dict)

    def counts(self) -> dict[str, int]:
        """How many records of each kind of change, over all datasets."""
        kinds = ("new", "corrections", "list_exits", "repairs", "revocations")
        return {k: sum(len(ids) for ids in getattr(self, k).values()) for k in kinds}


@dataclass
class _Public:
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


Chosen = list[tuple[str, str]]  # (dataset id, record ID)


def apply_day(
    catalog: Path,
    as_of: date,
    rng: random.Random,
    *,
    new_records: int = 0,
    corrections: int = 0,
    list_exits: int = 0,
    repairs: int = 0,
    revocations: int = 0,
    previous_state: Path | None = None,
) -> DayChanges:
    """Apply one day of changes to ``catalog`` (see the module docstring); ``previous_state`` (a build's
    ``state/`` folder) only speeds up reading the catalog."""
    public = _public_records(catalog, as_of, previous_state)
    used: set[str] = set()
    chosen = {
        "repairs": _choose(rng, _repair_pool(public, as_of), repairs, used),
        "revocations": _choose(rng, [_pool(public, REVOKED_KINDS)], revocations, used),
        "corrections": _choose(rng, [_pool(public, CORRECTED_KINDS)], corrections, used),
        "list_exits": _choose(rng, [_exit_pool(public, as_of)], list_exits, used),
    }
    batches: dict[str, list[dict[str, Obj]]] = {}
    new = _new_records(public, as_of, rng, new_records, batches)
    _resend(public, chosen["corrections"], batches, lambda _, row: _corrected(row, as_of))
    _resend(public, chosen["list_exits"], batches, lambda spec, row: _exited(spec, row, as_of, rng))
    files = [_write_batch(public[ds].spec, as_of, parts) for ds, parts in sorted(batches.items())]
    files += _append_repairs(catalog, public, chosen["repairs"], as_of, rng)
    files += _append_revocations(catalog, public, chosen["revocations"], as_of, rng)
    by_dataset = {k: {ds: tuple(ids) for ds, ids in _grouped(v).items()} for k, v in chosen.items()}
    return DayChanges(as_of, tuple(sorted(files)), new, **by_dataset)


# ---- what is public today ---------------------------------------------------------------------------------
def _public_records(catalog: Path, as_of: date, previous_state: Path | None) -> dict[str, _Public]:
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
        found[name] = _Public(table.spec, rows, known, _highest_serial(table))
    return found


def _highest_serial(table: Table) -> int:
    document = table.spec.schema.role("document")
    if not document or document not in table.frame:
        return 0
    found = table.frame[document].str.extract(SERIAL_IN_DOCUMENT, expand=False).dropna()
    return int(found.astype("int64").max()) if len(found) else 0


def _pool(public: dict[str, _Public], kinds: tuple[str, ...]) -> Chosen:
    """(dataset, record ID) of every public record of the datasets of ``kinds``, in a fixed order."""
    found: Chosen = []
    for ds, p in sorted(public.items()):
        if p.spec.config.kind in kinds:
            found += [(ds, rid) for rid in p.rows[RECORD_ID]]
    return found


def _repair_pool(public: dict[str, _Public], as_of: date) -> list[Chosen]:
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


def _exit_pool(public: dict[str, _Public], as_of: date) -> Chosen:
    """List entries on their list today, listed at least three days ago (an exit comes after the listing)."""
    found: Chosen = []
    latest = (as_of - timedelta(days=3)).isoformat()
    for ds, p in sorted(public.items()):
        listed, removed = p.spec.schema.role("date"), p.spec.schema.role("removed_on")
        if p.spec.config.kind == "list" and listed and removed:
            ok = (p.rows[listed] <= latest) & (p.rows[removed] == "")
            found += [(ds, rid) for rid in p.rows.loc[ok, RECORD_ID]]
    return found


def _choose(rng: random.Random, tiers: list[Chosen], count: int, used: set[str]) -> Chosen:
    """Up to ``count`` records not yet used today, drawn from the first tier, then the next ones."""
    picked: Chosen = []
    for tier in tiers:
        free = [item for item in tier if item[1] not in used]
        got = rng.sample(free, min(count - len(picked), len(free)))
        picked += got
        used.update(rid for _, rid in got)
    return picked


def _grouped(chosen: Chosen) -> dict[str, list[str]]:
    """Dataset → its chosen record IDs, both sorted."""
    found: dict[str, list[str]] = {}
    for ds, rid in sorted(chosen):
        found.setdefault(ds, []).append(rid)
    return found


# ---- new records ------------------------------------------------------------------------------------------
def _new_records(
    public: dict[str, _Public],
    as_of: date,
    rng: random.Random,
    count: int,
    batches: dict[str, list[dict[str, Obj]]],
) -> Touched:
    """``count`` new records spread over the sample's record datasets this catalog has, by their shares."""
    present = [g for g in GENERATORS if g.id in public]
    ctx = Context(rng.getrandbits(31), max(sum(len(p.known) for p in public.values()), 1))
    made: Touched = {}
    for gen, n in _allocate(present, count).items():
        if n > 0:
            np_rng = np.random.default_rng(rng.getrandbits(64))
            cols, ids = _fresh(gen, ctx, np_rng, n, as_of, public[gen.id])
            batches.setdefault(gen.id, []).append(cols)
            made[gen.id] = tuple(sorted(ids))
    return made


def _allocate(present: list[Generator], count: int) -> dict[Generator, int]:
    """Split ``count`` over ``present`` by share, largest remainder first (ties: registry order)."""
    total = sum(g.share for g in present) or 1.0
    raw = [g.share / total * count for g in present]
    whole = [int(x) for x in raw]
    order = sorted(range(len(raw)), key=lambda i: (-(raw[i] - whole[i]), i))
    for i in order[: count - sum(whole)]:
        whole[i] += 1
    return dict(zip(present, whole, strict=True))


def _fresh(
    gen: Generator, ctx: Context, np_rng: np.random.Generator, count: int, as_of: date, dataset: _Public
) -> tuple[dict[str, Obj], list[str]]:
    """``count`` rows of new records of ``gen``, decided recently, with keys the catalog does not have: serials
    after the highest on file; a row whose key still clashes (a number format without the serial, such as a
    permit numbered by the holder's code) is renumbered once, then left out."""
    spare = count * 2 + 8
    plan = gen.plan(ctx, np_rng, spare)
    plan.day = np.sort(_recent_days(np_rng, as_of, spare, DECIDED_WITHIN))
    plan.submit = np.full(spare, _day(as_of), dtype=np.int64)
    serials = [name for name in SERIALS if name in plan.cols]
    for name in serials:
        plan.cols[name] = dataset.highest + 1 + np.arange(spare, dtype=np.int64)
    idx = np.arange(spare, dtype=np.int64)
    cols = _materialise(gen, ctx, plan, idx)
    ids = _ids(dataset.spec, cols)
    clash = _clashes(ids, dataset.known)
    if clash.any():
        for name in serials:
            plan.cols[name][clash] += len(dataset.known) + spare
        again = _materialise(gen, ctx, plan, idx[clash])
        for name in cols:
            cols[name][clash] = again[name]
        ids = _ids(dataset.spec, cols)
        clash = _clashes(ids, dataset.known)
    keep = np.flatnonzero(~clash)[:count]
    if len(keep) < count:
        raise RuntimeError(f"{gen.id}：无法生成 {count} 条记录键不重复的新记录")
    return {k: v[keep] for k, v in cols.items()}, [ids[i] for i in keep.tolist()]


def _materialise(gen: Generator, ctx: Context, plan: P.Plan, idx: np.ndarray) -> dict[str, Obj]:
    zeros = np.zeros(len(idx), dtype=np.int64)
    return gen.materialise(ctx, plan, idx, zeros, zeros)


def _ids(spec: DatasetSpec, cols: dict[str, Obj]) -> list[str]:
    keys = zip(*(cols[name].tolist() for name in spec.schema.primary_key), strict=True)
    return [record_id(spec.id, list(key)) for key in keys]


def _clashes(ids: list[str], known: set[str]) -> np.ndarray:
    """True for an ID on file already or earlier in ``ids``."""
    seen: set[str] = set()
    clash = np.zeros(len(ids), dtype=bool)
    for i, rid in enumerate(ids):
        clash[i] = rid in known or rid in seen
        seen.add(rid)
    return clash


def _recent_days(np_rng: np.random.Generator, as_of: date, n: int, within: int) -> np.ndarray:
    """``n`` days (since 1970-01-01) drawn from the last ``within`` working days before ``as_of``."""
    days: list[int] = []
    current = as_of
    while len(days) < within:
        current -= timedelta(days=1)
        if _is_workday(current):
            days.append(_day(current))
    return np.asarray(days, dtype=np.int64)[np_rng.integers(0, within, n)]


def _is_workday(day: date) -> bool:
    """The legal calendar where ``chinese_calendar`` covers the year, Monday to Friday beyond it."""
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:
        return day.weekday() < 5


def _day(day: date) -> int:
    return (day - P.EPOCH).days


# ---- corrections and list exits: the current version re-sent in today's batch ---------------------------
def _resend(
    public: dict[str, _Public],
    chosen: Chosen,
    batches: dict[str, list[dict[str, Obj]]],
    change: Callable[[DatasetSpec, dict[str, str]], dict[str, str]],
) -> None:
    """Today's version of each chosen record: its current row as ``change`` makes it."""
    for ds, ids in _grouped(chosen).items():
        spec = public[ds].spec
        records = [change(spec, row) for row in public[ds].current(ids)]
        cols = {n: np.asarray([r.get(n, "") for r in records], dtype=object) for n in spec.schema.names}
        batches.setdefault(ds, []).append(cols)


def _corrected(row: dict[str, str], as_of: date) -> dict[str, str]:
    note = CORRECTION_NOTE.format(day=as_of.isoformat())
    remark = row.get("BZ", "")
    return row | {"BZ": f"{remark}；{note}" if remark else note}


def _exited(spec: DatasetSpec, row: dict[str, str], as_of: date, rng: random.Random) -> dict[str, str]:
    removed = spec.schema.role("removed_on") or ""
    when = as_of - timedelta(days=rng.randint(0, 2))
    return row | {removed: when.isoformat(), "BZ": rng.choice(EXIT_NOTES)}


def _write_batch(spec: DatasetSpec, as_of: date, parts: list[dict[str, Obj]]) -> str:
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


# ---- repairs and revocations: rows appended to the decisions files ----------------------------------------
def _append_repairs(
    catalog: Path, public: dict[str, _Public], chosen: Chosen, as_of: date, rng: random.Random
) -> list[str]:
    """Repairs decided by the credit centre, numbered after its last 修复决定文号 of the year."""
    path = catalog / paths.REPAIRS_FILE
    short = CREDIT_CENTRE.short + "修"
    serial = _highest_number(path, short, as_of.year)
    rows = []
    for ds, doc, code in _named(public, chosen):
        serial += 1
        number = f"{short}〔{as_of.year}〕{serial:04d}号"
        rows.append([ds, doc, code, number, _decided(as_of, rng), CREDIT_CENTRE.name])
    return _append_rows(catalog, paths.REPAIRS_FILE, REPAIR_HEADER, rows)


def _append_revocations(
    catalog: Path, public: dict[str, _Public], chosen: Chosen, as_of: date, rng: random.Random
) -> list[str]:
    rows = []
    for ds, doc, code in _named(public, chosen):
        reason = rng.choice(REASONS).format(y=as_of.year, n=rng.randint(1, 199))
        rows.append([ds, doc, code, reason, _decided(as_of, rng)])
    return _append_rows(catalog, paths.REVOCATIONS_FILE, REVOCATION_HEADER, rows)


def _named(public: dict[str, _Public], chosen: Chosen) -> list[tuple[str, str, str]]:
    """(dataset, 文号, deciding authority's code) of each chosen record, as the decisions files name it."""
    found = []
    for ds, ids in _grouped(chosen).items():
        schema = public[ds].spec.schema
        document, code = schema.role("document") or "", schema.role("department_code") or ""
        found += [(ds, row[document], row[code]) for row in public[ds].current(ids)]
    return found


def _decided(as_of: date, rng: random.Random) -> str:
    """A working day of the last few days, never after ``as_of``."""
    day = as_of - timedelta(days=rng.randint(0, 2))
    while not _is_workday(day) and day > as_of - timedelta(days=7):
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
