"""The build's memory: freed memory is handed back to the system (``generator.collector.give_back``), by itself
and at every stage boundary of a build (``generator.build.options.Stages``)."""

from __future__ import annotations

import ctypes.util
from collections.abc import Iterator

import pytest

from generator.build.options import Stages
from generator.collector import give_back
from tests.daskkit import KEPT, anon_kib, fragment_memory

HOLES_KIB = 80 * 1024  # of the ≈ 117 MiB of holes ``fragment_memory`` leaves, at least this much comes back

LIBC = ctypes.util.find_library("c")
glibc = pytest.mark.skipif(
    not LIBC or not hasattr(ctypes.CDLL(LIBC), "malloc_trim"),
    reason="a C library without malloc_trim keeps its heap's holes",
)


@pytest.fixture
def holes() -> Iterator[int]:
    """Holes in this process's C heap that it cannot give back by itself; RssAnon (KiB) with them."""
    give_back()  # start from a heap without holes of earlier tests
    with_holes = fragment_memory(None)
    try:
        yield with_holes
    finally:
        KEPT.clear()


@glibc
def test_give_back_hands_the_system_the_holes_freed_objects_leave_in_the_c_heap(holes: int) -> None:
    assert anon_kib() > holes - HOLES_KIB  # the heap keeps them by itself
    give_back()
    assert anon_kib() < holes - HOLES_KIB


@glibc
def test_a_stage_starts_with_the_memory_the_stages_before_let_go_handed_back(holes: int) -> None:
    seen: list[int] = []
    Stages(lambda _: seen.append(anon_kib()))("rules")
    assert seen and seen[0] < holes - HOLES_KIB
