"""Benchmark (issue 16): the release stage's delta and content index at a city's number of public records.

The release stage reads every dataset's JSON Lines file, compares each record's digest with the previous
release's index, writes the delta and keeps the new index in ``state/``. This measures that alone on
``--records`` JSON Lines records shaped like a city's (three datasets, ≈ 0.7 KB a line): the first release
(no previous index: every line an ADD), the index kept in ``state/`` and read back, and the next day's delta
(2 % of the records changed, 1 % gone, 1 % new) — the CPU of each step, the peak of the anonymous memory
(``RssAnon``) above the start while it runs and what the index holds after; best and median over ``--rounds``,
each round in a fresh process. ``--against DIR`` runs the same rounds on the same files with the ``generator``
package of another checkout (an older revision) beside this one's.

    .venv/bin/python bench/bench_delta.py [--records 500000] [--rounds 3] [--against /tmp/old-checkout]
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from rounds import compare  # bench/rounds.py, beside this script

TEXT = (
    "经查，当事人自二〇二四年九月十四日起在其微信公众号、短视频账号等平台发布广告，广告中含有包过、保证就业等内容，"
    "当事人无法提供真实依据，广告费用九百元。依据《中华人民共和国广告法》第五十五条第一款，责令停止发布广告，"
    "在相应范围内消除影响，处广告费用三倍以上五倍以下的罚款。诊疗科目：内科；外科；中医科；医学检验科。"
)
SHARES = {"licences": 0.57, "penalties": 0.32, "inspections": 0.11}  # the 1 M sample's public records

ROUND = r"""
import gc, json, sys, time
from pathlib import Path
from generator.collector import give_back
from generator.release.delta import write_delta
from generator.release.index import read_state, write_state

work = Path(sys.argv[1])
def files(day):
    return {p.parent.name: p for p in sorted((work / day).glob("*/*.jsonl"))}
why = lambda dataset, ids: {i: ("withheld", "2026-12-01") for i in ids}
gc.collect(); give_back(); start = anon()
result = {}
def measured(name, step):
    cpu = time.process_time()
    with Peak() as peak:
        value = step()
    result[name + "_cpu_s"] = time.process_time() - cpu
    result[name + "_peak_mib"] = peak.mib - start
    return value
diff, index = measured("first", lambda: write_delta(work / "out" / "d1.jsonl", files("day1"), {}, why))
del diff; gc.collect(); give_back(); result["index_mib"] = anon() - start
measured("keep", lambda: write_state(work / "out" / "state", "r1", index))
del index; gc.collect(); give_back()
kept = measured("read", lambda: read_state(work / "out" / "state", "r1"))
diff, index = measured("day", lambda: write_delta(work / "out" / "d2.jsonl", files("day2"), kept, why))
assert sum(diff.added.values()) and sum(diff.changed.values()) and sum(len(w) for w in diff.withdrawn.values())
print(json.dumps(result))
"""


def _line(rng: random.Random, rid: str, version: int) -> str:
    turn = rng.randrange(len(TEXT))
    text = TEXT[turn:] + TEXT[:turn]
    fields = {"记录ID": rid, "行政相对人名称": f"临江市{rid[:6]}商贸有限公司", "内容": text, "版本": version}
    return json.dumps(fields, ensure_ascii=False, separators=(",", ":")) + "\n"


def write_days(work: Path, records: int) -> None:
    """Day 1's files, and day 2's: 2 % of the records changed, 1 % gone, 1 % new."""
    rng = random.Random(1)
    for dataset, share in SHARES.items():
        ids = [f"{rng.getrandbits(64):016x}" for _ in range(int(records * share))]
        for day, rows in (("day1", ids), ("day2", [i for n, i in enumerate(ids) if n % 100])):
            folder = work / day / dataset
            folder.mkdir(parents=True)
            with open(folder / f"{dataset}.jsonl", "w", encoding="utf-8") as out:
                changed = day == "day2"
                out.writelines(
                    _line(random.Random(r), r, int(changed and n % 50 == 1)) for n, r in enumerate(rows)
                )
                if changed:
                    out.writelines(
                        _line(rng, f"{rng.getrandbits(64):016x}", 0) for _ in range(len(ids) // 100)
                    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--records", type=int, default=500_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--against", type=Path, help="another checkout, measured in the same run")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        write_days(Path(folder), args.records)
        report = compare(ROUND, [folder], args.rounds, args.against)
    print(json.dumps({"records": args.records, "rounds": args.rounds, **report}, indent=1))


if __name__ == "__main__":
    main()
