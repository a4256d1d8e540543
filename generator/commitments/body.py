"""Parse a commitment template's body (the Markdown subset described in ``model``) into blocks.

Stage: load. Guarantees: every ``{{占位符}}`` is one of ``PLACEHOLDERS`` (``{{承诺事项}}`` is replaced by the
front matter's ``matter``); clauses are numbered （一）（二）… in order; every problem names the file and line.
The body is a deliberately small subset rather than general Markdown so that the web page and the .docx
render the same paragraphs; a general Markdown parser would admit constructs the Word file cannot show.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from generator.commitments.model import MATTER, PLACEHOLDER, PLACEHOLDERS, Block, BlockKind
from generator.problems import Problem, problem

CLAUSE = re.compile(r"^（([一二三四五六七八九十]{1,3})）")
ADDRESSEE = re.compile(r"^[^，。；{}：:]{2,40}[：:]$")
FIELD = re.compile(r"^([^{}：:]{1,40})[：:]\s*\{\{\s*([^{}]*?)\s*\}\}$")
NUMERALS = ("一", "二", "三", "四", "五", "六", "七", "八", "九", "十")
ORDER = [*NUMERALS, *(f"十{n}" for n in NUMERALS[:9]), "二十"]


def parse_body(
    body: str, matter: str, shown: str, first_line: int
) -> tuple[tuple[Block, ...], list[Problem]]:
    """Blocks of the letter, or problems naming ``shown`` and the line (``first_line`` = the body's first line)."""
    paragraphs = _paragraphs(body, first_line)
    problems = [p for line, text in paragraphs for p in _placeholder_problems(text, shown, line)]
    blocks = [_block(text, matter) for _, text in paragraphs]
    problems += _clause_problems(blocks, [line for line, _ in paragraphs], shown)
    return tuple(blocks), problems


def _fill_matter(matter: str) -> Callable[[re.Match[str]], str]:
    """``{{承诺事项}}`` becomes the front matter's ``matter``; other placeholders stay."""

    def fill(match: re.Match[str]) -> str:
        return matter if match.group(1) == MATTER else match.group(0)

    return fill


def _paragraphs(body: str, first_line: int) -> list[tuple[int, str]]:
    """(line number, text) of each paragraph; headings are paragraphs of their own."""
    found: list[tuple[int, str]] = []
    lines: list[str] = []
    start = first_line
    for number, raw in enumerate(body.split("\n"), start=first_line):
        line = raw.strip()
        if not line or line.startswith("## "):
            found += [(start, _join(lines))] if lines else []
            lines, start = [], number + 1
            found += [(number, line)] if line else []
            continue
        lines.append(line)
    return found + ([(start, _join(lines))] if lines else [])


def _join(lines: list[str]) -> str:
    """Join a paragraph's lines: no space between CJK text, one space between Latin words."""
    text = lines[0]
    for line in lines[1:]:
        gap = " " if text[-1].isascii() and line[0].isascii() else ""
        text += gap + line
    return text


def _block(text: str, matter: str) -> Block:
    if text.startswith("## "):
        return Block("heading", text[3:].strip())
    if CLAUSE.match(text):
        return Block("clause", PLACEHOLDER.sub(_fill_matter(matter), text))
    if field := FIELD.match(text):
        label, name = field.group(1).strip() + "：", field.group(2)
        return Block("field", label, name, value=matter if name == MATTER else "")
    kind: BlockKind = "addressee" if ADDRESSEE.match(text) else "para"
    return Block(kind, PLACEHOLDER.sub(_fill_matter(matter), text))


def _placeholder_problems(text: str, shown: str, line: int) -> list[Problem]:
    problems = [
        problem(
            "commitment-unknown-placeholder",
            f"{shown} 第 {line} 行: 未定义的占位符 {{{{{name}}}}}（可用：{'、'.join(PLACEHOLDERS)}）",
            file=shown, row=line, field="body", value=name,
        )
        for name in PLACEHOLDER.findall(text)
        if name not in PLACEHOLDERS
    ]  # fmt: skip
    rest = PLACEHOLDER.sub("", text)
    if "{{" in rest or "}}" in rest:
        problems.append(
            problem(
                "commitment-unknown-placeholder",
                f"{shown} 第 {line} 行: 占位符的花括号不成对（应写作 {{{{单位名称/姓名}}}} 这样的形式）",
                file=shown, row=line, field="body", value=text[:80],
            )
        )  # fmt: skip
    return problems


def _clause_problems(blocks: list[Block], lines: list[int], shown: str) -> list[Problem]:
    numbers = [
        (line, m.group(1)) for b, line in zip(blocks, lines, strict=True) if (m := CLAUSE.match(b.text))
    ]
    if not numbers:
        return [
            problem(
                "commitment-bad-clauses",
                f"{shown}: 正文没有（一）（二）…编号的承诺条款",
                file=shown,
                field="body",
            )
        ]
    for (line, number), expected in zip(numbers, ORDER, strict=False):
        if number != expected:
            return [
                problem(
                    "commitment-bad-clauses",
                    f"{shown} 第 {line} 行: 条款编号应为（{expected}），实为（{number}）",
                    file=shown, row=line, field="body", value=f"（{number}）",
                )
            ]  # fmt: skip
    return []
