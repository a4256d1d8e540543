"""``gongshi mirror`` against a real ``gongshi serve`` (issue 14, item 2): a credit firm's copy of the demo
portal, downloaded whole at the first build and brought to the second by its delta — equal to the published
data line for line, with the repair, revocation, delisting and expiries reported by reason; a further run has
nothing to do; a tampered delta or stripped signatures are refused and the copy left as it was."""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from generator.mirror import mirror, open_source
from generator.signing import generate, write_signing_key
from tests.conftest import REPO
from tests.release.demo_story import FIRST, SECOND, Story, first_build, second_build


@contextmanager
def gongshi_serve(out: Path) -> Iterator[str]:
    """A real ``gongshi serve`` process on a free loopback port; yields its base URL once it listens (it says
    so on stderr only after binding its socket)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    command = [sys.executable, "-m", "generator.cli", "serve", "--out", str(out), "--port", str(port)]
    proc = subprocess.Popen(command, cwd=REPO, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True)
    try:
        assert proc.stderr is not None
        while "127.0.0.1" not in (line := proc.stderr.readline()):
            assert line, f"gongshi serve exited with {proc.wait()}"
        yield f"http://127.0.0.1:{port}/"
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def gongshi_mirror(url: str, dest: Path, *args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "generator.cli", "mirror", url, str(dest), *args]
    return subprocess.run(command, capture_output=True, text=True, cwd=REPO)


def copy_lines(dest: Path) -> dict[str, list[bytes]]:
    return {p.stem: p.read_bytes().split(b"\n")[:-1] for p in sorted((dest / "copy").glob("*.jsonl"))}


def published_lines(out: Path) -> dict[str, list[bytes]]:
    latest = out / "site" / "data" / "latest"
    found = {
        p.name: sorted((p / f"{p.name}.jsonl").read_bytes().split(b"\n")[:-1])
        for p in latest.iterdir()
        if p.is_dir()
    }
    return {name: lines for name, lines in sorted(found.items()) if lines}


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """Two signed builds served by ``gongshi serve``; the firm's mirror run after each, and once more."""
    root = tmp_path_factory.mktemp("mirror")
    key = generate()
    write_signing_key(key, root / "release.pem")
    dest = root / "firm"
    story = first_build(root / "office", root / "release.pem")
    runs: dict[str, object] = {"key": key, "dest": dest}
    with gongshi_serve(story.out) as url:
        runs["first"] = gongshi_mirror(url, dest, "--key", key.public.text)
        runs["first_lines"], runs["first_published"] = copy_lines(dest), published_lines(story.out)
        shutil.copytree(dest, root / "firm-at-first")
        runs["story"] = second_build(story, root / "release.pem")
        runs["second"] = gongshi_mirror(url, dest)  # the key pinned by the first run
        runs["second_lines"] = copy_lines(dest)
        runs["third"] = gongshi_mirror(url, dest)
    runs["at_first"] = root / "firm-at-first"
    return runs


def test_the_first_run_downloads_the_current_release_whole(run: dict) -> None:
    first = run["first"]
    assert first.returncode == 0, first.stderr
    assert "mirror-resync" in first.stderr and "下载完整数据" in first.stderr
    assert run["first_lines"] == run["first_published"]


def test_the_second_run_applies_the_delta_and_equals_the_published_data(run: dict) -> None:
    second, story = run["second"], run["story"]
    assert second.returncode == 0, second.stderr
    assert f"{FIRST.isoformat()} 更新到 {SECOND.isoformat()}（应用 1 个版本的增量）" in second.stderr
    assert run["second_lines"] == published_lines(story.out)


def test_the_report_says_why_records_were_deleted(run: dict) -> None:
    state = json.loads((run["dest"] / "copy" / "mirror.json").read_text(encoding="utf-8"))
    update = state["last_update"]
    assert update["mode"] == "deltas" and update["applied"] == [SECOND.isoformat()]
    assert update["reasons"]["repaired"] == 1 and update["reasons"]["revoked"] == 1
    assert update["reasons"]["delisted"] == 1 and update["reasons"]["expired"] >= 1
    assert update["changes"]["licences"]["deleted"] >= 1
    assert "删除原因" in run["second"].stderr and "repaired 1" in run["second"].stderr


def test_the_copy_holds_no_withdrawn_record(run: dict) -> None:
    story: Story = run["story"]
    text = b"".join(line for lines in run["second_lines"].values() for line in lines)
    for rid in (story.repaired, story.revoked, story.delisted):
        assert rid.encode() not in text


def test_a_run_with_nothing_new_changes_nothing(run: dict) -> None:
    third = run["third"]
    assert third.returncode == 0 and "无需更新" in third.stderr, third.stderr


def test_the_first_run_pins_the_key(run: dict) -> None:
    state = json.loads((run["at_first"] / "copy" / "mirror.json").read_text(encoding="utf-8"))
    assert state["public_key"] == run["key"].public.text and state["release"] == FIRST.isoformat()


@pytest.fixture
def tampered(run: dict, tmp_path: Path) -> tuple[Path, Path]:
    """A copy of the served site (links broken) and of the firm's copy as it was after the first run."""
    story: Story = run["story"]
    site, dest = tmp_path / "site", tmp_path / "firm"
    shutil.copytree(story.out / "site", site, copy_function=shutil.copy2)
    shutil.copytree(run["at_first"], dest)
    return site, dest


def test_a_tampered_delta_is_refused_and_the_copy_left_as_it_was(
    run: dict, tampered: tuple[Path, Path]
) -> None:
    site, dest = tampered
    before = {p.name: p.read_bytes() for p in (dest / "copy").iterdir()}
    delta = site / "data" / "releases" / SECOND.isoformat() / "delta.jsonl"
    delta.write_bytes(delta.read_bytes().replace(b'"reason":"repaired"', b'"reason":"expired!"'))
    done = mirror(open_source(str(site)), dest, None)
    assert done.failed and [p.code for p in done.check.problems] == ["verify-checksum-mismatch"]
    assert done.check.problems[0].file == str(delta)
    assert {p.name: p.read_bytes() for p in (dest / "copy").iterdir()} == before


def test_stripped_signatures_are_refused_once_a_key_is_pinned(tampered: tuple[Path, Path]) -> None:
    site, dest = tampered
    for signature in site.rglob("*.sig"):
        signature.unlink()
    done = mirror(open_source(str(site)), dest, None)
    assert done.failed and "mirror-signature-dropped" in [p.code for p in done.check.problems]
