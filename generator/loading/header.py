"""A batch file's header row: its cells cleaned and mapped to the dataset's canonical fields.

Stage: load. Guarantees: header cells lose control and invisible characters (a warning each, as cells do);
each header cell maps to at most one canonical field through the schema's accepted spellings (codes in
either case, Chinese titles, aliases); an unknown header is a warning saying how many filled cells its column
loses; a missing column of a required (or conditionally required) field is a warning; two columns for one
field reject the whole file (``map_headers`` returns that problem); header content beyond the readable columns
is a warning.
"""

from __future__ import annotations

import pyarrow.compute as pc

from generator.loading.grid import Sheet
from generator.loading.hygiene import clean_text
from generator.loading.xlsxfile import MAX_COLUMNS
from generator.problems import Problem, problem
from generator.schema import Schema, normalise_header

HIDDEN_WORDS = {
    "control": "控制字符（NUL、退格、换页等看不见的控制码）",
    "invisible": "不可见的方向控制符或零宽字符（可用来伪装名称和代码的显示）",
}


def clean_header(sheet: Sheet, shown: str) -> list[Problem]:
    """Header cells lose control and invisible characters too (a warning each)."""
    problems: list[Problem] = []
    for index, label in enumerate(sheet.header):
        cleaned, kinds = clean_text(label)
        if kinds:
            sheet.header[index] = cleaned
            words = "和".join(HIDDEN_WORDS[k] for k in kinds)
            message = f"{shown} 第 {index + 1} 列的表头「{cleaned}」含{words}，已删除这些字符"
            problems.append(problem(f"load-{kinds[0]}-character", message, file=shown, row=1, field=cleaned))
    return problems


def overflow(sheet: Sheet, shown: str) -> list[Problem]:
    if sheet.overflow is None:
        return []
    message = (
        f"{shown} 第 1 行在第 {MAX_COLUMNS} 列之后还有 {sheet.overflow.cells} 个非空单元格（从 {sheet.overflow.first}"
        " 列起），超出可读范围，这些列已忽略"
    )
    return [problem("load-too-many-columns", message, file=shown, row=1)]


def map_headers(
    schema: Schema, sheet: Sheet, shown: str
) -> tuple[dict[str, int], list[Problem], Problem | None]:
    """Header cell → canonical field; unknown headers warn, two columns for one field reject the file."""
    accepted = schema.header_map()
    mapping: dict[str, int] = {}
    problems: list[Problem] = []
    for index, label in enumerate(sheet.header):
        key = normalise_header(label)
        name = accepted.get(key) or accepted.get(key.upper())
        if name is None:
            problems += _unknown_header(schema, sheet, index, label, shown)
        elif name in mapping:
            return mapping, problems, _clash(schema, sheet, name, mapping[name], index, shown)
        else:
            mapping[name] = index
    return mapping, problems + _missing_columns(schema, sheet, mapping, shown), None


def _unknown_header(schema: Schema, sheet: Sheet, index: int, label: str, shown: str) -> list[Problem]:
    column = sheet.columns[index]
    filled = len(column) - pc.sum(pc.equal(column, "")).as_py() if len(column) else 0
    if not label and not filled:
        return []
    what = f"表头「{label}」不是「{schema.title}」的字段" if label else "没有表头"
    message = (
        f"{shown} 第 {index + 1} 列{what}，该列已忽略（其中 {filled} 个非空单元格未读入）；"
        "如果它是某个字段的别称，请改用标准字段名"
    )
    return [problem("load-unknown-header", message, file=shown, row=1, field=label, value=label)]


def _clash(schema: Schema, sheet: Sheet, name: str, first: int, second: int, shown: str) -> Problem:
    title = schema.field(name).title
    message = (
        f"{shown} 的第 {first + 1} 列「{sheet.header[first]}」和第 {second + 1} 列「{sheet.header[second]}」"
        f"都对应字段「{title}」（{name}），无法判断以哪一列为准；本文件 {len(sheet.rows)} 行全部未读入，"
        "请删除其中一列后重新提交"
    )
    return problem(
        "load-duplicate-header", message, file=shown, row=1, field=name, value=sheet.header[second]
    )


def _missing_columns(schema: Schema, sheet: Sheet, mapping: dict[str, int], shown: str) -> list[Problem]:
    if not sheet.header:
        return []
    needed = [f for f in schema.fields if (f.required or f.required_when) and f.name not in mapping]
    return [
        problem(
            "load-missing-column",
            f"{shown} 缺少字段「{f.title}」（{f.name}）所在的列；需要填写该字段的各行将因此被拒收",
            file=shown,
            row=1,
            field=f.name,
        )
        for f in needed
    ]
