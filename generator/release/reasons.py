"""Why, and since when, a record left the public data: the ``reason`` and ``since`` of delta DEL and purged lines.

Stage: write release. Guarantees: every record a delta deletes, and every old line a purge strips, gets one
reason of ``REASONS`` and an ISO date ``since`` no later than the release's as-of date — nothing else of the
record (no text, no number, no field of it):
- ``repaired`` / ``revoked``: since the repair or revocation decision's date;
- ``expired``: a penalty's or 失诺's publication period, or a licence's, list entry's, other act's, credit
  grade's or registration's validity ended —
  since the first day it was gone (the day after the last public day);
- ``delisted``: removed from a list — since its 移出日期;
- ``superseded``: (purged lines only) its old content was replaced by a correction or tightened publication
  rules — since the as-of date of the release that carries the new content;
- ``withheld``: no longer public for any other reason (an invalid decision naming it, a rejected correction,
  a not-published class, a minor's case, a grade replaced by a newer one, dropped from the catalog…) —
  deliberately vague, since the as-of date.
The rules stage's ledger gives the reason (each withheld record's current version: superseded older versions
never decide), its ``value`` the dates of expiries and delistings, and its effective decisions the dates of
repairs and revocations; without them (a release made from tables alone) every deletion is ``withheld``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

import pandas as pd

from generator.model import RECORD_ID

REASONS = ("expired", "repaired", "revoked", "delisted", "superseded", "withheld")
OF_LEDGER = {  # the rules' reason codes (generator.rules.withholding.REASONS) → the delta's
    "repaired": "repaired", "revoked": "revoked", "expired": "expired", "licence-expired": "expired",
    "list-expired": "expired", "delisted": "delisted", "superseded": "superseded",
    "evaluation-expired": "expired", "registration-expired": "expired",
}  # fmt: skip
DAY_AFTER_VALUE = frozenset(  # value = the last public day
    {"expired", "licence-expired", "list-expired", "evaluation-expired", "registration-expired"}
)
ON_VALUE = frozenset({"delisted"})  # value = the day it was gone
DECIDED = frozenset({"repaired", "revoked"})

Why = tuple[str, str]  # (reason, since)


@dataclass(frozen=True)
class Withdrawals:
    """The rules stage's account of records it withheld: its ledger (``generator.model.LEDGER_COLUMNS``) and
    its effective decisions (``generator.rules.DECIDED_COLUMNS``)."""

    ledger: pd.DataFrame = field(default_factory=pd.DataFrame)
    decided: pd.DataFrame = field(default_factory=pd.DataFrame)

    def explain(self, dataset: str, ids: list[str], as_of: date) -> dict[str, Why]:
        """(reason, since) of each of ``ids`` (records of ``dataset`` that left the public data)."""
        fallback = ("withheld", as_of.isoformat())
        found = self._ledger_rows(dataset, ids)
        decided = self._decided(dataset, ids)
        why = {rid: fallback for rid in ids}
        for rid, reason, value in zip(found[RECORD_ID], found["reason"], found["value"], strict=True):
            why[rid] = _why(str(reason), str(value), decided.get((str(rid), str(reason))), as_of)
        return why

    def _ledger_rows(self, dataset: str, ids: list[str]) -> pd.DataFrame:
        """Per record, the ledger row of its current version (any reason but superseded), else a superseded."""
        ledger = self.ledger
        if not len(ledger) or not ids:
            return pd.DataFrame({c: pd.Series(dtype="str") for c in (RECORD_ID, "reason", "value")})
        mine = ledger[(ledger["dataset"] == dataset) & ledger[RECORD_ID].isin(ids)]
        order = (mine["reason"] == "superseded").to_numpy().argsort(kind="stable")
        return mine.iloc[order].drop_duplicates(RECORD_ID)

    def _decided(self, dataset: str, ids: list[str]) -> dict[tuple[str, str], str]:
        """(record ID, kind) → decision date: the first decision of each kind per record, as the holds take it."""
        decided = self.decided
        if not len(decided) or not ids:
            return {}
        mine = decided[(decided["dataset"] == dataset) & decided[RECORD_ID].isin(ids)]
        first = mine.drop_duplicates([RECORD_ID, "kind"])
        return {
            (str(r), str(k)): str(d)
            for r, k, d in zip(first[RECORD_ID], first["kind"], first["decided_on"], strict=True)
        }


def _why(reason: str, value: str, decided_on: str | None, as_of: date) -> Why:
    """The delta's reason and since for a ledger row (reason code and value)."""
    named = OF_LEDGER.get(reason, "withheld")
    day: date | None = None
    if reason in DECIDED and decided_on:
        day = _day(decided_on)
    elif reason in DAY_AFTER_VALUE:
        last = _day(value)
        day = last + timedelta(days=1) if last else None
    elif reason in ON_VALUE:
        day = _day(value)
    since = min(day, as_of) if day else as_of
    return named, since.isoformat()


def _day(text: str) -> date | None:
    try:
        return date.fromisoformat(text.strip()[:10])
    except ValueError:
        return None
