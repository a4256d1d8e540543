"""A dataset's public table: its rows whole, newest decision first, undated last, ties by record ID."""

from __future__ import annotations

from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from generator.packs.layout import RECORD_ID_HEADER, Stamp, layout_for, public_table
from tests.packs.builders import catalog, frame, penalty

DAYS = ["2025-03-01", "2025-11-20", "2026-01-05", ""]

rows = st.lists(st.tuples(st.sampled_from(DAYS), st.sampled_from(["", "0.5", "12"])), max_size=15)


@settings(max_examples=60, deadline=None)
@given(rows)
def test_rows_come_whole_newest_first_undated_last_then_by_record_id(drawn: list[tuple[str, str]]) -> None:
    cat = catalog(datasets=("penalties",))
    layout = layout_for(cat.dataset("penalties"), cat.portal, Stamp("2026-11-25", date(2026, 11, 25)))
    records = frame(
        "penalties", [penalty(n, CF_JDRQ=day, CF_NR_FK=fine) for n, (day, fine) in enumerate(drawn)]
    )
    table = public_table(records, layout).to_pylist()
    source = {c.header: c.source for c in layout.columns}
    wanted = [
        {header: row[code] or None for header, code in source.items()} for row in records.to_dict("records")
    ]  # each row as the pack shows it: its own values, "" as none
    by_id = sorted(wanted, key=lambda r: r[RECORD_ID_HEADER])
    dated = sorted((r for r in by_id if r[layout.order_by]), key=lambda r: r[layout.order_by], reverse=True)
    assert layout.order_by and table == dated + [r for r in by_id if not r[layout.order_by]]
