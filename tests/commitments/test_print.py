"""Printing a template page: a real mkdocs-material build, Chromium's print-to-PDF, and poppler's pdfinfo/pdftotext.

The PDF must be A4, hold every clause and the whole signature block (nothing clipped, no word outside the page),
keep the signature block on one page, and leave out the portal's header, navigation and footer.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import urljoin

import pytest
import yaml

from generator.commitments import Commitment, CommitmentOutputs
from generator.commitments.model import segments
from tests.conftest import REPO

PRINT_CSS = "assets/stylesheets/gongshi-print.css"
CHROMIUM = "/usr/bin/chromium"
SIGNATURE = ("承诺人（签字/盖章）：", "法定代表人（负责人）签字：", "日期：")

pytestmark = pytest.mark.browser


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory, demo_outputs: CommitmentOutputs) -> Path:
    """A real mkdocs-material build of the column with the portal's theme, overrides and print stylesheet."""
    root = tmp_path_factory.mktemp("print-site")
    docs = root / "docs"
    for path, text in {**demo_outputs.pages, "index.md": "# 首页\n"}.items():
        (docs / path).parent.mkdir(parents=True, exist_ok=True)
        (docs / path).write_text(text, encoding="utf-8")
    config = yaml.safe_load((REPO / "mkdocs.yml").read_text(encoding="utf-8"))
    config.update(
        docs_dir=str(docs), site_dir=str(root / "site"), nav=[{"首页": "index.md"}, *demo_outputs.nav]
    )
    config["theme"]["custom_dir"] = str(REPO / "site_templates")
    config["extra_css"] = [*config.get("extra_css", []), PRINT_CSS]
    (root / "mkdocs.yml").write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(root / "mkdocs.yml")],
        capture_output=True, text=True, env=env, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    for path, data in demo_outputs.files.items():
        (root / "site" / path).write_bytes(data)
    return root / "site"


def print_pdf(site: Path, page: str, out: Path) -> Path:
    assert Path(CHROMIUM).exists() and shutil.which("pdfinfo") and shutil.which("pdftotext")
    fonts = subprocess.run(["fc-list", ":lang=zh"], capture_output=True, text=True).stdout
    assert fonts.strip(), "no Chinese font: apt-get install -y fonts-wqy-zenhei"
    pdf = out / (page.replace("/", "_") + ".pdf")
    subprocess.run(
        [
            CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--no-first-run", "--no-pdf-header-footer", f"--user-data-dir={out / 'profile'}",
            f"--print-to-pdf={pdf}", (site / page / "index.html").as_uri(),
        ],
        capture_output=True, timeout=180, check=True,
    )  # fmt: skip
    return pdf


def pdf_info(pdf: Path) -> dict[str, str]:
    text = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    return {k.strip(): v.strip() for k, _, v in (line.partition(":") for line in text.splitlines())}


def pdf_pages(pdf: Path, count: int) -> list[str]:
    return [
        subprocess.run(
            ["pdftotext", "-f", str(n), "-l", str(n), str(pdf), "-"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for n in range(1, count + 1)
    ]


def words_outside_page(pdf: Path, width: float, height: float) -> list[str]:
    bbox = subprocess.run(
        ["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    outside = []
    for attrs, word in re.findall(r"<word ([^>]*)>([^<]*)</word>", bbox):
        box = {k: float(v) for k, v in re.findall(r'(\w+)="([\d.]+)"', attrs)}
        if box["xMin"] < 0 or box["yMin"] < 0 or box["xMax"] > width + 0.5 or box["yMax"] > height + 0.5:
            outside.append(word)
    return outside


@pytest.mark.parametrize("template", ["credit-repair", "construction-qualification"])
def test_printed_template_is_a4_with_every_clause_and_the_signature_block_unclipped(
    template: str, site: Path, demo_commitments: list[Commitment], tmp_path: Path
) -> None:
    pdf = print_pdf(site, f"commitments/{template}", tmp_path)
    info = pdf_info(pdf)
    width, height = (float(n) for n in re.findall(r"[\d.]+", info["Page size"])[:2])
    assert (round(width), round(height)) == (595, 842), info["Page size"]
    count = int(info["Pages"])
    assert 1 <= count <= 3
    pages = pdf_pages(pdf, count)
    text = squash("".join(pages))
    [c] = [c for c in demo_commitments if c.id == template]
    assert squash(c.meta.title) in text
    for block in c.blocks:
        for is_blank, value in segments(block.value or block.text):
            assert is_blank or squash(value) in text, value
    with_signature = [p for p in pages if squash(SIGNATURE[0]) in squash(p)]
    assert len(with_signature) == 1 and all(squash(label) in squash(with_signature[0]) for label in SIGNATURE)
    assert re.search(r"日期：年月日", text)
    assert words_outside_page(pdf, width, height) == []
    assert "{{" not in text and "下载Word版" not in text and "使用说明" not in text


def test_print_leaves_out_header_navigation_and_footer(site: Path, tmp_path: Path) -> None:
    pdf = print_pdf(site, "commitments/general", tmp_path)
    text = squash("".join(pdf_pages(pdf, int(pdf_info(pdf)["Pages"]))))
    assert "信用承诺书（通用）" in text
    for chrome in ("首页", "搜索", "信用门户", "Material for MkDocs"):
        assert chrome not in text, chrome


def test_printed_superseded_version_still_carries_its_banner(site: Path, tmp_path: Path) -> None:
    pdf = print_pdf(site, "commitments/food-business-licence-2021", tmp_path)
    text = squash("".join(pdf_pages(pdf, int(pdf_info(pdf)["Pages"]))))
    assert "已被替代" in text and "2023版" in text


def test_word_download_link_of_the_built_page_reaches_the_file(site: Path) -> None:
    page = site / "commitments" / "credit-repair" / "index.html"
    html = page.read_text(encoding="utf-8")
    [href] = re.findall(r'href="([^"]+\.docx)"', html)
    target = urljoin("https://portal.example/commitments/credit-repair/", href)
    assert (site / target.removeprefix("https://portal.example/")).is_file()
    assert PRINT_CSS in html
