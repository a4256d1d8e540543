"""Search stage: a static, sharded index of the portal's subjects and the script that queries it in the browser.

Stage: search (after the site is rendered). Guarantees:
- Only the subjects handed in are indexed (the caller passes public subjects only), each once: organisations and
  individual businesses by name and 统一社会信用代码, natural persons by name only, shown with a masked ID —
  an ID that arrives unmasked is masked here and reported, never written in clear.
- A result shows what a citizen needs up front: the lists the subject is on now (失信惩戒/重点关注/守信激励,
  as text badges), its public records counted by kind, and for a natural person each record's authority, date
  and 事由, people of the same name grouped (the browser script groups adjacent entries of one name); a query
  that finds nothing says what the portal covers, as of when, and where to search nationally.
- A query downloads only small fragments: ``meta.json``, the posting shards of the query's selective bigrams
  (four at a time, more only while the matches are too many to show), or two code-directory files for a code,
  and the document chunks of the results shown (at most two pages' worth per page shown). Bigrams
  that nearly every name shares (有限, 公司, region names…) are stop bigrams and never fetched; a query made of
  them alone gets a message asking for something more specific.
- Output is byte-identical for the same subjects, and the file count stays bounded; files whose bytes the
  previous site already has are linked from it (``generator.outputs``).
- On a Dask cluster (``on``) tasks on its workers write the posting shards and the document chunks
  (``_tasks``): the same files, byte for byte.
Measured against Pagefind in ``bench/bench_search.py``; the format is described in ``_files``.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from generator.cluster import OnCluster
from generator.outputs import Outputs
from generator.problems import Problem
from generator.search._files import write_index
from generator.search._postings import build_postings
from generator.search._subjects import COUNTED_KINDS, OTHER_KIND, clean_subjects
from generator.search._tasks import write_index_on

__all__ = ["COUNTED_KINDS", "OTHER_KIND", "build_search_index"]


def build_search_index(
    subjects: pd.DataFrame, site_dir: Path, outputs: Outputs | None = None, on: OnCluster | None = None
) -> list[Problem]:
    """Write ``site_dir/search-index/`` and the search script for ``subjects`` (columns ``name``, ``code``,
    ``kind`` org|individual-business|person, ``url`` site-relative, ``masked_id``, ``records``; optional:
    ``lists`` the list types the subject is on now, space-separated keys of ``generator.site.view.LIST_TYPES``;
    one count column per ``COUNTED_KINDS``; and for a person's record ``date``, ``authority``, ``reason``)."""
    frame, problems = clean_subjects(subjects)
    if on is None:
        write_index(frame, build_postings(frame["norm"].tolist()), site_dir, outputs)
    else:  # the same files, the shards and chunks written by tasks on the cluster's workers
        write_index_on(frame, site_dir, outputs or Outputs(site_dir), on)
    return problems
