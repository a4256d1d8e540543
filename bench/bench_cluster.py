"""Benchmark (issue 16): the same full build on one machine's process pool and on a 2-worker Dask LocalCluster.

Both builds read the same ``gongshi sample --records N`` catalog and write a fresh output folder, each in a child
process of its own (``gongshi build``'s work, in-process in that child, its stages timed from its progress
messages); the two engines alternate for ``--rounds`` rounds so that the machine's drift hits both alike:

- ``jobs``: ``BuildOptions(jobs=2)`` — the bulk pages in two forked processes (``generator.site.bulk``);
- ``local:2``: ``BuildOptions(scheduler=local:2)`` — a LocalCluster of two one-thread worker processes (spawned,
  talking TCP over loopback); the bulk pages run there as Dask tasks, each task's own rows handed over in a file
  (``generator.site.slices``).

Per build: wall, CPU (the child and its reaped descendants, from the kernel), the whole tree's peak PSS and the
peak PSS of each process (the build's own, its largest worker's — a process living through at least half the
build — and its largest helper's: a process of one stage, such as the data packs' XLSX process without a
cluster), sampled every 0.25 s, and the stage times.
The Dask overhead is what the cluster adds to the same work: the cluster build's wall minus the pool build's,
as a share of the cluster build's wall (best and median over the rounds), with the site stage's difference
(where the tasks run) and the time before the first stage (connecting: starting the LocalCluster) shown apart.

The 100 M model takes the measured stage times as linear in records (the city bench's exponent is ≈ 0.93-0.97)
and splits them into what runs on the workers (the site's bulk pages, divided by the workers) and what still
runs in the build's own process (everything else, not divided): it states how far distributing the pages alone
goes, not a promise.

    .venv/bin/python bench/bench_cluster.py --records 1000000 [--rounds 2] [--work DIR] [--reuse-catalog]

Writes ``<work>/`` (catalog, one output folder at a time; default bench/out/cluster/) and
bench/out/cluster-<N>.json.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from bench_city import sample, save  # noqa: E402
from treemem import pss, tree  # noqa: E402

OUT = REPO / "bench" / "out"
GIB = 2**30
ENGINES = ("jobs", "local:2")
FIGURES = ("wall_s", "cpu_s", "peak_bytes", "main_peak_bytes", "worker_peak_bytes", "helper_peak_bytes")
MODEL_RECORDS = 100_000_000
MODEL_WORKERS = (2, 8, 32, 128)


def child_build(catalog: Path, out: Path, as_of: date, engine: str, result: Path) -> None:
    """The build, in this process, with the engine named; its stages timed from its progress messages."""
    from generator.build import STAGES, BuildOptions, build
    from generator.cluster import parse_scheduler

    named = {message: name for name, message in STAGES.items()}
    stages: dict[str, float] = {}
    last: list[Any] = []
    start = time.perf_counter()

    def progress(message: str) -> None:
        now = time.perf_counter()
        if last:
            stages[named.get(last[0], last[0])] = now - last[1]
        else:
            stages["before first stage"] = now - start
        last[:] = [message, now]

    scheduler = None if engine == "jobs" else parse_scheduler(engine)
    built = build(BuildOptions(catalog, out, as_of, 2, scheduler=scheduler), progress)
    progress("")
    fatal = [p.message for p in built.problems if p.level in ("fatal", "config")]
    found = {"build_s": time.perf_counter() - start, "stages_s": stages, "swapped": built.swapped,
             "outputs": built.outputs, "fatal": fatal}  # fmt: skip
    result.write_text(json.dumps(found, ensure_ascii=False), encoding="utf-8")


def measure(args: list[str], result: Path, every: float = 0.25) -> dict[str, Any]:
    """Run ``args`` (a child writing its findings as JSON into ``result``): wall, CPU of the child and its reaped
    descendants, peak PSS of the whole tree, of the child itself and of its largest descendant."""
    result.unlink(missing_ok=True)
    os.sync()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    child = subprocess.Popen([sys.executable, *args], cwd=REPO)
    whole, each = 0, {}  # peak of the sum; peak per process id
    seen: dict[int, list[float]] = {}  # process id → first and last time it was sampled
    while child.poll() is None:
        now = {pid: pss(pid) for pid in tree(child.pid)}
        whole = max(whole, sum(now.values()))
        each.update({pid: max(size, each.get(pid, 0)) for pid, size in now.items()})
        moment = time.perf_counter() - start
        for pid in now:
            seen.setdefault(pid, [moment, moment])[1] = moment
        time.sleep(every)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if child.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed with exit code {child.returncode}")
    found = json.loads(result.read_text(encoding="utf-8"))
    if not found["swapped"]:
        raise SystemExit(f"the build failed: {found['fatal']}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    # Workers (forked pool or Dask) live through the site stage, most of a build; the helpers the other stages
    # start (the data packs' second process for XLSX, Dask's resource tracker) live a stage at most. Told apart
    # by lifetime, a helper's peak (a forked or spawned process holding a whole dataset) is not a worker's.
    lasting = {pid for pid, (first, last) in seen.items() if last - first >= wall / 2}
    workers = [size for pid, size in each.items() if pid != child.pid and pid in lasting]
    helpers = [size for pid, size in each.items() if pid != child.pid and pid not in lasting]
    return {"wall_s": wall, "cpu_s": cpu, "peak_bytes": whole, "main_peak_bytes": each.get(child.pid, 0),
            "worker_peak_bytes": max(workers, default=0), "helper_peak_bytes": max(helpers, default=0),
            "processes": len(each), **found}  # fmt: skip


def build_once(args: argparse.Namespace, engine: str, n: int) -> dict[str, Any]:
    out = args.work / "published"
    shutil.rmtree(out, ignore_errors=True)  # a full build into an empty folder each time
    result = args.work / "result.json"
    command = [__file__, "--child-build", "--catalog", str(args.work / "catalog"), "--out", str(out),
               "--as-of", args.as_of.isoformat(), "--engine", engine, "--result", str(result)]  # fmt: skip
    measured = measure(command, result)
    print(f"round {n} {engine}: wall {measured['wall_s']:.1f} s, CPU {measured['cpu_s']:.1f} s", flush=True)
    shutil.rmtree(out, ignore_errors=True)
    return measured


def summary(runs: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
    """Best and median of each figure per engine; the Dask overhead from rounds paired in time."""
    found: dict[str, Any] = {}
    for engine, measured in runs.items():
        found[engine] = {
            key: {
                "best": min(m[key] for m in measured),
                "median": statistics.median(m[key] for m in measured),
            }
            for key in FIGURES
        }
    pairs = list(zip(runs["jobs"], runs["local:2"], strict=True))
    shares = [(c["wall_s"] - j["wall_s"]) / c["wall_s"] for j, c in pairs]
    site = [c["stages_s"].get("site", 0) - j["stages_s"].get("site", 0) for j, c in pairs]
    before = [c["stages_s"]["before first stage"] for _j, c in pairs]
    found["dask_overhead"] = {
        "share_of_wall": {"best": min(shares), "median": statistics.median(shares)},
        "site_stage_extra_s": {"best": min(site), "median": statistics.median(site)},
        "connect_s": {"best": min(before), "median": statistics.median(before)},
    }
    return found


def model(records: int, runs: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
    """Wall time for ``MODEL_RECORDS`` on N workers, linear in records: the site's bulk pages divided by N
    (measured on 2 workers, so its cost per worker-record is twice the stage's per-record time), the rest not."""
    best = min(runs["local:2"], key=lambda m: m["wall_s"])
    scale = MODEL_RECORDS / records
    site = best["stages_s"].get("site", 0.0)
    rest = best["wall_s"] - site
    return {
        "from_wall_s": best["wall_s"],
        "site_s": site,
        "rest_s": rest,
        "per_workers_h": {n: round((rest * scale + site * 2 * scale / n) / 3600, 1) for n in MODEL_WORKERS},
    }


def table(figures: dict[str, Any]) -> str:
    lines = [
        "engine    wall s (best/median)  CPU s (best/median)  tree peak GiB  build process GiB  worker GiB"
        "  helper GiB"
    ]
    for engine in ENGINES:
        s = figures["summary"][engine]
        lines.append(
            f"{engine:8}  {s['wall_s']['best']:8.1f} / {s['wall_s']['median']:8.1f}  "
            f"{s['cpu_s']['best']:8.1f} / {s['cpu_s']['median']:8.1f}  "
            f"{s['peak_bytes']['best'] / GIB:13.2f}  {s['main_peak_bytes']['best'] / GIB:17.2f}  "
            f"{s['worker_peak_bytes']['best'] / GIB:10.2f}  {s['helper_peak_bytes']['best'] / GIB:10.2f}"
        )
    for engine in ENGINES:
        for n, run in enumerate(figures["runs"][engine], start=1):
            stages = ", ".join(f"{k} {v:.1f}" for k, v in run["stages_s"].items())
            lines.append(f"{engine} round {n} stages (s): {stages}")
    o = figures["summary"]["dask_overhead"]
    lines.append(
        f"Dask overhead: {o['share_of_wall']['best']:.1%} best, {o['share_of_wall']['median']:.1%} median of "
        f"the cluster build's wall; site stage +{o['site_stage_extra_s']['median']:.1f} s, starting the "
        f"LocalCluster {o['connect_s']['median']:.1f} s (medians)"
    )
    m = figures["model"]
    hours = ", ".join(f"{n} workers ≈ {h} h" for n, h in m["per_workers_h"].items())
    lines.append(f"model, {MODEL_RECORDS:,} records (pages on the workers, the rest in one process): {hours}")
    lines.append(f"load average {figures['load_average']}")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--work", type=Path, default=OUT / "cluster")
    parser.add_argument("--as-of", type=date.fromisoformat, default=date(2026, 11, 20))
    parser.add_argument(
        "--reuse-catalog", action="store_true", help="keep <work>/catalog from an earlier run"
    )
    parser.add_argument("--child-build", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--engine", help=argparse.SUPPRESS)
    parser.add_argument("--catalog", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--result", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child_build:
        return child_build(args.catalog, args.out, args.as_of, args.engine, args.result)
    args.work = args.work.absolute()
    args.work.mkdir(parents=True, exist_ok=True)
    figures: dict[str, Any] = {"records": args.records, "cpus": os.cpu_count()}
    catalog = args.work / "catalog"
    reuse = args.reuse_catalog and catalog.is_dir()  # a catalog an earlier run sampled with these --records
    figures["sample"] = {"records": args.records, "reused": True} if reuse else sample(args.records, catalog)
    runs: dict[str, list[dict[str, Any]]] = {engine: [] for engine in ENGINES}
    for n in range(1, args.rounds + 1):
        for engine in ENGINES if n % 2 else reversed(ENGINES):  # alternate which engine goes first
            runs[engine].append(build_once(args, engine, n))
    figures.update(runs=runs, summary=summary(runs), model=model(args.records, runs))
    saved = save(figures, f"cluster-{args.records}.json")
    print(table(figures))
    print(f"figures: {saved}")


if __name__ == "__main__":
    main()
