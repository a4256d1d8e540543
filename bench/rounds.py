"""Rounds of a measuring script, each in a fresh process, for the bench scripts: this checkout's ``generator``
and, with ``--against``, another checkout's (an older revision) in the same run, taking turns.

Stage: none (benchmarks). Guarantees: each round is ``python -c PRELUDE+SCRIPT ARGS…`` run from the checkout's
folder with only that checkout on ``PYTHONPATH``, and must print one JSON object of figures; the result is each
figure's best (lowest) and median per checkout. ``PRELUDE`` gives the script ``anon()`` (the process's anonymous
memory, MiB) and ``Peak`` (its highest value while a ``with`` block runs, sampled every 5 ms).
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PRELUDE = r"""
import threading

def anon():
    with open("/proc/self/status", encoding="ascii") as status:
        return next(int(line.split()[1]) / 1024 for line in status if line.startswith("RssAnon:"))

class Peak:
    def __enter__(self):
        self.mib, self._done = anon(), threading.Event()
        self._watcher = threading.Thread(target=self._watch, daemon=True)
        self._watcher.start()
        return self
    def _watch(self):
        while not self._done.wait(0.005):
            self.mib = max(self.mib, anon())
    def __exit__(self, *_):
        self._done.set(); self._watcher.join(); self.mib = max(self.mib, anon())
"""


def one_round(tree: Path, script: str, args: list[str]) -> dict[str, float]:
    env = {"PYTHONPATH": str(tree), "PATH": "/usr/bin:/bin"}
    # cwd: ``python -c`` imports from the current folder first
    done = subprocess.run([sys.executable, "-c", PRELUDE + script, *args], env=env, cwd=tree,
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
