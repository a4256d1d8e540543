"""Release IDs.

Stage: write release. Guarantees: an ID is the as-of date (``2026-11-25``); a further release on the same
date gets ``2026-11-25.02``, ``.03`` …; IDs sort by date as plain strings (up to 99 releases a day) and always
after every earlier release — an as-of date before the newest release's reuses that release's date with the
next suffix rather than sort before it. The same history and as-of date always give the same ID.
"""

from __future__ import annotations

from datetime import date

MAX_PER_DAY = 99


def next_release_id(as_of: date, newest: str | None) -> str:
    """The ID of a release made on ``as_of`` after the release ``newest`` (None: the first release)."""
    day = as_of.isoformat()
    if newest is None or release_day(newest) < day:
        return day
    day = release_day(newest)
    number = _number(newest) + 1
    if number > MAX_PER_DAY:
        raise ValueError(f"more than {MAX_PER_DAY} releases on {day}")
    return f"{day}.{number:02d}"


def release_day(release_id: str) -> str:
    return release_id[:10]


def _number(release_id: str) -> int:
    return int(release_id[11:]) if len(release_id) > 10 else 1


def is_release_id(text: str) -> bool:
    """True for IDs this module makes (also guards folder names read from an earlier site)."""
    try:
        date.fromisoformat(text[:10])
    except ValueError:
        return False
    return len(text) == 10 or (len(text) == 13 and text[10] == "." and text[11:].isdigit())
