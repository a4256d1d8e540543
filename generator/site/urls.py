"""Where every page of the portal lives (paths relative to site/, forward slashes).

Stage: render site (shared by its modules; the search stage may import it to link results). Guarantees: every
path segment taken from data is checked against a strict pattern first (record IDs are 16 hex characters,
subject codes are 18-character 统一社会信用代码 from the USCC alphabet, dataset IDs are catalog-checked), so no
input value can choose a path outside site/; a natural person's ID number never appears in any path (natural
persons have no subject page); every bulk page sits two folders deep, like the theme shell it is stamped into.
"""

from __future__ import annotations

import hashlib
import re

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

RECORD_ID = re.compile(r"^[0-9a-f]{16}$")
SUBJECT_CODE = re.compile(r"^[1-9ANY][0-9A-HJ-NPQRTUWXY]{17}$")
MONTH = re.compile(r"^\d{4}-\d{2}$")
UNDATED = "undated"  # month key of records without a usable date

SHELL_DOC = "_shell/page.md"  # the placeholder page mkdocs builds; its folder depth is BULK_DEPTH
SHELL_PAGE = "_shell/page/index.html"
BULK_DEPTH = 2
BULK_REL = "../" * BULK_DEPTH  # from any bulk page back to the site root


def record_page(record_id: str) -> str:
    """``r/<2 hex>/<id>.html``: the detail page of one published record."""
    return f"r/{record_id[:2]}/{record_id}.html"


def subject_page(code: str) -> str:
    """``s/<last 2 chars>/<code>.html``: an organisation's credit archive (信用档案), by its USCC.

    The last two characters spread codes evenly (the first two are mostly "91")."""
    return f"s/{code[-2:]}/{code}.html"


def record_pages(ids: pa.Array) -> pa.Array:
    """``record_page`` of each of ``ids`` (a string array), at once, in Arrow (for a city's million records)."""
    return _joined("r/", pc.utf8_slice_codeunits(ids, 0, 2), "/", ids, ".html")


def subject_pages(codes: pa.Array) -> pa.Array:
    """``subject_page`` of each of ``codes`` (a string array), at once, in Arrow."""
    return _joined("s/", pc.utf8_slice_codeunits(codes, -2), "/", codes, ".html")


def _joined(*parts: str | pa.Array) -> pa.Array:
    kind = next(p.type for p in parts if isinstance(p, pa.Array))
    values = [pa.scalar(p, kind) if isinstance(p, str) else p for p in parts]
    joined: pa.Array = pc.binary_join_element_wise(*values, pa.scalar("", kind))
    return joined


def report_page(code: str) -> str:
    """``reports/<last 2 chars>/<code>.html``: an archive subject's printable credit report (信用报告)."""
    return f"reports/{code[-2:]}/{code}.html"


def check_page() -> str:
    """The static page that checks a printed credit report against the current data (``check/``)."""
    return "check/"


def record_anchor(record_id: str) -> str:
    """The anchor of a record inside its subject's archive."""
    return f"r-{record_id}"


def measure_anchor(record_id: str) -> str:
    """The anchor of a measure on the measures page."""
    return f"m-{record_id}"


def dataset_page(dataset: str) -> str:
    return f"datasets/{dataset}/"


def dictionary_page(dataset: str) -> str:
    return f"datasets/{dataset}/dictionary/"


def month_page(dataset: str, month: str, page: int = 1, dept: str = "") -> str:
    """A page of one month's records of a dataset (optionally of one department), newest first."""
    stem = f"d{dept}-{month}" if dept else month
    return f"datasets/{dataset}/{stem}{'' if page == 1 else f'-{page}'}.html"


def day_page(dataset: str, day: str, page: int = 1) -> str:
    """A page of one day's records of a dataset whose month is too long for one page (``day``: YYYY-MM-DD)."""
    return f"datasets/{dataset}/{day}{'' if page == 1 else f'-{page}'}.html"


def dept_page(dataset: str, dept: str) -> str:
    """The months in which one department published records of a dataset."""
    return f"datasets/{dataset}/d{dept}.html"


def dept_slug(name: str) -> str:
    """A short, stable path segment for a department name (names are Chinese and may hold any character)."""
    return hashlib.sha256(name.encode("utf-8")).hexdigest()[:10]


def list_page(dataset: str, page: int = 1) -> str:
    """A page of a list's (名单) current entries."""
    return f"lists/{dataset}/p{page}.html"


def month_key(date: str) -> str:
    """``YYYY-MM`` of an ISO date, or ``undated``."""
    return date[:7] if MONTH.match(date[:7]) else UNDATED


def doc_url(doc: str) -> str:
    """The URL (relative to site/) mkdocs gives a Markdown page: ``a/b.md`` → ``a/b/``, ``a/index.md`` → ``a/``."""
    stem = doc.removesuffix(".md")
    if stem == "index":
        return ""
    return stem.removesuffix("/index") + "/"


def rel_root(url: str) -> str:
    """The relative prefix from the page at ``url`` back to the site root."""
    return "../" * url.count("/")


def arrow_strings(values: pd.Index | pd.Series) -> pa.Array:
    """Page paths (or another text column) as one Arrow string array, over pandas' own buffers when they are
    Arrow's: paths are looked up and sorted in Arrow, since pandas' index engine turns every one into a Python
    string and keeps them with the index (at 1 M records, 1.24 M page units: 84 MiB, held to the build's end)."""
    if not len(values):  # (an empty table's index is a range, of no strings)
        return pa.array([], pa.large_string())
    found = pa.array(values, pa.large_string())
    combined: pa.Array = found.combine_chunks() if isinstance(found, pa.ChunkedArray) else found
    return combined
