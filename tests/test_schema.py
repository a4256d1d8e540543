"""Built-in schemas: well-formed, and their documented examples pass their own checks."""

from __future__ import annotations

import re

import pytest

from generator.identifiers import is_valid_uscc
from generator.schema import builtin_kinds, builtin_schema, normalise_header


@pytest.mark.parametrize("kind", builtin_kinds())
def test_examples_satisfy_their_field_rules(kind: str) -> None:
    for f in builtin_schema(kind).fields:
        if not f.example:
            continue
        if f.check == "uscc":
            assert is_valid_uscc(f.example), f.name
        if f.enum:
            assert f.example in f.enum, f.name
        if f.pattern:
            assert re.fullmatch(f.pattern, f.example), f.name


@pytest.mark.parametrize("kind", builtin_kinds())
def test_every_field_has_a_chinese_title_and_description(kind: str) -> None:
    schema = builtin_schema(kind)
    assert all(f.title and f.description for f in schema.fields)


def test_chinese_titles_codes_and_bracket_variants_map_to_one_field() -> None:
    mapping = builtin_schema("penalty").header_map()
    for header in ("CF_NR_FK", "cf_nr_fk", "罚款金额（万元）", "罚款金额(万元)", " \ufeff罚款金额（万元） "):
        assert mapping[normalise_header(header)] == "CF_NR_FK"


@pytest.mark.parametrize("kind", ["penalty", "licensing"])
def test_v2_layouts_share_the_counterpart_fields_and_keep_id_numbers_private(kind: str) -> None:
    schema = builtin_schema(kind)
    prefix = "CF" if kind == "penalty" else "XK"
    assert schema.field(f"{prefix}_XDR_ZJHM").privacy == "mask"
    assert schema.field(f"{prefix}_FR_ZJHM").privacy == "drop"
    assert f"{prefix}_FR_ZJHM" not in schema.public_names()
