"""Fixtures for the commitment column: the demo templates, a portal, and small template catalogs on disk."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from generator.commitments import Commitment, CommitmentOutputs, commitment_outputs, load_commitments
from generator.config import Portal
from tests.conftest import DEMO_CATALOG

GOOD_FRONT = """\
title: 测试许可告知承诺书
matter: 申请测试许可
category: licensing
department: 临江市测试局
version: 2024版
effective: 2024-05-01
items:
  - code: LJXK-CS-001
    name: 测试许可（新办）
"""

GOOD_BODY = """\
申请人（单位名称/姓名）：{{单位名称/姓名}}

统一社会信用代码（身份证件号码）：{{统一社会信用代码/证件号码}}

法定代表人（负责人）：{{法定代表人}}

联系方式：{{联系方式}}

承诺事项：{{承诺事项}}

临江市测试局：

本申请人现就{{承诺事项}}作出如下承诺：

（一）所提交的材料合法、真实、准确、有效。

（二）遵守法律法规，履行法定义务。

（三）其他承诺：{{其他承诺}}
"""

WriteTemplate = Callable[..., Path]


def make_portal() -> Portal:
    return Portal.model_validate(
        {
            "name": "信用临江",
            "region": "临江市",
            "publisher": "临江市发展和改革委员会",
            "base_url": "https://credit.linjiang.example/",
            "licence": {"id": "CC-BY-4.0", "title": "知识共享署名 4.0 国际"},
            "contacts": {"office": "临江市信用办", "phone": "0571-12345678"},
        }
    )


@pytest.fixture
def portal() -> Portal:
    return make_portal()


@pytest.fixture
def write_template(tmp_path: Path) -> WriteTemplate:
    """Write ``commitments/<name>.md`` under a fresh catalog folder; returns the catalog root."""

    def write(name: str, front: str = GOOD_FRONT, body: str = GOOD_BODY) -> Path:
        folder = tmp_path / "catalog" / "commitments"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{name}.md").write_text(f"---\n{front}---\n\n{body}", encoding="utf-8")
        return tmp_path / "catalog"

    return write


@pytest.fixture(scope="session")
def demo_commitments() -> list[Commitment]:
    commitments, problems = load_commitments(DEMO_CATALOG)
    assert problems == []
    return commitments


@pytest.fixture(scope="session")
def demo_outputs(demo_commitments: list[Commitment]) -> CommitmentOutputs:
    portal = make_portal()
    return commitment_outputs(demo_commitments, portal)
