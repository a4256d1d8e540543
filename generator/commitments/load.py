"""Load the catalog's commitment-letter templates (``catalog/commitments/<id>.md``).

Stage: load. Guarantees: returns only valid templates, sorted by id; every unusable template yields CONFIG
problems naming the file, the line and the key or placeholder (missing or unknown front-matter keys, bad values,
unknown placeholders, clause numbering, a ``superseded_by`` naming no template) — never an exception. Template ids
(file names) are safe file names on every system: lower-case letters, digits, hyphens, no Windows device name.
A catalog without a ``commitments/`` folder simply has no column.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from generator import paths
from generator.commitments.body import parse_body
from generator.commitments.model import TEMPLATE_ID, Commitment, CommitmentMeta
from generator.config import device_name_text, is_device_name
from generator.problems import Problem, problem

FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?\n)?---[ \t]*(?:\n|\Z)", re.DOTALL)
PYDANTIC_ZH = {
    "string_type": "应为文本（数字、日期请加引号）",
    "date_type": "应为日期 YYYY-MM-DD",
    "date_from_datetime_parsing": "应为日期 YYYY-MM-DD",
    "date_parsing": "应为日期 YYYY-MM-DD",
    "literal_error": "取值不在允许范围内",
    "string_too_short": "不能为空",
    "string_too_long": "过长",
    "string_pattern_mismatch": "格式不正确",
    "tuple_type": "应为列表",
    "model_type": "应为键值映射",
}


def load_commitments(catalog_root: Path) -> tuple[list[Commitment], list[Problem]]:
    """Every valid template of ``catalog_root/commitments``, and the problems of the others."""
    folder = catalog_root / paths.COMMITMENTS_DIR
    if not folder.is_dir():
        return [], []
    commitments: list[Commitment] = []
    problems: list[Problem] = []
    for path in sorted(folder.glob("*.md")):
        commitment, found = _load_one(path)
        problems += found
        commitments += [commitment] if commitment else []
    problems += _superseded_problems(commitments) + _repair_problems(commitments)
    return commitments, problems


def _load_one(path: Path) -> tuple[Commitment | None, list[Problem]]:
    shown = f"{paths.COMMITMENTS_DIR}/{path.name}"
    problems = _id_problems(path.stem, shown)
    if problems:
        return None, problems
    text, problems = _read(path, shown)
    if text is None:
        return None, problems
    match = FRONT_MATTER.match(text)
    if match is None:
        msg = f"{shown}: 缺少以 --- 行开始和结束的前置信息（YAML front matter）"
        return None, [problem("commitment-no-front-matter", msg, file=shown, row=1)]
    meta, problems = _meta(match.group(1) or "", shown)
    if meta is None:
        return None, problems
    first_line = text[: match.end()].count("\n") + 1
    blocks, problems = parse_body(text[match.end() :], meta.matter, shown, first_line)
    return (None if problems else Commitment(path.stem, shown, meta, blocks)), problems


def _id_problems(stem: str, shown: str) -> list[Problem]:
    """The file name is the template id: a safe file name on every system, or a CONFIG problem."""
    if is_device_name(stem):
        msg = f"{shown}: " + device_name_text(stem, "文件名", "food-licence")
        return [problem("commitment-reserved-id", msg, file=shown, value=stem)]
    if not TEMPLATE_ID.fullmatch(stem):  # fullmatch: "$" alone would let a final line break through
        msg = f"{shown}: 文件名只能由小写字母、数字和连字符组成（它就是模板编号）"
        return [problem("commitment-bad-id", msg, file=shown, value=stem)]
    return []


def _read(path: Path, shown: str) -> tuple[str | None, list[Problem]]:
    try:
        return path.read_text(encoding="utf-8-sig").replace("\r\n", "\n").replace("\r", "\n"), []
    except (OSError, UnicodeDecodeError) as exc:
        msg = f"{shown}: 无法读取（应为 UTF-8 编码的文本）: {exc}"
        return None, [problem("commitment-unreadable", msg, file=shown)]


def _meta(front: str, shown: str) -> tuple[CommitmentMeta | None, list[Problem]]:
    try:
        data = yaml.safe_load(front)
    except yaml.YAMLError as exc:
        return None, [
            problem("commitment-unreadable", f"{shown}: 前置信息不是合法的 YAML: {exc}", file=shown)
        ]
    if not isinstance(data, dict):
        msg = f"{shown}: 前置信息应为键值映射（title: …、matter: … 等）"
        return None, [problem("commitment-invalid-value", msg, file=shown, row=2)]
    try:
        return CommitmentMeta.model_validate(data), []
    except ValidationError as exc:
        return None, [_meta_problem(err, front, shown) for err in exc.errors()]


def _meta_problem(err: Any, front: str, shown: str) -> Problem:
    key = ".".join(str(part) for part in err["loc"])
    row = _key_line(front, str(err["loc"][0]) if err["loc"] else "")
    value = "" if err["type"] == "missing" else str(err.get("input", ""))[:200]
    if err["type"] == "extra_forbidden":
        allowed = "、".join(CommitmentMeta.model_fields)
        text, code = f"未定义的键（允许的键：{allowed}）", "commitment-unknown-key"
    elif err["type"] == "missing":
        text, code = f"缺少必填键（{_description(key)}）", "commitment-missing-key"
    else:
        text, code = PYDANTIC_ZH.get(err["type"], err["msg"]), "commitment-invalid-value"
    where = f"{shown} 第 {row} 行" if row else shown
    return problem(code, f"{where}: {key or '前置信息'}: {text}", file=shown, row=row, field=key, value=value)


def _key_line(front: str, key: str) -> int | None:
    """Line number (in the file) of a top-level front-matter key, if it is there."""
    for number, line in enumerate(front.split("\n"), start=2):
        if key and re.match(rf"{re.escape(key)}\s*:", line):
            return number
    return None


def _description(key: str) -> str:
    field = CommitmentMeta.model_fields.get(key.split(".")[0])
    return (field.description or key) if field else key


def _superseded_problems(commitments: list[Commitment]) -> list[Problem]:
    ids = {c.id: c for c in commitments}
    problems: list[Problem] = []
    for c in commitments:
        target = c.meta.superseded_by
        if target is None:
            continue
        if target not in ids or _leads_back(c.id, ids):
            why = (
                "不存在（或无法载入）的模板"
                if target not in ids
                else "形成循环的模板（替代链必须终止于现行版本）"
            )
            msg = f"{c.file}: superseded_by 指向{why}: {target}"
            problems.append(
                problem("commitment-bad-superseded", msg, file=c.file, field="superseded_by", value=target)
            )
    return problems


def _leads_back(start: str, ids: dict[str, Commitment]) -> bool:
    seen, current = {start}, ids[start].meta.superseded_by
    while current is not None and current in ids:
        if current in seen:
            return True
        seen.add(current)
        current = ids[current].meta.superseded_by
    return False


def _repair_problems(commitments: list[Commitment]) -> list[Problem]:
    current = [c for c in commitments if c.meta.category == "repair" and not c.superseded]
    if not commitments or current:
        return []
    msg = "commitments/: 没有现行的信用修复承诺书（category: repair），信用修复指南无法链接到它"
    return [problem("commitment-no-repair-template", msg, file=paths.COMMITMENTS_DIR, field="category")]
