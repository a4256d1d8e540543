"""Benchmark: writing every data-pack format for N synthetic public penalty records (default 1,000,000).

Run: ``.venv/bin/python bench/bench_packs.py [--records N] [--out DIR]``. Prints, per format, the seconds it
takes alone on one core and the bytes it writes; then the whole ``write_packs`` (all formats, XLSX in a
second process, the all-data zip, checksums) wall time and peak memory (this process and the child), and the
release stage on top (first release: a delta of N ADD lines). Target: all formats within 2 minutes on the
2-core machine. Records are realistic in shape: 31 public columns, Chinese text of realistic lengths
(违法事实 about 120 characters), 5 % natural persons with masked ID numbers, amounts and dates.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import resource
import shutil
import sys
import time
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from generator.model import BATCH, FILE, KEY, RECORD_ID, ROW, Publication, Table
from generator.packs import write_packs
from generator.packs.layout import Stamp, layout_for, public_table
from generator.packs.registry import FORMATS
from generator.packs.typed import typed_table
from generator.release import make_release
from tests.packs.builders import catalog

AS_OF = date(2026, 11, 25)
ZIHAO = [
    a + b for a in "恒盛鑫华泰安康宏达瑞丰永利金源兴旺嘉禾宝德汇通" for b in "昌隆发祥通汇晟博远诚信利达明辉"
]
TRADES = [
    "建材",
    "餐饮管理",
    "商贸",
    "科技",
    "食品",
    "机械制造",
    "物流",
    "化工",
    "医药连锁",
    "装饰工程",
    "汽车维修",
    "超市",
]
FORMS = ["有限公司", "股份有限公司", "有限责任公司", "经营部", "门市部"]
FACTS = [
    "经查，当事人于2024年5月至2025年1月期间在其经营场所销售不合格产品，货值金额共计人民币12800元。",
    "当事人未按规定建立并执行进货查验记录制度，未能提供所售产品的合格证明文件。",
    "执法人员现场检查时发现当事人存放过期食品原料共计35.6公斤，并用于加工制作。",
    "当事人未取得相应许可擅自从事经营活动，违法所得人民币3600元。",
    "上述事实有现场检查笔录、询问笔录、产品检验报告、营业执照复印件等证据证实。",
    "当事人的行为违反了《中华人民共和国产品质量法》第三十九条的规定。",
    "鉴于当事人积极配合调查，主动消除违法行为危害后果，依法从轻处罚。",
    "当事人在限期内未改正，且存在多次同类违法行为。",
]
DEPARTMENTS = [("临江市市场监督管理局", "11330900002570512X"), ("临江市生态环境局", "113309000025705130"),
               ("临江市应急管理局", "11330900MB1234567X"), ("临江市交通运输局", "113309000025709876")]  # fmt: skip


def synthetic(n: int, seed: int = 1) -> pd.DataFrame:
    """``n`` public penalty records as the rules stage hands them on (text columns plus META)."""
    rng = np.random.default_rng(seed)

    def pick(pool: list[str]) -> pd.Series:
        return pd.Series(np.asarray(pool, dtype=object)[rng.integers(0, len(pool), n)], dtype="str")

    def number(lo: int, hi: int) -> pd.Series:
        return pd.Series(rng.integers(lo, hi, n)).astype("str")

    def where(mask: np.ndarray, yes: pd.Series | str, no: pd.Series | str) -> pd.Series:
        yes_s = yes if isinstance(yes, pd.Series) else pd.Series([yes] * n, dtype="str")
        return yes_s.where(pd.Series(mask), no).astype("str")

    person = rng.random(n) < 0.05
    dept = pd.Series(rng.integers(0, len(DEPARTMENTS), n))
    serial = pd.Series(np.arange(1, n + 1)).astype("str")  # unique document numbers
    names = pd.Series([d[0] for d in DEPARTMENTS], dtype="str")
    codes = pd.Series([d[1] for d in DEPARTMENTS], dtype="str")
    cols = {
        "CF_XDR_MC": where(person, pick(list("王李张刘陈杨赵黄周吴")) + pick(["建国", "伟", "芳", "秀英", "敏"]),
                           "临江市" + pick(ZIHAO) + pick(TRADES) + pick(FORMS)),
        "CF_XDR_LB": where(person, "自然人", pick(["法人及非法人组织"] * 9 + ["个体工商户"])),
        "CF_XDR_SHXYM": where(person, "", "91330902" + number(10**9, 10**10)),
        "CF_FRDB": where(person, "", pick(list("王李张刘陈")) + pick(["建国", "伟", "芳", "丽华"])),
        "CF_XDR_ZJLX": where(person, "身份证", ""),
        "CF_XDR_ZJHM": where(person, "330902********" + number(1000, 9999), ""),
        "CF_WSH": "临" + pick(["市监", "环", "应急", "交"]) + "罚〔" + number(2022, 2027) + "〕" + serial + "号",
        "CF_WFXW": pick(["销售不合格产品", "未建立进货查验记录", "无证经营", "使用过期原料", "虚假宣传"]),
        "CF_SY": pick(FACTS) + pick(FACTS) + pick(FACTS),
        "CF_YJ": pick(["《中华人民共和国产品质量法》第四十九条", "《中华人民共和国食品安全法》第一百二十四条第一款"]),
        "CF_CFLB": pick(["罚款", "警告；罚款", "罚款；没收违法所得"]),
        "CF_NR": "罚款人民币" + number(1000, 500000) + "元。",
        "CF_NR_FK": (pd.Series(rng.integers(1, 500000, n)) / 10000).astype("str"),
        "CF_JDRQ": pd.Series(pd.Timestamp("2023-01-01") + pd.to_timedelta(rng.integers(0, 1400, n), unit="D")).dt.strftime("%Y-%m-%d").astype("str"),
        "CF_CFJG": names.take(dept).reset_index(drop=True), "CF_CFJGDM": codes.take(dept).reset_index(drop=True),
        "CF_SJLY": names.take(dept).reset_index(drop=True),
        "CF_SXCD": pick(["一般", "严重", "轻微"]), "CF_CXLX": pick(["普通程序"]), "CF_LY": pick(["", "", "食品", "特种设备"]),
    }  # fmt: skip
    spec = catalog(datasets=("penalties",)).dataset("penalties")
    empty = pd.Series([""] * n, dtype="str")
    frame = pd.DataFrame({f: cols.get(f, empty) for f in spec.schema.public_names()})
    keys = frame["CF_WSH"] + "\x1f" + frame["CF_CFJGDM"]
    frame[KEY] = keys
    frame[RECORD_ID] = pd.Series(
        [hashlib.sha256(("penalties\x1f" + k).encode()).hexdigest()[:16] for k in keys], dtype="str"
    )
    frame[FILE], frame[ROW], frame[BATCH] = "datasets/penalties/2025.csv", 2, 0
    return frame


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def cpu() -> tuple[float, float]:
    """CPU seconds (user + system) of this process and of its finished children."""
    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime, kids.ru_utime + kids.ru_stime


class Clock:
    """Wall and CPU time of a step (CPU tells what a quiet machine would take when others share the cores)."""

    def __init__(self) -> None:
        self.wall, self.cpu = time.perf_counter(), cpu()

    def line(self, label: str) -> str:
        own, kids = cpu()
        wall = time.perf_counter() - self.wall
        return f"{label:<24}{wall:8.1f} s wall {own - self.cpu[0]:8.1f} s CPU" + (
            f" (+{kids - self.cpu[1]:.1f} s CPU in the XLSX process)" if kids > self.cpu[1] else ""
        )


def per_format(pub: Publication, out: Path) -> None:
    table = pub.tables["penalties"]
    stamp = Stamp(AS_OF.isoformat(), AS_OF)
    layout = layout_for(table.spec, pub.catalog.portal, stamp)
    clock = Clock()
    text = public_table(table.frame, layout)
    print(clock.line("public table + sort"))
    clock = Clock()
    typed = typed_table(text, layout)
    print(clock.line("typed columns"))
    for fmt in FORMATS:
        folder = out / fmt.name
        folder.mkdir(parents=True)
        clock = Clock()
        written = fmt.write(layout, typed if fmt.typed else text, folder)
        size = sum(p.stat().st_size for p in written)
        print(f"{clock.line(fmt.name)} {size / 1e6:10.1f} MB")
        shutil.rmtree(folder)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "out" / "packs")
    parser.add_argument("--skip-per-format", action="store_true")
    parser.add_argument(
        "--second", action="store_true", help="also a second build: 1 %% corrected, 0.5 %% withdrawn"
    )
    args = parser.parse_args()
    shutil.rmtree(args.out, ignore_errors=True)
    t = time.perf_counter()
    cat = catalog(datasets=("penalties",))
    frame = synthetic(args.records)
    pub = Publication(cat, AS_OF, {"penalties": Table(cat.dataset("penalties"), frame)}, pd.DataFrame())
    print(f"{len(frame):,} records synthesised in {time.perf_counter() - t:.1f} s")
    print("load average before:", " ".join(f"{x:.1f}" for x in os.getloadavg()))
    if not args.skip_per_format:
        print("-- each format alone, one core --")
        per_format(pub, args.out / "alone")
    print("-- write_packs: all formats, XLSX in a second process, all-data zip, checksums --")
    site = args.out / "site"
    clock = Clock()
    files = write_packs(pub, site)
    for f in files:
        print(f"  {f.path:<48}{f.bytes / 1e6:10.1f} MB")
    print(clock.line("write_packs total"), f"; peak RSS {peak_mb():.0f} MB (this process)")
    clock = Clock()
    releases, _ = make_release(pub, files, None, site, None, args.out / "state")
    print(clock.line("make_release"), f"(first release: {releases[-1].added:,} ADD lines)")
    print("load average after:", " ".join(f"{x:.1f}" for x in os.getloadavg()))
    if args.second:
        second_build(pub, site, args.out)


def second_build(pub: Publication, previous: Path, out: Path) -> None:
    """The next day: 1 % of records corrected, 0.5 % withdrawn — a new release that purges the first."""
    frame = pub.tables["penalties"].frame
    rng = np.random.default_rng(2)
    frame = frame[rng.random(len(frame)) >= 0.005].copy()
    fixed = rng.random(len(frame)) < 0.01
    frame.loc[fixed, "BZ"] = "更正"
    nxt = Publication(
        pub.catalog,
        date(2026, 11, 26),
        {"penalties": Table(pub.tables["penalties"].spec, frame)},
        pd.DataFrame(),
    )
    site = out / "site2"
    clock = Clock()
    files = write_packs(nxt, site)
    print(clock.line("2nd: write_packs"))
    clock = Clock()
    releases, _ = make_release(nxt, files, previous, site, out / "state", out / "state2")
    r = releases[-1]
    print(
        clock.line("2nd: make_release"),
        f"({r.changed:,} MOD, {r.withdrawn:,} DEL; release {releases[0].id} purged)",
    )


if __name__ == "__main__":
    main()
