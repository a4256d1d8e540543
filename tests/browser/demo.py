"""Facts about the built demo portal that the browser tests check against, read from its inputs and ledger.

A company with published records (its name, code, a distinctive fragment of its name, its documents) and
withdrawn records (repaired or revoked, with their subject's name), so the tests never hard-code demo data.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pandas as pd

from generator.inputs import read_inputs
from generator.model import RECORD_ID
from generator.search._postings import STOP_ALWAYS
from generator.search._text import normalize

ORG, PERSON = "法人及非法人组织", "自然人"
FIRST = ("repaired", "revoked")  # the withdrawals issue 4 names


@dataclass(frozen=True)
class Company:
    name: str
    code: str
    fragment: str  # part of the name that few other subjects share
    documents: tuple[str, ...]  # document numbers of its published records


@dataclass(frozen=True)
class Withdrawn:
    record_id: str
    reason: str
    subject: str
    subject_still_public: bool  # the same subject has other published records


@cache
def subject_rows(catalog: Path, out: Path) -> pd.DataFrame:
    """One row per input record: dataset, record ID, subject name/type/code, document number, fate, reason."""
    valid = read_inputs(catalog).valid
    assert valid is not None, f"the catalog {catalog} does not load"
    frames = []
    for dataset, table in valid.tables.items():
        schema, frame = table.spec.schema, table.frame
        roles = {r: schema.role(r) for r in ("subject_name", "subject_type", "subject_code", "document")}
        if not roles["subject_name"]:
            continue
        picked = {r: frame[c] if c else "" for r, c in roles.items()}
        frames.append(pd.DataFrame({"dataset": dataset, RECORD_ID: frame[RECORD_ID], **picked}))
    rows = pd.concat(frames, ignore_index=True).drop_duplicates(RECORD_ID, keep="last")
    ledger = pd.read_parquet(out / "report" / "ledger.parquet")
    fates = ledger.drop_duplicates(RECORD_ID, keep="last").set_index(RECORD_ID)[["fate", "reason"]]
    published = set(ledger.loc[ledger["fate"] == "published", RECORD_ID])
    rows = rows.join(fates, on=RECORD_ID)
    rows.loc[rows[RECORD_ID].isin(published), ["fate", "reason"]] = ["published", ""]
    return rows


def a_company(catalog: Path, out: Path) -> Company:
    """The published organisation with the most records whose name has a distinctive fragment."""
    rows = subject_rows(catalog, out)
    public = rows[rows["fate"] == "published"]
    names = public["subject_name"].drop_duplicates().map(normalize).tolist()
    orgs = public[(public["subject_type"] == ORG) & (public["subject_code"] != "")]
    for code, group in sorted(orgs.groupby("subject_code"), key=lambda item: (-len(item[1]), item[0])):
        name = group["subject_name"].iloc[-1]
        fragment = distinctive_fragment(name, names)
        if fragment:
            return Company(name, str(code), fragment, tuple(group["document"]))
    raise AssertionError("the demo build publishes no organisation with a searchable name")


def distinctive_fragment(name: str, names: list[str]) -> str:
    """A 3–4 character part of ``name`` (not all of it) that the fewest subject names contain."""
    norm = normalize(name)
    parts = {norm[i : i + n] for n in (3, 4) for i in range(len(norm) - n + 1)}
    selective = [
        p for p in parts if p != norm and any(p[i : i + 2] not in STOP_ALWAYS for i in range(len(p) - 1))
    ]
    ranked = sorted(selective, key=lambda p: (sum(p in other for other in names), p))
    return ranked[0] if ranked else ""


def a_person(catalog: Path, out: Path) -> str:
    """The name of a natural person with a published record."""
    rows = subject_rows(catalog, out)
    people = rows[(rows["fate"] == "published") & (rows["subject_type"] == PERSON)]
    assert len(people), "the portal publishes no record about a natural person"
    return str(sorted(people["subject_name"])[0])


def withdrawn_records(catalog: Path, out: Path) -> list[Withdrawn]:
    """Records that are not public in any version (repaired and revoked first, then expired, delisted, never
    published); a corrected record's older versions are not among them, since its ID is published."""
    rows = subject_rows(catalog, out)
    public_names = set(rows.loc[rows["fate"] == "published", "subject_name"])
    gone = rows[rows["fate"] == "withheld"].assign(first=~rows["reason"].isin(FIRST))
    gone = gone.sort_values(["first", "reason", RECORD_ID], kind="stable")
    return [
        Withdrawn(r[RECORD_ID], r["reason"], r["subject_name"], r["subject_name"] in public_names)
        for _, r in gone.iterrows()
    ]
