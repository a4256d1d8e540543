"""Severity (失信程度) and sector (领域) of each penalty, and whether it is a warning-only penalty.

Stage: rules. Guarantees: the department's 失信程度 (CF_SXCD) wins; otherwise the configured mapping of the
normalised 处罚类别 decides, and a decision with several categories takes the most severe. Work is done once
per distinct 处罚类别 text (a few hundred at city scale), not per row; sectors by vectorised substring search.
"""

from __future__ import annotations

import re

import numpy as np
import numpy.typing as npt
import pandas as pd

from generator.rules.models import PenaltyRules, Sectors
from generator.rules.vocab import SEVERITIES, normalise_categories

SEVERITY, CATEGORIES, PROCEDURE = "CF_SXCD", "CF_CFLB", "CF_CXLX"  # built-in penalty schema fields
SIMPLE_PROCEDURE = "简易程序"
Ints = npt.NDArray[np.int64]


def severity_ranks(frame: pd.DataFrame, rules: PenaltyRules) -> Ints:
    """Index into SEVERITIES (0 = 轻微 … 2 = 严重) for every row."""
    rank = {name: i for i, name in enumerate(SEVERITIES)}
    codes, given_texts = pd.factorize(_column(frame, SEVERITY))
    given = np.array([rank.get(str(t), -1) for t in given_texts] + [-1], dtype=np.int64)[codes]
    codes, texts = pd.factorize(_column(frame, CATEGORIES))
    by_text = np.array([_category_rank(str(t), rules, rank) for t in texts] + [-1], dtype=np.int64)
    ranks: Ints = np.where(given >= 0, given, by_text[codes])
    return ranks


def _category_rank(text: str, rules: PenaltyRules, rank: dict[str, int]) -> int:
    mapping = rules.severity
    found = [rank[mapping.categories.get(c, mapping.default)] for c in normalise_categories(text)]
    return max(found, default=rank[mapping.default])


def warning_only(frame: pd.DataFrame, rules: PenaltyRules) -> npt.NDArray[np.bool_]:
    """True where every category of the decision is one of the configured warning categories."""
    allowed = set(rules.not_published.warning_categories)
    codes, texts = pd.factorize(_column(frame, CATEGORIES))
    flags = [bool(cats) and set(cats) <= allowed for cats in map(normalise_categories, map(str, texts))]
    only: npt.NDArray[np.bool_] = np.array([*flags, False], dtype=bool)[codes]
    return only


def simple_procedure(frame: pd.DataFrame) -> npt.NDArray[np.bool_]:
    simple: npt.NDArray[np.bool_] = (_column(frame, PROCEDURE) == SIMPLE_PROCEDURE).to_numpy(dtype=bool)
    return simple


def sector_index(frame: pd.DataFrame, sectors: Sectors, wanted: npt.NDArray[np.bool_]) -> Ints:
    """Index of the first configured sector whose keyword occurs in a sector field; -1 for none (and for rows
    not ``wanted``). Searches each distinct field text once: a city has far fewer distinct 处罚依据 than rows."""
    found = np.full(len(frame), -1, dtype=np.int64)
    rows = np.flatnonzero(wanted)
    for name in (f for f in sectors.fields if f in frame.columns):
        codes, texts = pd.factorize(frame[name].iloc[rows])
        hits = _first_sector(pd.Series(texts, dtype="str"), sectors)
        fresh = found[rows] < 0
        found[rows[fresh]] = np.append(hits, -1)[codes[fresh]]
    return found


def _first_sector(texts: pd.Series, sectors: Sectors) -> Ints:
    found = np.full(len(texts), -1, dtype=np.int64)
    for i, keywords in enumerate(sectors.keywords.values()):
        if keywords:
            hit = texts.str.contains("|".join(map(re.escape, keywords)), regex=True).to_numpy(dtype=bool)
            found[(found < 0) & hit] = i
    return found


def _column(frame: pd.DataFrame, name: str) -> pd.Series:
    return frame[name] if name in frame.columns else pd.Series("", index=frame.index, dtype="str")
