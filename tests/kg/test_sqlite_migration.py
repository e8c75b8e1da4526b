"""A store file written by an earlier schema (1: edges keyed by their ends' text ids; 2: provenance
written out whole in every record) opens, is upgraded in place to schema 3 and reads back the same
graph; a file from a newer version is refused and left alone."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from kg.errors import StoreUnavailable
from kg.model import Edge, Node, Provenance
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
    assert edge.provenance == (Provenance("企业名录.csv", "abc", 3, "2026-11-01T00:00:00"),)
    conn = sqlite3.connect(tmp_path / "kg.sqlite")
    assert conn.execute("SELECT value FROM meta WHERE key='schema'").fetchone() == ("3",)
    assert conn.execute("SELECT hash, provenance FROM edges").fetchall() == [("h3", "[[1,3]]")]
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


# The schema-2 layout, as the store created it until 2026-11-30 (less its search triggers).
V2_DDL = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
INSERT INTO meta VALUES ('version', '9'), ('schema', '2');
CREATE TABLE nodes (nid INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, type TEXT NOT NULL,
    name TEXT NOT NULL, aliases TEXT NOT NULL DEFAULT '', props TEXT NOT NULL DEFAULT '{}',
    provenance TEXT NOT NULL DEFAULT '[]', hash TEXT NOT NULL);
CREATE INDEX nodes_type ON nodes(type);
CREATE TABLE edges (src INTEGER NOT NULL, type TEXT NOT NULL, dst INTEGER NOT NULL,
    key TEXT NOT NULL DEFAULT '', props TEXT NOT NULL DEFAULT '{}',
    provenance TEXT NOT NULL DEFAULT '[]', weight REAL, year_from INTEGER, year_to INTEGER,
    hash TEXT NOT NULL, PRIMARY KEY (src, type, dst, key));
CREATE INDEX edges_dst ON edges(dst, type);
CREATE VIRTUAL TABLE nodes_fts USING fts5(
    name, aliases, content='nodes', content_rowid='nid', tokenize='trigram');
"""
LIST = ("企业名录.csv", "a" * 64, "2026-11-01T00:00:00+00:00")
PATENTS = ("专利清单.csv", "b" * 64, "2026-11-02T00:00:00+00:00")


def _v2_file(path: Path) -> tuple[list[Node], Edge]:
    """A schema-2 file with real content hashes; returns what it holds."""

    def prov(*records: tuple[tuple[str, str, str], int]) -> tuple[Provenance, ...]:
        return tuple(Provenance(s, h, row, t) for (s, h, t), row in records)

    nodes = [
        Node(
            "enterprise:万丰",
            "Enterprise",
            "浙江万丰奥威汽轮股份有限公司",
            ("万丰奥威",),
            {"above_scale": True},
            prov((LIST, 2), (PATENTS, 7)),
        ),
        Node("university:浙大", "University", "浙江大学", (), {}, prov((PATENTS, 7))),
        Node("enterprise:无来源", "Enterprise", "无来源公司"),
    ]
    edge = Edge(
        "enterprise:万丰",
        "COLLABORATES_WITH",
        "university:浙大",
        "2024",
        {"year": 2024},
        prov((PATENTS, 7)),
    )

    def whole(records: tuple[Provenance, ...]) -> str:
        return json.dumps([[p.source, p.file_sha256, p.row, p.ingested_at] for p in records])

    conn = sqlite3.connect(path)
    conn.executescript(V2_DDL)
    conn.executemany(
        "INSERT INTO nodes VALUES (?,?,?,?,?,?,?,?)",
        [
            (
                i,
                n.id,
                n.type,
                n.name,
                "\x1f".join(n.aliases),
                json.dumps(n.props),
                whole(n.provenance),
                n.content_hash(),
            )
            for i, n in enumerate(nodes, 1)
        ],
    )
    conn.execute(
        "INSERT INTO edges VALUES (1,'COLLABORATES_WITH',2,'2024',?,?,NULL,2024,2024,?)",
        (json.dumps(edge.props), whole(edge.provenance), edge.content_hash()),
    )
    conn.execute("INSERT INTO nodes_fts(nodes_fts) VALUES ('rebuild')")
    conn.commit()
    conn.close()
    return nodes, edge


def test_schema_2_file_is_upgraded_and_reads_the_same(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "kg.sqlite"
    nodes, edge = _v2_file(path)
    store = SQLiteStore(path)
    assert "upgrading the store file to schema 3" in caplog.text  # a large file takes a while
    assert store.version == 9  # the graph is the same: caches keyed by version stay valid
    assert store.get_nodes(n.id for n in nodes) == {n.id: n for n in nodes}
    assert list(store.iter_edges()) == [edge]
    assert [n.id for n in store.search("万丰奥威汽轮")] == ["enterprise:万丰"]
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT value FROM meta WHERE key='schema'").fetchone() == ("3",)
    assert conn.execute("SELECT source FROM sources ORDER BY sid").fetchall() == [
        (LIST[0],),
        (PATENTS[0],),
    ]
    assert conn.execute("SELECT provenance FROM nodes WHERE nid=1").fetchone() == ("[[1,2],[2,7]]",)
    # The same records again change nothing: the stored hashes still match.
    r = store.upsert_nodes(nodes)
    assert (r.created, r.updated, r.unchanged) == (0, 0, 3)
    r = store.upsert_edges([edge])
    assert (r.created, r.updated, r.unchanged) == (0, 0, 1)
    assert store.version == 9
    SQLiteStore(path)  # opening again does not migrate twice
    assert conn.execute("SELECT count(*) FROM sources").fetchone() == (2,)


def test_a_file_from_a_newer_version_is_refused_and_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "kg.sqlite"
    SQLiteStore(path).upsert_nodes([Node("enterprise:甲", "Enterprise", "甲公司")])
    conn = sqlite3.connect(path)
    conn.execute("UPDATE meta SET value='4' WHERE key='schema'")
    conn.commit()
    with pytest.raises(StoreUnavailable, match="schema 4, newer"):
        SQLiteStore(path)
    assert conn.execute("SELECT count(*) FROM nodes").fetchone() == (1,)


def test_processes_opening_a_schema_2_file_at_once_upgrade_it_once(tmp_path: Path) -> None:
    """An API server and a CLI opening an old file together: one upgrades it (the others wait for
    its transaction), each reads the provenance right, and the file runs are not doubled."""
    path = tmp_path / "kg.sqlite"
    conn = sqlite3.connect(path)
    conn.executescript(V2_DDL)
    whole = json.dumps([[*LIST[:2], 1, LIST[2]], [*PATENTS[:2], 2, PATENTS[2]]])
    conn.executemany(
        "INSERT INTO nodes (id, type, name, aliases, props, provenance, hash) "
        "VALUES (?,?,?,?,?,?,?)",
        [
            (f"enterprise:{i}", "Enterprise", f"公司{i}", "", "{}", whole, "h")
            for i in range(50_000)
        ],
    )
    conn.commit()
    code = (
        "import sys; from kg.stores.sqlite import SQLiteStore; "
        "n = SQLiteStore(sys.argv[1]).get_node('enterprise:49999'); "
        "print(','.join(f'{p.source}:{p.row}' for p in n.provenance))"
    )
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parents[2])}
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", code, str(path)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(3)
    ]
    done = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0, 0, 0], [err for _, err in done]
    assert [out.strip() for out, _ in done] == [f"{LIST[0]}:1,{PATENTS[0]}:2"] * 3
    assert sum("upgrading the store file" in err for _, err in done) == 1
    assert conn.execute("SELECT count(*) FROM sources").fetchone() == (2,)
