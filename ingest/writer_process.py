"""The writer process: a second Python interpreter that writes an ingest's batches into the same
SQLite file, so that reading, mapping and resolving (the ingesting process) overlap with writing.
:class:`ProcessWriter` is the ingesting process's side; ``_serve`` the writer's. Rows are written
and refused by the same :class:`ingest.writer.Batch` as inline; see :mod:`ingest.writer`."""

from __future__ import annotations

import importlib
import os
import pickle
import queue
import signal
import subprocess
import sys
import threading
import time
import traceback
from collections import deque
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager, suppress
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any, NamedTuple

from ingest.loader import Loaded
from ingest.report import Counts, IngestReport, RejectsWriter
from ingest.writer import Batch, FileOut, Rows, reject
from kg.errors import StoreUnavailable
from kg.gcpause import collector_paused
from kg.model import Provenance, new_edge, new_node, new_provenance
from kg.stores.base import GraphStore
from kg.stores.sqlite import SQLiteStore

# Rows travel as plain tuples: a row's provenance once, and each node and edge as a tuple whose
# provenance is None when it is the row's (always, from the loaders). Pickling Node and Edge
# objects instead cost the 100x county 14.5 s of the main process's time; plain tuples 11.5 s.
_Item = tuple[int, tuple[tuple[Any, ...], ...], list[tuple[Any, ...]], list[tuple[Any, ...]]]


def _encode(rows: Rows) -> list[_Item]:
    items: list[_Item] = []
    for row, loaded in rows:
        first = loaded.nodes or loaded.edges
        prov: tuple[Provenance, ...] = first[0].provenance if first else ()
        plain = tuple((p.source, p.file_sha256, p.row, p.ingested_at) for p in prov)
        nodes = [
            (
                n.id,
                n.type,
                n.name,
                n.aliases,
                n.props,
                None if n.provenance is prov else n.provenance,
            )
            for n in loaded.nodes
        ]
        edges = [
            (
                e.source,
                e.type,
                e.target,
                e.key,
                e.props,
                None if e.provenance is prov else e.provenance,
            )
            for e in loaded.edges
        ]
        items.append((row, plain, nodes, edges))
    return items


def _decode(items: list[_Item]) -> Rows:
    rows: Rows = []
    for row, plain, nodes, edges in items:
        prov = tuple(new_provenance(*p) for p in plain)
        rows.append(
            (
                row,
                Loaded(
                    [
                        new_node(i, t, n, a, p, prov if v is None else v)
                        for i, t, n, a, p, v in nodes
                    ],
                    [
                        new_edge(s, t, d, k, p, prov if v is None else v)
                        for s, t, d, k, p, v in edges
                    ],
                ),
            )
        )
    return rows


# Batches the writer process reads ahead of the one it writes (raw bytes, ~1-2 MB each): the
# ingesting process may run this far ahead, so that a file heavy on resolving (the enterprise
# lists) overlaps with one heavy on writing (the patents) instead of each waiting for the other.
_READ_AHEAD = 32


def _receive(conn: Connection, inbox: queue.Queue[bytes | None]) -> None:
    """The writer process's reader thread: messages into ``inbox``; ``None`` once the pipe ends."""
    try:
        while True:
            inbox.put(conn.recv_bytes())
    except (EOFError, OSError):
        inbox.put(None)


def _next(inbox: queue.Queue[bytes | None]) -> tuple[str, Any]:
    data = inbox.get()
    if data is None:
        raise EOFError("the ingesting process is gone")
    message: tuple[str, Any] = pickle.loads(data)
    return message


class _Session:
    """The writer process's bulk session: one for all the files it is sent, ended (so committed)
    by a ``sync``, a failure or the end of the run. Per file, the 100x county's in-edge index was
    rebuilt after each large file; now once."""

    def __init__(self, store: GraphStore) -> None:
        self.store = store
        self._stack: ExitStack | None = None

    def begin(self) -> None:
        if self._stack is None:
            stack = ExitStack()
            stack.enter_context(self.store.bulk())
            self._stack = stack

    def end(self) -> None:
        stack, self._stack = self._stack, None
        if stack is not None:
            stack.close()


def _serve_file(
    session: _Session, inbox: queue.Queue[bytes | None], conn: Connection, failed: str | None
) -> str | None:
    """The writer process's side of one file: its batches until ``end``, answered with what was
    written and refused. After a failure (``failed``) nothing more is written, in this file or
    the next ones: the ingesting process stops at the first failed file."""
    store = session.store
    nodes, edges = Counts(), Counts()
    refused: list[tuple[int, str, str]] = []
    batch = Batch(store, nodes, edges, lambda row, field, why: refused.append((row, field, why)))
    while True:
        kind, payload = _next(inbox)
        if kind == "rows" and failed is None:
            try:
                session.begin()
                batch.write(_decode(payload))
            except Exception:  # not a refused row (those are InvalidInput): the store failed
                failed = traceback.format_exc()
                session.end()  # the batches written before are kept
        elif kind == "sync":
            session.end()  # commits what was written
            conn.send(("synced", failed))
        elif kind == "end":
            conn.send(("done", (nodes, edges, refused, failed, store.version)))
            return failed


def _serve(
    store_class: type[SQLiteStore], path: str, inbox_conn: Connection, conn: Connection
) -> None:
    """The writer process: opens the store and writes the files it is sent (``inbox_conn``) until
    ``stop``, answering on ``conn``."""
    store = store_class(path)
    inbox: queue.Queue[bytes | None] = queue.Queue(maxsize=_READ_AHEAD)
    threading.Thread(target=_receive, args=(inbox_conn, inbox), daemon=True).start()
    session = _Session(store)
    failed: str | None = None
    try:
        with collector_paused():
            while True:
                kind, _ = _next(inbox)
                if kind == "stop":
                    return
                if kind == "sync":  # between files
                    session.end()
                    conn.send(("synced", failed))
                    continue
                failed = _serve_file(session, inbox, conn, failed)
    except EOFError:  # the ingesting process is gone: the batches written are kept
        return
    finally:
        session.end()
        store.close()


class _RemoteOut:
    def __init__(self, writer: ProcessWriter) -> None:
        self._writer = writer

    def write(self, rows: Rows) -> None:
        if rows:
            self._writer.send(("rows", _encode(rows)))

    @property
    def visible(self) -> bool:
        return self._writer.visible

    def sync(self) -> None:
        self._writer.sync()


def _failure(text: str) -> StoreUnavailable:
    last = text.strip().splitlines()[-1] if text.strip() else "unknown error"
    return StoreUnavailable(f"写入进程出错 the writer process failed: {last}")


class _Pending(NamedTuple):
    report: IngestReport
    rejects: RejectsWriter
    started: float


class ProcessWriter:
    """Writes through a writer process that opens ``store_class(path)`` (a SQLite store file; the
    class by reference, so it must be importable), started here and stopped by ``close``: a new
    Python interpreter that shares no connection with this process and, unlike multiprocessing's
    ``spawn``, does not import the caller's main module again.

    A file's batches are sent as they come; the writer process reads up to ``_READ_AHEAD`` ahead,
    writes every file in one bulk session (committed by ``sync`` and at the end) and answers each
    file when it has written it. The ingesting process does not wait for that answer at the end
    of a file: it goes on with the next one, and the earlier file's report gets its counts,
    refused rows, version and time when the answer is read (``sync``, ``close``, or when the
    ingest stops with an error). Until a ``sync`` or ``close``, :attr:`visible` is false."""

    def __init__(self, store_class: type[SQLiteStore], path: Path) -> None:
        # A new interpreter (``python -c``), not multiprocessing's spawn: spawn imports the
        # caller's main module again, which re-runs a script without a ``__main__`` guard.
        to_child, child_in = os.pipe()
        child_out, from_child = os.pipe()
        target = f"{store_class.__module__}:{store_class.__qualname__}"
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(p or os.getcwd() for p in sys.path)
        self._proc = subprocess.Popen(
            [sys.executable, "-c", _CHILD, target, str(path), str(to_child), str(from_child)],
            pass_fds=(to_child, from_child),
            env=env,
            # Its own process group: a terminal's Ctrl-C (SIGINT to the foreground group) reaches
            # only the ingesting process, which then stops this one (``_interrupt``).
            start_new_session=True,
        )
        os.close(to_child)
        os.close(from_child)
        self._send_conn = Connection(child_in, readable=False)
        self._conn = Connection(child_out, writable=False)
        self._pending: deque[_Pending] = deque()
        self._sent = False  # rows sent since the last answer that made them visible

    @property
    def visible(self) -> bool:
        """Whether every row sent so far is committed, so this process's reads see it."""
        return not self._sent and not self._pending

    def send(self, message: tuple[str, Any]) -> None:
        try:
            self._send_conn.send_bytes(pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL))
        except (BrokenPipeError, EOFError, ConnectionResetError) as exc:
            raise self._died() from exc
        if message[0] == "rows":
            self._sent = True

    def _answer(self) -> tuple[str, Any]:
        """The next answer; a file's is applied to its report on the way."""
        try:
            kind, payload = self._conn.recv()
        except (EOFError, ConnectionResetError) as exc:
            raise self._died() from exc
        if kind == "done":
            self._done(self._pending.popleft(), *payload)
        return kind, payload

    def _done(
        self,
        pending: _Pending,
        nodes: Counts,
        edges: Counts,
        refused: list[tuple[int, str, str]],
        failed: str | None,
        version: int,
    ) -> None:
        report = pending.report
        for counts, done in ((report.nodes, nodes), (report.edges, edges)):
            counts.created += done.created
            counts.updated += done.updated
            counts.unchanged += done.unchanged
        for row, field, reason in refused:
            reject(report, pending.rejects, row, field, reason)
        report.rows_accepted = report.rows_read - report.rows_rejected
        report.version_after = version
        report.seconds = round(time.perf_counter() - pending.started, 3)
        if failed:
            self._pending.clear()  # later files wrote nothing: the ingest stops here
            raise _failure(failed)

    def sync(self) -> None:
        """Wait until every row sent so far is committed (and every file's answer applied)."""
        self.send(("sync", None))
        while self._answer()[0] != "synced":
            pass
        self.drain()  # answered before "synced": none is left
        self._sent = False

    def drain(self) -> None:
        """Apply the answers of every file sent so far (waits for them; their rows may still be
        uncommitted, in the writer's session: ``sync`` commits)."""
        while self._pending:
            self._answer()

    def _died(self) -> StoreUnavailable:
        with suppress(subprocess.TimeoutExpired):
            self._proc.wait(timeout=5)
        return StoreUnavailable(
            f"写入进程退出 the writer process exited (exit code {self._proc.returncode}); "
            "the batches it had committed are kept"
        )

    @contextmanager
    def file(self, report: IngestReport, rejects: RejectsWriter) -> Iterator[FileOut]:
        started = time.perf_counter()
        self.send(("file", None))
        try:
            yield _RemoteOut(self)
        except KeyboardInterrupt:
            self._interrupt()
            raise
        except BaseException:
            self.send(("end", None))
            self._pending.append(_Pending(report, rejects, started))
            self.drain()  # the ingest stops: what was written is counted, then the error goes on
            raise
        self.send(("end", None))
        self._pending.append(_Pending(report, rejects, started))

    def _interrupt(self) -> None:
        """Ctrl-C: the writer process drops the batches it has not begun, ends its session (so
        commits the batches it wrote, as an inline bulk session does when interrupted) and exits;
        this process does not wait for the answers."""
        self._pending.clear()
        if self._proc.poll() is None:
            self._proc.terminate()
            try:
                self._proc.wait(timeout=120)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.wait()

    def close(self, *, interrupted: bool = False) -> None:
        """Apply the answers still to come, then stop the writer process, which commits what it
        wrote when its session ends (at once when ``interrupted``: see :meth:`_interrupt`)."""
        if interrupted:
            self._interrupt()
        try:
            if self._proc.poll() is None:
                self.drain()
        finally:
            if self._proc.poll() is None:
                with suppress(BrokenPipeError, OSError):
                    self.send(("stop", None))
                try:
                    self._proc.wait(timeout=120)
                except subprocess.TimeoutExpired:
                    self._proc.kill()
                    self._proc.wait()
            self._send_conn.close()
            self._conn.close()


def _terminated(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)  # unwinds: the batch being written rolls back, the rest commit


def _child_main(argv: list[str]) -> None:
    """The writer process's entry: ``module:Class path in_fd out_fd``."""
    signal.signal(signal.SIGTERM, _terminated)  # how the ingesting process stops it on Ctrl-C
    target, path, in_fd, out_fd = argv
    module, _, qualname = target.partition(":")
    store_class: Any = importlib.import_module(module)
    for part in qualname.split("."):
        store_class = getattr(store_class, part)
    inbox = Connection(int(in_fd), writable=False)
    answers = Connection(int(out_fd), readable=False)
    _serve(store_class, path, inbox, answers)


_CHILD = "import sys; from ingest.writer_process import _child_main; _child_main(sys.argv[1:])"
