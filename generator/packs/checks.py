"""What a clerk should know about the written packs (nothing here stops a build or drops a record).

Stage: write data packs. Guarantees: a number or date column that had to stay text in the typed formats, and
text cut short by Excel's cell limit in XLSX, are reported per dataset and field.
"""

from __future__ import annotations

import pyarrow as pa

from generator.packs.job import Job
from generator.problems import Problem, problem


def pack_problems(job: Job) -> list[Problem]:
    found: list[Problem] = []
    for column in job.layout.columns:
        typed = job.typed_schema.field(column.header).type
        if column.type != "string" and pa.types.is_large_string(typed):
            found.append(problem("packs-number-as-text", f"{job.layout.name}: 列“{column.header}”有无法解析的值，"
                                 "Parquet 与 XLSX 中按文本输出", dataset=job.layout.name, field=column.source))  # fmt: skip
        elif pa.types.is_large_string(typed) and (n := job.too_long.get(column.header, 0)):
            found.append(problem("packs-xlsx-truncated", f"{job.layout.name}: 列“{column.header}”有 {n} 个值超过 "
                                 "Excel 单元格上限，XLSX 中被截断", dataset=job.layout.name, field=column.source))  # fmt: skip
    return found
