"""The commitment column as the build publishes it: pages, Word downloads, the repair letter link, its data pack."""

from __future__ import annotations

import re
from pathlib import Path

import docx
import pytest

from generator.commitments import load_commitments
from tests.conftest import DEMO_CATALOG


@pytest.mark.slow
def test_every_current_template_has_a_page_and_a_word_download_that_opens(demo_build: Path) -> None:
    site = demo_build / "site"
    commitments, problems = load_commitments(DEMO_CATALOG)
    assert commitments and not problems
    for c in commitments:
        page = (site / "commitments" / c.id / "index.html").read_text(encoding="utf-8")
        link = re.search(r'href="([^"]+\.docx)"', page)
        assert link, c.id
        target = (site / "commitments" / c.id / link.group(1)).resolve()
        assert target.is_file() and target.is_relative_to(site.resolve())
        assert docx.Document(str(target)).paragraphs


@pytest.mark.slow
def test_the_repair_guidance_links_to_the_repair_commitment_letter(demo_build: Path) -> None:
    guide = demo_build / "site" / "guide" / "repair" / "index.html"
    links = re.findall(r'href="([^"]*commitments/[^"]+)"', guide.read_text(encoding="utf-8"))
    assert links and all((guide.parent / link / "index.html").resolve().is_file() for link in links)


@pytest.mark.slow
def test_the_eligible_items_list_is_published_as_a_data_pack(demo_build: Path) -> None:
    pack = demo_build / "site" / "data" / "latest" / "commitment-items"
    assert {p.suffix for p in pack.iterdir()} >= {".csv", ".xlsx", ".jsonl", ".parquet", ".json"}
