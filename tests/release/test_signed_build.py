"""Signed releases through the real build (issue 14, item 3): unsigned with a warning when no key is given;
with a key, releases.json, catalog.json and every manifest signed, the public key published; an unchanged
rebuild rewrites no signature; a missing, malformed or mismatched key stops the build before anything is
written, naming the option."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from generator.build import BuildOptions, build
from generator.mirror import open_source, verify
from generator.signing import SigningKey, generate, write_signing_key
from tests.conftest import REPO
from tests.release.demo_story import FIRST, first_build

DATA = Path("site/data")
SIGNED = ["releases.json.sig", "catalog.json.sig", f"releases/{FIRST.isoformat()}/manifest.json.sig"]


@pytest.fixture(scope="module")
def key(tmp_path_factory: pytest.TempPathFactory) -> tuple[SigningKey, Path]:
    signing = generate()
    path = tmp_path_factory.mktemp("key") / "release.pem"
    write_signing_key(signing, path)
    return signing, path


@pytest.fixture(scope="module")
def builds(tmp_path_factory: pytest.TempPathFactory, key: tuple[SigningKey, Path]) -> dict[str, object]:
    """An unsigned build, the same data signed, then a rebuild with only the portal description changed."""
    story = first_build(tmp_path_factory.mktemp("signed"))
    unsigned = _listing(story.out / DATA) | {f"code:{c}" for c in story.codes}
    signed = _build(story.catalog, story.out, key[1], "第二次构建")
    after_signing = {name: (story.out / DATA / name).stat().st_ino for name in SIGNED}
    rebuilt = _build(story.catalog, story.out, key[1], "第三次构建")
    return {
        "out": story.out,
        "unsigned": unsigned,
        "signed": signed,
        "rebuilt": rebuilt,
        "inodes": after_signing,
    }


def _build(catalog: Path, out: Path, key: Path, description: str) -> list[str]:
    portal = catalog / "portal.yaml"
    data = yaml.safe_load(portal.read_text(encoding="utf-8")) | {"description": description}
    portal.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    result = build(BuildOptions(catalog=catalog, out=out, as_of=FIRST, signing_key=key))
    assert result.config_ok and result.swapped, [p.message for p in result.problems]
    return [p.code for p in result.problems]


def _listing(folder: Path) -> set[str]:
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}


def test_without_a_key_the_releases_are_published_unsigned(builds: dict) -> None:
    assert "code:release-unsigned" in builds["unsigned"]
    assert not [name for name in builds["unsigned"] if name.endswith(".sig")]
    assert "signing-key.pub" not in builds["unsigned"]
    assert f"releases/{FIRST.isoformat()}/manifest.json" in builds["unsigned"]


def test_with_a_key_every_release_document_is_signed_and_verifies(builds: dict, key: tuple) -> None:
    out: Path = builds["out"]
    assert "release-unsigned" not in builds["signed"]
    assert all((out / DATA / name).is_file() for name in SIGNED)
    check = verify(open_source(str(out)), key[0].public)
    assert check.problems == [] and check.files > 50


def test_releases_json_and_the_portal_publish_the_public_key(builds: dict, key: tuple) -> None:
    out: Path = builds["out"]
    signing = json.loads((out / DATA / "releases.json").read_text(encoding="utf-8"))["signing"]
    assert signing["signed"] is True and signing["public_key"] == key[0].public.text
    assert (out / DATA / "signing-key.pub").read_bytes().split(b"\n")[1].decode() == key[0].public.text
    page = (out / "site" / "releases" / "index.html").read_text(encoding="utf-8")
    assert key[0].public.text in page


def test_a_rebuild_with_unchanged_data_rewrites_no_signature(builds: dict) -> None:
    out: Path = builds["out"]
    assert "release-unchanged" in builds["rebuilt"]
    assert {name: (out / DATA / name).stat().st_ino for name in SIGNED} == builds["inodes"]


def gongshi_build(
    catalog: Path, out: Path, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "generator.cli", "build", "--catalog", str(catalog), "--out", str(out),
               "--as-of", FIRST.isoformat(), *args]  # fmt: skip
    environment = {k: v for k, v in os.environ.items() if k != "GONGSHI_SIGNING_KEY"} | (env or {})
    return subprocess.run(command, capture_output=True, text=True, cwd=REPO, env=environment)


@pytest.fixture(scope="module")
def published(builds: dict) -> tuple[Path, Path, dict[str, int]]:
    """The signed build's catalog and output, with the inode of every site file (to show nothing changed)."""
    out: Path = builds["out"]
    inodes = {p.as_posix(): p.stat().st_ino for p in (out / "site").rglob("*") if p.is_file()}
    return out.parent / "catalog", out, inodes


def _untouched(out: Path, inodes: dict[str, int]) -> bool:
    return {p.as_posix(): p.stat().st_ino for p in (out / "site").rglob("*") if p.is_file()} == inodes


@pytest.mark.parametrize("case", ["missing", "folder", "garbage"])
def test_an_unusable_key_stops_the_build_naming_the_option(
    published: tuple, tmp_path: Path, case: str
) -> None:
    catalog, out, inodes = published
    path = {"missing": tmp_path / "nope.pem", "folder": tmp_path, "garbage": tmp_path / "garbage.pem"}[case]
    if case == "garbage":
        path.write_text(
            "-----BEGIN PRIVATE KEY-----\nnot base64\n-----END PRIVATE KEY-----\n", encoding="utf-8"
        )
    done = gongshi_build(catalog, out, "--signing-key", str(path))
    assert done.returncode == 2, done.stderr
    assert "release-signing-key-unusable" in done.stderr and "--signing-key" in done.stderr
    assert str(path) in done.stderr and "Traceback" not in done.stderr
    assert _untouched(out, inodes)


def test_the_key_can_come_from_the_environment(published: tuple, tmp_path: Path) -> None:
    catalog, out, inodes = published
    done = gongshi_build(catalog, out, env={"GONGSHI_SIGNING_KEY": str(tmp_path / "absent.pem")})
    assert done.returncode == 2 and "GONGSHI_SIGNING_KEY" in done.stderr and "absent.pem" in done.stderr
    assert _untouched(out, inodes)


def test_a_key_that_does_not_match_portal_yaml_stops_the_build(
    published: tuple, tmp_path: Path, key: tuple
) -> None:
    catalog, out, inodes = published
    portal = catalog / "portal.yaml"
    original = portal.read_text(encoding="utf-8")
    other = tmp_path / "other.pem"
    write_signing_key(generate(), other)
    try:
        portal.write_text(original + f"release_public_key: {key[0].public.text}\n", encoding="utf-8")
        done = gongshi_build(catalog, out, "--signing-key", str(other))
    finally:
        portal.write_text(original, encoding="utf-8")
    assert done.returncode == 2 and "release-signing-key-mismatch" in done.stderr, done.stderr
    assert "release_public_key" in done.stderr and _untouched(out, inodes)


def test_a_malformed_public_key_in_portal_yaml_is_a_configuration_error(
    published: tuple, tmp_path: Path
) -> None:
    catalog, out, inodes = published
    portal = catalog / "portal.yaml"
    original = portal.read_text(encoding="utf-8")
    try:
        portal.write_text(original + "release_public_key: RWQ-not-a-key\n", encoding="utf-8")
        done = gongshi_build(catalog, out)
    finally:
        portal.write_text(original, encoding="utf-8")
    assert done.returncode == 2, done.stderr
    assert "release_public_key" in done.stderr and "RWQ-not-a-key" in done.stderr
    assert _untouched(out, inodes)
