"""Subjects (信用主体) derived from the public tables: who gets a credit archive page, with which records.

Stage: render site. Guarantees: only organisations and 个体工商户 with a well-formed 统一社会信用代码 are
subjects (a natural person never is, so no page is ever addressed by an ID number); a subject's records come
from every dataset that names subjects, lists included; its display name is the one on its newest record;
everything is sorted, so the same tables always give the same subjects in the same order.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from generator.model import RECORD_ID
from generator.site.view import ARCHIVE, DatasetView

CODE, VIEW, POS, DATE, RANK = "code", "view", "pos", "date", "rank"
# archive sections: list status first, then the grade, 失信 information (penalties, commitments), the rest
KIND_ORDER = {
    "list": 0, "evaluation": 1, "penalty": 2, "fulfilment": 3, "licensing": 4, "registration": 5, "other-act": 6,
}  # fmt: skip


@dataclass(frozen=True)
class Subjects:
    """Every subject with an archive and where its records are: for subject ``i``, entries
    ``starts[i]:starts[i + 1]`` of ``view`` (index into the dataset views) and ``pos`` (row in that view)."""

    codes: np.ndarray  # sorted unique codes (object array of str)
    names: np.ndarray  # display name per code
    starts: np.ndarray  # int64, len(codes) + 1
    view: np.ndarray  # int64 per entry; entries sorted by code, kind (lists first), dataset, newest first
    pos: np.ndarray  # int64 per entry

    def __len__(self) -> int:
        return len(self.codes)

    def records(self, i: int) -> list[tuple[int, int]]:
        """(view index, row) of subject ``i``'s records."""
        a, b = self.starts[i], self.starts[i + 1]
        return list(zip(self.view[a:b].tolist(), self.pos[a:b].tolist(), strict=True))


def find_subjects(views: list[DatasetView]) -> Subjects:
    """Collect the archive subjects of every dataset that has a subject code role."""
    parts = [_entries(i, v) for i, v in enumerate(views) if v.role("subject_code")]
    entries = pd.concat(parts, ignore_index=True) if parts else _empty()
    names = _names(entries)
    entries = entries.sort_values([CODE, RANK, VIEW, POS], kind="stable").reset_index(drop=True)
    codes = entries[CODE].drop_duplicates().to_numpy(dtype=object)
    starts = np.searchsorted(entries[CODE].to_numpy(dtype=object), codes, side="left")
    starts = np.append(starts, len(entries)).astype(np.int64)
    names_arr = names.reindex(codes).to_numpy(dtype=object)
    as_int = {c: entries[c].to_numpy(dtype=np.int64) for c in (VIEW, POS)}
    return Subjects(codes, names_arr, starts, as_int[VIEW], as_int[POS])


def _entries(index: int, view: DatasetView) -> pd.DataFrame:
    frame = view.frame
    mask = frame[ARCHIVE] != ""
    return pd.DataFrame(
        {
            CODE: frame.loc[mask, ARCHIVE].to_numpy(dtype=object),
            VIEW: index,
            RANK: KIND_ORDER.get(view.kind, len(KIND_ORDER)),
            POS: np.flatnonzero(mask.to_numpy()),
            DATE: view.column("date")[mask].to_numpy(dtype=object),
            "name": view.column("subject_name")[mask].to_numpy(dtype=object),
            RECORD_ID: frame.loc[mask, RECORD_ID].to_numpy(dtype=object),
        }
    )


def _names(entries: pd.DataFrame) -> pd.Series:
    """The name on each subject's newest record (ties: first dataset, then record ID)."""
    newest = entries.sort_values(
        [CODE, DATE, VIEW, RECORD_ID], ascending=[True, False, True, True], kind="stable"
    )
    return newest.drop_duplicates(CODE).set_index(CODE)["name"]


def _empty() -> pd.DataFrame:
    return pd.DataFrame(
        {c: pd.Series(dtype=object) for c in (CODE, VIEW, RANK, POS, DATE, "name", RECORD_ID)}
    )
