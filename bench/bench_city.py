"""Benchmark (issue 12): a city's daily rebuild — full build, one working day's changes rebuilt incrementally, and
a rebuild without change — measured against the issue's targets.

Steps, each build in a process of its own (``gongshi build``'s work, in-process in that child, with its stages
timed) so that wall time, CPU time (the child and its workers, from the kernel's accounting of reaped
children) and the peak memory of its whole process tree (sum of PSS, sampled every 0.25 s: pages forked workers
share count once; also the peak within each stage, from the child's stage start times) belong to that build
alone:

1. ``gongshi sample --records N`` into ``<work>/catalog``;
2. a full build into ``<work>/published`` as of ``--as-of``: wall, CPU, peak, files and bytes of ``site/``;
3. one day's changes (``generator.sample.day.apply_day``, in a child process too, not timed as a build): new
   batches of ≈ 0.7 % of N new records, ``--repairs`` + ``--revocations`` (150 + 150), ``--corrections`` (200),
   ``--list-exits`` (0), dated on the next day;
4. the incremental rebuild as of the next day (steps 3–4 repeat for ``--days`` days: the kept releases grow,
   and with them the release stage's purge; each day's wall and stage times are listed, the last is judged): wall, CPU, peak, files written (``BuildResult.outputs``) and the
   bytes of the site files that are new inodes (written, not hard-linked from the previous site), and
   ``report/changes.json``'s counts;
5. a rebuild with the same inputs and as-of date: wall, files written.

Targets (this 2-core, 24 GiB machine): full ≤ 15 min; incremental ≤ 5 % of the full build's wall time and
writing ≤ 2 % of the site's files; no change ≤ 30 s; whole-tree peak ≤ 8 GiB. The table says pass or fail per
target; times on a shared machine are noisy (the load average is recorded).

    .venv/bin/python bench/bench_city.py --records 100000 [--work DIR] [--jobs 2]

Writes ``<work>/`` (catalog and published/, default bench/out/city/) and bench/out/city-<N>.json.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from treemem import tree_pss  # noqa: E402

from generator import paths  # noqa: E402

OUT = REPO / "bench" / "out"
GIB = 2**30
TARGETS = {
    "full_s": 15 * 60,
    "incremental_share": 0.05,
    "written_share": 0.02,
    "no_change_s": 30,
    "peak": 8 * GIB,
}


# ---- measuring a child process ----------------------------------------------------------------------------
@dataclass
class Measured:
    wall_s: float
    cpu_s: float
    peak_bytes: int
    result: dict[str, Any]
    samples: list[tuple[float, int]]  # (time.time(), whole-tree PSS) every ``every`` seconds


def stage_peaks(measured: Measured) -> dict[str, int]:
    """Peak whole-tree PSS while each stage ran, from the child's stage start times (``stages_at``)."""
    starts = sorted(measured.result.get("stages_at", {}).items(), key=lambda kv: kv[1])
    peaks: dict[str, int] = {}
    for i, (name, begun) in enumerate(starts):
        ended = starts[i + 1][1] if i + 1 < len(starts) else float("inf")
        inside = [pss for at, pss in measured.samples if begun <= at < ended]
        peaks[name] = max(inside, default=0)
    return peaks


def measure(args: list[str], result: Path, every: float = 0.25) -> Measured:
    """Run ``args`` (a child that writes its findings as JSON into ``result``): wall, CPU of the child and its
    reaped descendants, peak PSS of its process tree."""
    result.unlink(missing_ok=True)
    os.sync()  # files just written must not be flushed on the child's time
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    child = subprocess.Popen([sys.executable, *args], cwd=REPO)
    samples: list[tuple[float, int]] = []
    while child.poll() is None:
        samples.append((time.time(), tree_pss(child.pid)))
        time.sleep(every)
    peak = max((pss for _at, pss in samples), default=0)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if child.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed with exit code {child.returncode}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return Measured(wall, cpu, peak, json.loads(result.read_text(encoding="utf-8")), samples)


def inodes(site: Path) -> dict[str, tuple[int, int]]:
    """Site-relative path → (inode, size) of every regular file under ``site``."""
    found = {}
    for folder, _dirs, files in os.walk(site):
        for name in files:
            st = os.lstat(os.path.join(folder, name))
            found[os.path.relpath(os.path.join(folder, name), site)] = (st.st_ino, st.st_size)
    return found


# ---- the children -----------------------------------------------------------------------------------------
def child_build(catalog: Path, out: Path, as_of: date, jobs: int, result: Path) -> None:
    """The build, in this process, its stages timed from its progress messages."""
    from generator.build import STAGES, BuildOptions, build

    named = {message: name for name, message in STAGES.items()}
    stages: dict[str, float] = {}
    stages_at: dict[str, float] = {}  # stage → wall-clock start (time.time()), for the parent's PSS samples
    last: list[Any] = []

    def progress(message: str) -> None:
        now = time.perf_counter()
        if message:
            stages_at[named.get(message, message)] = time.time()
        if last:
            stages[named.get(last[0], last[0])] = now - last[1]
        last[:] = [message, now]

    start = time.perf_counter()
    built = build(BuildOptions(catalog, out, as_of, jobs), progress)
    progress("")
    fatal = [p.message for p in built.problems if p.level in ("fatal", "config")]
    unchanged = bool(getattr(built, "unchanged", False))  # the same inputs as the published site's build
    found = {"build_s": time.perf_counter() - start, "stages_s": stages, "stages_at": stages_at, "swapped": built.swapped,
             "unchanged": unchanged, "outputs": built.outputs, "totals": (built.summary or {}).get("totals"),
             "fatal": fatal}  # fmt: skip
    result.write_text(json.dumps(found, ensure_ascii=False), encoding="utf-8")


def child_day(
    catalog: Path, state: Path, as_of: date, counts: dict[str, int], seed: int, result: Path
) -> None:
    from generator.sample.day import apply_day

    start = time.perf_counter()
    changes = apply_day(
        catalog, as_of, random.Random(seed), new_records=counts["new_records"], corrections=counts["corrections"],
        list_exits=counts["list_exits"], repairs=counts["repairs"], revocations=counts["revocations"],
        previous_state=state,
    )  # fmt: skip
    found = {"day_s": time.perf_counter() - start, "counts": changes.counts(), "files": list(changes.files)}
    result.write_text(json.dumps(found, ensure_ascii=False), encoding="utf-8")


# ---- the steps --------------------------------------------------------------------------------------------
def sample(records: int, catalog: Path) -> dict[str, Any]:
    if catalog.exists():
        raise SystemExit(f"{catalog} exists: give another --work folder or remove it")
    start = time.perf_counter()
    command = [
        sys.executable,
        "-m",
        "generator.cli",
        "sample",
        "--records",
        str(records),
        "--out",
        str(catalog),
    ]
    done = subprocess.run(command, cwd=REPO, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"gongshi sample failed: {done.stderr}")
    return {"records": records, "wall_s": time.perf_counter() - start}


def build_step(args: argparse.Namespace, as_of: date, name: str) -> dict[str, Any]:
    """One measured build; what it wrote, judged by inode against the previous site."""
    site = args.work / "published" / paths.SITE_DIR
    previous = {inode for inode, _ in inodes(site).values()} if site.is_dir() else set()
    result = args.work / f"{name}.json"
    command = [__file__, "--child-build", "--catalog", str(args.work / "catalog"), "--out",
               str(args.work / "published"), "--as-of", as_of.isoformat(), "--jobs", str(args.jobs),
               "--result", str(result)]  # fmt: skip
    measured = measure(command, result)
    if not (measured.result["swapped"] or measured.result["unchanged"]):
        raise SystemExit(f"{name} build failed: {measured.result['fatal']}")
    files = inodes(site)
    new = [size for inode, size in files.values() if inode not in previous]
    if measured.result["unchanged"]:  # nothing built, nothing written: the site is the previous one
        measured.result["outputs"] = {"files": len(files), "written": 0, "linked": len(files)}
    changed = json.loads((args.work / "published" / paths.REPORT_DIR / paths.CHANGES_JSON).read_text("utf-8"))
    return {"as_of": as_of.isoformat(), "wall_s": measured.wall_s, "cpu_s": measured.cpu_s,
            "changes_by_folder": by_folder(changed),
            "peak_bytes": measured.peak_bytes, "stage_peaks": stage_peaks(measured), "site_files": len(files),
            "site_bytes": sum(size for _, size in files.values()), "files_written": measured.result["outputs"]["written"],
            "new_inodes": len(new), "bytes_written": sum(new), **measured.result}  # fmt: skip


def by_folder(changed: dict[str, Any]) -> dict[str, int]:
    """Paths added or changed, per top-level folder of the site (a file at the top counts as itself)."""
    found: dict[str, int] = {}
    for rel in changed["added"] + changed["changed"]:
        top = rel.split("/", 1)[0]
        found[top] = found.get(top, 0) + 1
    return dict(sorted(found.items(), key=lambda item: -item[1]))


def day_step(args: argparse.Namespace, as_of: date, seed: int) -> dict[str, Any]:
    result = args.work / "day.json"
    counts = {"new_records": round(args.records * args.new_share), "repairs": args.repairs,
              "revocations": args.revocations, "corrections": args.corrections, "list_exits": args.list_exits}  # fmt: skip
    command = [__file__, "--child-day", "--catalog", str(args.work / "catalog"), "--out",
               str(args.work / "published"), "--as-of", as_of.isoformat(), "--result", str(result),
               "--day-counts", json.dumps(counts), "--seed", str(seed)]  # fmt: skip
    measured = measure(command, result)
    return {"asked": counts, "wall_s": measured.wall_s, "peak_bytes": measured.peak_bytes, **measured.result}


def verdicts(figures: dict[str, Any]) -> list[dict[str, Any]]:
    full, inc, same = figures["full"], figures["incremental"], figures["no_change"]
    peak = max(full["peak_bytes"], inc["peak_bytes"], same["peak_bytes"])
    checks = [
        ("full build wall ≤ 15 min", f"{full['wall_s']:.1f} s", full["wall_s"] <= TARGETS["full_s"]),
        ("incremental wall ≤ 5 % of full", f"{inc['wall_s']:.1f} s = {inc['wall_s'] / full['wall_s']:.1%}",
         inc["wall_s"] <= TARGETS["incremental_share"] * full["wall_s"]),
        ("incremental writes ≤ 2 % of files",
         f"{inc['files_written']:,} of {inc['site_files']:,} = {inc['files_written'] / inc['site_files']:.2%}",
         inc["files_written"] <= TARGETS["written_share"] * inc["site_files"]),
        ("no-change rebuild ≤ 30 s", f"{same['wall_s']:.1f} s", same["wall_s"] <= TARGETS["no_change_s"]),
        ("whole-tree peak ≤ 8 GiB", f"{peak / GIB:.2f} GiB", peak <= TARGETS["peak"]),
    ]  # fmt: skip
    return [{"target": t, "measured": m, "pass": bool(ok)} for t, m, ok in checks]


def table(figures: dict[str, Any]) -> str:
    rows = [("build", "as of", "wall s", "CPU s", "peak GiB", "site files", "site GB", "written", "linked",
             "new inodes", "MB written", "added/changed/removed")]  # fmt: skip
    for name in ("full", "incremental", "no_change"):
        f = figures[name]
        o = f["outputs"]
        rows.append((name + " (skipped: same inputs)" * f["unchanged"], f["as_of"], f"{f['wall_s']:.1f}", f"{f['cpu_s']:.1f}", f"{f['peak_bytes'] / GIB:.2f}",
                     f"{f['site_files']:,}", f"{f['site_bytes'] / 1e9:.2f}", f"{o['written']:,}", f"{o['linked']:,}",
                     f"{f['new_inodes']:,}", f"{f['bytes_written'] / 1e6:.1f}",
                     f"{o.get('added', 0):,}/{o.get('changed', 0):,}/{o.get('removed', 0):,}"))  # fmt: skip
    widths = [max(len(str(r[i])) for r in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(str(c).rjust(w) for c, w in zip(r, widths, strict=True)) for r in rows]
    for name in ("full", "incremental", "no_change"):
        stages = ", ".join(f"{k} {v:.1f}" for k, v in figures[name]["stages_s"].items())
        lines.append(f"{name} stages (s, in the build process): {stages}")
        peaks = ", ".join(f"{k} {v / GIB:.2f}" for k, v in figures[name].get("stage_peaks", {}).items())
        lines.append(f"{name} peak PSS by stage (GiB, whole tree): {peaks}")
    folders = ", ".join(f"{k} {v:,}" for k, v in figures["incremental"]["changes_by_folder"].items())
    lines.append(f"incremental: site paths added or changed, by folder: {folders}")
    for n, d in enumerate(figures["days"], start=1):
        stages = d["stages_s"]
        lines.append(f"day {n} ({d['as_of']}): wall {d['wall_s']:.1f} s, CPU {d['cpu_s']:.1f} s; release "
                     f"{stages.get('release', 0):.1f} s, packs {stages.get('packs', 0):.1f} s, site {stages.get('site', 0):.1f} s")  # fmt: skip
    day = figures["day"]
    lines.append(f"day's changes ({day['wall_s']:.1f} s to make, not a build): {day['counts']}")
    lines.append(f"sample: {figures['sample']['records']:,} records in {figures['sample']['wall_s']:.1f} s")
    lines += [
        f"{'PASS' if v['pass'] else 'FAIL'}  {v['target']}: {v['measured']}" for v in figures["targets"]
    ]
    lines.append(f"load average {figures['load_average']}")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--records", type=int, default=3_600_000)
    parser.add_argument("--work", type=Path, default=OUT / "city")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--as-of", type=date.fromisoformat, default=date(2026, 11, 20))
    parser.add_argument("--new-share", type=float, default=0.007, help="new records, share of --records")
    parser.add_argument("--repairs", type=int, default=150)
    parser.add_argument("--revocations", type=int, default=150)
    parser.add_argument("--corrections", type=int, default=200)
    parser.add_argument("--list-exits", type=int, default=0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--days", type=int, default=1, help="working days of changes, each rebuilt (the last judged)"
    )
    parser.add_argument("--child-build", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--child-day", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--catalog", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--result", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--day-counts", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child_build:
        return child_build(args.catalog, args.out, args.as_of, args.jobs, args.result)
    if args.child_day:
        state = args.out / paths.STATE_DIR
        return child_day(args.catalog, state, args.as_of, json.loads(args.day_counts), args.seed, args.result)
    run(args)


def run(args: argparse.Namespace) -> None:
    args.work = args.work.absolute()
    args.work.mkdir(parents=True, exist_ok=True)
    figures: dict[str, Any] = {"records": args.records, "jobs": args.jobs, "cpus": os.cpu_count()}
    figures["sample"] = sample(args.records, args.work / "catalog")
    figures["full"] = build_step(args, args.as_of, "full")
    figures["days"] = []
    for n in range(1, args.days + 1):  # each day's changes, then its incremental build; the last is judged
        next_day = args.as_of + timedelta(days=n)
        figures["day"] = day_step(args, next_day, args.seed + n - 1)
        figures["incremental"] = build_step(args, next_day, "incremental")
        figures["days"].append(
            {k: figures["incremental"][k] for k in ("as_of", "wall_s", "cpu_s", "stages_s")}
        )
    figures["no_change"] = build_step(args, next_day, "no-change")
    figures["targets"] = verdicts(figures)
    saved = save(figures, f"city-{args.records}.json")
    print(table(figures))
    print(f"figures: {saved}; catalog and output: {args.work}")


def save(figures: dict[str, Any], name: str) -> Path:
    """``figures``, with the load average now, as ``bench/out/<name>``."""
    figures["load_average"] = [round(x, 2) for x in os.getloadavg()]
    OUT.mkdir(parents=True, exist_ok=True)
    saved = OUT / name
    saved.write_text(json.dumps(figures, ensure_ascii=False, indent=2), encoding="utf-8")
    return saved


if __name__ == "__main__":
    main()
