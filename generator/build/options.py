"""What a build is asked (``BuildOptions``), what it answers (``BuildResult``) and how it announces its stages.

Stage: the build's own (``generator.build``). Guarantees: ``STAGES`` names every stage in the order the build
runs them, each with the progress line it shows and the stage a failure is blamed on; ``Stages`` reaches each
stage's checkpoint (``generator.checkpoints``) where a test can hold the build, and first hands the system back
the memory the stages before let go (``generator.collector.give_back``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from generator.checkpoints import checkpoint
from generator.cluster import Scheduler
from generator.collector import give_back
from generator.problems import Problem, fatal

Progress = Callable[[str], None]
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


class Stages:
    """Announces each stage: the progress line, the test checkpoint, and the stage a failure is blamed on —
    once the memory the stages before let go is handed back (a stage would start at the last one's peak)."""

    def __init__(self, progress: Progress) -> None:
        self.progress = progress
        self.current = "准备输出文件夹"

    def __call__(self, name: str) -> None:
        give_back()
        self.current = STAGES[name]
        self.progress(self.current)
        checkpoint(name)
