"""Small real subject tables and a static search page, as the site stage provides it, for the search tests."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd

from generator.identifiers import uscc_check_char


def uscc(first17: str) -> str:
    return first17 + uscc_check_char(first17)


HENGSHENG = uscc("91330902MA2A1B2C3")
HENGSHENG_WULIU = uscc("91330903MA2A1B2D4")
HUATAI = uscc("91330904MA2B7K8L1")
ZHANGJI = uscc("92330902MA2C9E0F5")
PERSON_ID = "110101199001011237"  # a made-up resident ID number that validates (real area code, check digit)
PERSON_MASKED = "110101********1237"

COMPANIES = [
    ("临江市恒盛建材有限公司", HENGSHENG, "org", 3),
    ("临江市恒盛物流有限责任公司", HENGSHENG_WULIU, "org", 1),
    ("临江华泰科技股份有限公司", HUATAI, "org", 2),
    ("临江市江北区张记小吃店", ZHANGJI, "individual-business", 1),
    ("临江市青松（江北）农业专业合作社", "", "org", 1),
    ("ＡＢＣ（临江）数码科技有限公司", "", "org", 1),
    ('<img src=x onerror="document.title=1">恶意标签商行', "", "org", 1),
]


def subjects(*extra: dict[str, Any]) -> pd.DataFrame:
    """The demo subjects: four coded ones, one without a code, two natural persons; plus ``extra`` rows."""
    rows = [
        {
            "name": n,
            "code": c,
            "kind": k,
            "url": f"subjects/{(c or 'xx')[-2:]}/{c or f'n{len(n)}'}.html",
            "masked_id": "",
            "records": r,
        }
        for n, c, k, r in COMPANIES
    ]
    rows += [
        {
            "name": "张伟",
            "code": "",
            "kind": "person",
            "url": "records/ab/ab12cd34ef56ab78.html",
            "masked_id": PERSON_MASKED,
            "records": 1,
        },
        {
            "name": "王小明",
            "code": "",
            "kind": "person",
            "url": "records/cd/cd12cd34ef56ab78.html",
            "masked_id": "330902********4321",
            "records": 2,
        },
    ]
    return pd.DataFrame([*rows, *extra])


SEARCH_PAGE = """<!doctype html>
<html lang="zh-CN">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>信用主体查询</title></head>
<body>
<header><form action="./" method="get" role="search"><label>站内搜索 <input name="q"></label></form></header>
<main><h1>信用主体查询</h1><div id="gongshi-search" data-index="../search-index/"></div></main>
<script src="../assets/javascripts/gongshi-search.js" defer></script>
</body>
</html>
"""


def write_search_page(site: Path) -> None:
    """``site/search/index.html`` with the markup the site stage writes around the search script."""
    (site / "search").mkdir(parents=True, exist_ok=True)
    (site / "search" / "index.html").write_text(SEARCH_PAGE, encoding="utf-8")


def read_index(site: Path) -> dict[str, Any]:
    """Every JSON file of ``site/search-index`` by relative path."""
    root = site / "search-index"
    return {
        str(p.relative_to(root)): json.loads(p.read_text(encoding="utf-8"))
        for p in sorted(root.rglob("*.json"))
    }


WANG_CHAO = [  # two records of two different people of the same name
    {"masked_id": "330902********1234", "date": "2026-03-02", "authority": "临江市市场监督管理局",
     "reason": "未取得食品经营许可从事食品经营活动", "penalty": 1, "url": "r/aa/aa00000000000001.html"},
    {"masked_id": "330903********5678", "date": "2025-07-15", "authority": "临江市交通运输局",
     "reason": "未取得道路运输经营许可擅自从事经营", "penalty": 1, "url": "r/bb/bb00000000000002.html"},
]  # fmt: skip


def subjects_with_facts() -> pd.DataFrame:
    """``subjects()`` with what results show up front: 恒盛建材 on the punishment list (2 penalties, 1 licence),
    华泰 on no list (2 licences), and two people named 王超, one record each."""
    frame = subjects().assign(lists="", penalty=0, licensing=0, date="", authority="", reason="")
    frame.loc[frame["code"] == HENGSHENG, ["lists", "penalty", "licensing"]] = ["punishment", 2, 1]
    frame.loc[frame["code"] == HUATAI, "licensing"] = 2
    people = [{"name": "王超", "code": "", "kind": "person", "records": 1, **r} for r in WANG_CHAO]
    return pd.concat([frame, pd.DataFrame(people)], ignore_index=True)


def write_release_history(site: Path, as_of: str) -> None:
    """``site/data/releases.json`` as the release stage writes it, reduced to what the search script reads."""
    history = {"current": "r1", "releases": [{"id": "r1", "as_of": as_of}]}
    (site / "data").mkdir(parents=True, exist_ok=True)
    (site / "data" / "releases.json").write_text(json.dumps(history), encoding="utf-8")
