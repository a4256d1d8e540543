"""The command line: documented commands, exit codes 0 / 1 / 2 / 3, no tracebacks."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator import cli
from generator.cli import main
from tests.buildproc import catalog_with_an_empty_batch_file_only
from tests.conftest import DEMO_CATALOG, REPO


def gongshi(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "generator.cli", *args], capture_output=True, text=True, cwd=REPO
    )


def test_every_command_is_documented_in_the_readme() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert [name for name in main.commands if f"`gongshi {name}" not in readme] == []


@pytest.mark.parametrize("name", sorted(main.commands))
def test_every_option_is_in_its_commands_readme_row(name: str) -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    row = next(line for line in readme.splitlines() if line.startswith(f"| `gongshi {name}"))
    options = [opt for param in main.commands[name].params for opt in param.opts if opt.startswith("--")]
    assert options and [opt for opt in options if f"[{opt}" not in row and f" {opt} " not in row] == []


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


def test_check_exits_1_for_an_error_level_problem_even_when_no_row_is_rejected(tmp_path: Path) -> None:
    catalog = catalog_with_an_empty_batch_file_only(tmp_path / "catalog")
    done = gongshi("check", "--catalog", str(catalog))
    assert done.returncode == 1, done.stderr
    assert "退回 0 行" in done.stderr and "load-empty-file" in done.stderr


def test_control_sequences_in_a_file_name_reach_the_terminal_escaped(tmp_path: Path) -> None:
    catalog = catalog_with_an_empty_batch_file_only(tmp_path / "catalog")
    hostile = "2100\x1b]0;pwned\x07\x1b[2J\u202e.csv"  # sets the title, clears the screen, flips the text
    (catalog / "datasets" / "measures" / hostile).write_bytes(b"")
    done = gongshi("check", "--catalog", str(catalog))
    assert done.returncode == 1, done.stderr
    assert "\x1b" not in done.stderr and "\x07" not in done.stderr and "\u202e" not in done.stderr
    assert "2100\\x1b]0;pwned\\x07\\x1b[2J\\u202e.csv" in done.stderr


def test_bad_decision_rows_are_shown_by_check(tmp_path: Path) -> None:
    catalog = tmp_path / "catalog"
    shutil.copytree(DEMO_CATALOG, catalog)
    repairs = catalog / "decisions" / "repairs.csv"
    lines = repairs.read_text(encoding="utf-8-sig").splitlines()
    header, first = lines[0].split(","), lines[1].split(",")
    column = next(i for i, name in enumerate(header) if "日期" in name)
    first[column] = "2026-02-30"
    repairs.write_text("\n".join([lines[0], ",".join(first), *lines[2:]]) + "\n", encoding="utf-8")
    done = gongshi("check", "--catalog", str(catalog))
    assert done.returncode == 1 and "rules-decision-invalid" in done.stderr


def test_every_exit_code_is_documented_in_the_readme_and_the_cli() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8").splitlines()
    [line] = [text for text in readme if text.startswith("Exit codes:")]
    docstring = " ".join((cli.__doc__ or "").split())
    for code in ("0 success", "1 input rejected", "2 bad usage", "3 the build failed"):
        assert code in line and code in docstring, code


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
