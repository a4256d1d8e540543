"""``gongshi push``: the published site to an S3-compatible object store as a new version, the pointer last.

A real S3 server (moto's server mode, started here on loopback) and the real client (s3fs through fsspec); real
demo builds: one as of the demo day, one with a penalty repaired since, whose record page must leave the store.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from generator import paths
from generator.cli import main
from generator.site import urls
from tests.buildproc import tree_digest
from tests.conftest import DEMO_CATALOG, run_build
from tests.test_build_incremental import add_repair

pytestmark = pytest.mark.slow
CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "gongshi",
    "AWS_SECRET_ACCESS_KEY": "gongshi",
    "AWS_DEFAULT_REGION": "us-east-1",
}


@dataclass(frozen=True)
class Sites:
    before: Path  # published/ of the demo
    after: Path  # published/ of the demo with one penalty repaired
    repaired: str  # that penalty's record ID


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> Sites:
    root = tmp_path_factory.mktemp("push")
    before = run_build(DEMO_CATALOG, root / "before")
    catalog = root / "catalog"
    shutil.copytree(DEMO_CATALOG, catalog)
    repaired = add_repair(catalog, before / paths.SITE_DIR)
    return Sites(before, run_build(catalog, root / "after"), repaired)


@pytest.fixture(scope="module")
def endpoint() -> Iterator[str]:
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def bucket(endpoint: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """A new, empty bucket (credentials in the environment, as an operator would set them)."""
    for name, value in CREDENTIALS.items():
        monkeypatch.setenv(name, value)
    name = f"portal-{uuid.uuid4().hex[:8]}"
    client(endpoint).create_bucket(Bucket=name)
    return name


def client(endpoint: str) -> Any:
    import boto3

    return boto3.client(
        "s3", endpoint_url=endpoint, region_name="us-east-1",
        aws_access_key_id=CREDENTIALS["AWS_ACCESS_KEY_ID"], aws_secret_access_key=CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
    )  # fmt: skip


def push(out: Path, endpoint: str, bucket: str, *extra: str) -> tuple[int, str]:
    result = CliRunner().invoke(
        main, ["push", f"s3://{bucket}/portal", "--out", str(out), "--endpoint-url", endpoint, *extra]
    )
    return result.exit_code, result.output


def objects(endpoint: str, bucket: str) -> dict[str, tuple[str, Any]]:
    """Key → (ETag, LastModified) of every object in the bucket."""
    found = {}
    for page in client(endpoint).get_paginator("list_objects_v2").paginate(Bucket=bucket):
        found |= {o["Key"]: (o["ETag"].strip('"'), o["LastModified"]) for o in page.get("Contents", [])}
    return found


def pointer(endpoint: str, bucket: str) -> dict[str, Any]:
    body = client(endpoint).get_object(Bucket=bucket, Key="portal/current.json")["Body"].read()
    found: dict[str, Any] = json.loads(body)
    return found


def version_files(endpoint: str, bucket: str, version: str) -> dict[str, str]:
    """Site path → MD5 (the ETag of a whole-object upload or copy) of one version's objects."""
    prefix = f"portal/versions/{version}/"
    return {
        k[len(prefix) :]: etag for k, (etag, _) in objects(endpoint, bucket).items() if k.startswith(prefix)
    }


def local_md5(out: Path) -> dict[str, str]:
    site = out / paths.SITE_DIR
    return {
        str(p.relative_to(site)): hashlib.md5(p.read_bytes()).hexdigest()
        for p in site.rglob("*")
        if p.is_file()
    }


def test_a_push_puts_the_site_up_as_a_version_and_points_to_it(
    sites: Sites, endpoint: str, bucket: str
) -> None:
    code, output = push(sites.before, endpoint, bucket)
    assert code == 0, output
    current = pointer(endpoint, bucket)
    assert current["prefix"] == f"versions/{current['version']}/"
    assert version_files(endpoint, bucket, current["version"]) == local_md5(
        sites.before
    )  # every file, exactly
    assert current["files"] == len(tree_digest(sites.before / paths.SITE_DIR))
    assert f"已推送版本 {current['version']}" in output


def test_a_push_after_a_repair_uploads_only_the_changes_and_the_repaired_page_leaves_the_store(
    sites: Sites, endpoint: str, bucket: str
) -> None:
    assert push(sites.before, endpoint, bucket)[0] == 0
    old = pointer(endpoint, bucket)["version"]
    code, output = push(sites.after, endpoint, bucket)
    assert code == 0, output
    new = pointer(endpoint, bucket)["version"]
    assert new != old
    assert version_files(endpoint, bucket, new) == local_md5(sites.after)
    changes = json.loads((sites.after / paths.REPORT_DIR / "changes.json").read_text(encoding="utf-8"))
    before, after = local_md5(sites.before), local_md5(sites.after)
    differ = [p for p in after if before.get(p) != after[p]]
    assert f"上传 {len(differ)} 个文件，存储内复制 {len(after) - len(differ)} 个未变文件" in output
    assert len(differ) < len(after) // 10
    page = urls.record_page(sites.repaired)
    assert page in before and page not in after
    assert not [
        key for key in objects(endpoint, bucket) if sites.repaired in key
    ]  # gone with the old version
    assert not [key for key in objects(endpoint, bucket) if f"/{old}" in key]
    assert f"已删除旧版本：{old}" in output
    assert changes  # (the build's own manifest of the same change exists too)


def test_keep_holds_the_previous_version_after_the_switch(sites: Sites, endpoint: str, bucket: str) -> None:
    assert push(sites.before, endpoint, bucket)[0] == 0
    old = pointer(endpoint, bucket)["version"]
    assert push(sites.after, endpoint, bucket, "--keep", "1")[0] == 0
    current = pointer(endpoint, bucket)
    assert current["history"] == [old]
    assert version_files(endpoint, bucket, old) == local_md5(sites.before)


def test_pushing_the_same_site_again_writes_nothing(sites: Sites, endpoint: str, bucket: str) -> None:
    assert push(sites.before, endpoint, bucket)[0] == 0
    before = objects(endpoint, bucket)
    code, output = push(sites.before, endpoint, bucket)
    assert code == 0 and "无需推送" in output
    assert objects(endpoint, bucket) == before  # same keys, same ETags, same times


def test_a_failed_push_leaves_the_pointer_and_the_store_as_they_were(
    sites: Sites, endpoint: str, bucket: str
) -> None:
    assert push(sites.before, endpoint, bucket)[0] == 0
    before = objects(endpoint, bucket)
    changed = next(p for p, md5 in local_md5(sites.after).items() if local_md5(sites.before).get(p) != md5)
    vanished = sites.after / paths.SITE_DIR / changed
    kept = vanished.read_bytes()
    vanished.unlink()  # a file the digest map lists, gone when the push reads it
    try:
        code, output = push(sites.after, endpoint, bucket)
    finally:
        vanished.write_bytes(kept)
    assert code == 3
    assert "推送失败，对象存储仍指向原版本" in output and "Traceback" not in output
    assert objects(endpoint, bucket) == before  # pointer, versions and manifests untouched, nothing left over


def test_a_push_without_a_built_site_says_to_build_first(tmp_path: Path, endpoint: str, bucket: str) -> None:
    code, output = push(tmp_path / "published", endpoint, bucket)
    assert code == 3
    assert "请先运行 gongshi build" in output
    assert objects(endpoint, bucket) == {}
    assert not (tmp_path / "published").exists()


def test_an_unreachable_store_is_one_sentence_and_exit_3(sites: Sites, bucket: str) -> None:
    code, output = push(sites.before, "http://127.0.0.1:9", bucket)
    assert code == 3
    assert "推送失败" in output and "Traceback" not in output
