"""Per-subject static JSON (``api/subjects/<统一社会信用代码>.json``): one file per organisation with an archive,
holding its current public records exactly as the data packs carry them and its list status, valid against the
schema the portal publishes; its ``release`` moves only when the subject's content changes; it is carried with
its archive when the archive's unit is unchanged.

Real renders of the site fixture publication (real mkdocs-material) into real folders, and real data packs.
"""

from __future__ import annotations

import dataclasses
import http.client
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from generator import paths
from generator.outputs import Outputs
from generator.packs import write_packs
from generator.site import api, render_site, urls
from generator.sitefiles import Previous
from tests.browser.kit import serve
from tests.site.conftest import (
    BASE_URL,
    COMPANY_CODE,
    EVIL_NAME,
    PERSON_ID,
    PERSON_MASKED,
    SHOP_CODE,
    publication,
    with_data_files,
)
from tests.site.test_units import changed_fact, render


def subject(site: Path, code: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((site / api.subject_path(code)).read_text(encoding="utf-8"))
    return data


def codes(site: Path, folder: str, suffix: str) -> set[str]:
    return {p.name.removesuffix(suffix) for p in (site / folder).rglob(f"*{suffix}")}


def test_every_archive_has_its_json_and_nothing_else_does(site: Path) -> None:
    archives = codes(site, "s", ".html")
    assert archives == {COMPANY_CODE, SHOP_CODE} == codes(site, paths.API_SUBJECTS_DIR, ".json")
    names = " ".join(p.name for p in (site / "api").rglob("*"))
    assert PERSON_ID not in names and PERSON_MASKED not in names


def test_records_are_the_data_packs_json_lines_records(site: Path, tmp_path: Path) -> None:
    write_packs(publication(), tmp_path)
    lines = {}
    for dataset in ("penalties", "licences", "blacklist", "inspections"):
        for line in (
            (tmp_path / f"data/latest/{dataset}/{dataset}.jsonl").read_text(encoding="utf-8").splitlines()
        ):
            record = json.loads(line)
            lines[record["记录ID"]] = record
    company = subject(site, COMPANY_CODE)
    records = [r for d in company["datasets"] for r in d["records"]]
    assert [d["id"] for d in company["datasets"]] == ["blacklist", "penalties", "licences", "inspections"]
    assert company["total"] == len(records) == 5
    for record in records:
        assert record == lines[record["记录ID"]]
        assert list(record) == list(lines[record["记录ID"]])  # same keys in the same order


def test_list_status_names_the_list_its_dates_and_the_measures_that_apply(site: Path) -> None:
    company = subject(site, COMPANY_CODE)
    (listed,) = company["listed"]
    assert (listed["dataset"], listed["list_type"], listed["list_name"]) == (
        "blacklist",
        "punishment",
        "严重违法失信名单",
    )
    assert (listed["listed_on"], listed["valid_until"]) == ("2026-01-15", "2029-01-14")
    assert [m["label"] for m in listed["measures"]] == ["1-01"]
    assert listed["measures"][0]["url"].startswith(BASE_URL + "measures/#m-")
    assert subject(site, SHOP_CODE)["listed"] == []


def test_the_file_names_its_code_archive_and_release_and_keeps_markup_as_text(site: Path) -> None:
    shop = subject(site, SHOP_CODE)
    assert (shop["code"], shop["name"], shop["kind"]) == (SHOP_CODE, EVIL_NAME, "个体工商户")
    assert shop["archive"] == BASE_URL + urls.subject_page(SHOP_CODE)
    assert shop["release"] == "20260301-1"
    raw = (site / api.subject_path(SHOP_CODE)).read_bytes()
    assert raw.endswith(b"}\n") and raw.count(b"\n") == 1


def test_every_file_is_valid_against_the_published_schema(site: Path) -> None:
    schema = json.loads((site / paths.API_SUBJECT_SCHEMA).read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    for code in (COMPANY_CODE, SHOP_CODE):
        document = subject(site, code)
        assert document["$schema"] == schema["$id"] == BASE_URL + paths.API_SUBJECT_SCHEMA
        jsonschema.Draft202012Validator(schema).validate(document)


def fetch(base: str, path: str) -> tuple[int, str, bytes]:
    host, port = base.removeprefix("http://").rstrip("/").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=10)
    connection.request("GET", path)
    response = connection.getresponse()
    body = response.read()
    connection.close()
    return response.status, response.getheader("Content-Type") or "", body


def test_served_a_known_code_gives_its_json_and_an_unknown_one_404(site: Path) -> None:
    with serve(site) as base:
        status, kind, body = fetch(base, "/" + api.subject_path(COMPANY_CODE))
        assert status == 200 and kind.startswith("application/json")
        assert json.loads(body)["code"] == COMPANY_CODE
        unknown = "91330902MA2A1B2C4" + "0"
        assert fetch(base, f"/{paths.API_SUBJECTS_DIR}/{unknown}.json")[0] == 404


def test_the_json_files_are_not_in_the_sitemap(site: Path) -> None:
    assert "/api/" not in (site / "sitemap.xml").read_text(encoding="utf-8")


def render_release(pub_release: tuple[Any, str], site: Path, previous: Path | None) -> Path:
    """Render a publication as release ``release_id`` against the previous site at ``previous`` (by path only:
    no digest map, as a full build sees it)."""
    pub, release_id = pub_release
    site.mkdir(parents=True)
    pub = with_data_files(pub, site)
    pub.releases = [dataclasses.replace(pub.releases[0], id=release_id)]
    render_site(pub, site, jobs=1, outputs=Outputs(site, Previous(previous) if previous else Previous()))
    return site


def test_release_stays_while_a_subject_is_unchanged_and_moves_when_it_changes(tmp_path: Path) -> None:
    first = render_release((publication(), "r1"), tmp_path / "a", None)
    same = render_release((publication(), "r2"), tmp_path / "b", first)
    for code in (COMPANY_CODE, SHOP_CODE):
        assert (same / api.subject_path(code)).read_bytes() == (first / api.subject_path(code)).read_bytes()
    changed, _ = changed_fact(publication())
    later = render_release((changed, "r3"), tmp_path / "c", same)
    assert subject(later, COMPANY_CODE)["release"] == "r3" and subject(later, SHOP_CODE)["release"] == "r1"
    assert subject(render_release((changed, "r3"), tmp_path / "fresh", None), SHOP_CODE)["release"] == "r3"


def test_an_unchanged_archive_carries_its_json_unrendered(tmp_path: Path) -> None:
    first = render(publication(), tmp_path / "one")
    again = render(publication(), tmp_path / "two", first.previous())
    path = api.subject_path(COMPANY_CODE)
    assert again.outputs.files[path].unmade and again.outputs.files[urls.subject_page(COMPANY_CODE)].unmade
    assert (again.site / path).stat().st_ino == (first.site / path).stat().st_ino


def test_a_changed_record_rerenders_its_subjects_json_only(tmp_path: Path) -> None:
    first = render(publication(), tmp_path / "one")
    changed, _ = changed_fact(publication())
    files = render(changed, tmp_path / "two", first.previous()).outputs.files
    assert not files[api.subject_path(COMPANY_CODE)].linked and files[api.subject_path(SHOP_CODE)].unmade


@pytest.mark.parametrize("code", ["../../etc/passwd", "91330902MA2A1B2C3", "91330902MA2A1B2C3/"])
def test_a_path_is_made_only_from_a_well_formed_code(code: str) -> None:
    with pytest.raises(ValueError, match="统一社会信用代码"):
        api.subject_path(code)
