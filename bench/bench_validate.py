"""Benchmark: gongshi's load + validate against frictionless on the same penalty rows, in the same run (issue 2, 12).

Run:  .venv/bin/python bench/bench_validate.py [--rows 1000000] [--subset 100000] [--rounds 5] [--seed 1] [--data DIR]

Takes ``--rows`` penalty rows of a ``generator.sample`` catalog (the penalty batches joined into one CSV with
canonical CF_ headers; ``--own-generator``: this script's generator, ~1 % bad rows of 14 kinds) and a catalog
holding only their first ``--subset`` rows. Then ``--rounds`` rounds, the runs taking turns (the order rotated
each round), each run in its own child process so that peak memory is the run's own:

  in-process, on the subset (time from the first row read to the last check, imports excluded):
    gongshi read_records + validate; frictionless with gongshi's custom checks added (the reference);
    frictionless with its native Table Schema checks only;
  CLI-to-CLI, on the subset (wall time of the command, spawn to exit):
    ``gongshi check --catalog SUBSET``; ``frictionless validate --schema SCHEMA --json`` on the same CSV
    (native checks only: the frictionless CLI cannot load gongshi's custom checks);
  and gongshi on all ``--rows`` rows: its own line, a different row count, never put in a ratio.

Ratios compare the same rows of the same run: best against best and median against median. The rows each run
flags are compared too. Prints a table and the machine's load average; writes bench/out/validate.json. The
data is cached in --data (default: a folder under /tmp, never the repo).
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import os
import random
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from generator.identifiers import uscc_check_char  # noqa: E402
from generator.schema import builtin_schema  # noqa: E402

OUT = REPO / "bench" / "out" / "validate.json"
SCHEMA = builtin_schema("penalty")
PORTAL_YAML = """name: 信用临江
region: 临江市
publisher: 临江市社会信用体系建设领导小组办公室
base_url: https://credit.linjiang.example/
licence: {id: CC-BY-4.0, title: 知识共享署名 4.0}
contacts: {office: 临江市信用办}
"""
DATASET_YAML = """kind: penalty
title: 行政处罚信息
description: 基准测试用的合成行政处罚数据
publisher: 临江市各执法部门
update_frequency: daily
"""

# ---- realistic synthetic rows ------------------------------------------------------------------------------

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国志红玉兰文辉鹏飞慧宇晨浩然子涵欣怡梓轩一诺思远嘉怡俊杰"
TRADE = "恒盛东港鑫源华达瑞丰永泰宏远金诚天润博达新锐万隆海晟荣发泰和信达百川中联卓越腾飞盛世"
INDUSTRY = [
    "建材",
    "水产",
    "餐饮管理",
    "商贸",
    "物流",
    "建筑工程",
    "机械制造",
    "食品",
    "医药",
    "电子科技",
    "汽车服务",
    "装饰工程",
]
FORMS = ["有限公司", "有限责任公司", "股份有限公司", "商行", "经营部"]
DEPARTMENTS = [
    ("临江市市场监督管理局", "临市监罚"), ("临江市生态环境局", "临环罚"), ("临江市应急管理局", "临应急罚"),
    ("临江市交通运输局", "临交罚"), ("临江市住房和城乡建设局", "临建罚"), ("临江市卫生健康委员会", "临卫罚"),
    ("临江市城市管理局", "临城管罚"), ("临江市税务局", "临税罚"), ("临江市消防救援支队", "临消罚"),
    ("临江市农业农村局", "临农罚"), ("临江市文化广电旅游局", "临文旅罚"), ("临江市自然资源和规划局", "临自然罚"),
]  # fmt: skip
ACTS = [
    ("销售不合格产品", "《中华人民共和国产品质量法》第四十九条", "警告；罚款", "没收违法所得、没收非法财物"),
    ("未按规定公示信息", "《企业信息公示暂行条例》第十八条", "警告", ""),
    ("超标排放污染物", "《中华人民共和国大气污染防治法》第九十九条", "罚款", "责令停产停业"),
    ("未取得许可从事经营", "《无证无照经营查处办法》第十三条", "没收违法所得、没收非法财物；罚款", ""),
    ("违反消防安全规定", "《中华人民共和国消防法》第六十条", "罚款", "警告"),
    ("食品安全违法", "《中华人民共和国食品安全法》第一百二十四条", "罚款；吊销许可证件", ""),
]  # fmt: skip
AREAS = ["330902", "330903", "330921", "330922"]  # 舟山 districts, in use since 1987 (stdnum's area table)
OLD_AREAS = ["110101", "110102", "110105", "310104"]  # in use for every birth year stdnum knows
BAD_KINDS = [
    "uscc_check", "uscc_lower", "ric_check", "ric_date", "missing_required", "bad_enum", "bad_date",
    "negative_fine", "fine_text", "too_long", "duplicate_key", "person_no_id", "org_no_uscc", "bad_category",
]  # fmt: skip


def uscc(rng: random.Random, first: str, area: str) -> str:
    """``first``: registering department and entity type (2 characters), then the area and 9 characters."""
    body = first + area + "".join(rng.choice("0123456789ABCDEFGHJKLMNPQRTUWXY") for _ in range(9))
    return body + uscc_check_char(body)


def ric_number(rng: random.Random) -> str:
    from stdnum.cn import ric

    year, month, day = rng.randint(1955, 2003), rng.randint(1, 12), rng.randint(1, 28)
    area = rng.choice(AREAS if year >= 1987 else OLD_AREAS)
    body = f"{area}{year:04d}{month:02d}{day:02d}{rng.randint(0, 999):03d}"
    return body + ric.calc_check_digit(body + "0")


def pools(rng: random.Random) -> dict[str, list[Any]]:
    companies = []
    for _ in range(40_000):
        name = "临江市" + rng.choice(TRADE) + rng.choice(TRADE) + rng.choice(INDUSTRY) + rng.choice(FORMS)
        companies.append(
            (
                name,
                uscc(rng, rng.choice(["91", "91", "91", "92", "93", "52"]), rng.choice(AREAS)),
                rng.choice(SURNAMES) + rng.choice(GIVEN),
            )
        )
    people = [
        (rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN), ric_number(rng)) for _ in range(20_000)
    ]
    departments = [(n, a, uscc(rng, "11", "330900")) for n, a in DEPARTMENTS]
    return {"companies": companies, "people": people, "departments": departments}


def good_row(rng: random.Random, p: dict[str, list[Any]], n: int) -> dict[str, str]:
    dept, abbr, dept_code = p["departments"][n % len(DEPARTMENTS)]
    act, basis, category, extra = rng.choice(ACTS)
    year = 2019 + (n * 7 // 1_000_003) % 7
    row = {
        "CF_WSH": f"{abbr}〔{year}〕{n + 1}号", "CF_WFXW": act, "CF_YJ": basis,
        "CF_CFLB": category + ("；" + extra if extra and rng.random() < 0.2 else ""),
        "CF_JDRQ": f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}", "CF_CFJG": dept, "CF_CFJGDM": dept_code,
        "CF_SJLY": dept, "CF_SJLYDM": dept_code, "CF_SXCD": rng.choice(["一般", "一般", "轻微", "严重", ""]),
        "CF_CXLX": rng.choice(["普通程序", "普通程序", "简易程序"]),
    }  # fmt: skip
    if rng.random() < 0.15:
        name, number = rng.choice(p["people"])
        row |= {"CF_XDR_MC": name, "CF_XDR_LB": "自然人", "CF_XDR_ZJLX": "身份证", "CF_XDR_ZJHM": number}
    else:
        name, code, boss = rng.choice(p["companies"])
        kind = "个体工商户" if name.endswith(("商行", "经营部")) else "法人及非法人组织"
        row |= {"CF_XDR_MC": name, "CF_XDR_LB": kind, "CF_XDR_SHXYM": code, "CF_FRDB": boss}
    fine = f"{rng.uniform(0.05, 50):.2f}".rstrip("0").rstrip(".") if "罚款" in row["CF_CFLB"] else ""
    row["CF_NR_FK"] = fine
    row["CF_SY"] = (
        f"经查，当事人{name}于{year}年{rng.randint(1, 12)}月间{act}，违反了{basis}的规定。执法人员现场检查时"
        f"发现相关问题，当事人对违法事实无异议，已提交书面陈述。涉案货值金额{rng.randint(1, 900)}百元。"
    )
    row["CF_NR"] = f"{category.replace('；', '、')}" + (f"，罚款人民币{fine}万元。" if fine else "。")
    return row


def spoil(row: dict[str, str], kind: str, previous: dict[str, str]) -> dict[str, str]:
    changes = {
        "uscc_check": {"CF_CFJGDM": row["CF_CFJGDM"][:-1] + ("0" if row["CF_CFJGDM"][-1] != "0" else "1")},
        "uscc_lower": {"CF_SJLYDM": row["CF_SJLYDM"].lower()},
        "ric_check": {"CF_XDR_LB": "自然人", "CF_XDR_ZJLX": "身份证", "CF_XDR_SHXYM": "", "CF_XDR_ZJHM": "33090219900101123" + "0"},
        "ric_date": {"CF_XDR_LB": "自然人", "CF_XDR_ZJLX": "身份证", "CF_XDR_SHXYM": "", "CF_XDR_ZJHM": "330902199002300000"},
        "missing_required": {"CF_WFXW": ""},
        "bad_enum": {"CF_XDR_LB": "企业"},
        "bad_date": {"CF_JDRQ": row["CF_JDRQ"][:8] + "31" if row["CF_JDRQ"][5:7] in ("02", "04", "06", "09", "11") else "2024-13-01"},
        "negative_fine": {"CF_NR_FK": "-" + (row["CF_NR_FK"] or "1")},
        "fine_text": {"CF_NR_FK": "壹万元"},
        "too_long": {"CF_XDR_MC": row["CF_XDR_MC"] * 30},
        "duplicate_key": {"CF_WSH": previous["CF_WSH"], "CF_CFJGDM": previous["CF_CFJGDM"]},
        "person_no_id": {"CF_XDR_LB": "自然人", "CF_XDR_ZJLX": "身份证", "CF_XDR_SHXYM": "", "CF_XDR_ZJHM": ""},
        "org_no_uscc": {"CF_XDR_LB": "法人及非法人组织", "CF_XDR_SHXYM": ""},
        "bad_category": {"CF_CFLB": "警告；罚金"},
    }  # fmt: skip
    return row | changes[kind]


def write_penalties(path: Path, rows: int, seed: int) -> None:
    """A deterministic penalty CSV with canonical headers; about 1 % of rows are bad in one of 14 ways."""
    rng = random.Random(seed)
    p = pools(rng)
    names = SCHEMA.names
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(names)
        previous = good_row(rng, p, 0)
        for n in range(rows):
            row = good_row(rng, p, n)
            if rng.random() < 0.01:
                row = spoil(row, rng.choice(BAD_KINDS), previous)
            else:
                previous = row
            writer.writerow([row.get(c, "") for c in names])


def sample_penalties(path: Path, rows: int, seed: int, data: Path) -> None:
    """The project's own synthetic catalog (``generator.sample``), its penalty batches joined into one CSV
    with canonical headers (corrections re-sent in later batches thus become duplicate keys in the one file)."""
    from generator.sample import write_sample
    from generator.sample.registry import GENERATORS
    from generator.validation.reference import canonical_rows

    share = next(g.share for g in GENERATORS if g.id == "penalties")
    catalog = data / "sample-catalog"
    write_sample(catalog, math.ceil(rows / share) + 1000, seed=seed, replace=True)
    batches = sorted(
        p for p in (catalog / "datasets" / "penalties").iterdir() if p.suffix in (".csv", ".xlsx")
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(SCHEMA.names)
        written = 0
        for batch in batches:
            for cells in list(canonical_rows(batch, SCHEMA))[1:]:
                if cells and written < rows:
                    writer.writerow(cells)
                    written += 1
    shutil.rmtree(catalog)


def catalog_with(
    data: Path, name: str, rows: int, seed: int, source: Path | None = None, own: bool = False
) -> Path:
    """A one-dataset catalog folder holding the benchmark file (cached by rows and seed)."""
    root = data / name
    batch = root / "datasets" / "penalties" / "2024.csv"
    marker = root / f".rows-{rows}-seed-{seed}-{'own' if own else 'sample'}"
    if not marker.exists():
        (root / "datasets" / "penalties").mkdir(parents=True, exist_ok=True)
        (root / "portal.yaml").write_text(PORTAL_YAML, encoding="utf-8")
        (root / "datasets" / "penalties" / "dataset.yaml").write_text(DATASET_YAML, encoding="utf-8")
        if source is None and own:
            write_penalties(batch, rows, seed)
        elif source is None:
            sample_penalties(batch, rows, seed, data)
        else:
            with (
                open(source, encoding="utf-8", newline="") as f,
                open(batch, "w", encoding="utf-8", newline="") as out,
            ):
                writer = csv.writer(out, lineterminator="\n")
                for n, record in enumerate(csv.reader(f)):
                    if n > rows:
                        break
                    writer.writerow(record)
        marker.touch()
    return root


# ---- measured runs (each in a child process) ---------------------------------------------------------------

# (key, child mode, catalog, label): every round runs each once, in an order rotated round by round
RUNS = (
    ("gongshi_subset", "gongshi", "subset", "gongshi read_records + validate"),
    ("frictionless_reference", "frictionless", "subset", "frictionless + gongshi checks (reference)"),
    ("frictionless_native_only", "plain", "subset", "frictionless, native checks only"),
    ("cli_gongshi_check", "cli-gongshi", "subset", "CLI: gongshi check"),
    ("cli_frictionless_validate", "cli-frictionless", "subset", "CLI: frictionless validate --schema"),
    ("gongshi_full", "gongshi", "full", "gongshi read_records + validate, ALL rows"),
)
SCHEMA_FILE = "penalty.schema.json"  # next to the catalog folders, for ``frictionless validate --schema``
CHECK_SUMMARY = re.compile(r"共 (\d+) 行，退回 (\d+) 行")  # the last line ``gongshi check`` prints


def child(mode: str, root: Path) -> dict[str, Any]:
    """Run one measurement in this (child) process and return its figures."""
    if mode.startswith("cli-"):
        return _cli(mode, root)
    from generator.catalog import load_catalog
    from generator.loading import read_records
    from generator.validate import validate
    from generator.validation.reference import frictionless_flags, gongshi_flags

    catalog, problems = load_catalog(root)
    assert catalog is not None, problems
    batch = catalog.datasets[0].batches[0]
    cpu = _cpu_seconds()
    started = time.perf_counter()
    if mode == "gongshi":
        raw = read_records(catalog)
        loaded = time.perf_counter()
        rows = len(raw.tables["penalties"].frame) + len(raw.ledger)
        valid = validate(raw)
        flags = gongshi_flags(raw, valid).get("datasets/penalties/2024.csv")
        extra = {"load_s": loaded - started, "validate_s": time.perf_counter() - loaded}
    else:
        flags = frictionless_flags(batch, SCHEMA) if mode == "frictionless" else _plain_frictionless(batch)
        with open(batch, encoding="utf-8") as f:
            rows = sum(1 for _ in f) - 1  # the benchmark file has no line breaks inside cells
        extra = {}
    elapsed = time.perf_counter() - started
    cpu = _cpu_seconds() - cpu
    flagged = sorted(flags.rows) if flags else []
    peak = _peak_rss()
    return {"mode": mode, "rows": rows, "seconds": elapsed, "rows_per_s": rows / elapsed, "cpu_seconds": cpu,
            "rows_per_cpu_s": rows / cpu, "peak_rss_bytes": peak, "flagged": len(flagged),
            "flagged_rows": flagged, **extra}  # fmt: skip


def _cli(mode: str, root: Path) -> dict[str, Any]:
    """Run a command line from this small process: wall time from spawn to exit; its CPU time and peak memory
    from wait4 (ru_maxrss is the larger of the command's own peak and this spawner's, which is far smaller)."""
    batch = Path(root.name) / "datasets" / "penalties" / "2024.csv"
    if mode == "cli-gongshi":
        command = [_tool("gongshi"), "check", "--catalog", root.name]
    else:
        command = [_tool("frictionless"), "validate", "--schema", SCHEMA_FILE, "--limit-errors", str(10**9),
                   "--json", str(batch)]  # fmt: skip
    with tempfile.TemporaryDirectory() as tmp:
        out, err = Path(tmp) / "stdout", Path(tmp) / "stderr"
        with open(out, "wb") as stdout, open(err, "wb") as stderr:
            started = time.perf_counter()
            process = subprocess.Popen(command, cwd=root.parent, stdout=stdout, stderr=stderr)
            _, status, usage = os.wait4(process.pid, 0)
            elapsed = time.perf_counter() - started
        process.returncode = code = os.waitstatus_to_exitcode(status)
        printed, said = out.read_text(encoding="utf-8"), err.read_text(encoding="utf-8")
    if code not in (0, 1):  # 1: rows rejected (gongshi) or the file is invalid (frictionless)
        raise RuntimeError(f"{' '.join(command)} exited {code}:\n{said[-2000:]}")
    flagged: list[int] | None
    if mode == "cli-gongshi":
        found = CHECK_SUMMARY.findall(said)
        assert found, said[-2000:]
        rows, count = (int(n) for n in found[-1])
        flagged = None  # the command prints a count and the first problems; the build report has every row
    else:
        report = json.loads(printed)
        rows = sum(int(task["stats"]["rows"]) for task in report["tasks"])
        flagged = _cli_flagged(report)
        count = len(flagged)
    cpu = usage.ru_utime + usage.ru_stime
    spawner = _peak_rss()
    return {"mode": mode, "rows": rows, "seconds": elapsed, "rows_per_s": rows / elapsed, "cpu_seconds": cpu,
            "rows_per_cpu_s": rows / cpu, "peak_rss_bytes": usage.ru_maxrss * 1024, "spawner_peak_rss_bytes": spawner,
            "exit_code": code, "command": command, "flagged": count, "flagged_rows": flagged}  # fmt: skip


def _tool(name: str) -> str:
    """The virtualenv's console script (next to this Python), else the one on PATH."""
    here = Path(sys.executable).parent / name
    found = str(here) if here.exists() else shutil.which(name)
    if found is None:
        raise SystemExit(f"{name} not found next to {sys.executable} or on PATH")
    return found


def _cli_flagged(report: dict[str, Any]) -> list[int]:
    """The rows a ``frictionless validate --json`` report flags, counted as ``reference._collect`` counts them
    (blank rows and all-empty primary keys flag nothing of their own); anything not about a row is an error."""
    rows: set[int] = set()
    other = [str(e.get("message")) for e in report.get("errors", [])]
    for task in report["tasks"]:
        for error in task["errors"]:
            kind = error["type"]
            if kind == "blank-row" or (kind == "primary-key" and "None" in error.get("note", "")):
                continue
            if "rowNumber" in error:
                rows.add(int(error["rowNumber"]))
            else:
                other.append(f"{kind}: {error.get('message')}")
    if other:
        raise RuntimeError(f"frictionless reported problems not about rows: {other[:5]}")
    return sorted(rows)


def _cpu_seconds() -> float:
    """CPU time of this process, all threads: unlike wall time, hardly changed by other work on the machine."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _peak_rss() -> int:
    """This process's own peak resident memory (VmHWM; ru_maxrss also counts the parent's peak before exec)."""
    with open("/proc/self/status", encoding="ascii") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def _plain_frictionless(batch: Path) -> Any:
    """frictionless with the native Table Schema checks only (what `frictionless validate --schema` does)."""
    import frictionless

    from generator.validation.reference import Flags, _collect

    schema = frictionless.Schema.from_descriptor(SCHEMA.frictionless())
    report = frictionless.Resource(batch.name, basepath=str(batch.parent), schema=schema).validate(
        limit_errors=10**9
    )
    flags = Flags()
    for task in report.tasks:
        for error in task.errors:
            _collect(flags, error)
    return flags


def measure(mode: str, root: Path) -> dict[str, Any]:
    """One run in a fresh child process; ``process_s``: the whole child, interpreter start and imports included."""
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, __file__, "--child", mode, str(root)], capture_output=True, text=True, check=False,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )  # fmt: skip
    if done.returncode:
        raise SystemExit(f"{mode} run failed:\n{done.stderr}")
    return dict(json.loads(done.stdout.splitlines()[-1])) | {"process_s": time.perf_counter() - started}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--subset", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--data", type=Path, default=Path("/tmp/gongshi-bench-validate"))
    parser.add_argument(
        "--own-generator", action="store_true", help="use this script's generator instead of generator.sample"
    )
    parser.add_argument("--child", nargs=2, metavar=("MODE", "CATALOG"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child[0], Path(args.child[1]))))
        return
    started = time.perf_counter()
    full = catalog_with(args.data, "full", args.rows, args.seed, own=args.own_generator)
    generated = time.perf_counter() - started
    source = full / "datasets" / "penalties" / "2024.csv"
    subset = catalog_with(args.data, "subset", args.subset, args.seed, source, own=args.own_generator)
    (args.data / SCHEMA_FILE).write_text(
        json.dumps(SCHEMA.frictionless(), ensure_ascii=False), encoding="utf-8"
    )
    roots = {"full": full, "subset": subset}
    runs: dict[str, list[dict[str, Any]]] = {key: [] for key, *_ in RUNS}
    loads: list[tuple[float, float, float]] = []
    for round_ in range(args.rounds):
        loads.append(os.getloadavg())
        turn = round_ % len(RUNS)
        for key, mode, root, _ in RUNS[turn:] + RUNS[:turn]:
            runs[key].append(measure(mode, roots[root]))
            print(
                f"round {round_ + 1}/{args.rounds} {key}: {runs[key][-1]['seconds']:.2f} s", file=sys.stderr
            )
    loads.append(os.getloadavg())
    report(args, runs, loads, generated, full)


def best(runs: list[dict[str, Any]], key: str = "seconds") -> float:
    return min(float(r[key]) for r in runs)


def median(runs: list[dict[str, Any]], key: str = "seconds") -> float:
    return float(statistics.median(float(r[key]) for r in runs))


def report(
    args: argparse.Namespace,
    runs: dict[str, list[dict[str, Any]]],
    loads: list[tuple[float, float, float]],
    generated: float,
    full: Path,
) -> None:
    size = (full / "datasets" / "penalties" / "2024.csv").stat().st_size
    print(f"\n{args.rows:,} penalty rows, {size / 2**20:.0f} MiB CSV (generated/cached in {generated:.1f} s); "
          f"{args.rounds} rounds taking turns; all but the last run on the same first {args.subset:,} rows\n")  # fmt: skip
    print(f"{'run':44} {'rows':>9} {'best s':>7} {'median s':>8} {'rows/s best':>11} {'rows/s med':>10} "
          f"{'CPU s med':>9} {'peak RSS':>9} {'flagged':>8}")  # fmt: skip
    for key, _, _, label in RUNS:
        r = runs[key]
        rows = r[0]["rows"]
        flagged = {x["flagged"] for x in r}
        shown = f"{r[0]['flagged']:,}" if len(flagged) == 1 else "varies"
        peak = max(x["peak_rss_bytes"] for x in r) / 2**20
        if key == "gongshi_full":
            print(f"-- a different row count: not compared with the runs above {'-' * 60}")
        print(f"{label:44} {rows:>9,} {best(r):>7.2f} {median(r):>8.2f} {rows / best(r):>11,.0f} "
              f"{rows / median(r):>10,.0f} {median(r, 'cpu_seconds'):>9.2f} {peak:>5.0f} MiB {shown:>8}")  # fmt: skip
    ours, ref, plain = (
        runs["gongshi_subset"],
        runs["frictionless_reference"],
        runs["frictionless_native_only"],
    )
    cli_ours, cli_ref, whole = (
        runs["cli_gongshi_check"],
        runs["cli_frictionless_validate"],
        runs["gongshi_full"],
    )
    ratios = {
        "in_process_vs_reference": {"best": best(ref) / best(ours), "median": median(ref) / median(ours),
                                    "cpu_median": median(ref, "cpu_seconds") / median(ours, "cpu_seconds")},
        "in_process_vs_native_only": {"best": best(plain) / best(ours), "median": median(plain) / median(ours),
                                      "cpu_median": median(plain, "cpu_seconds") / median(ours, "cpu_seconds")},
        "cli_to_cli": {"best": best(cli_ref) / best(cli_ours), "median": median(cli_ref) / median(cli_ours),
                       "cpu_median": median(cli_ref, "cpu_seconds") / median(cli_ours, "cpu_seconds")},
    }  # fmt: skip
    names = {
        "in_process_vs_reference": "in-process, gongshi vs frictionless + our checks",
        "in_process_vs_native_only": "in-process, gongshi vs frictionless native only",
        "cli_to_cli": "CLI-to-CLI, gongshi check vs frictionless validate",
    }
    print(f"\nspeed-up on the same {args.subset:,} rows, same run (frictionless time / gongshi time):")
    for key, ratio in ratios.items():
        print(f"  {names[key]:52} {ratio['best']:5.1f}x best, {ratio['median']:5.1f}x median "
              f"({ratio['cpu_median']:.1f}x CPU time, medians)")  # fmt: skip
    print(f"  whole child process, interpreter start and imports included (median): gongshi "
          f"{median(ours, 'process_s'):.2f} s, reference {median(ref, 'process_s'):.2f} s, "
          f"native only {median(plain, 'process_s'):.2f} s")  # fmt: skip
    print(f"not a ratio: gongshi alone on all {args.rows:,} rows {args.rows / best(whole):,.0f} rows/s best, "
          f"{args.rows / median(whole):,.0f} median (load {median(whole, 'load_s'):.2f} s + validate "
          f"{median(whole, 'validate_s'):.2f} s, medians)")  # fmt: skip
    flags = _compare_flags(runs)
    print("rows flagged: " + "; ".join(f"{k.replace('_', ' ')}: {v}" for k, v in flags.items()))
    spawner_bound = any(r["spawner_peak_rss_bytes"] >= r["peak_rss_bytes"] for r in cli_ours + cli_ref)
    if spawner_bound:
        print("note: a CLI peak RSS is only an upper bound (its spawner's peak was as large)")
    ones = [load[0] for load in loads]
    print(f"machine load average (1 min) at each round's start and at the end: "
          f"{', '.join(f'{x:.2f}' for x in ones)} (range {min(ones):.2f}-{max(ones):.2f}) on {os.cpu_count()} cores; "
          f"1/5/15 min at the end {loads[-1]}")  # fmt: skip
    summary = {
        "rows": args.rows, "subset_rows": args.subset, "rounds": args.rounds, "seed": args.seed, "csv_bytes": size,
        "cpu_count": os.cpu_count(), "python": sys.version.split()[0], "load_averages": loads,
        "figures": {key: _figures(runs[key]) for key, *_ in RUNS}, "speedups_same_rows": ratios,
        "flags": flags, "cli_peak_rss_upper_bound_only": spawner_bound,
        "runs": {key: [_strip(r) for r in runs[key]] for key, *_ in RUNS},
        "data": "own generator" if args.own_generator else "generator.sample penalty batches joined into one file",
        "note": "ratios: frictionless seconds / gongshi seconds on the same subset_rows rows in the same run, "
        "best against best and median against median; in-process times exclude interpreter start and imports, "
        "CLI times are each command's wall time; gongshi_full is on rows rows and is not put in any ratio.",
    }  # fmt: skip
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(summary, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {OUT.relative_to(REPO)}")


def _compare_flags(runs: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
    """Whether the runs on the subset flagged the same rows (and each run the same rows in every round)."""
    rows = {key: r[0]["flagged_rows"] for key, r in runs.items()}
    ours, ref, plain, cli = (
        set(rows[k])
        for k in (
            "gongshi_subset",
            "frictionless_reference",
            "frictionless_native_only",
            "cli_frictionless_validate",
        )
    )
    return {
        "same_in_every_round": all(
            len({json.dumps(x["flagged_rows"]) for x in r}) == 1 for r in runs.values()
        ),
        "gongshi_vs_reference_same_rows": ours == ref,
        "native_only_rows_all_flagged_by_gongshi": plain <= ours,
        "flagged_by_gongshi_only_not_native": len(ours - plain),
        "frictionless_cli_same_rows_as_in_process_native": cli == plain,
        "gongshi_check_rejected_equals_in_process_flagged": runs["cli_gongshi_check"][0]["flagged"]
        == len(ours),
    }


def _figures(runs: list[dict[str, Any]]) -> dict[str, Any]:
    rows = runs[0]["rows"]
    figures = {"rows": rows, "best_s": best(runs), "median_s": median(runs), "rows_per_s_best": rows / best(runs),
               "rows_per_s_median": rows / median(runs), "cpu_s_median": median(runs, "cpu_seconds"),
               "peak_rss_bytes_max": max(r["peak_rss_bytes"] for r in runs), "flagged": runs[0]["flagged"]}  # fmt: skip
    if "load_s" in runs[0]:
        figures |= {"load_s_median": median(runs, "load_s"), "validate_s_median": median(runs, "validate_s")}
    return figures


def _strip(run: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in run.items() if k != "flagged_rows"}


if __name__ == "__main__":
    main()
