"""Sealing the staging site: every regular file on disk is accounted for with the digest of its own bytes,
whoever wrote it, as long as writers keep ``generator.outputs``' rule (a recorded path changes only through
``Outputs``: a library that writes over one adopts it after)."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from hypothesis import example, given, settings
from hypothesis import strategies as st

from generator.digests import DigestMap
from generator.outputs import Outputs
from generator.sitefiles import Previous, digest_bytes, walk

NAMES = st.sampled_from(["a.html", "b/c.json", "b/d.html", "e/f/g.xml", "h.gz", "i/j.txt", "k.html"])
CONTENTS = st.sampled_from([b"same", b"other", b"", b"\x00binary\xff", "页面".encode()])
# what happens to a path: put through Outputs, written by a library, recorded then replaced on disk by a library,
# linked within the build to an earlier file, deleted — a foreign change to a recorded path is adopted after it
ACTIONS = st.lists(
    st.tuples(st.sampled_from(["put", "library", "replace", "twin", "delete"]), NAMES, CONTENTS), max_size=14
)


def _previous(root: Path, files: dict[str, bytes]) -> Previous:
    for rel, data in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_bytes(data)
    entries = {rel: (digest_bytes(data), len(data)) for rel, data in files.items()}
    return Previous(root, DigestMap.of(entries), trusted=True)


def _write_behind(target: Path, data: bytes) -> None:
    """Write ``target`` the way a library does it atomically, behind ``Outputs``' back."""
    fresh = target.with_name(target.name + ".tmp")
    fresh.write_bytes(data)
    os.replace(fresh, target)


def _act(outputs: Outputs, action: str, rel: str, data: bytes) -> None:
    target = outputs.site / rel
    target.parent.mkdir(parents=True, exist_ok=True)
    if action == "put":
        outputs.put(rel, data)
    elif action == "replace":
        outputs.put(rel, b"recorded first")
    recorded = outputs.files.get(rel) is not None
    if action in ("library", "replace"):
        _write_behind(target, data)  # a new inode under the path, maybe one freed a moment ago
    elif action == "twin":
        outputs.put("twin/source.bin", data)
        if target.exists():
            target.unlink()
        os.link(outputs.site / "twin/source.bin", target)
    elif action == "delete" and target.exists():
        target.unlink()
    if recorded and action in ("library", "replace", "twin"):
        outputs.adopt(rel)  # the writers' rule: a recorded path changed behind Outputs' back is adopted


@settings(max_examples=60, deadline=None)
@given(ACTIONS, st.dictionaries(NAMES, CONTENTS, max_size=5))
@example([("replace", "b/d.html", b"same"), ("library", "b/d.html", b"same")], {})  # found by a clean clone
def test_the_sealed_map_lists_every_file_on_disk_with_the_digest_of_its_bytes(
    actions: list[tuple[str, str, bytes]], before: dict[str, bytes]
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "new").mkdir()
        previous = _previous(root / "old", before)
        outputs = Outputs(root / "new", previous)
        for action, rel, data in actions:
            _act(outputs, action, rel, data)
        sealed = outputs.seal()
        on_disk = {rel: (root / "new" / rel).read_bytes() for rel, _ in walk(root / "new")}
        assert dict(sealed.items()) == {rel: (digest_bytes(b), len(b)) for rel, b in on_disk.items()}
        assert list(sealed) == sorted(on_disk)
        old_inodes = {os.lstat(root / "old" / rel).st_ino for rel in before}
        linked = {rel for rel in on_disk if outputs.files[rel].linked}
        assert linked == {rel for rel in on_disk if os.lstat(root / "new" / rel).st_ino in old_inodes}
        assert outputs.counts()["files"] == len(on_disk)
        shutil.rmtree(root / "new")


def test_a_recorded_path_written_twice_behind_outputs_back_then_adopted_has_the_digest_of_its_bytes(
    tmp_path: Path,
) -> None:
    # the second write reuses the inode the first one freed (ext4 does so at once): the record's inode matches
    # again, so only adopting the path after writing over it keeps the map right
    outputs = Outputs(tmp_path)
    outputs.put("d.html", b"recorded first")
    for data in (b"same", b"same"):
        _write_behind(tmp_path / "d.html", data)
    outputs.adopt("d.html")
    assert dict(outputs.seal().items()) == {"d.html": (digest_bytes(b"same"), 4)}


def test_putting_a_linked_files_bytes_again_leaves_the_link_and_no_temporary_file(tmp_path: Path) -> None:
    previous = _previous(tmp_path / "old", {"a.html": b"same"})
    outputs = Outputs(tmp_path / "new", previous)
    (tmp_path / "new").mkdir()
    for _ in range(2):  # the second time a.html is that file already: a rename would leave its link
        outputs.put("a.html", b"same")
    assert sorted(rel for rel, _ in walk(tmp_path / "new")) == ["a.html"]
    assert os.lstat(tmp_path / "new/a.html").st_ino == os.lstat(tmp_path / "old/a.html").st_ino
    assert outputs.files["a.html"].linked


def test_a_folder_listing_gives_the_inodes_stat_gives(tmp_path: Path) -> None:
    for rel in ("a", "b/c", "b/d/e", "f/g"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_bytes(rel.encode())
    os.link(tmp_path / "a", tmp_path / "b/h")
    (tmp_path / "b/link").symlink_to(tmp_path / "a")
    found = dict(walk(tmp_path))
    assert found == {rel: os.lstat(tmp_path / rel).st_ino for rel in ("a", "b/c", "b/d/e", "f/g", "b/h")}
