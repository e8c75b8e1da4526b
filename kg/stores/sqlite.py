"""The embedded store: one SQLite file in WAL mode, FTS5 trigram search for Chinese names.

Properties and provenance are JSON columns; each batch is one transaction (a savepoint inside a
bulk session); a ``meta.version`` counter is bumped by every batch that changes something, so
readers in other processes see it. This module holds the connections and the write path; the
reads are in ``kg.stores.sqlite_read``, the row encodings in ``kg.stores.sqlite_rows``.
"""

from __future__ import annotations

import gc
import sqlite3
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kg.errors import InvalidInput, StoreUnavailable
from kg.gcpause import collector_paused
from kg.model import Edge, Node
from kg.schema import NODE_TYPES
from kg.settings import get_settings
from kg.stores.base import UpsertResult
from kg.stores.merge import check_endpoints, prepare_edges, prepare_nodes
from kg.stores.sqlite_migrate import migrate_v1, migrate_v2, refuse_newer
from kg.stores.sqlite_read import SQLiteReads
from kg.stores.sqlite_rows import (
    _CACHE_MB,
    _CHUNK,
    _EDGE_COLS,
    _NODE_COLS,
    SOURCES_TABLE,
    Sources,
    _chunks,
    _edge_row,
    _insert_sql,
    _match_rank,
    _node_row,
    _row_edge,
    _row_node,
)

# Schema 2: edges refer to nodes by their row number ``nid``, not by their text id, so the two edge
# indexes (identity and in-edges), written in random order by every load, are smaller and leave
# the page cache later (measured with bench/edge_floor.py, results in bench/RESULTS.md).
# Schema 3: provenance refers to its file run (source, file hash, time) by number (``sources``,
# see ``kg.stores.sqlite_rows.Sources``).
SCHEMA = 3
_DDL = (
    f"""
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
INSERT OR IGNORE INTO meta VALUES ('version', '0'), ('schema', '{SCHEMA}');
{SOURCES_TABLE};
"""
    + """
CREATE TABLE IF NOT EXISTS nodes (
    nid INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    type TEXT NOT NULL,
    name TEXT NOT NULL,
    aliases TEXT NOT NULL DEFAULT '',
    props TEXT NOT NULL DEFAULT '{}',
    provenance TEXT NOT NULL DEFAULT '[]',
    hash TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS nodes_type ON nodes(type);
CREATE TABLE IF NOT EXISTS edges (
    src INTEGER NOT NULL,  -- nodes.nid
    type TEXT NOT NULL,
    dst INTEGER NOT NULL,  -- nodes.nid
    key TEXT NOT NULL DEFAULT '',
    props TEXT NOT NULL DEFAULT '{}',
    provenance TEXT NOT NULL DEFAULT '[]',
    weight REAL,
    year_from INTEGER,
    year_to INTEGER,
    hash TEXT NOT NULL,
    PRIMARY KEY (src, type, dst, key)
);
CREATE INDEX IF NOT EXISTS edges_dst ON edges(dst, type);
CREATE VIRTUAL TABLE IF NOT EXISTS nodes_fts USING fts5(
    name, aliases, content='nodes', content_rowid='nid', tokenize='trigram'
);
-- New nodes enter the search index from upsert_nodes, one INSERT … SELECT per batch: an AFTER
-- INSERT trigger cost 19 µs a node (1M nodes: 45k nodes/s in all), the statement 2–3 µs (173k).
DROP TRIGGER IF EXISTS nodes_ai;
CREATE TRIGGER IF NOT EXISTS nodes_ad AFTER DELETE ON nodes BEGIN
    INSERT INTO nodes_fts(nodes_fts, rowid, name, aliases) VALUES ('delete', old.rowid, old.name, old.aliases);
END;
CREATE TRIGGER IF NOT EXISTS nodes_au AFTER UPDATE OF name, aliases ON nodes BEGIN
    INSERT INTO nodes_fts(nodes_fts, rowid, name, aliases) VALUES ('delete', old.rowid, old.name, old.aliases);
    INSERT INTO nodes_fts(rowid, name, aliases) VALUES (new.rowid, new.name, new.aliases);
END;
"""
)

# Nodes whose row number and type are remembered between edge batches; beyond this many the memo
# starts over, so memory stays bounded (forgotten ones are looked up again, 900 ids a query). A
# remembered node is one int, ``nid << 5 | type number``: ~150 MB at the cap. Looking an end up in
# SQLite costs 2.5-4.6 µs at 1M nodes, and each edge has two: with the cap at 100k, loading 5M
# edges into a 1M-node store spent 40% of its time there.
_KNOWN_LIMIT = 1_000_000
_TYPE_NAMES = tuple(NODE_TYPES)
_TYPE_NUMBER = {t: i for i, t in enumerate(_TYPE_NAMES)}
assert len(_TYPE_NAMES) <= 32
_CHECKPOINT_PAGES = 100_000
_DEFER_DST_MIN = 200_000


@dataclass
class _Bulk:
    """A bulk session in progress (see ``SQLiteStore.bulk``)."""

    commit_rows: int
    mark: int  # conn.total_changes at the last commit
    edges_before: int  # edge rows when the session began (max rowid: an upper bound)
    edges_added: int = 0
    dst_dropped: bool = False  # the in-edge index is dropped until the session ends
    dst_kept: bool = False  # ...or must stay (a delete needed it)


class SQLiteStore(SQLiteReads):
    """``GraphStore`` on one SQLite file. Thread-safe: one connection per thread, writes serialised."""

    def __init__(self, path: str | Path, *, url: str | None = None) -> None:
        self.path = Path(path)
        self.url = url or f"sqlite:///{self.path}"
        self._local = threading.local()
        self._write_lock = threading.RLock()
        self._bulk: _Bulk | None = None
        # Row numbers and types of nodes known to exist, so edge batches need not look their ends
        # up again. Valid while nobody else writes: cleared whenever the version moved under us
        # (another process) or nodes were deleted.
        self._known: dict[str, int] = {}  # id → nid << 5 | type number
        self._pending: dict[str, int] = {}
        self._known_version = -1
        self._sources = Sources(self._conn)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            conn = self._conn()
            refuse_newer(conn, SCHEMA)
            migrate_v1(conn, _DDL)
            migrate_v2(conn)
            conn.executescript(_DDL)
        except (sqlite3.Error, OSError) as exc:
            raise StoreUnavailable(f"cannot open SQLite store at {self.path}: {exc}") from exc

    # -- connections -----------------------------------------------------------------------
    def _conn(self) -> sqlite3.Connection:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(
                self.path, isolation_level=None, check_same_thread=False, timeout=30
            )
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.execute("PRAGMA foreign_keys=OFF")
            conn.execute(f"PRAGMA cache_size=-{_CACHE_MB * 1024}")
            # Checkpoint the WAL into the database every ~400 MB instead of SQLite's 4 MB: each
            # batch of random inserts dirties pages all over the indexes, and a page rewritten by
            # many batches is then copied (and synced) once per checkpoint, not once per batch.
            # 100k nodes + 500k edges: 44.8k → 60.1k rows/s. The file shrinks back to 64 MB after.
            conn.execute(f"PRAGMA wal_autocheckpoint={_CHECKPOINT_PAGES}")
            conn.execute(f"PRAGMA journal_size_limit={64 * 2**20}")
            conn.create_function("ikg_match_rank", 3, _match_rank, deterministic=True)
            self._local.conn = conn
        return conn

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One batch: its own transaction, or a savepoint inside a :meth:`bulk` session. Either
        way, an exception leaves the store exactly as before the batch."""
        conn = self._conn()
        with self._write_lock:
            session = self._bulk
            if session is None:
                self._begin(conn)
            else:
                conn.execute("SAVEPOINT ikg_batch")
            if len(self._known) > _KNOWN_LIMIT:
                self._known.clear()
            self._pending.clear()
            try:
                yield conn
            except BaseException:
                if session is None:
                    conn.execute("ROLLBACK")
                else:
                    conn.execute("ROLLBACK TO ikg_batch")
                    conn.execute("RELEASE ikg_batch")
                self._sources.forget()  # a file run this batch added is gone again
                raise
            else:
                if session is None:
                    self._commit(conn)
                else:
                    conn.execute("RELEASE ikg_batch")
                self._known.update(self._pending)
                if session is not None:
                    self._bulk_step(conn, session)
            finally:
                self._pending.clear()

    def _begin(self, conn: sqlite3.Connection) -> None:
        conn.execute("BEGIN IMMEDIATE")
        if self._read_version(conn) != self._known_version:
            self._known.clear()  # another process wrote since: remembered row numbers may be stale

    def _commit(self, conn: sqlite3.Connection) -> None:
        version = self._read_version(conn)
        conn.execute("COMMIT")
        self._known_version = version

    @contextmanager
    def bulk(self, commit_rows: int | None = None) -> Iterator[None]:
        """A bulk-load session: the batches this thread writes inside it are grouped into
        transactions of about ``commit_rows`` changed rows (``KG_BULK_COMMIT_ROWS``), each batch
        still all-or-nothing (a savepoint). Other connections see the work when a group commits,
        and other threads' writes wait for the session to end.

        Why: a commit writes every page its transaction dirtied, and random edge inserts dirty
        about two index pages each. Grouping 5,000-row batches into 500k-row transactions took raw
        edge inserts at 1M nodes / 5M edges from 42.1k to 77.5k rows/s (``bench/edge_floor.py``,
        bench/RESULTS.md). The page cache is raised to ``KG_BULK_CACHE_MB`` (512) meanwhile, so the
        dirty pages stay in memory until a commit.

        Once the session has added more edges than a quarter of those the store had (and at least
        200,000), the in-edge index is dropped and built again, sorted, when the session ends:
        112.6k instead of 77.5k raw rows/s at 1M / 5M. Meanwhile in-edge reads by other
        connections scan the table; a store left by a killed session rebuilds the index when
        next opened.

        Python's cyclic garbage collector is paused for the session (``kg.gcpause``), with a
        collection of the young generations at each group commit: on a heap of ~35M objects (the
        benchmark's) full collections cost 5M edges 55 s of 130.

        Batches that completed are committed when the session ends, even when it ends with an
        exception, exactly as they would have been without the session."""
        rows = get_settings().bulk_commit_rows if commit_rows is None else commit_rows
        if rows < 1:
            raise InvalidInput(f"bulk commit_rows must be at least 1, got {rows}")
        conn = self._conn()
        with self._write_lock, collector_paused():
            if self._bulk is not None:  # nested on the same thread: the outer session groups
                yield
                return
            self._begin(conn)
            conn.execute(f"PRAGMA cache_size=-{get_settings().bulk_cache_mb * 1024}")
            (edges,) = conn.execute("SELECT coalesce(max(rowid), 0) FROM edges").fetchone()
            session = self._bulk = _Bulk(rows, conn.total_changes, edges)
            try:
                yield
            finally:
                self._bulk = None
                try:
                    self._restore_dst_index(conn, session)
                    self._commit(conn)
                finally:
                    conn.execute(f"PRAGMA cache_size=-{_CACHE_MB * 1024}")

    def _bulk_step(self, conn: sqlite3.Connection, session: _Bulk) -> None:
        """After a batch of a bulk session: commit the group when it is large enough; drop the
        in-edge index when the session has added enough edges for a rebuild to pay."""
        if (
            not session.dst_dropped
            and not session.dst_kept
            and session.edges_added >= max(_DEFER_DST_MIN, session.edges_before // 4)
        ):
            conn.execute("DROP INDEX IF EXISTS edges_dst")
            session.dst_dropped = True
        if conn.total_changes - session.mark >= session.commit_rows:
            self._commit(conn)
            self._begin(conn)
            session.mark = conn.total_changes
            # The young generations, while the collector is paused (see kg.gcpause): once a group,
            # not once a batch; per batch it was 10% of a 100x county ingest (py-spy).
            gc.collect(1)

    @staticmethod
    def _restore_dst_index(conn: sqlite3.Connection, session: _Bulk) -> None:
        """Build the in-edge index if it is missing (also when a rolled-back batch undid an
        earlier rebuild: ``IF NOT EXISTS`` makes this a no-op otherwise)."""
        conn.execute("CREATE INDEX IF NOT EXISTS edges_dst ON edges(dst, type)")
        session.dst_dropped = False

    def close(self) -> None:
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None

    @property
    def version(self) -> int:
        return self._read_version(self._conn())

    @staticmethod
    def _bump(conn: sqlite3.Connection) -> None:
        conn.execute("UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key='version'")

    # -- writes ----------------------------------------------------------------------------
    # Every record is first inserted with ``ON CONFLICT DO NOTHING``: when all of a batch is new,
    # the common case in a load, that is the whole write and nothing is read. Otherwise the stored
    # records whose content hash differs from the incoming one are read back, merged and rewritten;
    # the rest were just inserted or are unchanged.
    def upsert_nodes(self, nodes: Iterable[Node]) -> UpsertResult:
        seen = prepare_nodes(nodes)
        with self._write() as conn:
            parts = self._sources.parts  # may add this batch's file run to ``sources``
            try:
                rows = [_node_row(n, parts) for n in seen.values()]
                (top,) = conn.execute("SELECT coalesce(max(nid), 0) FROM nodes").fetchone()
                created = conn.executemany(_insert_sql("nodes", _NODE_COLS, 1), rows).rowcount
                if created:  # new rows are numbered above ``top``: index their names for search
                    conn.execute(
                        "INSERT INTO nodes_fts(rowid, name, aliases) "
                        "SELECT nid, name, aliases FROM nodes WHERE nid > ?",
                        (top,),
                    )
                if created == len(rows):
                    # All new (the usual case in a load): SQLite numbered them top+1, top+2, … in
                    # order (no other writer inside this transaction), so the edges that follow
                    # know their ends' rows without looking them up.
                    pending, number = self._pending, _TYPE_NUMBER
                    for i, node in enumerate(seen.values(), top + 1):
                        pending[node.id] = i << 5 | number[node.type]
                updates: list[tuple[Any, ...]] = []
                if created < len(rows):
                    updates = self._merged_nodes(conn, seen, rows)
                renamed = [u[:-1] for u in updates if u[-1]]
                conn.executemany(
                    "UPDATE nodes SET type=?2, name=?3, aliases=?4, props=?5, provenance=?6, hash=?7 "
                    "WHERE id=?1",
                    renamed,
                )
                # Same name and aliases: leave those columns out, so the search index (its
                # trigger fires on an update of name or aliases) is not rewritten for nothing.
                conn.executemany(
                    "UPDATE nodes SET type=?2, props=?5, provenance=?6, hash=?7 WHERE id=?1",
                    [u[:-1] for u in updates if not u[-1]],
                )
            except sqlite3.Error as exc:
                raise InvalidInput(f"node batch rejected by SQLite: {exc}") from exc
            self._sources.settle(conn, wrote=bool(created or updates))
            if created or updates:
                self._bump(conn)
        return UpsertResult(created, len(updates), len(rows) - created - len(updates))

    def _merged_nodes(
        self, conn: sqlite3.Connection, seen: dict[str, Node], rows: list[tuple[Any, ...]]
    ) -> list[tuple[Any, ...]]:
        """Rows to rewrite (plus whether the name or aliases changed): stored nodes whose hash
        differs from the incoming one, merged with it (a merge that changes nothing is left
        alone)."""
        updates: list[tuple[Any, ...]] = []
        load, parts = self._sources.load, self._sources.parts
        for chunk in _chunks(rows, _CHUNK // 2):
            values = ",".join(["(?,?)"] * len(chunk))
            stored = conn.execute(
                "SELECT n.id, n.type, n.name, n.aliases, n.props, n.provenance, n.hash FROM nodes n "
                f"JOIN (VALUES {values}) v ON n.id = v.column1 WHERE n.hash <> v.column2",
                [x for row in chunk for x in (row[0], row[6])],
            )
            for row in stored:
                node = seen[row[0]]
                if row[1] != node.type:
                    raise InvalidInput(
                        f"node {node.id!r}: id already used by a {row[1]}, "
                        f"cannot become a {node.type}"
                    )
                # The row's hash is the merged node's content hash, from the encodings it stores.
                update = _node_row(_row_node(row, load).merged_with(node), parts)
                if update[6] != row[6]:
                    updates.append((*update, update[2] != row[2] or update[3] != row[3]))
        return updates

    def _ends(self, conn: sqlite3.Connection, ids: Iterable[str]) -> dict[str, tuple[int, str]]:
        """Row number and type of each of ``ids`` that exists."""
        known, pending, names = self._known, self._pending, _TYPE_NAMES
        found: dict[str, tuple[int, str]] = {}
        missing = []
        for node_id in set(ids):
            end = known.get(node_id)
            if end is None:
                end = pending.get(node_id)
                if end is None:
                    missing.append(node_id)
                    continue
            found[node_id] = (end >> 5, names[end & 31])
        number = _TYPE_NUMBER
        for chunk in _chunks(missing):
            marks = ",".join("?" * len(chunk))
            for node_id, nid, type_ in conn.execute(
                f"SELECT id, nid, type FROM nodes WHERE id IN ({marks})", chunk
            ):
                found[node_id] = (nid, type_)
                pending[node_id] = nid << 5 | number[type_]
        return found

    def upsert_edges(self, edges: Iterable[Edge]) -> UpsertResult:
        seen = prepare_edges(edges)
        with self._write() as conn:
            ends = self._ends(conn, [x for e in seen.values() for x in (e.source, e.target)])
            check_endpoints(seen.values(), {i: t for i, (_, t) in ends.items()})
            parts = self._sources.parts
            try:
                rows = [
                    _edge_row(e, ends[e.source][0], ends[e.target][0], parts) for e in seen.values()
                ]
                created = conn.executemany(_insert_sql("edges", _EDGE_COLS, 4), rows).rowcount
                updates: list[tuple[Any, ...]] = []
                if created < len(rows):
                    updates = self._merged_edges(conn, list(seen.values()), rows)
                conn.executemany(
                    f"INSERT OR REPLACE INTO edges ({', '.join(_EDGE_COLS)}) "
                    f"VALUES ({','.join('?' * len(_EDGE_COLS))})",
                    updates,
                )
            except sqlite3.Error as exc:
                raise InvalidInput(f"edge batch rejected by SQLite: {exc}") from exc
            self._sources.settle(conn, wrote=bool(created or updates))
            if created or updates:
                self._bump(conn)
            if self._bulk is not None:
                self._bulk.edges_added += created
        return UpsertResult(created, len(updates), len(rows) - created - len(updates))

    def _merged_edges(
        self, conn: sqlite3.Connection, edges: list[Edge], rows: list[tuple[Any, ...]]
    ) -> list[tuple[Any, ...]]:
        """Rows to rewrite: stored edges whose hash differs from the incoming one (``edges[i]``
        is ``rows[i]``), merged with it; looked up 150 at a time through a VALUES join."""
        updates: list[tuple[Any, ...]] = []
        load, parts = self._sources.load, self._sources.parts
        for start in range(0, len(rows), 150):
            chunk = rows[start : start + 150]
            values = ",".join(["(?,?,?,?,?,?)"] * len(chunk))
            sql = (
                "SELECT v.column6, e.props, e.provenance, e.hash FROM edges e "
                f"JOIN (VALUES {values}) v ON e.src=v.column1 AND e.type=v.column2 "
                "AND e.dst=v.column3 AND e.key=v.column4 WHERE e.hash <> v.column5"
            )
            params = [x for i, row in enumerate(chunk, start) for x in (*row[:4], row[9], i)]
            for i, props, prov, old_hash in conn.execute(sql, params):
                new = edges[i]
                stored = _row_edge((new.source, new.type, new.target, new.key, props, prov), load)
                update = _edge_row(stored.merged_with(new), rows[i][0], rows[i][2], parts)
                if update[9] != old_hash:
                    updates.append(update)
        return updates

    def delete_nodes(self, node_ids: Iterable[str]) -> int:
        ids = list(dict.fromkeys(node_ids))
        deleted = 0
        with self._write() as conn:
            self._known.clear()
            if self._bulk is not None:  # deletes by end need the in-edge index
                self._restore_dst_index(conn, self._bulk)
                self._bulk.dst_kept = True
            for chunk in _chunks(ids):
                marks = ",".join("?" * len(chunk))
                nids = [
                    r[0]
                    for r in conn.execute(f"SELECT nid FROM nodes WHERE id IN ({marks})", chunk)
                ]
                marks = ",".join("?" * len(nids))
                conn.execute(f"DELETE FROM edges WHERE src IN ({marks})", nids)
                conn.execute(f"DELETE FROM edges WHERE dst IN ({marks})", nids)
                deleted += conn.execute(f"DELETE FROM nodes WHERE nid IN ({marks})", nids).rowcount
            if deleted:
                self._bump(conn)
        return deleted

    def delete_edges(self, idents: Iterable[tuple[str, str, str, str]]) -> int:
        deleted = 0
        with self._write() as conn:
            for ident in idents:
                deleted += conn.execute(
                    "DELETE FROM edges WHERE src=(SELECT nid FROM nodes WHERE id=?1) AND type=?2 "
                    "AND dst=(SELECT nid FROM nodes WHERE id=?3) AND key=?4",
                    ident,
                ).rowcount
            if deleted:
                self._bump(conn)
        return deleted
