"""Successive builds of a small portal, each into a fresh site folder, as the build does it (data packs, then
the release against the previous site and state). Real files on disk; no mocks."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from generator.model import DataFile, Publication, ReleaseInfo
from generator.packs import write_packs
from generator.release import make_release
from generator.signing import SigningKey
from tests.packs.builders import licence, penalty, person_row, publication

Records = dict[str, list[dict[str, str]]]


@dataclass
class Build:
    pub: Publication
    site: Path
    state: Path
    releases: list[ReleaseInfo]
    files: list[DataFile]


def build(
    root: Path,
    name: str,
    as_of: date,
    records: Records,
    previous: Build | None,
    keep: int = 10,
    dropped: tuple[str, ...] = (),
    signer: SigningKey | None = None,
) -> Build:
    """Build ``records`` as of ``as_of`` into ``root/name`` against the ``previous`` build; the fields
    ``dropped`` are gone from the public records, as the privacy rules leave a field named in drop_fields."""
    pub = publication(as_of, records, keep=keep)
    for table in pub.tables.values():
        table.frame = table.frame.drop(columns=[c for c in dropped if c in table.frame.columns])
    site, state = root / name / "site", root / name / "state"
    pub.files = write_packs(pub, site)
    prev_site, prev_state = (previous.site, previous.state) if previous else (None, None)
    pub.releases, manifests = make_release(pub, pub.files, prev_site, site, prev_state, state, signer=signer)
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


def run_story(root: Path, keep: int = 10, builds: int = 6, signer: SigningKey | None = None) -> list[Build]:
    done: list[Build] = []
    for i, (as_of, records) in enumerate(story()[:builds], start=1):
        done.append(build(root, f"build{i}", as_of, records, done[-1] if done else None, keep, signer=signer))
    return done


# The privacy story, one build a day: corrections, then the catalog's privacy rules tightened.
#   1  penalties 1-6 on companies (legal representatives named), penalties 11-12 on natural persons
#      (ID numbers masked keeping 6 + 4 characters); licences 1-2
#   2  penalty 2 corrected (MOD: new 违法事实); + penalty 7
#   3  penalty 3 corrected (MOD); penalty 4 withdrawn (DEL)
#   4  privacy tightened: 法定代表人 (CF_FRDB) dropped from every penalty, ID numbers masked keeping 3 + 2 →
#      every penalty is MOD; licences untouched
#   5  penalty 7 corrected again; + penalty 8; penalty 5 withdrawn
#   6  same as-of as 5: penalty 8 corrected → release 2026-11-24.02
TIGHTENED_IN_BUILD = 4
LEGAL_REPRESENTATIVES = {n: name for n, name in enumerate(
    ("周立明", "吴海燕", "郑国强", "冯秀兰", "陈志刚", "褚丽华", "卫东升", "蒋文静"), start=1)}  # fmt: skip
OLD_FACTS = {2: penalty(2)["CF_SY"], 3: penalty(3)["CF_SY"], 7: penalty(7)["CF_SY"]}
MASKED_BEFORE = {11: "330104********2719", 12: "330105********4816"}
MASKED_AFTER = {11: "330*************19", 12: "330*************16"}


def _company(n: int, tightened: bool, **fields: str) -> dict[str, str]:
    named = {} if tightened else {"CF_FRDB": LEGAL_REPRESENTATIVES[n]}
    return penalty(n, **(named | fields))


def _people(tightened: bool) -> list[dict[str, str]]:
    masked = MASKED_AFTER if tightened else MASKED_BEFORE
    return [person_row(n, CF_XDR_MC=f"张{n}", CF_XDR_ZJHM=masked[n]) for n in masked]


def privacy_story() -> list[tuple[date, Records, tuple[str, ...]]]:
    fixes = {2: {"CF_SY": "经复核，当事人销售的是标识不全的产品。"}, 3: {"CF_SY": "经复核，涉案批次为两批。"},
             7: {"CF_SY": "经再次复核，涉案产品已全部召回。"}, 8: {"CF_NR": "罚款人民币伍仟元（更正）"}}  # fmt: skip
    lic = [licence(1), licence(2)]
    plan: list[tuple[date, dict[int, dict[str, str]], bool]] = [
        (date(2026, 11, 20), {n: {} for n in range(1, 7)}, False),
        (date(2026, 11, 21), {1: {}, 2: fixes[2], 3: {}, 4: {}, 5: {}, 6: {}, 7: {}}, False),
        (date(2026, 11, 22), {1: {}, 2: fixes[2], 3: fixes[3], 5: {}, 6: {}, 7: {}}, False),
        (date(2026, 11, 23), {1: {}, 2: fixes[2], 3: fixes[3], 5: {}, 6: {}, 7: {}}, True),
        (date(2026, 11, 24), {1: {}, 2: fixes[2], 3: fixes[3], 6: {}, 7: fixes[7], 8: {}}, True),
        (date(2026, 11, 24), {1: {}, 2: fixes[2], 3: fixes[3], 6: {}, 7: fixes[7], 8: fixes[8]}, True),
    ]
    story = []
    for as_of, companies, tightened in plan:
        rows = [_company(n, tightened, **fields) for n, fields in companies.items()] + _people(tightened)
        story.append((as_of, {"penalties": rows, "licences": lic}, ("CF_FRDB",) if tightened else ()))
    return story


def run_privacy_story(root: Path, keep: int = 10, builds: int = 6) -> list[Build]:
    done: list[Build] = []
    for i, (as_of, records, dropped) in enumerate(privacy_story()[:builds], start=1):
        done.append(build(root, f"build{i}", as_of, records, done[-1] if done else None, keep, dropped))
    return done
