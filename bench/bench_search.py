"""Benchmark: gongshi's sharded subject index (generator.search) against Pagefind 1.5.2 on the same subjects.

For each size: index build time, peak memory, total size and file count; then, in Debian's Chromium driving a
page served on 127.0.0.1, the bytes transferred by a first query (fresh browser profile) and by a later query
(the same visit, after another query) for a trade-name fragment, a full name, a person's name, an exact
统一社会信用代码 and a code prefix, and where the wanted subject ranks. Pagefind indexes each subject once as the
space-separated bigrams of its name plus its lower-case code (shared/scale.md's prototype), through the
binary's own service protocol with the pagefind package's client minus the 100 ms sleep it takes per reply.

    .venv/bin/python bench/bench_search.py --subjects 200000 1000000 --pagefind-max 200000

Writes bench/out/search/results.json and prints a Markdown table. gongshi's index builds in seconds; Pagefind's
took 31 minutes and 2.3 GB at 200k subjects here (2 busy cores), so keep --pagefind-max at 200k or below.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import json
import multiprocessing
import random
import resource
import shutil
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import quote

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import pandas as pd  # noqa: E402
from pagefind.service import PagefindService  # noqa: E402

from generator.search._text import normalize  # noqa: E402
from tests.browser.kit import Traffic, chromium, serve, wait_for_search  # noqa: E402
from tests.search.fixtures import write_search_page  # noqa: E402
from tests.search.synth import synth_subjects  # noqa: E402

OUT = REPO / "bench" / "out" / "search"
SHOW = 20
PAGEFIND_PAGE = """<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>pagefind</title></head>
<body><ol id="results"></ol><script type="module">
import * as pagefind from "../pagefind/pagefind.js";
const q = new URLSearchParams(location.search).get("q") || "";
const norm = q.normalize("NFKC").toLowerCase().replace(/[^\\p{L}\\p{N}]/gu, "");
const chars = Array.from(norm);
const code = /^[0-9a-z]{4,18}$/.test(norm) && /[0-9]/.test(norm);
const terms = code ? norm : chars.slice(0, -1).map((c, i) => c + chars[i + 1]).join(" ");
const found = await pagefind.search(terms);
const data = await Promise.all(found.results.slice(0, %d).map(r => r.data()));
for (const d of data) { const li = document.createElement("li"); li.textContent = d.meta.title; results.append(li); }
document.body.dataset.count = String(found.results.length);
document.body.dataset.done = "1";
</script></body></html>""".replace("%d", str(SHOW))


# ---- building --------------------------------------------------------------------------------------------


def _ours_child(frame: pd.DataFrame, site: Path, queue: Any) -> None:
    from generator.search import build_search_index

    start = time.perf_counter()
    build_search_index(frame, site)
    queue.put((time.perf_counter() - start, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024))


def build_ours(frame: pd.DataFrame, site: Path) -> dict[str, Any]:
    """Build in a fresh process so that its peak memory is its own."""
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    child = context.Process(target=_ours_child, args=(frame, site, queue))
    child.start()
    seconds, peak = queue.get()
    child.join()
    write_search_page(site)
    return {"seconds": round(seconds, 1), "peak_rss_mb": round(peak / 2**20), **tree(site / "search-index")}


class FastService(PagefindService):
    """pagefind's own service client, minus the 100 ms sleep its reply loop takes before every reply."""

    async def _wait_for_responses(self) -> None:
        while True:
            assert self._backend.stdout is not None
            output = await self._backend.stdout.readuntil(b",")
            answer = json.loads(base64.b64decode(output[:-1]))
            future = self._responses.get(answer.get("message_id"))
            if future is None:
                continue
            payload = answer["payload"]
            if payload["type"] == "Error":
                future.set_exception(RuntimeError(payload))
            else:
                future.set_result(payload)


def peak_rss(pid: int) -> int:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(next(line.split()[1] for line in status.splitlines() if line.startswith("VmHWM"))) * 1024


async def _pagefind(rows: list[tuple[str, str, str]], output: Path, batch: int) -> int:
    service = await FastService().launch()
    index = await service.create_index(None)
    for offset in range(0, len(rows), batch):
        await asyncio.gather(
            *(
                index.add_custom_record(
                    url="/" + url, content=pagefind_content(name, code), language="zh", meta={"title": name}
                )
                for name, code, url in rows[offset : offset + batch]
            )
        )
    await index.write_files(str(output))
    peak = peak_rss(service._backend.pid)
    await service.close()
    return peak


def pagefind_content(name: str, code: str) -> str:
    norm = normalize(name)
    grams = [norm[i : i + 2] for i in range(len(norm) - 1)] or [norm]
    return " ".join(grams + ([code.lower()] if code else []))


def build_pagefind(frame: pd.DataFrame, site: Path, batch: int = 200) -> dict[str, Any]:
    rows = list(zip(frame["name"], frame["code"], frame["url"], strict=True))
    start = time.perf_counter()
    peak = asyncio.run(_pagefind(rows, site / "pagefind", batch))
    seconds = time.perf_counter() - start
    (site / "pf").mkdir(parents=True, exist_ok=True)
    (site / "pf" / "index.html").write_text(PAGEFIND_PAGE, encoding="utf-8")
    stats = tree(site / "pagefind")
    metadata = sum(p.stat().st_size for p in (site / "pagefind").glob("*.pf_meta"))
    return {
        "seconds": round(seconds, 1),
        "peak_rss_mb": round(peak / 2**20),
        **stats,
        "metadata_bytes": metadata,
    }


def tree(folder: Path) -> dict[str, Any]:
    files = [p for p in folder.rglob("*") if p.is_file()]
    return {"files": len(files), "bytes": sum(p.stat().st_size for p in files)}


# ---- querying in Chromium --------------------------------------------------------------------------------


def pick_queries(frame: pd.DataFrame, seed: int = 4) -> list[dict[str, str]]:
    """Six realistic queries, each with the subject it should find."""
    rng = random.Random(seed)
    orgs = frame[(frame["kind"] == "org") & frame["name"].str.startswith("临江市") & (frame["code"] != "")]
    persons = frame[frame["kind"] == "person"]
    a, b, c = (orgs.iloc[rng.randrange(len(orgs))] for _ in range(3))
    person = persons.iloc[rng.randrange(len(persons))]
    return [
        {"kind": "trade-name fragment", "q": a["name"][3:7], "want": a["name"]},
        {"kind": "2-character trade name", "q": a["name"][3:5], "want": a["name"]},
        {"kind": "full name", "q": b["name"], "want": b["name"]},
        {"kind": "person name", "q": person["name"], "want": person["name"]},
        {"kind": "exact code", "q": c["code"], "want": c["name"]},
        {"kind": "code prefix (10)", "q": c["code"][:10], "want": c["name"]},
    ]


def run_query(page: Any, base: str, system: str, query: str) -> tuple[list[str], int]:
    if system == "gongshi":
        page.goto(f"{base}search/?q={quote(query)}")
        wait_for_search(page)
        names = page.locator(".gongshi-search__item .gongshi-search__name").all_inner_texts()
        status = page.inner_text(".gongshi-search__status")
        count = int(status.split("找到 ")[1].split(" ")[0]) if "找到 " in status else len(names)
        return names, count
    page.goto(f"{base}pf/?q={quote(query)}")
    page.wait_for_function("document.body.dataset.done === '1'", timeout=120_000)
    return page.locator("#results li").all_inner_texts(), int(page.evaluate("document.body.dataset.count"))


def measure(browser: Any, base: str, system: str, queries: list[dict[str, str]]) -> list[dict[str, Any]]:
    rows = []
    for number, query in enumerate(queries):
        warm_up = queries[number - 1]["q"]
        for visit in ("first", "later"):
            context = browser.new_context()
            page, traffic = context.new_page(), Traffic()
            traffic.watch(page)
            if visit == "later":
                run_query(page, base, system, warm_up)
                traffic.sizes.clear()
            started = time.perf_counter()
            names, count = run_query(page, base, system, query["q"])
            elapsed = time.perf_counter() - started
            rank = names.index(query["want"]) + 1 if query["want"] in names else None
            rows.append(
                {
                    "system": system,
                    "query": query["kind"],
                    "visit": visit,
                    "bytes": traffic.total(),
                    "requests": len(traffic.sizes),
                    "ms": round(elapsed * 1000),
                    "results": count,
                    "rank": rank,
                }
            )
            context.close()
    return rows


# ---- main ------------------------------------------------------------------------------------------------


def bench(count: int, with_pagefind: bool) -> dict[str, Any]:
    frame = synth_subjects(count, seed=count)
    site = OUT / f"site-{count}"
    shutil.rmtree(site, ignore_errors=True)
    result: dict[str, Any] = {"subjects": count, "gongshi": build_ours(frame, site)}
    if with_pagefind:
        result["pagefind"] = build_pagefind(frame, site)
    queries = pick_queries(frame)
    result["queries"] = queries
    with serve(site) as base, chromium() as browser:
        result["browser"] = measure(browser, base, "gongshi", queries)
        if with_pagefind:
            result["browser"] += measure(browser, base, "pagefind", queries)
    return result


def table(results: list[dict[str, Any]]) -> str:
    lines = [
        "| subjects | system | build s | peak RSS MB | files | size MB |",
        "|---:|---|---:|---:|---:|---:|",
    ]
    for r in results:
        for system in ("gongshi", "pagefind"):
            if system in r:
                s = r[system]
                lines.append(
                    f"| {r['subjects']:,} | {system} | {s['seconds']} | {s['peak_rss_mb']} | {s['files']:,} | {s['bytes'] / 1e6:.1f} |"
                )
    lines += [
        "",
        "| subjects | system | query | first KB | later KB | requests (first) | results | rank |",
        "|---:|---|---|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        rows = {(b["system"], b["query"], b["visit"]): b for b in r["browser"]}
        for system, kind, _ in sorted(
            {k for k in rows if k[2] == "first"}, key=lambda k: (k[0], list(rows).index(k))
        ):
            first, later = rows[(system, kind, "first")], rows[(system, kind, "later")]
            lines.append(
                f"| {r['subjects']:,} | {system} | {kind} | {first['bytes'] / 1000:.0f} | {later['bytes'] / 1000:.0f} | {first['requests']} | {first['results']} | {first['rank']} |"
            )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--subjects", type=int, nargs="+", default=[200_000, 1_000_000])
    parser.add_argument(
        "--pagefind-max", type=int, default=200_000, help="build Pagefind only up to this size"
    )
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    results = []
    for count in args.subjects:
        results.append(bench(count, count <= args.pagefind_max))
        (OUT / "results.json").write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")
        print(table(results[-1:]), flush=True)


if __name__ == "__main__":
    main()
