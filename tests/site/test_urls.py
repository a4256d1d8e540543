"""The portal's paths (generator.site.urls): the vectorised forms give what the per-item ones give."""

from __future__ import annotations

import pyarrow as pa
from hypothesis import given
from hypothesis import strategies as st

from generator.site import urls

CODES = st.text(alphabet="0123456789ABCDEFGHJKLMNPQRTUWXY", min_size=2, max_size=18)
IDS = st.text(alphabet="0123456789abcdef", min_size=2, max_size=32)


@given(st.lists(IDS, max_size=20))
def test_record_pages_at_once_are_each_records_page(ids: list[str]) -> None:
    assert urls.record_pages(pa.array(ids, pa.large_string())).to_pylist() == [
        urls.record_page(i) for i in ids
    ]


@given(st.lists(CODES, max_size=20))
def test_subject_pages_at_once_are_each_subjects_page(codes: list[str]) -> None:
    assert urls.subject_pages(pa.array(codes, pa.string())).to_pylist() == [
        urls.subject_page(c) for c in codes
    ]
