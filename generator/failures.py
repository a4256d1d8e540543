"""A failed build as one problem: what failed, where, and why, on one line a clerk can act on.

Stage: the build's boundary (``generator.build`` catches there, and only there). Guarantees: every problem made
here is ``fatal`` (the previous site stays, the CLI exits 3) and its message is a single line: the stage that
failed and, for an operating-system error, the path and the error in Chinese and English (ENOSPC, EACCES,
EROFS… named plainly rather than as a traceback).
"""

from __future__ import annotations

import errno
import traceback
from pathlib import Path

from generator.lock import OutputBusy
from generator.problems import Problem, problem

_ERRNO_ZH = {
    errno.ENOSPC: "磁盘空间已满",
    errno.EDQUOT: "超出磁盘配额",
    errno.EFBIG: "文件超过允许的大小",
    errno.EACCES: "没有权限",
    errno.EPERM: "不允许的操作",
    errno.EROFS: "文件系统只读",
    errno.ENOENT: "文件或文件夹不存在",
    errno.EIO: "磁盘读写错误",
    errno.EMFILE: "打开的文件过多",
}


def output_busy(exc: OutputBusy) -> Problem:
    message = f"另一个构建（{exc.holder}）正在使用输出文件夹 {exc.out}，本次构建未开始"
    return problem("build-output-busy", message, file=str(exc.out))


def cluster_unusable(message: str) -> Problem:
    return problem("build-cluster-unusable", message)


def os_failure(stage: str, exc: OSError, out: Path) -> Problem:
    """``exc`` raised while ``stage`` (its Chinese name) ran, building into ``out`` (named when the error
    does not say which file it was about)."""
    zh = _ERRNO_ZH.get(exc.errno or 0, "操作系统报错")
    en = exc.strerror or one_line(str(exc)) or type(exc).__name__
    named = [str(f) for f in (exc.filename, exc.filename2) if f is not None]
    path = " → ".join(named) if named else f"{out}（输出文件夹）"
    return problem("build-os-error", f"{stage}时{zh}（{en}）：{path}", file=named[0] if named else str(out))


def stage_failure(stage: str, exc: BaseException) -> Problem:
    """An unexpected exception from ``stage``: its type, text and the line that raised it."""
    frames = traceback.extract_tb(exc.__traceback__)
    where = f"（{frames[-1].filename}:{frames[-1].lineno}）" if frames else ""
    text = one_line(str(exc))
    message = f"{stage}时出错：{type(exc).__name__}" + (f": {text}" if text else "") + where
    return problem("build-stage-failed", message)


def one_line(text: str) -> str:
    return " ".join(text.split())
