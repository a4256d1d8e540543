"""``gongshi build``: the whole build as a short list of stages.

load → validate → rules → data packs → release → render site → search index → precompress → report →
final check → atomic swap.
Everything is read and decided before anything is written; everything is written into a staging folder that
replaces ``published/site`` (and ``state``) only at the very end, so a failed or killed build leaves the
previous portal exactly as it was (the one thing written while reading is the new batch cache, spooled into the
staging ``state/`` as each batch is encoded — by the workers, on a cluster — so that a city's cache is not held
in memory). With a Dask cluster (``scheduler``) the batch files are read and validated, each dataset's rows
decided by the rules in parts, the workbooks written, the bulk pages rendered and the search index's shards and
chunks written by tasks on its workers
(``generator.cluster``), with the same result. Guarantees:
- returns problems, never raises: bad input gives row problems (or ``config`` ones, nothing written); a
  failure of the build itself — an exception in any stage (an OSError such as a full disk included), a stage's
  ``fatal`` problem (mkdocs failed), a site without its home page, 404 page or search index, another build
  holding the output folder — gives one ``fatal`` problem naming the stage, and nothing is swapped;
- one build at a time per output folder (``generator.lock``), held from before the first read of the output
  folder until after the swap;
- ``catalog`` and ``out`` are made absolute first, so the build works from any working folder;
- each stage boundary is a named checkpoint (``generator.checkpoints``), where a test can hold the build;
- nothing is rewritten that did not change: every stage writes into the staging site through one
  ``generator.outputs.Outputs``, which hard-links a file from the previous site when the previous build's digest
  map (``state/site-digests.*``) says it held the same bytes at the same path, so an unchanged file keeps its
  inode and mtime; before the report the staging site is sealed into the new digest map, and
  ``report/changes.json`` lists the site paths added, changed and removed (all empty when the site was not
  replaced). A missing, damaged or foreign map gives a warning and a full write; ``full`` ignores the map;
- nothing is done when nothing changed: a build of the very inputs the published portal came from (same
  input fingerprint, sound state: ``generator.unchanged``) returns that build's summary and problems and writes
  only ``report/changes.json``;
- nothing is rendered that did not change: bulk pages whose inputs have the previous build's keys
  (``generator.site.units``, kept in ``state/page-units.*``) are linked without rendering.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, fields, replace
from datetime import date
from functools import partial
from pathlib import Path
from typing import Any

import pyarrow as pa

from generator import __version__, paths
from generator.changes import write_changes
from generator.checkpoints import checkpoint
from generator.cluster import Cluster, ClusterUnusable, OnCluster, Scheduler, connect
from generator.collector import fewer_collections
from generator.commitments import CommitmentOutputs, commitment_outputs
from generator.commitments.figures import ItemSummary, item_summaries
from generator.failures import cluster_unusable, os_failure, output_busy, stage_failure
from generator.inputs import Inputs, read_inputs, write_batch_cache
from generator.lock import OutputBusy, hold_output
from generator.model import Publication, empty_ledger
from generator.outputs import Outputs
from generator.packs import write_packs
from generator.precompress import precompress
from generator.problems import Problem, fatal, has_config_errors, has_errors, problem
from generator.release import make_release
from generator.release.reasons import Withdrawals
from generator.release.seal import signing_key
from generator.report import Tally, published_rows, summarise, write_ledger, write_report
from generator.rules import Cutting, RulesResult, apply_rules
from generator.rules.parts import PART_ROWS
from generator.search import build_search_index
from generator.site import SiteViews, Units, render_site, site_views
from generator.state import (
    read_first_published,
    read_page_units,
    read_previous,
    write_first_published,
    write_page_units,
    write_site_digests,
)
from generator.subjects import subjects_for_search
from generator.swap import discard, new_staging, swap_in, tidy
from generator.unchanged import fingerprint, recall, remember, report_nothing_changed

Progress = Callable[[str], None]
Summaries = dict[str, ItemSummary] | None  # the commitment column's figures by 事项编码
STAGES = {  # checkpoint name → what the progress line says, and what a failure is blamed on
    "load": "读取并校验目录与数据",
    "rules": "应用公示规则",
    "packs": "写出开放数据包",
    "release": "生成发布版本与增量",
    "site": "渲染门户网站",
    "search": "建立搜索索引",
    "precompress": "压缩静态资源",
    "report": "写出构建报告",
    "swap": "切换到新版本",
}


@dataclass
class BuildOptions:
    catalog: Path
    out: Path
    as_of: date
    jobs: int = 2
    strict: bool = False
    full: bool = False  # ignore the previous site's digest map: write every file new
    signing_key: Path | None = None  # Ed25519 private key (PEM) that signs the releases; None: unsigned
    # a Dask scheduler that renders the bulk pages (generator.cluster); None: ``jobs`` local processes
    scheduler: Scheduler | None = None


@dataclass
class BuildResult:
    """What happened: problems, the report summary, whether the new portal was swapped in, and how its files
    came about (``files``/``written``/``linked`` counts and the ``changes.json`` counts)."""

    problems: list[Problem] = field(default_factory=list)
    summary: dict[str, Any] | None = None
    config_ok: bool = True
    swapped: bool = False
    outputs: dict[str, Any] = field(default_factory=dict)
    unchanged: bool = False  # the published portal was built from these very inputs: nothing was done

    @property
    def failed(self) -> bool:
        """The build itself failed (a ``fatal`` problem): the previous site was kept."""
        return bool(fatal(self.problems))


class _Stages:
    """Announces each stage: the progress line, the test checkpoint, and the stage a failure is blamed on."""

    def __init__(self, progress: Progress) -> None:
        self.progress = progress
        self.current = "准备输出文件夹"

    def __call__(self, name: str) -> None:
        self.current = STAGES[name]
        self.progress(self.current)
        checkpoint(name)


def build(options: BuildOptions, progress: Progress = lambda _: None) -> BuildResult:
    """Run every stage holding the output folder's lock; swap the result in unless configuration is broken,
    the build failed, or ``strict`` meets a rejected row. The one place a stage's exception is caught."""
    options = replace(options, catalog=options.catalog.absolute(), out=options.out.absolute())
    stage = _Stages(progress)
    try:
        with fewer_collections(), _engine(options.scheduler) as cluster, hold_output(options.out):
            return _build(options, stage, cluster)
    except ClusterUnusable as exc:
        return BuildResult([cluster_unusable(str(exc))])
    except OutputBusy as exc:
        return BuildResult([output_busy(exc)])
    except OSError as exc:
        return BuildResult([os_failure(stage.current, exc, options.out)])
    except Exception as exc:  # a stage's bug or a library's surprise: one line, not a traceback
        return BuildResult([stage_failure(stage.current, exc)])


@contextmanager
def _engine(scheduler: Scheduler | None) -> Iterator[Cluster | None]:
    """The Dask cluster the build hands its heavy stages to, connected before anything is read; None without
    a scheduler."""
    if scheduler is None:
        yield None
        return
    cluster = connect(scheduler)
    try:
        yield cluster
    finally:
        cluster.close()


def _build(options: BuildOptions, stage: _Stages, cluster: Cluster | None) -> BuildResult:
    stage("load")
    print_ = fingerprint(_settings(options))
    remembered = None if options.full else recall(options.out, print_)
    if remembered is not None:  # the published portal was built from these very inputs
        tidy(options.out)
        report_nothing_changed(options.out)
        return BuildResult(remembered.problems, remembered.summary, unchanged=True)
    staging = new_staging(options.out)  # the batch cache is spooled into it while the batches are read
    try:
        _in_sight(cluster, staging, options.catalog)
        return _decide_and_write(options, stage, staging, print_, cluster)
    finally:
        discard(staging)


def _on(cluster: Cluster | None, staging: Path) -> OnCluster | None:
    """Where a stage sends its tasks: the cluster, with their files in the staging folder."""
    return OnCluster(cluster, staging / paths.CLUSTER_DIR) if cluster is not None else None


def _in_sight(cluster: Cluster | None, staging: Path, catalog: Path) -> None:
    """The cluster's workers read the batch files and write the pages themselves: each must see the catalog
    and the staging folder at their paths."""
    for folder, what in ((staging, "输出文件夹"), (catalog, "目录文件夹（catalog）")):
        blind = cluster.sees(str(folder)) if cluster is not None else []
        if blind:
            raise ClusterUnusable(
                f"工作进程 {blind[0]} 看不到{what} {folder}（须是各工作进程同一路径下的共享文件夹）"
            )


def _decide_and_write(
    options: BuildOptions, stage: _Stages, staging: Path, print_: str, cluster: Cluster | None
) -> BuildResult:
    spool = staging / paths.STATE_DIR / paths.BATCH_CACHE_DIR
    inputs = read_inputs(
        options.catalog, options.out / paths.STATE_DIR, spool=spool, on=_on(cluster, staging)
    )
    if not inputs.ok:
        return BuildResult(inputs.problems, config_ok=False)
    assert inputs.catalog is not None
    unusable = signing_key(options.signing_key, inputs.catalog.portal)[1]
    if has_config_errors(unusable):  # checked before anything is written: no half-signed release
        return BuildResult(inputs.problems + unusable, config_ok=False)
    stage("rules")
    ruled = _rules(inputs, options, _on(cluster, staging))
    previous, found = read_previous(options.out, options.full)
    units, unsound = read_page_units(options.out, previous)
    ruled.problems.extend(found + unsound)
    outputs = Outputs(staging / paths.SITE_DIR, previous)
    return _write(inputs, ruled, options, _Writing(outputs, Units(units), print_, cluster), stage)


def _settings(options: BuildOptions) -> dict[str, object]:
    """The options that change a build's output (all but where it goes, how many jobs or which engine, and
    ``--full``)."""
    return {
        f.name: getattr(options, f.name)
        for f in fields(options)
        if f.name not in ("out", "jobs", "full", "scheduler")
    }


def _rules(inputs: Inputs, options: BuildOptions, on: OnCluster | None) -> RulesResult:
    """The rules stage (on a cluster, each dataset's rows decided in parts by the workers); afterwards only the
    validated rows' ledger is kept (the report's), not their tables: the public tables are all the later stages
    read, and a city's validated rows are gigabytes."""
    assert inputs.valid is not None and inputs.rules is not None
    first = read_first_published(options.out)
    cutting = Cutting(PART_ROWS, partial(on.cluster.map_files, folder=on.folder), on.folder) if on else None
    return apply_rules(
        inputs.valid, inputs.rules, options.as_of, first, inputs.rejected, cutting, let_go=True
    )


@dataclass
class _Writing:
    """Where this build writes (the staging site, against the previous one) and its page units."""

    outputs: Outputs
    units: Units
    fingerprint: str  # of the build's inputs (generator.unchanged)
    cluster: Cluster | None = None  # the Dask cluster that renders the bulk pages; None: local processes


def _write(
    inputs: Inputs, ruled: RulesResult, options: BuildOptions, writing: _Writing, stage: _Stages
) -> BuildResult:
    assert inputs.catalog is not None and inputs.rules is not None
    outputs = writing.outputs
    pub = Publication(
        inputs.catalog, options.as_of, ruled.tables, ruled.timeliness, rules=inputs.rules.publication
    )
    pub.fulfilment = ruled.fulfilment
    site, staging = outputs.site, outputs.site.parent
    stage("packs")
    pub.files = write_packs(pub, site, _on(writing.cluster, staging))
    stage("release")
    _release(pub, options, outputs, ruled)
    counted = _ledger(inputs, ruled, pub, staging)
    problems, indexed = _site_and_search(inputs, ruled, pub, writing, options, stage)
    pa.default_memory_pool().release_unused()  # the views' (Arrow strings) memory, kept for reuse otherwise
    if fatal(problems):
        return BuildResult(problems)
    stage("precompress")
    precompress(site, options.jobs, outputs)
    stage("report")
    digests = outputs.seal()
    write_site_digests(staging / paths.STATE_DIR, site, digests)
    if writing.units.current is not None:
        write_page_units(staging / paths.STATE_DIR, site, writing.units.current)
    summary = _report(inputs, ruled, pub, problems, staging, counted)
    problems += check_site(site, indexed)
    if fatal(problems):
        return BuildResult(problems, summary)
    remember(staging / paths.STATE_DIR, writing.fingerprint, summary, problems)
    names = _swapped(options, summary, problems)
    replaced = paths.SITE_DIR in names
    report = write_changes(outputs.previous, digests, replaced, staging / paths.REPORT_DIR)
    stage("swap")
    swap_in(staging, options.out, names)
    return BuildResult(problems, summary, swapped=replaced, outputs=outputs.counts() | report["counts"])


def _site_and_search(
    inputs: Inputs, ruled: RulesResult, pub: Publication, writing: _Writing, options: BuildOptions,
    stage: _Stages,
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
    on = _on(writing.cluster, outputs.site.parent)
    return problems + build_search_index(subjects, outputs.site, outputs, on) + pub.problems, len(subjects)


def _release(pub: Publication, options: BuildOptions, outputs: Outputs, ruled: RulesResult) -> None:
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
    inputs: Inputs, pub: Publication, shown: SiteViews, writing: _Writing, jobs: int, summaries: Summaries
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
    pa.default_memory_pool().release_unused()  # Arrow's pool keeps freed memory for reuse otherwise
    return shown


def _ledger(inputs: Inputs, ruled: RulesResult, pub: Publication, staging: Path) -> Tally:
    """The report's ledger, written as soon as every input row's fate is known (once the releases name the
    withdrawn records); the build keeps only its counts and lets go of the ledgers it is made of: no later
    stage reads them, and they held a row per input row through the site, search and report stages (at 1 M
    records, tcp:2: the report stage's peak 1.90 → 1.62 GiB, the report's ledger no longer assembled there)."""
    assert inputs.raw is not None and inputs.valid is not None
    parts = [inputs.raw.ledger, inputs.valid.ledger, ruled.ledger, published_rows(pub.tables)]
    counted = write_ledger(staging / paths.REPORT_DIR, parts)
    inputs.raw.ledger = inputs.valid.ledger = ruled.ledger = empty_ledger()
    pa.default_memory_pool().release_unused()  # the Parquet writer's (1 M records: +0.3 GiB held until the views)
    return counted


def _report(
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


def _swapped(options: BuildOptions, summary: dict[str, Any], problems: list[Problem]) -> tuple[str, ...]:
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
