"""``gongshi verify`` (issue 14, item 3): a signed site verifies; a tampered file, a tampered manifest, a
truncated download and a wrong key are each rejected with a message naming the file and what differs.
Sites are real release-stage output (six successive builds) in real folders, served over real HTTP by the
preview server where a download is the point; the CLI is run as a process."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from generator.mirror import open_source, verify
from generator.mirror.source import Source, Unavailable
from generator.signing import SigningKey, generate
from tests.browser.kit import serve
from tests.conftest import REPO
from tests.release.scenario import Build, run_story

LATEST = "2026-11-24.02"
DATA_FILE = f"data/releases/{LATEST}/penalties/penalties.csv"


@pytest.fixture(scope="module")
def key() -> SigningKey:
    return generate()


@pytest.fixture(scope="module")
def story(tmp_path_factory: pytest.TempPathFactory, key: SigningKey) -> list[Build]:
    return run_story(tmp_path_factory.mktemp("signed-story"), signer=key)


@pytest.fixture
def site(story: list[Build], tmp_path: Path) -> Path:
    """A copy of the last build's site (hard links broken), free to tamper with."""
    copy = tmp_path / "site"
    shutil.copytree(story[-1].site, copy, copy_function=shutil.copy2)
    return copy


def codes(site: Path | str, key: SigningKey | None) -> list[str]:
    return [p.code for p in verify(open_source(str(site)), key.public if key else None).problems]


def test_a_signed_site_verifies_every_file_of_every_kept_release(story: list[Build], key: SigningKey) -> None:
    check = verify(open_source(str(story[-1].site)), key.public)
    assert check.problems == []
    listed = sum(
        len(json.loads((story[-1].site / r["manifest"]["path"]).read_text(encoding="utf-8"))["files"])
        for r in json.loads((story[-1].site / "data/releases.json").read_text(encoding="utf-8"))["releases"]
    )
    assert check.files >= listed + 6  # every release file, the manifests, releases.json and catalog.json


def test_a_tampered_data_file_is_named_with_expected_and_actual_hashes(site: Path, key: SigningKey) -> None:
    target = site / DATA_FILE
    target.write_bytes(target.read_bytes().replace("罚款".encode(), "警告".encode(), 1))
    [problem] = verify(open_source(str(site)), key.public).problems
    assert problem.code == "verify-checksum-mismatch" and problem.file == str(target)
    assert "应为" in problem.message and "实际为" in problem.message and problem.value in problem.message


def test_a_tampered_manifest_is_rejected(site: Path, key: SigningKey) -> None:
    manifest = site / f"data/releases/{LATEST}/manifest.json"
    document = json.loads(manifest.read_text(encoding="utf-8"))
    document["files"][0]["sha256"] = "0" * 64
    manifest.write_text(json.dumps(document, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    assert "verify-manifest-mismatch" in codes(site, key)


def test_a_manifest_tampered_together_with_the_history_fails_the_signatures(
    site: Path, key: SigningKey
) -> None:
    manifest = site / f"data/releases/{LATEST}/manifest.json"
    manifest.write_text(
        manifest.read_text(encoding="utf-8").replace('"bytes": ', '"bytes":  '), encoding="utf-8"
    )
    releases = site / "data/releases.json"
    history = json.loads(releases.read_text(encoding="utf-8"))
    entry = next(r for r in history["releases"] if r["id"] == LATEST)["manifest"]
    data = manifest.read_bytes()
    entry |= {"bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()}
    releases.write_text(json.dumps(history, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    found = verify(open_source(str(site)), key.public).problems
    assert {(p.code, Path(p.file).name) for p in found} == {
        ("verify-bad-signature", "releases.json"),
        ("verify-bad-signature", "manifest.json"),
    }
    assert all("签名与文件内容不符" in p.message for p in found)


def test_a_wrong_key_is_rejected_naming_both_key_numbers(story: list[Build], key: SigningKey) -> None:
    other = generate()
    found = verify(open_source(str(story[-1].site)), other.public).problems
    assert found and {p.code for p in found} == {"verify-bad-signature"}
    assert all(key.public.fingerprint in p.message and other.public.fingerprint in p.message for p in found)


def test_without_a_key_the_site_own_key_is_used_with_a_warning(story: list[Build]) -> None:
    assert codes(story[-1].site, None) == ["verify-self-published-key"]


def test_an_unsigned_site_fails_verification_but_its_checksums_are_checked(
    site: Path, key: SigningKey
) -> None:
    for signature in site.rglob("*.sig"):
        signature.unlink()
    (site / DATA_FILE).write_bytes(b"")
    found = codes(site, key)
    assert "verify-unsigned" in found and "verify-checksum-mismatch" in found


def test_a_truncated_download_names_the_url_and_both_sizes_and_hashes(site: Path, key: SigningKey) -> None:
    target = site / DATA_FILE
    whole = target.stat().st_size
    with open(target, "r+b") as f:
        f.truncate(whole // 2)
    with serve(site) as base:
        [problem] = verify(open_source(base), key.public).problems
    assert problem.code == "verify-checksum-mismatch" and problem.file == base + DATA_FILE
    assert "截断" in problem.message and f"应为 {whole} 字节" in problem.message
    assert f"实际为 {whole // 2} 字节" in problem.message


def test_a_manifest_cannot_make_the_verifier_read_outside_the_data_folder(tmp_path: Path) -> None:
    source = Source(str(tmp_path))
    for path in ("data/../../etc/passwd", "/etc/passwd", "site/index.html", "data//x", "data/.hidden"):
        with pytest.raises(Unavailable, match="拒绝读取"):
            source.read(path)


def test_the_cli_exits_1_on_a_mismatch_and_2_on_a_malformed_key(site: Path, key: SigningKey) -> None:
    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "generator.cli", "verify", *args], capture_output=True, text=True, cwd=REPO
        )

    good = run(str(site), "--key", key.public.text)
    assert good.returncode == 0 and "核验通过" in good.stderr, good.stderr
    (site / DATA_FILE).write_bytes(b"x")
    bad = run(str(site), "--key", key.public.text)
    assert (
        bad.returncode == 1 and DATA_FILE.rsplit("/", 1)[-1] in bad.stderr and "Traceback" not in bad.stderr
    )
    malformed = run(str(site), "--key", "RWQ-nope")
    assert malformed.returncode == 2 and "--key" in malformed.stderr and "Traceback" not in malformed.stderr
