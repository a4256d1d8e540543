"""The load stage: every dataset's record batches (CSV or XLSX) read into raw record tables, and the batch
cache that keeps each batch file's rows and outcome for the next build.

Stage: load (records half; ``generator.catalog`` reads the configuration). Guarantees: each table has exactly
the schema's canonical columns, every value a plain ``str`` stripped of surrounding blanks ("" when empty)
and free of control and invisible formatting characters (removed, with a warning per file and field:
``hygiene``), plus FILE (relative to the catalog, forward slashes), ROW (header = 1) and BATCH (0 = oldest);
a CSV is UTF-8 (with or without BOM) or else GB18030, decided strictly, and a file that is neither yields no
text at all (never mojibake); fully blank rows carry nothing and are skipped (row numbers still count them);
every row not read is in the ledger with a reason, and every file-level issue is a problem naming the file.

**A file that gives no records is never taken for "no records"**: an unreadable, undecodable, empty or
header-only file, a workbook whose formulas have no saved values, a header naming none of the dataset's
fields, two columns for one field, or rows none of which fit the header, is an error-level problem naming
the file and the cause — and the rows that file gave at the last build that could read it (the batch cache)
are used instead, through validation and rules as usual, and carried into the new cache; only without a
cached copy does the file contribute nothing, and the problem says so. Withdrawing a file's records means
removing the file from the catalog: that is a warning saying how many rows went with it.

Modules: ``records`` (every file of every dataset: ``read_records``, ``load_records``; one file:
``load_batch``, ``remember``), ``batch`` (one file → records, rows not read, problems), ``header`` (the
header row → canonical fields), ``fallback`` (the cached rows of a file that gives none), ``csvfile`` /
``xlsxfile`` / ``grid`` (a file as a ``Sheet``: header cells, stripped text columns, row numbers, ragged
rows), ``hygiene`` (control and invisible characters), ``cache`` / ``keys`` / ``outcome`` (the batch cache in
``state/batches/``, what its entries are keyed on, and a file's load + validate outcome).
"""

from generator.loading.batch import empty_frame
from generator.loading.cache import BatchCache, Entry, PreviousCache, write_cache
from generator.loading.keys import Snapshot
from generator.loading.outcome import Outcome, arrow_table, frame_of
from generator.loading.records import (
    batch_path,
    load_batch,
    load_records,
    read_records,
    remember,
    removed_batches,
)

__all__ = [
    "BatchCache",
    "Entry",
    "Outcome",
    "PreviousCache",
    "Snapshot",
    "arrow_table",
    "batch_path",
    "empty_frame",
    "frame_of",
    "load_batch",
    "load_records",
    "read_records",
    "remember",
    "removed_batches",
    "write_cache",
]
