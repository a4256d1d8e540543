"""Proof of sameness (issue 12): after every step of a sequence of catalog changes, the incremental build's site
is byte-identical to a full build of the same inputs, and ``report/changes.json`` names exactly the site paths
whose bytes changed since the previous step.

After every build the published digest map (``state/site-digests.*``, what the next build trusts to link files
instead of writing them) must name the bytes of every file of the site: the build keeps ``generator.outputs``'
rule that a recorded path changes only through ``Outputs``.

A step is a change of the inputs followed by a rebuild into one persistent output folder. The kinds of change:
new records, corrections, repairs, revocations, list exits (``generator.sample.day.apply_day``: real batch and
decisions files), a clock advance (the as-of date moves on by up to 120 days, so publication periods end), an
edited commitment template, a renamed portal, or nothing at all. A scripted sequence has every kind, some two to
a step as a working day brings them (and checks that each change was made and showed in the site, the 45-day
clock step by ending some records' publication); a random sequence of single kinds is drawn by hypothesis.

The inputs of a build are the catalog, the as-of date and the published history it continues: the previous
site's releases (``data/releases/``, ``releases.json``, the release feed and pages) and the first-publication
dates kept in ``state/``. A build into an empty folder starts another history (one release), so its release
files cannot equal those of a portal on its tenth release. The reference for each step is therefore a full build
(``full=True``) into a new folder holding only a copy of the previous step's ``site/`` and of
``state/first-published.parquet`` — no site digest map, no batch cache, no release index: everything the
incremental build could reuse is re-derived. The first step's reference is a build into an empty folder.

Real builds of the demo catalog (each 4–10 s on the 2-core machine): 8 steps scripted, 3 random.
"""

from __future__ import annotations

import functools
import json
import random
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from generator import paths
from generator.build import BuildOptions, BuildResult, build
from generator.digests import DIGEST_CHARS
from generator.sample.day import DayChanges, apply_day
from generator.state import FIRST_PUBLISHED_FILE, read_site_digests
from tests.buildproc import tree_digest
from tests.conftest import AS_OF, DEMO_CATALOG

Step = tuple[str, int]  # (kind, seed of its random choices)
PORTAL_NAMES = ("信用临江", "临江信用", "信用临江网")


@dataclass
class World:
    """The catalog being changed, the persistent output folder, the clock, and the site as last built."""

    catalog: Path
    out: Path
    scratch: Path
    as_of: date = AS_OF
    site: dict[str, str] = field(default_factory=dict)  # path → SHA-256 of the site as last built
    done: dict[str, int] = field(default_factory=dict)  # what the last catalog change did (DayChanges.counts)
    summary: dict[str, Any] = field(default_factory=dict)  # the last build's report summary
    log: list[str] = field(default_factory=list)  # the steps so far, for failure messages


def new_world(folder: Path) -> World:
    world = World(folder / "catalog", folder / "published", folder / "scratch")
    shutil.copytree(DEMO_CATALOG, world.catalog)
    world.scratch.mkdir()
    return world


# ---- the kinds of step ------------------------------------------------------------------------------------
def noted(world: World, changes: DayChanges) -> str:
    world.done = {k: n for k, n in changes.counts().items() if n}
    return f"{world.done} in {', '.join(changes.files)}"


def new_records(world: World, rng: random.Random) -> str:
    return noted(world, apply_day(world.catalog, world.as_of, rng, new_records=rng.randint(1, 12)))


def corrections(world: World, rng: random.Random) -> str:
    return noted(world, apply_day(world.catalog, world.as_of, rng, corrections=rng.randint(1, 3)))


def repairs(world: World, rng: random.Random) -> str:
    return noted(world, apply_day(world.catalog, world.as_of, rng, repairs=rng.randint(1, 3)))


def revocations(world: World, rng: random.Random) -> str:
    return noted(world, apply_day(world.catalog, world.as_of, rng, revocations=rng.randint(1, 2)))


def list_exits(world: World, rng: random.Random) -> str:
    return noted(world, apply_day(world.catalog, world.as_of, rng, list_exits=1))


def clock(world: World, rng: random.Random, days: int = 0) -> str:
    world.as_of += timedelta(days=days or rng.choice((1, 3, 31, 120)))
    return f"as of {world.as_of}"


def template(world: World, rng: random.Random) -> str:
    """A new revision of one commitment-letter template (its ``version`` in the front matter)."""
    path = rng.choice(sorted((world.catalog / paths.COMMITMENTS_DIR).glob("*.md")))
    text = path.read_text(encoding="utf-8")
    version = re.search(r"^version: (.*)$", text, re.MULTILINE)
    assert version is not None, path
    revised = f"version: {version.group(1)}（修订{rng.randint(1, 99)}）"
    path.write_text(text[: version.start()] + revised + text[version.end() :], encoding="utf-8")
    return f"{path.name}: {revised}"


def portal(world: World, rng: random.Random) -> str:
    """The portal renamed in portal.yaml (every page shows the name)."""
    path = world.catalog / paths.PORTAL_FILE
    text = path.read_text(encoding="utf-8")
    current = re.search(r"^name: (.*)$", text, re.MULTILINE)
    assert current is not None
    name = rng.choice([n for n in PORTAL_NAMES if n != current.group(1)])
    path.write_text(text[: current.start()] + f"name: {name}" + text[current.end() :], encoding="utf-8")
    return f"portal name {name}"


def nothing(world: World, rng: random.Random) -> str:
    return "no change"


KINDS: dict[str, Callable[[World, random.Random], str]] = {
    f.__name__: f
    for f in (new_records, corrections, repairs, revocations, list_exits, clock, template, portal, nothing)
}


# ---- building and comparing -------------------------------------------------------------------------------
def run(catalog: Path, out: Path, as_of: date, *, full: bool = False) -> BuildResult:
    result = build(BuildOptions(catalog=catalog, out=out, as_of=as_of, full=full))
    done = result.swapped or result.unchanged  # unchanged: the same inputs as the published site's build
    assert done, [p.message for p in result.problems if p.level in ("fatal", "config")]
    return result


def reference_folder(world: World, name: str) -> Path:
    """A new output folder holding what the next build continues: the published site and first-publication
    dates (copied, not linked), and nothing a build only caches."""
    folder = world.scratch / name
    folder.mkdir()
    if (world.out / paths.SITE_DIR).is_dir():
        shutil.copytree(world.out / paths.SITE_DIR, folder / paths.SITE_DIR)
        (folder / paths.STATE_DIR).mkdir()
        first = world.out / paths.STATE_DIR / FIRST_PUBLISHED_FILE
        shutil.copyfile(first, folder / paths.STATE_DIR / FIRST_PUBLISHED_FILE)
    return folder


def differences(one: dict[str, str], other: dict[str, str]) -> dict[str, list[str]]:
    return {
        "added": sorted(set(other) - set(one)),
        "changed": sorted(p for p in other if p in one and one[p] != other[p]),
        "removed": sorted(set(one) - set(other)),
    }


def rebuild(world: World, what: str, *, compare: bool = True) -> dict[str, list[str]]:
    """Build incrementally, check the digest map against the site's bytes, changes.json against the previous
    site and the site against a full build of the same inputs; what changed since the previous step."""
    world.log.append(f"{len(world.log)}: {what} (as of {world.as_of})")
    reference = reference_folder(world, f"reference-{len(world.log)}") if compare else None
    result = run(world.catalog, world.out, world.as_of)
    now = tree_digest(world.out / paths.SITE_DIR)
    changed = differences(world.site, now)
    report = json.loads((world.out / paths.REPORT_DIR / paths.CHANGES_JSON).read_text(encoding="utf-8"))
    steps = "\n".join(world.log)
    wrongly = mapped_wrongly(world.out, now)
    assert not wrongly, f"the digest map is wrong about {shortened({'paths': wrongly})}, after:\n{steps}"
    if reference is not None:
        run(world.catalog, reference, world.as_of, full=True)
        full = tree_digest(reference / paths.SITE_DIR)
        shutil.rmtree(reference, ignore_errors=True)  # its old site may be going already (generator.trash)
        assert now == full, f"incremental ≠ full build: {shortened(differences(full, now))}, after:\n{steps}"
    wrong = {k: sorted(set(report[k]) ^ set(changed[k])) for k in changed}
    assert {k: report[k] for k in changed} == changed, (
        f"changes.json wrong about {shortened(wrong)}, after:\n{steps}"
    )
    world.site, world.summary = now, result.summary or {}
    return changed


def mapped_wrongly(out: Path, site: dict[str, str]) -> list[str]:
    """The paths where the published digest map (what the next build trusts) does not name the bytes on disk
    (``site``: path → SHA-256 of its bytes), or is missing a file or lists one that is not there."""
    digests, why = read_site_digests(out)
    assert digests is not None, why
    sizes = {rel: (out / paths.SITE_DIR / rel).stat().st_size for rel in site}
    actual = {rel: (sha[:DIGEST_CHARS], sizes[rel]) for rel, sha in site.items()}
    listed = dict(digests.items())
    return sorted(rel for rel in set(actual) | set(listed) if actual.get(rel) != listed.get(rel))


def shortened(paths_by_kind: dict[str, list[str]], shown: int = 20) -> dict[str, list[str]]:
    """At most ``shown`` paths of each kind, and how many more."""
    return {
        k: v[:shown] + [f"… {len(v) - shown} more"] * (len(v) > shown) for k, v in paths_by_kind.items() if v
    }


def withdrawn_by_time(summary: dict[str, Any]) -> int:
    """Rows withheld because a period or validity ended (expired penalties, licences, list entries)."""
    reasons = [r for d in summary["datasets"].values() for r in d["reasons"].items()]
    return sum(n for reason, n in reasons if reason.endswith("expired"))


def step(world: World, kind: str, seed: int) -> dict[str, list[str]]:
    what = KINDS[kind](world, random.Random(seed))
    return rebuild(world, f"{kind}: {what}")


# ---- the properties ---------------------------------------------------------------------------------------
Change = Callable[[World, random.Random], str]
SCRIPTED: list[tuple[Change, ...]] = [  # the changes of one step; each kind at least once
    (new_records, corrections),
    (repairs,),  # each decisions file alone: a build must see either change by itself
    (revocations,),
    (list_exits, clock),  # the next day
    (functools.partial(clock, days=45),),  # publication periods end
    (template,),
    (portal,),
    (nothing,),
]
ASKED = {new_records: "new", corrections: "corrections", repairs: "repairs", revocations: "revocations",
         list_exits: "list_exits"}  # fmt: skip


def kind_of(change: Change) -> str:
    return change.func.__name__ if isinstance(change, functools.partial) else change.__name__


@pytest.mark.slow
def test_every_kind_of_change_rebuilt_incrementally_equals_a_full_build_and_changes_json_says_what_changed(
    tmp_path: Path,
) -> None:
    world = new_world(tmp_path)
    rebuild(world, "first build")
    for n, changes in enumerate(SCRIPTED):
        expired, done = withdrawn_by_time(world.summary), set()
        whats = []
        for change in changes:
            world.done = {}
            whats.append(change(world, random.Random(n)))
            done |= set(world.done)
        asked = {ASKED[c] for c in changes if c in ASKED}
        assert done == asked, (asked, done)  # the demo catalog has candidates for every change asked for
        changed = rebuild(world, " + ".join(whats))
        assert any(changed.values()) == (changes != (nothing,)), (whats, changed)
        if kind_of(changes[0]) == "clock":
            assert withdrawn_by_time(world.summary) > expired  # some records' publication ended
    assert {kind_of(c) for changes in SCRIPTED for c in changes} == set(KINDS)


@pytest.mark.slow
@settings(
    max_examples=1,
    deadline=None,
    database=None,
    phases=(Phase.generate,),  # no shrinking: each example costs several builds; the steps are printed whole
    suppress_health_check=[HealthCheck.too_slow],
)
@given(
    steps=st.lists(st.tuples(st.sampled_from(sorted(KINDS)), st.integers(0, 2**31)), min_size=3, max_size=3)
)
def test_a_random_sequence_of_changes_rebuilt_incrementally_equals_full_builds(
    steps: list[Step], tmp_path_factory: pytest.TempPathFactory
) -> None:
    world = new_world(tmp_path_factory.mktemp("sameness"))
    rebuild(world, "first build", compare=False)  # the scripted test compares first builds
    for kind, seed in steps:
        step(world, kind, seed)
