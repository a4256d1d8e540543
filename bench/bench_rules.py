"""Benchmark of the rules stage: apply_rules on N synthetic validated penalty rows (default 1,000,000).

Not part of the product and not a test. Rows are built vectorised to look like a city's 双公示 penalties: decision
dates 2018–2026 over all three rule sets, mixed categories (old names too), 20 % natural persons with 身份证
numbers (a few minors), some 简易程序, sector keywords, 公示截止期 on some rows, 2 % corrections in a later
batch, 1 % repaired and 0.5 % revoked (through real decisions/*.csv files read by load_rules), and a
first-publication state for half the records. Reports rows/s of apply_rules (wall clock and CPU time, the
latter meaningful on a shared machine) and the peak RSS during it (VmHWM after resetting it through
/proc/self/clear_refs).

    PYTHONPATH=. .venv/bin/python bench/bench_rules.py [N]
"""

from __future__ import annotations

import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from generator.config import DatasetConfig
from generator.identifiers import record_id
from generator.model import BATCH, FILE, KEY, RECORD_ID, ROW, DatasetSpec, StageResult, Table
from generator.rules import apply_rules, load_rules
from generator.schema import builtin_schema

AS_OF = date(2026, 11, 20)
CATEGORIES = ["罚款", "警告", "警告；罚款", "罚款；没收违法所得", "吊销许可证件", "责令停产停业；罚款", "通报批评",
              "暂扣或者吊销许可证", "没收违法所得、没收非法财物", "责令关闭", "行政拘留", "罚款,暂扣许可证件"]  # fmt: skip
LAWS = ["《中华人民共和国产品质量法》第四十九条", "《中华人民共和国特种设备安全法》第八十四条",
        "《中华人民共和国安全生产法》第九十九条", "《中华人民共和国消防法》第六十条", "《食品安全法》第一百二十四条"]  # fmt: skip


def synthetic(n: int, seed: int = 1) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    schema = builtin_schema("penalty")
    frame = pd.DataFrame({name: np.full(n, "", dtype=object) for name in schema.names})
    decided = np.datetime64("2018-01-01") + rng.integers(0, 3250, n).astype("timedelta64[D]")
    frame["CF_JDRQ"] = np.datetime_as_string(decided, unit="D")
    frame["CF_WSH"] = pd.Series(np.arange(n)).astype(str).radd("临罚〔2024〕").add("号").to_numpy()
    frame["CF_CFJGDM"] = (
        "11330900002570512" + pd.Series(rng.integers(0, 40, n)).astype(str).str.zfill(2).str[-1]
    )
    frame["CF_CFJG"] = "临江市第" + pd.Series(rng.integers(0, 40, n)).astype(str) + "局"
    frame["CF_CFLB"] = np.array(CATEGORIES, dtype=object)[rng.integers(0, len(CATEGORIES), n)]
    frame["CF_YJ"] = np.array(LAWS, dtype=object)[rng.integers(0, len(LAWS), n)]
    frame["CF_WFXW"], frame["CF_SY"], frame["CF_NR"] = "销售不合格产品", "经查……", "罚款"
    frame["CF_XDR_MC"], frame["CF_XDR_LB"] = "临江市某某有限公司", "法人及非法人组织"
    people = rng.random(n) < 0.2
    births = np.datetime64("1950-01-01") + rng.integers(0, 21000, n).astype("timedelta64[D]")
    ids = "330902" + pd.Series(np.datetime_as_string(births, unit="D")).str.replace("-", "") + "1234"
    frame.loc[people, ["CF_XDR_LB", "CF_XDR_ZJLX", "CF_XDR_MC"]] = ["自然人", "身份证", "张三"]
    frame.loc[people, "CF_XDR_ZJHM"] = ids[people].to_numpy()
    frame.loc[rng.random(n) < 0.03, "CF_CXLX"] = "简易程序"
    frame.loc[rng.random(n) < 0.05, "CF_SXCD"] = "严重"
    until = rng.random(n) < 0.1
    frame.loc[until, "CF_GSJZQ"] = np.datetime_as_string(decided[until] + np.timedelta64(200, "D"), unit="D")
    return frame


def with_meta(frame: pd.DataFrame, dataset: str, seed: int = 2) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    frame[BATCH], frame[FILE] = 0, f"datasets/{dataset}/2024.csv"
    frame[ROW] = np.arange(2, len(frame) + 2)
    corrected = frame[rng.random(len(frame)) < 0.02].copy()
    corrected[BATCH], corrected[FILE] = 1, f"datasets/{dataset}/2025.csv"
    corrected[ROW], corrected["CF_NR"] = np.arange(2, len(corrected) + 2), "罚款（更正）"
    frame = pd.concat([frame, corrected], ignore_index=True)
    frame[KEY] = frame["CF_WSH"] + "\x1f" + frame["CF_CFJGDM"]
    frame[RECORD_ID] = [
        record_id(dataset, (a, b)) for a, b in zip(frame["CF_WSH"], frame["CF_CFJGDM"], strict=True)
    ]
    text = [c for c in frame.columns if c not in (ROW, BATCH)]
    return frame.astype({c: "str" for c in text})


def decisions(root: Path, frame: pd.DataFrame, dataset: str, seed: int = 3) -> None:
    rng = np.random.default_rng(seed)
    ids = frame[RECORD_ID].drop_duplicates().to_numpy()
    repaired = rng.choice(ids, len(ids) // 100, replace=False)
    revoked = rng.choice(ids, len(ids) // 200, replace=False)
    (root / "decisions").mkdir(parents=True)
    pd.DataFrame({"数据集": dataset, "记录编号": repaired, "修复决定书文号": "临信修〔2026〕1号",
                  "修复日期": "2026-06-01", "修复机关": "临江市发展和改革委员会"}).to_csv(root / "decisions/repairs.csv", index=False)  # fmt: skip
    pd.DataFrame({"数据集": dataset, "记录编号": revoked, "撤销原因": "异议核实有误",
                  "撤销日期": "2026-06-01"}).to_csv(root / "decisions/revocations.csv", index=False)  # fmt: skip


def rss(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) // 1024
    return 0


def main(n: int) -> None:
    dataset = "penalties"
    frame = with_meta(synthetic(n), dataset)
    spec = DatasetSpec(dataset, DatasetConfig(kind="penalty", title="行政处罚", description="基准", publisher="基准",
                       update_frequency="monthly"), builtin_schema("penalty"), Path("."), ())  # fmt: skip
    with tempfile.TemporaryDirectory() as tmp:
        decisions(Path(tmp), frame, dataset)
        started = time.perf_counter()
        rules, problems = load_rules(Path(tmp))
        loaded = time.perf_counter() - started
    assert rules is not None, problems
    ids = frame[RECORD_ID].drop_duplicates()
    earlier = pd.Series("2025-01-02", index=ids.iloc[: len(ids) // 2].to_numpy(), dtype="str")
    valid = StageResult(tables={dataset: Table(spec, frame)})
    before = rss("VmRSS")
    Path("/proc/self/clear_refs").write_text("5")
    started, cpu = time.perf_counter(), time.process_time()
    result = apply_rules(valid, rules, AS_OF, earlier)
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    peak = rss("VmHWM")
    public = len(result.tables[dataset].frame)
    print(
        f"rows in: {len(frame):,} (incl. corrections); public: {public:,}; withheld: {len(result.ledger):,}"
    )
    print(result.ledger["reason"].value_counts().to_string())
    print(f"load_rules: {loaded:.2f} s; apply_rules: {elapsed:.2f} s = {len(frame) / elapsed:,.0f} rows/s")
    print(
        f"apply_rules CPU time: {cpu:.2f} s = {len(frame) / cpu:,.0f} rows per CPU-second (load-independent)"
    )
    print(f"RSS before apply_rules: {before:,} MiB; peak during: {peak:,} MiB (+{peak - before:,} MiB)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000)
