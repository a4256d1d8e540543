"""Benchmark (issue 16): a cluster's rules tasks reading their runs of one big batch file's outcome.

A province's first load can be one batch file of millions of rows; the batch cache keeps its validated rows as
an LZ4 Arrow IPC file (``generator.loading.outcome``) and a rules task reads its part (``PART_ROWS`` rows) from
it. This takes the validated penalties of a ``gongshi sample`` catalog as one such file, written as one record batch
(the layout before record batches of ``OUTCOME_BATCH_ROWS`` rows) and as now, and reads every part's run from
each: the old way (the whole file decompressed, then sliced — what a task did) and ``valid_rows_between``. Per
layout: the file's size and encoding CPU; per way of reading: the CPU of reading every part (best and median
over ``--rounds``) and the most Arrow memory one part's rows held.

    .venv/bin/python bench/bench_outcome_runs.py [--records 1000000] [--work DIR] [--rounds 3]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pyarrow as pa

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from generator.inputs import read_inputs
from generator.loading.outcome import OUTCOME_BATCH_ROWS, arrow_table, valid_rows_between
from generator.rules.parts import PART_ROWS

Reader = Callable[[Path, int, int], pa.Table]


def penalties(catalog: Path) -> pa.Table:
    """The sample's validated penalty rows (the load and validate stages, one process) as one file's outcome."""
    valid = read_inputs(catalog, cache=False).valid
    assert valid is not None
    table = next(t for name, t in valid.tables.items() if "penalt" in name)
    return arrow_table(table.frame).combine_chunks()


def write(table: pa.Table, file: Path, batch_rows: int | None) -> float:
    """Write ``table`` as an outcome's LZ4 IPC file; the CPU it took."""
    start = time.process_time()
    options = pa.ipc.IpcWriteOptions(compression="lz4")
    with pa.OSFile(str(file), "wb") as sink, pa.ipc.new_file(sink, table.schema, options=options) as f:
        f.write_table(table, max_chunksize=batch_rows)
    return time.process_time() - start


def whole_then_sliced(file: Path, start: int, stop: int) -> pa.Table:
    """What a rules task did: the file memory-mapped, every record batch decompressed, the run sliced."""
    with pa.memory_map(str(file)) as source:
        return pa.ipc.open_file(source).read_all().slice(start, stop - start)


def read_parts(file: Path, rows: int, reader: Reader) -> tuple[float, int]:
    """CPU to read every part's run of ``file``, and the most Arrow memory one run held."""
    cpu, held = 0.0, 0
    for first in range(0, rows, PART_ROWS):
        base = pa.total_allocated_bytes()
        start = time.process_time()
        run = reader(file, first, min(first + PART_ROWS, rows))
        cpu += time.process_time() - start
        held = max(held, pa.total_allocated_bytes() - base)
        del run
    return cpu, held


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--work", type=Path, default=Path("bench/out/outcome-runs"))
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    catalog = args.work / "catalog"
    if not catalog.is_dir():
        gongshi = Path(sys.executable).with_name("gongshi")
        subprocess.run([gongshi, "sample", "--records", str(args.records), "--out", catalog], check=True)
    table = penalties(catalog)
    print(f"one batch file of {table.num_rows:,} penalty rows, parts of {PART_ROWS:,} rows")
    readers: dict[str, tuple[int | None, Reader]] = {
        "one record batch, read whole then sliced (before)": (None, whole_then_sliced),
        f"record batches of {OUTCOME_BATCH_ROWS:,}, valid_rows_between (now)": (
            OUTCOME_BATCH_ROWS,
            lambda f, a, b: valid_rows_between(f, a, b, 0),
        ),
    }
    for name, (batch_rows, reader) in readers.items():
        file = args.work / f"rows-{batch_rows}.arrow"
        encoded = write(table, file, batch_rows)
        found = [read_parts(file, table.num_rows, reader) for _ in range(args.rounds)]
        cpus = [cpu for cpu, _ in found]
        print(f"{name}: file {file.stat().st_size / 2**20:.0f} MiB (encoded in {encoded:.2f} s CPU); every part "
              f"read in {min(cpus):.2f} s CPU best, {statistics.median(cpus):.2f} s median; one part held at "
              f"most {max(h for _, h in found) / 2**20:.0f} MiB")  # fmt: skip


if __name__ == "__main__":
    main()
