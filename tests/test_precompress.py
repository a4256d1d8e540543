"""The precompress stage: gzip twins for the theme assets and search index, and nothing else."""

from __future__ import annotations

import gzip
import os
import shutil
from pathlib import Path

from generator.precompress import precompress

SHARED = ("assets/stylesheets/main.css", "assets/javascripts/bundle.js", "search-index/n/ab.json",
          "assets/images/logo.svg")  # fmt: skip
OTHERS = ("r/ab/record.html", "index.html", "data/latest/penalties/penalties.json", "assets/images/logo.png",
          "search-index/readme.txt")  # fmt: skip


def make_site(root: Path) -> Path:
    for i, relative in enumerate(SHARED + OTHERS):
        (root / relative).parent.mkdir(parents=True, exist_ok=True)
        (root / relative).write_bytes(f"{relative} 信用临江 {i} ".encode() * 200)
    return root


def test_each_shared_text_asset_gets_a_twin_holding_exactly_its_bytes(tmp_path: Path) -> None:
    site = make_site(tmp_path / "site")
    assert precompress(site) == len(SHARED)
    for relative in SHARED:
        twin = site / (relative + ".gz")
        assert gzip.decompress(twin.read_bytes()) == (site / relative).read_bytes()
        assert twin.stat().st_size < (site / relative).stat().st_size


def test_pages_downloads_and_binary_files_get_no_twin(tmp_path: Path) -> None:
    site = make_site(tmp_path / "site")
    precompress(site)
    assert not [p for p in site.rglob("*.gz") if str(p.relative_to(site))[:-3] not in SHARED]


def test_twins_are_byte_identical_whatever_the_time_or_folder(tmp_path: Path) -> None:
    one = make_site(tmp_path / "one")
    two = shutil.copytree(one, tmp_path / "elsewhere" / "two")
    for path in two.rglob("*"):
        os.utime(path, (1_000_000, 1_000_000))
    precompress(one, jobs=1)
    precompress(two, jobs=2)
    for relative in SHARED:
        assert (one / (relative + ".gz")).read_bytes() == (two / (relative + ".gz")).read_bytes()


def test_the_built_portal_has_a_twin_for_every_theme_script_and_stylesheet(demo_build: Path) -> None:
    site = demo_build / "site"
    shared = [p for p in (site / "assets").rglob("*") if p.suffix in (".css", ".js")]
    assert any(p.name == "gongshi-search.js" for p in shared)
    for path in shared:
        assert gzip.decompress(path.with_name(path.name + ".gz").read_bytes()) == path.read_bytes()
