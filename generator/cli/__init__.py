"""The ``gongshi`` command line: a thin layer over the library.

Stage: none (entry point). Guarantees: the commands here, with their options parsed in ``generator.cli.options`` (the
only place that reads the system clock: the ``--as-of`` default, today in Asia/Shanghai) and problems printed by
``generator.cli.output``, are the only place that turns problems into exit codes:
0 success; 1 input rejected (``check``, or ``build --strict``: a rejected row or any ``error`` problem;
``verify``/``mirror``: a signature or checksum that does not match — the mirror's copy is left as it was);
2 bad usage or unreadable catalog configuration (or an unusable signing key); 3 the build failed (a stage
error, disk full, another build holding the output folder — a second build does not wait, it stops at once
naming the holder's PID) and the previous site was kept, said in one line without a traceback.
"""

from __future__ import annotations

import contextlib
import http.server
import sys
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import click
from rich.markup import escape

from generator import __version__, paths
from generator.cli.options import (
    AS_OF_OPTION,
    CATALOG_OPTION,
    KEY_OPTION,
    OUT_OPTION,
    SCHEDULER_OPTION,
    WORKER_MEMORY_OPTION,
)
from generator.cli.output import console, show_problems
from generator.problems import Problem, fatal, has_errors

if TYPE_CHECKING:
    from generator.cluster import Scheduler
    from generator.inputs import Inputs
    from generator.signing import PublicKey


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="gongshi")
def main() -> None:
    """gongshi（公示）：把信用办已审核的记录生成静态信用门户和开放数据包。"""


@main.command()
@CATALOG_OPTION
@OUT_OPTION
@AS_OF_OPTION
@click.option("--jobs", type=click.IntRange(1, 64), default=2, show_default=True, help="并行进程数。")
@click.option("--strict", is_flag=True, help="任何一行或一个文件被退回即构建失败（退出码 1），网站保持不变。")
@click.option(
    "--full", is_flag=True, help="不使用上一版的文件摘要表，重新写出全部文件（不沿用任何未变文件）。"
)
@click.option(
    "--signing-key",
    "signing_key",
    type=click.Path(path_type=Path),
    envvar="GONGSHI_SIGNING_KEY",
    show_envvar=True,
    help="为数据版本签名的 Ed25519 私钥（PEM，gongshi keygen 生成；放在目录之外）。不给则不签名并警告。",
)
@SCHEDULER_OPTION
@WORKER_MEMORY_OPTION
def build(
    catalog: Path,
    out: Path,
    as_of: date,
    jobs: int,
    strict: bool,
    full: bool,
    signing_key: Path | None,
    scheduler: Scheduler | None,
    worker_memory: int,
) -> None:
    """构建门户网站、开放数据包和构建报告。

    构建失败（某阶段出错、磁盘已满、另一个构建正在使用同一输出文件夹）时退出码为 3，网站保持上一版不变。"""
    from generator.build import BuildOptions
    from generator.build import build as run_build

    if worker_memory:
        if scheduler is None or scheduler.address:
            raise click.UsageError(
                "--worker-memory 只与 --scheduler local:N 同用；已运行的集群请用 dask worker --memory-limit"
            )
        scheduler = replace(scheduler, memory=worker_memory)
    with console.status("构建中…") as status:
        result = run_build(
            BuildOptions(
                catalog, out, as_of, jobs, strict, full, signing_key=signing_key, scheduler=scheduler
            ),
            lambda s: status.update(s + "…"),
        )
    if result.failed:
        failure = "；".join(p.message for p in fatal(result.problems))
        console.print(f"[red]构建失败，网站保持上一版不变：{escape(failure)}[/red]", soft_wrap=True)
        sys.exit(3)
    show_problems(result.problems)
    if not result.config_ok:
        sys.exit(2)
    assert result.summary is not None
    totals = result.summary["totals"]
    console.print(
        f"输入 {totals['rows']} 行：已公示 {totals['published']}，暂不公示 {totals['withheld']}，退回 {totals['rejected']}。"
    )
    console.print(f"构建报告：{out / paths.REPORT_DIR / paths.BUILD_REPORT_HTML}")
    if result.unchanged:
        console.print("输入与上次构建完全相同，网站无需更新。")
    elif not result.swapped:
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
    show_problems(problems)
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


@main.command()
@click.argument("source")
@KEY_OPTION
def verify(source: str, key: PublicKey | None) -> None:
    """核验网址或文件夹 SOURCE 上的开放数据：签名和每个文件的 SHA-256；有不符时退出码为 1。"""
    from generator.mirror import open_source
    from generator.mirror import verify as run_verify

    with console.status("核验中…"):
        check = run_verify(open_source(source), key)
    show_problems(check.problems)
    if has_errors(check.problems):
        console.print(f"[red]核验未通过：已核对 {check.files} 个文件，{len(check.problems)} 条问题。[/red]")
        sys.exit(1)
    used = f"公钥编号 {check.key.fingerprint}" if check.key else "无公钥"
    console.print(f"核验通过：{check.files} 个文件的签名与 SHA-256 均相符（{used}）。")


@main.command()
@click.argument("url")
@OUT_OPTION
@click.option(
    "--endpoint-url",
    "endpoint",
    envvar="GONGSHI_ENDPOINT_URL",
    show_envvar=True,
    help="S3 兼容对象存储的地址（MinIO、OSS、COS 等）；不给则用 AWS 的默认地址。凭据取自 AWS_ACCESS_KEY_ID 等环境变量。",
)
@click.option(
    "--keep",
    type=click.IntRange(0, 100),
    default=0,
    show_default=True,
    help="切换后保留的旧版本数（0：旧版本连同其中已撤下的记录页立即删除）。",
)
def push(url: str, out: Path, endpoint: str | None, keep: int) -> None:
    """把已构建的网站推送到对象存储 URL（如 s3://桶/门户）：上传为新版本，核对后改写指针 current.json，再删除旧版本。

    推送失败时退出码为 3，指针保持原版本不变。"""
    from generator.push import PushFailed
    from generator.push import push as run_push

    try:
        with console.status("推送中…"):
            done = run_push(out, url, endpoint, keep)
    except PushFailed as exc:
        console.print(f"[red]推送失败，对象存储仍指向原版本：{escape(str(exc))}[/red]", soft_wrap=True)
        sys.exit(3)
    if done.unchanged:
        console.print(f"对象存储已指向此网站（版本 {done.version}），无需推送。")
    else:
        console.print(
            f"已推送版本 {done.version}：上传 {done.uploaded} 个文件，存储内复制 {done.copied} 个未变文件。"
        )
    if done.deleted:
        console.print(f"已删除旧版本：{'、'.join(done.deleted)}")


@main.command()
@click.argument("source")
@click.argument("dest", type=click.Path(path_type=Path))
@KEY_OPTION
def mirror(source: str, dest: Path, key: PublicKey | None) -> None:
    """把 SOURCE（网址或文件夹）的开放数据同步到本地文件夹 DEST：核验后应用增量，增量无法衔接时重新下载完整数据。"""
    from generator.mirror import mirror as run_mirror
    from generator.mirror import open_source

    with console.status("同步中…"):
        done = run_mirror(open_source(source), dest, key)
    show_problems(done.check.problems)
    if done.failed:
        console.print(f"[red]同步失败，副本保持版本 {done.held or '（无）'} 不变。[/red]")
        sys.exit(1)
    for line in done.summary():
        console.print(escape(line), soft_wrap=True)


@main.command()
@click.option(
    "--out", type=click.Path(path_type=Path), required=True, help="私钥文件（PEM）；公钥写到同名 .pub。"
)
def keygen(out: Path) -> None:
    """生成为数据版本签名的 Ed25519 密钥对：私钥（只有本人可读，放在目录之外），公钥（填入 portal.yaml）。"""
    from generator.signing import generate, write_signing_key

    public = Path(f"{out}.pub")
    if out.exists() or public.exists():
        console.print(f"[red]{escape(str(out))} 或 {escape(str(public))} 已存在，不会覆盖。[/red]")
        sys.exit(2)
    key = generate()
    try:
        write_signing_key(key, out)
        public.write_bytes(key.public.pub_file("gongshi release signing key (Ed25519)"))
    except OSError as exc:
        console.print(f"[red]无法写出密钥：{escape(str(exc))}[/red]")
        sys.exit(2)
    console.print(
        f"私钥：{out}（构建时用 --signing-key 或环境变量 GONGSHI_SIGNING_KEY 指定；切勿放进目录或网站）"
    )
    console.print(f"公钥：{public}；填入 portal.yaml：")
    print(f"release_public_key: {key.public.text}")


def _decision_problems(inputs: Inputs) -> list[Problem]:
    """The bad repair/revocation rows, which the build reports in its rules stage (``check`` runs no rules)."""
    if inputs.rules is None or inputs.valid is None:
        return []
    from generator.rules.matching import resolve_invalid

    return resolve_invalid(inputs.rules.invalid, inputs.valid.tables)[1]
