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
from kg.projection import project
from kg.stores.base import GraphStore
from queries.chain_subgraph import chain_subgraph
from queries.influence import chain_leader_influence
from queries.registry import QueryContext, run_query
from queries.sparse import betweenness, pagerank, sample_sources
from tests.queries.conftest import edge, node


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


def test_isolated_candidate_changes_nothing_when_it_leaves(chain_graph: nx.MultiDiGraph) -> None:
    """With four candidates D (no tie at all) is assessed too: it reaches nobody, brokers nothing,
    has no suppliers or partners, and its leaving splits nothing (0 pieces, not −1)."""
    result = chain_leader_influence(chain_graph, None, "汽车零部件", k_candidates=4)
    d = next(r for r in result.leaders if r.id == "enterprise:D")
    assert (d.role, d.reach, d.research_bridged, d.brokerage) == ("candidate", 0, 0, 0.0)
    assert d.local_embeddedness is None and d.embedding_ties == 0
    assert (d.removal.cut_off, d.removal.components_added, d.removal.reach_drop) == ([], 0, 0)
    assert [r.id for r in result.leaders][-1] == "enterprise:D"  # lowest PageRank


def test_project_and_ownership_ties(chain_store: GraphStore) -> None:
    """Add project X (L leads, D joins) and L INVESTED_IN B. The network: A, B, C, D, L, X, 浙大.
    L–B now weighs 0.8 (supply) + 0.6 (ownership) = 1.4. L reaches A, B, C and D (via X) → 4,
    of which A, B, D have no research partner → 3 bridged. Of the 15 pairs among the other six,
    all but C–浙大 and D–X run through L → betweenness 13/15. Without L: A, B and D (whose only
    way to 浙大 was X–L) are cut off; {A}, {B}, {C, 浙大}, {D, X} → 3 more pieces; SMEs within two
    hops of 浙大 go from A, B, C to C (D was three hops away) → drop 2. D becomes an opportunity
    through the project, and 浙大 works in 精密制造, D's field."""
    chain_store.upsert_nodes([node("project:X", "Project", "项目X", year=2024)])
    chain_store.upsert_edges(
        [
            edge("enterprise:L", "LEADS", "project:X", year=2024),
            edge("enterprise:D", "PARTICIPATES_IN", "project:X", year=2024),
            edge("enterprise:L", "INVESTED_IN", "enterprise:B", year=2022),
        ]
    )
    g = project(chain_store)
    sg = chain_subgraph(g, "chain:汽车零部件")
    assert sg.ids == [
        "enterprise:A",
        "enterprise:B",
        "enterprise:C",
        "enterprise:D",
        "enterprise:L",
        "project:X",
        "university:浙江大学",
    ]
    assert sg.adjacency[sg.index["enterprise:L"], sg.index["enterprise:B"]] == pytest.approx(1.4)
    result = chain_leader_influence(g, None, "汽车零部件", k_candidates=0)
    (leader,) = result.leaders
    assert (leader.reach, leader.research_bridged) == (4, 3)
    assert leader.brokerage == pytest.approx(13 / 15)
    assert [c.name for c in leader.removal.cut_off] == ["甲材料", "乙材料", "丁零件"]
    assert (leader.removal.components_added, leader.removal.reach_drop) == (3, 2)
    opp = [
        (o.sme_name, o.ties, [(p.name, p.shared_fields) for p in o.partners])
        for o in result.opportunities
    ]
    assert opp == [
        ("甲材料", ["SUPPLIES"], [("浙江大学", ["材料科学"])]),
        ("丁零件", ["PROJECT"], [("浙江大学", ["精密制造"])]),
        ("乙材料", ["INVESTED_IN", "SUPPLIES"], []),
    ]
    # the array projection gives the same answer (PageRank up to the order parallel ties are summed)
    by_arrays, by_graph = (
        chain_leader_influence(g, a, "汽车零部件", k_candidates=4).model_dump()
        for a in (project_arrays(chain_store), None)
    )
    for r in (*by_arrays["leaders"], *by_graph["leaders"]):
        r["pagerank"] = round(r["pagerank"], 12)
    assert by_arrays == by_graph


def test_subgraph_from_arrays_equals_subgraph_from_graph(chain_store: GraphStore) -> None:
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


def _leafy_graph() -> nx.Graph:
    """A cycle with trees and leaves hanging off it, a pair and a lone node: mostly leaves, like a
    chain's network (projects and partners of one member)."""
    g = nx.cycle_graph(6)
    g.add_edges_from([(0, 6), (6, 7), (7, 8), (7, 9), (2, 10), (10, 11), (10, 12), (3, 13)])
    g.add_edges_from((i % 14, 14 + i) for i in range(16))  # leaves on every node so far
    g.add_edges_from([(30, 31), (6, 32), (32, 33)])
    g.add_node(34)
    return g


def test_betweenness_with_leaves_folded_matches_networkx() -> None:
    g = _leafy_graph()
    n = g.number_of_nodes()
    a = nx.to_scipy_sparse_array(g, nodelist=range(n), format="csr")
    ref = nx.betweenness_centrality(g)
    bc, sampled = betweenness(a, batch=5)
    assert not sampled and np.allclose(bc, [ref[i] for i in range(n)])


def test_sampled_betweenness_sums_the_dependencies_of_its_sources() -> None:
    """n/k · Σ over the k drawn sources s of δ_s(v) = Σ_t σ_st(v)/σ_st, counted here path by path,
    over (n−1)(n−2). The drawn sources include leaves (whose searches are folded)."""
    g = _leafy_graph()
    n, k = g.number_of_nodes(), 9
    sources = sample_sources(n, k, seed=11)
    assert any(g.degree(int(s)) == 1 for s in sources)
    dependency = np.zeros(n)
    for s in sources.tolist():
        for t in nx.node_connected_component(g, s) - {s}:
            paths = list(nx.all_shortest_paths(g, s, t))
            for p in paths:
                for v in p[1:-1]:
                    dependency[v] += 1 / len(paths)
    bc, sampled = betweenness(nx.to_scipy_sparse_array(g, nodelist=range(n)), k=k, seed=11)
    assert sampled and np.allclose(bc, dependency * n / k / ((n - 1) * (n - 2)))


def test_registered(chain_store: GraphStore) -> None:
    out = run_query(QueryContext(chain_store), "chain_leader_influence", {"chain": "汽车零部件"})
    assert out.leaders[0].name == "链主集团"  # type: ignore[attr-defined]
