"""``gongshi build``: the whole build as a short list of stages.

load → validate → rules → data packs → release → render site → search index → precompress → report →
atomic swap.
Everything is read and decided before anything is written; everything is written into a staging folder that
replaces ``published/site`` (and ``state``) only at the very end, so a failed or killed build leaves the
previous portal exactly as it was. Guarantees: returns problems, never raises for bad input.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from generator import __version__, paths
from generator.commitments import CommitmentOutputs, commitment_outputs
from generator.inputs import Inputs, read_inputs
from generator.model import Publication
from generator.packs import write_packs
from generator.precompress import precompress
from generator.problems import Problem
from generator.release import make_release
from generator.report import assemble_ledger, published_rows, summarise, write_report
from generator.rules import RulesResult, apply_rules
from generator.search import build_search_index
from generator.site import render_site
from generator.state import read_first_published, write_first_published
from generator.subjects import subjects_for_search
from generator.swap import discard, new_staging, swap_in

Progress = Callable[[str], None]


@dataclass
class BuildOptions:
    catalog: Path
    out: Path
    as_of: date
    jobs: int = 2
    strict: bool = False


@dataclass
class BuildResult:
    """What happened: problems, the report summary, and whether the new portal was swapped in."""

    problems: list[Problem] = field(default_factory=list)
    summary: dict[str, Any] | None = None
    config_ok: bool = True
    swapped: bool = False


def build(options: BuildOptions, progress: Progress = lambda _: None) -> BuildResult:
    """Run every stage; swap the result in unless configuration is broken or ``strict`` meets a rejected row."""
    progress("读取并校验目录与数据")
    inputs = read_inputs(options.catalog)
    if not inputs.ok:
        return BuildResult(inputs.problems, config_ok=False)
    progress("应用公示规则")
    ruled = _rules(inputs, options)
    staging = new_staging(options.out)
    try:
        return _write(inputs, ruled, options, staging, progress)
    finally:
        discard(staging)


def _rules(inputs: Inputs, options: BuildOptions) -> RulesResult:
    assert inputs.valid is not None and inputs.rules is not None
    first = read_first_published(options.out)
    return apply_rules(inputs.valid, inputs.rules, options.as_of, first, inputs.rejected)


def _write(
    inputs: Inputs, ruled: RulesResult, options: BuildOptions, staging: Path, progress: Progress
) -> BuildResult:
    assert inputs.catalog is not None and inputs.raw is not None and inputs.valid is not None
    assert inputs.rules is not None
    pub = Publication(
        inputs.catalog, options.as_of, ruled.tables, ruled.timeliness, rules=inputs.rules.publication
    )
    site = staging / paths.SITE_DIR
    problems = inputs.problems + ruled.problems
    progress("写出开放数据包")
    pub.files = write_packs(pub, site)
    progress("生成发布版本与增量")
    previous = options.out / paths.SITE_DIR
    pub.releases, release_files = make_release(
        pub, pub.files, previous if previous.is_dir() else None, site,
        options.out / paths.STATE_DIR, staging / paths.STATE_DIR,
    )  # fmt: skip
    pub.files = pub.files + release_files
    progress("渲染门户网站")
    column = commitment_outputs(inputs.commitments, inputs.catalog.portal)
    problems += render_site(pub, site, options.jobs, pages=column.pages, nav=column.nav, **_repair(column))
    _write_files(site, column.files)
    progress("建立搜索索引")
    problems += build_search_index(subjects_for_search(pub), site)
    problems += pub.problems
    precompress(site, options.jobs)
    progress("写出构建报告")
    ledger = assemble_ledger(
        [inputs.raw.ledger, inputs.valid.ledger, ruled.ledger, published_rows(ruled.tables)]
    )
    summary = summarise(ledger, problems, _context(pub, ruled))
    write_report(staging / paths.REPORT_DIR, ledger, summary)
    write_first_published(staging / paths.STATE_DIR, ruled.first_published)
    rejected = summary["totals"]["rejected"]
    names = (
        (paths.REPORT_DIR,)
        if options.strict and rejected
        else (paths.SITE_DIR, paths.STATE_DIR, paths.REPORT_DIR)
    )
    progress("切换到新版本")
    swap_in(staging, options.out, names)
    return BuildResult(problems, summary, swapped=paths.SITE_DIR in names)


def _repair(column: CommitmentOutputs) -> dict[str, str]:
    return {"repair_page": column.repair_page} if column.repair_page else {}


def _write_files(site: Path, files: dict[str, bytes]) -> None:
    """Write generated downloads; their paths come from checked template ids, and must stay inside site/."""
    root = site.resolve()
    for relative, data in sorted(files.items()):
        target = (site / relative).resolve()
        if not target.is_relative_to(root):
            raise ValueError(f"refusing to write outside the site: {relative}")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)


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
