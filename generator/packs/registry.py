"""The output formats of a dataset, behind one tiny interface.

Stage: write data packs. Guarantees: every format is a module with ``write(layout, table, folder) -> paths``;
``typed`` formats get the typed table (dates, decimals), the others the text table; ``slow`` formats are worth
a second process on big data. Adding a format means adding a module and one line here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa

from generator.packs import csv, jsonl, parquet, xlsx
from generator.packs.layout import Layout

Writer = Callable[[Layout, pa.Table, Path], list[Path]]


@dataclass(frozen=True)
class Format:
    """One output format."""

    name: str
    write: Writer
    typed: bool = False  # takes typed columns (date32, decimal) rather than text
    slow: bool = False  # worth a second process when there are many records


FORMATS = (
    Format("parquet", parquet.write, typed=True),
    Format("csv", csv.write),
    Format("jsonl", jsonl.write),
    Format("xlsx", xlsx.write, typed=True, slow=True),
)
