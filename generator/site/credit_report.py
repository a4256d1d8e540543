"""The printable credit report (信用报告) of a subject with a credit archive, and the number that lets anyone
check a printed copy against the portal without a server.

Stage: render site (written by the bulk workers right after the subject's ``api/subjects/<code>.json``, in the
archive's page unit: carried with it or rendered with it). Guarantees:
- a report exists exactly for the subjects that have an archive (organisations, 非法人组织 and 个体工商户 with a
  valid 统一社会信用代码); never for a natural person, so no ID number is ever a path or a report;
- it shows what the subject's JSON file holds, read back from the file's final bytes: every record of it (the
  subject's identity fields once in the heading, every other non-empty public field per record), the list
  entries with the measures that apply, and the release since which the file is unchanged — so a withdrawn
  record can appear in no report; a current credit grade (with its meaning) and the commitments (失诺 marked as
  失信 information, with the item's name) have their own sections, read from the JSON's ``grades`` and
  ``commitments``, and an unverified registration is labelled 主体自主申报，未经核验; what the report says it
  covers follows the dataset kinds the catalog publishes (in the units' fingerprint: the views' configuration);
  besides the JSON it shows only the portal's name and publisher and the dates
  the rules compute from each record (公示截止期, 可申请信用修复日期: view columns, so in the unit's key; they
  follow from the record and the catalog's rules, so they are not part of the hash);
- its number is ``<release>-<first 16 hex of the SHA-256 of the JSON file's bytes>``; the QR code (SVG, drawn
  at build time with the portal's data mask, ``portal_mask``: ``generator.site.qr``) and the printed check URL
  carry it: ``<base_url>check/?code=…&no=<number>`` (not the full hash: the shorter address makes a smaller QR
  code, about 35 % cheaper to draw — measured 4.1 → 2.6 ms a report, which counts at a city's hundreds of
  thousands of archives).
  The check page hashes the current file in the browser: the same bytes mean the same public content;
- nothing in it changes by the day: 数据截至 and the print time are filled in the browser (``data-gs-asof``,
  ``data-gs-printed``), so an unchanged subject's report is never re-rendered; the rest depends on the JSON's
  bytes (keyed by the unit, its ``release`` carried with it), the templates, the base URL and the portal's name
  and publisher (in the units' fingerprint).
"""

from __future__ import annotations

import hashlib
import json
import random
import re
from dataclasses import dataclass
from functools import cache
from typing import Any

from markupsafe import Markup, escape

from generator import paths
from generator.packs.layout import RECORD_ID_HEADER, columns_for
from generator.rules.periods import PUBLISH_UNTIL
from generator.site import qr, urls
from generator.site.view import BROKEN, UNVERIFIED, UNVERIFIED_LABEL, DatasetView
from generator.site.work import Brief, BulkData, template, write_page
from generator.sitefiles import digest_bytes

IDENTITY_ROLES = ("subject_name", "subject_type", "subject_code", "id_type", "id_number")
# record ID → (公示截止期, 可申请信用修复日期) as the rules compute them, each "" where none applies
Dates = dict[str, tuple[str, str]]
PREVIOUS_QR = re.compile(
    r'<svg role="img"[^>]*? data-qr="([^"]*)"[^>]*>.*?</svg>\n?', re.S
)  # as drawn: with its newline
# what the portal's QR mask is judged on: check URLs of the reports' shape (an 18-character 统一社会信用代码, a
# release named by its date, 16 hex digits)
MASK_SAMPLES, MASK_SAMPLE_RELEASE = 32, "2000-01-01"
CODE_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def report_number(release: str, sha256: str) -> str:
    """``<release>-<16 hex>``: the release since which the subject's data are unchanged, and the start of the
    SHA-256 of its JSON file."""
    return f"{release or '0'}-{sha256[:16]}"


def check_url(base_url: str, code: str, number: str) -> str:
    """The check page's address for subject ``code``'s report numbered ``number``."""
    return f"{base_url}{urls.check_page()}?code={code}&no={number}"


@cache
def portal_mask(base_url: str) -> int | None:
    """The QR data mask every report of the portal at ``base_url`` is drawn with: the encoder's most frequent
    choice for ``MASK_SAMPLES`` check URLs of their shape, the same ones every build (``generator.site.qr``)."""
    rng = random.Random(MASK_SAMPLES)
    samples = [
        (
            "".join(rng.choice(CODE_ALPHABET) for _ in range(18)),
            report_number(MASK_SAMPLE_RELEASE, f"{rng.getrandbits(256):064x}"),
        )
        for _ in range(MASK_SAMPLES)
    ]
    return qr.common_mask(tuple(check_url(base_url, code, number) for code, number in samples))


def previous_qr(data: BulkData, path: str, url: str, drawn_by: str) -> Markup | None:
    """The QR code the previous site's report at ``path`` holds for ``url``, when the previous build's trusted
    digest map vouches for that file's bytes and the code was drawn the same way (``drawn_by``); None
    otherwise. Reading and checking the old page costs less than drawing the code again (``generator.site.qr``),
    which is most of a full rebuild's report cost when only templates or code changed."""
    previous = data.previous
    listed = previous.intact(path)
    if listed is None or previous.site is None:
        return None
    raw = (previous.site / path).read_bytes()
    if digest_bytes(raw) != listed.digest:
        return None
    text = raw.decode("utf-8")
    found = PREVIOUS_QR.search(text)
    printed = f'<span class="gs-code">{escape(url)}</span>'
    return Markup(found.group(0)) if found and found.group(1) == drawn_by and printed in text else None


def write_report(data: BulkData, code: str, json_path: str, records: list[tuple[int, Brief]]) -> str:
    """Render subject ``code``'s report from its JSON file just written at ``json_path`` (``records``: its
    records as the archive shows them, for the dates the rules compute); returns its path."""
    raw = (data.site_dir / json_path).read_bytes()
    sha256 = hashlib.sha256(raw).hexdigest()
    document: dict[str, Any] = json.loads(raw)
    dates = {r.id: (r.last_day, r.repair_from) for _, r in records}
    body = template("bulk/credit_report.html").render(**_context(data, document, sha256, dates))
    name = str(document["name"])
    text = f"{name}（统一社会信用代码 {code}）的信用报告：本门户公示的 {document['total']} 条信息及名单状态，可在线核验。"
    return write_page(data, urls.report_page(code), f"{name} - 信用报告", text, body)


def _context(data: BulkData, document: dict[str, Any], sha256: str, dates: Dates) -> dict[str, Any]:
    code, release = str(document["code"]), str(document["release"] or "")
    url = check_url(data.base_url, code, report_number(release, sha256))
    mask = portal_mask(data.base_url)
    drawn = previous_qr(data, urls.report_page(code), url, qr.drawn_by(mask)) or qr.qr_svg(url, mask)
    portal, publisher = data.issuer
    return {
        "code": code, "name": document["name"], "kind": document["kind"], "release": release,
        "total": document["total"], "number": report_number(release, sha256),
        "check_url": url, "qr": drawn, "portal": portal, "publisher": publisher,
        "base_url": data.base_url, "listed": document["listed"], "groups": _groups(data, document, dates),
        "rel": urls.BULK_REL, "archive": urls.subject_page(code), "check_page": urls.check_page(),
        "script": paths.REPORT_SCRIPT, "kinds": _catalog_kinds(data),
    }  # fmt: skip


def _catalog_kinds(data: BulkData) -> set[str]:
    """The dataset kinds the catalog publishes (the report says what it covers by them)."""
    return {view.kind for view in data.views}


@dataclass(frozen=True)
class Headers:
    """Where a dataset's JSON records hold what the report treats specially."""

    identity: frozenset[str]  # the subject's name, kind and codes: shown once, in the report's heading
    until: str  # the department's own 公示截止期, replaced by the one the rules compute
    valid_until: str  # 有效期至: a computed 公示截止期 equal to it is not repeated
    verification: str = ""  # registration: 核验状态 (未核验 → labelled as self-declared)
    result: str = ""  # fulfilment: 核查结果 (失诺 → marked as 失信 information)


def _groups(data: BulkData, document: dict[str, Any], dates: Dates) -> list[dict[str, Any]]:
    """The JSON's datasets, each record as its ID and facts (a grade with its title and meaning, a commitment
    with its item's name, as the JSON's ``grades`` and ``commitments`` state them)."""
    headers = _headers(data)
    extra = {g["记录ID"]: g for g in document.get("grades", [])}
    extra |= {c["记录ID"]: c for c in document.get("commitments", [])}
    return [
        {
            "title": d["title"], "kind": d["kind"],
            "records": [_record(r, headers[d["id"]], dates, extra) for r in d["records"]],
        }
        for d in document["datasets"]
    ]  # fmt: skip


def _record(
    record: dict[str, Any], headers: Headers, dates: Dates, extra: dict[str, dict[str, Any]]
) -> dict[str, Any]:
    """A record's ID and its non-empty facts (identity fields left out), with the dates the rules compute."""
    rid = record[RECORD_ID_HEADER]
    last_day, repair_from = dates.get(rid, ("", ""))
    skip = headers.identity | {RECORD_ID_HEADER} | ({headers.until} if last_day else set())
    facts = [(k, str(v)) for k, v in record.items() if v not in (None, "") and k not in skip]
    if last_day and last_day != record.get(headers.valid_until):
        facts.append(("公示截止期", f"{last_day}（当日仍公示，次日起停止公示）"))
    if repair_from:
        facts.append(("可申请信用修复日期", f"{repair_from} 起"))
    found = extra.get(rid, {})
    if found.get("item_name") in {v for _, v in facts}:
        found = found | {"item_name": None}  # the record names its item itself
    return {
        "id": rid, "facts": facts, "grade": found.get("grade"), "grade_title": found.get("title"),
        "meaning": found.get("meaning"), "item_name": found.get("item_name"),
        "unverified": UNVERIFIED_LABEL if record.get(headers.verification) == UNVERIFIED else "",
        "broken": bool(headers.result) and record.get(headers.result) == BROKEN,
    }  # fmt: skip


def _headers(data: BulkData) -> dict[str, Headers]:
    """Each dataset's ``Headers``, worked out once per process."""
    key = "report-headers"
    if key not in data.cache:
        data.cache[key] = {view.id: _headers_of(view) for view in data.views}
    found: dict[str, Headers] = data.cache[key]
    return found


def _headers_of(view: DatasetView) -> Headers:
    header = {c.source: c.header for c in columns_for(view.spec, view.frame.columns)}
    identity = frozenset(header[n] for role in IDENTITY_ROLES if (n := view.role(role)) and n in header)
    by_role = {
        role: header.get(view.role(role) or "", "") for role in ("valid_until", "verification", "result")
    }
    return Headers(identity, header.get(PUBLISH_UNTIL, ""), **by_role)
