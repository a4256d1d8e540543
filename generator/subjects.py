"""The subjects the search index knows: organisations with a credit archive, and natural persons by record.

Stage: search (input). Guarantees: reads the very views and archive subjects the site stage rendered
(``generator.site.site_views``, made once a build), so every organisation hit opens an archive page that exists; a natural person is one entry per published record,
named and shown with the already-masked ID only, linking to that record's page — never addressed by ID.
Each entry also says what a result should show up front: the list types (``generator.site.view.LIST_TYPES``,
the archive's vocabulary) the subject is on now — a public list record is a current one, the rules having
taken out every expired or delisted entry — its current credit grades that the grade scale gives a badge
(dataset.yaml ``grades``: ``badge: true``), and its public records counted by dataset kind; a person's entry
adds its record's date, authority (机关) and 事由, so that people of the same name can be told apart.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from generator.model import RECORD_ID
from generator.search import COUNTED_KINDS, OTHER_KIND
from generator.site import SiteViews, urls
from generator.site.subjects import Subjects
from generator.site.view import (
    LIST_TYPES,
    NATURAL_PERSON,
    DatasetView,
    grade_label,
    grade_scale,
)

COLUMNS = [
    "name", "code", "kind", "url", "masked_id", "records", "lists", "grades", *COUNTED_KINDS, "date", "authority",
    "reason",
]  # fmt: skip
INDIVIDUAL_BUSINESS = "个体工商户"
LIST_BITS = {t: 1 << i for i, t in enumerate(LIST_TYPES)}  # punishment, watch, incentive


def subjects_for_search(shown: SiteViews) -> pd.DataFrame:
    """One row per searchable subject (``COLUMNS``; see ``generator.search.build_search_index``) of the views
    the site shows (``generator.site.site_views``)."""
    views = shown.views
    parts = [
        _organisations(views, shown.subjects),
        *(_persons(v) for v in views if v.is_record_set and v.role("subject_name")),
    ]
    frame = pd.concat([p for p in parts if len(p)], ignore_index=True) if any(len(p) for p in parts) else None
    return frame if frame is not None else pd.DataFrame({c: pd.Series(dtype="str") for c in COLUMNS})


def _organisations(views: list[DatasetView], subjects: Subjects) -> pd.DataFrame:
    owner = np.repeat(np.arange(len(subjects), dtype=np.int64), np.diff(subjects.starts))
    return pd.DataFrame(
        {
            "name": subjects.names.astype(str),
            "code": subjects.codes.astype(str),
            "kind": _kinds(views, subjects),
            "url": [urls.subject_page(c) for c in subjects.codes],
            "masked_id": "",
            "records": np.diff(subjects.starts).astype("int64"),
            "lists": _lists(views, subjects, owner),
            "grades": _grades(views, subjects, owner),
            **_counts(views, subjects, owner),
            "date": "",
            "authority": "",
            "reason": "",
        }
    )


def _kinds(views: list[DatasetView], subjects: Subjects) -> np.ndarray:
    """Each subject's kind, from the 主体类别 of its first record: per view, its subjects' first rows taken and
    compared at once (per subject it took 16 s for 250 k subjects; every view's column as Python strings held
    a string a record)."""
    first = subjects.starts[:-1]
    views_of, rows = subjects.view[first], subjects.pos[first]
    kinds = np.full(len(first), "org", dtype=object)
    for vi in np.unique(views_of).tolist():
        chosen = np.flatnonzero(views_of == vi)
        types = views[vi].column("subject_type").take(rows[chosen])
        kinds[chosen[(types == INDIVIDUAL_BUSINESS).to_numpy(dtype=bool)]] = "individual-business"
    return kinds


def _slot(view: DatasetView) -> int:
    """Where ``view``'s records are counted: its kind, or ``OTHER_KIND`` for a kind not counted apart."""
    return COUNTED_KINDS.index(view.kind if view.kind in COUNTED_KINDS else OTHER_KIND)


def _list_type(view: DatasetView) -> str:
    """The list type of a list dataset as the archive reads it (an unknown type counts as punishment)."""
    list_type = view.spec.config.list_type or ""
    return list_type if list_type in LIST_TYPES else "punishment"


def _counts(views: list[DatasetView], subjects: Subjects, owner: np.ndarray) -> dict[str, np.ndarray]:
    """Per counted kind, how many public records each subject has."""
    slots = np.array([_slot(v) for v in views] or [0], dtype=np.int64)[subjects.view]
    width = len(COUNTED_KINDS)
    table = np.bincount(owner * width + slots, minlength=len(subjects) * width).reshape(-1, width)
    return {kind: table[:, i].astype("int64") for i, kind in enumerate(COUNTED_KINDS)}


def _lists(views: list[DatasetView], subjects: Subjects, owner: np.ndarray) -> list[str]:
    """Per subject, the list types it is on now, space-separated in ``LIST_TYPES`` order ("" for none)."""
    bits = np.array(
        [LIST_BITS[_list_type(v)] if v.kind == "list" else 0 for v in views] or [0], dtype=np.int64
    )
    mask = np.zeros(len(subjects), dtype=np.int64)
    np.bitwise_or.at(mask, owner, bits[subjects.view])
    names = [" ".join(t for t, bit in LIST_BITS.items() if m & bit) for m in range(1 << len(LIST_BITS))]
    return [names[m] for m in mask.tolist()]


def _badges(view: DatasetView) -> pd.Series:
    """Per row of an evaluation view, its grade's badge as ``tone<TAB>label`` when the scale gives that grade a
    badge ("" otherwise, and for every row of other kinds)."""
    if view.kind != "evaluation":
        return pd.Series("", index=view.frame.index, dtype=object)
    shown = {
        code: f"{tone}\t{grade_label(code, title)}"
        for code, (title, _, badge, tone) in grade_scale(view).items()
        if badge
    }
    return view.column("grade").map(shown).fillna("").astype(object)


def _grades(views: list[DatasetView], subjects: Subjects, owner: np.ndarray) -> list[str]:
    """Per subject, the badges of its current grades (``_badges``), newline-separated in archive order."""
    found = [""] * len(subjects)
    for vi, view in enumerate(views):
        if view.kind != "evaluation":
            continue
        chosen = np.flatnonzero(subjects.view == vi)
        labels = _badges(view).to_numpy(dtype=object)[subjects.pos[chosen]]
        for who, label in zip(owner[chosen].tolist(), labels.tolist(), strict=True):
            if label:
                found[who] = f"{found[who]}\n{label}" if found[who] else label
    return found


def _reasons(view: DatasetView) -> pd.Series:
    """What a person's record says it is about: its 事由 (summary role); for a credit grade, the grade."""
    if view.kind != "evaluation":
        return view.column("summary")
    scale = {code: grade_label(code, title) for code, (title, *_) in grade_scale(view).items()}
    grades = view.column("grade")
    return grades.map(scale).fillna(grades.map(lambda code: grade_label(code, "")))


def _persons(view: DatasetView) -> pd.DataFrame:
    rows = view.frame[view.column("subject_type").eq(NATURAL_PERSON)]
    pick = rows.index
    return pd.DataFrame(
        {
            "name": view.column("subject_name").loc[pick].to_numpy(),
            "code": "",
            "kind": "person",
            "url": [urls.record_page(i) for i in rows[RECORD_ID]],
            "masked_id": view.column("id_number").loc[pick].to_numpy(),
            "records": 1,
            "lists": _list_type(view) if view.kind == "list" else "",
            "grades": _badges(view).loc[pick].to_numpy(),
            **{kind: int(i == _slot(view)) for i, kind in enumerate(COUNTED_KINDS)},
            "date": view.column("date").loc[pick].to_numpy(),
            "authority": view.column("department").loc[pick].to_numpy(),
            "reason": _reasons(view).loc[pick].to_numpy(),
        }
    )
