"""Projection into networkx and arrays, on the hand-built graph (see tests/conftest.py)."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest

from kg.arrays import project_arrays
from kg.model import Edge, Node
from kg.projection import Window, clear_cache, project
from kg.stores.base import GraphStore


def test_whole_graph(tiny: GraphStore) -> None:
    g = project(tiny)
    assert g.number_of_nodes() == 5 and g.number_of_edges() == 6
    assert g.nodes["enterprise:甲公司"]["type"] == "Enterprise"
    assert g.nodes["enterprise:甲公司"]["high_tech"] is True
    (data,) = g.get_edge_data("enterprise:甲公司", "university:浙江大学").values()
    assert data["type"] == "COLLABORATES_WITH" and data["weight"] == 1.0 and data["amount"] == 120.0
    assert sorted(g.predecessors("enterprise:甲公司")) == ["enterprise:乙公司", "talent:张三"]
    assert g.in_degree("project:项目X") == 2 and g.out_degree("talent:张三") == 2
    # 乙公司 reaches 浙江大学 through 甲公司 (or the project) in two hops
    assert (
        nx.shortest_path_length(
            g.to_undirected(as_view=True), "enterprise:乙公司", "university:浙江大学"
        )
        == 2
    )


def test_year_window_drops_later_relations_and_nodes(tiny: GraphStore) -> None:
    g = project(tiny, Window.of(year_to=2023))
    assert "project:项目X" not in g  # a 2024 project
    assert g.has_edge("enterprise:乙公司", "enterprise:甲公司")  # supplies since 2019, still holds
    g2 = project(tiny, Window.of(year_from=2022))
    assert not g2.has_edge("enterprise:甲公司", "university:浙江大学")  # a 2021 agreement
    assert g2.has_edge("talent:张三", "enterprise:甲公司")  # affiliated since 2020, open-ended


def test_type_filters(tiny: GraphStore) -> None:
    g = project(tiny, Window.of(node_types=["Enterprise", "University"]))
    assert set(g.nodes) == {"enterprise:甲公司", "enterprise:乙公司", "university:浙江大学"}
    assert {d["type"] for *_, d in g.edges(data=True)} == {"COLLABORATES_WITH", "SUPPLIES"}
    g2 = project(tiny, Window.of(rel_types=["SUPPLIES"]))
    assert g2.number_of_nodes() == 5 and g2.number_of_edges() == 1


def test_cached_by_version(tiny: GraphStore) -> None:
    g1 = project(tiny)
    assert project(tiny) is g1
    tiny.upsert_nodes([Node("enterprise:丙公司", "Enterprise", "丙公司")])
    g2 = project(tiny)
    assert g2 is not g1 and "enterprise:丙公司" in g2


def test_arrays_match_graph(tiny: GraphStore) -> None:
    a = project_arrays(tiny)
    assert a.n == 5 and len(a.src) == 6
    adj = a.adjacency()
    i, j = a.index["enterprise:甲公司"], a.index["university:浙江大学"]
    assert adj[i, j] == adj[j, i] == 1.0
    assert sorted(a.ids[k] for k in a.of_type("Enterprise")) == [
        "enterprise:乙公司",
        "enterprise:甲公司",
    ]
    later = project_arrays(tiny, Window.of(year_to=2023))
    assert "project:项目X" not in later.index
    assert np.all(later.weight > 0)


def test_edges_alike_share_attributes_and_keep_their_keys(
    tiny: GraphStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two yearly agreements between the same pair are two edges (keys 2022 and 2023); a third,
    like the first in everything but its ends, shares its attribute dict. Without sharing (limit
    0) the graph is the same."""
    tiny.upsert_edges(
        [
            Edge(
                "enterprise:乙公司",
                "COLLABORATES_WITH",
                "university:浙江大学",
                "2022",
                {"year": 2022},
            ),
            Edge(
                "enterprise:乙公司",
                "COLLABORATES_WITH",
                "university:浙江大学",
                "2023",
                {"year": 2023},
            ),
            Edge(
                "enterprise:甲公司",
                "COLLABORATES_WITH",
                "university:浙江大学",
                "2022",
                {"year": 2022},
            ),
        ]
    )
    g = project(tiny, Window.of(year_to=2022))
    pair = g.get_edge_data("enterprise:乙公司", "university:浙江大学")
    assert list(pair) == ["COLLABORATES_WITH|2022"]  # 2023 is outside the window
    assert pair["COLLABORATES_WITH|2022"] == {
        "year": 2022,
        "type": "COLLABORATES_WITH",
        "weight": 1.0,
        "year_from": 2022,
        "year_to": 2022,
    }
    other = g.get_edge_data("enterprise:甲公司", "university:浙江大学")["COLLABORATES_WITH|2022"]
    assert other is pair["COLLABORATES_WITH|2022"]
    monkeypatch.setattr("kg.projection._SHARED_LIMIT", 0)
    clear_cache()
    unshared = project(tiny, Window.of(year_to=2022))
    assert nx.utils.edges_equal(unshared.edges(keys=True, data=True), g.edges(keys=True, data=True))
    assert (
        unshared.get_edge_data("enterprise:甲公司", "university:浙江大学")["COLLABORATES_WITH|2022"]
        is not unshared.get_edge_data("enterprise:乙公司", "university:浙江大学")[
            "COLLABORATES_WITH|2022"
        ]
    )
