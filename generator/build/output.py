"""The build's output stages after the packs: the release, the site and search index, the report's ledger and
summary, and the final check before the swap.

Stage: release → site → search → report → final check (``generator.build`` runs them in that order, each
writing into the staging folder through the build's ``Outputs``). Guarantees: each stage lets go of what no
later stage reads as soon as it has read it (the public tables once their views are made, the ledgers once the
report's ledger is written, the views once the search index is built); generated downloads are written only
inside the staging site; the new site is swapped in only with its home page, 404 page and — when there are
subjects to find — a search index holding some.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator import __version__, paths
from generator.build.options import BuildOptions, Stages
from generator.cluster import Cluster, OnCluster
from generator.collector import give_back
from generator.commitments import CommitmentOutputs, commitment_outputs
from generator.commitments.figures import ItemSummary, item_summaries
from generator.inputs import Inputs, write_batch_cache
from generator.model import Publication, empty_ledger
from generator.outputs import Outputs
from generator.problems import Problem, fatal, has_config_errors, has_errors, problem
from generator.release import make_release
from generator.release.reasons import Withdrawals
from generator.release.seal import signing_key
from generator.report import Tally, published_rows, summarise, write_ledger, write_report
from generator.rules import RulesResult
from generator.search import build_search_index
from generator.site import SiteViews, Units, render_site, site_views
from generator.state import write_first_published
from generator.subjects import subjects_for_search

Summaries = dict[str, ItemSummary] | None  # the commitment column's figures by 事项编码


def cluster_at(cluster: Cluster | None, staging: Path) -> OnCluster | None:
    """Where a stage sends its tasks: the cluster, with their files in the staging folder."""
    return OnCluster(cluster, staging / paths.CLUSTER_DIR) if cluster is not None else None


@dataclass
class Writing:
    """Where this build writes (the staging site, against the previous one) and its page units."""

    outputs: Outputs
    units: Units
    fingerprint: str  # of the build's inputs (generator.unchanged)
    cluster: Cluster | None = None  # the Dask cluster that renders the bulk pages; None: local processes


def site_and_search(
    inputs: Inputs, ruled: RulesResult, pub: Publication, writing: Writing, options: BuildOptions,
    stage: Stages,
) -> tuple[list[Problem], int]:  # fmt: skip
    """The site and search stages, which read the same views: the problems so far (the inputs', the rules')
    with theirs, and the subjects indexed. The views are let go when both are done: no later stage reads
    them, and they are the largest thing the build holds by then (measured at 200 k records: 85 MiB, the
    public tables 75 MiB; the build's peak, in the report stage, 0.85 / 0.88 → 0.78 / 0.80 GiB)."""
    stage("site")
    summaries = item_summaries(pub.tables, pub.fulfilment)
    shown = _views(pub)
    problems = (
        inputs.problems + ruled.problems + _render(inputs, pub, shown, writing, options.jobs, summaries)
    )
    if fatal(problems):
        return problems, 0
    stage("search")
    subjects = subjects_for_search(shown)
    outputs = writing.outputs
    on = cluster_at(writing.cluster, outputs.site.parent)
    return problems + build_search_index(subjects, outputs.site, outputs, on) + pub.problems, len(subjects)


def release(pub: Publication, options: BuildOptions, outputs: Outputs, ruled: RulesResult) -> None:
    """The release stage: this build's release (signed when a key is given) beside the earlier ones, its files
    added to ``pub.files``; the withdrawn records named from the rules' ledger and decisions."""
    previous = options.out / paths.SITE_DIR
    staging = outputs.site.parent
    signer, found = signing_key(options.signing_key, pub.catalog.portal)
    if has_config_errors(found):  # the key file changed since it was checked: fail rather than sign half
        raise ValueError(found[0].message)
    pub.problems.extend(found)
    pub.releases, release_files = make_release(
        pub, pub.files, previous if previous.is_dir() else None, outputs.site,
        options.out / paths.STATE_DIR, staging / paths.STATE_DIR, outputs,
        withdrawals=Withdrawals(ruled.ledger, ruled.decided), signer=signer,
    )  # fmt: skip
    pub.files = pub.files + release_files


def _render(
    inputs: Inputs, pub: Publication, shown: SiteViews, writing: Writing, jobs: int, summaries: Summaries
) -> list[Problem]:
    assert inputs.catalog is not None
    column = commitment_outputs(inputs.commitments, inputs.catalog.portal, summaries)
    site = writing.outputs.site
    problems = render_site(
        pub, site, jobs, pages=column.pages, nav=column.nav, outputs=writing.outputs, units=writing.units,
        cluster=writing.cluster, shown=shown, **_repair(column),
    )  # fmt: skip
    _write_files(writing.outputs, column.files)
    return problems


def _views(pub: Publication) -> SiteViews:
    """The site's views, each public table let go as soon as its view is made: nothing reads the tables
    later, and they were what the build's process held most of from here on (at 1 M records, tcp:2: let go
    after the search stage, its peak in the report stage 2.09 → 1.96 GiB; let go here, its peak in the site
    stage 2.01 → 1.76 GiB)."""
    shown = site_views(pub, let_go=True)
    give_back()  # the tables' memory: Arrow's pool and the C heap keep it for reuse otherwise
    return shown


def written_ledger(inputs: Inputs, ruled: RulesResult, pub: Publication, staging: Path) -> Tally:
    """The report's ledger, written as soon as every input row's fate is known (once the releases name the
    withdrawn records); the build keeps only its counts and lets go of the ledgers it is made of: no later
    stage reads them, and they held a row per input row through the site, search and report stages (at 1 M
    records, tcp:2: the report stage's peak 1.90 → 1.62 GiB, the report's ledger no longer assembled there)."""
    assert inputs.raw is not None and inputs.valid is not None
    parts = [inputs.raw.ledger, inputs.valid.ledger, ruled.ledger, *published_rows(pub.tables)]
    counted = write_ledger(staging / paths.REPORT_DIR, parts)
    inputs.raw.ledger = inputs.valid.ledger = ruled.ledger = empty_ledger()
    # their memory (and the Parquet writer's: +0.3 GiB at 1 M) is handed back as the site stage starts
    return counted


def write_summary(
    inputs: Inputs,
    ruled: RulesResult,
    pub: Publication,
    problems: list[Problem],
    staging: Path,
    counted: Tally,
) -> dict[str, Any]:
    summary = summarise(counted, problems, _context(pub, ruled))
    write_report(staging / paths.REPORT_DIR, summary)
    write_first_published(staging / paths.STATE_DIR, ruled.first_published)
    write_batch_cache(staging / paths.STATE_DIR, inputs)
    return summary


def check_site(site: Path, subjects: int) -> list[Problem]:
    """The backstop before the swap: the new site has its home page, its 404 page and, when there are subjects
    to find, a search index holding some."""
    missing = [name for name in (paths.HOME_PAGE, paths.NOT_FOUND_PAGE) if not (site / name).is_file()]
    if subjects and _indexed(site / paths.SEARCH_META) == 0:
        missing.append(paths.SEARCH_META)
    return [
        problem("build-site-incomplete", f"新生成的网站缺少 {name}，未替换上一版", file=str(site / name))
        for name in missing
    ]


def _indexed(meta: Path) -> int:
    """How many subjects the search index holds (0 when it has no readable meta file)."""
    try:
        return int(json.loads(meta.read_text(encoding="utf-8")).get("subjects", 0))
    except (OSError, ValueError, AttributeError):
        return 0


def replaced_folders(
    options: BuildOptions, summary: dict[str, Any], problems: list[Problem]
) -> tuple[str, ...]:
    """What replaces the published folders: only the report when ``strict`` meets a rejected row or file."""
    if options.strict and (summary["totals"]["rejected"] or has_errors(problems)):
        return (paths.REPORT_DIR,)
    return (paths.SITE_DIR, paths.STATE_DIR, paths.REPORT_DIR)


def _repair(column: CommitmentOutputs) -> dict[str, str]:
    return {"repair_page": column.repair_page} if column.repair_page else {}


def _write_files(outputs: Outputs, files: dict[str, bytes]) -> None:
    """Write (or link, when unchanged) generated downloads; their paths come from checked template ids, and
    must stay inside site/."""
    root = outputs.site.resolve()
    for relative, data in sorted(files.items()):
        target = (outputs.site / relative).resolve()
        if not target.is_relative_to(root):
            raise ValueError(f"refusing to write outside the site: {relative}")
        outputs.put(target.relative_to(root).as_posix(), data)


def _context(pub: Publication, ruled: RulesResult) -> dict[str, Any]:
    table = ruled.departments.astype(object)
    departments = table.where(table.notna(), None).to_dict(orient="records")  # NaN is not JSON: no rate
    return {
        "portal": pub.catalog.portal.name,
        "as_of": pub.as_of.isoformat(),
        "version": __version__,
        "release": pub.releases[-1].id if pub.releases else None,
        "departments": departments,
    }
