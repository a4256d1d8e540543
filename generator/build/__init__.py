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

What a build is asked and answers is ``generator.build.options``; the stages after the packs (release, site and
search, the report's ledger and summary, the final check) are ``generator.build.output``.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import fields, replace
from functools import partial
from pathlib import Path

from generator import paths
from generator.build.options import STAGES, BuildOptions, BuildResult, Progress, Stages
from generator.build.output import (
    Writing,
    check_site,
    cluster_at,
    release,
    replaced_folders,
    site_and_search,
    write_summary,
    written_ledger,
)
from generator.changes import write_changes
from generator.cluster import Cluster, ClusterUnusable, OnCluster, Scheduler, connect
from generator.collector import fewer_collections
from generator.failures import cluster_unusable, os_failure, output_busy, stage_failure
from generator.inputs import Inputs, read_inputs
from generator.lock import OutputBusy, hold_output
from generator.model import Publication
from generator.outputs import Outputs
from generator.packs import write_packs
from generator.precompress import precompress
from generator.problems import fatal, has_config_errors
from generator.release.seal import signing_key
from generator.rules import Cutting, RulesResult, apply_rules
from generator.rules.parts import PART_ROWS
from generator.site import Units
from generator.state import (
    read_first_published,
    read_page_units,
    read_previous,
    write_page_units,
    write_site_digests,
)
from generator.swap import discard, new_staging, swap_in, tidy
from generator.unchanged import fingerprint, recall, remember, report_nothing_changed

__all__ = ["STAGES", "BuildOptions", "BuildResult", "build", "check_site"]


def build(options: BuildOptions, progress: Progress = lambda _: None) -> BuildResult:
    """Run every stage holding the output folder's lock; swap the result in unless configuration is broken,
    the build failed, or ``strict`` meets a rejected row. The one place a stage's exception is caught."""
    options = replace(options, catalog=options.catalog.absolute(), out=options.out.absolute())
    stage = Stages(progress)
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


def _build(options: BuildOptions, stage: Stages, cluster: Cluster | None) -> BuildResult:
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
    options: BuildOptions, stage: Stages, staging: Path, print_: str, cluster: Cluster | None
) -> BuildResult:
    spool = staging / paths.STATE_DIR / paths.BATCH_CACHE_DIR
    inputs = read_inputs(
        options.catalog, options.out / paths.STATE_DIR, spool=spool, on=cluster_at(cluster, staging)
    )
    if not inputs.ok:
        return BuildResult(inputs.problems, config_ok=False)
    assert inputs.catalog is not None
    unusable = signing_key(options.signing_key, inputs.catalog.portal)[1]
    if has_config_errors(unusable):  # checked before anything is written: no half-signed release
        return BuildResult(inputs.problems + unusable, config_ok=False)
    stage("rules")
    ruled = _rules(inputs, options, cluster_at(cluster, staging))
    previous, found = read_previous(options.out, options.full)
    units, unsound = read_page_units(options.out, previous)
    ruled.problems.extend(found + unsound)
    outputs = Outputs(staging / paths.SITE_DIR, previous)
    return _write(inputs, ruled, options, Writing(outputs, Units(units), print_, cluster), stage)


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


def _write(
    inputs: Inputs, ruled: RulesResult, options: BuildOptions, writing: Writing, stage: Stages
) -> BuildResult:
    assert inputs.catalog is not None and inputs.rules is not None
    outputs = writing.outputs
    pub = Publication(
        inputs.catalog, options.as_of, ruled.tables, ruled.timeliness, rules=inputs.rules.publication
    )
    pub.fulfilment = ruled.fulfilment
    site, staging = outputs.site, outputs.site.parent
    stage("packs")
    pub.files = write_packs(pub, site, cluster_at(writing.cluster, staging))
    stage("release")
    release(pub, options, outputs, ruled)
    counted = written_ledger(inputs, ruled, pub, staging)
    problems, indexed = site_and_search(inputs, ruled, pub, writing, options, stage)
    if fatal(problems):
        return BuildResult(problems)
    stage("precompress")
    precompress(site, options.jobs, outputs)
    stage("report")
    digests = outputs.seal()
    write_site_digests(staging / paths.STATE_DIR, site, digests)
    if writing.units.current is not None:
        write_page_units(staging / paths.STATE_DIR, site, writing.units.current)
    summary = write_summary(inputs, ruled, pub, problems, staging, counted)
    problems += check_site(site, indexed)
    if fatal(problems):
        return BuildResult(problems, summary)
    remember(staging / paths.STATE_DIR, writing.fingerprint, summary, problems)
    names = replaced_folders(options, summary, problems)
    replaced = paths.SITE_DIR in names
    report = write_changes(outputs.previous, digests, replaced, staging / paths.REPORT_DIR)
    stage("swap")
    swap_in(staging, options.out, names)
    return BuildResult(problems, summary, swapped=replaced, outputs=outputs.counts() | report["counts"])
