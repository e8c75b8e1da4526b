"""Shared fixtures: a fresh store of every available kind, and a small hand-built graph.

The small graph (``tiny``), drawn so its answers can be checked by hand::

    张三(Talent) -AFFILIATED_WITH-> 甲公司(Enterprise) -COLLABORATES_WITH[2021]-> 浙江大学(University)
    张三 -ALUMNUS_OF-> 浙江大学
    乙公司(Enterprise) -SUPPLIES[since 2019]-> 甲公司
    乙公司 -LEADS[2024]-> 项目X(Project, year 2024)
    浙江大学 -PARTICIPATES_IN[2024]-> 项目X
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from kg.model import Edge, Node, Provenance
from kg.projection import clear_cache
from kg.stores.base import GraphStore
from kg.stores.sqlite import SQLiteStore

PROV = (Provenance("test", "sha-test", 1, "2026-01-01T00:00:00"),)


def _sqlite(tmp_path: Path) -> GraphStore:
    return SQLiteStore(tmp_path / "kg.sqlite")


def _neo4j(tmp_path: Path) -> GraphStore:  # pragma: no cover - needs a server
    """The database at NEO4J_URI, emptied (schema ensured on first open; the version survives)."""
    from kg.stores.neo4j import Neo4jStore

    store = Neo4jStore(os.environ["NEO4J_URI"])
    store.clear()
    return store


STORE_KINDS = [
    pytest.param(_sqlite, id="sqlite"),
    pytest.param(
        _neo4j,
        id="neo4j",
        marks=[
            pytest.mark.neo4j,
            pytest.mark.xdist_group("neo4j"),  # one shared database: never two tests at once
            pytest.mark.skipif(
                not os.environ.get("NEO4J_URI"),
                reason="NEO4J_URI not set: no Neo4j server here (run `docker compose up` elsewhere)",
            ),
        ],
    ),
]


@pytest.fixture(params=STORE_KINDS)
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[GraphStore]:
    """A fresh, empty store of each available kind."""
    clear_cache()
    s: GraphStore = request.param(tmp_path)
    yield s
    s.close()


def tiny_nodes() -> list[Node]:
    return [
        Node("talent:张三", "Talent", "张三", props={"programme": "省领军人才"}, provenance=PROV),
        Node(
            "enterprise:甲公司",
            "Enterprise",
            "浙江甲科技股份有限公司",
            ("甲公司",),
            {"above_scale": True, "high_tech": True},
            PROV,
        ),
        Node(
            "enterprise:乙公司",
            "Enterprise",
            "新昌乙精密机械有限公司",
            (),
            {"above_scale": True},
            PROV,
        ),
        Node("university:浙江大学", "University", "浙江大学", ("浙大",), {}, PROV),
        Node("project:项目X", "Project", "项目X", (), {"year": 2024, "programme": "尖兵"}, PROV),
    ]


def tiny_edges() -> list[Edge]:
    return [
        Edge(
            "talent:张三",
            "AFFILIATED_WITH",
            "enterprise:甲公司",
            props={"since": 2020},
            provenance=PROV,
        ),
        Edge(
            "talent:张三",
            "ALUMNUS_OF",
            "university:浙江大学",
            props={"year": 2010},
            provenance=PROV,
        ),
        Edge(
            "enterprise:甲公司",
            "COLLABORATES_WITH",
            "university:浙江大学",
            "2021",
            {"year": 2021, "amount": 120.0},
            PROV,
        ),
        Edge(
            "enterprise:乙公司",
            "SUPPLIES",
            "enterprise:甲公司",
            props={"since": 2019},
            provenance=PROV,
        ),
        Edge("enterprise:乙公司", "LEADS", "project:项目X", props={"year": 2024}, provenance=PROV),
        Edge(
            "university:浙江大学",
            "PARTICIPATES_IN",
            "project:项目X",
            props={"year": 2024},
            provenance=PROV,
        ),
    ]


@pytest.fixture
def tiny(store: GraphStore) -> GraphStore:
    """The store holding the small hand-built graph above."""
    store.upsert_nodes(tiny_nodes())
    store.upsert_edges(tiny_edges())
    return store
