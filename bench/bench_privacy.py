"""Benchmark of privacy masking in free text (issue 11): personal numbers inside every text cell, N penalty rows.

Not part of the product and not a test. Builds N (default 1,000,000) validated-looking 行政处罚 rows whose text
is the sample city's (``gongshi sample``'s 违法事实 templates filled with dates, places, amounts; 处罚内容,
依据, names, 文号), 20 % natural persons, and personal numbers at the sample's rates — a person's 身份证号 in
10 % of their 违法事实 (the 15-digit form in some), a representative's 身份证号 or a mobile number in a few %
of 备注 — then times, in one process:

1. ``rules.privacy.apply_privacy`` on every row (drop, mask, and the free-text scan of every text column);
2. the free-text scan alone (``freetext.mask_text_column`` over the same text columns);
3. a worst case: one column of N distinct cells that *all* pass the prefilter (18-digit numbers, a tenth of
   them real 身份证号), so every cell goes through Python.

Prints rows/s (wall clock and CPU time — CPU is what counts on a shared machine) and writes
bench/out/privacy.json.

    .venv/bin/python bench/bench_privacy.py [N]
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from generator.model import FILE, RECORD_ID, ROW  # noqa: E402
from generator.rules import load_rules  # noqa: E402
from generator.rules.freetext import candidates, mask_text_column  # noqa: E402
from generator.rules.privacy import _text_fields, apply_privacy  # noqa: E402
from generator.sample import fmt  # noqa: E402
from generator.sample.penalty_text import ACTS, CONTENT, WFXW, personal_mentions  # noqa: E402
from generator.sample.rand import fill_rows, strs  # noqa: E402
from generator.schema import builtin_schema  # noqa: E402
from generator.validation.codes import RIC_WEIGHTS  # noqa: E402

OUT = REPO / "bench" / "out" / "privacy.json"
SCHEMA = builtin_schema("penalty")


def resident_ids(rng: np.random.Generator, n: int) -> np.ndarray:
    """``n`` valid 18-character 身份证号 (local areas, born 1950–2000), built with numpy."""
    areas = np.array(["610323", "610324", "610326", "330102", "110105"], dtype=object)[rng.integers(0, 5, n)]
    born = np.datetime64("1950-01-01") + rng.integers(0, 18_600, n).astype("timedelta64[D]")
    body = areas + pd.Series(np.datetime_as_string(born, unit="D")).str.replace("-", "").to_numpy(
        dtype=object
    )
    body = body + pd.Series(rng.integers(0, 1000, n)).astype(str).str.zfill(3).to_numpy(dtype=object)
    digits = np.frombuffer("".join(body).encode("ascii"), dtype=np.uint8).reshape(n, 17).astype(np.int64) - 48
    check = (1 - (digits * RIC_WEIGHTS).sum(axis=1)) % 11
    return np.asarray(body + np.where(check == 10, "X", check.astype(str)).astype(object), dtype=object)


def facts(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    """违法事实 and 处罚内容 text like the sample city's: templates filled per row."""
    act = rng.integers(0, len(ACTS), n)
    day = rng.integers(0, 3000, n)
    number = lambda lo, hi: strs(rng.integers(lo, hi, n))  # noqa: E731
    values = {
        "found": fmt.cn_date(day), "month": fmt.cn_month(day), "place": "临江市临港区光明路" + number(1, 400) + "号",
        "qty": number(2, 60), "units": number(1, 6), "value": number(200, 20000), "gain": number(10, 5000),
        "tax": number(20000, 5_000_000), "area": number(20, 3000), "people": number(2, 12),
        "pct": number(2, 35), "alcohol": number(20, 79), "halt": number(7, 30), "jail": number(5, 10),
        "product": np.full(n, "车用尿素", dtype=object), "fine": number(1000, 200000),
    }  # fmt: skip
    templates = np.asarray([a.facts for a in ACTS], dtype=object)[act]
    combo = rng.integers(0, len(CONTENT), n)
    return fill_rows(templates, values), fill_rows(CONTENT[combo], values)


def penalties(n: int, seed: int = 1) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame({name: np.full(n, "", dtype=object) for name in SCHEMA.names})
    frame["CF_SY"], frame["CF_NR"] = facts(rng, n)
    frame["CF_WFXW"] = WFXW[rng.integers(0, len(WFXW), n)]
    frame["CF_YJ"] = "《中华人民共和国产品质量法》第四十九条"
    frame["CF_WSH"] = "临市监处罚〔2024〕" + strs(np.arange(n)) + "号"
    frame["CF_CFJG"], frame["CF_CFJGDM"] = "临江市市场监督管理局", "11610300081257958X"
    frame["CF_XDR_MC"], frame["CF_XDR_LB"] = "临江市恒盛建材有限公司", "法人及非法人组织"
    frame["CF_XDR_SHXYM"] = "91610327MA5Q898P31"
    frame["CF_JDRQ"], frame["CF_CFLB"] = "2024-03-15", "罚款"
    people = rng.random(n) < 0.2
    ids = resident_ids(rng, n)
    frame.loc[people, ["CF_XDR_LB", "CF_XDR_ZJLX", "CF_XDR_MC", "CF_XDR_SHXYM"]] = [
        "自然人",
        "身份证",
        "张三",
        "",
    ]
    frame.loc[people, "CF_XDR_ZJHM"] = ids[people]
    reps = resident_ids(rng, n)
    frame.loc[~people, "CF_FR_ZJHM"] = reps[~people]
    extra, remark = personal_mentions(
        seed, np.arange(n, dtype=np.int64), np.where(people, ids, ""), np.where(people, "", reps)
    )
    frame["CF_SY"] = frame["CF_SY"] + extra
    frame["BZ"] = remark
    frame[FILE], frame[ROW] = "datasets/penalties/2024.csv", np.arange(2, n + 2)
    frame[RECORD_ID] = "0" * 16
    return frame.astype({c: "str" for c in frame.columns if c != ROW})


def timed(run: Callable[[], Any]) -> tuple[Any, float, float]:
    started, cpu = time.perf_counter(), time.process_time()
    result = run()
    return result, time.perf_counter() - started, time.process_time() - cpu


def main(n: int) -> None:
    frame = penalties(n)
    with tempfile.TemporaryDirectory() as empty:
        rules, problems = load_rules(Path(empty))
    assert rules is not None, problems
    privacy = rules.publication.privacy
    rows = np.arange(n, dtype=np.intp)
    fields = _text_fields(frame, SCHEMA)
    candidate_cells = sum(int(candidates(frame[name]).sum()) for name, _ in fields)

    (public, found), wall, cpu = timed(lambda: apply_privacy(frame, rows, SCHEMA, privacy, "penalties"))
    masked = {p.field: int(p.value) for p in found}
    report: dict[str, Any] = {
        "rows": n, "text_columns": len(fields), "cells_scanned": n * len(fields),
        "candidate_cells": candidate_cells, "numbers_masked": masked,
        "apply_privacy": {"wall_s": round(wall, 2), "cpu_s": round(cpu, 2), "rows_per_s": round(n / wall),
                          "rows_per_cpu_s": round(n / cpu)},
    }  # fmt: skip

    def scan_only() -> None:
        for name, only in fields:
            mask_text_column(frame[name], privacy.mask_head, privacy.mask_tail, only)

    _, wall, cpu = timed(scan_only)
    report["free_text_scan"] = {"wall_s": round(wall, 2), "cpu_s": round(cpu, 2), "rows_per_s": round(n / wall),
                                "rows_per_cpu_s": round(n / cpu)}  # fmt: skip

    rng = np.random.default_rng(3)
    lookalike = pd.Series(strs(rng.integers(10**17, 10**18 - 1, n)), dtype="str")
    real = rng.random(n) < 0.1
    lookalike[real] = resident_ids(rng, int(real.sum()))
    worst = "施工许可证编号" + lookalike
    (_, counted), wall, cpu = timed(lambda: mask_text_column(worst, privacy.mask_head, privacy.mask_tail))
    report["worst_case_every_cell_a_candidate"] = {
        "cells": n, "masked": counted.total, "wall_s": round(wall, 2), "cpu_s": round(cpu, 2),
        "cells_per_s": round(n / wall), "cells_per_cpu_s": round(n / cpu),
    }  # fmt: skip
    assert not public["CF_SY"].str.contains(r"\d{17}[\dX]").any()

    print(f"rows: {n:,}; text columns scanned: {len(fields)}; candidate cells: {candidate_cells:,}")
    print(f"numbers masked in free text: {masked}")
    for key in ("apply_privacy", "free_text_scan"):
        r = report[key]
        print(f"{key}: {r['wall_s']} s wall = {r['rows_per_s']:,} rows/s; {r['cpu_s']} s CPU = "
              f"{r['rows_per_cpu_s']:,} rows per CPU-s")  # fmt: skip
    w = report["worst_case_every_cell_a_candidate"]
    print(f"worst case ({n:,} distinct candidate cells, {w['masked']:,} real ID numbers): {w['wall_s']} s wall = "
          f"{w['cells_per_s']:,} cells/s; {w['cells_per_cpu_s']:,} cells per CPU-s")  # fmt: skip
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(report, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000)
