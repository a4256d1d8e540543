"""The nginx configuration of docs/deploy.md, run for real against built sites, and the deployment it documents.

Debian's nginx serves the demo build with the server block cut out of docs/deploy.md (``tests.nginxkit``):
pre-compressed twins to clients that accept gzip, pages compressed on the fly, the site's 404 page for missing
paths, withdrawn records and folders without index, and the promised cache headers. Then a deployment by
manifest: a first build is copied to a served folder, a rebuild with one more credit repair is shipped with the
``rsync`` lines of the document's "Deploying a new build" block, and the served tree must equal the new site
byte for byte, the repaired record's page must answer 404 and Chromium must still find a company through nginx.

Skipped with the reason when nginx (or rsync) is missing and the tests do not run as root; as root (CI runs
scripts/test.sh, which installs them) a missing one fails.
"""

from __future__ import annotations

import gzip
import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import pandas as pd
import pytest

from generator import paths
from generator.inputs import read_inputs
from generator.model import RECORD_ID
from generator.site import urls
from tests.browser.demo import a_company
from tests.browser.kit import result_names, wait_for_search
from tests.buildproc import start_build, tree_digest
from tests.conftest import AS_OF, DEMO_CATALOG
from tests.nginxkit import DEPLOY_DOC, Nginx, fenced_blocks, nginx

WITHDRAWN = ("repaired", "revoked")
CACHED = [
    ("assets/javascripts/gongshi-search.js", timedelta(days=7)),
    ("search-index/meta.json", timedelta(minutes=10)),
    ("data/catalog.json", timedelta(minutes=10)),
]


@pytest.fixture(scope="module")
def server(demo_build: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Nginx]:
    """nginx serving the demo build's site with the documented configuration."""
    with nginx(demo_build / "site", tmp_path_factory.mktemp("nginx")) as running:
        yield running


def twinned(site: Path) -> list[str]:
    """A script, a stylesheet and two search-index files, each with a ``.gz`` twin."""
    styles = sorted((site / "assets").rglob("*.css"))
    style = next(p for p in styles if p.with_name(p.name + ".gz").is_file())
    fragment = sorted((site / "search-index" / "n").rglob("*.json"))[0]
    return [
        paths.SEARCH_SCRIPT,
        str(style.relative_to(site)),
        paths.SEARCH_META,
        str(fragment.relative_to(site)),
    ]


def withdrawn_page(out: Path) -> str:
    """The page path of a record withheld as repaired or revoked in every version, which has no page."""
    ledger = pd.read_parquet(out / paths.REPORT_DIR / paths.LEDGER_FILE)
    public = set(ledger.loc[ledger["fate"] == "published", RECORD_ID])
    gone = ledger[(ledger["fate"] == "withheld") & ledger["reason"].isin(WITHDRAWN)]
    pages = [urls.record_page(i) for i in sorted(set(gone[RECORD_ID]) - public)]
    assert pages, "the demo should withhold a repaired or revoked record"
    assert not (out / "site" / pages[0]).exists()
    return pages[0]


def test_gzip_twins_go_to_clients_that_accept_gzip_and_the_plain_files_to_the_others(
    server: Nginx, demo_build: Path
) -> None:
    site = demo_build / "site"
    for path in twinned(site):
        plain = server.get("/" + path)
        assert plain.status == 200 and plain.body == (site / path).read_bytes(), path
        assert plain.headers["Content-Encoding"] is None, path
        packed = server.get("/" + path, gzip=True)
        assert packed.status == 200 and packed.headers["Content-Encoding"] == "gzip", path
        assert packed.body == (site / (path + ".gz")).read_bytes(), path  # the twin itself, as written
        assert packed.headers["Content-Type"] == plain.headers["Content-Type"], path
        assert "Accept-Encoding" in packed.headers["Vary"], path


def test_pages_feeds_and_sitemap_are_compressed_on_the_fly(server: Nginx, demo_build: Path) -> None:
    site = demo_build / "site"
    record = sorted((site / "r").rglob("*.html"))[0].relative_to(site)
    for path in ("index.html", "stats/index.html", str(record), "feed.xml", "sitemap.xml"):
        assert not (site / (path + ".gz")).exists(), path  # no twin: nginx compresses it itself
        answer = server.get("/" + path, gzip=True)
        assert answer.status == 200 and answer.headers["Content-Encoding"] == "gzip", path
        assert gzip.decompress(answer.body) == (site / path).read_bytes(), path
    assert server.get("/index.html").headers["Content-Type"] == "text/html; charset=utf-8"


def test_missing_paths_withdrawn_records_and_folders_without_index_get_the_sites_404_page(
    server: Nginx, demo_build: Path
) -> None:
    site = demo_build / "site"
    not_found = (site / paths.NOT_FOUND_PAGE).read_bytes()
    folders = ["r/", "assets/", "search-index/", "data/latest/"]
    assert all((site / f).is_dir() and not (site / f / "index.html").exists() for f in folders)
    for path in ["no-such-page/", "r/00/0000000000000000.html", withdrawn_page(demo_build), *folders]:
        answer = server.get("/" + path)
        assert (answer.status, answer.body) == (404, not_found), path  # never a listing
    assert server.get("/stats/").status == 200  # a folder with an index is its page
    redirect = server.get("/stats")
    assert redirect.status == 301 and redirect.headers["Location"].endswith("/stats/")


@pytest.mark.parametrize(("path", "lifetime"), CACHED, ids=["assets", "search-index", "data"])
def test_cache_headers_are_the_ones_the_doc_promises(server: Nginx, path: str, lifetime: timedelta) -> None:
    answer = server.get("/" + path)
    assert answer.status == 200
    assert answer.headers["Cache-Control"] == f"max-age={int(lifetime.total_seconds())}"
    sent = parsedate_to_datetime(answer.headers["Date"])
    assert parsedate_to_datetime(answer.headers["Expires"]) - sent == lifetime


# ---- deployment by manifest ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Changes:
    """Site paths a build added, changed and removed: what a deployment ships and deletes."""

    added: list[str]
    changed: list[str]
    removed: list[str]


def changes_between(before: dict[str, str], after: dict[str, str]) -> Changes:
    """The three lists from two digest maps (site path → content digest) of the old and the new site."""
    return Changes(
        added=sorted(after.keys() - before.keys()),
        changed=sorted(p for p in after.keys() & before.keys() if after[p] != before[p]),
        removed=sorted(before.keys() - after.keys()),
    )


def build_changes(out: Path, before: dict[str, str], after: dict[str, str]) -> Changes:
    """The build's own ``report/changes.json``; the lists computed from the two trees' digests
    (``changes_between``) only while a build writes no such file.

    The file must list every path that appeared and every one that went exactly, and every path whose bytes
    changed among the changed ones (a build that cannot trust its previous digests lists more of those)."""
    computed = changes_between(before, after)
    manifest = out / paths.REPORT_DIR / paths.CHANGES_JSON
    if not manifest.is_file():
        return computed
    lists = json.loads(manifest.read_text(encoding="utf-8"))
    written = Changes(lists["added"], lists["changed"], lists["removed"])
    assert (written.added, written.removed) == (computed.added, computed.removed)
    assert set(computed.changed) <= set(written.changed) <= before.keys() & after.keys()
    return written


def deploy_commands(doc: Path = DEPLOY_DOC) -> list[str]:
    """The ``rsync`` lines of the document's "Deploying a new build" block, as printed."""
    section = doc.read_text(encoding="utf-8").split("## Deploying a new build", 1)[1]
    block = fenced_blocks(section, "bash")[0]
    commands = [line for line in block.splitlines() if line.startswith("rsync ")]
    assert len(commands) == 3, block
    return commands


def deploy(out: Path, changes: Changes, served: Path, work: Path) -> None:
    """Run the document's deployment lines: ``published`` is ``out``, ``DEST`` the served folder."""
    work.mkdir()
    (work / "published").symlink_to(out)
    (work / "remove.txt").write_text("".join(p + "\n" for p in changes.removed), encoding="utf-8")
    (work / "upload.txt").write_text(
        "".join(p + "\n" for p in changes.added + changes.changed), encoding="utf-8"
    )
    script = "set -euo pipefail\n" + "\n".join(deploy_commands()) + "\n"
    done = subprocess.run(
        ["bash", "-c", script],
        cwd=work,
        env={**os.environ, "DEST": f"{served}/"},
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def rsync_binary() -> str:
    found = shutil.which("rsync")
    if found:
        return found
    message = "rsync is not installed (apt-get install rsync; scripts/test.sh does it when run as root)"
    if os.geteuid() == 0:
        pytest.fail(message)
    pytest.skip(message)


@dataclass(frozen=True)
class Repair:
    record_id: str
    row: str  # the line for decisions/repairs.csv


def a_repairable_record(catalog: Path, out: Path, as_of: date) -> Repair:
    """The published penalty decided longest ago (more than a year before ``as_of``, so past any minimum
    publication period), as a repair decided the day before ``as_of``."""
    valid = read_inputs(catalog).valid
    assert valid is not None
    frame = valid.tables["penalties"].frame
    ledger = pd.read_parquet(out / paths.REPORT_DIR / paths.LEDGER_FILE)
    public = set(ledger.loc[ledger["fate"] == "published", RECORD_ID])
    old = frame[frame[RECORD_ID].isin(public) & (frame["CF_JDRQ"] < str(as_of - timedelta(days=400)))]
    assert len(old), "the demo should publish a penalty decided more than a year ago"
    row = old.sort_values(["CF_JDRQ", RECORD_ID]).iloc[0]
    decided = (as_of - timedelta(days=1)).isoformat()
    line = f"penalties,{row['CF_WSH']},{row['CF_CFJGDM']},临信修〔2026〕0901号,{decided},临江市公共信用信息中心\n"
    return Repair(str(row[RECORD_ID]), line)


def folders(root: Path) -> set[str]:
    return {str(p.relative_to(root)) for p in root.rglob("*") if p.is_dir()}


def search_through(browser: Any, base: str, query: str) -> tuple[list[str], list[str]]:
    """The result names of a search on the served portal, and every URL the page requested."""
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    requested: list[str] = []
    try:
        page = context.new_page()
        page.on("request", lambda request: requested.append(request.url))
        page.goto(f"{base}search/?q={quote(query)}")
        wait_for_search(page)
        return result_names(page), requested
    finally:
        context.close()


@pytest.mark.slow
@pytest.mark.browser
def test_a_rebuild_deployed_by_manifest_serves_the_new_site_exactly_and_the_repaired_record_is_gone(
    tmp_path: Path, browser: Any
) -> None:
    rsync = rsync_binary()
    out, served, catalog = tmp_path / "published", tmp_path / "served", tmp_path / "catalog"
    shutil.copytree(DEMO_CATALOG, catalog)
    code, err = start_build(out, catalog=catalog, as_of=AS_OF.isoformat()).finish()
    assert code == 0, err
    subprocess.run(
        [rsync, "-a", "--delete", f"{out / 'site'}/", f"{served}/"], check=True
    )  # first deployment
    repair = a_repairable_record(catalog, out, AS_OF)
    page = "/" + urls.record_page(repair.record_id)
    with open(catalog / paths.REPAIRS_FILE, "a", encoding="utf-8") as repairs:
        repairs.write(repair.row)

    with nginx(served, tmp_path / "nginx") as server:
        assert server.get(page).status == 200
        before = tree_digest(out / "site")
        code, err = start_build(out, catalog=catalog, as_of=AS_OF.isoformat()).finish()
        assert code == 0, err
        ledger = pd.read_parquet(out / paths.REPORT_DIR / paths.LEDGER_FILE)
        assert set(ledger.loc[ledger[RECORD_ID] == repair.record_id, "reason"]) >= {"repaired"}
        after = tree_digest(out / "site")
        changes = build_changes(out, before, after)
        assert page[1:] in changes.removed
        assert changes.added or changes.changed  # the subject's archive, lists, search index, data…

        deploy(out, changes, served, tmp_path / "deploy")
        assert tree_digest(served) == after  # byte for byte, nothing left behind
        assert folders(served) == folders(out / "site")
        assert server.get(page).status == 404

        company = a_company(catalog, out)
        names, requested = search_through(browser, server.base, company.fragment)
        assert company.name in names
        assert [u for u in requested if urlsplit(u).hostname not in (None, "127.0.0.1")] == []
