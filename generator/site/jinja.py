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
    env.filters.update(size=size, count=count, meta=meta)
    env.globals.update(urls=urls)
    return env
