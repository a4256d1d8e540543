"""Shared fixtures: real builds of the demo catalog and of a synthetic sample catalog, made once per session."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings

from generator.cluster import Cluster, connect, parse_scheduler

# No deadline for any property test: a verdict must not depend on the machine's speed (on a loaded 2-core
# machine one example of tests/packs/test_typed_slices.py took 262 ms against Hypothesis' default 200 ms, and
# 21 ms when tried again). A test's own ``@settings`` still sets everything else.
settings.register_profile("gongshi", deadline=None)
settings.load_profile("gongshi")

REPO = Path(__file__).resolve().parents[1]
DEMO_CATALOG = REPO / "catalog"
AS_OF = date(2026, 11, 20)


def run_build(catalog: Path, out: Path, as_of: date = AS_OF) -> Path:
    from generator.build import BuildOptions, build

    result = build(BuildOptions(catalog=catalog, out=out, as_of=as_of))
    assert result.config_ok, [p.message for p in result.problems]
    assert result.swapped or result.unchanged  # unchanged: the published portal came from these very inputs
    return out


@pytest.fixture(scope="session")
def demo_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``published/`` of the demo catalog built as of 2026-11-20."""
    return run_build(DEMO_CATALOG, tmp_path_factory.mktemp("demo") / "published")


@pytest.fixture(scope="session")
def sample_catalog(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A synthetic catalog of 6,000 records with realistic repairs, revocations, corrections and bad rows."""
    from generator.sample import write_sample

    out = tmp_path_factory.mktemp("sample") / "catalog"
    write_sample(out, 6000, seed=7)
    return out


@pytest.fixture(scope="session")
def sample_build(sample_catalog: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return run_build(sample_catalog, tmp_path_factory.mktemp("sample-out") / "published")


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """One headless Debian Chromium per test process: Playwright's sync API allows one running instance."""
    from tests.browser.kit import chromium

    with chromium() as launched:
        yield launched


@pytest.fixture(scope="module")
def cluster() -> Iterator[Cluster]:
    """A LocalCluster of two worker processes (``--scheduler local:2``), shared by a test module's tests."""
    running = connect(parse_scheduler("local:2"))
    try:
        yield running
    finally:
        running.close()
