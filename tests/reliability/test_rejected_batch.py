"""A batch the store refuses leaves it exactly as it was: no partial batch, no version bump."""

from __future__ import annotations

import math

import pytest

from kg.errors import InvalidInput
from kg.model import Edge, Node
from kg.stores.base import GraphStore
from tests.conftest import PROV


def _snapshot(store: GraphStore) -> tuple[int, list[Node], list[Edge]]:
    nodes = sorted(store.iter_nodes(), key=lambda n: n.id)
    edges = sorted(store.iter_edges(), key=lambda e: e.ident)
    return store.version, nodes, edges


def _good(i: int) -> Node:
    return Node(f"enterprise:好{i}", "Enterprise", f"好企业{i}有限公司", provenance=PROV)


BAD_NODES = {
    "unknown type": Node("x:1", "Company", "某公司"),
    "blank name": Node("enterprise:空", "Enterprise", " \u3000"),
    "empty id": Node("", "Enterprise", "无编号公司"),
    "NaN": Node("enterprise:nan", "Enterprise", "非数公司", props={"revenue": math.nan}),
    "nested prop": Node("enterprise:n", "Enterprise", "嵌套公司", props={"region": {"a": 1}}),
    "mixed list": Node("enterprise:m", "Enterprise", "混合公司", props={"fields": ["a", 1]}),
    "reserved key": Node("enterprise:r", "Enterprise", "保留公司", props={"id": "x"}),
    "type change": Node("enterprise:甲公司", "University", "甲大学"),
}


@pytest.mark.parametrize("case", list(BAD_NODES), ids=list(BAD_NODES))
def test_bad_node_refuses_whole_batch(tiny: GraphStore, case: str) -> None:
    before = _snapshot(tiny)
    batch = [_good(1), _good(2), BAD_NODES[case], _good(3)]
    with pytest.raises(InvalidInput):
        tiny.upsert_nodes(batch)
    assert _snapshot(tiny) == before


BAD_EDGES = {
    "unknown source": Edge("enterprise:不存在", "SUPPLIES", "enterprise:甲公司"),
    "unknown target": Edge("enterprise:乙公司", "SUPPLIES", "enterprise:不存在"),
    "unknown relation": Edge("enterprise:乙公司", "OWNS", "enterprise:甲公司"),
    "wrong endpoint type": Edge("talent:张三", "SUPPLIES", "enterprise:甲公司"),
    "infinite weight": Edge(
        "enterprise:乙公司", "SUPPLIES", "enterprise:甲公司", "x", {"weight": math.inf}
    ),
}


@pytest.mark.parametrize("case", list(BAD_EDGES), ids=list(BAD_EDGES))
def test_bad_edge_refuses_whole_batch(tiny: GraphStore, case: str) -> None:
    before = _snapshot(tiny)
    good = [
        Edge(
            "enterprise:乙公司", "COLLABORATES_WITH", "university:浙江大学", "2025", {"year": 2025}
        ),
        Edge("enterprise:甲公司", "LEADS", "project:项目X", props={"year": 2024}, provenance=PROV),
    ]
    with pytest.raises(InvalidInput):
        tiny.upsert_edges([good[0], BAD_EDGES[case], good[1]])
    assert _snapshot(tiny) == before
    # The good edges alone still go in: refusing a batch did not poison the store.
    assert tiny.upsert_edges(good).created == 2
