"""One dataset to write into its pack folder: its layout, its records and what the build reads of them.

Stage: write data packs (``generator.packs.writer``; also used by the release stage to rewrite a purged
release). Guarantees: a job types its records only when a typed format is written in this process (on a
cluster the tasks type them and leave the typed formats' ``schema``); ``written`` lists its files in the order
they were written; ``write_formats`` writes formats here, format by format and job by job, in the order given.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import pyarrow as pa

from generator.model import DataFile
from generator.packs.files import data_file
from generator.packs.layout import Layout
from generator.packs.registry import Format
from generator.packs.rows import over_cell_limit
from generator.packs.safe import changed_headers
from generator.packs.typed import typed_table
from generator.packs.xlsx import part_rows


@dataclass
class Job:
    """One dataset to write: its layout, its records (text columns, publication order) and its folder."""

    layout: Layout
    table: pa.Table
    folder: Path
    written: list[Path] = field(default_factory=list)
    schema: pa.Schema | None = None  # the typed formats' schema, when a task wrote them from slices
    shared: Path | None = None  # on a cluster: the text table's Arrow IPC file the tasks read (``share``)

    @cached_property
    def typed(self) -> pa.Table:
        return typed_table(self.table, self.layout)

    @property
    def typed_schema(self) -> pa.Schema:
        """The typed formats' schema (without typing the table here when a task wrote them)."""
        return self.schema if self.schema is not None else self.typed.schema

    @cached_property
    def relaxed(self) -> list[str]:
        """CSV columns where values got a leading quote."""
        return changed_headers(self.table, self.layout)

    @cached_property
    def too_long(self) -> dict[str, int]:
        """Header → how many of its values Excel's cell limit cuts short in XLSX (columns with none absent)."""
        counts = {header: over_cell_limit(self.table.column(header)) for header in self.layout.headers}
        return {header: n for header, n in counts.items() if n}

    def path(self, suffix: str) -> Path:
        return next(p for p in self.written if p.suffix == suffix)

    def data_files(self, site_dir: Path) -> list[DataFile]:
        """``DataFile``s of everything written (XLSX parts count their own rows)."""
        total = self.table.num_rows
        parts = [p for p in self.written if p.suffix == ".xlsx"]
        rows = {p: part_rows(total, i, len(parts)) for i, p in enumerate(parts)}
        return [data_file(site_dir, p, self.layout.name, rows.get(p, total)) for p in self.written]


def write_formats(formats: list[Format], jobs: list[Job]) -> None:
    """Write ``formats`` of every job in this process (the typed ones from the job's typed table)."""
    for fmt in formats:
        for job in jobs:
            job.written += fmt.write(job.layout, job.typed if fmt.typed else job.table, job.folder)
