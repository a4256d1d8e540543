"""Typed models of the catalog's configuration files (portal.yaml, datasets/<id>/dataset.yaml).

Stage: load. Guarantees: every key is documented (``description``); unknown keys, wrong types, missing keys and
missing files become ``Problem``s of level CONFIG that name the file and the key — never a traceback.
``DATASET_ID`` admits only names that are safe path segments on every system (no Windows device names).
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any, Literal, TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from generator.problems import Problem, problem
from generator.signing import UnusableKey, parse_public_key

WINDOWS_DEVICE_NAMES = frozenset(
    {"con", "prn", "aux", "nul"} | {f"{port}{n}" for port in ("com", "lpt") for n in range(10)}
)
DATASET_ID = re.compile(rf"^(?!(?:{'|'.join(sorted(WINDOWS_DEVICE_NAMES))})\Z)[a-z0-9][a-z0-9-]{{0,62}}\Z")
DatasetKind = Literal[
    "penalty", "licensing", "other-act", "list", "measures", "commitment-items",
    "evaluation", "registration", "fulfilment",
]  # fmt: skip


def is_device_name(name: str) -> bool:
    """Whether Windows reserves ``name`` for a device, so no file or folder can have it there.

    CON, PRN, AUX, NUL, COM0–COM9 and LPT0–LPT9, in any case, with or without an extension (``nul.md``,
    ``Com1.tar.gz``), trailing spaces before the extension ignored, as Windows ignores them.
    """
    return name.split(".", 1)[0].rstrip(" ").lower() in WINDOWS_DEVICE_NAMES


def device_name_text(name: str, what: str, example: str) -> str:
    """The clerk's message for a catalog file or folder ``name`` that Windows reserves for a device."""
    return (
        f"{what} {name} 是 Windows 保留的设备名（con、aux、nul、prn、com1…com9、lpt1…lpt9），"
        f"以它命名的文件在 Windows 上无法保存或解压，请改名（如 {example}）"
    )


class Strict(BaseModel):
    """Base for config models: unknown keys are errors, values are not coerced silently."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Licence(Strict):
    """An open data licence."""

    id: str = Field(description="SPDX-like identifier, e.g. CC-BY-4.0.")
    title: str = Field(description="Human-readable name, shown on the site and in data packages.")
    url: str = Field(default="", description="Where the licence text can be read.")


class Contacts(Strict):
    """How the public reaches the credit office."""

    office: str = Field(description="Name of the office that answers questions (e.g. 市信用办).")
    phone: str = Field(
        default="", description="Public telephone number for questions, objections and repair."
    )
    email: str = Field(default="", description="Public e-mail address.")
    address: str = Field(default="", description="Postal / visiting address of the office.")
    objection_channel: str = Field(default="", description="Where objections (异议申诉) are lodged.")
    repair_channel: str = Field(default="", description="Where credit repair (信用修复) is applied for.")


class Portal(Strict):
    """``portal.yaml``: the portal's identity."""

    name: str = Field(description="Portal name as shown in the header, e.g. 信用临江.")
    region: str = Field(description="Administrative region the portal serves, e.g. 临江市.")
    region_code: str = Field(default="", description="GB/T 2260 region code of the region (6 digits).")
    publisher: str = Field(description="The body responsible for the portal and its data.")
    publisher_code: str = Field(default="", description="统一社会信用代码 of the publisher.")
    base_url: str = Field(
        description="Absolute URL where site/ is served, ending with '/'. Used for canonical links."
    )
    licence: Licence = Field(description="Default licence of the open data.")
    contacts: Contacts = Field(description="Public contact points.")
    description: str = Field(default="", description="One paragraph shown on the home page.")
    keep_releases: int = Field(default=10, ge=1, description="How many data releases are kept online.")
    icp: str = Field(default="", description="ICP 备案号 shown in the footer, if any.")
    release_public_key: str = Field(
        default="",
        description="Ed25519 public key that verifies the signed data releases: the one line (RWQ…) that "
        "`gongshi keygen` prints. Published on the portal and in releases.json; a build whose signing key "
        "does not match it stops. Empty: the key is taken from the signing key, if any.",
    )

    @field_validator("base_url")
    @classmethod
    def _absolute_with_slash(cls, value: str) -> str:
        if not re.match(r"^https?://[^/]+/(.*/)?$", value):
            raise ValueError("must be an absolute http(s) URL ending with '/'")
        return value

    @field_validator("release_public_key")
    @classmethod
    def _ed25519_key(cls, value: str) -> str:
        if value:
            try:
                parse_public_key(value)
            except UnusableKey as exc:
                raise ValueError(str(exc)) from None
        return value


class Grade(Strict):
    """One grade of an evaluation dataset's scale (公共信用综合评价 / 行业信用评价的信用等级)."""

    code: str = Field(min_length=1, max_length=20, description="The grade as the records write it, e.g. A.")
    title: str = Field(description="Its name on the portal, e.g. 诚信（A 级）.")
    meaning: str = Field(description="What the grade means for the subject, shown on its archive and report.")
    badge: bool = Field(
        default=False, description="true: search results and archives show this grade as a badge."
    )


class DatasetConfig(Strict):
    """``datasets/<id>/dataset.yaml``: what a dataset is and how it is published."""

    kind: DatasetKind = Field(
        description="penalty | licensing | other-act | list | measures | commitment-items | evaluation | "
        "registration | fulfilment."
    )
    title: str = Field(description="Dataset title in Chinese, e.g. 行政处罚信息.")
    description: str = Field(description="What the dataset holds, for the catalogue page and data packages.")
    publisher: str = Field(description="Department or office that supplies the data.")
    update_frequency: Literal["daily", "weekly", "monthly", "quarterly", "irregular"] = Field(
        description="How often new batches arrive (DCAT accrualPeriodicity)."
    )
    licence: Licence | None = Field(
        default=None, description="Overrides the portal's licence for this dataset."
    )
    schema_file: str | None = Field(
        default=None,
        alias="schema",
        description="Own Table Schema file (required for other-act; built-in for the standard kinds).",
    )
    act_type: str = Field(default="", description="For other-act: which administrative act, e.g. 行政检查.")
    list_type: Literal["punishment", "watch", "incentive"] | None = Field(
        default=None,
        description="For kind list: punishment (失信), watch (重点关注) or incentive (守信激励).",
    )
    grades: list[Grade] = Field(
        default_factory=list,
        description="For kind evaluation (required there): the grade scale, best first; records with "
        "another grade are rejected.",
    )
    unverified: Literal["show", "withhold"] = Field(
        default="show",
        description="For kind registration: unverified (未核验) items are shown labelled as self-declared "
        "(show) or not published (withhold).",
    )
    keywords: list[str] = Field(default_factory=list, description="Search keywords for the data catalogue.")
    issued: date | None = Field(default=None, description="Date the dataset was first published.")

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


M = TypeVar("M", bound=BaseModel)


def read_yaml(path: Path, shown: str) -> tuple[Any, list[Problem]]:
    """Parse a YAML file; a missing or malformed file is a CONFIG problem naming it."""
    if not path.is_file():
        return None, [problem("config-missing-file", f"缺少文件 {shown}", file=shown)]
    try:
        with open(path, encoding="utf-8-sig") as f:
            return yaml.safe_load(f), []
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        return None, [problem("config-unreadable", f"{shown} 无法读取: {exc}", file=shown)]


def load_model(model: type[M], path: Path, shown: str) -> tuple[M | None, list[Problem]]:
    """Read ``path`` and validate it against ``model``; every error names the file and the key."""
    data, problems = read_yaml(path, shown)
    if problems:
        return None, problems
    if not isinstance(data, dict):
        return None, [problem("config-invalid-value", f"{shown} 顶层应为键值映射", file=shown)]
    try:
        return model.model_validate(data), []
    except ValidationError as exc:
        return None, [_config_problem(err, shown) for err in exc.errors()]


def _config_problem(err: Any, shown: str) -> Problem:
    key = ".".join(str(part) for part in err["loc"])
    value = "" if err["type"] == "missing" else str(err.get("input", ""))[:200]
    code = {"extra_forbidden": "config-unknown-key", "missing": "config-missing-key"}.get(
        err["type"], "config-invalid-value"
    )
    text = {"config-unknown-key": "未定义的键", "config-missing-key": "缺少必填键"}.get(code, err["msg"])
    return problem(code, f"{shown}: {key}: {text}", file=shown, field=key, value=value)
