"""Every problem code the code can emit is documented, and every documented code is well-formed."""

from __future__ import annotations

import re
from pathlib import Path

from generator.paths import PACKAGE_DIR
from generator.problems import Level, problem_codes, problem_codes_markdown

CODE_CALL = re.compile(r"""problem\(\s*["']([a-z0-9-]+)["']""")


def used_codes() -> set[str]:
    found: set[str] = set()
    for path in PACKAGE_DIR.rglob("*.py"):
        found |= set(CODE_CALL.findall(path.read_text(encoding="utf-8")))
    return found


def test_every_emitted_problem_code_is_documented() -> None:
    assert used_codes() - set(problem_codes()) == set()


def test_documented_codes_have_level_and_both_languages() -> None:
    for code, doc in problem_codes().items():
        assert Level(doc["level"]), code
        assert doc.get("zh") and doc.get("en"), code


def test_problem_code_docs_are_up_to_date() -> None:
    docs = (Path(__file__).parents[1] / "docs" / "problem-codes.md").read_text(encoding="utf-8")
    assert docs == problem_codes_markdown(), "run: python -m generator.problems > docs/problem-codes.md"
