"""Scan every file under a built site for values that must not be there.

Reads plain files, gzip members, zip members (XLSX, the all-data zip) recursively, and Parquet tables, and
looks for each needle in the forms a writer could have produced: literal, HTML-escaped, JSON \\u-escaped and
URL-encoded. Also finds any valid 18-character 居民身份证号 (an unmasked ID number), and — ``find_unmasked_numbers``
— any personal number the rules stage must mask wherever it is written: an 18-character 身份证号 by checksum
and birth date alone, a 15-digit first-generation one, a mobile number (plain, 3-4-4 with spaces or hyphens,
URL-encoded too). Its pattern is written here, independently of generator/rules/freetext.py.
"""

from __future__ import annotations

import gzip
import html
import io
import json
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote, unquote

import pyarrow.parquet as pq

from generator.identifiers import is_legacy_ric, is_ric_shaped, is_valid_ric

RIC_CANDIDATE = re.compile(r"(?<![0-9A-Za-z])[1-9]\d{16}[\dXx](?![0-9A-Za-z])")
# 18 or 15 digits, or a mobile number written plain or 3-4-4 — not inside a longer run of letters and digits
PERSONAL_CANDIDATE = re.compile(
    r"(?<![0-9A-Za-z])([0-9]{17}[0-9Xx]|[0-9]{15}|1[3-9][0-9][ -]?[0-9]{4}[ -]?[0-9]{4})(?![0-9A-Za-z])"
)


def texts(site: Path) -> Iterator[tuple[str, str]]:
    """(path[:member], decoded text) for every file under ``site``, compressed contents opened."""
    for path in sorted(p for p in site.rglob("*") if p.is_file()):
        yield from _open(str(path.relative_to(site)), path.read_bytes())


def _open(name: str, data: bytes) -> Iterator[tuple[str, str]]:
    if data[:2] == b"\x1f\x8b":
        yield from _open(name + ":gunzip", gzip.decompress(data))
    elif data[:4] == b"PK\x03\x04":
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            for member in sorted(archive.namelist()):
                yield from _open(f"{name}:{member}", archive.read(member))
    elif data[:4] == b"PAR1":
        table = pq.read_table(io.BytesIO(data))
        yield name + ":parquet", json.dumps(table.to_pylist(), ensure_ascii=False, default=str)
    else:
        yield name, data.decode("utf-8", errors="replace")


def forms(value: str) -> set[str]:
    """The spellings of ``value`` that a page, JSON file or URL could contain."""
    return {value, html.escape(value), json.dumps(value)[1:-1], quote(value)} - {""}


def find_needles(site: Path, needles: dict[str, str]) -> list[str]:
    """Every (file, needle label) where a needle appears. ``needles`` maps value → label."""
    patterns = {form: label for value, label in needles.items() for form in forms(value)}
    if not patterns:
        return []
    regex = re.compile("|".join(re.escape(p) for p in sorted(patterns, key=len, reverse=True)))
    hits = []
    for name, text in texts(site):
        hits += [f"{name}: {patterns[m.group(0)]}" for m in regex.finditer(text)]
    return hits


def find_unmasked_ids(site: Path, known_not_ids: set[str] = frozenset()) -> list[str]:  # type: ignore[assignment]
    """Every valid resident ID number appearing in clear anywhere under ``site``."""
    hits = []
    for name, text in texts(site):
        for match in RIC_CANDIDATE.finditer(text):
            value = match.group(0).upper()
            if value not in known_not_ids and is_valid_ric(value):
                hits.append(f"{name}: {value[:6]}…")
    return hits


def personal_kind(written: str) -> str:
    """``id18``, ``id15`` or ``mobile`` for a personal number (separators ignored), else ""."""
    value = written.replace(" ", "").replace("-", "")
    if is_ric_shaped(value):
        return "id18"
    if is_legacy_ric(value):
        return "id15"
    return "mobile" if is_mobile_number(value) else ""


def personal_numbers(text: str) -> Iterator[tuple[str, str]]:
    """(kind, number as written) for every personal number in ``text``."""
    for match in PERSONAL_CANDIDATE.finditer(text):
        if kind := personal_kind(match.group(1)):
            yield kind, match.group(1)


def find_unmasked_numbers(site: Path, known_not: set[str] = frozenset()) -> list[str]:  # type: ignore[assignment]
    """Every personal number in clear anywhere under ``site`` (also URL-encoded), except ``known_not`` (public
    codes that merely look like one, compared without separators and in upper case)."""
    hits = []
    for name, text in texts(site):
        for form in {text, unquote(text)} if "%" in text else {text}:
            for kind, written in personal_numbers(form):
                value = written.replace(" ", "").replace("-", "").upper()
                if value not in known_not:
                    hits.append(f"{name}: {kind} {value[:3]}…")
    return sorted(set(hits))


def is_mobile_number(value: str) -> bool:
    """True for a mainland mobile number written as 11 plain digits 1[3-9]xxxxxxxxx (the scan's own test,
    written apart from the production pattern in generator/rules/freetext.py)."""
    return (
        len(value) == 11 and value.isascii() and value.isdigit() and value[1] in "3456789" and value[0] == "1"
    )
