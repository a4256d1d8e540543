"""The Atom feed of data releases (``data/releases.atom``), newest first.

Stage: write release. Guarantees: valid Atom 1.0 built with ElementTree (every text escaped); ids and links
are absolute URLs under the portal's base URL; times are the releases' as-of dates at 00:00 Asia/Shanghai, so
the same history gives the same bytes; a purge is mentioned in the entry of the release that caused it, with
how many records were withdrawn and how many had their old content superseded.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Any

from generator import paths
from generator.config import Portal
from generator.model import ReleaseInfo

ATOM = "http://www.w3.org/2005/Atom"


def atom_feed(portal: Portal, releases: list[ReleaseInfo], purges: list[dict[str, Any]]) -> bytes:
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed", {"{http://www.w3.org/XML/1998/namespace}lang": "zh-CN"})
    _text(feed, "id", portal.base_url + paths.RELEASES_ATOM)
    _text(feed, "title", f"{portal.name} 开放数据发布")
    _text(feed, "updated", _time(releases[-1].as_of) if releases else "1970-01-01T00:00:00+08:00")
    author = ET.SubElement(feed, f"{{{ATOM}}}author")
    _text(author, "name", portal.publisher)
    _link(feed, portal.base_url + paths.RELEASES_ATOM, "self", "application/atom+xml")
    _link(feed, portal.base_url + paths.RELEASES_JSON, "alternate", "application/json")
    by_release = {str(p.get("release")): p for p in purges}
    for release in reversed(releases):
        _entry(feed, portal, release, by_release.get(release.id))
    ET.indent(feed)
    return (
        b'<?xml version="1.0" encoding="utf-8"?>\n'
        + bytes(ET.tostring(feed, encoding="utf-8", xml_declaration=False))
        + b"\n"
    )


def _entry(feed: ET.Element, portal: Portal, release: ReleaseInfo, purge: dict[str, Any] | None) -> None:
    entry = ET.SubElement(feed, f"{{{ATOM}}}entry")
    folder = f"{portal.base_url}{paths.RELEASES_DIR}/{release.id}/"
    _text(entry, "id", folder)
    _text(entry, "title", f"数据发布 {release.id}")
    _text(entry, "updated", _time(release.as_of))
    _link(entry, portal.base_url + release.delta_path, "alternate", "application/jsonl")
    _link(entry, folder, "related", "text/html")
    _text(entry, "summary", summary(release, purge))


def summary(release: ReleaseInfo, purge: dict[str, Any] | None) -> str:
    text = (
        f"截至 {release.as_of}，共 {sum(release.counts.values())} 条公开记录；"
        f"较上一版本新增 {release.added} 条，更正 {release.changed} 条，撤下 {release.withdrawn} 条。"
    )
    if purge:
        withdrawn, superseded = int(purge.get("withdrawn", purge["records"])), int(purge.get("superseded", 0))
        parts = [f"撤下的 {withdrawn} 条记录"] if withdrawn else []
        parts += [f"内容改变的 {superseded} 条记录的旧内容"] if superseded else []
        text += f"{'和'.join(parts)}已从 {len(purge['releases'])} 个保留的历史版本中删除。"
    return text


def _text(parent: ET.Element, tag: str, value: str) -> None:
    ET.SubElement(parent, f"{{{ATOM}}}{tag}").text = value


def _link(parent: ET.Element, href: str, rel: str, media: str) -> None:
    ET.SubElement(parent, f"{{{ATOM}}}link", {"href": href, "rel": rel, "type": media})


def _time(as_of: str) -> str:
    return f"{as_of}T00:00:00+08:00"
