"""The subjects the search index is built from: organisations by archive, persons by record."""

from __future__ import annotations

from generator.search import COUNTED_KINDS
from generator.site import site_views, urls
from generator.subjects import subjects_for_search
from tests.site.conftest import COMPANY_CODE, PERSON, PERSON_ID, PERSON_MASKED, SHOP_CODE, publication


def test_each_organisation_is_one_entry_of_its_kind_linking_to_its_archive() -> None:
    frame = subjects_for_search(site_views(publication())).set_index("code")
    assert frame.loc[COMPANY_CODE, "kind"] == "org"
    assert frame.loc[SHOP_CODE, "kind"] == "individual-business"
    assert frame.loc[COMPANY_CODE, "url"] == urls.subject_page(COMPANY_CODE)
    assert frame.loc[COMPANY_CODE, "records"] >= 3  # a penalty, a licence and a list entry at least


def test_a_person_is_found_by_record_with_the_masked_id_only() -> None:
    frame = subjects_for_search(site_views(publication()))
    people = frame[frame["kind"] == "person"]
    assert set(people["name"]) == {PERSON} and set(people["masked_id"]) == {PERSON_MASKED}
    assert (people["code"] == "").all() and people["url"].str.startswith("r/").all()
    assert not frame.apply(lambda row: PERSON_ID in " ".join(map(str, row)), axis=1).any()


def test_an_organisation_carries_the_lists_it_is_on_and_its_records_counted_by_kind() -> None:
    frame = subjects_for_search(site_views(publication())).set_index("code")
    company = frame.loc[COMPANY_CODE]
    assert company["lists"] == "punishment"
    counts = {k: company[k] for k in COUNTED_KINDS if company[k]}
    assert counts == {"penalty": 2, "licensing": 1, "other-act": 1, "list": 1}
    assert sum(counts.values()) == company["records"]
    assert frame.loc[SHOP_CODE, "lists"] == "" and frame.loc[SHOP_CODE, "penalty"] == 1


def test_each_record_of_a_person_carries_its_date_authority_reason_and_kind() -> None:
    frame = subjects_for_search(site_views(publication()))
    people = frame[frame["kind"] == "person"].set_index("date")
    penalty, listing = people.loc["2026-02-11"], people.loc["2026-01-20"]
    assert penalty["authority"] and penalty["reason"] and penalty["lists"] == "" and penalty["penalty"] == 1
    assert listing["reason"] == "拒不履行" and listing["lists"] == "punishment" and listing["list"] == 1
