"""entity_profile and ego_network on the hand-built county of tests/queries/conftest.py."""

from __future__ import annotations

import networkx as nx
import pytest

from kg.errors import InvalidInput
from kg.stores.base import GraphStore
from queries.profile import ego_network, entity_profile
from queries.registry import QueryContext, run_query


def test_profile_of_the_leader(chain_graph: nx.MultiDiGraph) -> None:
    """L's edges: A→L, B→L (SUPPLIES), L→C (SUPPLIES), L→浙大 (2023), L→零部件 (leader), L→P1
    (2024): ties in-SUPPLIES 2 first, then the four single ones; one partner; one patent in 2024."""
    p = entity_profile(chain_graph, "链主集团")
    assert p.id == "enterprise:L" and p.type_label == "企业"
    assert [(t.direction, t.relation, t.count) for t in p.ties] == [
        ("in", "SUPPLIES", 2),
        ("out", "APPLIED", 1),
        ("out", "COLLABORATES_WITH", 1),
        ("out", "IN_SEGMENT", 1),
        ("out", "SUPPLIES", 1),
    ]
    assert [(x.name, x.years) for x in p.partners] == [("浙江大学", [2023])]
    assert [(c.chain_name, c.stage, c.role) for c in p.chains] == [
        ("汽车零部件", "零部件", "leader")
    ]
    assert [(y.year, y.count) for y in p.patents_by_year] == [(2024, 1)]
    assert p.projects_by_year == []
    props = {x.key: x.value for x in p.properties}
    assert props["revenue"] == 500000.0 and props["rd_institution"] == "省级重点企业研究院"


def test_profile_of_a_university_lists_its_partners(chain_graph: nx.MultiDiGraph) -> None:
    p = entity_profile(chain_graph, "university:浙江大学")
    assert [(x.id, x.years) for x in p.partners] == [
        ("enterprise:C", [2024]),
        ("enterprise:L", [2023]),
    ]


def test_ego_network_one_and_two_hops(chain_graph: nx.MultiDiGraph) -> None:
    """浙大's neighbours: L and C (both one cooperation tie, 1.0; id order). Edges among the three:
    L→浙大, C→浙大, L→C. Two hops over enterprises and universities only adds A and B (via L);
    a limit of 3 keeps the hop-0 and hop-1 nodes and says it cut."""
    one = ego_network(chain_graph, "浙江大学")
    assert [(n.id, n.hop) for n in one.nodes] == [
        ("university:浙江大学", 0),
        ("enterprise:C", 1),
        ("enterprise:L", 1),
    ]
    assert sorted((e.source, e.type, e.target) for e in one.edges) == [
        ("enterprise:C", "COLLABORATES_WITH", "university:浙江大学"),
        ("enterprise:L", "COLLABORATES_WITH", "university:浙江大学"),
        ("enterprise:L", "SUPPLIES", "enterprise:C"),
    ]
    two = ego_network(chain_graph, "浙江大学", hops=2, types=["Enterprise", "University"])
    assert {n.id for n in two.nodes if n.hop == 2} == {"enterprise:A", "enterprise:B"}
    cut = ego_network(chain_graph, "浙江大学", hops=2, types=["Enterprise", "University"], limit=3)
    assert len(cut.nodes) == 3 and cut.truncated and cut.found == 5
    with pytest.raises(InvalidInput):
        ego_network(chain_graph, "浙江大学", types=["Company"])


def test_registered(chain_store: GraphStore) -> None:
    ctx = QueryContext(chain_store)
    assert run_query(ctx, "entity_profile", {"entity": "丙配套"}).id == "enterprise:C"  # type: ignore[attr-defined]
    ego = run_query(ctx, "ego_network", {"entity": "enterprise:C", "hops": 2})
    assert ego.hops == 2  # type: ignore[attr-defined]
