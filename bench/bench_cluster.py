"""Benchmark (issue 16): the same full build on one machine's process pool and on a 2-worker Dask LocalCluster.

Both builds read the same ``gongshi sample --records N`` catalog and write a fresh output folder, each in a child
process of its own (``gongshi build``'s work, in-process in that child, its stages timed from its progress
messages); the two engines alternate for ``--rounds`` rounds so that the machine's drift hits both alike:

- ``jobs``: ``BuildOptions(jobs=2)`` — the bulk pages in two forked processes (``generator.site.bulk``);
- ``local:2``: ``BuildOptions(scheduler=local:2)`` — a LocalCluster of two one-thread worker processes (spawned,
  talking TCP over loopback); the bulk pages run there as Dask tasks, each task's own rows handed over in a file
  (``generator.site.slices``). Its scheduler and the workers' nannies live in the build's process;
- ``tcp:2`` (only when named in ``--engines``): a ``dask scheduler`` process and two ``dask worker`` processes
  (one thread each) started by the bench before the build, which connects to them as to a real cluster's
  (``--scheduler tcp://…``): the scheduler's CPU is then measured apart from the build process's.

Per build: wall, CPU (the child and its reaped descendants, from the kernel), the whole tree's peak PSS and the
peak PSS of each process (the build's own, its largest worker's — a process living through at least half the
build — and its largest helper's: a process of one stage, such as the data packs' XLSX process without a
cluster), sampled every 0.25 s, and the stage times.
The Dask overhead is what the cluster adds to the same work: the cluster build's wall minus the pool build's,
as a share of the cluster build's wall (best and median over the rounds), with the site stage's difference
(where the tasks run) and the time before the first stage (connecting: starting the LocalCluster) shown apart.

Per stage, CPU time too: the build process's own (all its threads, the Dask client's included: read by the build
at each stage boundary) and the other processes' (workers and helpers: each one's CPU sampled with its memory,
the rise across the stage); and the peak PSS in the stage of the build process and of the largest other process
(which stage a worker's peak comes from).

The 100 M model takes the fastest cluster round's stages as linear in records (the city bench's exponent is
≈ 0.93-0.97): a stage on N workers takes the largest of the build process's CPU in it (one process: not divided),
the scheduler's (``tcp:2``: one process too; with ``local:2`` it is inside the build's) and the workers' CPU in it
divided by N, scaled by the stage's measured wall over the same figure at 2 workers (what CPU does not explain —
waiting on the disk, the network, scheduling — kept as measured). It states how far the present split of the
work between the build process, the scheduler and the workers goes, not a promise.

    .venv/bin/python bench/bench_cluster.py --records 1000000 [--rounds 2] [--work DIR] [--reuse-catalog]
        [--engines jobs,local:2,tcp:2]

Writes ``<work>/`` (catalog, one output folder at a time; default bench/out/cluster/) and
bench/out/cluster-<N>.json.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from bench_city import sample, save  # noqa: E402
from treemem import cpu, pss, tree  # noqa: E402

OUT = REPO / "bench" / "out"
GIB = 2**30
ENGINES = ("jobs", "local:2")  # run by default; also ``tcp:2`` when named
CLUSTERS = ("local:2", "tcp:2")
DASK = Path(sys.executable).parent / "dask"
FIGURES = ("wall_s", "cpu_s", "peak_bytes", "main_peak_bytes", "worker_peak_bytes", "helper_peak_bytes")
MODEL_RECORDS = 100_000_000
MODEL_WORKERS = (2, 8, 32, 128)


def child_build(catalog: Path, out: Path, as_of: date, engine: str, result: Path) -> None:
    """The build, in this process, with the engine named; its stages timed from its progress messages."""
    from generator.build import STAGES, BuildOptions, build
    from generator.cluster import parse_scheduler

    named = {message: name for name, message in STAGES.items()}
    marks: list[tuple[str, float, float]] = [("before first stage", time.time(), _own_cpu())]
    start = time.perf_counter()

    def progress(message: str) -> None:
        marks.append((named.get(message, message or "end"), time.time(), _own_cpu()))

    scheduler = None if engine == "jobs" else parse_scheduler(engine)
    built = build(BuildOptions(catalog, out, as_of, 2, scheduler=scheduler), progress)
    progress("")
    stages = {name: end - begin for (name, begin, _), (_, end, _) in itertools.pairwise(marks)}
    fatal = [p.message for p in built.problems if p.level in ("fatal", "config")]
    found = {"build_s": time.perf_counter() - start, "stages_s": stages, "marks": marks, "swapped": built.swapped,
             "outputs": built.outputs, "fatal": fatal}  # fmt: skip
    result.write_text(json.dumps(found, ensure_ascii=False), encoding="utf-8")


def _own_cpu() -> float:
    """CPU time of this process so far, all its threads (the Dask client's included)."""
    used = resource.getrusage(resource.RUSAGE_SELF)
    return used.ru_utime + used.ru_stime


def stage_cpu(
    marks: list[list[Any]], others: dict[int, list[tuple[float, float]]],
    sizes: dict[int, list[tuple[float, int]]] | None = None, main: int = 0, apart: frozenset[int] = frozenset(),
) -> dict[str, dict[str, float]]:  # fmt: skip
    """Per stage: the build process's own CPU (from its marks: name, wall-clock time, own CPU at the stage's
    start) and the other processes' (workers and helpers, from their sampled CPU: the rise of each process's
    last sample up to the stage's end over its last sample up to the stage's start), the processes in ``apart``
    (a Dask scheduler's) counted apart; with ``sizes`` (each process's sampled PSS), the build process's peak in
    the stage and the largest other process's."""

    def at(samples: list[tuple[float, float]], moment: float) -> float:
        before = [used for when, used in samples if when <= moment]
        return before[-1] if before else 0.0

    known = sizes or {}

    def peak(pids: list[int], begin: float, end: float) -> int:
        samples = (size for pid in pids for when, size in known.get(pid, []) if begin <= when <= end)
        return max(samples, default=0)

    def rise(pids: list[int], begin: float, end: float) -> float:
        return sum(at(others[pid], end) - at(others[pid], begin) for pid in pids)

    found: dict[str, dict[str, float]] = {}
    rest, scheduler = [p for p in others if p not in apart], [p for p in others if p in apart]
    for (name, begin, own), (_next, end, own_after) in itertools.pairwise(marks):
        found[name] = {
            "build_cpu_s": own_after - own,
            "others_cpu_s": rise(rest, begin, end),
            "wall_s": end - begin,
        }
        if apart:
            found[name]["scheduler_cpu_s"] = rise(scheduler, begin, end)
        if known:
            found[name] |= {"build_peak_bytes": peak([main], begin, end),
                            "others_peak_bytes": peak([p for p in known if p != main and p not in apart], begin,
                                                      end)}  # fmt: skip
    return found


def measure(
    args: list[str], result: Path, every: float = 0.25, roots: tuple[int, ...] = (), apart: int | None = None
) -> dict[str, Any]:
    """Run ``args`` (a child writing its findings as JSON into ``result``): wall, CPU of the child and its reaped
    descendants, peak PSS of the whole tree, of the child itself and of its largest descendant. ``roots``: the
    processes of a Dask cluster the child uses (sampled with their descendants, their CPU during the build
    counted in), ``apart`` the scheduler's among them (counted apart, per stage, and not as a worker)."""
    result.unlink(missing_ok=True)
    os.sync()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    cluster = {pid: cpu(pid) for root in roots for pid in tree(root)}  # their CPU before the build
    outside: set[int] = set()  # the cluster's processes seen while the build ran
    start = time.perf_counter()
    child = subprocess.Popen([sys.executable, *args], cwd=REPO)
    whole, each = 0, dict[int, int]()  # peak of the sum; peak per process id
    seen: dict[int, list[float]] = {}  # process id → first and last time it was sampled
    used: dict[int, list[tuple[float, float]]] = {}  # other process id → (wall-clock time, its CPU so far)
    sizes: dict[int, list[tuple[float, int]]] = {}  # process id → (wall-clock time, its PSS)
    while child.poll() is None:
        theirs = [p for root in roots for p in tree(root)]
        outside.update(theirs)
        now = {pid: pss(pid) for pid in [*tree(child.pid), *theirs]}
        for pid, size in now.items():
            sizes.setdefault(pid, []).append((time.time(), size))
        for pid in now.keys() - {child.pid}:
            samples, so_far = used.setdefault(pid, []), cpu(pid)
            if not samples or so_far >= samples[-1][1]:  # a process gone between the listing and the read: 0
                samples.append((time.time(), so_far))
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
    cpu_s = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    cpu_s += sum(used[pid][-1][1] - cluster.get(pid, 0.0) for pid in outside if used.get(pid))
    scheduler = frozenset(tree(apart)) if apart is not None else frozenset()
    # Workers (forked pool or Dask) live through the site stage, most of a build; the helpers the other stages
    # start (the data packs' second process for XLSX, Dask's resource tracker) live a stage at most. Told apart
    # by lifetime, a helper's peak (a forked or spawned process holding a whole dataset) is not a worker's.
    lasting = {pid for pid, (first, last) in seen.items() if last - first >= wall / 2}
    workers = [
        size for pid, size in each.items() if pid != child.pid and pid in lasting and pid not in scheduler
    ]
    helpers = [size for pid, size in each.items() if pid != child.pid and pid not in lasting]
    stages = stage_cpu(found.pop("marks"), used, sizes, child.pid, scheduler)
    return {"wall_s": wall, "cpu_s": cpu_s, "peak_bytes": whole, "main_peak_bytes": each.get(child.pid, 0),
            "worker_peak_bytes": max(workers, default=0), "helper_peak_bytes": max(helpers, default=0),
            "processes": len(each), "stage_cpu": stages, **found}  # fmt: skip


def build_once(args: argparse.Namespace, engine: str, n: int) -> dict[str, Any]:
    out = args.work / "published"
    shutil.rmtree(out, ignore_errors=True)  # a full build into an empty folder each time
    result = args.work / "result.json"
    with dask_processes(args.work, engine) as (address, processes):
        command = [__file__, "--child-build", "--catalog", str(args.work / "catalog"), "--out", str(out),
                   "--as-of", args.as_of.isoformat(), "--engine", address or engine, "--result", str(result)]  # fmt: skip
        roots = tuple(p.pid for p in processes)
        measured = measure(command, result, roots=roots, apart=roots[0] if roots else None)
    print(f"round {n} {engine}: wall {measured['wall_s']:.1f} s, CPU {measured['cpu_s']:.1f} s", flush=True)
    shutil.rmtree(out, ignore_errors=True)
    return measured


@contextmanager
def dask_processes(work: Path, engine: str) -> Iterator[tuple[str, list[subprocess.Popen[bytes]]]]:
    """For ``tcp:N``: a ``dask scheduler`` and N one-thread ``dask worker`` processes on loopback, the
    scheduler first in the list, and its address; for the other engines nothing."""
    if not engine.startswith("tcp:"):
        yield "", []
        return
    file = work / "scheduler.json"
    file.unlink(missing_ok=True)
    processes = [_quiet([DASK, "scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard",
                         "--scheduler-file", str(file)])]  # fmt: skip
    try:
        while not (file.exists() and file.read_text(encoding="utf-8").strip()):
            time.sleep(0.1)
        address = json.loads(file.read_text(encoding="utf-8"))["address"]
        workers = int(engine.split(":")[1])
        scratch = str(work / "dask-scratch")
        processes += [_quiet([DASK, "worker", address, "--nthreads", "1", "--no-dashboard", "--local-directory",
                              scratch]) for _ in range(workers)]  # fmt: skip
        from distributed import Client

        with Client(address, set_as_default=False) as client:  # type: ignore[no-untyped-call]
            client.wait_for_workers(workers)
        yield address, processes
    finally:
        for process in reversed(processes):
            process.terminate()
            process.wait()


def _quiet(command: list[Any]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


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
    if not (runs.get("jobs") and runs.get("local:2")):
        return found  # one engine run (``--engines``): nothing to compare
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


def model(records: int, runs: list[dict[str, Any]]) -> dict[str, Any]:
    """Wall time for ``MODEL_RECORDS`` on N workers, linear in records, stage by stage from the fastest round of a
    cluster engine: a stage takes as long as the largest of the build process's own CPU in it and the scheduler's
    (``tcp:2``; not divided: one process each) and the other processes' CPU in it (the workers') divided by N,
    times the stage's measured wall over that same figure for the 2 workers measured (what CPU does not explain:
    waiting on the disk, the network, scheduling), so that the model gives back the measured wall at 2 workers."""
    best = min(runs, key=lambda m: m["wall_s"])
    scale = MODEL_RECORDS / records
    stages = best["stage_cpu"]

    def wall(n: int) -> float:
        total = 0.0
        for figures in stages.values():
            serial = max(figures["build_cpu_s"], figures.get("scheduler_cpu_s", 0.0))
            measured = max(serial, figures["others_cpu_s"] / 2)
            share = max(serial, figures["others_cpu_s"] / n) / measured if measured else 1.0
            total += figures["wall_s"] * share * scale
        return total

    own = sum(f["build_cpu_s"] for f in stages.values())
    scheduler = sum(f.get("scheduler_cpu_s", 0.0) for f in stages.values())
    return {
        "from_wall_s": best["wall_s"],
        "build_cpu_s": own,
        "scheduler_cpu_s": scheduler,
        "others_cpu_s": sum(f["others_cpu_s"] for f in stages.values()),
        "build_cpu_s_per_million": own * 1_000_000 / records,
        "scheduler_cpu_s_per_million": scheduler * 1_000_000 / records,
        "per_workers_h": {n: round(wall(n) / 3600, 1) for n in MODEL_WORKERS},
    }


def table(figures: dict[str, Any]) -> str:
    lines = [
        "engine    wall s (best/median)  CPU s (best/median)  tree peak GiB  build process GiB  worker GiB"
        "  helper GiB"
    ]
    for engine in figures["runs"]:
        s = figures["summary"][engine]
        lines.append(
            f"{engine:8}  {s['wall_s']['best']:8.1f} / {s['wall_s']['median']:8.1f}  "
            f"{s['cpu_s']['best']:8.1f} / {s['cpu_s']['median']:8.1f}  "
            f"{s['peak_bytes']['best'] / GIB:13.2f}  {s['main_peak_bytes']['best'] / GIB:17.2f}  "
            f"{s['worker_peak_bytes']['best'] / GIB:10.2f}  {s['helper_peak_bytes']['best'] / GIB:10.2f}"
        )
    for engine in figures["runs"]:
        for n, run in enumerate(figures["runs"][engine], start=1):
            stages = ", ".join(f"{k} {v:.1f}" for k, v in run["stages_s"].items())
            lines.append(f"{engine} round {n} stages (s): {stages}")
            apart = engine.startswith("tcp:")
            cpus = ", ".join(
                f"{k} {v['build_cpu_s']:.1f} / "
                + (f"{v.get('scheduler_cpu_s', 0):.1f} / " if apart else "")
                + f"{v['others_cpu_s']:.1f}"
                for k, v in run["stage_cpu"].items()
            )
            who = "build process / scheduler / workers" if apart else "build process / workers and helpers"
            lines.append(f"{engine} round {n} CPU s by stage ({who}): {cpus}")
            peaks = ", ".join(
                f"{k} {v.get('build_peak_bytes', 0) / GIB:.2f} / {v.get('others_peak_bytes', 0) / GIB:.2f}"
                for k, v in run["stage_cpu"].items()
            )
            lines.append(f"{engine} round {n} peak GiB by stage (build process / largest other): {peaks}")
    o = figures["summary"].get("dask_overhead")
    lines.append(
        "Dask overhead: (one engine run)"
        if o is None
        else f"Dask overhead: {o['share_of_wall']['best']:.1%} best, {o['share_of_wall']['median']:.1%} median of "
        f"the cluster build's wall; site stage +{o['site_stage_extra_s']['median']:.1f} s, starting the "
        f"LocalCluster {o['connect_s']['median']:.1f} s (medians)"
    )
    for engine, m in figures.get("model", {}).items():
        hours = ", ".join(f"{n} workers ≈ {h} h" for n, h in m["per_workers_h"].items())
        lines.append(
            f"model ({engine}), {MODEL_RECORDS:,} records (per stage: the build process's or the scheduler's CPU, "
            f"or the workers' divided by N): {hours}; per million records the build process's own CPU "
            f"{m['build_cpu_s_per_million']:.1f} s, the scheduler's {m['scheduler_cpu_s_per_million']:.1f} s"
        )
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
    parser.add_argument(
        "--engines", default=",".join(ENGINES), help="the engines to run, comma-separated (default: both)"
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
    engines = [engine for engine in (*ENGINES, "tcp:2") if engine in args.engines.split(",")]
    runs: dict[str, list[dict[str, Any]]] = {engine: [] for engine in engines}
    for n in range(1, args.rounds + 1):
        for engine in engines if n % 2 else reversed(engines):  # alternate which engine goes first
            runs[engine].append(build_once(args, engine, n))
    figures.update(runs=runs, summary=summary(runs))
    figures["model"] = {engine: model(args.records, runs[engine]) for engine in CLUSTERS if runs.get(engine)}
    saved = save(figures, f"cluster-{args.records}.json")
    print(table(figures))
    print(f"figures: {saved}")


if __name__ == "__main__":
    main()
