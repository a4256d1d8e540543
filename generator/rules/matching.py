"""Match repair and revocation decisions to records, and turn them into holds.

Stage: rules. Guarantees: a decision names a record by 记录编号 or by the dataset's primary-key values (its own
headers, or the generic 记录文号 + 机关统一社会信用代码), compared after trimming blanks; one naming no known
record, or dated after the as-of date, is reported as a warning and changes nothing; a matched decision
withholds every version of the record (the key, hence the public ID, is shared by all versions).

Fail-safe: an *invalid* decision row (impossible date such as 2026-02-30, missing decision number, …) that names
a known record withholds it too (reason ``decision-invalid``, an ERROR naming file, row, field and value) until
the row is fixed — a withdrawal that cannot be read must not leave the record public; one naming no known record
is a WARNING and withholds nothing.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from generator.identifiers import record_id
from generator.model import FILE, RECORD_ID, ROW, Table
from generator.problems import Problem, problem
from generator.rules.columns import isin
from generator.rules.decisions import DEFECT, DEPARTMENT_CODE, DOCUMENT, GENERIC
from generator.rules.withholding import Hold
from generator.schema import Schema, normalise_header

LABEL = {"repairs": "信用修复", "revocations": "撤销"}


def resolve(
    decisions: pd.DataFrame, kind: str, tables: dict[str, Table], as_of: date
) -> tuple[pd.DataFrame, list[Problem]]:
    """The effective decisions with the matched record ID (column ``_id``) and their warnings."""
    future = decisions["decided_on"] > as_of.isoformat()
    problems = [_problem("rules-decision-not-yet-effective", r, kind, f"日期 {r['decided_on']} 晚于基准日 {as_of.isoformat()}，暂不生效")
                for r in decisions[future].to_dict("records")]  # fmt: skip
    parts = [decisions.iloc[:0].assign(**{RECORD_ID: ""})]
    for dataset, rows in decisions[~future].groupby("dataset", sort=True):
        matched, found = _match(rows, str(dataset), tables.get(str(dataset)), kind)
        parts.append(matched)
        problems += found
    problems.sort(key=lambda p: (p.file, p.row or 0))
    return pd.concat(parts, ignore_index=True).sort_values([FILE, ROW], kind="stable"), problems


def _match(
    rows: pd.DataFrame, dataset: str, table: Table | None, kind: str
) -> tuple[pd.DataFrame, list[Problem]]:
    if table is None:
        found = [
            _problem("rules-decision-unmatched", r, kind, f"数据集 {dataset} 不存在")
            for r in rows.to_dict("records")
        ]
        return rows.iloc[:0].assign(**{RECORD_ID: ""}), found
    ids = _record_ids(rows, dataset, table.spec.schema)
    hit = isin(ids, table.frame[RECORD_ID]) & (ids != "").to_numpy(dtype=bool)
    missing = rows[~hit].assign(**{RECORD_ID: ids[~hit].to_numpy()}).to_dict("records")
    problems = [_unmatched(r, kind, r[RECORD_ID], table.spec.schema) for r in missing]
    return rows[hit].assign(**{RECORD_ID: ids[hit].to_numpy()}), problems


def _record_ids(rows: pd.DataFrame, dataset: str, schema: Schema) -> pd.Series:
    """Each decision's record ID: its 记录编号, else the ID of its primary-key values ('' when incomplete)."""
    columns = _key_columns(rows, schema)
    keys = [
        rows[columns[f]].str.strip() if f in columns else pd.Series("", index=rows.index)
        for f in schema.primary_key
    ]
    computed = [record_id(dataset, key) if all(key) else "" for key in zip(*keys, strict=True)]
    given = rows["record_id"].to_numpy(dtype=object)
    return pd.Series(
        np.where(given != "", given, np.array(computed, dtype=object)), index=rows.index, dtype="str"
    )


def _key_columns(rows: pd.DataFrame, schema: Schema) -> dict[str, str]:
    """Schema field → the decision column holding its value."""
    spellings = schema.header_map()
    found = {
        spellings[normalise_header(c)]: c
        for c in rows.columns
        if c not in GENERIC and normalise_header(c) in spellings
    }
    for generic, role in ((DOCUMENT, "document"), (DEPARTMENT_CODE, "department_code")):
        field = schema.role(role)
        if generic in rows.columns and field is not None:
            found.setdefault(field, generic)
    return found


def _unmatched(row: dict[str, str], kind: str, found: str, schema: Schema) -> Problem:
    if found:
        return _problem("rules-decision-unmatched", row, kind, f"数据集 {row['dataset']} 中没有该记录")
    titles = "、".join(schema.field(f).title for f in schema.primary_key)
    return _problem(
        "rules-decision-unmatched", row, kind, f"未给出数据集 {row['dataset']} 的记录键（{titles}）或记录编号"
    )


def _problem(code: str, row: dict[str, str], kind: str, text: str) -> Problem:
    message = f"{row[FILE]} 第 {row[ROW]} 行（{LABEL[kind]}）: {text}"
    where = {"file": row[FILE], "row": int(row[ROW]), "dataset": row["dataset"]}
    return problem(code, message, value=str(row.get("record_id") or row.get("decision_no") or ""), **where)


def decision_hold(frame: pd.DataFrame, decisions: pd.DataFrame, kind: str) -> Hold:
    """Rows of a dataset's current versions named by an effective decision (first decision per record)."""
    first = decisions.drop_duplicates(RECORD_ID).set_index(RECORD_ID)
    rows = np.flatnonzero(isin(frame[RECORD_ID], first.index))
    chosen = first.reindex(frame[RECORD_ID].iloc[rows]).reset_index(drop=True)
    if kind == "repairs":
        text = (
            "已信用修复（"
            + chosen["decision_no"]
            + "，"
            + chosen["decided_on"]
            + "，"
            + chosen["authority"]
            + "）"
        )
        return Hold("repaired", rows, text, "", chosen["decision_no"])
    text = "已撤销：" + chosen["reason"] + "（" + chosen["decided_on"] + "）"
    return Hold("revoked", rows, text, "", chosen["reason"])


def resolve_invalid(
    invalid: dict[str, pd.DataFrame], tables: dict[str, Table]
) -> tuple[pd.DataFrame, list[Problem]]:
    """The invalid decision rows that name a known record (with ``_id`` and ``kind``), and one problem per
    defect: ERROR when its row names a known record (which is then withheld), else WARNING."""
    columns = ("dataset", RECORD_ID, FILE, "kind", *DEFECT)
    parts = [pd.DataFrame({c: pd.Series(dtype="str") for c in columns} | {ROW: pd.Series(dtype="int64")})]
    problems: list[Problem] = []
    for kind in sorted(invalid):
        for dataset, rows in invalid[kind].groupby("dataset", sort=True):
            ids, hit = _named(rows, str(dataset), tables.get(str(dataset)))
            named = rows.assign(**{RECORD_ID: ids, "kind": kind})
            parts.append(named.loc[hit, [*columns, ROW]])
            problems += [
                _invalid(r, kind, bool(h)) for r, h in zip(named.to_dict("records"), hit, strict=True)
            ]
    problems.sort(key=lambda p: (p.file, p.row or 0))
    matched = pd.concat(parts, ignore_index=True).sort_values([FILE, ROW], kind="stable")
    return matched.reset_index(drop=True), problems


def _named(rows: pd.DataFrame, dataset: str, table: Table | None) -> tuple[np.ndarray, np.ndarray]:
    """Each decision row's record ID ('' when it names none) and whether the table holds that record."""
    if table is None:
        return np.full(len(rows), "", dtype=object), np.zeros(len(rows), dtype=bool)
    ids = _record_ids(rows, dataset, table.spec.schema)
    return ids.to_numpy(dtype=object), isin(ids, table.frame[RECORD_ID]) & (ids != "").to_numpy(dtype=bool)


def _invalid(row: dict[str, str], kind: str, named: bool) -> Problem:
    what = (
        f"[{row['_field']}]: {row['_text']}"
        + (f"：{row['_value']}" if row["_value"] else "")
        + "；该行未被采用"
    )
    if named:
        text = f"{what}，其所指记录（数据集 {row['dataset']}）在更正前暂停公示"
        code = "rules-decision-invalid"
    else:
        text, code = f"{what}，且未指向任何已知记录，没有记录因此撤下", "rules-decision-invalid-unmatched"
    message = f"{row[FILE]} 第 {row[ROW]} 行（{LABEL[kind]}）{text}"
    where = {"file": row[FILE], "row": int(row[ROW]), "dataset": row["dataset"]}
    return problem(code, message, field=row["_field"], value=row["_value"], **where)


def invalid_hold(frame: pd.DataFrame, matched: pd.DataFrame) -> Hold:
    """Rows of a dataset named by an invalid decision (``resolve_invalid``): withheld until it is fixed."""
    first = matched.drop_duplicates(RECORD_ID).set_index(RECORD_ID)
    rows = np.flatnonzero(isin(frame[RECORD_ID], first.index))
    chosen = first.reindex(frame[RECORD_ID].iloc[rows]).reset_index(drop=True)
    label = chosen["kind"].map(LABEL).astype("str")
    text = (
        label + "决定有误（" + chosen[FILE] + " 第 " + chosen[ROW].astype("str") + " 行 [" + chosen["_field"]
        + "]：" + chosen["_text"] + "），更正前暂停公示"
    )  # fmt: skip
    return Hold("decision-invalid", rows, text, "", chosen["_value"])
