"""Problems are values: a stable code, a level and where it happened, collected into the build report.

Stage: shared by every stage. Guarantees: nothing deep inside raises for bad input; it returns ``Problem``s,
and only the CLI turns them into exit codes. Every code is documented in ``problem_codes/<stage>.yaml`` (a test keeps
the two in step).
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from enum import StrEnum
from functools import cache
from typing import Any

import yaml

from generator.paths import PROBLEM_CODES_DIR


class Level(StrEnum):
    """How bad a problem is."""

    FATAL = "fatal"  # the build failed (stage error, disk full, output busy): nothing swapped, exit 3
    CONFIG = "config"  # the catalog configuration is unusable: the build stops, exit 2
    ERROR = "error"  # an input is rejected: it is counted and reported, the build goes on (exit 1 if strict)
    WARNING = "warning"  # something a clerk should look at; nothing is rejected
    INFO = "info"


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input (or with the build itself), located as precisely as we can."""

    code: str
    level: Level
    message: str
    file: str = ""
    row: int | None = None
    field: str = ""
    value: str = ""
    dataset: str = ""

    def to_dict(self) -> dict[str, Any]:
        """The problem as JSON-ready data, fields in declaration order (every field is a scalar: no deep copy
        as ``dataclasses.asdict`` makes, measured 12 µs a problem against 1 µs here)."""
        data = {name: getattr(self, name) for name in _FIELDS}
        data["level"] = self.level.value
        return data

    def where(self) -> str:
        """``file:row field`` for one-line display."""
        spot = self.file or "(catalog)"
        if self.row is not None:
            spot += f":{self.row}"
        return spot + (f" [{self.field}]" if self.field else "")


_FIELDS = tuple(f.name for f in fields(Problem))


@cache
def problem_codes() -> dict[str, dict[str, str]]:
    """The documented problem codes: ``code → {level, zh, en}``."""
    codes: dict[str, dict[str, str]] = {}
    for path in sorted(PROBLEM_CODES_DIR.glob("*.yaml")):
        with open(path, encoding="utf-8") as f:
            codes.update(yaml.safe_load(f) or {})
    return codes


def problem(code: str, message: str, **where: Any) -> Problem:
    """Make a problem whose level comes from the documented code (unknown codes are a programming error)."""
    level = Level(problem_codes()[code]["level"])
    return Problem(code=code, level=level, message=message, **where)


def has_config_errors(problems: list[Problem]) -> bool:
    return any(p.level is Level.CONFIG for p in problems)


def has_errors(problems: list[Problem]) -> bool:
    """Something in the input was rejected (``check`` and ``build --strict`` then exit 1)."""
    return any(p.level is Level.ERROR for p in problems)


def fatal(problems: list[Problem]) -> list[Problem]:
    """The problems that failed the build (the CLI then exits 3)."""
    return [p for p in problems if p.level is Level.FATAL]


def problem_codes_markdown() -> str:
    """The documentation page of every problem code (``docs/problem-codes.md`` is this text; a test checks it)."""
    lines = [
        "# 问题代码 / Problem codes",
        "",
        "Every problem the build can report. Regenerate with `python -m generator.problems > docs/problem-codes.md`.",
        "Levels: `fatal` fails the build and keeps the previous site (exit 3); `config` stops the build (exit 2);",
        "`error` rejects the row or file (`check` and `build --strict` exit 1); `warning` and `info` reject nothing.",
        "",
        "| code | level | 说明 | meaning |",
        "|---|---|---|---|",
    ]
    for code, doc in sorted(problem_codes().items()):
        lines.append(f"| `{code}` | {doc['level']} | {doc['zh']} | {doc['en']} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(problem_codes_markdown(), end="")
