"""Subjects (信用主体) derived from the public tables: who gets a credit archive page, with which records.

Stage: render site. Guarantees: only organisations and 个体工商户 with a well-formed 统一社会信用代码 are
subjects (a natural person never is, so no page is ever addressed by an ID number); a subject's records come
from every dataset that names subjects, lists included; its display name is the one on its newest record;
everything is sorted, so the same tables always give the same subjects in the same order.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from generator.model import RECORD_ID
from generator.site.urls import arrow_strings
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
    """Collect the archive subjects of every dataset that has a subject code role.

    Sorted and grouped in Arrow: only the subjects' codes and names become Python strings, not every entry's
    code, date, name and record ID (at 1 M records 442,239 entries of four strings each, for a moment)."""
    parts = [_entries(i, v) for i, v in enumerate(views) if v.role("subject_code")]
    if not sum(len(p) for p in parts):
        none = np.array([], dtype=np.int64)
        return Subjects(
            np.array([], dtype=object), np.array([], dtype=object), np.zeros(1, np.int64), none, none
        )
    entries = pa.concat_tables(parts)
    order = pc.sort_indices(
        entries, [(CODE, "ascending"), (RANK, "ascending"), (VIEW, "ascending"), (POS, "ascending")]
    )
    codes = entries[CODE].take(order).combine_chunks()
    starts = np.flatnonzero(
        np.append(True, pc.not_equal(codes[1:], codes[:-1]).to_numpy(zero_copy_only=False))
    )
    names = entries["name"].take(_newest(entries).take(pa.array(starts)))
    ends = np.append(starts, len(entries)).astype(np.int64)
    as_int = {c: entries[c].take(order).to_numpy().astype(np.int64) for c in (VIEW, POS)}
    return Subjects(_objects(codes.take(pa.array(starts))), _objects(names), ends, as_int[VIEW], as_int[POS])


def _entries(index: int, view: DatasetView) -> pa.Table:
    codes = arrow_strings(view.frame[ARCHIVE])
    mask = pc.not_equal(codes, "")
    pos = np.flatnonzero(mask.to_numpy(zero_copy_only=False))
    rows = pa.array(pos)
    return pa.table(
        {
            CODE: codes.take(rows),
            VIEW: pa.array(np.full(len(pos), index, np.int64)),
            RANK: pa.array(np.full(len(pos), KIND_ORDER.get(view.kind, len(KIND_ORDER)), np.int64)),
            POS: rows,
            DATE: arrow_strings(view.column("date")).take(rows),
            "name": arrow_strings(view.column("subject_name")).take(rows),
            RECORD_ID: arrow_strings(view.frame[RECORD_ID]).take(rows),
        }
    )


def _newest(entries: pa.Table) -> pa.Array:
    """Entries by code, each subject's newest record first (ties: first dataset, then record ID); codes sorted
    alike in both orders, so a subject's run starts at the same place in this one as in the entries'."""
    keys = [(CODE, "ascending"), (DATE, "descending"), (VIEW, "ascending"), (RECORD_ID, "ascending")]
    return pc.sort_indices(entries, keys)


def _objects(values: pa.Array | pa.ChunkedArray) -> np.ndarray:
    return np.asarray(values.to_numpy(zero_copy_only=False), dtype=object)
