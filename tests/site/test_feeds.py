"""The sitemap's page list (generator.site.feeds): sorted as Python sorts strings, each page once, whatever order
and repeats the pages come in."""

from __future__ import annotations

import pyarrow as pa
from hypothesis import given
from hypothesis import strategies as st

from generator.site.feeds import sorted_unique

PATHS = st.lists(st.sampled_from(["", "a/", "a/b.html", "r/00/x.html", "s/ZZ/y.html", "信用/", "ab", "a"]))


@given(PATHS)
def test_sitemap_pages_are_sorted_and_each_once(paths: list[str]) -> None:
    assert sorted_unique(pa.array(paths, pa.large_string())).to_pylist() == sorted(set(paths))
