"""Read and validate the catalog's configuration: portal.yaml, each dataset's dataset.yaml and schema.

Stage: load (configuration half; ``generator.loading`` reads the record batches). Guarantees: returns either a
complete ``Catalog`` or CONFIG problems naming file and key; dataset folder names are safe path segments
on every system (lower-case letters, digits, hyphens; no Windows device name such as ``con`` or ``com1``).
"""

from __future__ import annotations

import copy
from dataclasses import replace
from pathlib import Path

import yaml

from generator import paths
from generator.config import DATASET_ID, DatasetConfig, Portal, device_name_text, is_device_name, load_model
from generator.model import Catalog, DatasetSpec
from generator.problems import Problem, problem
from generator.schema import Schema, builtin_schema, load_schema_file


def load_catalog(root: Path) -> tuple[Catalog | None, list[Problem]]:
    """Read the catalog's configuration; ``None`` with CONFIG problems when it is unusable."""
    if not root.is_dir():
        return None, [problem("config-missing-file", f"目录 {root} 不存在", file=str(root))]
    portal, problems = load_model(Portal, root / paths.PORTAL_FILE, paths.PORTAL_FILE)
    specs: list[DatasetSpec] = []
    for folder in sorted((root / paths.DATASETS_DIR).glob("*/")):
        spec, found = _load_dataset(root, folder)
        problems += found
        if spec:
            specs.append(spec)
    if portal is None or problems:
        return None, problems
    return Catalog(root=root, portal=portal, datasets=tuple(specs)), problems


def _load_dataset(root: Path, folder: Path) -> tuple[DatasetSpec | None, list[Problem]]:
    shown = f"{paths.DATASETS_DIR}/{folder.name}/{paths.DATASET_FILE}"
    problems = _id_problems(folder.name, shown)
    if problems:
        return None, problems
    config, problems = load_model(DatasetConfig, folder / paths.DATASET_FILE, shown)
    if config is None:
        return None, problems
    problems = _kind_keys(config, shown)
    schema, found = _schema_for(config, folder, shown)
    if schema is None or problems or found:
        return None, problems + found
    schema = _with_grades(schema, config)
    batches = tuple(sorted(p for p in folder.iterdir() if p.suffix.lower() in paths.BATCH_SUFFIXES))
    return DatasetSpec(folder.name, config, schema, folder, batches), []


def _kind_keys(config: DatasetConfig, shown: str) -> list[Problem]:
    """``grades`` only on (and required by) an evaluation dataset, with unique codes; ``unverified`` only on a
    registration dataset."""
    given = config.model_fields_set
    if config.kind == "evaluation":
        codes = [g.code for g in config.grades]
        if not codes:
            text = f"{shown}: evaluation（信用评价结果）数据集必须用 grades 列出信用等级（如 A、B、C、D，最好的在前）"
            return [problem("config-missing-key", text, file=shown, field="grades")]
        if dup := sorted({c for c in codes if codes.count(c) > 1}):
            text = f"{shown}: grades 中等级代码重复：{'、'.join(dup)}；每个等级代码只能出现一次"
            return [problem("config-invalid-value", text, file=shown, field="grades", value="、".join(dup))]
    elif "grades" in given:
        text = f"{shown}: grades 只适用于 evaluation（信用评价结果）数据集，本数据集类型为 {config.kind}，请删除该键"
        return [problem("config-invalid-value", text, file=shown, field="grades")]
    if config.kind != "registration" and "unverified" in given:
        text = f"{shown}: unverified 只适用于 registration（自愿注册信息）数据集，本数据集类型为 {config.kind}，请删除该键"
        return [
            problem("config-invalid-value", text, file=shown, field="unverified", value=config.unverified)
        ]
    return []


def _with_grades(schema: Schema, config: DatasetConfig) -> Schema:
    """An evaluation schema whose grade-role field admits exactly the declared grade codes (``enum``), so a
    grade outside the scale is rejected by the ordinary enum check — ours and frictionless's alike."""
    name = schema.role("grade")
    if config.kind != "evaluation" or name is None:
        return schema
    codes = tuple(g.code for g in config.grades)
    fields = tuple(replace(f, enum=codes) if f.name == name else f for f in schema.fields)
    descriptor = copy.deepcopy(schema.descriptor)
    for item in descriptor.get("fields", []):
        if item.get("name") == name:
            item.setdefault("constraints", {})["enum"] = list(codes)
    return replace(schema, fields=fields, descriptor=descriptor)


def _id_problems(name: str, shown: str) -> list[Problem]:
    """The folder name is the dataset id, a path segment of every output: safe on every system, or a problem."""
    if is_device_name(name):
        msg = device_name_text(name, "数据集目录名", "penalties、licences")
        return [problem("config-reserved-dataset-id", msg, file=shown, value=name)]
    if not DATASET_ID.match(name):
        return [problem("config-bad-dataset-id", f"数据集目录名不合法: {name}", file=shown)]
    return []


def _schema_for(config: DatasetConfig, folder: Path, shown: str) -> tuple[Schema | None, list[Problem]]:
    if config.kind == "list" and config.list_type is None:
        return None, [
            problem(
                "config-missing-key",
                f"{shown}: list 类数据集必须设置 list_type",
                file=shown,
                field="list_type",
            )
        ]
    if config.schema_file is None:
        if config.kind == "other-act":
            return None, [
                problem(
                    "config-missing-key",
                    f"{shown}: other-act 数据集必须提供 schema",
                    file=shown,
                    field="schema",
                )
            ]
        return builtin_schema(config.kind), []
    name = config.schema_file
    if "/" in name or "\\" in name or name.startswith("."):
        return None, [
            problem(
                "config-invalid-value",
                f"{shown}: schema 必须是同目录下的文件名",
                file=shown,
                field="schema",
                value=name,
            )
        ]
    try:
        return load_schema_file(folder / name, config.kind), []
    except FileNotFoundError:
        return None, [
            problem("config-missing-file", f"缺少表结构文件 {name}", file=shown, field="schema", value=name)
        ]
    except (ValueError, KeyError, TypeError, yaml.YAMLError) as exc:
        return None, [
            problem("config-bad-schema", f"{folder.name}/{name} 不合法: {exc}", file=shown, field="schema")
        ]
