"""Upgrades of an embedded store file written by an earlier version of this code."""

from __future__ import annotations

import logging
import sqlite3
import time
from typing import Any

import orjson

from kg.errors import StoreUnavailable
from kg.stores.sqlite_rows import SOURCES_TABLE

log = logging.getLogger("ikg.store")
_EDGE_DATA = "e.key, e.props, e.provenance, e.weight, e.year_from, e.year_to, e.hash"


def migrate_v1(conn: sqlite3.Connection, ddl: str) -> bool:
    """Bring a schema-1 file (edges keyed by their ends' text ids) to schema 2 (``ddl``: edges keyed
    by the ends' row numbers), in one transaction: every node and edge is kept with its
    properties, provenance and hash, and the search index is rebuilt. Returns whether it ran."""
    cols = [r[1] for r in conn.execute("PRAGMA table_info(nodes)")]
    if not cols or "nid" in cols:
        return False
    script = f"""
        BEGIN IMMEDIATE;
        DROP TRIGGER IF EXISTS nodes_ai;
        DROP TRIGGER IF EXISTS nodes_ad;
        DROP TRIGGER IF EXISTS nodes_au;
        DROP TABLE IF EXISTS nodes_fts;
        DROP INDEX IF EXISTS nodes_type;
        DROP INDEX IF EXISTS edges_dst;
        ALTER TABLE nodes RENAME TO nodes_v1;
        ALTER TABLE edges RENAME TO edges_v1;
        {ddl}
        INSERT INTO nodes (id, type, name, aliases, props, provenance, hash)
            SELECT id, type, name, aliases, props, provenance, hash FROM nodes_v1 ORDER BY rowid;
        INSERT INTO edges
            SELECT a.nid, e.type, b.nid, {_EDGE_DATA} FROM edges_v1 e
            JOIN nodes a ON a.id = e.src JOIN nodes b ON b.id = e.dst ORDER BY e.rowid;
    """
    try:
        conn.executescript(script)
        before = conn.execute("SELECT count(*) FROM edges_v1").fetchone()[0]
        after = conn.execute("SELECT count(*) FROM edges").fetchone()[0]
        if before != after:
            raise StoreUnavailable(
                f"cannot upgrade the store: {before - after} of {before} edges have an end "
                "that is not in the nodes table; the file is left as it was"
            )
        # One statement at a time: ``executescript`` would commit the open transaction first.
        for stmt in (
            "DROP TABLE nodes_v1",
            "DROP TABLE edges_v1",
            "INSERT INTO nodes_fts(nodes_fts) VALUES ('rebuild')",
            "UPDATE meta SET value = '2' WHERE key = 'schema'",
            "UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'version'",
            "COMMIT",
        ):
            conn.execute(stmt)
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    return True


def _schema(conn: sqlite3.Connection) -> int | None:
    if conn.execute("SELECT 1 FROM sqlite_master WHERE name='meta'").fetchone() is None:
        return None
    found = conn.execute("SELECT value FROM meta WHERE key='schema'").fetchone()
    return None if found is None else int(found[0])


def refuse_newer(conn: sqlite3.Connection, schema: int) -> None:
    """``StoreUnavailable`` for a file written by a version of the code newer than ``schema``."""
    found = _schema(conn)
    if found is not None and found > schema:
        raise StoreUnavailable(
            f"the store file has schema {found}, newer than this version of the code reads "
            f"({schema}): upgrade innovation-kg"
        )


def migrate_v2(conn: sqlite3.Connection) -> bool:
    """Bring a schema-2 file (each record's provenance written out whole: source, file hash, row,
    time) to schema 3 (``[sid, row]``, the file runs in table ``sources``), in one transaction.
    The graph reads back the same, so the version is not bumped. Returns whether it ran."""
    if _schema(conn) != 2:
        return False
    started = time.perf_counter()
    runs: dict[tuple[str, str, str], int] = {}

    def compact(text: str) -> str:
        out: list[list[Any]] = []
        for source, sha, row, at in orjson.loads(text):
            sid = runs.setdefault((source, sha, at), len(runs) + 1)
            out.append([sid, row])
        return orjson.dumps(out).decode()

    conn.create_function("ikg_compact_provenance", 1, compact)
    conn.execute("BEGIN IMMEDIATE")
    try:
        ran = _schema(conn) == 2  # another process may have upgraded it meanwhile
        if ran:
            log.warning(
                "upgrading the store file to schema 3 (provenance by file run), once: "
                "about 15 s a GB"
            )
            conn.execute(SOURCES_TABLE)
            for table in ("nodes", "edges"):
                conn.execute(
                    f"UPDATE {table} SET provenance = ikg_compact_provenance(provenance) "
                    "WHERE provenance <> '[]'"
                )
            conn.executemany(
                "INSERT INTO sources (sid, source, file_sha256, ingested_at) VALUES (?,?,?,?)",
                [(sid, *run) for run, sid in runs.items()],
            )
            conn.execute("UPDATE meta SET value = '3' WHERE key = 'schema'")
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    if ran:
        log.warning("store file upgraded in %.1f s", time.perf_counter() - started)
    return ran
