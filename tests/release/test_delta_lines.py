"""A delta line's start (``generator.release.delta.head``) is the compact JSON a consumer parses."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from generator.packs.layout import RECORD_ID_HEADER
from generator.release.delta import LINE_START, head


@given(st.sampled_from(["ADD", "MOD", "DEL"]), st.text(max_size=12), st.text(max_size=24))
def test_a_delta_lines_start_is_the_compact_json_of_its_op_dataset_and_record_id(
    op: str, dataset: str, record_id: str
) -> None:
    fields = {"op": op, "dataset": dataset, RECORD_ID_HEADER: record_id}
    line = head(op, dataset, record_id) + b"}"
    assert json.loads(line) == fields
    assert line == json.dumps(fields, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    plain = not any(c in '"\\' or ord(c) < 0x20 for c in dataset + record_id)
    if plain:  # how the purge finds a line's record
        found = LINE_START.match(line)
        assert found is not None and found.groups() == (op.encode(), dataset.encode(), record_id.encode())
