"""Run the real frictionless validator (its Python API — the same code as ``frictionless validate``)."""

from __future__ import annotations

from pathlib import Path

from frictionless import validate


def frictionless_errors(package: Path) -> list[list[object]]:
    """Every error frictionless finds in a data package (empty when it is valid)."""
    report = validate(str(package))
    return [] if report.valid else report.flatten(["taskNumber", "rowNumber", "fieldName", "type", "note"])
