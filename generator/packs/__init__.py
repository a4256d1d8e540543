"""Open data packs: every dataset's public records as CSV, XLSX, JSON Lines and Parquet with a Frictionless
``datapackage.json``, plus one all-data zip, under ``site/data/latest/``.

Stage: write data packs (after the rules stage, before the release stage). Guarantees: only public records
and public columns (``记录ID`` then the schema's public fields the records still have; never META columns,
``privacy: drop`` fields nor fields the privacy rules dropped); records in a stable order, so the same input
and as-of date give byte-identical files; spreadsheet cells can never run as formulas; nothing is written
outside ``site_dir``. Notes for the clerk (a number column kept as text, text cut short in XLSX) are added to
``pub.problems``. The packages are stamped with the as-of date as version; the release stage restamps them if
the release gets another ID.
"""

from __future__ import annotations

from collections.abc import Generator
from contextlib import ExitStack
from pathlib import Path

from generator import paths
from generator.checkpoints import checkpoint
from generator.cluster import OnCluster
from generator.model import DataFile, Publication
from generator.packs import allzip, datapackage
from generator.packs.checks import pack_problems
from generator.packs.files import data_file
from generator.packs.job import Job
from generator.packs.layout import Stamp, layout_for, public_table
from generator.packs.tasks import share
from generator.packs.writer import write_datasets


def write_packs(pub: Publication, site_dir: Path, on: OnCluster | None = None) -> list[DataFile]:
    """Write ``site_dir/data/latest/<dataset>/…`` for every dataset in ``pub.tables`` and the all-data zip
    (all but the Parquet files and the data packages on the cluster's workers when ``on`` names one)."""
    stamp = Stamp(pub.as_of.isoformat(), pub.as_of)
    with ExitStack() as shared:
        jobs = []
        for dataset in sorted(pub.tables):
            jobs.append(_job(pub, dataset, site_dir, stamp))
            if on is not None:  # shared as soon as it is made: the build holds one dataset's text at a time
                share(jobs[-1], on.folder, shared)
        return _written(pub, jobs, site_dir, stamp, on)


def _written(
    pub: Publication, jobs: list[Job], site_dir: Path, stamp: Stamp, on: OnCluster | None
) -> list[DataFile]:
    """Every job's formats and data package, and the all-data zip: the files written."""
    target = site_dir / paths.ALL_DATA_ZIP

    zipping: list[Generator[Path, None, None]] = []

    def zip_all() -> None:
        checkpoint("packs-writing")  # test hook: Parquet, CSV and JSON Lines written, the rest not yet
        tables = [
            (j.layout, datapackage.resource(j.layout, j.path(".csv"), j.relaxed), j.path(".csv"))
            for j in jobs
        ]
        zipped = allzip.Zip(target, pub.catalog.portal, stamp, tables)
        if on is None:
            allzip.write_zip(zipped)
        else:  # a task on a worker, taken back once the other formats are written
            zipping.append(on.cluster.map_files(allzip.write_zip, [zipped], on.folder))

    try:
        write_datasets(jobs, meanwhile=zip_all, on=on)
        for results in zipping:
            list(results)
    finally:
        for results in zipping:
            results.close()
    pub.problems.extend(p for job in jobs for p in pack_problems(job))
    total = sum(j.table.num_rows for j in jobs)
    return [f for job in jobs for f in job.data_files(site_dir)] + [data_file(site_dir, target, "", total)]


def _job(pub: Publication, dataset: str, site_dir: Path, stamp: Stamp) -> Job:
    table = pub.tables[dataset]
    layout = layout_for(table.spec, pub.catalog.portal, stamp, table.frame.columns)
    folder = site_dir / paths.LATEST_DIR / dataset
    if folder.resolve().parent != (site_dir / paths.LATEST_DIR).resolve():
        raise ValueError(
            f"dataset id {dataset!r} is not a plain folder name"
        )  # the catalog loader forbids it
    return Job(layout, public_table(table.frame, layout), folder)
