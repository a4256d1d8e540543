"""Corrections: a later batch with the same record key replaces the earlier record.

Stage: rules. Guarantees: exactly one current version per record key — the row of the latest batch (and, within
one batch, the last row) — which keeps the key's public ID; every earlier version is withheld as ``superseded``
with a message naming the file and row that replaced it.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pandas as pd

from generator.model import BATCH, FILE, KEY, ROW
from generator.rules.columns import isin
from generator.rules.withholding import Hold


def latest_versions(frame: pd.DataFrame) -> npt.NDArray[np.bool_]:
    """True for the current version of each record key: the last in (batch, row) order."""
    codes, _ = pd.factorize(frame[KEY])
    order = np.lexsort((frame[ROW].to_numpy(), frame[BATCH].to_numpy()))
    last_first = order[::-1]
    _, first_seen = np.unique(codes[last_first], return_index=True)
    current = np.zeros(len(frame), dtype=bool)
    current[last_first[first_seen]] = True
    return current


def superseded(frame: pd.DataFrame, current: npt.NDArray[np.bool_]) -> Hold:
    """The hold for every non-current version: message names the replacing file and row."""
    rows = np.flatnonzero(~current)
    keys = frame[KEY].iloc[rows]
    winners = frame.loc[current & isin(frame[KEY], keys), [KEY, FILE, ROW]]
    replaced_by = winners.set_index(KEY).reindex(keys)
    message = (
        "已被更正：以 " + replaced_by[FILE].astype(str) + " 第 " + replaced_by[ROW].astype(str) + " 行为准"
    )
    return Hold("superseded", rows, message.reset_index(drop=True))
