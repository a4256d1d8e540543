"""The rules stage: which validated records are public on the as-of date, and in what form.

Stage: rules. One stage function, ``apply_rules`` — pure: a function of (validated records, rule data, as-of
date, first-publication dates of earlier builds); it reads no clock and no file. ``load_rules`` reads the rule
data beforehand (catalog/rules/*.yaml and catalog/decisions/*.csv).

Guarantees (shared/design.md invariants 1–3, shared/domain.md §3–§7):
- every validated input row ends in exactly one of ``tables`` (the current, public version of its record) or
  ``ledger`` (fate ``withheld`` with a reason code from ``withholding.REASONS``);
- corrections: per record key the latest batch wins and keeps the public ID; older versions are ``superseded``;
- withdrawals: revoked and repaired records, minors' cases, not-published classes, expired penalties, delisted
  or expired list entries and expired licences are in no public table;
- fail-safe: a repair or revocation row that cannot be read (date 2026-02-30, …) but names a known record, and
  a rejected later version of a record (a correction validation refused, read from ``valid.ledger``), withhold
  that record until fixed (``decision-invalid``, ``correction-rejected``; each an ERROR problem naming the row);
- credit kinds (#15, ``credit``): only a subject's current, unexpired grade; unverified registrations held when
  the dataset says so; 核查中 and counted-only 践诺 held; 失诺 (and public 践诺) public for their period from
  the 核查日期; ``fulfilment`` = the commitment figures (made, checked, kept, broken by item and year);
- periods: a penalty is public through its last public day, that day included (民法典 arts. 201–202);
  ``public_until`` is the day after it, the first day it is gone;
- privacy last: ID numbers masked, ``privacy: drop`` fields and the configured private fields removed.

Departments: ``submitted`` = ``accepted`` + rejected rows, ``合规率`` = accepted / submitted, ``及时率`` =
timely / measured public records. Rejected rows cannot be attributed to a department from the validation
ledger alone (it has no department column), so pass ``rejected`` — rows with columns ``dataset`` and
``department`` (the raw department text, '' when unknown; only fate ``rejected`` counts when there is a ``fate``
column), e.g. ``rejected_departments(raw, ledger)`` — to get per-department 合规率; without a department
column (or without ``rejected``, when the validation ledger's rejected rows are used) they count under ''.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import pandas as pd

from generator.model import FULFILMENT_COLUMNS, RECORD_ID, REJECTED, StageResult, Table, empty_fulfilment
from generator.problems import Problem
from generator.rules.engine import Decisions, evaluate
from generator.rules.matching import resolve, resolve_invalid
from generator.rules.parts import Cutting
from generator.rules.ruleset import RuleData, load_rules
from generator.rules.timeliness import (
    as_series,
    department_counts,
    departments,
    first_publication,
    rejected_departments,
    rejected_rows,
    timeliness,
)
from generator.rules.withholding import REASONS, concat_ledgers

DECIDED_COLUMNS = ("dataset", RECORD_ID, "kind", "decided_on")

__all__ = [
    "REASONS",
    "Cutting",
    "RuleData",
    "RulesResult",
    "apply_rules",
    "load_rules",
    "rejected_departments",
]


@dataclass
class RulesResult:
    """What the rules stage hands on to the output stages and the report."""

    tables: dict[str, Table]  # public records only: current versions, privacy applied; META columns kept
    ledger: pd.DataFrame  # LEDGER_COLUMNS: one ``withheld`` row per input row not published, with reason
    problems: list[Problem]
    first_published: pd.Series  # record ID → ISO date first public, for every currently public record
    timeliness: pd.DataFrame  # timeliness.TIMELINESS_COLUMNS, per public record of a measured kind
    departments: pd.DataFrame  # timeliness.DEPARTMENT_COLUMNS, per dataset and department
    public_until: pd.Series  # record ID → ISO *first day gone* = last public day + 1 ('' = no computed end)
    # the effective repairs and revocations: dataset, ``_id``, kind (``repaired`` | ``revoked``), decided_on —
    # when a withdrawn record stopped being public (the release stage's ``since``)
    decided: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=DECIDED_COLUMNS))
    # commitment figures (``model.FULFILMENT_COLUMNS``: dataset, item, year, made, checked, kept, broken),
    # over current fulfilment rows not withdrawn (expired, 核查中 and counted-only 践诺 rows count)
    fulfilment: pd.DataFrame = field(default_factory=empty_fulfilment)


def apply_rules(
    valid: StageResult,
    rules: RuleData,
    as_of: date,
    first_published: pd.Series,
    rejected: pd.DataFrame | None = None,
    cutting: Cutting | None = None,
    let_go: bool = False,
) -> RulesResult:
    """Apply publication periods, corrections, withdrawals, list exits, validity and privacy as of ``as_of``;
    with a ``cutting``, each dataset's rows in parts mapped by it (on a cluster's workers: ``parts``). With
    ``let_go`` each dataset's validated table leaves ``valid.tables`` once it is decided (the build's: a city's
    validated tables held beside the public ones they become set its peak in this stage)."""
    repairs, problems = resolve(rules.repairs, "repairs", valid.tables, as_of)
    revocations, found = resolve(rules.revocations, "revocations", valid.tables, as_of)
    invalid, more = resolve_invalid(rules.invalid, valid.tables)
    problems += found + more
    decisions = Decisions(repairs, revocations, invalid, valid.ledger[valid.ledger["fate"] == REJECTED])
    public: dict[str, Table] = {}
    ledgers: list[pd.DataFrame] = []
    until: list[pd.Series] = [pd.Series(dtype="str")]
    figures: list[pd.DataFrame] = [empty_fulfilment()]
    accepted: dict[str, pd.Series] = {}
    for name in sorted(valid.tables):
        table = valid.tables[name]
        outcome = evaluate(name, table, rules, as_of, decisions, cutting)
        public[name], accepted[name] = Table(table.spec, outcome.public), department_counts(table)
        ledgers.append(outcome.ledger)
        problems += outcome.problems
        until.append(outcome.until)
        figures.append(outcome.figures)
        if let_go:
            del valid.tables[name]
    first = first_publication(public, first_published, as_of)
    timely, found = timeliness(public, first, rules.publication.timeliness, rules.calendar)
    counts = departments(accepted, public, timely, rejected_rows(valid.ledger, rejected))
    ids = as_series(public, first)
    ledger = concat_ledgers(ledgers)  # datasets in name order, rows in input order
    return RulesResult(public, ledger, problems + found, ids, timely, counts, pd.concat(until).astype("str"),
                       _decided(repairs, revocations), _figures(figures))  # fmt: skip


def _figures(pieces: list[pd.DataFrame]) -> pd.DataFrame:
    """Every fulfilment dataset's figures in one frame, sorted by dataset, item, year."""
    frame = pd.concat([p for p in pieces if len(p)] or pieces[:1], ignore_index=True)
    return frame.sort_values(["dataset", "item", "year"], kind="stable", ignore_index=True)[
        list(FULFILMENT_COLUMNS)
    ]


def _decided(repairs: pd.DataFrame, revocations: pd.DataFrame) -> pd.DataFrame:
    """When each effective decision withdrew its record (in the order the holds take them: first per record)."""
    parts = [frame.assign(kind=kind) for frame, kind in ((revocations, "revoked"), (repairs, "repaired"))]
    return pd.concat(parts, ignore_index=True)[list(DECIDED_COLUMNS)].astype("str")
