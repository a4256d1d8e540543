"""Read and validate the catalog's configuration: portal.yaml, each dataset's dataset.yaml and schema.

Stage: load (configuration half; ``generator.loading`` reads the record batches). Guarantees: returns either a
complete ``Catalog`` or CONFIG problems naming file and key; dataset folder names are safe path segments
on every system (lower-case letters, digits, hyphens; no Windows device name such as ``con`` or ``com1``).
"""

from __future__ import annotations

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
    schema, problems = _schema_for(config, folder, shown)
    if schema is None:
        return None, problems
    batches = tuple(sorted(p for p in folder.iterdir() if p.suffix.lower() in paths.BATCH_SUFFIXES))
    return DatasetSpec(folder.name, config, schema, folder, batches), []


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
