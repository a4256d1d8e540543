"""Table Schemas: the built-in ones for the standard kinds and an other-act dataset's own ``schema.yaml``.

Stage: load. Guarantees: a schema is a Frictionless Table Schema plus a few gongshi extensions
(``aliases``, ``check``, ``requiredWhen``, ``privacy``, ``publicCode``, ``multiple``, ``vocabulary``, ``roles``);
headers written as the code, the Chinese title or an alias all map to the one canonical field name.

``publicCode: true`` declares a field that holds a public code an authority issues to an organisation or a
decision (统一社会信用代码, 工商注册号, 文书号, 许可编号): the rules stage does not mask 身份证-like numbers
inside it (some such codes pass the 身份证 checksum), except on natural persons' records — see
``rules.privacy``. It cannot be combined with ``privacy``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, Literal

import yaml

from generator.paths import BUILTIN_SCHEMAS_DIR

EXTENSIONS = ("aliases", "check", "requiredWhen", "privacy", "publicCode", "multiple", "vocabulary")
ROLES = (
    "date", "subject_name", "subject_type", "subject_code", "id_type", "id_number", "department",
    "department_code", "document", "summary", "valid_until", "removed_on", "list_name",
    "grade", "sector", "category", "verification", "commitment_item", "checked_on", "result",
)  # fmt: skip


@dataclass(frozen=True)
class Field:
    """One column of a dataset."""

    name: str
    title: str
    type: Literal["string", "date", "number", "integer"]
    description: str = ""
    example: str = ""
    required: bool = False
    max_length: int | None = None
    min_length: int | None = None
    enum: tuple[str, ...] = ()
    pattern: str = ""
    minimum: float | None = None
    aliases: tuple[str, ...] = ()
    check: Literal["", "uscc", "ric"] = ""
    required_when: tuple[str, tuple[str, ...]] | None = None  # (other field, values that make this required)
    privacy: Literal["", "drop", "mask"] = ""
    public_code: bool = False  # ``publicCode``: not searched for personal numbers (rules.privacy)
    multiple: bool = False
    vocabulary: str = ""


@dataclass(frozen=True)
class Schema:
    """A dataset's table layout and the roles its fields play."""

    kind: str
    title: str
    fields: tuple[Field, ...]
    primary_key: tuple[str, ...]
    roles: dict[str, str] = field(default_factory=dict)
    vocabularies: dict[str, dict[str, tuple[str, ...]]] = field(default_factory=dict)
    descriptor: dict[str, Any] = field(default_factory=dict, repr=False)

    @property
    def names(self) -> list[str]:
        return [f.name for f in self.fields]

    def field(self, name: str) -> Field:
        return next(f for f in self.fields if f.name == name)

    def role(self, role: str) -> str | None:
        """The field name playing ``role`` (e.g. ``date``, ``subject_name``), if any."""
        return self.roles.get(role)

    def public_names(self) -> list[str]:
        """Fields that may leave the building (``privacy: drop`` fields never do)."""
        return [f.name for f in self.fields if f.privacy != "drop"]

    def header_map(self) -> dict[str, str]:
        """Every accepted header spelling → canonical name (code, Chinese title, aliases; case-folded codes)."""
        mapping: dict[str, str] = {}
        for f in self.fields:
            for spelling in (f.name, f.name.lower(), f.title, *f.aliases):
                mapping[normalise_header(spelling)] = f.name
        return mapping

    def frictionless(self) -> dict[str, Any]:
        """The plain Frictionless Table Schema descriptor (gongshi extensions removed)."""
        fields = [{k: v for k, v in f.items() if k not in EXTENSIONS} for f in self.descriptor["fields"]]
        return {"fields": fields, "primaryKey": list(self.primary_key)}


def normalise_header(text: str) -> str:
    """Headers compare without surrounding blanks, BOMs, or full-width/half-width bracket differences."""
    text = text.replace("\ufeff", "").strip()
    return text.replace("（", "(").replace("）", ")").replace(" ", "")


def parse_schema(data: dict[str, Any], kind: str) -> Schema:
    """Build a ``Schema`` from a descriptor; raises ``ValueError`` naming the offending field."""
    fields = tuple(_parse_field(item) for item in data["fields"])
    names = [f.name for f in fields]
    if len(set(names)) != len(names):
        raise ValueError("duplicate field names")
    pk = tuple(data.get("primaryKey") or ())
    roles = dict(data.get("roles") or {})
    for ref in (*pk, *roles.values()):
        if ref not in names:
            raise ValueError(f"primaryKey/roles name unknown field {ref!r}")
    if not pk:
        raise ValueError("primaryKey is required (it is the record key)")
    if unknown := set(roles) - set(ROLES):
        raise ValueError(f"unknown roles {sorted(unknown)}")
    vocab = {k: {v: tuple(n) for v, n in m.items()} for k, m in (data.get("vocabularies") or {}).items()}
    return Schema(kind, str(data.get("title", kind)), fields, pk, roles, vocab, data)


def _parse_field(item: dict[str, Any]) -> Field:
    c = item.get("constraints") or {}
    when = item.get("requiredWhen")
    if item.get("type", "string") not in ("string", "date", "number", "integer"):
        raise ValueError(f"field {item.get('name')!r}: type must be string, date, number or integer")
    if item.get("publicCode", False) not in (True, False) or (item.get("publicCode") and item.get("privacy")):
        raise ValueError(
            f"field {item.get('name')!r}: publicCode must be true or false, and not with privacy"
        )
    return Field(
        name=str(item["name"]), title=str(item.get("title", item["name"])), type=item.get("type", "string"),
        description=str(item.get("description", "")), example=str(item.get("example", "")),
        required=bool(c.get("required", False)), max_length=c.get("maxLength"), min_length=c.get("minLength"),
        enum=tuple(c.get("enum") or ()), pattern=str(c.get("pattern", "")), minimum=c.get("minimum"),
        aliases=tuple(item.get("aliases") or ()), check=item.get("check", ""),
        required_when=(when["field"], tuple(when["in"])) if when else None,
        privacy=item.get("privacy", ""), public_code=bool(item.get("publicCode", False)),
        multiple=bool(item.get("multiple", False)),
        vocabulary=str(item.get("vocabulary", "")),
    )  # fmt: skip


@cache
def builtin_schema(kind: str) -> Schema:
    """The shipped schema for a standard kind (penalty, licensing, list, measures, …)."""
    path = BUILTIN_SCHEMAS_DIR / f"{kind}.yaml"
    return parse_schema(yaml.safe_load(path.read_text(encoding="utf-8")), kind)


def builtin_kinds() -> list[str]:
    return sorted(p.stem for p in BUILTIN_SCHEMAS_DIR.glob("*.yaml"))


def load_schema_file(path: Path, kind: str) -> Schema:
    """An other-act dataset's own schema; raises ``ValueError``/``KeyError``/``yaml.YAMLError`` when invalid."""
    data = yaml.safe_load(path.read_text(encoding="utf-8-sig"))
    if not isinstance(data, dict) or not isinstance(data.get("fields"), list):
        raise ValueError("a schema needs a 'fields' list")
    return parse_schema(data, kind)
