"""Benchmark (issue 16): the feed and sitemaps (``generator.site.feeds.write_feeds``) at a city's number of pages.

The site stage ends with the sitemaps: every HTML page's path, sorted and each once, with its ``lastmod`` from
the records' dates (a record page's own, an archive's newest, a listing's newest). This makes ``bench_site.py``'s
synthetic publication of ``--records`` records, its views, and the pages a build writes for them (record pages,
archives, month listings, a few Markdown pages; in build order), then measures ``write_feeds`` alone: the
anonymous memory (``RssAnon``) at its peak above its start, its CPU, and a digest of the files it wrote (the
same digest from both checkouts: the same bytes); best and median over ``--rounds``, each round in a fresh
process. ``--against DIR`` runs the same rounds, the same rows, with another checkout's ``generator``.

    .venv/bin/python bench/bench_sitemaps.py [--records 1000000] [--rounds 3] [--against /tmp/old-checkout]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from rounds import compare  # bench/rounds.py, beside this script

ROUND = r"""
import gc, hashlib, json, sys, tempfile, time
from pathlib import Path
import pyarrow as pa
from generator.collector import give_back
from generator.model import RECORD_ID
from generator.site import urls
from generator.site.feeds import write_feeds
from generator.site.view import ARCHIVE, MONTH, dataset_views
sys.path.insert(0, sys.argv[2])  # this checkout's bench/: the synthetic publication (after the checkout's
from bench_site import synthetic  # generator is imported: bench_site puts this checkout first on the path)

pub = synthetic(int(sys.argv[1]))
views, _ = dataset_views(pub.tables)
portal, as_of = pub.catalog.portal, pub.as_of
docs = ["", "catalog/", "lists/", "guide/objection/", *(f"datasets/{v.id}/" for v in views)]
records = [urls.record_pages(urls.arrow_strings(v.frame[RECORD_ID])) for v in views if v.is_record_set]
codes = sorted({c for v in views for c in v.frame[ARCHIVE] if c})
months = [urls.month_page(v.id, m) for v in views if v.is_record_set for m in sorted(set(v.frame[MONTH]))]
pages = pa.concat_arrays([pa.array(docs, pa.large_string()), *records,
                         pa.array([urls.subject_page(c) for c in codes], pa.large_string()),
                         pa.array(months, pa.large_string())])
del records, codes, months, pub
gc.collect(); give_back(); start = anon()
with tempfile.TemporaryDirectory() as site:
    cpu = time.process_time()
    with Peak() as peak:
        write_feeds(Path(site), portal, as_of, views, pages)
    took = time.process_time() - cpu
    digest = hashlib.sha256()
    for path in sorted(Path(site).rglob("*.xml")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
print(json.dumps({"pages": len(pages), "peak_mib": peak.mib - start, "cpu_s": took,
                  "files_digest": int(digest.hexdigest()[:12], 16)}))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--against", type=Path, help="another checkout, measured in the same run")
    args = parser.parse_args()
    bench = str(Path(__file__).resolve().parent)
    report = compare(ROUND, [str(args.records), bench], args.rounds, args.against)
    print(json.dumps({"records": args.records, "rounds": args.rounds, **report}, indent=1))


if __name__ == "__main__":
    main()
