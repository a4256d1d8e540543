"""Benchmark (issue 16): the build's ledger of the files it wrote, at a city's number of files.

A build notes every file it puts into the staging site in a ``generator.written.Ledger`` (a page task's files
come back as one ``WrittenBatch``) and seals the site from it: the files on disk listed and matched to the
ledger, a sealed ledger gathered in path order, its digest map made. This measures that alone for ``--files``
paths shaped like a site's pages, taken back in batches of 2,000 as the page tasks return them (each batch
pickled and loaded, as it crosses from a worker), then sealed from a listing in another order with fresh
strings (as the walk of the folder gives them): the anonymous memory (``RssAnon``) the ledger holds after the
batches, the peak while sealing and what the sealed ledger and map hold, with the CPU of each step; best and
median over ``--rounds``, each round in a fresh process. ``--against DIR`` runs the same rounds, the same rows,
with the ``generator`` package of another checkout (an older revision) beside this one's.

    .venv/bin/python bench/bench_ledger.py [--files 1300000] [--rounds 3] [--against /tmp/old-checkout]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from rounds import compare  # bench/rounds.py, beside this script

BATCH = 2_000  # files a page task writes (generator.site.bulk.CHUNK records)

ROUND = r"""
import gc, json, pickle, random, sys, time
from generator.collector import give_back
from generator.written import Ledger, Written, WrittenBatch

files, batch = int(sys.argv[1]), int(sys.argv[2])
rng = random.Random(1)
def path(n):
    h = f"{rng.getrandbits(64):016X}"
    return f"r/{h[:2]}/{h}{n}.html" if n % 3 else f"s/{h[:2]}/91{h}{n % 97:02d}.html"
names = [path(n) for n in range(files)]
walk_order = list(range(files)); random.Random(2).shuffle(walk_order)
gc.collect(); give_back(); start = anon()  # the rows themselves are not the ledger's
sent = [pickle.dumps(WrittenBatch.of([Written(names[n], f"{n:032x}", n, 10_000 + n, n % 2 == 0)
                                      for n in range(a, min(files, a + batch))])) for a in range(0, files, batch)]
cpu = time.process_time()
ledger = Ledger()
for blob in sent:
    ledger.add_batch(pickle.loads(blob))
took = time.process_time() - cpu
del sent; gc.collect(); give_back(); held = anon() - start
cpu = time.process_time()
with Peak() as peak:
    paths, inodes, rows = ledger.listing(("".join(names[n]), 10_000 + n) for n in walk_order)
    sealed = ledger.gathered(paths, rows)
    digests = sealed.digest_map()
sealing = time.process_time() - cpu
del paths, inodes, rows, ledger; gc.collect(); give_back()
after = anon() - start
cpu = time.process_time(); sealed.get(names[0]); first = time.process_time() - cpu
cpu = time.process_time(); found = sum(sealed.get(names[n]) is not None for n in range(0, files, 97)); each = time.process_time() - cpu
assert found == len(range(0, files, 97)) and len(sealed) == files == len(digests)
print(json.dumps({"ledger_mib": held, "add_cpu_s": took, "seal_peak_mib": max(peak.mib - start, after),
                  "seal_cpu_s": sealing, "sealed_mib": after, "first_lookup_cpu_s": first,
                  "lookup_us": each / len(range(0, files, 97)) * 1e6}))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--files", type=int, default=1_300_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--against", type=Path, help="another checkout, measured in the same run")
    args = parser.parse_args()
    report = compare(ROUND, [str(args.files), str(BATCH)], args.rounds, args.against)
    print(json.dumps({"files": args.files, "rounds": args.rounds, **report}, indent=1))


if __name__ == "__main__":
    main()
