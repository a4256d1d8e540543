"""Nothing rewritten that did not change: unchanged site files keep their inode and mtime across rebuilds,
``report/changes.json`` says exactly what changed, and a bad digest map means a full write, never a stale file.

Real builds of the demo catalog; each test builds into its own folder (a copied site is a different site: its
map no longer applies), except the bad-state tests, which damage and rebuild one folder in turn. "Written new"
excludes the kept releases under ``data/releases/``: the release stage carries them as hard links whatever the
map says (they are the published history; it rewrites those it must purge).
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from generator import paths
from generator.build import BuildOptions, BuildResult, build
from generator.digests import DigestMap
from generator.outputs import Outputs
from generator.sitefiles import Previous, digest_bytes, put_bytes
from tests.buildproc import tree_digest
from tests.conftest import AS_OF, DEMO_CATALOG
from tests.test_state import resealed

Snapshot = dict[str, tuple[int, int]]


def snapshot(site: Path) -> Snapshot:
    """Inode and mtime (ns) of every regular file under ``site``."""
    found = {}
    for path in sorted(site.rglob("*")):
        st = path.lstat()
        if path.is_file() and not path.is_symlink():
            found[path.relative_to(site).as_posix()] = (st.st_ino, st.st_mtime_ns)
    return found


def run(catalog: Path, out: Path, *, full: bool = False) -> BuildResult:
    """A real build, even of the inputs the published portal came from: the previous build's input fingerprint
    is forgotten first, so the shortcut for unchanged inputs (``generator.unchanged``, tested in
    ``test_unchanged.py``) does not apply — these tests are about what a build that does run carries over."""
    (out / paths.STATE_DIR / paths.BUILD_MEMORY_FILE).unlink(missing_ok=True)
    result = build(BuildOptions(catalog=catalog, out=out, as_of=AS_OF, full=full))
    assert result.swapped, [p.message for p in result.problems if p.level in ("fatal", "config")]
    return result


def changes(out: Path) -> dict[str, object]:
    data: dict[str, object] = json.loads((out / paths.REPORT_DIR / paths.CHANGES_JSON).read_text("utf-8"))
    return data


def codes(result: BuildResult) -> set[str]:
    return {p.code for p in result.problems}


@pytest.mark.slow
def test_a_rebuild_without_change_keeps_every_site_file_and_reports_nothing_changed(tmp_path: Path) -> None:
    out = tmp_path / "published"
    run(DEMO_CATALOG, out)
    before = snapshot(out / "site")
    result = run(DEMO_CATALOG, out)
    assert snapshot(out / "site") == before  # same paths, each the same inode with the same mtime
    report = changes(out)
    assert report["added"] == report["changed"] == report["removed"] == []
    assert report["counts"] == {"added": 0, "changed": 0, "removed": 0} and report["site_replaced"] is True
    assert result.outputs["written"] == 0 and result.outputs["linked"] == len(before)
    assert not codes(result) & {"build-digests-missing", "build-digests-unusable"}


def add_repair(catalog: Path, site: Path) -> str:
    """Repair the oldest published penalty (by decision date) in ``catalog``; its record ID."""
    latest = pd.read_csv(site / "data/latest/penalties/penalties.csv", dtype=str, keep_default_na=False)
    oldest = latest.sort_values(["处罚决定日期", "记录ID"]).iloc[0]
    line = (
        f"penalties,{oldest['行政处罚决定书文号']},{oldest['处罚机关统一社会信用代码']},"
        f"临信修〔2026〕0999号,2026-11-19,临江市公共信用信息中心\n"
    )
    with open(catalog / paths.REPAIRS_FILE, "a", encoding="utf-8") as f:
        f.write(line)
    return str(oldest["记录ID"])


@pytest.mark.slow
def test_one_repair_changes_exactly_the_files_whose_bytes_differ_and_equals_a_fresh_build(
    tmp_path: Path,
) -> None:
    catalog, out = tmp_path / "catalog", tmp_path / "published"
    shutil.copytree(DEMO_CATALOG, catalog)
    run(catalog, out)
    twin = tmp_path / "twin"
    shutil.copytree(out, twin)  # the same published history, for the full build compared below
    digests, inodes = tree_digest(out / "site"), snapshot(out / "site")
    record = add_repair(catalog, out / "site")
    result = run(catalog, out)
    after, now = tree_digest(out / "site"), snapshot(out / "site")
    report = changes(out)
    assert report["basis"] == "digests"
    assert report["added"] == sorted(set(after) - set(digests))
    assert report["removed"] == sorted(set(digests) - set(after))
    assert report["changed"] == sorted(p for p in after if p in digests and after[p] != digests[p])
    assert any(record in p for p in report["removed"])  # the repaired record's page is gone
    assert report["changed"] and len(report["changed"]) < len(after) // 10
    touched = set(report["added"]) | set(report["changed"])
    assert all(now[p] == inodes[p] for p in after if p not in touched)  # the rest kept inode and mtime
    assert all(now[p][0] != inodes[p][0] for p in report["changed"])
    assert result.outputs["files"] == len(after) and result.outputs["written"] <= len(touched)
    run(catalog, twin, full=True)
    assert tree_digest(twin / "site") == after  # incremental == full build of the same inputs, file by file
    state = paths.STATE_DIR + "/" + paths.SITE_DIGESTS_FILE
    assert (twin / state).read_bytes() == (out / state).read_bytes()  # the map is reproducible too


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("incremental") / "published"
    run(DEMO_CATALOG, out)
    return out


@pytest.fixture
def rebuilt(built: Path) -> Iterator[Path]:
    """The module's output folder, with a sound state again after the test (whatever it damaged)."""
    yield built
    run(DEMO_CATALOG, built)


def corrupt(state: Path) -> None:
    table = state / paths.SITE_DIGESTS_FILE
    data = bytearray(table.read_bytes())
    middle = len(data) // 2
    data[middle : middle + 8] = bytes(b ^ 0xFF for b in data[middle : middle + 8])
    table.write_bytes(bytes(data))


def truncate(state: Path) -> None:
    table = state / paths.SITE_DIGESTS_FILE
    table.write_bytes(table.read_bytes()[:-100])


def foreign(state: Path) -> None:
    seal = state / paths.SITE_DIGESTS_SEAL
    data = json.loads(seal.read_text("utf-8"))
    seal.write_text(json.dumps(data | {"version": "0.0.1"}), encoding="utf-8")


def other_site(state: Path) -> None:
    """The site folder replaced by a copy (as if swapped in without its state): the map describes another."""
    site = state.parent / paths.SITE_DIR
    shutil.copytree(site, site.with_name("copy"), copy_function=shutil.copy2)
    shutil.rmtree(site)
    site.with_name("copy").rename(site)


def missing(state: Path) -> None:
    (state / paths.SITE_DIGESTS_FILE).unlink()
    (state / paths.SITE_DIGESTS_SEAL).unlink()


@pytest.mark.slow
@pytest.mark.parametrize(
    ("damage", "code"),
    [
        (corrupt, "build-digests-unusable"),
        (truncate, "build-digests-unusable"),
        (foreign, "build-digests-unusable"),
        (other_site, "build-digests-unusable"),
        (missing, "build-digests-missing"),
    ],
)
def test_a_bad_digest_map_gives_a_warning_and_a_full_write(damage: object, code: str, rebuilt: Path) -> None:
    assert callable(damage)
    damage(rebuilt / paths.STATE_DIR)
    before, inodes = tree_digest(rebuilt / "site"), snapshot(rebuilt / "site")
    result = run(DEMO_CATALOG, rebuilt)
    assert code in codes(result)
    assert result.outputs["linked"] == 0
    now = snapshot(rebuilt / "site")
    kept = [p for p in now if now[p][0] == inodes.get(p, (None,))[0]]
    assert kept and all(p.startswith(paths.RELEASES_DIR + "/") for p in kept)  # all written new but the kept
    # releases, which the release stage always carries over (they are history; it purges what must go)
    assert tree_digest(rebuilt / "site") == before
    report = changes(rebuilt)
    assert report["basis"] == "listing" and report["changed"] == sorted(before) and report["added"] == []


@pytest.mark.slow
def test_a_previous_file_deleted_or_replaced_by_a_symlink_is_written_anew(rebuilt: Path) -> None:
    site = rebuilt / "site"
    pages = sorted(p for p in (site / "r").rglob("*.html"))
    gone, linked = pages[0], pages[1]
    gone_bytes, linked_bytes = gone.read_bytes(), linked.read_bytes()
    gone.unlink()
    elsewhere = rebuilt.parent / "elsewhere.html"
    elsewhere.write_bytes(linked_bytes)
    linked.unlink()
    linked.symlink_to(elsewhere)
    result = run(DEMO_CATALOG, rebuilt)
    assert gone.read_bytes() == gone_bytes
    assert not linked.is_symlink() and linked.read_bytes() == linked_bytes
    assert result.outputs["written"] == 2
    report = changes(rebuilt)
    assert report["added"] == report["changed"] == report["removed"] == []  # same bytes as the map says


@pytest.mark.slow
def test_full_build_ignores_the_map_and_writes_every_file_new(rebuilt: Path) -> None:
    before = snapshot(rebuilt / "site")
    result = run(DEMO_CATALOG, rebuilt, full=True)
    now = snapshot(rebuilt / "site")
    kept = [p for p in now if now[p][0] == before[p][0]]
    assert now.keys() == before.keys() and all(p.startswith(paths.RELEASES_DIR + "/") for p in kept)
    assert not codes(result) & {"build-digests-missing", "build-digests-unusable"}
    again = run(DEMO_CATALOG, rebuilt)  # and the map it wrote serves the next build
    assert again.outputs["written"] == 0


def test_a_file_put_over_a_linked_one_never_writes_through_the_link(tmp_path: Path) -> None:
    old, new = tmp_path / "old", tmp_path / "new"
    old.mkdir()
    new.mkdir()
    (old / "a.html").write_bytes(b"same")
    previous = Previous(old, DigestMap.of({"a.html": (digest_bytes(b"same"), 4)}), trusted=True)
    first = put_bytes(new, previous, "a.html", b"same")
    assert first.linked and (new / "a.html").stat().st_ino == (old / "a.html").stat().st_ino
    outputs = Outputs(new, previous)
    outputs.put("a.html", b"other bytes")
    assert (old / "a.html").read_bytes() == b"same"
    assert (new / "a.html").read_bytes() == b"other bytes"
    assert (new / "a.html").stat().st_ino != (old / "a.html").stat().st_ino


def test_a_file_is_linked_only_when_digest_size_and_kind_all_match(tmp_path: Path) -> None:
    old, new = tmp_path / "old", tmp_path / "new"
    old.mkdir()
    new.mkdir()
    (old / "a").write_bytes(b"abc")
    (old / "b").symlink_to(old / "a")
    entry = (digest_bytes(b"abc"), 3)
    untrusted = Previous(old, DigestMap.of({"a": entry}), trusted=False)
    trusted = Previous(
        old, DigestMap.of({"a": entry, "b": entry, "c": (digest_bytes(b"xyz"), 3)}), trusted=True
    )
    assert not put_bytes(new, untrusted, "a", b"abc").linked
    os.unlink(new / "a")
    assert put_bytes(new, trusted, "a", b"abc").linked
    assert not put_bytes(new, trusted, "b", b"abc").linked  # a symlink in the previous site
    assert not put_bytes(new, trusted, "c", b"abc").linked  # another digest
    outputs = Outputs(new, trusted)
    outputs.put("x/d", b"abc")
    assert outputs.seal() == {"a": entry, "b": entry, "c": entry, "x/d": entry}
    assert not (new / "b").is_symlink()


def units_corrupt(state: Path) -> None:
    table = state / paths.PAGE_UNITS_FILE
    data = bytearray(table.read_bytes())
    data[len(data) // 2] ^= 0xFF
    table.write_bytes(bytes(data))


def units_truncated(state: Path) -> None:
    table = state / paths.PAGE_UNITS_FILE
    table.write_bytes(table.read_bytes()[:-100])


def units_missing(state: Path) -> None:
    (state / paths.PAGE_UNITS_FILE).unlink()
    (state / paths.PAGE_UNITS_SEAL).unlink()


def units_forged(state: Path) -> None:
    """Every key replaced by another, the seal recomputed (as a careless tool might): the keys no longer match."""
    table = pq.read_table(state / paths.PAGE_UNITS_FILE)
    keys = pa.array([k ^ 1 for k in table.column("key").to_pylist()], pa.uint64())
    resealed(state, table.set_column(1, "key", keys))


@pytest.mark.slow
@pytest.mark.parametrize("damage", [units_corrupt, units_truncated, units_missing])
def test_unsound_page_units_give_a_warning_and_every_page_rendered(damage: object, rebuilt: Path) -> None:
    assert callable(damage)
    damage(rebuilt / paths.STATE_DIR)
    before = tree_digest(rebuilt / "site")
    result = run(DEMO_CATALOG, rebuilt)
    assert "build-units-unusable" in codes(result)
    twins = sum(1 for p in before if p.endswith(".gz"))
    assert result.outputs["unmade"] == twins  # only the compressed twins of unchanged files: no page carried
    assert result.outputs["written"] == 0 and tree_digest(rebuilt / "site") == before  # same bytes, linked


@pytest.mark.slow
def test_a_rebuild_without_change_renders_no_page_and_forged_keys_render_them_all(rebuilt: Path) -> None:
    quiet = run(DEMO_CATALOG, rebuilt)
    pages = sum(1 for p in tree_digest(rebuilt / "site") if p.startswith(("r/", "s/")))
    assert quiet.outputs["unmade"] > pages > 0 and "build-units-unusable" not in codes(quiet)
    units_forged(rebuilt / paths.STATE_DIR)
    forged = run(DEMO_CATALOG, rebuilt)
    assert forged.outputs["unmade"] < quiet.outputs["unmade"] - pages
