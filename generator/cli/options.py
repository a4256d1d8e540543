"""The ``gongshi`` command line's options that are shared or parsed: each with the callback that parses it.

Stage: none (entry point, option parsing). Guarantees: the only place that reads the system clock (the
``--as-of`` default, today in Asia/Shanghai); a value that cannot be parsed is a ``click.BadParameter``
(exit code 2, one line, no traceback), never a half-parsed value; Dask is imported only to parse a
``--worker-memory`` that was given, and the signing library only for a ``--key`` that was given.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import click

from generator import paths

if TYPE_CHECKING:
    from generator.cluster import Scheduler
    from generator.signing import PublicKey

CATALOG_OPTION = click.option(
    "--catalog",
    "catalog",
    type=click.Path(path_type=Path),
    default=paths.DEFAULT_CATALOG,
    show_default=True,
    help="目录（catalog）文件夹。",
)
OUT_OPTION = click.option(
    "--out",
    type=click.Path(path_type=Path),
    default=paths.DEFAULT_OUT,
    show_default=True,
    help="输出文件夹。",
)


def _today() -> date:
    return datetime.now(ZoneInfo("Asia/Shanghai")).date()


def _as_of(_ctx: click.Context, _param: click.Parameter, value: str | None) -> date:
    """``--as-of``: a YYYY-MM-DD date, by default today in Asia/Shanghai."""
    if value is None:
        return _today()
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"应为 YYYY-MM-DD 格式的日期: {value}") from None


def _scheduler(_ctx: click.Context, _param: click.Parameter, value: str | None) -> Scheduler | None:
    """``--scheduler``: ``local:N`` or ``tcp://HOST:PORT``; ``None`` when not given."""
    from generator.cluster import parse_scheduler  # no Dask import: parsing the address needs none

    if value is None:
        return None
    try:
        return parse_scheduler(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None


def _size(_ctx: click.Context, _param: click.Parameter, value: str | None) -> int:
    """``--worker-memory``: a memory size such as 2GiB, in bytes; 0 when not given."""
    if value is None:
        return 0
    try:
        from dask.utils import parse_bytes  # only when given: it goes with --scheduler, which needs Dask
    except ImportError:
        raise click.BadParameter("需要安装 gongshi 的 cluster 依赖（distributed）") from None
    try:
        size = int(parse_bytes(value))
    except ValueError:
        size = 0
    if size <= 0:
        raise click.BadParameter(f"“{value}”不是内存大小：应如 2GiB、1500MiB") from None
    return size


def _key(_ctx: click.Context, param: click.Parameter, value: str | None) -> PublicKey | None:
    """``--key``: the public key's one line (RWQ…), or a file holding it (a signify .pub file)."""
    if value is None:
        return None
    from generator.signing import UnusableKey, parse_public_key

    path = Path(value)
    try:
        text = path.read_text(encoding="ascii", errors="replace") if path.is_file() else value
        return parse_public_key(text)
    except (UnusableKey, OSError) as exc:
        raise click.BadParameter(f"{value}: {exc}", param=param) from None


AS_OF_OPTION = click.option(
    "--as-of", "as_of", callback=_as_of, metavar="YYYY-MM-DD", help="规则使用的日期（默认：上海时区今天）。"
)
SCHEDULER_OPTION = click.option(
    "--scheduler",
    callback=_scheduler,
    metavar="local:N|tcp://HOST:PORT",
    help="把页面渲染交给 Dask：local:N 在本机启动 N 个工作进程，tcp://主机:端口 连接已运行的调度器"
    "（输出文件夹须是各工作进程同一路径下的共享文件夹）。不给则用 --jobs 个本机进程，不加载 Dask。",
)
WORKER_MEMORY_OPTION = click.option(
    "--worker-memory",
    "worker_memory",
    callback=_size,
    metavar="SIZE",
    help="与 --scheduler local:N 同用：每个工作进程的内存上限（如 2GiB；超出则 Dask 重启该进程并重跑其任务）。"
    "默认由 Dask 按本机内存平分。已运行的集群在启动工作进程时设定（dask worker --memory-limit）。",
)
KEY_OPTION = click.option(
    "--key",
    callback=_key,
    metavar="KEY|FILE",
    help="信任的公钥：门户“发布历史”页面或 portal.yaml 公布的一行 RWQ… 文本，或保存它的 .pub 文件。",
)
