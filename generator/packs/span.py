"""The span of a dataset's record dates (its decision, listing or check dates), for catalogue metadata.

Stage: write data packs and write release (DCAT temporal coverage). Guarantees: only well-formed ISO dates
(``YYYY-MM-DD``) of the column playing the ``date`` role count; ("", "") when the dataset has no such role or no
such date — never a guess, never the clock.
"""

from __future__ import annotations

from generator.model import Table

ISO_DATE = r"^\d{4}-\d{2}-\d{2}$"


def date_span(table: Table) -> tuple[str, str]:
    """(earliest, latest) record date of ``table``, ISO; ("", "") when none is known."""
    column = table.spec.schema.role("date")
    if column is None or column not in table.frame.columns:
        return "", ""
    dates = table.frame[column].astype("str")
    dates = dates[dates.str.match(ISO_DATE).fillna(False).astype(bool)]
    return (str(dates.min()), str(dates.max())) if len(dates) else ("", "")
