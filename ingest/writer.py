"""Where an ingest's batches are written: in this process, or by a writer process.

The pipeline hands each batch of loaded rows to a writer, one file at a time (``writer.file``):

- :class:`InlineWriter` writes them here, in one bulk session per file. Any store.
- :class:`~ingest.writer_process.ProcessWriter` sends them to a writer process that has its own
  connection to the same SQLite file and one bulk session for the run. Reading, mapping and
  resolving on one core then overlap with writing on the other, across files too: the writer
  reads ahead, and the ingest goes on to the next file without waiting for the last one to be
  written (bench/RESULTS.md has the measurements). Rows are written and refused exactly as
  inline (the same :class:`Batch`); a file's counts, refused rows and version reach its report
  when the writer answers for it, at the latest when the writer is closed. Until then this
  process's reads do not see those rows: the resolver keeps the ids it created meanwhile
  (``Resolver.unwritten``), and ``sync`` commits everything sent when it holds too many or
  before it first reads a type's names.

:class:`Writers` picks one per file: the ``KG_INGEST_WRITER`` setting (``auto``: a process for
source files of at least ``KG_INGEST_PROCESS_MIN_MB`` into a SQLite store, inline otherwise).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager, contextmanager
from itertools import islice
from pathlib import Path
from typing import Any, Protocol

from ingest.loader import Loaded
from ingest.report import MAX_LISTED, Counts, IngestReport, Reject, RejectsWriter
from kg.errors import InvalidInput
from kg.model import Node
from kg.settings import get_settings
from kg.stores.base import GraphStore
from kg.stores.sqlite import SQLiteStore

Rows = list[tuple[int, Loaded]]
Refuse = Callable[[int, str, str], None]  # (row, field, reason) of a row the store refused


def reject(report: IngestReport, rejects: RejectsWriter, row: int, field: str, reason: str) -> None:
    """A rejected row into the report (the first ``MAX_LISTED``) and the rejects file (all)."""
    item = Reject(file=report.file, row=row, field=field, reason=reason)
    report.rows_rejected += 1
    rejects.write(item)
    if len(report.rejects) < MAX_LISTED:
        report.rejects.append(item)


class Repeats:
    """The nodes this run has written, by id: the content (type, name, aliases, properties) and row
    of the last one. A later row of the same file naming a node with the same content changes
    nothing (provenance keeps a file's first row), so it need not reach the store: the
    enterprise on a thousand patent rows is written once. Least recently named first out beyond
    ``limit``, so memory stays flat; a node forgotten is merely written again, found unchanged."""

    def __init__(self, limit: int = 50_000) -> None:
        self.limit = limit
        # id → (type, name, aliases, props, row) of the last one
        self.written: dict[str, tuple[Any, ...]] = {}
        self._pending: dict[str, tuple[Any, ...]] = {}

    def fresh(self, nodes: Iterable[Node]) -> list[Node]:
        """The nodes that may change something, in order; remembered as written on ``commit``."""
        written = self.written
        pending: dict[str, tuple[Any, ...]] = {}
        out = []
        for node in nodes:
            nid, prov = node.id, node.provenance
            row = prov[0].row or 0 if len(prov) == 1 else -1
            last = pending.get(nid) or written.get(nid)
            if (  # most nodes are repeats: compared field by field, no tuple built for them
                last is not None
                and row >= last[4] >= 0
                and last[0] == node.type
                and last[1] == node.name
                and last[2] == node.aliases
                and last[3] == node.props
            ):
                if nid in written:  # named again: keep it among the recent
                    written[nid] = written.pop(nid)
                continue
            pending[nid] = (node.type, node.name, node.aliases, node.props, row)
            out.append(node)
        self._pending = pending
        return out

    def commit(self) -> None:
        written = self.written
        for node_id, last in self._pending.items():
            written.pop(node_id, None)
            written[node_id] = last
        for node_id in list(islice(written, max(0, len(written) - self.limit))):
            del written[node_id]

    def forget(self) -> None:
        self.written.clear()


class Batch:
    """Writes batches of loaded rows to ``store``, adding what it did to ``nodes`` and ``edges``;
    a row the store refuses goes to ``refuse`` and the rest of its batch is still written."""

    def __init__(self, store: GraphStore, nodes: Counts, edges: Counts, refuse: Refuse) -> None:
        self.store = store
        self.nodes = nodes
        self.edges = edges
        self.refuse = refuse
        self.repeats = Repeats()

    def write(self, rows: Rows) -> None:
        if not rows:
            return
        nodes = self.repeats.fresh(n for _, loaded in rows for n in loaded.nodes)
        edges = [e for _, loaded in rows for e in loaded.edges]
        try:
            self.nodes.add(self.store.upsert_nodes(nodes))
        except InvalidInput:
            self.repeats.forget()
            self._in_parts(rows, with_nodes=True)
        else:
            self.repeats.commit()
            try:
                self.edges.add(self.store.upsert_edges(edges))
            except InvalidInput:
                self._in_parts(rows, with_nodes=False)

    def _in_parts(self, rows: Rows, *, with_nodes: bool) -> None:
        """``rows`` were refused by the store: write each half, halving a refused half again down
        to single rows, which are rejected. k refused rows among n cost about 2k·log2(n) batches
        instead of n one-row batches. Nodes written before a row's edges were refused stay (they
        were valid), as they would row by row."""
        if len(rows) > 1:
            mid = len(rows) // 2
            for part in (rows[:mid], rows[mid:]):
                write = self._in_parts if len(part) == 1 else self._write
                write(part, with_nodes=with_nodes)
            return
        ((row, loaded),) = rows
        try:
            if with_nodes:
                self.nodes.add(self.store.upsert_nodes(loaded.nodes))
            self.edges.add(self.store.upsert_edges(loaded.edges))
        except InvalidInput as exc:
            self.refuse(row, "", f"存储拒绝 the store refused it: {exc.message}")

    def _write(self, rows: Rows, *, with_nodes: bool) -> None:
        if with_nodes:
            try:
                self.nodes.add(self.store.upsert_nodes(n for _, r in rows for n in r.nodes))
            except InvalidInput:
                self._in_parts(rows, with_nodes=True)
                return
        try:
            self.edges.add(self.store.upsert_edges(e for _, r in rows for e in r.edges))
        except InvalidInput:
            self._in_parts(rows, with_nodes=False)


class FileOut(Protocol):
    """One file's batches on their way to the store."""

    def write(self, rows: Rows) -> None: ...

    @property
    def visible(self) -> bool:
        """Whether the rows written so far are visible to this process's reads of the store."""
        ...

    def sync(self) -> None:
        """Make the rows written so far visible to this process's reads (waits for them)."""


class Writer(Protocol):
    def file(self, report: IngestReport, rejects: RejectsWriter) -> AbstractContextManager[FileOut]:
        """A context manager giving the file's :class:`FileOut`. Its rows are counted in
        ``report`` (refused ones in ``report`` and ``rejects``) once written: inline on exit, by a
        writer process when it answers (at the latest when the writer is closed)."""

    def close(self, *, interrupted: bool = False) -> None:
        """Finish: every answer applied; ``interrupted`` (Ctrl-C) stops at once instead, keeping
        the batches written, as an inline bulk session does."""


class _InlineOut:
    visible = True

    def __init__(self, batch: Batch) -> None:
        self.write = batch.write

    def sync(self) -> None:
        return None


class InlineWriter:
    """Writes in this process: one bulk session per file."""

    def __init__(self, store: GraphStore) -> None:
        self.store = store

    @contextmanager
    def file(self, report: IngestReport, rejects: RejectsWriter) -> Iterator[FileOut]:
        def refuse(row: int, field: str, reason: str) -> None:
            reject(report, rejects, row, field, reason)

        with self.store.bulk():
            yield _InlineOut(Batch(self.store, report.nodes, report.edges, refuse))

    def close(self, *, interrupted: bool = False) -> None:
        return None


class Writers:
    """The writer for each file of a run: ``KG_INGEST_WRITER`` (``inline``, ``process`` or
    ``auto``: a writer process for SQLite source files of at least ``KG_INGEST_PROCESS_MIN_MB``);
    one writer process for the whole run, started at the first file that needs it and then used
    for every later file. Going inline for a small file in between would first have to wait for
    the writer to commit (its session holds the store's write lock): 24 s at 100x."""

    def __init__(self, store: GraphStore, mode: str | None = None) -> None:
        settings = get_settings()
        self.store = store
        self.mode = mode or settings.ingest_writer
        if self.mode not in ("auto", "inline", "process"):
            raise InvalidInput(f"ingest writer must be auto, inline or process, got {self.mode!r}")
        self._min_bytes = settings.ingest_process_min_mb * 1_000_000
        self._inline = InlineWriter(store)
        self._process: Writer | None = None

    def for_file(self, path: Path) -> Writer:
        store = self.store
        # The writer process opens the store's class on the same file: SQLite stores only, of a
        # class it can import (not one defined inside a function).
        if (
            self.mode == "inline"
            or not isinstance(store, SQLiteStore)
            or "<locals>" in type(store).__qualname__
        ):
            return self._inline
        if self._process is not None:  # started: later files go the same way, small ones too
            return self._process
        if self.mode == "auto" and path.stat().st_size < self._min_bytes:
            return self._inline
        if self._process is None:
            from ingest.writer_process import ProcessWriter  # it imports this module

            self._process = ProcessWriter(type(store), store.path)
        return self._process

    def close(self, *, interrupted: bool = False) -> None:
        if self._process is not None:
            self._process.close(interrupted=interrupted)
            self._process = None

    def __enter__(self) -> Writers:
        return self

    def __exit__(self, kind: type[BaseException] | None, *exc: object) -> None:
        self.close(interrupted=kind is not None and issubclass(kind, KeyboardInterrupt))
