"""A store file written before schema 2 (edges keyed by their ends' text ids) opens, is upgraded
in place and reads back the same graph."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from kg.errors import StoreUnavailable
from kg.model import Edge
from kg.stores.sqlite import SQLiteStore

# The schema-1 layout, as the store created it until 2026-11-29.
V1_DDL = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
INSERT INTO meta VALUES ('version', '5'), ('schema', '1');
CREATE TABLE nodes (id TEXT PRIMARY KEY, type TEXT NOT NULL, name TEXT NOT NULL,
    aliases TEXT NOT NULL DEFAULT '', props TEXT NOT NULL DEFAULT '{}',
    provenance TEXT NOT NULL DEFAULT '[]', hash TEXT NOT NULL);
CREATE INDEX nodes_type ON nodes(type);
CREATE TABLE edges (src TEXT NOT NULL, type TEXT NOT NULL, dst TEXT NOT NULL,
    key TEXT NOT NULL DEFAULT '', props TEXT NOT NULL DEFAULT '{}',
    provenance TEXT NOT NULL DEFAULT '[]', weight REAL, year_from INTEGER, year_to INTEGER,
    hash TEXT NOT NULL, PRIMARY KEY (src, type, dst, key));
CREATE INDEX edges_dst ON edges(dst, type);
CREATE VIRTUAL TABLE nodes_fts USING fts5(
    name, aliases, content='nodes', content_rowid='rowid', tokenize='trigram');
CREATE TRIGGER nodes_ai AFTER INSERT ON nodes BEGIN
    INSERT INTO nodes_fts(rowid, name, aliases) VALUES (new.rowid, new.name, new.aliases);
END;
"""
PROV = '[["企业名录.csv","abc",3,"2026-11-01T00:00:00"]]'


def _v1_file(path: Path, *, dangling: bool = False) -> None:
    conn = sqlite3.connect(path)
    conn.executescript(V1_DDL)
    conn.executemany(
        "INSERT INTO nodes VALUES (?,?,?,?,?,?,?)",
        [
            (
                "enterprise:万丰",
                "Enterprise",
                "浙江万丰奥威汽轮股份有限公司",
                "万丰奥威",
                "{}",
                PROV,
                "h1",
            ),
            ("university:浙大", "University", "浙江大学", "", '{"level":"985"}', PROV, "h2"),
        ],
    )
    conn.execute(
        "INSERT INTO edges VALUES (?,?,?,?,?,?,?,?,?,?)",
        (
            "enterprise:万丰",
            "COLLABORATES_WITH",
            "university:浙大",
            "2024",
            '{"year":2024}',
            PROV,
            None,
            2024,
            2024,
            "h3",
        ),
    )
    if dangling:
        conn.execute(
            "INSERT INTO edges VALUES (?,?,?,?,?,?,?,?,?,?)",
            (
                "enterprise:万丰",
                "SUPPLIES",
                "enterprise:nobody",
                "",
                "{}",
                "[]",
                None,
                None,
                None,
                "h4",
            ),
        )
    conn.commit()
    conn.close()


def test_schema_1_file_is_upgraded_and_reads_the_same(tmp_path: Path) -> None:
    _v1_file(tmp_path / "kg.sqlite")
    store = SQLiteStore(tmp_path / "kg.sqlite")
    assert store.version == 6  # bumped once: caches keyed by version start over
    (edge,) = store.iter_edges()
    assert edge.ident == ("enterprise:万丰", "COLLABORATES_WITH", "university:浙大", "2024")
    assert edge.props == {"year": 2024} and edge.provenance[0].row == 3
    assert [n.id for n in store.search("万丰")] == ["enterprise:万丰"]
    assert [n.id for n in store.search("万丰奥威汽轮")] == ["enterprise:万丰"]  # FTS rebuilt
    (nb,) = store.neighbours("university:浙大")
    assert nb.node.aliases == ("万丰奥威",) and nb.direction == "in"
    conn = sqlite3.connect(tmp_path / "kg.sqlite")
    assert conn.execute("SELECT value FROM meta WHERE key='schema'").fetchone() == ("2",)
    assert conn.execute("SELECT hash FROM edges").fetchall() == [("h3",)]
    # New writes after the upgrade land next to the old rows.
    store.upsert_edges([Edge("enterprise:万丰", "COLLABORATES_WITH", "university:浙大", "2025")])
    assert store.stats().edges == {"COLLABORATES_WITH": 2}
    SQLiteStore(tmp_path / "kg.sqlite")  # opening again does not migrate twice
    assert store.stats().edges == {"COLLABORATES_WITH": 2}


def test_an_edge_to_a_missing_node_stops_the_upgrade_and_keeps_the_file(tmp_path: Path) -> None:
    _v1_file(tmp_path / "kg.sqlite", dangling=True)
    with pytest.raises(StoreUnavailable, match="1 of 2 edges"):
        SQLiteStore(tmp_path / "kg.sqlite")
    conn = sqlite3.connect(tmp_path / "kg.sqlite")
    assert conn.execute("SELECT count(*) FROM edges").fetchone() == (2,)
    assert conn.execute("SELECT value FROM meta WHERE key='schema'").fetchone() == ("1",)
