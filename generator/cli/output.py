"""What the ``gongshi`` command line prints to the terminal: problems, escaped, and a count of the rest.

Stage: none (entry point, output). Guarantees: everything goes to stderr through one ``console``; a value
from a catalog file reaches the terminal with its control, bidi and zero-width characters shown escaped
(``\\xNN``/``\\uNNNN``), so it can never move the clerk's cursor, retitle the terminal or reorder what is
shown; configuration problems are printed in full before row problems, at most ``SHOWN_PROBLEMS`` lines, and
the rest are counted by code (the build report has them all).
"""

from __future__ import annotations

from collections import Counter

from rich.console import Console
from rich.markup import escape

from generator.problems import Level, Problem

console = Console(stderr=True, highlight=False)
SHOWN_PROBLEMS = 30
# C0/C1 controls (tab and newline are harmless), bidi controls and zero-width characters, each shown escaped
_UNSAFE = {
    c: f"\\x{c:02x}" if c < 0x100 else f"\\u{c:04x}"
    for c in [*range(0x20), 0x7F, *range(0x80, 0xA0), 0x061C, *range(0x200B, 0x2010), *range(0x202A, 0x202F),
              *range(0x2060, 0x2070), 0xFEFF]
    if c not in (0x09, 0x0A)
}  # fmt: skip


def terminal_safe(text: str) -> str:
    """``text`` with control and invisible formatting characters shown as ``\\xNN``/``\\uNNNN``: a value from a
    catalog file must never move the clerk's cursor, retitle the terminal or reorder what is shown."""
    return text.translate(_UNSAFE)


def show_problems(problems: list[Problem]) -> None:
    """Print configuration problems in full and the first row problems; the report has them all."""
    ordered = sorted(problems, key=lambda p: p.level is not Level.CONFIG)
    for p in ordered[:SHOWN_PROBLEMS]:
        colour = {"config": "red", "error": "red", "warning": "yellow"}.get(p.level.value, "white")
        console.print(
            f"[{colour}]{p.level.value}[/{colour}] {p.code} {escape(terminal_safe(p.where()))}: "
            f"{escape(terminal_safe(p.message))}",
            markup=True,
            soft_wrap=True,
        )
    if len(problems) > SHOWN_PROBLEMS:
        rest = Counter(p.code for p in ordered[SHOWN_PROBLEMS:])
        counts = "，".join(f"{code} {n} 条" for code, n in sorted(rest.items()))
        console.print(
            f"…另有 {len(problems) - SHOWN_PROBLEMS} 条问题（{counts}），见构建报告。", soft_wrap=True
        )
