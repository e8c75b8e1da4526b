"""The store contract: every store must pass these, on the same small graph."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from pathlib import Path

import orjson
import pytest

from kg.errors import EntityNotFound, InvalidInput
from kg.model import Edge, Node, Provenance
from kg.stores.base import GraphStore
from kg.stores.sqlite import SQLiteStore
from tests.conftest import PROV, tiny_edges, tiny_nodes


def test_upsert_counts_and_stats(store: GraphStore) -> None:
    v0 = store.version
    r = store.upsert_nodes(tiny_nodes())
    assert (r.created, r.updated, r.unchanged) == (5, 0, 0)
    r = store.upsert_edges(tiny_edges())
    assert (r.created, r.updated, r.unchanged) == (6, 0, 0)
    s = store.stats()
    assert s.nodes == {"Talent": 1, "Enterprise": 2, "University": 1, "Project": 1}
    assert s.edge_count == 6 and s.edges["COLLABORATES_WITH"] == 1
    assert s.version > v0


def test_reupsert_changes_nothing(tiny: GraphStore) -> None:
    before, version = tiny.stats(), tiny.version
    later = (Provenance("test", "sha-test", 1, "2027-05-05T00:00:00"),)  # same file, later run
    again = [Node(n.id, n.type, n.name, n.aliases, n.props, later) for n in tiny_nodes()]
    r = tiny.upsert_nodes(again)
    assert (r.created, r.updated, r.unchanged) == (0, 0, 5)
    r = tiny.upsert_edges(tiny_edges())
    assert (r.created, r.updated, r.unchanged) == (0, 0, 6)
    assert tiny.stats() == before
    assert tiny.version == version


def test_changed_property_updates_in_place_and_bumps_version(tiny: GraphStore) -> None:
    version = tiny.version
    r = tiny.upsert_nodes(
        [
            Node(
                "enterprise:乙公司",
                "Enterprise",
                "新昌乙精密机械有限公司",
                (),
                {"high_tech": True},
                PROV,
            )
        ]
    )
    assert (r.created, r.updated) == (0, 1)
    node = tiny.get_node("enterprise:乙公司")
    assert node.props == {"above_scale": True, "high_tech": True}
    assert tiny.version > version
    assert tiny.stats().nodes["Enterprise"] == 2


def test_edge_to_missing_node_rejects_whole_batch(tiny: GraphStore) -> None:
    before, version = tiny.stats(), tiny.version
    good = Edge(
        "enterprise:乙公司", "COLLABORATES_WITH", "university:浙江大学", "2025", {"year": 2025}
    )
    bad = Edge("enterprise:乙公司", "SUPPLIES", "enterprise:不存在")
    with pytest.raises(InvalidInput, match="不存在"):
        tiny.upsert_edges([good, bad])
    assert tiny.stats() == before and tiny.version == version


def test_unstorable_property_rejects_batch_naming_record(tiny: GraphStore) -> None:
    before = tiny.stats()
    nodes = [
        Node("enterprise:丙公司", "Enterprise", "丙公司"),
        Node("enterprise:丁公司", "Enterprise", "丁公司", props={"address": {"city": "新昌"}}),
    ]
    with pytest.raises(InvalidInput, match=r"丁公司.*address"):
        tiny.upsert_nodes(nodes)
    assert tiny.stats() == before
    with pytest.raises(EntityNotFound):
        tiny.get_node("enterprise:丙公司")


def test_edge_endpoint_types_follow_schema(tiny: GraphStore) -> None:
    with pytest.raises(InvalidInput, match="SUPPLIES"):
        tiny.upsert_edges([Edge("university:浙江大学", "SUPPLIES", "enterprise:甲公司")])


def test_unknown_types_rejected(store: GraphStore) -> None:
    with pytest.raises(InvalidInput, match="unknown node type"):
        store.upsert_nodes([Node("x:1", "Spaceship", "x")])


def test_chinese_substring_search(tiny: GraphStore) -> None:
    assert [n.id for n in tiny.search("甲科技")] == ["enterprise:甲公司"]
    assert [n.id for n in tiny.search("精密")] == ["enterprise:乙公司"]  # two characters
    assert [n.id for n in tiny.search("浙大")] == ["university:浙江大学"]  # an alias
    assert [n.id for n in tiny.search("浙江", types=["University"])] == ["university:浙江大学"]
    # exact name first, then names that start with the query
    assert tiny.search("浙江")[0].id == "university:浙江大学"
    assert tiny.search("不存在的公司") == []


def test_search_paginates(tiny: GraphStore) -> None:
    first = tiny.search("公司", limit=1)
    second = tiny.search("公司", limit=1, offset=1)
    assert len(first) == len(second) == 1 and first != second


def test_neighbours_both_directions(tiny: GraphStore) -> None:
    nbrs = tiny.neighbours("enterprise:甲公司")
    got = sorted((nb.direction, nb.edge.type, nb.node.id) for nb in nbrs)
    assert got == [
        ("in", "AFFILIATED_WITH", "talent:张三"),
        ("in", "SUPPLIES", "enterprise:乙公司"),
        ("out", "COLLABORATES_WITH", "university:浙江大学"),
    ]
    only_out = tiny.neighbours(
        "enterprise:甲公司", direction="out", rel_types=["COLLABORATES_WITH"]
    )
    assert [nb.node.name for nb in only_out] == ["浙江大学"]
    with pytest.raises(EntityNotFound):
        tiny.neighbours("enterprise:nobody")


def test_provenance_kept(tiny: GraphStore) -> None:
    node = tiny.get_node("talent:张三")
    assert node.provenance == PROV
    edge = next(e for e in tiny.iter_edges(["SUPPLIES"]))
    assert edge.provenance == PROV and edge.props == {"since": 2019}


def test_second_source_adds_provenance_without_losing_first(tiny: GraphStore) -> None:
    other = (Provenance("patents.csv", "sha-2", 7, "2026-02-02T00:00:00"),)
    tiny.upsert_nodes(
        [Node("university:浙江大学", "University", "浙江大学", props={}, provenance=other)]
    )
    sources = [p.source for p in tiny.get_node("university:浙江大学").provenance]
    assert sources == ["patents.csv", "test"]


def test_streams_without_provenance(tiny: GraphStore) -> None:
    nodes = {n.id: n for n in tiny.iter_nodes(["Talent"], with_provenance=False)}
    assert nodes["talent:张三"].provenance == () and nodes["talent:张三"].name == "张三"
    assert nodes["talent:张三"] == replace(tiny.get_node("talent:张三"), provenance=())


def test_stream_filtered_by_type(tiny: GraphStore) -> None:
    assert {n.id for n in tiny.iter_nodes(["Enterprise"])} == {
        "enterprise:甲公司",
        "enterprise:乙公司",
    }
    assert {e.type for e in tiny.iter_edges(["LEADS", "SUPPLIES"])} == {"LEADS", "SUPPLIES"}
    rows = list(tiny.iter_edge_rows(["COLLABORATES_WITH"]))
    assert rows == [
        ("enterprise:甲公司", "COLLABORATES_WITH", "university:浙江大学", None, 2021, 2021)
    ]


def test_edge_data_stream_matches_the_edges(tiny: GraphStore) -> None:
    """The bulk stream carries every edge of the asked types with its properties as JSON text,
    and no provenance."""
    data = list(tiny.iter_edge_data(["SUPPLIES", "COLLABORATES_WITH"]))
    assert sorted((s, t, d, k, orjson.loads(p)) for s, t, d, k, p in data) == sorted(
        (*e.ident, dict(e.props)) for e in tiny.iter_edges(["SUPPLIES", "COLLABORATES_WITH"])
    )
    assert len(data) == 2 and all("provenance" not in p and "test" not in p for *_, p in data)


def test_delete_node_removes_its_edges(tiny: GraphStore) -> None:
    version = tiny.version
    assert tiny.delete_nodes(["enterprise:乙公司"]) == 1
    s = tiny.stats()
    assert s.nodes["Enterprise"] == 1 and "SUPPLIES" not in s.edges and "LEADS" not in s.edges
    assert tiny.version > version
    assert tiny.delete_edges([("talent:张三", "ALUMNUS_OF", "university:浙江大学", "")]) == 1
    assert "ALUMNUS_OF" not in tiny.stats().edges
    with pytest.raises(InvalidInput, match="not in the store"):  # a deleted end cannot be linked
        tiny.upsert_edges([Edge("enterprise:乙公司", "SUPPLIES", "enterprise:甲公司")])


def test_node_cannot_change_type(tiny: GraphStore) -> None:
    with pytest.raises(InvalidInput, match="already used by a Talent"):
        tiny.upsert_nodes([Node("talent:张三", "Enterprise", "张三")])


def test_search_by_code_in_id(store: GraphStore) -> None:
    store.upsert_nodes(
        [Node("enterprise:91330624MA2BXXXX1", "Enterprise", "新昌某科技有限公司", props={})]
    )
    assert [n.id for n in store.search("MA2BXXXX")] == ["enterprise:91330624MA2BXXXX1"]


def test_search_ranks_the_closest_name_or_alias_first(store: GraphStore) -> None:
    """Typing 万丰 means the company everyone calls 万丰奥威, not a lab named after it."""
    store.upsert_nodes(
        [
            Node("platform:万丰奥威轮毂研发中心", "Platform", "万丰奥威轮毂研发中心"),
            Node(
                "enterprise:913306006096612",
                "Enterprise",
                "浙江万丰奥威汽轮股份有限公司",
                aliases=("万丰奥威",),
            ),
            Node("enterprise:新昌万丰精密", "Enterprise", "新昌县万丰精密机械有限公司"),
        ]
    )
    for query in ("万丰", "万丰奥威"):
        got = [n.name for n in store.search(query)]
        assert got[0] == "浙江万丰奥威汽轮股份有限公司", (query, got)
    assert [n.name for n in store.search("万丰")][1:] == [
        "万丰奥威轮毂研发中心",
        "新昌县万丰精密机械有限公司",
    ]


def test_two_handles_on_one_store_see_each_others_deletes(tmp_path: Path) -> None:
    """A second process (here: a second handle) deleting a node must not leave the first one
    believing it still exists."""
    a = SQLiteStore(tmp_path / "kg.sqlite")
    b = SQLiteStore(tmp_path / "kg.sqlite")
    a.upsert_nodes(tiny_nodes())
    a.upsert_edges(tiny_edges()[:1])
    b.delete_nodes(["university:浙江大学"])
    with pytest.raises(InvalidInput, match="浙江大学"):
        a.upsert_edges([Edge("talent:张三", "ALUMNUS_OF", "university:浙江大学")])


def test_sqlite_stores_the_content_hash_of_what_it_stores(tmp_path: Path) -> None:
    """SQLite's change detection compares a stored hash column, computed from the row's encoded
    JSON: it must equal ``content_hash()`` of the record read back, for new rows and merged ones
    (a second source adds provenance and an alias), so a store written by an earlier version of
    this code sees a re-run of the same files as unchanged."""
    store = SQLiteStore(tmp_path / "kg.sqlite")
    conn = sqlite3.connect(store.path)

    def hashes_match() -> bool:
        nodes = dict(conn.execute("SELECT id, hash FROM nodes").fetchall())
        edges = {
            r[:4]: r[4]
            for r in conn.execute(
                "SELECT a.id, e.type, b.id, e.key, e.hash FROM edges e "
                "JOIN nodes a ON a.nid = e.src JOIN nodes b ON b.nid = e.dst"
            )
        }
        return nodes == {n.id: n.content_hash() for n in store.iter_nodes()} and edges == {
            e.ident: e.content_hash() for e in store.iter_edges()
        }

    store.upsert_nodes(tiny_nodes())
    store.upsert_edges(tiny_edges())
    assert hashes_match()
    later = (Provenance("other", "sha-other", 7, "2027-01-01T00:00:00"),)
    store.upsert_nodes(
        [Node(n.id, n.type, n.name, ("别名",), n.props, later) for n in tiny_nodes()]
    )
    store.upsert_edges(
        [Edge(e.source, e.type, e.target, e.key, e.props, later) for e in tiny_edges()]
    )
    assert all(len(n.provenance) == 2 for n in store.iter_nodes())
    assert hashes_match()
    conn.close()


def test_bulk_session_keeps_good_batches_and_drops_a_refused_one(store: GraphStore) -> None:
    """Inside a bulk session each batch is still all-or-nothing: the nodes and the good edge
    batch are there afterwards, the refused batch (an edge to a missing node) left no trace, and
    an exception that ends the session does not undo the batches that completed."""
    v0 = store.version
    bad = [tiny_edges()[0], Edge("enterprise:乙公司", "SUPPLIES", "enterprise:不存在")]
    with pytest.raises(RuntimeError, match="analyst stopped"), store.bulk(commit_rows=3):
        assert store.upsert_nodes(tiny_nodes()).created == 5
        with pytest.raises(InvalidInput, match="不存在"):
            store.upsert_edges(bad)
        assert store.upsert_edges(tiny_edges()[1:]).created == 5
        assert store.stats().edge_count == 5  # the session sees its own writes
        raise RuntimeError("analyst stopped")
    s = store.stats()
    assert s.node_count == 5 and s.edge_count == 5 and s.version > v0
    first = tiny_edges()[0]
    assert first.ident not in {e.ident for e in store.iter_edges()}
    assert store.upsert_edges(tiny_edges()).created == 1  # the refused batch's good edge, now


def test_bulk_session_reupsert_changes_nothing(tiny: GraphStore) -> None:
    before, version = tiny.stats(), tiny.version
    with tiny.bulk():
        assert tiny.upsert_nodes(tiny_nodes()).unchanged == 5
        assert tiny.upsert_edges(tiny_edges()).unchanged == 6
    assert tiny.stats() == before and tiny.version == version


def test_sqlite_bulk_session_commits_in_groups(tmp_path: Path) -> None:
    """Another connection sees a bulk session's batches only when a group of ``commit_rows``
    changed rows commits, and the rest at the end; a write from another thread waits for the
    session instead of failing."""
    import threading

    store = SQLiteStore(tmp_path / "kg.sqlite")
    other = SQLiteStore(tmp_path / "kg.sqlite")
    done: list[int] = []
    with store.bulk(commit_rows=100):
        store.upsert_nodes(tiny_nodes()[:2])  # 2 rows (+2 search-index rows): not yet a group
        assert other.stats().node_count == 0
        writer = threading.Thread(
            target=lambda: done.append(store.upsert_nodes(tiny_nodes()[4:]).created)
        )
        writer.start()
        writer.join(timeout=0.5)
        assert writer.is_alive() and not done  # waiting for the session
        store.upsert_nodes(tiny_nodes()[2:4])
        assert other.stats().node_count == 0
    writer.join(timeout=10)
    assert done == [1]
    assert other.stats().node_count == 5
    with store.bulk(commit_rows=1):
        store.upsert_nodes([Node("enterprise:丙公司", "Enterprise", "丙公司")])
        assert other.stats().node_count == 6  # a group of one row committed already
        assert [n.id for n in other.search("丙公司")] == ["enterprise:丙公司"]


def test_bulk_commit_rows_must_be_positive(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "kg.sqlite")
    with pytest.raises(InvalidInput, match="commit_rows"), store.bulk(commit_rows=0):
        pass


def test_sqlite_search_index_stays_consistent(tmp_path: Path) -> None:
    """New nodes are indexed by ``upsert_nodes`` itself (no insert trigger): after creates, a
    rename, a re-upsert and a delete, in and out of a bulk session, FTS5's own integrity check
    passes and search finds each name once. A file written with the old insert trigger loses
    it on open, so no name is indexed twice."""
    path = tmp_path / "kg.sqlite"
    store = SQLiteStore(path)
    conn = sqlite3.connect(path)
    conn.execute(
        "CREATE TRIGGER nodes_ai AFTER INSERT ON nodes BEGIN INSERT INTO nodes_fts(rowid, name, "
        "aliases) VALUES (new.rowid, new.name, new.aliases); END"
    )
    conn.commit()
    store.close()
    store = SQLiteStore(path)
    trigger = "SELECT count(*) FROM sqlite_master WHERE name='nodes_ai'"
    assert conn.execute(trigger).fetchone() == (0,)
    store.upsert_nodes(tiny_nodes())
    with store.bulk(commit_rows=2):
        store.upsert_nodes(
            [*tiny_nodes()[:2], Node("enterprise:丙公司", "Enterprise", "丙精工有限公司")]
        )
        store.upsert_nodes([Node("enterprise:丙公司", "Enterprise", "丙智造有限公司")])  # renamed
    store.delete_nodes(["enterprise:乙公司"])
    conn.execute("INSERT INTO nodes_fts(nodes_fts) VALUES ('integrity-check')")
    assert [n.id for n in store.search("丙智造")] == ["enterprise:丙公司"]
    assert store.search("丙精工") == [] and store.search("精密机械") == []
    assert [n.id for n in store.search("甲科技")] == ["enterprise:甲公司"]


def test_sqlite_bulk_session_rebuilds_the_in_edge_index(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A session that adds many edges (here: 3 or more) drops the in-edge index and builds it
    again when it ends; a delete inside the session gets the index back first; in-edge reads
    answer the same throughout."""
    import kg.stores.sqlite as sqlite_store

    monkeypatch.setattr(sqlite_store, "_DEFER_DST_MIN", 3)
    path = tmp_path / "kg.sqlite"
    store, other = SQLiteStore(path), sqlite3.connect(path)
    index = "SELECT count(*) FROM sqlite_master WHERE name='edges_dst'"
    store.upsert_nodes(tiny_nodes())
    with store.bulk(commit_rows=1):
        store.upsert_edges(tiny_edges()[:2])
        assert other.execute(index).fetchone() == (1,)  # 2 edges: not worth a rebuild
        store.upsert_edges(tiny_edges()[2:])
        assert other.execute(index).fetchone() == (0,)  # dropped, and committed
        ins = {n.node.id for n in store.neighbours("university:浙江大学", direction="in")}
    assert other.execute(index).fetchone() == (1,)
    assert {n.node.id for n in store.neighbours("university:浙江大学", direction="in")} == ins
    assert ins  # the tiny graph has edges into 浙江大学
    with store.bulk(commit_rows=1):
        store.upsert_edges(tiny_edges())  # unchanged: adds nothing, keeps the index
        assert other.execute(index).fetchone() == (1,)
    store.delete_edges([e.ident for e in tiny_edges()])
    with store.bulk(commit_rows=1):
        store.upsert_edges(tiny_edges())
        assert other.execute(index).fetchone() == (0,)
        assert store.delete_nodes(["talent:张三"]) == 1
        assert other.execute(index).fetchone() == (1,)  # back for the delete, and kept
        rest = tiny_edges()[2:]  # the four edges without 张三
        store.delete_edges([e.ident for e in rest])
        assert store.upsert_edges(rest).created == 4
        assert other.execute(index).fetchone() == (1,)
    assert conn_ok(path)


def conn_ok(path: Path) -> bool:
    with sqlite3.connect(path) as conn:
        return bool(conn.execute("PRAGMA integrity_check").fetchone() == ("ok",))
