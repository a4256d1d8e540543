"""Benchmark: the whole ``gongshi build`` on a ``gongshi sample`` catalog, the portal part measured closely.

Generates a catalog with ``gongshi sample`` (skipped when ``--catalog`` names one already made), runs the real
build in this process with its stages timed (``render_site``, the bulk renderer and the search index are wrapped
with a timer, nothing else changes), samples the resident memory of this process and its workers, and counts
what the site holds. In the same run, plain mkdocs-material builds the first ``--mkdocs-subjects`` subject
archives of this very build as Markdown pages (bench_site.py's comparison). Then Debian's Chromium, on a fresh
profile, opens the built search page on 127.0.0.1 and searches for part of a company's name: bytes transferred
in all, by the search files, and with the server sending the pre-compressed ``.gz`` files the build writes.

    .venv/bin/python bench/bench_portal.py --records 1000000 --jobs 2 --mkdocs-subjects 5000

Writes bench/out/portal/ (catalog, published/, results.json) and prints the results as JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import threading
import time
import zlib
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import quote

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from bench_site import mkdocs_comparison, page_bytes  # noqa: E402
from treemem import tree_pss  # noqa: E402

import generator.build as build_module  # noqa: E402
import generator.build.output as output_module  # noqa: E402
import generator.site as site_module  # noqa: E402
from generator import paths  # noqa: E402
from generator.build import BuildOptions, build  # noqa: E402
from generator.search._text import normalize  # noqa: E402
from tests.browser.demo import distinctive_fragment  # noqa: E402

OUT = REPO / "bench" / "out" / "portal"


class TreeMemory:
    """Peak memory of this process plus all its descendants, sampled every ``every`` seconds, as the sum of
    their proportional set sizes (PSS: pages a forked worker shares with its parent count once, not twice)."""

    def __init__(self, every: float = 0.25) -> None:
        self.every, self.peak, self._stop = every, 0, threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> TreeMemory:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._stop.wait(self.every):
            self.peak = max(self.peak, tree_pss(os.getpid()))


class Clock:
    """Stage timings from the build's progress messages, plus wrapped functions timed by name."""

    def __init__(self) -> None:
        self.stages: dict[str, float] = {}
        self.timed: dict[str, float] = {}
        self.captured: dict[str, Any] = {}
        self._last: tuple[str, float] | None = None

    def progress(self, message: str) -> None:
        self.close()
        self._last = (message, time.perf_counter())

    def close(self) -> None:
        if self._last:
            self.stages[self._last[0]] = time.perf_counter() - self._last[1]
            self._last = None

    def wrap(self, name: str, function: Callable[..., Any]) -> Callable[..., Any]:
        def timed(*args: Any, **kwargs: Any) -> Any:
            start = time.perf_counter()
            result = function(*args, **kwargs)
            self.timed[name] = time.perf_counter() - start
            self.captured[name] = (args, result)
            return result

        return timed


def make_catalog(records: int, catalog: Path) -> dict[str, Any]:
    shutil.rmtree(catalog, ignore_errors=True)
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
    subprocess.run(command, check=True, cwd=REPO)
    return {"records": records, "sample_s": time.perf_counter() - start}


def run_build(catalog: Path, out: Path, as_of: date, jobs: int) -> tuple[dict[str, Any], Clock]:
    clock = Clock()
    site_module.render_bulk = clock.wrap("bulk pages", site_module.render_bulk)  # type: ignore[attr-defined]
    output_module.render_site = clock.wrap("render_site", output_module.render_site)
    output_module.build_search_index = clock.wrap("search index", output_module.build_search_index)
    output_module.subjects_for_search = clock.wrap("search subjects", output_module.subjects_for_search)
    build_module.precompress = clock.wrap("precompress", build_module.precompress)
    os.sync()  # the catalog just written must not be flushed on the build's time
    start = time.perf_counter()
    with TreeMemory() as memory:
        result = build(BuildOptions(catalog, out, as_of, jobs), clock.progress)
        clock.close()
    figures = {
        "build_s": time.perf_counter() - start, "swapped": result.swapped, "problems": len(result.problems),
        "stages_s": clock.stages, "timed_s": clock.timed, "peak_tree_pss_mb": memory.peak / 2**20,
        "totals": (result.summary or {}).get("totals"),
    }  # fmt: skip
    return figures, clock


def site_figures(site: Path, clock: Clock) -> dict[str, Any]:
    (data, _jobs), written = clock.captured["bulk pages"]
    bulk_s = clock.timed["bulk pages"]
    index = [p for p in (site / paths.SEARCH_INDEX_DIR).rglob("*") if p.is_file() and p.suffix != ".gz"]
    twins = list(site.rglob("*.gz"))
    return {
        "subjects": len(data.subjects), "bulk_pages": len(written), "bulk_pages_per_s": len(written) / bulk_s,
        "render_site_s": clock.timed["render_site"], "page_bytes": page_bytes(site, written),
        "search_index_s": clock.timed["search index"], "search_index_files": len(index),
        "search_index_mb": sum(p.stat().st_size for p in index) / 1e6,
        "gz_twins": len(twins), "gz_twins_mb": sum(p.stat().st_size for p in twins) / 1e6,
        "site_files": sum(1 for p in site.rglob("*") if p.is_file()),
    }  # fmt: skip


def search_in_browser(site: Path, names: list[str], codes: list[str], count: int = 5) -> list[dict[str, Any]]:
    """Search for a distinctive part of ``count`` company names on a cold cache; bytes per first search."""
    from tests.browser.kit import Traffic, chromium, result_names, serve, wait_for_search

    results = []
    sample = sorted(range(len(names)), key=lambda i: zlib.crc32(codes[i].encode()))[:count]
    normalized = [normalize(n) for n in names]
    with chromium() as browser, serve(site) as base:
        for i in sample:
            fragment = distinctive_fragment(names[i], normalized)
            context = browser.new_context()
            page, traffic = context.new_page(), Traffic()
            traffic.watch(page)
            page.goto(f"{base}search/?q={quote(fragment)}")
            wait_for_search(page)
            page.wait_for_load_state("networkidle")
            search = sum(n for u, n in traffic.sizes.items() if "/search-index/" in u)
            found = result_names(page)
            results.append({"query": fragment, "name": names[i], "found": names[i] in found,
                            "page_total_bytes": traffic.total(), "search_index_bytes": search})  # fmt: skip
            context.close()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--catalog", type=Path, help="an existing sample catalog (skips gongshi sample)")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--mkdocs-subjects", type=int, default=5000, help="0 skips the comparison")
    parser.add_argument("--as-of", type=date.fromisoformat, default=date(2026, 11, 20))
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    summary: dict[str, Any] = {"jobs": args.jobs, "as_of": args.as_of.isoformat(), "cpus": os.cpu_count()}
    catalog = args.catalog or OUT / "catalog"
    if not args.catalog:
        summary["sample"] = make_catalog(args.records, catalog)
    out = OUT / "published"
    shutil.rmtree(out, ignore_errors=True)
    summary["build"], clock = run_build(catalog, out, args.as_of, args.jobs)
    site = out / paths.SITE_DIR
    summary["site"] = site_figures(site, clock)
    _save(summary)
    (data, _jobs), _written = clock.captured["bulk pages"]
    if args.mkdocs_subjects:
        summary["mkdocs_vs_bulk"] = mkdocs_comparison(data, args.mkdocs_subjects, OUT / "mkdocs")
        _save(summary)
    names, codes = [str(n) for n in data.subjects.names], [str(c) for c in data.subjects.codes]
    summary["browser_search"] = search_in_browser(site, names, codes)
    summary["load_average"] = os.getloadavg()
    _save(summary)
    print(json.dumps(summary, ensure_ascii=False, indent=2))


def _save(summary: dict[str, Any]) -> None:
    (OUT / "results.json").write_text(json.dumps(summary, ensure_ascii=False, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
