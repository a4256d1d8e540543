"""The command line: documented commands, exit codes 0 / 1 / 2, no tracebacks."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli import main
from tests.conftest import DEMO_CATALOG, REPO


def gongshi(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "generator.cli", *args], capture_output=True, text=True, cwd=REPO
    )


def test_every_command_is_documented_in_the_readme() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert [name for name in main.commands if f"`gongshi {name}" not in readme] == []


@pytest.mark.parametrize("name", sorted(main.commands))
def test_every_command_has_help(name: str) -> None:
    result = CliRunner().invoke(main, [name, "--help"])
    assert result.exit_code == 0 and result.output.strip()


def test_bad_usage_exits_2() -> None:
    done = gongshi("build", "--as-of", "2026-13-01")
    assert done.returncode == 2 and "Traceback" not in done.stderr


def test_unreadable_configuration_exits_2_without_traceback(tmp_path: Path) -> None:
    (tmp_path / "portal.yaml").write_text("name: [\n", encoding="utf-8")
    done = gongshi("check", "--catalog", str(tmp_path))
    assert done.returncode == 2, done.stderr
    assert "portal.yaml" in done.stderr and "Traceback" not in done.stderr


def test_missing_catalog_folder_exits_2(tmp_path: Path) -> None:
    done = gongshi("check", "--catalog", str(tmp_path / "nope"))
    assert done.returncode == 2 and "Traceback" not in done.stderr


def test_check_exits_1_when_rows_would_be_rejected() -> None:
    done = gongshi("check", "--catalog", str(DEMO_CATALOG))  # the demo ships a few deliberately bad rows
    assert done.returncode == 1, done.stderr
    assert "退回" in done.stderr


def test_sample_is_deterministic_for_a_seed(tmp_path: Path) -> None:
    for name in ("a", "b"):
        assert (
            gongshi("sample", "--records", "300", "--out", str(tmp_path / name), "--seed", "3").returncode
            == 0
        )
    files = sorted(p.relative_to(tmp_path / "a") for p in (tmp_path / "a").rglob("*") if p.is_file())
    assert files and all(
        (tmp_path / "a" / f).read_bytes() == (tmp_path / "b" / f).read_bytes() for f in files
    )
