"""The one Jinja2 environment of the portal's templates (generator/site/templates/).

Stage: render site. Guarantees: autoescaping is on for every template (record text can never become markup),
undefined names are errors rather than silent blanks, and the environment is built once per process.
"""

from __future__ import annotations

import json
from functools import cache

import jinja2
from markupsafe import Markup, escape

from generator.site import urls


def size(value: int) -> str:
    """A file size for people: 字节, KB, MB, GB (1 KB = 1024 bytes)."""
    amount = float(value)
    for unit in ("字节", "KB", "MB", "GB"):
        if amount < 1024 or unit == "GB":
            return f"{int(amount)} {unit}" if unit == "字节" else f"{amount:.1f} {unit}"
        amount /= 1024
    return f"{amount:.1f} GB"  # unreachable; keeps mypy satisfied


def meta(value: str) -> Markup:
    """A value for Markdown front matter: HTML-escaped (the theme prints page titles unescaped), then quoted as
    a JSON string, which YAML reads back unchanged."""
    return Markup(json.dumps(str(escape(value)), ensure_ascii=False))


def count(value: int) -> str:
    """An integer with thousands separators."""
    return f"{value:,}"


PAGER_NEAR = 2  # pages either side of the current one that a pager links, besides the first and the last


def pager(pages: list[str], current: int) -> list[tuple[int, str] | None]:
    """The pages a pager on page ``current`` (1-based) of ``pages`` links, as (number, path): the first, the
    last and those within ``PAGER_NEAR`` of the current one, in order, None where pages are left out. A list
    of a national aggregation runs to thousands of pages: every page linking every other would grow the
    pages as the square of the list (and no phone shows a thousand links)."""
    last = len(pages)
    near = range(max(1, current - PAGER_NEAR), min(last, current + PAGER_NEAR) + 1)
    found: list[tuple[int, str] | None] = []
    previous = 0
    for number in sorted({1, last, *near}):
        if number > previous + 1:
            found.append(None)
        found.append((number, pages[number - 1]))
        previous = number
    return found


@cache
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("generator.site", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,  # templates never change during a build; skips a stat() per page
    )
    env.filters.update(size=size, count=count, meta=meta, pager=pager)
    env.globals.update(urls=urls)
    return env
