"""The hand-written pages through real mkdocs-material, and the theme shell every bulk page is stamped into.

Stage: render site. Guarantees: mkdocs builds the generated Markdown plus one placeholder page (kept out of nav)
into a temporary folder next to site/ (mkdocs empties its output folder; site/ may already hold data files;
both folders are handed to mkdocs as absolute paths, whatever the working folder); its warnings come back as
problems, its failure as a fatal problem (an OSError such as a full disk propagates to the build's boundary);
its output is moved into site/ without the theme's search index, lunr and sitemap (ours is written by
``feeds``) and with the theme script's CDN fallbacks made inert — each file moved by a rename, or, when the
previous site holds the same bytes at that path, replaced by a hard link to that file (``Outputs.place``). The placeholder is cut into a ``Shell``: static
text around four slots (title, description, canonical URL, body). Bulk pages are joined into it with plain
string concatenation rather than compiled as a Jinja template: the theme's inline scripts then never pass
through Jinja (scale.md), and a page costs one ``str.join``.
"""

from __future__ import annotations

import logging
import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
import yaml
from markupsafe import escape
from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.exceptions import MkDocsException

from generator import paths
from generator.config import Portal
from generator.outputs import Outputs
from generator.problems import Problem, fatal, problem
from generator.site import urls

TITLE, DESC, CANON, BODY = "GSXTITLEX", "GSXDESCX", "GSXCANONX", "GSXBODYX"
SLOTS = re.compile(f"({TITLE}|{DESC}|{CANON}|{BODY})")
SHELL_MARKDOWN = f"---\ntitle: {TITLE}\ndescription: {DESC}\nhide:\n  - toc\n---\n\n{BODY}\n"
ARTICLE = '<article class="md-content__inner md-typeset">'
SKIP = '<div data-md-component="skip">\n</div>'
SKIP_LINK = '<div data-md-component="skip">\n<a href="#gs-main" class="md-skip">跳转至正文</a>\n</div>'
UNUSED = ("sitemap.xml", "sitemap.xml.gz", "assets/javascripts/lunr", "assets/javascripts/workers")
# The theme's script fetches mermaid (never used here) and, on browsers without ResizeObserver (none since 2020),
# a polyfill from this CDN. The portal loads nothing from third-party hosts, so those URLs become an inert
# data: script (a comment): an old browser then lacks the polyfill rather than contacting the CDN.
CDN, INERT = "https://unpkg.com/", "data:text/javascript,//"


@dataclass(frozen=True)
class Shell:
    """A built page of the theme with its per-page parts left open."""

    parts: tuple[str, ...]  # even indexes: fixed text; odd indexes: slot markers

    def stamp(self, title: str, description: str, canonical: str, body: str) -> str:
        """The full page: ``title``/``description``/``canonical`` are escaped here, ``body`` is HTML."""
        values = {TITLE: escape(title), DESC: escape(description), CANON: escape(canonical), BODY: body}
        return "".join(values[p] if i % 2 else p for i, p in enumerate(self.parts))


def build_pages(
    docs: dict[str, str],
    portal: Portal,
    site_dir: Path,
    extra_nav: list[Any] | None = None,
    outputs: Outputs | None = None,
) -> tuple[Shell | None, list[Problem]]:
    """Build ``docs`` (Markdown by path) with mkdocs into ``site_dir`` (noting each file in ``outputs``),
    ``extra_nav`` entries added to the mkdocs.yml nav before its last entry (搜索); return the shell cut from
    the placeholder page."""
    site_dir.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=".gongshi-mkdocs-", dir=site_dir.parent))
    try:
        _write_docs({**docs, urls.SHELL_DOC: SHELL_MARKDOWN}, work / "docs")
        problems = _run_mkdocs(_overrides(portal, work / "docs", work / "site", extra_nav or []))
        if not (work / "site" / urls.SHELL_PAGE).is_file():
            return None, problems + ([] if fatal(problems) else [_unusable()])
        shell = cut_shell((work / "site" / urls.SHELL_PAGE).read_text(encoding="utf-8"), portal.base_url)
        _tidy(work / "site")
        _merge_into(work / "site", outputs or Outputs(site_dir))
        return shell, problems + ([] if shell else [_unusable()])
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _write_docs(docs: dict[str, str], folder: Path) -> None:
    for name, text in sorted(docs.items()):
        target = folder / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")


class _Collect(logging.Handler):
    """Keeps mkdocs' warnings so they become problems instead of console noise."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def _run_mkdocs(overrides: dict[str, Any]) -> list[Problem]:
    logger, handler = logging.getLogger("mkdocs"), _Collect()
    propagate, logger.propagate = logger.propagate, False
    logger.addHandler(handler)
    try:
        build(load_config(str(paths.MKDOCS_FILE), **overrides))
        failed = []
    except (MkDocsException, jinja2.TemplateError) as exc:  # an OSError (disk full…) fails the whole build
        message = f"mkdocs 构建失败：{' '.join(str(exc).split())}"
        failed = [problem("site-mkdocs-failed", message, file=str(paths.MKDOCS_FILE))]
    finally:
        logger.removeHandler(handler)
        logger.propagate = propagate
    warnings = [problem("site-mkdocs-warning", f"mkdocs：{m}", file="mkdocs.yml") for m in handler.messages]
    return failed + warnings


def _overrides(portal: Portal, docs_dir: Path, out: Path, extra_nav: list[Any]) -> dict[str, Any]:
    rights = f"© {portal.publisher}" + (f" · {portal.icp}" if portal.icp else "")
    overrides: dict[str, Any] = {
        "docs_dir": str(docs_dir.absolute()),  # mkdocs reads relative paths against mkdocs.yml's folder
        "site_dir": str(out.absolute()),
        "site_name": str(escape(portal.name)),  # the theme prints it unescaped
        "site_url": portal.base_url,
        "site_description": str(escape(portal.description or f"{portal.region}公共信用信息公示")),
        "copyright": str(escape(rights)),
    }
    if extra_nav:
        nav = yaml.safe_load(paths.MKDOCS_FILE.read_text(encoding="utf-8"))["nav"]
        overrides["nav"] = [*nav[:-1], *extra_nav, nav[-1]]
    return overrides


def cut_shell(html: str, base_url: str) -> Shell | None:
    """Open the placeholder page's slots; None when the theme's page no longer has the expected shape."""
    start = html.find(ARTICLE)
    end = html.find("</article>", start)
    if start < 0 or end < 0 or "<pre" in html or "<textarea" in html:
        return None
    html = html[: start + len(ARTICLE)] + f"\n{BODY}\n" + html[end:]
    html = html.replace(f'href="{base_url}{urls.doc_url(urls.SHELL_DOC)}"', f'href="{CANON}"')
    html = _squeeze(html).replace(SKIP, SKIP_LINK)
    parts = tuple(SLOTS.split(html))
    if parts[1::2].count(BODY) != 1 or parts[1::2].count(CANON) != 1 or TITLE not in parts:
        return None
    return Shell(parts)


def _squeeze(html: str) -> str:
    """Drop indentation and blank lines (safe: the shell has no <pre> or <textarea>): about a third smaller."""
    return "\n".join(line.strip() for line in html.splitlines() if line.strip())


def _tidy(out: Path) -> None:
    shutil.rmtree(out / Path(urls.SHELL_DOC).parent)
    for name in UNUSED:
        target = out / name
        if target.is_dir():
            shutil.rmtree(target)
        elif target.exists():
            target.unlink()
    for bundle in sorted((out / "assets" / "javascripts").glob("bundle.*.js")):
        text = bundle.read_text(encoding="utf-8")
        bundle.write_text(text.replace(f'"{CDN}', f'"{INERT}'), encoding="utf-8")


def _merge_into(source: Path, outputs: Outputs) -> None:
    """Move every file of ``source`` to the same place under the site (same filesystem: renames), or link the
    previous site's file there instead when it holds the same bytes."""
    for path in sorted(p for p in source.rglob("*") if p.is_file()):
        outputs.place(path, path.relative_to(source).as_posix())


def _unusable() -> Problem:
    return problem(
        "site-shell-unusable", "无法从主题页面中取出页面框架（主题模板结构已变化）", file="mkdocs.yml"
    )
