"""Cross-dataset validation: a fulfilment row must name a commitment item of the catalog.

Stage: validate (after every batch file is validated — or taken from the batch cache — and the outcomes are
joined; it reads several datasets, so it is not a per-file check and runs on every build). Guarantees: a row of
a fulfilment dataset whose ``commitment_item`` is not the 事项编码 (primary key) of any valid row of any
commitment-items dataset of the catalog moves from the valid table into the ledger as rejected — exactly once,
with an ERROR problem naming file, row, field and value — and into the rejected rows by department (合规率);
every other row is untouched.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from generator.model import FILE, LEDGER_COLUMNS, RECORD_ID, REJECTED, ROW, Catalog, StageResult, Table
from generator.problems import Problem, problem

if TYPE_CHECKING:
    from generator.rules.ruleset import RuleData

CODE = "validate-unknown-commitment-item"


RULE_SECTIONS = {"evaluation": "evaluations", "registration": "registrations", "fulfilment": "fulfilment"}


def credit_config(catalog: Catalog | None, rules: RuleData | None) -> list[Problem]:
    """CONFIG problems of the catalog as a whole: a fulfilment dataset without any commitment-items dataset, and
    an evaluation, registration or fulfilment dataset while rules/publication.yaml lacks its section."""
    if catalog is None:
        return []
    kinds = {spec.config.kind: spec.id for spec in reversed(catalog.datasets)}
    found: list[Problem] = []
    if "fulfilment" in kinds and "commitment-items" not in kinds:
        shown = f"datasets/{kinds['fulfilment']}/dataset.yaml"
        text = (
            f"{shown}: 信用承诺履约（fulfilment）数据集的承诺事项编码须引用告知承诺事项清单，但目录中没有 "
            "commitment-items 数据集；请添加告知承诺事项清单数据集"
        )
        found.append(
            problem("config-missing-commitment-items", text, file=shown, field="kind", value="fulfilment")
        )
    if rules is None:
        return found
    shown = "rules/publication.yaml"
    for kind, key in RULE_SECTIONS.items():
        if kind in kinds and getattr(rules.publication, key) is None:
            text = f"{shown}: 目录中有 {kind} 类数据集（datasets/{kinds[kind]}），但公示规则缺少 {key} 一节，请补充"
            found.append(problem("config-missing-key", text, file=shown, field=key))
    return found


def commitment_items(valid: StageResult) -> set[str]:
    """Every 事项编码 of the catalog's commitment-items datasets (their primary key)."""
    codes: set[str] = set()
    for table in valid.tables.values():
        if table.spec.config.kind == "commitment-items" and table.spec.schema.primary_key:
            key = table.spec.schema.primary_key[0]
            if key in table.frame.columns:
                codes.update(table.frame[key].astype("str").tolist())
    return codes


def check_commitment_items(valid: StageResult, departments: StageResult) -> StageResult:
    """Reject fulfilment rows naming an unknown item, in place of ``valid`` (tables, ledger, problems); their
    department rows are added to ``departments``. Returns ``valid``."""
    known = commitment_items(valid)
    for name, table in list(valid.tables.items()):
        field = table.spec.schema.role("commitment_item")
        if table.spec.config.kind != "fulfilment" or field is None or field not in table.frame.columns:
            continue
        bad = ~table.frame[field].isin(known).to_numpy()
        if not bad.any():
            continue
        rejected = table.frame[bad]
        problems = [_problem(name, row, field, table) for row in rejected.to_dict("records")]
        valid.tables[name] = Table(table.spec, table.frame[~bad].reset_index(drop=True))
        valid.ledger = pd.concat([valid.ledger, _ledger(name, rejected, field, problems)], ignore_index=True)
        valid.problems += problems
        _departments(departments, table, rejected)
    return valid


def _problem(dataset: str, row: dict[str, object], field: str, table: Table) -> Problem:
    value, title = str(row[field]), table.spec.schema.field(field).title
    text = (
        f"{row[FILE]} 第 {row[ROW]} 行 {title}（{field}）：承诺事项编码 {value} 不在告知承诺事项清单中，"
        "请核对事项编码（见 commitment-items 数据集）"
    )
    where = {"file": str(row[FILE]), "row": int(str(row[ROW])), "field": field, "value": value}
    return problem(CODE, text, dataset=dataset, **where)


def _ledger(dataset: str, rejected: pd.DataFrame, field: str, problems: list[Problem]) -> pd.DataFrame:
    data = {
        "dataset": [dataset] * len(rejected),
        FILE: rejected[FILE].astype("str").to_numpy(),
        ROW: rejected[ROW].astype("int64").to_numpy(),
        RECORD_ID: rejected[RECORD_ID].astype("str").to_numpy(),
        "fate": [REJECTED] * len(rejected),
        "reason": [CODE] * len(rejected),
        "field": [field] * len(rejected),
        "value": rejected[field].astype("str").to_numpy(),
        "message": [p.message for p in problems],
    }
    return pd.DataFrame({c: pd.Series(data[c], dtype="int64" if c == ROW else "str") for c in LEDGER_COLUMNS})


def _departments(departments: StageResult, table: Table, rejected: pd.DataFrame) -> None:
    """The rejected rows' FILE, ROW and department, added to the dataset's rejected-by-department table."""
    column = table.spec.schema.role("department")
    columns = [FILE, ROW] + ([column] if column and column in rejected.columns else [])
    rows = rejected[columns].reset_index(drop=True)
    have = departments.tables.get(table.spec.id)
    frame = rows if have is None or have.frame.empty else pd.concat([have.frame, rows], ignore_index=True)
    departments.tables[table.spec.id] = Table(table.spec, frame)
