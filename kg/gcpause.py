"""CPython's cyclic garbage collector paused around bulk work that allocates millions of objects
in no cycle: ingesting files and building projections."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager


class CollectorPause:
    """CPython's cyclic garbage collector paused while files are ingested, a store bulk-loads or a
    projection is built.

    An ingest run allocates millions of short-lived objects that form no cycles (records, drafts, nodes,
    edges) and holds a batch of them until it is written. The collector's thresholds count those
    allocations, so it traversed each batch several times and the whole heap about once per batch:
    a fifth of an ingest's CPU at 10x, growing with the heap. Paused instead; each written batch
    ends with a collection of the young generations (process-wide, so any young cycle anywhere is
    still freed per batch) and the old generation waits for the end of the run. A projection build
    is the same: millions of attribute and adjacency dicts, none in a cycle. Pauses may nest or
    overlap in threads: the collector resumes when the last one ends, if it ran before the first."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._depth = 0
        self._resume = False

    @contextmanager
    def __call__(self) -> Iterator[None]:
        with self._lock:
            if self._depth == 0:
                self._resume = gc.isenabled()
                gc.disable()
            self._depth += 1
        try:
            yield
        finally:
            with self._lock:
                self._depth -= 1
                if self._depth == 0 and self._resume:
                    gc.enable()


collector_paused = CollectorPause()
