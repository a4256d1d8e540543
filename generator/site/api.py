"""Per-subject static JSON, ``api/subjects/<统一社会信用代码>.json``: what a credit firm looks up one code at a
time — the subject's current public records and list status — plus the JSON Schema of those files.

Stage: render site (written by the bulk workers beside each credit archive, in the archive's page unit: the
unit's key covers everything the file shows). Guarantees:
- a file exists exactly for the subjects that have a credit archive — organisations and 个体工商户 with a valid
  统一社会信用代码 and at least one public record; never a natural person, so no ID number is ever a path; a code
  with nothing public has no file (the server answers 404);
- ``datasets`` holds the subject's records grouped by dataset in archive order (lists first), newest first, each
  record exactly as the dataset's JSON Lines file carries it: ``记录ID`` then the public fields under their
  Chinese headers, ``null`` when empty; ``listed`` repeats each list entry with its list, dates and measures;
  ``grades`` (present only when the subject has a current credit grade) repeats each grade with its title,
  meaning and badge from the dataset's scale; ``commitments`` (only when it has public fulfilment records)
  repeats each with its 事项编码, the item's name from the commitment-items datasets and its 核查结果 — so the
  file alone, whose hash the credit report's number carries, says everything the report shows;
- ``release`` is the release since which the file is unchanged: the newest release when its content last
  changed. A file whose content equals the previous site's keeps that file's ``release`` (a unit carried
  without rendering keeps it too), any other gets the newest release — so the bytes depend on the data and the
  published history only (an incremental build equals a full one), and a release that does not touch a
  subject does not rewrite its file;
- the JSON is UTF-8, one line, keys in a fixed order: the same data give the same bytes.
"""

from __future__ import annotations

import json
from typing import Any

import numpy as np

from generator import paths
from generator.packs.layout import columns_for
from generator.site import urls
from generator.site.work import Brief, BulkData, list_label, write_file

Rows = dict[tuple[int, int], list[Any]]


def subject_path(code: str) -> str:
    """``api/subjects/<code>.json`` (the code is a checked 统一社会信用代码: ``urls.SUBJECT_CODE``)."""
    if not urls.SUBJECT_CODE.fullmatch(code):
        raise ValueError(f"不是统一社会信用代码，不能用作文件名：{code!r}")
    return f"{paths.API_SUBJECTS_DIR}/{code}.json"


def subject_rows(data: BulkData, start: int, stop: int) -> Rows:
    """The public values of every record of subjects ``start:stop``, by (view, row): one lookup per view."""
    subjects = data.subjects
    a, b = int(subjects.starts[start]), int(subjects.starts[stop])
    views, positions = subjects.view[a:b], subjects.pos[a:b]
    rows: Rows = {}
    for vi in np.unique(views).tolist():
        chosen = positions[views == vi]
        _, sources = _columns(data, vi)
        values = data.views[vi].frame[sources].iloc[chosen].to_numpy(dtype=object).tolist()
        rows.update(zip(((vi, p) for p in chosen.tolist()), values, strict=True))
    return rows


def write_subject(data: BulkData, i: int, records: list[tuple[int, Brief]], rows: Rows) -> str:
    """Write subject ``i``'s file (``records``: its records as the archive shows them); returns its path."""
    code = str(data.subjects.codes[i])
    path = subject_path(code)
    document = _document(data, i, records, rows)
    write_file(data, path, _bytes(data, path, document))
    return path


def _document(data: BulkData, i: int, records: list[tuple[int, Brief]], rows: Rows) -> dict[str, Any]:
    code, positions = str(data.subjects.codes[i]), data.subjects.records(i)
    datasets: list[dict[str, Any]] = []
    for vi, p in positions:
        if not datasets or datasets[-1]["id"] != data.views[vi].id:
            view = data.views[vi]
            datasets.append({"id": view.id, "title": view.title, "kind": view.kind, "records": []})
        headers, _ = _columns(data, vi)
        values = (None if v == "" else v for v in rows[(vi, p)])
        datasets[-1]["records"].append(dict(zip(headers, values, strict=True)))
    document = {
        "$schema": data.base_url + paths.API_SUBJECT_SCHEMA, "code": code, "name": str(data.subjects.names[i]),
        "kind": records[0][1].kind or None, "release": None, "archive": data.base_url + urls.subject_page(code),
        "total": len(records), "listed": [_listing(data, vi, r) for vi, r in records if data.views[vi].kind == "list"],
    }  # fmt: skip
    return document | _credit_kinds(data, records) | {"datasets": datasets}


def _credit_kinds(data: BulkData, records: list[tuple[int, Brief]]) -> dict[str, Any]:
    """``grades`` (its current grades with their title and meaning) and ``commitments`` (its public
    fulfilment records with the item's name), each only when the subject has such records."""
    grades = [
        {"dataset": data.views[vi].id, "记录ID": r.id, "grade": r.grade, "title": r.grade_title or None,
         "meaning": r.grade_meaning or None, "badge": r.grade_badge}
        for vi, r in records if r.dataset_kind == "evaluation"
    ]  # fmt: skip
    commitments = [
        {"dataset": data.views[vi].id, "记录ID": r.id, "item": r.item or None, "item_name": r.item_name or None,
         "result": r.result or None}
        for vi, r in records if r.dataset_kind == "fulfilment"
    ]  # fmt: skip
    return ({"grades": grades} if grades else {}) | ({"commitments": commitments} if commitments else {})


def _listing(data: BulkData, vi: int, r: Brief) -> dict[str, Any]:
    view = data.views[vi]
    measures = [
        {"label": m.label, "text": m.text, "url": f"{data.base_url}measures/#{m.anchor}"} for m in r.measures
    ]
    return {
        "dataset": view.id, "list_type": view.spec.config.list_type, "list_label": list_label(view),
        "list_name": r.list_name or None, "listed_on": r.date or None, "valid_until": r.valid_until or None,
        "记录ID": r.id, "measures": measures,
    }  # fmt: skip


def _columns(data: BulkData, vi: int) -> tuple[list[str], list[str]]:
    """(headers, view columns) of view ``vi``'s records, as its data files name them; once per process."""
    key = ("api-columns", vi)
    if key not in data.cache:
        view = data.views[vi]
        columns = columns_for(view.spec, view.frame.columns)
        data.cache[key] = ([c.header for c in columns], [c.source for c in columns])
    found: tuple[list[str], list[str]] = data.cache[key]
    return found


def _bytes(data: BulkData, path: str, document: dict[str, Any]) -> bytes:
    """The file: with the previous file's ``release`` when that gives exactly the previous bytes, else with the
    newest release."""
    previous = _previous(data, path)
    if previous is not None:
        try:
            kept = json.loads(previous).get("release")
        except (ValueError, AttributeError):
            kept = None
        if isinstance(kept, str) and (same := encode(document | {"release": kept})) == previous:
            return same
    return encode(document | {"release": data.release or None})


def _previous(data: BulkData, path: str) -> bytes | None:
    if data.previous.site is None:
        return None
    try:
        with open(f"{data.previous.site}/{path}", "rb") as f:
            return f.read()
    except OSError:
        return None


def encode(document: dict[str, Any]) -> bytes:
    return (json.dumps(document, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")


def schema(base_url: str) -> dict[str, Any]:
    """The JSON Schema (2020-12) of a subject file, published at ``api/subject.schema.json``."""
    text, nullable = {"type": "string"}, {"type": ["string", "null"]}
    listing = {
        "type": "object", "required": ["dataset", "list_label", "记录ID", "measures"],
        "properties": {
            "dataset": text, "list_type": {"enum": ["punishment", "watch", "incentive", None]}, "list_label": text,
            "list_name": nullable, "listed_on": nullable, "valid_until": nullable, "记录ID": text,
            "measures": {"type": "array", "items": {"type": "object", "required": ["label", "text", "url"],
                                                     "properties": {"label": text, "text": text, "url": text}}},
        },
    }  # fmt: skip
    dataset = {
        "type": "object", "required": ["id", "title", "kind", "records"],
        "properties": {
            "id": text, "title": text, "kind": text,
            "records": {"type": "array", "minItems": 1, "items": {
                "type": "object", "required": ["记录ID"], "properties": {"记录ID": text},
                "additionalProperties": nullable}},
        },
    }  # fmt: skip
    grade = {
        "type": "object", "required": ["dataset", "记录ID", "grade", "title", "meaning", "badge"],
        "properties": {"dataset": text, "记录ID": text, "grade": text, "title": nullable, "meaning": nullable,
                       "badge": {"type": "boolean"}},
    }  # fmt: skip
    commitment = {
        "type": "object", "required": ["dataset", "记录ID", "item", "item_name", "result"],
        "properties": {"dataset": text, "记录ID": text, "item": nullable, "item_name": nullable, "result": nullable},
    }  # fmt: skip
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema", "$id": base_url + paths.API_SUBJECT_SCHEMA,
        "title": "信用主体公示信息（按统一社会信用代码）", "type": "object",
        "required": ["code", "name", "release", "archive", "total", "listed", "datasets"],
        "properties": {
            "$schema": text, "code": {"type": "string", "pattern": urls.SUBJECT_CODE.pattern}, "name": text,
            "kind": nullable, "release": nullable, "archive": text, "total": {"type": "integer", "minimum": 1},
            "listed": {"type": "array", "items": listing}, "datasets": {"type": "array", "minItems": 1, "items": dataset},
            "grades": {"type": "array", "minItems": 1, "items": grade},
            "commitments": {"type": "array", "minItems": 1, "items": commitment},
        },
    }  # fmt: skip
