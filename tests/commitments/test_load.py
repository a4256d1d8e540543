"""Loading commitment templates: good ones load; every bad one is a CONFIG problem naming file, line and key."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.commitments import load_commitments
from generator.problems import Level, Problem
from tests.commitments.conftest import GOOD_BODY, GOOD_FRONT, WriteTemplate


def only(problems: list[Problem]) -> Problem:
    """The one CONFIG problem (the no-repair-letter warning of a one-template catalog is not counted)."""
    config = [p for p in problems if p.level is Level.CONFIG]
    assert len(config) == 1, [p.message for p in problems]
    return config[0]


def config_problems(problems: list[Problem]) -> list[Problem]:
    return [p for p in problems if p.level is Level.CONFIG]


def test_a_good_template_loads_with_its_blocks_in_order(write_template: WriteTemplate) -> None:
    commitments, problems = load_commitments(write_template("test-licence"))
    assert config_problems(problems) == []
    [c] = commitments
    assert (c.id, c.file, c.meta.version) == ("test-licence", "commitments/test-licence.md", "2024版")
    kinds = [b.kind for b in c.blocks]
    assert kinds == ["field"] * 5 + ["addressee", "para", "clause", "clause", "clause"]
    assert c.blocks[0].placeholder == "单位名称/姓名"


def test_matter_placeholder_is_filled_from_front_matter_not_left_blank(write_template: WriteTemplate) -> None:
    [c], _ = load_commitments(write_template("test-licence"))
    matter_field = c.blocks[4]
    assert (matter_field.text, matter_field.value) == ("承诺事项：", "申请测试许可")
    assert c.blocks[6].text == "本申请人现就申请测试许可作出如下承诺："


def test_a_catalog_without_commitments_folder_has_no_templates_and_no_problems(tmp_path: Path) -> None:
    assert load_commitments(tmp_path) == ([], [])


def test_missing_front_matter_key_names_file_and_key(write_template: WriteTemplate) -> None:
    front = GOOD_FRONT.replace("department: 临江市测试局\n", "")
    commitments, problems = load_commitments(write_template("no-dept", front=front))
    p = only(problems)
    assert commitments == []
    assert (p.code, p.level, p.file, p.field) == (
        "commitment-missing-key", Level.CONFIG, "commitments/no-dept.md", "department",
    )  # fmt: skip
    assert "commitments/no-dept.md" in p.message and "department" in p.message


def test_unknown_front_matter_key_names_file_line_and_key(write_template: WriteTemplate) -> None:
    front = GOOD_FRONT + "effective_from: 2024-05-01\n"
    _, problems = load_commitments(write_template("typo", front=front))
    p = only(problems)
    assert (p.code, p.level, p.file, p.field, p.row) == (
        "commitment-unknown-key", Level.CONFIG, "commitments/typo.md", "effective_from", 11,
    )  # fmt: skip
    assert "未定义的键" in p.message


def test_unknown_placeholder_names_file_line_and_placeholder(write_template: WriteTemplate) -> None:
    body = GOOD_BODY.replace("{{联系方式}}", "{{电话号码}}")
    _, problems = load_commitments(write_template("bad-ph", body=body))
    p = only(problems)
    assert (p.code, p.level, p.file, p.value, p.row) == (
        "commitment-unknown-placeholder", Level.CONFIG, "commitments/bad-ph.md", "电话号码", 19,
    )  # fmt: skip
    assert "{{电话号码}}" in p.message


def test_unbalanced_braces_are_an_unknown_placeholder(write_template: WriteTemplate) -> None:
    body = GOOD_BODY.replace("{{联系方式}}", "{{联系方式")
    _, problems = load_commitments(write_template("braces", body=body))
    assert only(problems).code == "commitment-unknown-placeholder"


def test_superseded_by_naming_no_template_is_a_config_problem(write_template: WriteTemplate) -> None:
    front = GOOD_FRONT + "superseded_by: test-licence-2099\n"
    _, problems = load_commitments(write_template("old", front=front))
    p = only(problems)
    assert (p.code, p.level, p.file, p.field, p.value) == (
        "commitment-bad-superseded", Level.CONFIG, "commitments/old.md", "superseded_by", "test-licence-2099",
    )  # fmt: skip


def test_a_supersession_loop_is_a_config_problem(write_template: WriteTemplate) -> None:
    write_template("a", front=GOOD_FRONT + "superseded_by: b\n")
    _, problems = load_commitments(write_template("b", front=GOOD_FRONT + "superseded_by: a\n"))
    assert {(p.code, p.file) for p in problems if p.level is Level.CONFIG} == {
        ("commitment-bad-superseded", "commitments/a.md"),
        ("commitment-bad-superseded", "commitments/b.md"),
    }


def test_file_name_must_be_a_safe_id(write_template: WriteTemplate) -> None:
    _, problems = load_commitments(write_template("Food_Licence"))
    p = only(problems)
    assert (p.code, p.value) == ("commitment-bad-id", "Food_Licence")


@pytest.mark.parametrize(
    "name", ["con", "aux", "nul", "prn", "com1", "com9", "lpt1", "lpt9", "NUL", "Aux", "con.txt", "lpt1.bak"]
)
def test_a_windows_device_name_is_not_a_template_id(write_template: WriteTemplate, name: str) -> None:
    commitments, problems = load_commitments(write_template(name))
    p = only(problems)
    assert commitments == []
    assert (p.code, p.level, p.file, p.value) == (
        "commitment-reserved-id",
        Level.CONFIG,
        f"commitments/{name}.md",
        name,
    )
    assert "Windows 保留的设备名" in p.message and f"commitments/{name}.md" in p.message


@pytest.mark.parametrize("name", ["console", "com10", "nul-licence", "aux1", "lpt-repair"])
def test_a_template_id_that_only_begins_like_a_device_name_loads(
    write_template: WriteTemplate, name: str
) -> None:
    commitments, problems = load_commitments(write_template(name))
    assert config_problems(problems) == [] and [c.id for c in commitments] == [name]


def test_a_file_name_ending_in_a_line_break_is_not_a_template_id(write_template: WriteTemplate) -> None:
    _, problems = load_commitments(write_template("food-licence\n"))
    assert (only(problems).code, only(problems).value) == ("commitment-bad-id", "food-licence\n")


def test_template_without_front_matter_is_a_config_problem(tmp_path: Path) -> None:
    folder = tmp_path / "commitments"
    folder.mkdir()
    (folder / "plain.md").write_text(GOOD_BODY, encoding="utf-8")
    assert only(load_commitments(tmp_path)[1]).code == "commitment-no-front-matter"


def test_unquoted_numeric_version_is_an_invalid_value_in_chinese(write_template: WriteTemplate) -> None:
    front = GOOD_FRONT.replace("version: 2024版", "version: 1.0")
    p = only(load_commitments(write_template("num", front=front))[1])
    assert (p.code, p.field, p.value) == ("commitment-invalid-value", "version", "1.0")
    assert "应为文本" in p.message


def test_licensing_template_must_list_its_items(write_template: WriteTemplate) -> None:
    front = GOOD_FRONT.split("items:")[0]
    p = only(load_commitments(write_template("no-items", front=front))[1])
    assert p.code == "commitment-invalid-value" and "items" in p.message


def test_clauses_must_be_numbered_in_order(write_template: WriteTemplate) -> None:
    body = GOOD_BODY.replace("（二）遵守", "（四）遵守")
    p = only(load_commitments(write_template("gap", body=body))[1])
    assert (p.code, p.value) == ("commitment-bad-clauses", "（四）")
    assert "应为（二）" in p.message


def test_broken_yaml_is_unreadable_not_a_traceback(write_template: WriteTemplate) -> None:
    p = only(load_commitments(write_template("yaml", front="title: [unclosed\n"))[1])
    assert (p.code, p.level) == ("commitment-unreadable", Level.CONFIG)


def test_templates_without_a_current_repair_letter_warn(write_template: WriteTemplate) -> None:
    _, problems = load_commitments(write_template("test-licence"))
    assert [(p.code, p.level) for p in problems] == [("commitment-no-repair-template", Level.WARNING)]
    front = GOOD_FRONT.replace("category: licensing", "category: repair")
    _, problems = load_commitments(write_template("credit-repair", front=front))
    assert problems == []
