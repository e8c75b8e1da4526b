"""chain_leader_influence on the hand-built county of tests/queries/conftest.py.

The chain's network (supply, cooperation, project, ownership ties) has six nodes:
A–L (0.8), B–L (0.8), L–C (0.8), L–浙大 (1.0), C–浙大 (1.0), and D alone. 天姥实验室 supports a
segment but has no tie to a member, so it is not in the network.
"""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest

from kg.arrays import project_arrays
from kg.stores.base import GraphStore
from queries.influence import chain_leader_influence, chain_subgraph
from queries.registry import QueryContext, run_query
from queries.sparse import betweenness, pagerank


def test_leader_removal_cuts_off_the_smes_that_reach_research_only_through_it(
    chain_graph: nx.MultiDiGraph,
) -> None:
    """Without L: A and B (who reach 浙大 only through L) are cut off; C keeps its own tie; D never
    reached anything. The component {L, A, B, C, 浙大} falls into {A}, {B}, {C, 浙大}: 2 more
    pieces. SMEs within two hops of 浙大: A, B (via L) and C before, only C after → drop 2."""
    result = chain_leader_influence(chain_graph, None, "汽车零部件", k_candidates=1)
    leader = next(r for r in result.leaders if r.id == "enterprise:L")
    assert [c.name for c in leader.removal.cut_off] == ["甲材料", "乙材料"]
    assert leader.removal.components_added == 2
    assert leader.removal.reach_drop == 2


def test_leader_metrics_by_hand(chain_graph: nx.MultiDiGraph) -> None:
    """L reaches A, B, C within two hops (D is alone); A and B have no research partner and L has
    浙大 → 2 of 3 bridged. Betweenness: of the 10 pairs among the 5 others, A–B, A–C, A–浙大, B–C,
    B–浙大 pass only through L → 5 / 10 = 0.5. Suppliers A, B (local) and partner 浙大 (杭州市)
    → 2/3 local. Candidate: C (in-chain degree 1.8, above A and B at 0.8): reaches A, B via L,
    brokers nothing, and its removal cuts nobody off (A, B still reach 浙大 through L)."""
    result = chain_leader_influence(chain_graph, None, "汽车零部件", k_candidates=1)
    assert [(r.id, r.role, r.rank) for r in result.leaders] == [
        ("enterprise:L", "leader", 1),
        ("enterprise:C", "candidate", 2),
    ]
    leader, cand = result.leaders
    assert (leader.reach, leader.research_bridged) == (3, 2)
    assert leader.research_bridge_share == pytest.approx(2 / 3)
    assert leader.brokerage == pytest.approx(0.5) and not leader.brokerage_sampled
    assert leader.local_embeddedness == pytest.approx(2 / 3) and leader.embedding_ties == 3
    assert (cand.reach, cand.research_bridged, cand.brokerage) == (2, 2, 0.0)
    assert cand.removal.cut_off == [] and cand.removal.components_added == 0
    assert cand.removal.reach_drop == 0
    assert result.subgraph_nodes == 6 and result.subgraph_edges == 5
    assert {m.key for m in result.metrics} == {
        "pagerank",
        "reach",
        "brokerage",
        "local_embeddedness",
        "removal",
    }


def test_opportunities_match_the_leaders_partners_by_field(chain_graph: nx.MultiDiGraph) -> None:
    """SMEs tied to L without a research partner: A and B (C has 浙大). 浙大 works in 材料科学,
    A's field, so it could serve A; nobody of L's partners works in 新能源 (B)."""
    opp = chain_leader_influence(chain_graph, None, "汽车零部件").opportunities
    assert [(o.sme_name, o.ties, [(p.name, p.shared_fields) for p in o.partners]) for o in opp] == [
        ("甲材料", ["SUPPLIES"], [("浙江大学", ["材料科学"])]),
        ("乙材料", ["SUPPLIES"], []),
    ]


def test_subgraph_from_arrays_equals_subgraph_from_graph(chain_store: GraphStore) -> None:
    from kg.projection import project

    g = project(chain_store)
    a = chain_subgraph(g, "chain:汽车零部件")
    b = chain_subgraph(g, "chain:汽车零部件", project_arrays(chain_store))
    assert a.ids == b.ids
    assert (a.adjacency != b.adjacency).nnz == 0


def test_sparse_centrality_matches_networkx() -> None:
    """On a random weighted graph, PageRank and exact betweenness agree with networkx."""
    g = nx.gnm_random_graph(120, 300, seed=3)
    for u, v in g.edges:
        g[u][v]["weight"] = 1 + (u + v) % 4
    a = nx.to_scipy_sparse_array(g, nodelist=range(120), weight="weight", format="csr")
    ref_pr = nx.pagerank(g, tol=1e-10)
    assert np.allclose(pagerank(a, tol=1e-10), [ref_pr[i] for i in range(120)], atol=1e-9)
    ref_bc = nx.betweenness_centrality(g)
    bc, sampled = betweenness(a)
    assert not sampled and np.allclose(bc, [ref_bc[i] for i in range(120)])
    again, sampled = betweenness(a, k=30, seed=5)
    assert sampled and np.array_equal(again, betweenness(a, k=30, seed=5)[0])


def test_registered(chain_store: GraphStore) -> None:
    out = run_query(QueryContext(chain_store), "chain_leader_influence", {"chain": "汽车零部件"})
    assert out.leaders[0].name == "链主集团"  # type: ignore[attr-defined]
