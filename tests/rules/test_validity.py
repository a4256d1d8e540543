"""Lists leave at 移出日期 or after 有效期至; licences and other acts are public while valid (domain.md §2.2, §4)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from tests.rules.tables import act, apply, entry, licence, reasons, table, with_rules

D = date.fromisoformat
LIST_CASES = [
    ("removed the day after as-of", {"MD_YCRQ": "2026-03-02"}, True, ""),
    ("removed on as-of: gone that day", {"MD_YCRQ": "2026-03-01"}, False, "delisted"),
    ("removed before as-of", {"MD_YCRQ": "2026-02-28"}, False, "delisted"),
    ("valid until as-of: still listed on its last day", {"MD_YXQZ": "2026-03-01"}, True, ""),
    ("valid until the day before", {"MD_YXQZ": "2026-02-28"}, False, "list-expired"),
    ("no end of validity", {"MD_YXQZ": ""}, True, ""),
    ("removal wins as the reason", {"MD_YCRQ": "2026-01-01", "MD_YXQZ": "2025-12-31"}, False, "delisted"),
    ("listed after as-of", {"MD_LRRQ": "2026-03-02"}, False, "not-yet-effective"),
]


@pytest.mark.parametrize(
    ("fields", "public", "reason"), [c[1:] for c in LIST_CASES], ids=[c[0] for c in LIST_CASES]
)
def test_list_entry_is_public_until_removed_or_expired(
    fields: dict[str, str], public: bool, reason: str
) -> None:
    result = apply(table("list", [entry(**fields)]), as_of=D("2026-03-01"))
    assert (len(result.tables["blacklist"].frame) == 1) is public
    assert list(reasons(result).values()) == ([reason] if reason else [])


LICENCE_CASES = [
    ("valid until as-of", "2026-03-01", True),
    ("valid until the day before", "2026-02-28", False),
    ("长期 as 2099-12-31", "2099-12-31", True),
    ("no end date", "", True),
    ("长期 written as text", "长期", True),
    ("leap day, as-of after it", "2024-02-29", False),
]


@pytest.mark.parametrize(
    ("until", "public"), [c[1:] for c in LICENCE_CASES], ids=[c[0] for c in LICENCE_CASES]
)
def test_licence_is_public_while_valid(until: str, public: bool) -> None:
    result = apply(table("licensing", [licence(XK_YXQZI=until)]), as_of=D("2026-03-01"))
    assert (len(result.tables["licences"].frame) == 1) is public
    if not public:
        assert result.ledger["reason"].tolist() == ["licence-expired"]


def test_licence_open_ended_threshold_is_configurable(tmp_path: Path) -> None:
    def earlier_open_end(data: dict[str, Any]) -> None:
        data["licensing"]["open_ended_from"] = date(2030, 1, 1)

    rules = with_rules(tmp_path, earlier_open_end)
    result = apply(table("licensing", [licence(XK_YXQZI="2030-01-01")]), as_of=D("2031-01-01"), rules=rules)
    assert len(result.tables["licences"].frame) == 1


def test_expired_licences_are_kept_when_configured(tmp_path: Path) -> None:
    def keep(data: dict[str, Any]) -> None:
        data["licensing"]["keep_expired"] = True

    rules = with_rules(tmp_path, keep)
    assert (
        len(apply(table("licensing", [licence(XK_YXQZI="2025-01-01")]), rules=rules).tables["licences"].frame)
        == 1
    )


def test_other_act_with_a_valid_until_role_expires_like_a_licence() -> None:
    result = apply(
        table("other-act", [act(JC_YXQZ="2026-02-28"), act(JC_YXQZ=""), act(JC_YXQZ="2026-03-01")])
    )
    assert result.tables["inspections"].frame["JC_YXQZ"].tolist() == ["", "2026-03-01"]
    assert result.ledger["reason"].tolist() == ["expired"]


def test_other_act_without_end_is_public_until_withdrawn() -> None:
    result = apply(table("other-act", [act(JC_RQ="2005-01-01")]), as_of=D("2026-03-01"))
    assert len(result.tables["inspections"].frame) == 1
