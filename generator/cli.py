"""The ``gongshi`` command line: a thin layer over the library.

Stage: none (entry point). Guarantees: the only place that reads the system clock (the ``--as-of`` default,
today in Asia/Shanghai) and the only place that turns problems into exit codes:
0 success; 1 input rejected (``check``, or ``build --strict``: a rejected row or any ``error`` problem);
2 bad usage or unreadable catalog configuration; 3 the build failed (a stage error, disk full, another build
holding the output folder — a second build does not wait, it stops at once naming the holder's PID) and the
previous site was kept, said in one line without a traceback.
"""

from __future__ import annotations

import contextlib
import http.server
import sys
from collections import Counter
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import click
from rich.console import Console
from rich.markup import escape

from generator import __version__, paths
from generator.problems import Level, Problem, fatal, has_errors

if TYPE_CHECKING:
    from generator.inputs import Inputs

console = Console(stderr=True, highlight=False)
SHOWN_PROBLEMS = 30
# C0/C1 controls (tab and newline are harmless), bidi controls and zero-width characters, each shown escaped
_UNSAFE = {
    c: f"\\x{c:02x}" if c < 0x100 else f"\\u{c:04x}"
    for c in [*range(0x20), 0x7F, *range(0x80, 0xA0), 0x061C, *range(0x200B, 0x2010), *range(0x202A, 0x202F),
              *range(0x2060, 0x2070), 0xFEFF]
    if c not in (0x09, 0x0A)
}  # fmt: skip


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
    if value is None:
        return _today()
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"应为 YYYY-MM-DD 格式的日期: {value}") from None


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="gongshi")
def main() -> None:
    """gongshi（公示）：把信用办已审核的记录生成静态信用门户和开放数据包。"""


@main.command()
@CATALOG_OPTION
@OUT_OPTION
@click.option(
    "--as-of", "as_of", callback=_as_of, metavar="YYYY-MM-DD", help="规则使用的日期（默认：上海时区今天）。"
)
@click.option("--jobs", type=click.IntRange(1, 64), default=2, show_default=True, help="并行进程数。")
@click.option("--strict", is_flag=True, help="任何一行或一个文件被退回即构建失败（退出码 1），网站保持不变。")
@click.option(
    "--full", is_flag=True, help="不使用上一版的文件摘要表，重新写出全部文件（不沿用任何未变文件）。"
)
def build(catalog: Path, out: Path, as_of: date, jobs: int, strict: bool, full: bool) -> None:
    """构建门户网站、开放数据包和构建报告。

    构建失败（某阶段出错、磁盘已满、另一个构建正在使用同一输出文件夹）时退出码为 3，网站保持上一版不变。"""
    from generator.build import BuildOptions
    from generator.build import build as run_build

    with console.status("构建中…") as status:
        result = run_build(
            BuildOptions(catalog, out, as_of, jobs, strict, full), lambda s: status.update(s + "…")
        )
    if result.failed:
        failure = "；".join(p.message for p in fatal(result.problems))
        console.print(f"[red]构建失败，网站保持上一版不变：{escape(failure)}[/red]", soft_wrap=True)
        sys.exit(3)
    _show(result.problems)
    if not result.config_ok:
        sys.exit(2)
    assert result.summary is not None
    totals = result.summary["totals"]
    console.print(
        f"输入 {totals['rows']} 行：已公示 {totals['published']}，暂不公示 {totals['withheld']}，退回 {totals['rejected']}。"
    )
    console.print(f"构建报告：{out / paths.REPORT_DIR / paths.BUILD_REPORT_HTML}")
    if not result.swapped:
        console.print("[red]--strict：有退回的行或文件，网站未更新。[/red]")
        sys.exit(1)
    console.print(f"网站：{out / paths.SITE_DIR}（预览：gongshi serve --out {out}）")


@main.command()
@CATALOG_OPTION
def check(catalog: Path) -> None:
    """校验目录与数据，不写出网站；有退回的行或文件时退出码为 1。"""
    from generator.inputs import read_inputs

    with console.status("校验中…"):
        inputs = read_inputs(catalog, cache=False)
    problems = inputs.problems + _decision_problems(inputs)
    _show(problems)
    if not inputs.ok:
        sys.exit(2)
    rejected = sum(len(r.ledger) for r in (inputs.raw, inputs.valid) if r is not None)
    rows = rejected + sum(len(t.frame) for t in inputs.valid.tables.values()) if inputs.valid else rejected
    console.print(f"共 {rows} 行，退回 {rejected} 行。")
    sys.exit(1 if rejected or has_errors(problems) else 0)


@main.command()
@OUT_OPTION
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True)
def serve(out: Path, port: int) -> None:
    """在 http://127.0.0.1:8000 预览已构建的网站。"""
    site = out / paths.SITE_DIR
    if not site.is_dir():
        console.print(f"[red]{site} 不存在，请先运行 gongshi build。[/red]")
        sys.exit(2)
    from generator.serve import handler_for

    with http.server.ThreadingHTTPServer(("127.0.0.1", port), handler_for(site)) as server:
        console.print(f"预览：http://127.0.0.1:{port}/ （Ctrl+C 结束）")
        with contextlib.suppress(KeyboardInterrupt):
            server.serve_forever()


@main.command()
@click.option("--records", type=click.IntRange(1, 50_000_000), required=True, help="记录条数。")
@click.option("--out", type=click.Path(path_type=Path), required=True, help="写出目录的文件夹。")
@click.option("--seed", type=int, default=0, show_default=True, help="随机种子（同一种子输出相同）。")
def sample(records: int, out: Path, seed: int) -> None:
    """生成逼真的合成目录（演示、测试与基准用）。"""
    from generator.sample import write_sample

    try:
        with console.status(f"生成 {records} 条记录…"):
            summary = write_sample(out, records, seed)
    except FileExistsError as exc:
        console.print(f"[red]{out} 中已有目录文件，不会覆盖：{escape(str(exc))}[/red]")
        sys.exit(2)
    console.print(f"已写出 {out}：{summary}")


def _decision_problems(inputs: Inputs) -> list[Problem]:
    """The bad repair/revocation rows, which the build reports in its rules stage (``check`` runs no rules)."""
    if inputs.rules is None or inputs.valid is None:
        return []
    from generator.rules.matching import resolve_invalid

    return resolve_invalid(inputs.rules.invalid, inputs.valid.tables)[1]


def terminal_safe(text: str) -> str:
    """``text`` with control and invisible formatting characters shown as ``\\xNN``/``\\uNNNN``: a value from a
    catalog file must never move the clerk's cursor, retitle the terminal or reorder what is shown."""
    return text.translate(_UNSAFE)


def _show(problems: list[Problem]) -> None:
    """Print configuration problems in full and the first row problems; the report has them all."""
    ordered = sorted(problems, key=lambda p: p.level is not Level.CONFIG)
    for p in ordered[:SHOWN_PROBLEMS]:
        colour = {"config": "red", "error": "red", "warning": "yellow"}.get(p.level.value, "white")
        console.print(
            f"[{colour}]{p.level.value}[/{colour}] {p.code} {escape(terminal_safe(p.where()))}: "
            f"{escape(terminal_safe(p.message))}",
            markup=True,
            soft_wrap=True,
        )
    if len(problems) > SHOWN_PROBLEMS:
        rest = Counter(p.code for p in ordered[SHOWN_PROBLEMS:])
        counts = "，".join(f"{code} {n} 条" for code, n in sorted(rest.items()))
        console.print(
            f"…另有 {len(problems) - SHOWN_PROBLEMS} 条问题（{counts}），见构建报告。", soft_wrap=True
        )


if __name__ == "__main__":
    main()
