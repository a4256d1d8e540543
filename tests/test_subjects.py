"""The subjects the search index is built from: organisations by archive, persons by record."""

from __future__ import annotations

from generator.site import urls
from generator.subjects import subjects_for_search
from tests.site.conftest import COMPANY_CODE, PERSON, PERSON_ID, PERSON_MASKED, SHOP_CODE, publication


def test_each_organisation_is_one_entry_of_its_kind_linking_to_its_archive() -> None:
    frame = subjects_for_search(publication()).set_index("code")
    assert frame.loc[COMPANY_CODE, "kind"] == "org"
    assert frame.loc[SHOP_CODE, "kind"] == "individual-business"
    assert frame.loc[COMPANY_CODE, "url"] == urls.subject_page(COMPANY_CODE)
    assert frame.loc[COMPANY_CODE, "records"] >= 3  # a penalty, a licence and a list entry at least


def test_a_person_is_found_by_record_with_the_masked_id_only() -> None:
    frame = subjects_for_search(publication())
    people = frame[frame["kind"] == "person"]
    assert set(people["name"]) == {PERSON} and set(people["masked_id"]) == {PERSON_MASKED}
    assert (people["code"] == "").all() and people["url"].str.startswith("r/").all()
    assert not frame.apply(lambda row: PERSON_ID in " ".join(map(str, row)), axis=1).any()
