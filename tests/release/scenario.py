"""Successive builds of a small portal, each into a fresh site folder, as the build does it (data packs, then
the release against the previous site and state). Real files on disk; no mocks."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from generator.model import DataFile, Publication, ReleaseInfo
from generator.packs import write_packs
from generator.release import make_release
from tests.packs.builders import licence, penalty, publication

Records = dict[str, list[dict[str, str]]]


@dataclass
class Build:
    pub: Publication
    site: Path
    state: Path
    releases: list[ReleaseInfo]
    files: list[DataFile]


def build(
    root: Path, name: str, as_of: date, records: Records, previous: Build | None, keep: int = 10
) -> Build:
    """Build ``records`` as of ``as_of`` into ``root/name`` against the ``previous`` build."""
    pub = publication(as_of, records, keep=keep)
    site, state = root / name / "site", root / name / "state"
    pub.files = write_packs(pub, site)
    prev_site, prev_state = (previous.site, previous.state) if previous else (None, None)
    pub.releases, manifests = make_release(pub, pub.files, prev_site, site, prev_state, state)
    return Build(pub, site, state, pub.releases, pub.files + manifests)


# The story of the main scenario, one build a day:
#   1  penalties 1-6, licences 1-2
#   2  + penalties 7, 8 (ADD); penalty 2 corrected (MOD)
#   3  penalty 3 repaired (DEL); licence 2 revoked (DEL); + penalty 9
#   4  penalty 4 expired (DEL) — the record whose traces the purge test hunts; penalty 7 corrected (MOD)
#   5  + penalty 10; penalty 3 back (its repair annulled: ADD again); penalty 5 delisted (DEL)
#   6  same as-of as 5, corrected input: penalty 8 corrected (MOD) → release 2026-11-24.02
WITHDRAWN_IN_BUILD_4 = 4


def story() -> list[tuple[date, Records]]:
    p = {n: penalty(n) for n in range(1, 11)}
    fixed = {2: penalty(2, CF_NR_FK="2.5", CF_NR="罚款人民币贰万伍仟元（更正）"), 7: penalty(7, CF_SY="经查，第7批次产品不合格（更正）。"),
             8: penalty(8, CF_CFLB="罚款", BZ="更正处罚类别")}  # fmt: skip
    lic = [licence(1), licence(2)]
    day1 = [p[n] for n in range(1, 7)]
    day2 = [p[1], fixed[2], *(p[n] for n in range(3, 9))]
    day3 = [p[1], fixed[2], *(p[n] for n in (4, 5, 6, 7, 8, 9))]
    day4 = [p[1], fixed[2], p[5], p[6], fixed[7], p[8], p[9]]
    day5 = [p[1], fixed[2], p[3], p[6], fixed[7], p[8], p[9], p[10]]
    day6 = [p[1], fixed[2], p[3], p[6], fixed[7], fixed[8], p[9], p[10]]
    return [
        (date(2026, 11, 20), {"penalties": day1, "licences": lic}),
        (date(2026, 11, 21), {"penalties": day2, "licences": lic}),
        (date(2026, 11, 22), {"penalties": day3, "licences": lic[:1]}),
        (date(2026, 11, 23), {"penalties": day4, "licences": lic[:1]}),
        (date(2026, 11, 24), {"penalties": day5, "licences": lic[:1]}),
        (date(2026, 11, 24), {"penalties": day6, "licences": lic[:1]}),
    ]


def run_story(root: Path, keep: int = 10, builds: int = 6) -> list[Build]:
    done: list[Build] = []
    for i, (as_of, records) in enumerate(story()[:builds], start=1):
        done.append(build(root, f"build{i}", as_of, records, done[-1] if done else None, keep))
    return done
