"""The release's own Data Package: ``data/releases/<id>/datapackage.json``, describing ``delta.jsonl``.

Stage: write release. Guarantees: a Data Package (v2) per kept release with one table resource, the delta, and
its Table Schema (``DELTA_SCHEMA``) and dialect (the keys a line may have): every line of every delta gongshi writes conforms to it (``op``,
``dataset`` and ``记录ID`` always; ``record`` on ADD/MOD lines; ``reason`` and ``since`` on DEL and purged
lines; ``purged`` on lines stripped by a purge), so ``frictionless validate`` reads the delta as a table. The
descriptor holds no size or checksum (a purge may rewrite the delta; the release's signed manifest has them),
only values fixed by the release ID, so it is the same bytes on every build.
"""

from __future__ import annotations

import json
from typing import Any

from generator.config import Portal
from generator.packs.layout import RECORD_ID_HEADER
from generator.release.reasons import REASONS

PROFILE = "https://datapackage.org/profiles/2.0/datapackage.json"
TABLE_SCHEMA_PROFILE = "https://datapackage.org/profiles/2.0/tableschema.json"
OPS = ("ADD", "MOD", "DEL")

DELTA_SCHEMA: dict[str, Any] = {
    "$schema": TABLE_SCHEMA_PROFILE,
    "fields": [
        {"name": "op", "type": "string", "title": "操作",
         "description": "ADD 新增、MOD 内容改变（更正或公示规则变化：保存其中的新内容）、DEL 撤下",
         "constraints": {"required": True, "enum": list(OPS)}},
        {"name": "dataset", "type": "string", "title": "数据集", "description": "数据集编号（data/latest/<数据集>/）",
         "constraints": {"required": True}},
        {"name": RECORD_ID_HEADER, "type": "string", "title": "记录ID",
         "description": "记录的稳定编号，在所有格式和所有发布版本中不变", "constraints": {"required": True}},
        {"name": "record", "type": "object", "title": "记录",
         "description": "ADD/MOD 行：完整的新公开记录（与该数据集 JSON Lines 文件中的一行相同）；DEL 行与已删除（purged）的行没有"},
        {"name": "purged", "type": "boolean", "title": "已删除",
         "description": "true：此行原有的记录内容已因记录撤下或内容改变而从历史版本中删除，表示不得再保存此行的旧内容"},
        {"name": "reason", "type": "string", "title": "原因",
         "description": "DEL 行与已删除行：expired 公示期或有效期届满；repaired 已信用修复；revoked 已撤销；"
                        "delisted 已移出名单；superseded 旧内容已被更正或公示规则变化取代；withheld 因其他原因不再公示",
         "constraints": {"enum": list(REASONS)}},
        {"name": "since", "type": "date", "title": "生效日期",
         "description": "DEL 行与已删除行：记录自该日起不再公示（或旧内容自该日起被取代），不晚于本版本的数据截至日期"},
    ],
    "primaryKey": ["dataset", RECORD_ID_HEADER],
    "missingValues": [""],
}  # fmt: skip

KEYS = [f["name"] for f in DELTA_SCHEMA["fields"]]
# lines are objects whose keys vary (a DEL line has no record): name the keys, as Table Dialect v2 does
# (itemType/itemKeys) and as frictionless-py reads it (json.keys), so no header is guessed from the first line
DELTA_DIALECT = {"itemType": "object", "itemKeys": KEYS, "json": {"keyed": True, "keys": KEYS}}


def release_package(portal: Portal, release_id: str, as_of: str, delta: str) -> bytes:
    """The ``datapackage.json`` of release ``release_id`` (``delta``: the delta's name in its folder)."""
    folder = f"{portal.base_url}data/releases/{release_id}/"
    descriptor = {
        "$schema": PROFILE,
        "name": f"release-{release_id}",
        "id": folder,
        "title": f"{portal.name} 数据发布 {release_id} 的变更明细",
        "description": "相对上一版本新增、更正和撤下的记录，每行一个 JSON 对象；字段见下方的表结构。"
        "各数据集的完整文件在本版本文件夹的各数据集子文件夹中。",
        "version": release_id,
        "created": f"{as_of}T00:00:00+08:00",
        "homepage": portal.base_url,
        "licenses": [{"name": portal.licence.id, "title": portal.licence.title}
                     | ({"path": portal.licence.url} if portal.licence.url else {})],
        "resources": [{
            "name": "delta", "type": "table", "path": delta, "title": f"数据发布 {release_id} 变更明细",
            "format": "jsonl", "mediatype": "application/jsonl", "encoding": "utf-8", "dialect": DELTA_DIALECT,
            "schema": DELTA_SCHEMA,
        }],
    }  # fmt: skip
    return (json.dumps(descriptor, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
