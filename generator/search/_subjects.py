"""Check and order the subjects handed to the search stage.

Stage: search (internal). Guarantees: a natural person keeps only a name and a *masked* ID (an ID without a mask is
masked here and reported; a code is dropped and reported; an ID number inside the 事由 or 机关 text is masked and
reported); a link is always site-relative (otherwise the subject is left out and reported); the optional facts
(list types, grade badges, counts by kind, date, authority, 事由) default to empty, unknown list types are
ignored and a 事由 is cut to ``REASON_MAX`` characters; subjects with a 统一社会信用代码 come first, sorted by
code, so that the document chunks double as the sorted code index; people of the same name sit together, by
masked ID, newest record first; the order depends only on the data.
"""

from __future__ import annotations

import re

import pandas as pd

from generator.identifiers import mask_id
from generator.problems import Problem, problem
from generator.search._text import USCC_CHARS, normalize

COLUMNS = ("name", "code", "kind", "url", "masked_id", "records")
KINDS = {"org": "o", "individual-business": "i", "person": "p"}
# Public records are counted by dataset kind, in this order; a kind not named here counts as OTHER_KIND.
COUNTED_KINDS = ("penalty", "licensing", "other-act", "list", "fulfilment", "registration", "evaluation")
OTHER_KIND = "other-act"
LIST_LETTERS = {"punishment": "p", "watch": "w", "incentive": "i"}  # the keys of LIST_TYPES, one letter each
FACTS = ("lists", "grades", "date", "authority", "reason")  # optional text columns
REASON_MAX = 60  # characters of a 事由 shown in a result
ID_IN_TEXT = re.compile(r"(?<![0-9A-Za-z])[0-9]{17}[0-9Xx](?![0-9A-Za-z])")
SAFE_URL = re.compile(r"^(?![/\\])(?!.*(?:^|/)\.\.(?:/|$))[A-Za-z0-9._~/%-]+(?:#[A-Za-z0-9._~-]+)?$")


def clean_subjects(subjects: pd.DataFrame) -> tuple[pd.DataFrame, list[Problem]]:
    """Subjects fit to index, in index order (``norm`` column added), and the problems found on the way."""
    missing = [c for c in COLUMNS if c not in subjects.columns]
    if missing:
        return _empty(), [problem("search-missing-column", f"搜索主体表缺少列：{'、'.join(missing)}")]
    frame = _as_text(subjects)
    problems: list[Problem] = []
    for step in (_known_kind, _named, _safe_url, _person_privacy, _ids_in_text, _well_formed_code):
        frame, found = step(frame)
        problems += found
    return _ordered(frame), problems


def _empty() -> pd.DataFrame:
    frame = pd.DataFrame({c: pd.Series(dtype="str") for c in (*COLUMNS, *FACTS, "norm")})
    return frame.assign(**{c: pd.Series(dtype="int64") for c in ("records", *COUNTED_KINDS)})


def _as_text(subjects: pd.DataFrame) -> pd.DataFrame:
    absent = {c: "" for c in FACTS} | dict.fromkeys(COUNTED_KINDS, 0)
    frame = subjects.loc[:, list(COLUMNS)].assign(**{c: subjects.get(c, v) for c, v in absent.items()})
    for column in ("name", "code", "kind", "url", "masked_id", *FACTS):
        frame[column] = frame[column].fillna("").astype(str).str.strip()
    for column in ("records", *COUNTED_KINDS):
        frame[column] = pd.to_numeric(frame[column], errors="coerce").fillna(0).astype("int64")
    frame["code"] = frame["code"].str.upper()
    frame["lists"] = _list_letters(frame["lists"])
    frame["reason"] = _cut(frame["reason"])
    return frame.reset_index(drop=True)


def _list_letters(lists: pd.Series) -> pd.Series:
    """Space-separated list types as their letters, in ``LIST_LETTERS`` order (unknown words are ignored)."""
    table = {
        v: "".join(c for t, c in LIST_LETTERS.items() if t in v.split()) for v in lists.unique().tolist()
    }
    return lists.map(table)


def _cut(reason: pd.Series) -> pd.Series:
    long = reason.str.len() > REASON_MAX
    return reason.where(~long, reason.str.slice(0, REASON_MAX - 1) + "…")


def _report(frame: pd.DataFrame, bad: pd.Series, code: str, what: str, field: str) -> list[Problem]:
    shown = frame.loc[bad, ["name", field]].itertuples(index=False)
    return [problem(code, f"搜索主体“{n}”：{what}（{field} = {v}）", field=field, value=v) for n, v in shown]


def _known_kind(frame: pd.DataFrame) -> tuple[pd.DataFrame, list[Problem]]:
    bad = ~frame["kind"].isin(list(KINDS))
    found = _report(frame, bad, "search-bad-kind", "主体类别未知，未编入搜索", "kind")
    return frame[~bad], found


def _named(frame: pd.DataFrame) -> tuple[pd.DataFrame, list[Problem]]:
    frame = frame.assign(norm=[normalize(name) for name in frame["name"].tolist()])
    bad = frame["norm"] == ""
    found = _report(frame, bad, "search-empty-name", "名称没有可检索的文字，未编入搜索", "name")
    return frame[~bad], found


def _safe_url(frame: pd.DataFrame) -> tuple[pd.DataFrame, list[Problem]]:
    bad = ~pd.Series([bool(SAFE_URL.match(u)) for u in frame["url"].tolist()], index=frame.index, dtype=bool)
    found = _report(frame, bad, "search-bad-url", "链接不是站内相对地址，未编入搜索", "url")
    return frame[~bad], found


def _person_privacy(frame: pd.DataFrame) -> tuple[pd.DataFrame, list[Problem]]:
    person = frame["kind"] == "person"
    coded = person & (frame["code"] != "")
    clear = person & (frame["masked_id"] != "") & ~frame["masked_id"].str.contains("*", regex=False)
    frame = frame.assign(masked_id=frame["masked_id"].where(person, ""))
    masked = frame.loc[clear, "masked_id"].map(mask_id)
    found = _report(
        frame.assign(code="（已略去）"),
        coded,
        "search-person-code",
        "自然人不应带有代码，代码未编入搜索",
        "code",
    )
    found += _report(
        frame.assign(masked_id=masked),
        clear,
        "search-unmasked-id",
        "证件号码未遮蔽，已遮蔽后编入搜索",
        "masked_id",
    )
    frame.loc[coded, "code"] = ""
    frame.loc[clear, "masked_id"] = masked
    return frame, found


def _ids_in_text(frame: pd.DataFrame) -> tuple[pd.DataFrame, list[Problem]]:
    """Mask an ID number written into the 事由 or 机关 text (the pages show that text too; the index never
    adds a clear ID)."""
    found: list[Problem] = []
    for field in ("reason", "authority"):
        bad = frame[field].str.contains(ID_IN_TEXT)
        if bad.any():
            masked = frame.loc[bad, field].str.replace(ID_IN_TEXT, lambda m: mask_id(m.group(0)), regex=True)
            frame = frame.assign(**{field: frame[field].where(~bad, masked)})
            found += _report(
                frame, bad, "search-unmasked-id", "文字中有未遮蔽的证件号码，已遮蔽后编入搜索", field
            )
    return frame, found


def _well_formed_code(frame: pd.DataFrame) -> tuple[pd.DataFrame, list[Problem]]:
    code = frame["code"]
    shaped = (code.str.len() == 18) & pd.Series(
        [set(c) <= USCC_CHARS for c in code.tolist()], index=frame.index, dtype=bool
    )
    bad = (code != "") & ~shaped
    found = _report(frame, bad, "search-bad-code", "统一社会信用代码格式不对，仅按名称编入", "code")
    frame.loc[bad, "code"] = ""
    return frame, found


def _ordered(frame: pd.DataFrame) -> pd.DataFrame:
    """Coded subjects by code, then the rest by name and masked ID, newest first; ties broken by kind, link and
    count (a link names one subject or record, so the order is total)."""
    frame = frame.assign(uncoded=frame["code"] == "")
    keys = ["uncoded", "code", "norm", "name", "masked_id", "date", "kind", "url", "records"]
    ascending = [k != "date" for k in keys]
    frame = frame.sort_values(keys, ascending=ascending, kind="stable").drop(columns="uncoded")
    return frame.reset_index(drop=True)
