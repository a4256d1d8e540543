"""What the next build needs from this one: when each public record was first published.

Stage: read at the start of a build, written into the staging folder at the end. Guarantees: a missing or
unreadable state is treated as a first build (every public record is new), never as an error.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from generator.paths import STATE_DIR

FIRST_PUBLISHED_FILE = "first-published.parquet"


def read_first_published(out: Path) -> pd.Series:
    """Record id → ISO date it was first public, from the previous build in ``out`` (empty if none)."""
    path = out / STATE_DIR / FIRST_PUBLISHED_FILE
    try:
        table = pq.read_table(path)
    except (OSError, pa.ArrowInvalid):
        return pd.Series(dtype="str", name="first_published")
    frame = table.to_pandas()
    return pd.Series(
        frame["first_published"].to_numpy(), index=frame["id"].to_numpy(), name="first_published"
    )


def write_first_published(state_dir: Path, first_published: pd.Series) -> None:
    """Write the id → first-published map, sorted by id so the file is reproducible."""
    state_dir.mkdir(parents=True, exist_ok=True)
    series = first_published.sort_index()
    table = pa.table({"id": [str(i) for i in series.index], "first_published": [str(v) for v in series]})
    pq.write_table(table, state_dir / FIRST_PUBLISHED_FILE, compression="zstd")
