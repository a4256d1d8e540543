"""A rebuild of the very inputs the published portal came from does nothing: it returns that build's summary and
problems, keeps every published file as it is and reports that nothing changed; any change of input — a byte of
the catalog, ``--as-of``, ``--strict`` — or a state that no longer describes the site means a real build.

Real builds of a copy of the demo catalog into real folders; the CLI run is a real ``gongshi build`` process.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from generator import paths
from generator.build import BuildOptions, BuildResult, build
from tests.conftest import AS_OF, DEMO_CATALOG, REPO

Snapshot = dict[str, tuple[int, int]]


def snapshot(root: Path) -> Snapshot:
    """Inode and mtime (ns) of every file under ``root``."""
    return {
        p.relative_to(root).as_posix(): (p.stat().st_ino, p.stat().st_mtime_ns)
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def run(catalog: Path, out: Path, **options: object) -> BuildResult:
    settings = {"as_of": AS_OF} | options
    result = build(BuildOptions(catalog=catalog, out=out, **settings))  # type: ignore[arg-type]
    assert not result.failed, [p.message for p in result.problems]
    return result


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, BuildResult]:
    root = tmp_path_factory.mktemp("unchanged")
    catalog, out = root / "catalog", root / "published"
    shutil.copytree(DEMO_CATALOG, catalog)
    return catalog, out, run(catalog, out)


@pytest.fixture
def catalog(published: tuple[Path, Path, BuildResult], tmp_path: Path) -> Iterator[Path]:
    """A copy of the published catalog, for a test to change."""
    copy = tmp_path / "catalog"
    shutil.copytree(published[0], copy)
    yield copy


@pytest.mark.slow
def test_a_rebuild_of_the_same_inputs_does_nothing_and_returns_the_same_summary_and_problems(
    published: tuple[Path, Path, BuildResult],
) -> None:
    catalog, out, first = published
    before = {name: snapshot(out / name) for name in (paths.SITE_DIR, paths.STATE_DIR)}
    report = snapshot(out / paths.REPORT_DIR)
    again = run(catalog, out)
    assert again.unchanged and not again.swapped
    assert again.summary == first.summary and again.problems == first.problems
    assert {name: snapshot(out / name) for name in (paths.SITE_DIR, paths.STATE_DIR)} == before
    now = snapshot(out / paths.REPORT_DIR)
    assert {k for k in now if now[k] != report[k]} == {paths.CHANGES_JSON}
    changes = json.loads((out / paths.REPORT_DIR / paths.CHANGES_JSON).read_text(encoding="utf-8"))
    assert changes["counts"] == {"added": 0, "changed": 0, "removed": 0} and changes["site_replaced"] is False


def edit_portal(catalog: Path) -> None:
    portal = catalog / paths.PORTAL_FILE
    portal.write_text(portal.read_text(encoding="utf-8") + "\n# 备注\n", encoding="utf-8")


def edit_batch(catalog: Path) -> None:
    batch = sorted((catalog / paths.DATASETS_DIR).rglob("*.csv"))[0]
    batch.write_bytes(batch.read_bytes() + b"\n")


def add_file(catalog: Path) -> None:
    (catalog / paths.DATASETS_DIR / "README.txt").write_text("说明", encoding="utf-8")


@pytest.mark.slow
@pytest.mark.parametrize("change", [edit_portal, edit_batch, add_file])
def test_any_change_of_a_catalog_file_means_a_real_build(
    change: object, catalog: Path, published: tuple[Path, Path, BuildResult], tmp_path: Path
) -> None:
    out = tmp_path / "published"
    run(catalog, out)
    assert callable(change)
    change(catalog)
    assert not run(catalog, out).unchanged


@pytest.mark.slow
@pytest.mark.parametrize("options", [{"as_of": AS_OF + timedelta(days=1)}, {"strict": True}, {"full": True}])
def test_another_as_of_strict_or_full_means_a_real_build(
    options: dict[str, object], catalog: Path, tmp_path: Path
) -> None:
    out = tmp_path / "published"
    run(catalog, out)
    assert not run(catalog, out, **options).unchanged


def forge_memory(out: Path) -> None:
    memory = out / paths.STATE_DIR / paths.BUILD_MEMORY_FILE
    memory.write_text(memory.read_text(encoding="utf-8")[:-20], encoding="utf-8")


def other_site(out: Path) -> None:
    """The site replaced by a copy of itself (as if swapped in without its state): the state describes another."""
    site = out / paths.SITE_DIR
    shutil.copytree(site, out / "copy")
    shutil.rmtree(site)
    (out / "copy").rename(site)


def no_report(out: Path) -> None:
    shutil.rmtree(out / paths.REPORT_DIR)


@pytest.mark.slow
@pytest.mark.parametrize("damage", [forge_memory, other_site, no_report])
def test_a_state_that_no_longer_describes_the_published_portal_means_a_real_build(
    damage: object, catalog: Path, tmp_path: Path
) -> None:
    out = tmp_path / "published"
    run(catalog, out)
    assert callable(damage)
    damage(out)
    again = run(catalog, out)
    assert not again.unchanged and again.swapped
    assert (out / paths.REPORT_DIR / paths.BUILD_REPORT_JSON).is_file()


@pytest.mark.slow
def test_the_command_line_says_the_portal_needed_no_update_and_exits_0(
    published: tuple[Path, Path, BuildResult],
) -> None:
    catalog, out, _ = published
    command = [sys.executable, "-m", "generator.cli", "build", "--catalog", str(catalog), "--out", str(out)]
    done = subprocess.run(
        [*command, "--as-of", AS_OF.isoformat()], capture_output=True, text=True, cwd=REPO, check=False
    )
    assert done.returncode == 0, done.stderr
    said = (done.stdout + done.stderr).replace("\n", "")  # the console writes to stderr when not a terminal
    assert "输入与上次构建完全相同，网站无需更新" in said, said
