"""Every hostile string, in every field a node or an edge has and in every read parameter, reaches
Neo4j as a parameter value: each statement sent is one of the linted catalogue (kg/cypher.py), its
parameters are exactly the declared ones, and no value is ever part of the statement text.

Uses the recording driver double of tests/kg/test_neo4j_unit.py (no server needed)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from kg import cypher as C
from kg.errors import EntityNotFound, InvalidInput
from kg.model import Edge, Node, Provenance
from tests.kg.test_neo4j_unit import RecordingDriver, _store
from tests.reliability.strings import INJECTIONS


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _strings(v)
    elif isinstance(value, list | tuple):
        for v in value:
            yield from _strings(v)


@pytest.mark.parametrize("evil", INJECTIONS, ids=lambda s: repr(s[:24]))
def test_hostile_values_travel_only_as_parameters(evil: str) -> None:
    known = {
        "enterprise:甲": Node("enterprise:甲", "Enterprise", "甲"),
        "university:乙": Node("university:乙", "University", "乙"),
    }
    driver = RecordingDriver(known)
    store = _store(driver)
    prov = (Provenance(evil, evil, 1, evil),)
    evil_id = f"enterprise:{evil}"
    driver.db[evil_id] = Node(evil_id, "Enterprise", evil)
    store.upsert_nodes(
        [
            Node(
                evil_id,
                "Enterprise",
                f"丙{evil}",
                (evil,),
                {"region": evil, "fields": [evil], "credit_code": evil},
                prov,
            )
        ]
    )
    store.upsert_edges(
        [
            Edge(evil_id, "COLLABORATES_WITH", "university:乙", evil, {"kind": evil}, prov),
            Edge("enterprise:甲", "SUPPLIES", evil_id, evil, {"since": 2020}, prov),
        ]
    )
    store.search(evil)
    store.search(evil, types=["Enterprise"], limit=3, offset=1)
    store.get_nodes([evil, evil_id])
    with pytest.raises(EntityNotFound):
        store.get_node(evil)
    store.neighbours(evil_id, rel_types=["SUPPLIES"], direction="in", limit=5)
    list(store.iter_nodes(["Enterprise"]))
    list(store.iter_edges(["SUPPLIES"]))
    list(store.iter_edge_rows(["SUPPLIES"]))
    store.shortest_paths(evil_id, "university:乙", max_hops=4, k=3, rel_types=["SUPPLIES"])
    with pytest.raises(EntityNotFound):
        store.ego_network(evil_id, hops=2, rel_types=["SUPPLIES"])
    store.delete_edges([(evil_id, "COLLABORATES_WITH", "university:乙", evil)])
    store.delete_edges([(evil_id, evil, "university:乙", evil)])  # unknown type: names no edge
    store.delete_nodes([evil, evil_id])
    store.stats()

    # Labels and types come from the schema only: hostile ones are refused before anything is sent.
    sent_before = len(driver.sent)
    with pytest.raises(InvalidInput):
        store.upsert_nodes([Node("x:1", evil, "x")])
    with pytest.raises(InvalidInput):
        store.upsert_edges([Edge(evil_id, evil, "university:乙")])
    for stmt, name in ((C.UPSERT_NODES, "label"), (C.UPSERT_EDGES, "rel"), (C.EGO_NETWORK, "hops")):
        with pytest.raises(InvalidInput):
            stmt.render(**{name: evil})
    assert len(driver.sent) == sent_before

    linted = {s["text"] for s in C.lint_statements()}
    sent = {name for name, _, _ in driver.sent}
    assert {
        "UPSERT_NODES",
        "UPSERT_EDGES",
        "DELETE_NODES",
        "DELETE_EDGES",
        "SHORTEST_PATHS",
    } <= sent
    for name, text, params in driver.sent:
        assert text in linted, name
        assert set(params) == C.STATEMENTS[name].params, name
        # The catalogue is fixed, so a spliced value would have made a text outside it; and the
        # hostile string itself is never in the text.
        if len(evil) >= 8:
            assert evil not in text, name
    values_sent = {v for _, _, p in driver.sent for v in _strings(p)}
    assert evil in values_sent or f'"{evil}"' in values_sent  # it did travel, as a value
