"""The portal's pager (``generator.site.jinja.pager`` and the ``pager`` macro): a bounded number of links on
every page, and every page reachable from the first by following them."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from generator.site.jinja import PAGER_NEAR, environment, pager

MOST_LINKS = 2 * PAGER_NEAR + 2 + 2  # the window, the first and the last, previous and next


def rendered(pages: list[str], current: int) -> str:
    macros = environment().get_template("bulk/macros.html").module
    return str(macros.pager(pages, current, "../"))  # type: ignore[attr-defined]


def links(html: str) -> list[str]:
    return re.findall(r'href="\.\./([^"]+)"', html)


@given(st.integers(2, 400), st.data())
def test_a_pager_links_a_bounded_handful_of_pages_and_marks_the_current_one(
    count: int, data: st.DataObject
) -> None:
    pages = [f"p{n}.html" for n in range(1, count + 1)]
    current = data.draw(st.integers(1, count))
    html = rendered(pages, current)
    assert 0 < len(links(html)) <= MOST_LINKS
    assert f'<span aria-current="page">第 {current} 页</span>' in html
    assert f'href="../p{current}.html"' not in html
    assert ('rel="prev"' in html) == (current > 1) and ('rel="next"' in html) == (current < count)
    shown = [n for n, _ in filter(None, pager(pages, current))]
    assert shown == sorted(set(shown)) and {1, count, current} <= set(shown)
    assert ("…" in html) == (shown != list(range(1, count + 1)))


@given(st.integers(1, 300))
def test_every_page_is_reached_from_the_first_by_following_the_pager(count: int) -> None:
    pages = [f"p{n}.html" for n in range(1, count + 1)]
    seen, todo = {1}, [1]
    while todo:
        current = todo.pop()
        for target in links(rendered(pages, current)):
            number = int(target[1:-5])
            if number not in seen:
                seen.add(number)
                todo.append(number)
    assert seen == set(range(1, count + 1))


def test_a_single_page_has_no_pager() -> None:
    assert "gs-pager" not in rendered(["p1.html"], 1)
