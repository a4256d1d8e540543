"""The fixed vocabularies the rules speak: severities and penalty categories, read from the built-in schema.

Stage: rules. Guarantees: the words come from ``generator/schemas/penalty.yaml`` (CF_SXCD's enum and the
``penalty_categories`` vocabulary), so the rules and the validator never disagree on spelling.
"""

from __future__ import annotations

import re

from generator.schema import builtin_schema

_PENALTY = builtin_schema("penalty")
SEVERITIES: tuple[str, ...] = _PENALTY.field("CF_SXCD").enum  # lowest first: 轻微, 一般, 严重
CATEGORY_VOCABULARY: dict[str, tuple[str, ...]] = _PENALTY.vocabularies["penalty_categories"]
# The normalised (2021 行政处罚法 art. 9) category names: what severity mappings and warning lists are keyed by.
CATEGORIES: frozenset[str] = frozenset(value for values in CATEGORY_VOCABULARY.values() for value in values)
CATEGORY_SEPARATOR = re.compile(r"[；;，,|]")  # 处罚类别 holds several values separated by ；or ,


def normalise_categories(text: str) -> tuple[str, ...]:
    """The normalised 2021 categories of a 处罚类别 value (old names mapped; unknown values kept as they are)."""
    found: list[str] = []
    for part in CATEGORY_SEPARATOR.split(text):
        token = part.strip()
        if token:
            found.extend(CATEGORY_VOCABULARY.get(token, (token,)))
    return tuple(dict.fromkeys(found))
