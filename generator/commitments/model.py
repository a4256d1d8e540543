"""The commitment column's data: a template's front matter, its parsed body, and the rendered outputs.

Stage: load / render (shared types). Guarantees: the front matter is a closed, documented set of keys
(``extra="forbid"``, every field described); the placeholders a body may use are the fixed set ``PLACEHOLDERS``.

A template is ``catalog/commitments/<id>.md``: YAML front matter between ``---`` lines, then a body in a small
Markdown subset (so that the web page and the Word file say exactly the same thing):

- blank lines separate paragraphs; the lines of one paragraph are joined;
- ``## 标题`` is a sub-heading inside the letter;
- ``标签：{{占位符}}`` alone in a paragraph is a heading field (a label and a fill-in line);
- a short paragraph ending with ``：`` and without ``，。；`` is the addressee (称谓, e.g. ``临江市交通运输局：``);
- a paragraph starting with ``（一）``, ``（二）`` … is a numbered clause; clauses are numbered in order from （一）;
- anything else is a plain paragraph; ``{{占位符}}`` may also appear inside any text (a blank to fill in).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

TEMPLATE_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")
ITEM_CODE = r"^[A-Z0-9][A-Z0-9-]{2,40}$"

MATTER = "承诺事项"  # filled from the front matter's ``matter`` when loaded — never left blank
DATE = "日期"
OTHER = "其他承诺"
PLACEHOLDERS: dict[str, str] = {
    "单位名称/姓名": "承诺主体：单位全称，或自然人姓名。",
    "统一社会信用代码/证件号码": "单位的统一社会信用代码，或自然人的身份证件号码。",
    "法定代表人": "法定代表人（负责人）姓名；自然人承诺时可不填。",
    "联系方式": "联系电话或其他联系方式。",
    "住所/地址": "住所、经营场所或通讯地址。",
    "办理事项": "通用承诺书：承诺人所办理的具体事项名称。",
    "决定文书号": "信用修复：失信信息对应的行政处罚决定书文号等。",
    OTHER: "承诺人自行补充的其他承诺（多行空白）。",
    DATE: "签署日期（年、月、日留空）。",
    MATTER: "承诺事项：载入时以前置信息 matter 的文字填入，不留空。",
}

Category = Literal["general", "licensing", "certification", "subsidy", "repair", "industry"]
CATEGORY_TITLES: dict[str, str] = {
    "general": "通用信用承诺",
    "licensing": "行政许可告知承诺",
    "certification": "证明事项告知承诺",
    "subsidy": "财政资金申报承诺",
    "repair": "信用修复承诺",
    "industry": "行业自律承诺",
}


class CoveredItem(BaseModel):
    """One licensing (or certification) item the template is used for."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    code: str = Field(pattern=ITEM_CODE, description="事项编码：与告知承诺事项清单中的 事项编码 一致。")
    name: str = Field(min_length=1, max_length=200, description="事项名称，例如 食品经营许可（新办）。")


class CommitmentMeta(BaseModel):
    """The front matter of ``commitments/<id>.md``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    title: str = Field(min_length=1, max_length=100, description="承诺书标题，例如 食品经营许可告知承诺书。")
    matter: str = Field(
        min_length=1, max_length=200, description="承诺事项：本承诺书适用的许可、补贴或修复申请事项。"
    )
    category: Category = Field(
        description="承诺类别：general 通用 | licensing 行政许可告知承诺 | certification 证明事项告知承诺 | "
        "subsidy 财政资金申报 | repair 信用修复 | industry 行业自律。"
    )
    department: str = Field(min_length=1, max_length=200, description="发布（实施）部门全称。")
    version: str = Field(min_length=1, max_length=40, description="版本号，例如 2024版（数字请加引号）。")
    effective: date = Field(description="生效日期，YYYY-MM-DD。")
    items: tuple[CoveredItem, ...] = Field(
        default=(), description="适用的许可事项（事项编码与名称）；licensing、certification 类必填。"
    )
    superseded_by: str | None = Field(
        default=None, description="已被哪个模板替代：新模板的编号（文件名，不含 .md）；现行版本不填。"
    )
    basis: tuple[str, ...] = Field(default=(), description="制定依据：法律、法规、规范性文件名称。")

    @model_validator(mode="after")
    def _items_for_licensing(self) -> CommitmentMeta:
        if self.category in ("licensing", "certification") and not self.items:
            raise ValueError("licensing、certification 类承诺书必须列出适用事项 items")
        return self


BlockKind = Literal["heading", "field", "addressee", "clause", "para"]


@dataclass(frozen=True)
class Block:
    """One paragraph of the letter. ``text`` may hold ``{{占位符}}`` blanks.

    A ``field`` is a heading field: ``text`` is its label, ``placeholder`` the blank after it, and ``value`` the
    text shown instead of a blank when the template fills it (only ``{{承诺事项}}``, from the front matter).
    """

    kind: BlockKind
    text: str
    placeholder: str = ""
    value: str = ""


@dataclass(frozen=True)
class Commitment:
    """A loaded, validated template."""

    id: str
    file: str  # catalog-relative, e.g. commitments/credit-repair.md
    meta: CommitmentMeta
    blocks: tuple[Block, ...]

    @property
    def superseded(self) -> bool:
        return self.meta.superseded_by is not None

    @property
    def page(self) -> str:
        """Docs-relative path of its page."""
        return f"commitments/{self.id}.md"

    @property
    def docx(self) -> str:
        """Site-relative path of its Word file."""
        return f"commitments/{self.id}.docx"


@dataclass(frozen=True)
class CommitmentOutputs:
    """What the column adds to the site: Markdown pages, binary files, nav entries, the repair letter's page."""

    pages: dict[str, str] = field(default_factory=dict)  # docs-relative path → Markdown
    files: dict[str, bytes] = field(default_factory=dict)  # site-relative path → bytes
    nav: list[dict[str, object]] = field(default_factory=list)
    repair_page: str | None = None  # docs-relative page of the current 信用修复承诺书


PLACEHOLDER = re.compile(r"\{\{\s*([^{}]*?)\s*\}\}")


def segments(text: str) -> list[tuple[bool, str]]:
    """Split text into ``(is_placeholder, value)`` pieces, in order; empty literals are dropped."""
    pieces: list[tuple[bool, str]] = []
    last = 0
    for match in PLACEHOLDER.finditer(text):
        pieces.append((False, text[last : match.start()]))
        pieces.append((True, match.group(1)))
        last = match.end()
    pieces.append((False, text[last:]))
    return [(is_blank, value) for is_blank, value in pieces if is_blank or value]
