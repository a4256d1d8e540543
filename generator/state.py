"""What the next build needs from this one: when each public record was first published, the digest of every
file of the site it published, and the input key of each of its bulk page units (``generator.site.units``).

Stage: read at the start of a build, written into the staging folder at the end. Guarantees: a missing or
unreadable first-published state is treated as a first build (every public record is new), never as an error.
The site digest map (``site-digests.parquet``: path, digest, size, sorted by path — the same site gives the
same bytes) is sealed by ``site-digests.json``: the map's SHA-256, its row count, gongshi's version and the
inode of the site folder it describes (the swap renames that folder into place, so the inode stays; a site
swapped in without its state, or the other way round, no longer matches). ``read_site_digests`` returns the
map only when every one of those checks holds, and otherwise says why — it never returns a map that might
describe other files than the ones in the published site. The page-unit table (``page-units.parquet``: path,
key) is sealed the same way (``page-units.json``, which also holds the units' fingerprint) and read only
alongside a trusted digest map; when it is unsound, no unit is carried and a warning says so.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from generator import __version__
from generator.digests import DigestMap
from generator.paths import (
    PAGE_UNITS_FILE,
    PAGE_UNITS_SEAL,
    SITE_DIGESTS_FILE,
    SITE_DIGESTS_SEAL,
    SITE_DIR,
    STATE_DIR,
)
from generator.problems import Problem, problem
from generator.site.units import PageUnits
from generator.site.urls import arrow_strings
from generator.sitefiles import Previous

FIRST_PUBLISHED_FILE = "first-published.parquet"
DIGESTS_FORMAT = 1
UNITS_FORMAT = 1


def read_first_published(out: Path) -> pd.Series:
    """Record id → ISO date it was first public, from the previous build in ``out`` (empty if none)."""
    path = out / STATE_DIR / FIRST_PUBLISHED_FILE
    try:
        table = pq.read_table(path)
    except (OSError, pa.ArrowInvalid):
        return pd.Series(dtype="str", name="first_published")
    frame = table.to_pandas()
    return pd.Series(
        frame["first_published"].to_numpy(), index=frame["id"].to_numpy(), name="first_published"
    )


def write_first_published(state_dir: Path, first_published: pd.Series) -> None:
    """Write the id → first-published map, sorted by id so the file is reproducible."""
    state_dir.mkdir(parents=True, exist_ok=True)
    series = first_published.sort_index()
    table = pa.table({"id": _strings(series.index), "first_published": _strings(series)})
    pq.write_table(table, state_dir / FIRST_PUBLISHED_FILE, compression="zstd")


def _strings(values: pd.Index | pd.Series) -> pa.Array:
    """``values`` as an Arrow string array, in columns (a Python ``str`` a value: 0.46 s for 500 k records' IDs and
    dates; this 0.09 s)."""
    return pa.array(values.astype(str).to_numpy(dtype=object), type=pa.string())


def write_site_digests(state_dir: Path, site: Path, digests: DigestMap) -> None:
    """Write the digest map of ``site`` (the staging site, about to be swapped in) and its seal."""
    state_dir.mkdir(parents=True, exist_ok=True)
    target = state_dir / SITE_DIGESTS_FILE
    pq.write_table(digests.table(), target, compression="zstd")
    seal = {
        "format": DIGESTS_FORMAT, "version": __version__, "files": len(digests), "sha256": _sha256(target),
        "site_inode": os.stat(site).st_ino,
    }  # fmt: skip
    text = json.dumps(seal, indent=1, sort_keys=True) + "\n"
    (state_dir / SITE_DIGESTS_SEAL).write_text(text, encoding="utf-8")


def write_page_units(state_dir: Path, site: Path, units: PageUnits) -> None:
    """Write this build's page units (sorted by path) and their seal."""
    keys = pa.array(units.keys.to_numpy(), pa.uint64())
    table = pa.table({"path": arrow_strings(units.keys.index).cast(pa.string()), "key": keys})
    target = state_dir / PAGE_UNITS_FILE
    pq.write_table(table.take(pc.sort_indices(table.column("path"))), target, compression="zstd")
    seal = {
        "format": UNITS_FORMAT, "version": __version__, "units": len(keys), "sha256": _sha256(target),
        "site_inode": os.stat(site).st_ino, "fingerprint": units.fingerprint,
    }  # fmt: skip
    text = json.dumps(seal, indent=1, sort_keys=True) + "\n"
    (state_dir / PAGE_UNITS_SEAL).write_text(text, encoding="utf-8")


def read_page_units(out: Path, previous: Previous) -> tuple[PageUnits, list[Problem]]:
    """The previous build's page units when its digest map is trusted and their table is sound; none (every
    page rendered) otherwise, with a warning when the table is unsound."""
    if not previous.trusted:
        return PageUnits(), []
    state = out / STATE_DIR
    try:
        seal = json.loads((state / PAGE_UNITS_SEAL).read_text(encoding="utf-8"))
        why = _units_mismatch(seal, state / PAGE_UNITS_FILE, out / SITE_DIR)
        if not why:
            return PageUnits(
                seal["fingerprint"], _keys(pq.read_table(state / PAGE_UNITS_FILE), seal["units"])
            ), []
    except (OSError, ValueError, TypeError, KeyError, AttributeError, pa.ArrowException) as exc:
        why = f"无法读取（{type(exc).__name__}: {exc}）"
    text = f"上一版网站的页面单元表{why}，本次重新渲染全部页面"
    return PageUnits(), [problem("build-units-unusable", text, file=str(state / PAGE_UNITS_FILE))]


def _units_mismatch(seal: dict[str, object], table: Path, site: Path) -> str:
    if seal.get("format") != UNITS_FORMAT or seal.get("version") != __version__:
        return f"由另一版本的 gongshi 写出（{seal.get('version')}，格式 {seal.get('format')}）"
    if not isinstance(seal.get("fingerprint"), str) or seal.get("sha256") != _sha256(table):
        return "已损坏或被截断（校验和不符）"
    if seal.get("site_inode") != os.stat(site).st_ino:
        return "描述的不是当前发布的网站"
    return ""


def _keys(table: pa.Table, rows: object) -> pd.Series:
    """The unit keys from a table that passed its seal; ValueError when it is not well formed."""
    if table.schema != pa.schema([("path", pa.string()), ("key", pa.uint64())]) or table.num_rows != rows:
        raise ValueError("unexpected columns or row count")
    paths = table.column("path")
    if pc.count_distinct(paths).as_py() != len(paths):  # (a missing path is not counted)
        raise ValueError("missing or duplicate paths")
    index = pd.Index(paths.to_pandas())  # over Arrow's buffers: not a Python string a path
    return pd.Series(table.column("key").to_numpy(), index=index, dtype="uint64")


def read_previous(out: Path, full: bool = False) -> tuple[Previous, list[Problem]]:
    """The published site in ``out`` and its digest map, trusted only when the map is sound (``full``: not
    consulted); a warning when a previous site exists but its map is missing or unusable."""
    site = out / SITE_DIR
    if not site.is_dir():
        return Previous(), []
    if full:
        return Previous(site), []
    digests, why = read_site_digests(out)
    if digests is not None:
        return Previous(site, digests, trusted=True), []
    where = str(out / STATE_DIR / SITE_DIGESTS_FILE)
    if not why:
        text = "上一版网站没有文件摘要表，本次完整重写全部文件"
        return Previous(site), [problem("build-digests-missing", text, file=where)]
    text = f"上一版网站的文件摘要表{why}，本次完整重写全部文件"
    return Previous(site), [problem("build-digests-unusable", text, file=where)]


def site_sealed(out: Path) -> bool:
    """The published site is the one its digest map describes (by the seal alone; the map is not read)."""
    state = out / STATE_DIR
    try:
        seal = json.loads((state / SITE_DIGESTS_SEAL).read_text(encoding="utf-8"))
        return not _seal_mismatch(seal, state / SITE_DIGESTS_FILE, out / SITE_DIR)
    except (OSError, ValueError, TypeError, AttributeError):
        return False


def read_site_digests(out: Path) -> tuple[DigestMap | None, str]:
    """The digest map of ``out``'s published site, or None and why not (``""``: there is none at all)."""
    state = out / STATE_DIR
    if not (state / SITE_DIGESTS_SEAL).exists() and not (state / SITE_DIGESTS_FILE).exists():
        return None, ""
    try:
        seal = json.loads((state / SITE_DIGESTS_SEAL).read_text(encoding="utf-8"))
        why = _seal_mismatch(seal, state / SITE_DIGESTS_FILE, out / SITE_DIR)
        return (None, why) if why else (_digests(pq.read_table(state / SITE_DIGESTS_FILE), seal["files"]), "")
    except (OSError, ValueError, TypeError, KeyError, AttributeError, pa.ArrowException) as exc:
        return None, f"无法读取（{type(exc).__name__}: {exc}）"


def _seal_mismatch(seal: dict[str, object], table: Path, site: Path) -> str:
    if seal.get("format") != DIGESTS_FORMAT or seal.get("version") != __version__:
        return f"由另一版本的 gongshi 写出（{seal.get('version')}，格式 {seal.get('format')}）"
    if seal.get("sha256") != _sha256(table):
        return "已损坏或被截断（校验和不符）"
    if seal.get("site_inode") != os.stat(site).st_ino:
        return "描述的不是当前发布的网站（网站与状态不是同一次构建换入的）"
    return ""


def _digests(table: pa.Table, rows: object) -> DigestMap:
    """The map from a table that passed its seal; raises ValueError when it is not well formed."""
    if table.num_rows != rows:
        raise ValueError("unexpected row count")
    return DigestMap.read(table)


def _sha256(path: Path) -> str:
    with open(path, "rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()
