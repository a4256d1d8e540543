"""The record datasets a sample catalog holds, and how each is generated.

Stage: sample. Guarantees: dataset ids are valid folder names; shares of the requested record count add up
to 1 (penalties ≈ 55 %, licences ≈ 40 %, the rest inspections and the three lists). The credit-supervision
datasets (``CREDIT``: evaluations, registrations, fulfilment) come on top of the requested count, ≈ 6.5 % of it
together, drawn after the others from their own random streams — so they leave the other datasets' bytes alone.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from generator.sample import evaluations, fulfilment, inspections, licences, lists, penalties, registrations
from generator.sample.context import Context
from generator.sample.plan import Plan
from generator.sample.rand import I64, Obj
from generator.sample.subjects import ORG, PERSON
from generator.schema import Schema, builtin_schema

PlanFn = Callable[[Context, np.random.Generator, int], Plan]
MaterialiseFn = Callable[[Context, Plan, I64, I64, I64], dict[str, Obj]]


@dataclass(frozen=True)
class Generator:
    """One record dataset of the sample catalog."""

    id: str
    share: float  # of the requested record count
    fix_rate: float  # share of rows that are corrections re-sent in a later batch
    plan: PlanFn
    materialise: MaterialiseFn
    schema: Callable[[], Schema]
    xlsx: bool = False  # write the second batch as a workbook


GENERATORS = (
    Generator("penalties", 0.55, 0.03, penalties.plan, penalties.materialise, lambda: builtin_schema("penalty"), True),
    Generator("licences", 0.40, 0.02, licences.plan, licences.materialise, lambda: builtin_schema("licensing"), True),
    Generator("inspections", 0.03, 0.01, inspections.plan, inspections.materialise, inspections.schema),
    Generator("list-punishment", 0.008, 0.12, lists.plan_for("punishment"), lists.materialise,  # type: ignore[arg-type]
              lambda: builtin_schema("list")),
    Generator("list-watch", 0.006, 0.2, lists.plan_for("watch"), lists.materialise,  # type: ignore[arg-type]
              lambda: builtin_schema("list"), True),
    Generator("list-incentive", 0.006, 0.05, lists.plan_for("incentive"), lists.materialise,  # type: ignore[arg-type]
              lambda: builtin_schema("list")),
)  # fmt: skip
CREDIT = (
    Generator("evaluations", 0.02, 0.03, evaluations.plan, evaluations.materialise,
              lambda: builtin_schema("evaluation")),
    Generator("registrations", 0.02, 0.1, registrations.plan, registrations.materialise,
              lambda: builtin_schema("registration")),
    Generator("fulfilment", 0.025, 0.1, fulfilment.plan, fulfilment.materialise,
              lambda: builtin_schema("fulfilment")),
)  # fmt: skip


def by_id(dataset: str) -> Generator:
    return next(g for g in (*GENERATORS, *CREDIT) if g.id == dataset)


def allocate_credit(records: int) -> dict[str, int]:
    """Rows of each credit-supervision dataset for ``records`` requested records (not part of them)."""
    return {g.id: round(g.share * records) for g in CREDIT}


def allocate(records: int) -> dict[str, int]:
    """Split ``records`` over the datasets by share (largest remainder), exactly."""
    raw = [g.share * records for g in GENERATORS]
    whole = [int(x) for x in raw]
    order = sorted(range(len(raw)), key=lambda i: (-(raw[i] - whole[i]), i))
    for i in order[: records - sum(whole)]:
        whole[i] += 1
    return {g.id: n for g, n in zip(GENERATORS, whole, strict=True)}


def eligible(plan: Plan, kind: str) -> np.ndarray:
    """Records whose row can be spoiled in the way ``kind`` names."""
    who = plan.col("kind")
    person_with_ric = (who == PERSON) & (plan.col("passport") == 0)
    masks = {
        "bad-uscc": who == ORG,
        "bad-ric": person_with_ric,
        "person-no-id": person_with_ric,
        "negative-amount": plan.col("fine") == 1,
        "broken-no-measure": plan.col("result") == fulfilment.BROKEN,
    }
    plain = plan.col("featured") == 0  # featured subjects' records stay good
    return np.asarray(masks.get(kind, np.ones(plan.n, dtype=bool)) & plain, dtype=bool)
