"""Benchmark (issue 16): writing the report's ledger — a row per input row — at a city's number of rows.

As soon as every input row's fate is known the build writes the report's ledger (``report.write_ledger``):
the public records' rows (``report.published_rows``) beside the rows the stages took out, put in order and
written a slice at a time, then counted per dataset and per batch file. This measures that alone on the 1 M
sample's shape (``--scale 1``: 478 k public records in four datasets and 555 k withheld rows; synthetic, no
build): the CPU, the peak of the anonymous memory (``RssAnon``) above the start while it runs, and the file's
size; best and median over ``--rounds``, each round in a fresh process. ``--against DIR`` runs the same rounds
with the ``generator`` package of another checkout (an older revision) beside this one's.

    .venv/bin/python bench/bench_report_ledger.py [--scale 1.0] [--rounds 3] [--against /tmp/old-checkout]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from rounds import compare  # bench/rounds.py, beside this script

ROUND = r"""
import gc, json, sys, tempfile, time, types
from pathlib import Path
import numpy as np, pandas as pd
from generator.collector import give_back
from generator.model import FILE, RECORD_ID, ROW
from generator.report import published_rows, write_ledger

scale = float(sys.argv[1])
rng = np.random.default_rng(1)
def texts(values):
    return pd.array(values, dtype="str")
def meta(n, dataset):
    files = np.array([f"datasets/{dataset}/2026-{m:02d}-{d:02d}.xlsx" for m in range(1, 13) for d in range(1, 29)])
    return {FILE: texts(files[rng.integers(0, len(files), n)]), ROW: np.arange(2, n + 2),
            RECORD_ID: texts([f"{x:016x}" for x in rng.integers(0, 2**62, n)])}
sizes = {"licences": 280_782, "penalties": 156_174, "inspections": 29_250, "registrations": 12_117}
public = {d: types.SimpleNamespace(frame=pd.DataFrame(meta(int(n * scale), d) | {"名称": "临江市恒盛建材有限公司"}))
          for d, n in sizes.items()}
n = int(555_035 * scale)
withheld = pd.DataFrame({"dataset": texts(["penalties"] * n), **meta(n, "penalties"), "fate": texts(["withheld"] * n),
                         "reason": texts(rng.choice(["expired", "repaired", "revoked"], n))})
gc.collect(); give_back(); start = anon()
out = Path(tempfile.mkdtemp())
cpu = time.process_time()
with Peak() as peak:
    rows = published_rows(public)  # a list of tables a dataset now; one frame before
    counted = write_ledger(out, [withheld, *(rows if isinstance(rows, list) else [rows])])
took = time.process_time() - cpu
size = sum(f.stat().st_size for f in out.iterdir())
print(json.dumps({"cpu_s": took, "peak_mib": peak.mib - start, "file_mb": size / 1e6, "rows": counted.totals["rows"]}))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--against", type=Path, help="another checkout, measured in the same run")
    args = parser.parse_args()
    report = compare(ROUND, [str(args.scale)], args.rounds, args.against)
    print(json.dumps({"scale": args.scale, "rounds": args.rounds, **report}, indent=1))


if __name__ == "__main__":
    main()
