"""rules/publication.yaml and rules/calendar.yaml: packaged defaults, and clear CONFIG problems when inconsistent."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from generator.problems import Level
from generator.rules import load_rules
from generator.rules.ruleset import DEFAULTS_DIR
from tests.rules.tables import REPO_CATALOG_RULES, default_publication, rule_problems, write_catalog


def test_catalog_without_rules_folder_gets_the_packaged_defaults(tmp_path: Path) -> None:
    rules, problems = load_rules(tmp_path)
    assert rules is not None
    assert [(p.code, p.level) for p in problems] == [("rules-default-rules", Level.INFO)]
    assert [s.id for s in rules.publication.penalty.rule_sets] == [
        "fgw-2019-527",
        "ndrc-order-58",
        "gbf-2025-22",
    ]


def test_demo_catalog_ships_the_packaged_rules_unchanged() -> None:
    for name in ("publication.yaml", "calendar.yaml"):
        assert (REPO_CATALOG_RULES / name).read_text(encoding="utf-8") == (DEFAULTS_DIR / name).read_text(
            encoding="utf-8"
        )


def test_shipped_rule_sets_carry_the_national_periods(tmp_path: Path) -> None:
    rules, _ = load_rules(tmp_path)
    assert rules is not None
    sets = {s.id: s for s in rules.publication.penalty.rule_sets}
    months = {
        i: {k: (p.publish, p.min_months, p.max_months) for k, p in s.periods.items()} for i, s in sets.items()
    }
    assert months["fgw-2019-527"]["一般"] == (True, 3, 12) and months["fgw-2019-527"]["严重"] == (True, 6, 36)
    assert months["ndrc-order-58"]["一般"] == (True, 3, 36)
    assert {k: v.min_months for k, v in sets["ndrc-order-58"].sectors.items()} == {
        "特种设备": 12,
        "安全生产": 12,
        "消防": 12,
    }
    assert months["gbf-2025-22"] == {"轻微": (False, 0, 3), "一般": (True, 3, 12), "严重": (True, 12, 36)}
    assert [s.start for s in sets.values()] == [date(2019, 7, 1), date(2023, 5, 1), date(2025, 6, 22)]


def test_rules_folder_without_publication_file_is_a_configuration_problem(tmp_path: Path) -> None:
    (tmp_path / "rules").mkdir()
    rules, problems = load_rules(tmp_path)
    assert rules is None
    assert [(p.code, p.file) for p in problems] == [("config-missing-file", "rules/publication.yaml")]


def _set(path: str, value: Any) -> Any:
    def change(data: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        target: Any = data
        for part in parents:
            target = target[int(part)] if part.isdigit() else target[part]
        target[last] = value

    return change


def _drop(path: str) -> Any:
    def change(data: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        target: Any = data
        for part in parents:
            target = target[int(part)] if part.isdigit() else target[part]
        del target[last]

    return change


CONFIG_CASES = [
    ("same start date", _set("penalty.rule_sets.1.from", date(2019, 7, 1)), "rules-overlapping-sets", "penalty.rule_sets[1]"),
    ("until after the next start", _set("penalty.rule_sets.0.until", date(2023, 6, 1)), "rules-overlapping-sets", "penalty.rule_sets[1]"),
    ("a gap between sets", _set("penalty.rule_sets.0.until", date(2023, 1, 1)), "rules-overlapping-sets", "penalty.rule_sets[1]"),
    ("duplicate set id", _set("penalty.rule_sets.1.id", "fgw-2019-527"), "rules-overlapping-sets", "penalty.rule_sets"),
    ("min > max", _set("penalty.rule_sets.2.periods.一般.min_months", 13), "rules-min-above-max", "penalty.rule_sets[2].periods.一般"),
    ("sector min > max", _set("penalty.rule_sets.1.sectors.消防", {"min_months": 40}), "rules-min-above-max", "penalty.rule_sets[1].sectors.消防"),
    ("unknown severity in a set", _set("penalty.rule_sets.0.periods.特别严重", {"publish": True, "min_months": 1, "max_months": 2}), "rules-unknown-severity", "penalty.rule_sets[0].periods.特别严重"),
    ("missing severity in a set", _drop("penalty.rule_sets.0.periods.轻微"), "rules-unknown-severity", "penalty.rule_sets[0].periods"),
    ("unknown severity in the mapping", _set("penalty.severity.categories.罚款", "较重"), "rules-unknown-severity", "penalty.severity.categories.罚款"),
    ("unknown default severity", _set("penalty.severity.default", "中等"), "rules-unknown-severity", "penalty.severity.default"),
    ("unknown category", _set("penalty.severity.categories.吊销执照", "严重"), "rules-unknown-category", "penalty.severity.categories.吊销执照"),
    ("unknown sector", _set("penalty.rule_sets.1.sectors.食品", {"min_months": 6}), "rules-unknown-sector", "penalty.rule_sets[1].sectors.食品"),
    ("unknown key (typo)", _set("penalty.rule_sets.0.periods.一般.max_month", 12), "config-unknown-key", "penalty.rule_sets.0.periods.一般.max_month"),
    ("unknown top-level key", _set("lisences", {}), "config-unknown-key", "lisences"),
    ("missing key", _drop("timeliness"), "config-missing-key", "timeliness"),
    ("negative months", _set("penalty.rule_sets.0.periods.一般.min_months", -1), "config-invalid-value", "penalty.rule_sets.0.periods.一般.min_months"),
    ("bad earlier-decisions choice", _set("penalty.earlier_decisions", "ignore"), "config-invalid-value", "penalty.earlier_decisions"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("change", "code", "key"), [c[1:] for c in CONFIG_CASES], ids=[c[0] for c in CONFIG_CASES]
)
def test_inconsistent_rule_file_is_a_configuration_error_naming_file_and_key(
    tmp_path: Path, change: Any, code: str, key: str
) -> None:
    problems = rule_problems(tmp_path, change)
    assert (code, key) in [(p.code, p.field) for p in problems]
    assert all(p.level is Level.CONFIG and p.file == "rules/publication.yaml" for p in problems)
    assert all(p.message.startswith("rules/publication.yaml: ") for p in problems)


CALENDAR_CASES = [
    ({"years": {2027: {"complete": True, "holidays": [date(2028, 1, 1)]}}}, "rules-calendar-inconsistent"),
    ({"years": {2027: {"complete": True, "holidays": [date(2027, 2, 8)], "workdays": [date(2027, 2, 8)]}}}, "rules-calendar-inconsistent"),
    ({"years": {2027: {"holidays": []}}}, "config-missing-key"),
    ({"year": {}}, "config-unknown-key"),
]  # fmt: skip


@pytest.mark.parametrize(("calendar", "code"), CALENDAR_CASES)
def test_inconsistent_calendar_is_a_configuration_error(
    tmp_path: Path, calendar: dict[str, Any], code: str
) -> None:
    problems = rule_problems(tmp_path, lambda data: None, calendar)
    assert [p.code for p in problems] == [code]
    assert problems[0].file == "rules/calendar.yaml"


def test_rules_folder_without_calendar_uses_the_packaged_calendar(tmp_path: Path) -> None:
    write_catalog(tmp_path, default_publication())
    (tmp_path / "rules" / "calendar.yaml").unlink()
    rules, problems = load_rules(tmp_path)
    assert rules is not None and problems == []
    assert 2027 in rules.calendar.years
