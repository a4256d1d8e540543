"""Rounds of a measuring script, each in a fresh process, for the bench scripts: this checkout's ``generator``
and, with ``--against``, another checkout's (an older revision) in the same run, taking turns.

Stage: none (benchmarks). Guarantees: each round is ``python -c SCRIPT ARGS…`` run from the checkout's folder
with only that checkout on ``PYTHONPATH``, and must print one JSON object of figures; the result is each
figure's best (lowest) and median per checkout.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def one_round(tree: Path, script: str, args: list[str]) -> dict[str, float]:
    env = {"PYTHONPATH": str(tree), "PATH": "/usr/bin:/bin"}
    # cwd: ``python -c`` imports from the current folder first
    done = subprocess.run([sys.executable, "-c", script, *args], env=env, cwd=tree,
                          capture_output=True, text=True, check=True)  # fmt: skip
    return dict(json.loads(done.stdout))


def compare(script: str, args: list[str], rounds: int, against: Path | None) -> dict[str, object]:
    """Best and median of each figure over ``rounds`` rounds, per checkout (``this``, ``against``)."""
    trees = {"this": ROOT, **({"against": against.resolve()} if against else {})}
    runs: dict[str, list[dict[str, float]]] = {name: [] for name in trees}
    for _ in range(rounds):
        for name, tree in trees.items():  # interleaved: the machine's drift falls on both alike
            runs[name].append(one_round(tree, script, args))
    return {
        name: {key: {"best": min(r[key] for r in found), "median": statistics.median(r[key] for r in found)}
               for key in found[0]}
        for name, found in runs.items()
    }  # fmt: skip
