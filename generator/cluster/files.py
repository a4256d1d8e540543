"""The files a Dask build's tasks exchange: items spilled for the workers, the objects they share, Arrow tables.

Stage: shared by the build's process and the workers of ``generator.cluster`` (``Cluster.map_files`` writes
and submits, the tasks read); nothing here imports Dask. Guarantees:
- ``spill`` pickles an item into its own file in a folder the workers see, and ``_call``, on a worker, loads it
  and runs the task on it, so nothing goes through the scheduler and a task run again reads its file again;
- ``Common``: objects many items of a map hold are pickled once into their own file and an item's file names
  them instead of holding a copy; a worker reads them once and its tasks share them (``_trim`` forgets them once
  the map is done, its files being gone);
- a task's result comes back pickled into one ``bytes`` object: Dask serialises a list element by element,
  with a header each (``distributed.protocol.serialize``, ``iterate_collection``), and a page task returns
  thousands of ``Written`` (measured on a LocalCluster of two workers: 500 tasks returning 1,000 small tuples
  each cost the build process 11.7 s of CPU and took 22.9 s; the same lists pickled by the task, 0.8 s and
  1.2 s, as much as tasks returning nothing);
- ``share_table`` writes a table once, as an uncompressed Arrow IPC file, that tasks read memory-mapped
  (``shared_table``) instead of receiving its rows pickled.
"""

from __future__ import annotations

import os
import pickle
import tempfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

import pyarrow as pa
from pyarrow import ipc

from generator.collector import fewer_collections, give_back


@dataclass(frozen=True)
class Common:
    """Objects many items of a map hold (a build's dataset specs, the page shell), pickled once into ``file``:
    an item's file names them instead of holding a copy (measured at 200 k records: a page task's payload
    carried ≈ 100 KB of dataset specs and page shell, ≈ 1.5 ms of the build's CPU to pickle, every task). A
    worker reads them once and its tasks share them, as forked workers share the build's: objects the tasks
    only read."""

    file: str
    index: dict[int, int]  # id() of each object → its place in the file
    objects: tuple[Any, ...] = field(repr=False, compare=False)  # held: their id()s stay theirs

    @classmethod
    def of(cls, objects: Iterable[Any], folder: Path) -> Common:
        held = tuple({id(o): o for o in objects if not _trivial(o)}.values())
        file = spill(held, folder)
        return cls(str(file), {id(o): n for n, o in enumerate(held)}, held)

    def named(self, obj: Any) -> tuple[str, int] | None:
        """For ``pickle.Pickler.persistent_id``: how an item's file names ``obj``, if it is common."""
        place = self.index.get(id(obj))
        return None if place is None else (self.file, place)


def _trivial(obj: Any) -> bool:
    """None and empty containers: shared by identity with every other one, so never common."""
    return obj is None or (isinstance(obj, tuple | list | dict | set | str) and not obj)


def spill(shared: Any, folder: Path, common: Common | None = None) -> Path:
    """``shared``, pickled into a new file in ``folder`` (naming the objects of ``common``)."""
    folder.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix="shared-", suffix=".pickle", dir=folder)
    with os.fdopen(fd, "wb") as f:
        pickler = pickle.Pickler(f, protocol=pickle.HIGHEST_PROTOCOL)
        if common is not None:
            pickler.persistent_id = common.named  # type: ignore[method-assign]
        pickler.dump(shared)
    return Path(name)


class _Unpickler(pickle.Unpickler):
    """Reads a ``spill`` file, the common objects it names from their own file (read once per process)."""

    loaded: ClassVar[tuple[str, tuple[Any, ...]]] = ("", ())  # the last common file read, and its objects

    def persistent_load(self, pid: Any) -> Any:
        file, place = pid
        if _Unpickler.loaded[0] != file:
            with open(file, "rb") as f:
                _Unpickler.loaded = (file, pickle.load(f))
        return _Unpickler.loaded[1][place]


def _call(fn: Callable[[Any], Any], file: str) -> bytes:
    """On a worker: ``fn`` of the item ``spill`` wrote to ``file``, pickled (one frame for Dask to carry,
    however many objects the result holds: see the module's docstring)."""
    with open(file, "rb") as f:
        item = _Unpickler(f).load()
    with fewer_collections():  # as in the build's process and its forked workers
        result = fn(item)
    return pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL)


def _trim() -> None:
    """On a worker, once a stage's tasks are done: give the system back the memory its tasks freed, which
    Arrow's pool (mimalloc) and the C heap keep for reuse — else a worker enters each stage at the peak of
    the largest task of any earlier one (Dask's advice for memory not released, ``client.run`` of a trim)."""
    _Unpickler.loaded = ("", ())  # the map's common objects: its files are gone
    give_back()


def share_table(table: pa.Table, file: Path, batch_rows: int | None = None) -> None:
    """Write ``table`` to ``file`` as an uncompressed Arrow IPC file, for tasks to read memory-mapped
    (``shared_table``) instead of receiving its rows pickled; with ``batch_rows``, in record batches of at most
    so many rows (a task may then read one batch at a time)."""
    with ipc.new_file(file, table.schema) as writer:
        writer.write_table(table, max_chunksize=batch_rows)


@contextmanager
def shared_table(file: str | Path) -> Iterator[pa.Table]:
    """The table ``share_table`` wrote to ``file``, memory-mapped for as long as the block runs."""
    with pa.memory_map(str(file)) as source:
        yield ipc.open_file(source).read_all()
