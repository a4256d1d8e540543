"""The ``gongshi`` command line: a thin layer over the library.

Stage: none (entry point). Guarantees: the only place that reads the system clock (the ``--as-of`` default,
today in Asia/Shanghai) and the only place that turns problems into exit codes:
0 success; 1 input rejected (``check``, or ``build --strict``); 2 bad usage or unreadable catalog configuration.
"""

from __future__ import annotations

import contextlib
import http.server
import sys
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import click
from rich.console import Console
from rich.markup import escape

from generator import __version__, paths
from generator.problems import Level, Problem

console = Console(stderr=True, highlight=False)
SHOWN_PROBLEMS = 30


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
@click.option("--strict", is_flag=True, help="任何一行被退回即构建失败（退出码 1），网站保持不变。")
def build(catalog: Path, out: Path, as_of: date, jobs: int, strict: bool) -> None:
    """构建门户网站、开放数据包和构建报告。"""
    from generator.build import BuildOptions
    from generator.build import build as run_build

    with console.status("构建中…") as status:
        result = run_build(BuildOptions(catalog, out, as_of, jobs, strict), lambda s: status.update(s + "…"))
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
        console.print("[red]--strict：有退回的行，网站未更新。[/red]")
        sys.exit(1)
    console.print(f"网站：{out / paths.SITE_DIR}（预览：gongshi serve --out {out}）")


@main.command()
@CATALOG_OPTION
def check(catalog: Path) -> None:
    """校验目录与数据，不写出网站；有退回的行时退出码为 1。"""
    from generator.inputs import read_inputs

    with console.status("校验中…"):
        inputs = read_inputs(catalog)
    _show(inputs.problems)
    if not inputs.ok:
        sys.exit(2)
    rejected = sum(len(r.ledger) for r in (inputs.raw, inputs.valid) if r is not None)
    rows = rejected + sum(len(t.frame) for t in inputs.valid.tables.values()) if inputs.valid else rejected
    console.print(f"共 {rows} 行，退回 {rejected} 行。")
    sys.exit(1 if rejected else 0)


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


def _show(problems: list[Problem]) -> None:
    """Print configuration problems in full and the first row problems; the report has them all."""
    ordered = sorted(problems, key=lambda p: p.level is not Level.CONFIG)
    for p in ordered[:SHOWN_PROBLEMS]:
        colour = {"config": "red", "error": "red", "warning": "yellow"}.get(p.level.value, "white")
        console.print(
            f"[{colour}]{p.level.value}[/{colour}] {p.code} {escape(p.where())}: {escape(p.message)}",
            markup=True,
            soft_wrap=True,
        )
    if len(problems) > SHOWN_PROBLEMS:
        console.print(f"…另有 {len(problems) - SHOWN_PROBLEMS} 条问题，见构建报告。")


if __name__ == "__main__":
    main()
