"""The Dask engine (``gongshi build --scheduler``): the same bytes as one process, failures kept out of the site.

Real clusters only: a ``LocalCluster`` of worker processes on loopback, or ``dask scheduler`` and ``dask worker``
processes started by the test (``tests.daskkit``), killed the way a machine fails.
"""

from __future__ import annotations

import gc
import json
import os
import pickle
import shutil
import signal
import socket
import subprocess
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from generator.build import BuildOptions, build
from generator.cli import main
from generator.cluster import AHEAD, Scheduler, connect, parse_scheduler
from generator.cluster.files import _call, spill
from generator.collector import THRESHOLDS
from generator.model import META
from generator.rules.credit import CREDIT_KINDS
from generator.rules.parts import Part
from generator.written import Written
from tests.buildproc import LIMIT, TICK, staging_folders, start_build, tree_digest
from tests.conftest import AS_OF, DEMO_CATALOG, REPO, run_build
from tests.daskkit import anon_kib, collector_thresholds, dask_cluster, files_beside, fragment_memory

pytestmark = pytest.mark.slow
DAY = AS_OF.isoformat()


def cli_build(out: Path, scheduler: str, *, catalog: Path = DEMO_CATALOG) -> tuple[int, str]:
    return start_build(out, catalog=catalog, as_of=DAY, extra=("--scheduler", scheduler)).finish()


def sites_equal(a: Path, b: Path) -> None:
    left, right = tree_digest(a / "site"), tree_digest(b / "site")
    assert left.keys() == right.keys()
    assert [path for path in left if left[path] != right[path]] == []
    assert len(left) > 100  # a whole portal, not two empty folders


def test_scheduler_addresses_name_a_local_cluster_or_a_tcp_scheduler() -> None:
    assert parse_scheduler("local:2") == Scheduler("", 2)
    assert parse_scheduler("tcp://10.0.0.5:8786") == Scheduler("tcp://10.0.0.5:8786")
    for wrong in ("local:0", "local:", "local:100", "10.0.0.5:8786", "tcp://10.0.0.5", "http://h:1", ""):
        with pytest.raises(ValueError, match="local:N"):
            parse_scheduler(wrong)


def test_cluster_map_gives_results_in_order_with_a_few_item_files_on_disk(tmp_path: Path) -> None:
    folder = tmp_path / "items"
    cluster = connect(Scheduler("", 1))  # one worker thread
    try:
        results = list(cluster.map_files(files_beside, [(str(folder), n) for n in range(40)], folder))
    finally:
        cluster.close()
    assert [n for n, _ in results] == list(range(40))
    assert max(files for _, files in results) <= AHEAD  # not 40: items are written as results come back
    assert list(folder.iterdir()) == []


def test_a_tasks_result_crosses_to_the_build_as_one_pickled_frame(tmp_path: Path) -> None:
    """Dask would serialise a list result element by element (a header each): thousands of ``Written`` per
    page task cost the build process more CPU than the pages' own data. The task pickles its result instead."""
    written = [Written(f"r/{n:02X}/{n}.html", "ab" * 16, n, n, n % 2 == 0) for n in range(300)]
    file = spill(written, tmp_path)
    frame = _call(list, str(file))
    assert type(frame) is bytes
    back = pickle.loads(frame)
    assert back == written and all(type(w) is Written for w in back)


def test_tasks_run_with_the_builds_fewer_garbage_collections_and_the_worker_gets_its_own_back(
    tmp_path: Path,
) -> None:
    """A Dask worker is started, not forked from the build: it does not inherit the build's thresholds."""
    cluster = connect(Scheduler("", 1))
    try:
        default = cluster.client.run(gc.get_threshold)
        during = list(cluster.map_files(collector_thresholds, [0, 1], tmp_path / "items"))
        after = cluster.client.run(gc.get_threshold)
    finally:
        cluster.close()
    assert during == [THRESHOLDS, THRESHOLDS]
    assert after == default and THRESHOLDS not in default.values()


def test_when_a_map_is_done_its_workers_give_back_the_memory_its_tasks_freed(tmp_path: Path) -> None:
    """The heap keeps what a task frees between blocks still in use: without a trim, a worker would enter the
    next stage at the peak of this one's largest task."""
    cluster = connect(Scheduler("", 1))
    try:
        [during] = cluster.map_files(fragment_memory, [0], tmp_path / "items")
        [after] = cluster.client.run(anon_kib).values()
    finally:
        cluster.close()
    assert after < during - 80 * 1024  # ≈ 117 MiB of holes freed


def test_a_local_clusters_workers_get_the_memory_limit_set(tmp_path: Path) -> None:
    cluster = connect(Scheduler("", 1, memory=700 * 2**20))
    try:
        limits = cluster.client.run(lambda dask_worker: dask_worker.memory_manager.memory_limit)
    finally:
        cluster.close()
    assert list(limits.values()) == [700 * 2**20]


@pytest.mark.parametrize(
    ("options", "says"),
    [
        (["--scheduler", "tcp://127.0.0.1:9", "--worker-memory", "2GiB"], "dask worker --memory-limit"),
        (["--worker-memory", "2GiB"], "--scheduler local:N"),
        (["--scheduler", "local:1", "--worker-memory", "lots"], "不是内存大小"),
        (["--scheduler", "local:1", "--worker-memory", "0"], "不是内存大小"),
    ],
)
def test_a_worker_memory_without_a_local_cluster_or_not_a_size_is_bad_usage(
    tmp_path: Path, options: list[str], says: str
) -> None:
    out = tmp_path / "published"
    result = CliRunner().invoke(main, ["build", "--catalog", str(DEMO_CATALOG), "--out", str(out), *options])
    assert result.exit_code == 2
    assert says in result.output
    assert not out.exists()


def test_a_malformed_scheduler_is_bad_usage_and_nothing_is_written(tmp_path: Path) -> None:
    out = tmp_path / "published"
    result = CliRunner().invoke(main, ["build", "--catalog", str(DEMO_CATALOG), "--out", str(out),
                                       "--scheduler", "10.0.0.5:8786"])  # fmt: skip
    assert result.exit_code == 2
    assert "local:N" in result.output
    assert not out.exists()


def test_a_build_without_a_scheduler_never_imports_dask(tmp_path: Path) -> None:
    script = (
        "import sys\nfrom generator.cli import main\n"
        f"try:\n    main(['build', '--catalog', {str(DEMO_CATALOG)!r}, '--out', {str(tmp_path / 'out')!r}])\n"
        "except SystemExit as exc:\n    assert exc.code == 0, exc.code\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'dask', 'distributed', 'tornado'}))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=REPO, timeout=LIMIT
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "[]"
    assert (tmp_path / "out" / "site" / "index.html").is_file()


def test_an_unreachable_scheduler_fails_before_anything_is_read_or_written(tmp_path: Path) -> None:
    with socket.socket() as s:  # a port nobody listens on once closed
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    out = tmp_path / "published"
    code, err = cli_build(out, f"tcp://127.0.0.1:{port}")
    assert code == 3
    assert f"无法连接调度器 tcp://127.0.0.1:{port}" in err
    assert "Traceback" not in err
    assert not out.exists()


def test_a_local_cluster_build_is_byte_identical_to_a_single_process_build(
    demo_build: Path, tmp_path: Path
) -> None:
    out = tmp_path / "published"
    code, err = cli_build(out, "local:2")
    assert code == 0, err
    assert "Traceback" not in err
    sites_equal(out, demo_build)


def test_rules_archives_and_parquet_on_the_workers_give_one_process_site_report_and_ledger(
    demo_build: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each dataset's rows cut into parts of 40 (the demo's penalties: 28 parts), decided by the workers, which
    read them from the batch files' outcomes (the build holds only their META columns and department, and
    writes no table of them: the credit kinds and commitment items, decided whole, excepted); the archives'
    rows shuffled into the subjects' order by map tasks of 8 view rows; the Parquet files typed and written by
    the workers (the build's process never types a table)."""
    import generator.build
    from generator.cluster import Cluster
    from generator.packs import job
    from generator.site import shuffle

    def typed_here(*_: Any) -> None:
        raise AssertionError("a table typed in the build's process")

    monkeypatch.setattr(generator.build, "PART_ROWS", 40)
    monkeypatch.setattr(shuffle, "PART_ROWS", 8)
    monkeypatch.setattr(job, "typed_table", typed_here)
    mapped: list[tuple[str, int]] = []
    parts: list[Part] = []
    original = Cluster.map_files

    def counted(self: Cluster, fn: Any, items: Any, *rest: Any, **named: Any) -> Any:
        items = list(items)
        mapped.append((fn.__name__, len(items)))
        parts.extend(items if fn.__name__ == "decide_shared" else [])
        return original(self, fn, items, *rest, **named)

    monkeypatch.setattr(Cluster, "map_files", counted)
    out = tmp_path / "published"
    result = build(BuildOptions(DEMO_CATALOG, out, AS_OF, scheduler=parse_scheduler("local:2")))
    assert result.swapped, [p.message for p in result.problems if p.level == "fatal"]
    assert max(n for name, n in mapped if name == "decide_shared") > 20
    for (
        part
    ) in parts:  # where each part's rows were read: the batch files' outcomes, or the table the build wrote
        files = {Path(file).name for file, *_ in part.shared.runs} if part.shared else set()
        whole = part.table.spec.config.kind in (*CREDIT_KINDS, "commitment-items")
        assert (
            files == {f"rules-{part.name}.arrow"} if whole else all(f.endswith(".valid.arrow") for f in files)
        )
        assert whole or set(part.table.frame.columns) <= {*META, part.table.spec.schema.role("department")}
    penalties = [part for part in parts if part.name == "penalties"]
    assert len(penalties) > 20 and max(len(part.shared.runs) for part in penalties if part.shared) > 1
    assert max(n for name, n in mapped if name == "sort_part") > 20
    datasets = [d for d in (out / "site/data/latest").iterdir() if d.is_dir()]
    assert sum(n for name, n in mapped if name == "write_typed") == len(datasets) > 5
    sites_equal(out, demo_build)
    for name in ("build-report.json", "ledger.parquet"):
        assert (out / "report" / name).read_bytes() == (demo_build / "report" / name).read_bytes(), name


def test_an_incremental_rebuild_on_a_cluster_links_unchanged_pages_and_equals_one_process(
    tmp_path: Path,
) -> None:
    out, later = tmp_path / "published", date(2026, 12, 21)  # a month on: months, periods and home change
    code, err = cli_build(out, "local:1")
    assert code == 0, err
    before = _inodes(out / "site")
    done = start_build(out, as_of=later.isoformat(), extra=("--scheduler", "local:2")).finish()
    assert done[0] == 0, done[1]
    single = run_build(DEMO_CATALOG, run_build(DEMO_CATALOG, tmp_path / "single"), later)  # same two builds
    sites_equal(out, single)
    after = _inodes(out / "site")
    kept = [rel for rel, inode in after.items() if before.get(rel) == inode]
    changes = json.loads((out / "report" / "changes.json").read_text(encoding="utf-8"))
    assert len(kept) > len(after) // 2  # most pages carried over by hard link, not rewritten
    assert sorted(set(after) - set(kept)) == sorted(changes["added"] + changes["changed"])


def test_a_50k_sample_on_a_local_cluster_equals_its_single_process_build(tmp_path: Path) -> None:
    from generator.sample import write_sample

    catalog = tmp_path / "catalog"
    write_sample(catalog, 50_000, seed=11)
    one = build(BuildOptions(catalog, tmp_path / "one", AS_OF, jobs=1))
    two = build(BuildOptions(catalog, tmp_path / "two", AS_OF, scheduler=parse_scheduler("local:2")))
    assert one.swapped and two.swapped, [p.message for p in one.problems + two.problems if p.level == "fatal"]
    assert one.summary is not None and one.summary["totals"]["published"] > 20_000
    sites_equal(tmp_path / "one", tmp_path / "two")


def test_workers_of_another_gongshi_version_are_refused_before_anything_is_written(tmp_path: Path) -> None:
    preload = tmp_path / "other_version.py"
    preload.write_text("import generator\ngenerator.__version__ = '0.0.0-other'\n", encoding="utf-8")
    with dask_cluster(tmp_path / "dask", workers=1, preload=preload) as cluster:
        code, err = cli_build(tmp_path / "published", cluster.address)
    assert code == 3
    assert "gongshi 0.0.0-other" in err
    assert not (tmp_path / "published").exists()


@pytest.mark.parametrize("hidden", ["output", "catalog"])
def test_a_worker_that_cannot_see_the_output_or_catalog_folder_is_refused(
    tmp_path: Path, hidden: str
) -> None:
    out, catalog = tmp_path / "shared" / "published", tmp_path / "inputs" / "catalog"
    out.mkdir(parents=True)
    shutil.copytree(DEMO_CATALOG, catalog)
    if os.geteuid() != 0:
        pytest.skip("hiding a folder from one worker takes a mount namespace (root)")
    folder = out.parent if hidden == "output" else catalog.parent
    hide = ("unshare", "--mount", "--propagation", "private", "sh", "-c",
            f'mount -t tmpfs none "{folder}" && exec "$@"', "sh")  # fmt: skip
    with dask_cluster(tmp_path / "dask", workers=1, prefix=hide) as cluster:
        code, err = cli_build(out, cluster.address, catalog=catalog)
    assert code == 3
    assert ("看不到输出文件夹" if hidden == "output" else "看不到目录文件夹") in err
    assert "Traceback" not in err
    assert not (out / "site").exists()
    assert staging_folders(out) == []


@pytest.mark.parametrize(
    ("at", "workers"),
    [
        ("site-bulk", 2),
        ("site-bulk", 1),  # the only worker dies
        ("load-files", 2),  # while the batch files are read and validated on the workers
        ("packs-writing", 2),  # while the workbooks are written on the workers
    ],
)
def test_a_worker_killed_mid_build_is_replaced_and_the_site_is_identical(
    demo_build: Path, tmp_path: Path, at: str, workers: int
) -> None:
    out = tmp_path / "published"
    with dask_cluster(tmp_path / "dask", workers=workers) as cluster:
        running = start_build(out, pause_at=at, as_of=DAY, extra=("--scheduler", cluster.address))
        running.wait_at_checkpoint()  # the stage's first tasks handed to the cluster, one result taken
        with cluster.client() as client:
            victim = _holding_results(client)
            os.kill(client.run(os.getpid)[victim], signal.SIGKILL)  # its finished pages' results die with it
        running.resume()
        code, err = running.finish()
        cluster.wait_for_workers(workers)  # its nanny started a new one
    assert code == 0, err
    sites_equal(out, demo_build)


def test_a_lost_scheduler_fails_the_build_and_keeps_the_previous_site(
    demo_build: Path, tmp_path: Path
) -> None:
    out = tmp_path / "published"
    code, err = cli_build(out, "local:1")  # the previous site
    assert code == 0, err
    before = tree_digest(out / "site")
    with dask_cluster(tmp_path / "dask") as cluster:
        running = start_build(
            out, pause_at="site-bulk", as_of="2026-11-23", extra=("--scheduler", cluster.address)
        )
        running.wait_at_checkpoint()
        cluster.kill_scheduler()
        running.resume()
        code, err = running.finish()
    assert code == 3
    assert "与调度器的连接中断" in err
    assert "Traceback" not in err
    assert tree_digest(out / "site") == before
    # workers finish a running task even without their scheduler; its writes then fail (the staging folder it
    # wrote into was discarded) instead of recreating the folder
    assert staging_folders(out) == []


def test_a_task_that_keeps_killing_its_workers_fails_the_build_and_keeps_the_previous_site(
    tmp_path: Path,
) -> None:
    out = run_build(DEMO_CATALOG, tmp_path / "published")  # the previous site
    before = tree_digest(out / "site")
    preload = tmp_path / "deadly_subjects.py"  # a subject task takes its worker down, every time
    preload.write_text(
        "import os\nfrom generator.site import bulk\nrun = bulk.__dict__.setdefault('unpatched', bulk.run)\n"
        "bulk.run = lambda data, task: os._exit(9) if task[0] == 'subject' else run(data, task)\n",
        encoding="utf-8",
    )
    with dask_cluster(tmp_path / "dask", workers=2, preload=preload) as cluster:
        later = ("--scheduler", cluster.address)  # a later day: the same inputs would build nothing
        code, err = start_build(out, as_of="2026-11-23", extra=later).finish()
    assert code == 3
    assert "一项任务反复导致工作进程退出" in err
    assert "Traceback" not in err
    assert tree_digest(out / "site") == before
    # the surviving worker may still be finishing a page task (Dask cannot interrupt a running task); its
    # writes then fail (the staging folder was discarded) instead of recreating the folder
    assert staging_folders(out) == []


def _inodes(site: Path) -> dict[str, int]:
    return {str(p.relative_to(site)): p.stat().st_ino for p in site.rglob("*") if p.is_file()}


def _holding_results(client: Any) -> str:
    """The address of a worker holding at least one finished page task's result (waits for one)."""
    waited = 0.0
    while True:
        held = {w: [k for k in keys if str(k).startswith("_call-")] for w, keys in client.has_what().items()}
        found = sorted(w for w, keys in held.items() if keys)
        if found:
            return found[0]
        assert waited < LIMIT, f"no worker finished a page task: {client.processing()} {client.has_what()}"
        time.sleep(TICK)  # polling the scheduler's own word, bounded: not a timed assertion
        waited += TICK
