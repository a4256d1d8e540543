"""Regenerate the embedded demo catalog (``catalog/`` in the repository): ``python -m generator.sample.demo``.

Stage: sample. Guarantees: the demo is exactly ``write_sample(catalog, DEMO_RECORDS, DEMO_SEED)`` — a test
regenerates it and compares bytes — so the committed files never drift from the generator; only
portal.yaml, the sample's own dataset folders and decisions/*.csv are replaced (rules/, commitments/ and
other datasets such as commitment-items are left alone).
"""

from __future__ import annotations

import sys
from pathlib import Path

from generator.paths import PACKAGE_DIR
from generator.sample.core import SampleSummary, write_sample

DEMO_RECORDS = 2000
DEMO_SEED = 20261120
DEMO_CATALOG = PACKAGE_DIR.parent / "catalog"


def write_demo(root: Path = DEMO_CATALOG) -> SampleSummary:
    """Write the demo city's catalog into ``root`` (default: the repository's catalog/)."""
    return write_sample(root, DEMO_RECORDS, DEMO_SEED, replace=True)


def main() -> int:
    summary = write_demo(Path(sys.argv[1]) if len(sys.argv) > 1 else DEMO_CATALOG)
    print(f"演示目录已生成：{summary.records} 条记录，{sum(summary.files.values())} 个批次文件，"
          f"{len(summary.bad_rows)} 行故意错误，{summary.repairs} 条信用修复，{summary.revocations} 条撤销。")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
