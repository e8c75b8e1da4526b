"""Injection strings in every field of a node and an edge, and in every read parameter, reach the
SQLite store as data: stored and found literally, the tables intact."""

from __future__ import annotations

import sqlite3

import pytest

from kg.errors import EntityNotFound, InvalidInput
from kg.model import Edge, Node
from kg.stores.base import GraphStore
from tests.conftest import PROV
from tests.reliability.strings import INJECTIONS


def _integrity(store: GraphStore) -> None:
    path = getattr(store, "path", None)
    if path is None:
        return
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        assert {"nodes", "edges", "meta"} <= tables


@pytest.mark.parametrize("evil", INJECTIONS, ids=lambda s: repr(s[:24]))
def test_hostile_strings_are_plain_data(tiny: GraphStore, evil: str) -> None:
    before = tiny.stats()
    node_id = f"enterprise:{evil}"
    tiny.upsert_nodes(
        [
            Node(
                node_id,
                "Enterprise",
                f"丙{evil}公司",
                aliases=(evil, f"别名{evil}"),
                props={"region": evil, "fields": [evil, "轴承"], "credit_code": evil},
                provenance=PROV,
            )
        ]
    )
    tiny.upsert_edges(
        [
            Edge(
                node_id,
                "COLLABORATES_WITH",
                "university:浙江大学",
                key=evil,
                props={"kind": evil, "year": 2024},
                provenance=PROV,
            )
        ]
    )
    _integrity(tiny)
    after = tiny.stats()
    assert after.node_count == before.node_count + 1
    assert after.edge_count == before.edge_count + 1

    got = tiny.get_node(node_id)
    assert got.name == f"丙{evil}公司" and got.aliases == (evil, f"别名{evil}")
    assert got.props["region"] == evil and got.props["fields"] == [evil, "轴承"]
    (nb,) = tiny.neighbours(node_id)
    assert nb.edge.key == evil and nb.edge.props["kind"] == evil

    # Search treats the text as a literal substring: the evil node is found by its own text,
    # and no LIKE wildcard or FTS operator in it matches the whole store.
    # A NUL cannot be searched for (SQLite patterns end at it): a clear error, not a match-all.
    if "\x00" in evil:
        with pytest.raises(InvalidInput, match="NUL"):
            tiny.search(evil)
    elif len(evil) > 1000:  # too long to search for: a clear error; its start still finds it
        with pytest.raises(InvalidInput, match="longer than"):
            tiny.search(evil)
        assert [n.id for n in tiny.search(f"丙{evil[:50]}")] == [node_id]
    else:
        hits = {n.id for n in tiny.search(evil, limit=50)} if evil.strip() else {node_id}
        assert node_id in hits
        assert hits <= {node_id} | {n.id for n in tiny.iter_nodes() if evil in n.name + n.id}
        assert tiny.search(f"丙{evil}", limit=5)[0].id == node_id

    # Reads with hostile parameters answer "nothing there", not an error or a wider match.
    with pytest.raises(EntityNotFound):
        tiny.get_node(evil)
    assert tiny.get_nodes([evil, "enterprise:甲公司"]).keys() == {"enterprise:甲公司"}
    with pytest.raises(InvalidInput):
        tiny.upsert_nodes([Node("x:1", evil, "名")])  # a type outside the schema never gets in
    with pytest.raises(InvalidInput):
        tiny.upsert_edges([Edge(node_id, evil, "university:浙江大学")])

    assert tiny.delete_nodes([evil]) == 0
    assert tiny.delete_nodes([node_id]) == 1
    assert tiny.stats().nodes == before.nodes and tiny.stats().edges == before.edges
    _integrity(tiny)
