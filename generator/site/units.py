"""Page units: what each bulk page is rendered from, as a key, so that a rebuild renders only pages whose
inputs changed and carries the others from the previous site as hard links.

Stage: render site (keys computed before the workers start; the key table written into the staging state by
the build). A unit is a record page, a subject's credit archive with its JSON file (``api``), or one month of a
dataset's listing (its pages for all departments and for each department); the unit is named by its (first)
page's path. Guarantees:
- a unit's key is computed from everything its pages show, vectorised: a record's key hashes every column of
  its view row (public fields, record ID, month, department slug, archive code; its page links its month's
  first listing page, not the page it sits on, so rows coming and going before it leave it alone; the
  derived columns count: the rules' 公示截止期 and 可申请信用修复日期 (``periods``), a commitment item's figures
  from ``Publication.fulfilment`` and its public 失诺 records, a fulfilment record's item link
  (``generator.commitments.figures``) — so a change of the figures re-renders exactly the item pages they
  concern: the item figures are left out of the row keys month listings hash, which do not show them); an
  archive's key hashes, in order, its records' keys and views, its code and its name; a month's key hashes,
  in order, its rows' keys, its month and its neighbouring months. Everything the rows do not carry —
  the theme shell (nav, portal name), the portal's name and publisher (credit reports print them), the
  templates and the render code (with the data packs' column naming, which the subject JSON shares),
  gongshi's and the libraries' versions (zxing-cpp encodes the reports' QR codes), the base URL, the views'
  configuration (an evaluation dataset's grades: their titles and meanings) and schemas, the measures linked
  from list entries — is one
  ``fingerprint``; when it differs from the previous build's, no unit is carried (a template edit re-renders
  every page of every template: they share the shell);
- a unit is carried only when the previous build's key table is sound (``state``: sealed like the digest map
  and read with it) and lists the same path with the same key under the same fingerprint — and then only if
  each of its files is still in the previous site as its digest map says (else it is rendered after all);
- the subject JSON's ``release`` is in no key, by design: it names the release since which the file is
  unchanged, so a unit whose key is unchanged keeps it when carried — what rendering it would give too;
- department summaries and list pages are few and always rendered (unchanged bytes are still linked).
Keys are 64-bit (pandas' ``hash_pandas_object``, SipHash with a fixed key, mixed with SplitMix64): a change
that keeps a key is a 2⁻⁶⁴ accident per page. The property test builds incrementally and afresh after random
catalog changes and compares the trees byte for byte.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from functools import cache

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from generator import __version__, paths
from generator.commitments.figures import FIGURES
from generator.loading.keys import library_version
from generator.model import RECORD_ID
from generator.site import urls
from generator.site.months import month_groups
from generator.site.shell import Shell
from generator.site.view import DatasetView
from generator.site.work import BulkData, Fresh

KEY_LIBRARIES = ("jinja2", "markupsafe", "mkdocs", "mkdocs-material", "numpy", "pandas", "zxing-cpp")
# outside site/ but shaping what bulk files show: the column headers of the per-subject JSON; the commitment
# figures' JSON and 践诺率 text on commitment item pages
SHARED_CODE = ("packs/layout.py", "commitments/figures.py")
U64 = np.uint64
HASH_ROWS = 32_768  # rows hashed at once


@dataclass
class PageUnits:
    """Unit path → key (uint64), with the fingerprint of everything the rows do not carry."""

    fingerprint: str = ""
    keys: pd.Series = field(default_factory=lambda: pd.Series(dtype="uint64"))


@dataclass
class Units:
    """The previous build's page units (read from its state) and, once the site is rendered, this build's."""

    previous: PageUnits = field(default_factory=PageUnits)
    current: PageUnits | None = None


def plan_units(data: BulkData, shell: Shell, units: Units) -> Fresh:
    """Key this build's units into ``units.current``; the ones to carry."""
    units.current = page_units(data, shell)
    return fresh_units(data, units.current, units.previous)


def page_units(data: BulkData, shell: Shell) -> PageUnits:
    """This build's units and keys, in build order: each record view's rows, then the subjects, then each
    record view's months (the views are sorted and the subjects found already)."""
    rows = [_row_keys(data, vi) for vi in range(len(data.views))]
    listed = [_listing_keys(data, vi, rows[vi]) for vi in range(len(data.views))]
    parts = [_record_units(data, rows), _subject_units(data, rows), _month_units(data, listed)]
    return PageUnits(fingerprint(data, shell), pd.concat(parts))


def fresh_units(data: BulkData, units: PageUnits, previous: PageUnits) -> Fresh:
    """The units whose key the previous build had under the same fingerprint, read off ``units`` by position
    (it is in build order), so no page path is made twice."""
    if not previous.fingerprint or previous.fingerprint != units.fingerprint or not len(previous.keys):
        return Fresh(subjects=np.zeros(len(data.subjects), dtype=bool))
    now, before = (urls.arrow_strings(u.keys.index) for u in (units, previous))  # looked up in Arrow
    found = pc.index_in(now, value_set=before).fill_null(-1).to_numpy()
    same = (found >= 0) & (previous.keys.to_numpy()[found] == units.keys.to_numpy())  # exact uint64 compare
    at, records, months = 0, {}, {}
    for vi in _record_views(data):
        records[vi], at = same[at : at + len(data.views[vi].frame)], at + len(data.views[vi].frame)
    subjects, at = same[at : at + len(data.subjects)], at + len(data.subjects)
    for vi in _record_views(data):
        groups = month_groups(data, vi)
        months[vi] = {m for (m, _), ok in zip(groups, same[at : at + len(groups)], strict=True) if ok}
        at += len(groups)
    return Fresh(records, months, subjects)


def _record_views(data: BulkData) -> list[int]:
    return [vi for vi, view in enumerate(data.views) if view.is_record_set]


def fingerprint(data: BulkData, shell: Shell) -> str:
    """Everything every bulk page depends on besides its rows."""
    digest = hashlib.sha256(_code_fingerprint().encode())
    digest.update("\0".join(shell.parts).encode())
    digest.update(data.base_url.encode())
    digest.update("\0".join(data.issuer).encode())  # printed on every credit report
    for view in data.views:
        spec = view.spec
        digest.update(
            repr((spec.id, spec.config, spec.schema, view.fields, list(view.frame.columns))).encode()
        )
    digest.update(repr(sorted(data.measures.items())).encode())
    return digest.hexdigest()


@cache
def _code_fingerprint() -> str:
    """gongshi's version, the render stage's code and templates, and the versions of the libraries it uses."""
    digest = hashlib.sha256(__version__.encode())
    for name in KEY_LIBRARIES:
        digest.update(f" {name} {library_version(name)}".encode())
    root = paths.PACKAGE_DIR / "site"
    for source in sorted(p for p in root.rglob("*") if p.is_file() and p.suffix != ".pyc"):
        digest.update(source.relative_to(root).as_posix().encode() + b"\0" + source.read_bytes())
    for shared in SHARED_CODE:  # outside site/ but shaping what bulk files show
        digest.update(shared.encode() + b"\0" + (paths.PACKAGE_DIR / shared).read_bytes())
    return digest.hexdigest()


def _row_keys(data: BulkData, vi: int) -> np.ndarray:
    """A key per row of view ``vi``: all its columns (a record page shows nothing else of the listings: it links
    its month's first page, so rows coming and going before it leave it alone)."""
    return _frame_keys(data.views[vi].frame)


def _listing_keys(data: BulkData, vi: int, rows: np.ndarray) -> np.ndarray:
    """The row keys month listings hash: without the columns only a record page shows (a commitment item's
    figures), so new figures re-render the item's page and not its month's listing."""
    frame = data.views[vi].frame
    if FIGURES not in frame.columns:
        return rows
    return _frame_keys(frame.drop(columns=FIGURES))


def _record_paths(view: DatasetView) -> pd.Index:
    """``urls.record_page`` of every row, vectorised."""
    return pd.Index(urls.record_pages(urls.arrow_strings(view.frame[RECORD_ID])).to_pandas())


def _record_units(data: BulkData, rows: list[np.ndarray]) -> pd.Series:
    parts = [pd.Series(rows[vi], index=_record_paths(data.views[vi])) for vi in _record_views(data)]
    return pd.concat(parts) if parts else pd.Series(dtype="uint64")


def _subject_units(data: BulkData, rows: list[np.ndarray]) -> pd.Series:
    subjects = data.subjects
    if not len(subjects):
        return pd.Series(dtype="uint64")
    offsets = np.cumsum([0] + [len(r) for r in rows])[:-1]
    flat = np.concatenate(rows)
    entries = _mix(flat[offsets[subjects.view] + subjects.pos] ^ _mix(subjects.view.astype(U64)))
    labels = _hash(subjects.codes) ^ _mix(_hash(subjects.names))
    keys = _ordered(entries, subjects.starts) ^ _mix(labels)
    pages = urls.subject_pages(pa.array(subjects.codes, pa.large_string()))  # in Arrow: no string a page
    return pd.Series(keys, index=pd.Index(pages.to_pandas()))


def _month_units(data: BulkData, rows: list[np.ndarray]) -> pd.Series:
    parts = [_view_months(data, vi, rows[vi]) for vi in _record_views(data)]
    return pd.concat(parts) if parts else pd.Series(dtype="uint64")


def _view_months(data: BulkData, vi: int, rows: np.ndarray) -> pd.Series:
    """A key per month of view ``vi``: its rows' keys in order, the month and its neighbours."""
    groups = month_groups(data, vi)
    names = _hash(np.array(["", *(m for m, _ in groups), ""], dtype=object))
    labels = _mix(names[:-2] ^ _mix(names[1:-1] ^ _mix(names[2:])))
    lengths = [len(positions) for _, positions in groups]
    starts = np.cumsum([0, *lengths]).astype(np.int64)
    order = np.concatenate([positions for _, positions in groups]) if groups else np.zeros(0, dtype=np.int64)
    keys = _ordered(rows[order], starts) ^ labels
    return pd.Series(keys, index=[urls.month_page(data.views[vi].id, m) for m, _ in groups], dtype="uint64")


def _ordered(values: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """An order-sensitive key per group ``values[starts[i]:starts[i + 1]]`` (every group non-empty)."""
    lengths = np.diff(starts)
    rank = np.arange(len(values), dtype=np.int64) - np.repeat(starts[:-1], lengths)
    mixed = _mix(values ^ _mix(rank.astype(U64)))
    sums: np.ndarray = np.add.reduceat(mixed, starts[:-1]) if len(values) else np.zeros(0, dtype=U64)
    return _mix(sums ^ _mix(lengths.astype(U64)))


def _frame_keys(frame: pd.DataFrame) -> np.ndarray:
    """A key per row of ``frame`` (all its columns), ``HASH_ROWS`` rows at a time (see ``_hash``)."""
    parts = [
        pd.util.hash_pandas_object(frame.iloc[at : at + HASH_ROWS], index=False).to_numpy(dtype=U64)
        for at in range(0, len(frame), HASH_ROWS)
    ]
    return np.concatenate(parts) if parts else np.zeros(0, dtype=U64)


def _hash(values: np.ndarray) -> np.ndarray:
    """pandas' hash of each of ``values``, ``HASH_ROWS`` at a time: pandas holds every value's UTF-8 (a bytes
    object each) while it hashes an array, and a value's hash does not depend on the others (the 1 M sample's
    256 k archive names hashed at once: +86 MiB for a moment)."""
    values = np.asarray(values, dtype=object)
    parts = [pd.util.hash_array(values[at : at + HASH_ROWS]) for at in range(0, len(values), HASH_ROWS)]
    return np.concatenate(parts) if parts else np.zeros(0, dtype=U64)


def _mix(x: np.ndarray) -> np.ndarray:
    """SplitMix64's finaliser, element-wise (uint64 arithmetic wraps)."""
    x = x + U64(0x9E3779B97F4A7C15)
    x = (x ^ (x >> U64(30))) * U64(0xBF58476D1CE4E5B9)
    x = (x ^ (x >> U64(27))) * U64(0x94D049BB133111EB)
    result: np.ndarray = x ^ (x >> U64(31))
    return result
