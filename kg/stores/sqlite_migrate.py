"""Upgrades of an embedded store file written by an earlier version of this code."""

from __future__ import annotations

import sqlite3

from kg.errors import StoreUnavailable

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
