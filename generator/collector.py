"""Python's cyclic garbage collector runs less often while gongshi works, and memory let go goes back to the system.

Stage: shared by the build (``generator.build``: its own process, and the page workers it forks, which inherit
the setting) and the tasks on a Dask cluster (``generator.cluster``: a Dask worker is started, not forked from
the build, so each task sets it in its worker). Guarantees: ``fewer_collections`` sets ``THRESHOLDS`` for the
block and restores what was set before, also when the block raises; collection still happens, only less often.

Why: a build allocates millions of short-lived objects beside a large long-lived heap, and every collection of
the older generations walks that heap. Measured (1 M records, one day's rebuild, default thresholds against
these, back to back): 96.2 → 89.8 s wall, 91.5 → 83.1 s of user CPU, peak RSS unchanged. In the tasks too
(200 k records, full builds on ``local:2``, two pairs interleaved): user CPU 73.1 / 73.7 → 71.2 / 67.1 s; the
wall time moved within this disk's noise (61.6–66.1 s either way).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cache

import pyarrow as pa

THRESHOLDS = (100_000, 50, 100)  # Python's default: (700, 10, 10)


@contextmanager
def fewer_collections() -> Iterator[None]:
    """``THRESHOLDS`` while the block runs; the thresholds set before, after it."""
    before = gc.get_threshold()
    gc.set_threshold(*THRESHOLDS)
    try:
        yield
    finally:
        gc.set_threshold(*before)


def give_back() -> None:
    """Hand the system the memory freed objects left to Arrow's pool and to the C heap (collecting first, so
    that objects only a reference cycle holds are freed too)."""
    gc.collect()
    give_back_arrow()
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


def give_back_arrow() -> None:
    """Hand the system what Arrow's pool holds freed, at once (no collection: it costs nothing to call between
    two large Arrow steps). Its allocator (mimalloc) keeps freed memory for a second otherwise, so one step's
    freed buffers sit beside the next step's new ones (a trace of the seal's steps on ``bench/bench_ledger.py``'s
    1.3 M paths: its peak 505 → 402 MiB with this between them)."""
    pa.default_memory_pool().release_unused()


@cache
def _malloc_trim() -> Callable[[int], int] | None:
    """glibc's ``malloc_trim``; None under a C library without it."""
    libc = ctypes.util.find_library("c")
    trim: Callable[[int], int] | None = getattr(ctypes.CDLL(libc), "malloc_trim", None) if libc else None
    return trim
