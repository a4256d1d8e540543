"""Benchmark: rendering the portal (generator.site) for a synthetic publication, and plain mkdocs for comparison.

Builds a synthetic publication in memory (penalties, licences, a list, measures; about 3.6 records per
organisation, one record in eight on a natural person), runs ``render_site`` phase by phase (views and subjects,
Markdown pages, mkdocs + theme shell, bulk pages, feeds), and reports bulk pages per second, total time, bytes
per page by kind and peak memory. Then builds the same ``--mkdocs-subjects`` subject archives as Markdown pages
with plain mkdocs-material (explicit nav, pages out of nav, search off) and compares the time per page.

    .venv/bin/python bench/bench_site.py --records 50000 --jobs 2 --mkdocs-subjects 5000

Writes into bench/out/site/ and prints a Markdown summary (also saved as bench/out/site/results.json).
"""

from __future__ import annotations

import argparse
import json
import math
import multiprocessing
import os
import random
import resource
import shutil
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import pandas as pd  # noqa: E402
import pyarrow as pa  # noqa: E402
from mkdocs.commands.build import build as mkdocs_build  # noqa: E402
from mkdocs.config import load_config  # noqa: E402

from generator import paths  # noqa: E402
from generator.config import Contacts, Licence, Portal  # noqa: E402
from generator.identifiers import mask_id, uscc_check_char  # noqa: E402
from generator.model import RECORD_ID, Catalog, Publication  # noqa: E402
from generator.site import urls  # noqa: E402
from generator.site.bulk import Task, render_bulk, run_tasks  # noqa: E402
from generator.site.feeds import write_feeds  # noqa: E402
from generator.site.pages import portal_docs  # noqa: E402
from generator.site.shell import build_pages  # noqa: E402
from generator.site.subjects import find_subjects  # noqa: E402
from generator.site.view import ARCHIVE, dataset_views, measure_links  # noqa: E402
from generator.site.work import BulkData  # noqa: E402
from tests.site.conftest import table  # noqa: E402

OUT = REPO / "bench" / "out" / "site"
REPEAT = 5  # timed rounds per contender in the mkdocs comparison
ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
)
WORDS = "恒盛鑫达华泰宏远永安金利兴隆瑞丰嘉和祥云德源万通天成正大新世纪华美东方明珠长江江南锦绣龙腾凤凰"
TRADES = (
    "建材",
    "商贸",
    "餐饮",
    "物流",
    "科技",
    "食品",
    "建筑工程",
    "医药",
    "服装",
    "机械制造",
    "文化传媒",
    "汽车服务",
)
FORMS = ("有限公司", "有限责任公司", "股份有限公司", "商行", "经营部")
DEPTS = (
    "临江市市场监督管理局", "临江市生态环境局", "临江市应急管理局", "临江市交通运输局", "临江市税务局",
    "临江市卫生健康委员会", "临江市住房和城乡建设局", "临江市消防救援支队", "临江市城市管理局", "临江市文化广电旅游局",
)  # fmt: skip
CATEGORIES = (
    "罚款",
    "警告；罚款",
    "没收违法所得、没收非法财物；罚款",
    "责令停产停业",
    "吊销许可证件",
    "罚款",
)


def uscc(rng: random.Random, first: str = "91") -> str:
    body = first + "330902" + "".join(rng.choice(ALPHABET) for _ in range(9))
    return body + uscc_check_char(body)


def resident_id(rng: random.Random) -> str:
    body = (
        "330102"
        + f"{rng.randint(1950, 2000)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}{rng.randint(0, 999):03d}"
    )
    total = sum(int(c) * pow(2, 17 - i, 11) for i, c in enumerate(body))
    check = (12 - total % 11) % 11
    return body + ("X" if check == 10 else str(check))


def synthetic(records: int, seed: int = 7) -> Publication:
    """Penalties (60 %), licences (39 %), list entries (1 %) and 20 measures over five years of decisions."""
    rng = random.Random(seed)
    orgs = [
        (rng.choice(("临江市", "临江")) + "".join(rng.sample(WORDS, 2)) + rng.choice(TRADES) + rng.choice(FORMS), uscc(rng))
        for _ in range(max(1, int(records / 3.6)))
    ]  # fmt: skip
    start = date(2021, 1, 1)
    penalties, licences, entries = [], [], []
    for i in range(records):
        person = rng.random() < 0.125
        name, code = (rng.choice(SURNAMES) + "某某", "") if person else rng.choice(orgs)
        dept = DEPTS[rng.randrange(len(DEPTS))]
        day = (start + timedelta(days=rng.randrange(5 * 365))).isoformat()
        subject = {"type": "自然人" if person else "法人及非法人组织", "name": name, "code": code}
        subject["id"] = mask_id(resident_id(rng)) if person else ""
        kind = rng.random()
        if kind < 0.60:
            penalties.append(_penalty(i, subject, dept, day, rng))
        elif kind < 0.99:
            licences.append(_licence(i, subject, dept, day))
        else:
            entries.append(_entry(i, subject, dept, day))
    tables = {
        "penalties": table("penalties", "penalty", penalties, title="行政处罚信息"),
        "licences": table("licences", "licensing", licences, title="行政许可信息"),
        "blacklist": table("blacklist", "list", entries, title="严重失信主体名单", list_type="punishment"),
        "measures": table("measures", "measures", _measures(), title="失信惩戒措施清单"),
    }
    return Publication(
        _catalog(tables), date(2026, 1, 1), tables, _timeliness(tables["penalties"].frame, rng)
    )


def _penalty(i: int, s: dict[str, str], dept: str, day: str, rng: random.Random) -> dict[str, str]:
    return {
        "CF_XDR_MC": s["name"], "CF_XDR_LB": s["type"], "CF_XDR_SHXYM": s["code"], "CF_XDR_ZJLX": "身份证" if s["id"] else "",
        "CF_XDR_ZJHM": s["id"], "CF_WSH": f"临罚〔{day[:4]}〕{i}号", "CF_WFXW": rng.choice(("销售不合格产品", "未按规定公示信息", "超标排放污染物", "无证经营")),
        "CF_SY": "经查，当事人于" + day + "存在上述违法行为，事实清楚，证据确凿。" * 3, "CF_YJ": "《中华人民共和国产品质量法》第四十九条",
        "CF_CFLB": rng.choice(CATEGORIES), "CF_NR": "罚款人民币壹万元整", "CF_NR_FK": f"{rng.choice((0.2, 0.5, 1, 2, 5, 12, 60))}",
        "CF_JDRQ": day, "CF_CFJG": dept, "CF_CFJGDM": "11330900002570512X", "CF_SJLY": dept,
    }  # fmt: skip


def _licence(i: int, s: dict[str, str], dept: str, day: str) -> dict[str, str]:
    return {
        "XK_XDR_MC": s["name"], "XK_XDR_LB": s["type"], "XK_XDR_SHXYM": s["code"], "XK_XDR_ZJLX": "身份证" if s["id"] else "",
        "XK_XDR_ZJHM": s["id"], "XK_XKWS": "食品经营许可证", "XK_WSH": f"临许〔{day[:4]}〕{i}号", "XK_XKLB": "普通",
        "XK_XKZS": "食品经营许可证", "XK_XKBH": f"JY{i:012d}", "XK_NR": "预包装食品销售", "XK_JDRQ": day,
        "XK_YXQZ": day, "XK_YXQZI": "2099-12-31", "XK_XKJG": dept, "XK_XKJGDM": "11330900002570512X",
    }  # fmt: skip


def _entry(i: int, s: dict[str, str], dept: str, day: str) -> dict[str, str]:
    return {
        "MD_MC": s["name"], "MD_ZTLB": s["type"], "MD_SHXYM": s["code"], "MD_ZJLX": "身份证" if s["id"] else "",
        "MD_ZJHM": s["id"], "MD_MDMC": "严重违法失信名单", "MD_LRYY": "提供虚假材料取得许可", "MD_RDYJ": "管理办法第九条",
        "MD_RDBM": dept, "MD_RDBMDM": "11330900002570512X", "MD_RDWH": f"临信〔{day[:4]}〕{i}号", "MD_LRRQ": day,
    }  # fmt: skip


def _measures() -> list[dict[str, str]]:
    groups = ("减损权益或增加义务的措施", "管理措施", "市场和社会主体实施的措施")
    return [
        {"CS_BH": f"{g + 1}-{k:02d}", "CS_FL": groups[g], "CS_DX": "严重失信主体", "CS_MDMC": "严重违法失信名单",
         "CS_CS": f"措施 {g + 1}-{k:02d}：限制参加政府采购活动", "CS_YJ": "相关法律第二十二条", "CS_SSZT": "市财政局"}
        for g in range(3) for k in range(1, 8)
    ]  # fmt: skip


def _catalog(tables: dict[str, Any]) -> Catalog:
    portal = Portal(
        name="信用临江", region="临江市", publisher="临江市信用办", base_url="https://credit.linjiang.example.cn/",
        licence=Licence(id="CC-BY-4.0", title="知识共享署名 4.0"), contacts=Contacts(office="临江市信用办"),
    )  # fmt: skip
    return Catalog(Path("."), portal, tuple(t.spec for t in tables.values()))


def _timeliness(frame: pd.DataFrame, rng: random.Random) -> pd.DataFrame:
    days = [rng.choice((1, 2, 3, 5, 6, 8, 12)) for _ in range(len(frame))]
    return pd.DataFrame({
        "dataset": "penalties", RECORD_ID: frame[RECORD_ID], "department": frame["CF_CFJG"],
        "decided_on": frame["CF_JDRQ"], "first_published": frame["CF_JDRQ"], "working_days": days,
        "timely": [d <= 7 for d in days],
    })  # fmt: skip


def peak_mb() -> tuple[float, float]:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return own, children


def render(pub: Publication, site: Path, jobs: int) -> dict[str, Any]:
    """``render_site``'s phases, timed one by one."""
    times: dict[str, float] = {}
    t = time.perf_counter()
    views, _ = dataset_views(pub.tables)
    data = BulkData(site, pub.catalog.portal.base_url, views, find_subjects(views), measure_links(views))
    times["views and subjects"] = time.perf_counter() - t
    t = time.perf_counter()
    docs = portal_docs(pub, data, {})
    times["markdown pages"] = time.perf_counter() - t
    t = time.perf_counter()
    data.shell, problems = build_pages(docs, pub.catalog.portal, site)
    times["mkdocs + shell"] = time.perf_counter() - t
    t = time.perf_counter()
    written = render_bulk(data, jobs)
    times["bulk pages"] = time.perf_counter() - t
    t = time.perf_counter()
    pages = pa.concat_arrays([pa.array([urls.doc_url(d) for d in docs], pa.large_string()), written])
    write_feeds(site, pub.catalog.portal, pub.as_of, views, pages)
    times["feeds + sitemap"] = time.perf_counter() - t
    return {"times": times, "bulk_pages": len(written), "mkdocs_pages": len(docs), "problems": len(problems),
            "subjects": len(data.subjects), "data": data, "written": written}  # fmt: skip


def page_bytes(site: Path, written: list[str]) -> dict[str, dict[str, float]]:
    kinds: dict[str, list[int]] = {}
    for path in written:
        kind = {"r": "record", "s": "subject", "datasets": "month/department", "lists": "list"}[
            path.split("/")[0]
        ]
        kinds.setdefault(kind, []).append((site / path).stat().st_size)
    return {
        k: {"pages": len(v), "mean_bytes": sum(v) / len(v), "max_bytes": max(v)}
        for k, v in sorted(kinds.items())
    }


def mkdocs_comparison(data: BulkData, count: int, work: Path) -> dict[str, float]:
    """The first ``count`` subject archives: as Markdown through plain mkdocs, and through the bulk renderer.

    Both start from what a catalog of just these subjects gives: mkdocs from their Markdown files (written
    before its clock starts), the bulk renderer from the records of these subjects only (so converting columns
    for the worker processes costs what it would for these pages, not for the whole city), into fresh
    folders, cut into eight tasks so that two workers share the work evenly, each in a fresh interpreter. They
    take turns for ``REPEAT`` rounds; the best and the median round are reported."""
    count = min(count, len(data.subjects))
    docs = work / "docs"
    shutil.rmtree(work, ignore_errors=True)
    for name in ("index.md", "catalog/index.md", "lists/index.md", "measures/index.md", "stats/index.md",
                 "releases/index.md", "guide/index.md", "guide/rules.md", "guide/objection.md", "guide/repair.md",
                 "guide/privacy.md", "guide/licence.md", "search/index.md"):  # fmt: skip
        (docs / name).parent.mkdir(parents=True, exist_ok=True)
        (docs / name).write_text(f"# {name}\n", encoding="utf-8")
    for i in range(count):
        code = str(data.subjects.codes[i])
        (docs / "datasets" / code[-2:]).mkdir(parents=True, exist_ok=True)
        (docs / "datasets" / code[-2:] / f"{code}.md").write_text(_markdown(data, i), encoding="utf-8")
    chunk = max(1, math.ceil(count / 8))
    tasks: list[Task] = [("subject", -1, a, min(a + chunk, count)) for a in range(0, count, chunk)]
    only = only_subjects(data, count)
    contenders: dict[str, Callable[[int], float]] = {
        "mkdocs": lambda _: in_fresh_process(build_mkdocs, docs, work / "site"),
        **{
            f"bulk_{j}job": lambda n, j=j: in_fresh_process(
                run_tasks, replace(only, site_dir=work / f"bulk-{j}-{n}"), tasks, j
            )
            for j in (1, 2)
        },
    }
    times = rounds(contenders)
    result: dict[str, float] = {"subjects": count, "rounds": REPEAT}
    for name, seconds in times.items():
        result |= {f"{name}_ms_per_page_best": min(seconds) / count * 1000,
                   f"{name}_ms_per_page_median": statistics.median(seconds) / count * 1000}  # fmt: skip
        if name != "mkdocs":
            result |= {f"ratio_{name}_best": min(times["mkdocs"]) / min(seconds),
                       f"ratio_{name}_median": statistics.median(times["mkdocs"]) / statistics.median(seconds)}  # fmt: skip
    return result


def rounds(contenders: dict[str, Callable[[int], float]], repeat: int = REPEAT) -> dict[str, list[float]]:
    """Each contender's seconds in ``repeat`` rounds, taking turns (this machine's disk has slow spells that
    last seconds to minutes; taking turns exposes every contender to them alike), each run after flushing
    written files to disk (the writeback of an earlier run must not be charged to the next)."""
    times: dict[str, list[float]] = {name: [] for name in contenders}
    for n in range(repeat):
        for name, run in contenders.items():
            os.sync()
            times[name].append(run(n))
    return times


def build_mkdocs(docs: Path, site: Path) -> None:
    mkdocs_build(load_config(str(paths.MKDOCS_FILE), docs_dir=str(docs), site_dir=str(site)))


def in_fresh_process(target: Callable[..., object], *args: Any) -> float:
    """Seconds ``target(*args)`` takes in a new interpreter that holds only what it is given, like a build of
    just these pages (neither contender pays for the big process that made the data: its garbage collector
    walks, its forks copy page tables)."""
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    process = context.Process(target=_timed, args=(target, args, queue))
    process.start()
    elapsed = float(queue.get())
    process.join()
    return elapsed


def _timed(target: Callable[..., object], args: tuple[Any, ...], queue: Any) -> None:
    start = time.perf_counter()
    target(*args)
    queue.put(time.perf_counter() - start)


def only_subjects(data: BulkData, count: int) -> BulkData:
    """``data`` with the records of its first ``count`` subjects only, and an empty per-process cache."""
    keep = set(data.subjects.codes[:count].tolist())
    views = [
        replace(v, frame=v.frame[v.frame[ARCHIVE].isin(keep)].reset_index(drop=True))
        if ARCHIVE in v.frame.columns else v
        for v in data.views
    ]  # fmt: skip
    subjects = find_subjects(views)
    assert list(subjects.codes) == list(data.subjects.codes[:count])
    return replace(data, views=views, subjects=subjects, cache={})


def _markdown(data: BulkData, i: int) -> str:
    lines = [f"# {data.subjects.names[i]}", "", f"统一社会信用代码：{data.subjects.codes[i]}", ""]
    lines += ["| 日期 | 文书号 | 事项 | 部门 |", "|---|---|---|---|"]
    cols = {vi: data.views[vi].frame for vi in range(len(data.views))}
    for vi, p in data.subjects.records(i):
        view, row = data.views[vi], cols[vi].iloc[p]
        get = {
            r: row[view.role(r)] if view.role(r) else ""
            for r in ("date", "document", "summary", "department")
        }
        lines.append(f"| {get['date']} | {get['document']} | {get['summary']} | {get['department']} |")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--records", type=int, default=50_000)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--mkdocs-subjects", type=int, default=5000, help="0 skips the comparison")
    args = parser.parse_args()
    shutil.rmtree(OUT, ignore_errors=True)
    site = OUT / "site"
    t = time.perf_counter()
    pub = synthetic(args.records)
    synth_s = time.perf_counter() - t
    t = time.perf_counter()
    result = render(pub, site, args.jobs)
    total_s = time.perf_counter() - t
    data, written = result.pop("data"), result.pop("written")
    bulk_s = result["times"]["bulk pages"]
    summary = {
        "records": args.records, "jobs": args.jobs, "synthesis_s": synth_s, "render_total_s": total_s,
        "bulk_pages_per_s": result["bulk_pages"] / bulk_s, **result, "page_bytes": page_bytes(site, written.to_pylist()),
        "shell_bytes": sum(len(p) for p in data.shell.parts[::2]), "peak_rss_mb": dict(zip(("parent", "worker"), peak_mb(), strict=True)),
    }  # fmt: skip
    if args.mkdocs_subjects:
        summary["mkdocs_vs_bulk"] = mkdocs_comparison(data, args.mkdocs_subjects, OUT / "mkdocs")
    (OUT / "results.json").write_text(json.dumps(summary, ensure_ascii=False, indent=2), encoding="utf-8")
    print(json.dumps(summary, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
