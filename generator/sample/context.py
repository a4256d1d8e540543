"""What every dataset generator of one sample run shares: the seed and the subject pool sizes.

Stage: sample. Guarantees: pool sizes depend only on the requested record count, so the same subject
number means the same company or person in every dataset of a run (a firm fined by one department holds a
licence from another and may sit on a list); ``featured`` subjects (penalised firms on the punishment list) are
the ones the credit-supervision datasets grade D and record a broken commitment for.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from generator.sample import subjects
from generator.sample.departments import DEPARTMENTS, members
from generator.sample.names_data import GROUP_INDEX, GROUPS, ROADS
from generator.sample.rand import I64, Obj, choose, pick, salt, strs
from generator.sample.subjects import IND, ORG, PERSON

POOL_SHARE = {ORG: 0.45, IND: 0.25, PERSON: 0.15}  # distinct subjects per record, by kind


@dataclass(frozen=True)
class Context:
    """The seed and how many distinct subjects of each kind (per industry group) the run draws from."""

    seed: int
    records: int
    featured: tuple[tuple[int, int, int], ...] = ()  # (kind, group, number): see the module docstring

    def pool(self, kind: int) -> int:
        groups = 1 if kind == PERSON else len(GROUPS)
        return int(min(subjects.POOL_MAX - 1, max(30, self.records * POOL_SHARE[kind] / groups)))

    def draw(self, rng: np.random.Generator, kind: I64) -> I64:
        """Subject numbers, skewed so that some subjects recur (repeat offenders, chains, big firms)."""
        sizes = np.asarray([self.pool(k) for k in (ORG, IND, PERSON)])[kind]
        return (sizes * rng.random(len(kind)) ** 1.8).astype(np.int64)


def group_codes(rng: np.random.Generator, choices: tuple[str, ...], n: int) -> I64:
    return np.asarray([GROUP_INDEX[g] for g in choices], dtype=np.int64)[rng.integers(0, len(choices), n)]


def subject_key(kind: I64, group: I64, number: I64) -> I64:
    return (kind * 100 + group) * subjects.POOL_MAX + number


def addresses(kind: I64, group: I64, number: I64, district: Obj, seed: int) -> Obj:
    """A business address per subject (stable across records); for persons a street only."""
    key = subject_key(kind, group, number)
    road = choose(key, salt(seed, "road"), ROADS)
    house = pick(key, salt(seed, "house"), 398) + 1
    return np.asarray(district + road + np.where(kind == PERSON, "", strs(house) + "号"), dtype=object)


DEPT_INDEX = {d.key: i for i, d in enumerate(DEPARTMENTS)}


def draw_who(
    rng: np.random.Generator,
    cols: dict[str, I64],
    mask: np.ndarray,
    who: tuple[str, tuple[float, ...], tuple[str, ...]],
    weights: tuple[float, float],
) -> None:
    """Department, subject kind and industry group of the ``mask`` rows. ``who`` = (lead department, kind shares,
    groups); ``weights`` = (lead department's weight, each sibling department's weight)."""
    dept, kinds, groups = who
    k = int(mask.sum())
    depts = members(dept)
    w = np.asarray([weights[0] if d.key == dept else weights[1] for d in depts])
    cols["dept"][mask] = np.asarray([DEPT_INDEX[d.key] for d in depts])[
        rng.choice(len(depts), k, p=w / w.sum())
    ]
    shares = np.asarray(kinds, dtype=np.float64)
    cols["kind"][mask] = rng.choice(3, k, p=shares / shares.sum())
    cols["group"][mask] = group_codes(rng, groups, k)
