"""The view columns a bulk task reads, as Python lists over that task's rows only.

Stage: render site (in the page workers). Guarantees: ``Columns`` gives, for one view and one task, each column
the pages read as a list over the task's rows (``Rows``), converted on first use and dropped with the task; a
row is addressed by its position in the view through ``Columns.local``; a column the view lacks is ``[]``. The
values are those of ``Series.tolist()`` on the same rows, whatever the window.

Why per task: the tables are Arrow-backed, so a forked worker shares them with the parent at no cost, but a
Python list of a column makes one string object per cell in each worker. Converted once per process for the
whole city, those lists were most of each worker's private memory (≈ 130 MiB a worker at 200 k records, growing
with the city); a task reads a few thousand rows. Record, list and month tasks read rows in runs; a subject task
reads its subjects' rows wherever they are, and a department task reads two columns of the whole view.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from generator.commitments.figures import ITEM, ITEM_NAME
from generator.model import RECORD_ID
from generator.site.periods import LAST_DAY, REPAIR_FROM
from generator.site.view import ARCHIVE, DEPT, MONTH, DatasetView

SAMPLE = 2000  # cells a column's distinct values are judged on (``pylist``)
BRIEF_ROLES = (
    "date", "subject_name", "subject_type", "document", "summary", "department", "list_name", "valid_until",
)  # fmt: skip
DATES = (LAST_DAY, REPAIR_FROM)  # 公示截止期, 可申请信用修复日期 (``periods``; absent from unannotated views)
# The key facts an archive entry shows besides its roles: content and amounts of the built-in schemas.
FACTS = ("CF_NR", "CF_NR_FK", "CF_NR_WFFF", "XK_NR", "XK_XKBH", "MD_RDYJ", "ZC_HYRQ")  # ZC_HYRQ: 核验日期
# The roles of the credit kinds (#15) an archive and a report read, by dataset kind (other kinds: none)
KIND_ROLES = {
    "evaluation": ("grade", "sector", "valid_until"),
    "registration": ("category", "verification", "valid_until"),
    "fulfilment": ("commitment_item", "result", "checked_on"),
}
NAMED = {"id": RECORD_ID, "archive": ARCHIVE, "month": MONTH, "dept": DEPT}  # short name → view column


@dataclass(frozen=True, slots=True)
class Rows:
    """The rows of a view a task reads: ``start:stop``, or the sorted ``positions`` when not a run."""

    start: int
    stop: int
    positions: np.ndarray | None = None
    where: dict[int, int] | None = None  # position → place in the list, when not a run

    @classmethod
    def of(cls, positions: np.ndarray) -> Rows:
        """The rows at ``positions`` (any order, repeats allowed)."""
        found = np.unique(positions.astype(np.int64))
        if not len(found) or found[-1] - found[0] + 1 == len(found):
            return cls(int(found[0]) if len(found) else 0, int(found[-1]) + 1 if len(found) else 0)
        return cls(0, 0, found, dict(zip(found.tolist(), range(len(found)), strict=True)))

    def local(self, p: int) -> int:
        """Where row ``p`` of the view is in this task's lists."""
        return p - self.start if self.where is None else self.where[p]

    def size(self) -> int:
        return self.stop - self.start if self.positions is None else len(self.positions)

    def cut(self, column: pd.Series) -> pd.Series:
        return column.iloc[self.start : self.stop] if self.positions is None else column.take(self.positions)


class Columns(dict[str, list[str]]):
    """Column name → its values over ``rows`` (converted on first use)."""

    def __init__(self, view: DatasetView, rows: Rows) -> None:
        super().__init__()
        self.view, self.rows = view, rows
        self.local = rows.local

    def __missing__(self, name: str) -> list[str]:
        source = _source(self.view, name)
        if source is None:
            values: list[str] = []
        elif not source:  # a role the dataset lacks: empty strings, as ``DatasetView.column`` gives
            values = [""] * self.rows.size()
        else:
            values = pylist(self.rows.cut(self.view.frame[source]))
        self[name] = values
        return values


def _source(view: DatasetView, name: str) -> str | None:
    """The view column that column ``name`` comes from (the first that applies): a commitment link, a role of
    the view's kind, a date the rules compute or a fact, a named view column, a role of the brief. ``""``
    for a role the dataset lacks; None for a link, date or fact the view lacks."""
    kind_roles = KIND_ROLES.get(view.kind, ())
    optional = name in (ITEM, ITEM_NAME) or (name in (*DATES, *FACTS) and name not in kind_roles)
    if optional:
        return name if name in view.frame.columns else None
    if name in kind_roles or (name in BRIEF_ROLES and name not in NAMED):
        return view.role(name) or ""
    if name in NAMED:
        return NAMED[name]
    raise KeyError(f"no column {name!r} for the bulk pages")


def pylist(column: pd.Series) -> list[str]:
    """``column.tolist()``, but a column of few distinct values (departments, months, dates, kinds…) gives a
    list whose equal values are one string object. Hand-made because ``tolist`` makes a new object per cell.
    Whether a column is worth it is judged on a sample: factorising a column of unique values costs ≈ 7× a
    plain ``tolist``, one of few values costs less than it (measured on 500 k cells)."""
    sample = column.iloc[:SAMPLE]
    if len(column) < 2 * SAMPLE or sample.nunique() > SAMPLE // 2 or column.hasnans:
        found: list[str] = column.tolist()  # (factorize would turn None into NaN)
        return found
    codes, uniques = pd.factorize(column)
    return np.asarray(uniques.tolist(), dtype=object)[codes].tolist()  # type: ignore[no-any-return]
