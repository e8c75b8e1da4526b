"""The path search against brute force: on small seeded random graphs, the k cheapest simple paths
of at most h hops are exactly the first k of *every* simple path of at most h hops sorted by cost."""

from __future__ import annotations

from itertools import pairwise

import networkx as nx
import numpy as np
import pytest

from kg.schema import RELATIONS
from queries.path_search import cheapest_paths, fewest_hops
from queries.ties import tie_index

RELS = ["AFFILIATED_WITH", "ALUMNUS_OF", "COLLABORATES_WITH", "WORKS_IN", "LOCATED_IN", "SUPPLIES"]


def random_graph(seed: int, n: int = 24, m: int = 60) -> nx.MultiDiGraph:
    rng = np.random.default_rng(seed)
    g = nx.MultiDiGraph()
    g.add_nodes_from((f"n{i}", {"type": "Enterprise", "name": f"n{i}"}) for i in range(n))
    for _ in range(m):
        u, v = (int(x) for x in rng.choice(n, 2, replace=False))
        rel = RELS[int(rng.integers(len(RELS)))]
        year = int(rng.integers(2010, 2025))
        g.add_edge(
            f"n{u}",
            f"n{v}",
            type=rel,
            weight=RELATIONS[rel].weight,
            year_from=year,
            year_to=year if rng.random() < 0.5 else None,
        )
    return g


def brute_force(
    g: nx.MultiDiGraph, costs: dict[frozenset[str], float], s: str, t: str, h: int
) -> list[float]:
    simple = nx.Graph(g.to_undirected())
    paths = [
        sum(costs[frozenset(e)] for e in pairwise(p))
        for p in nx.all_simple_paths(simple, s, t, cutoff=h)
    ]
    return sorted(paths)


@pytest.mark.parametrize("seed", range(6))
def test_cheapest_paths_are_the_first_k_of_all_simple_paths(seed: int) -> None:
    g = random_graph(seed)
    T = tie_index(g)
    costs = {
        frozenset((T.ids[u], T.ids[int(T.indices[e])])): float(T.cost[e])
        for u in range(T.n)
        for e in range(T.indptr[u], T.indptr[u + 1])
    }
    rng = np.random.default_rng(100 + seed)
    for _ in range(8):
        s, t = (int(x) for x in rng.choice(T.n, 2, replace=False))
        k, h = int(rng.integers(1, 6)), int(rng.integers(1, 6))
        found = cheapest_paths(T, s, t, k, h)
        expected = brute_force(g, costs, T.ids[s], T.ids[t], h)[:k]
        assert [p.cost for p in found] == pytest.approx(expected)
        for p in found:
            assert p.nodes[0] == s and p.nodes[-1] == t
            assert len(set(p.nodes)) == len(p.nodes) <= h + 1  # simple, within the hop bound
            assert p.cost == pytest.approx(
                sum(costs[frozenset((T.ids[a], T.ids[b]))] for a, b in pairwise(p.nodes))
            )


def test_fewest_hops_ignores_cost() -> None:
    """a–b–c costs 2 · 1/.15 (LOCATED_IN) but is one hop shorter than a–x–y–c of strong ties."""
    g = nx.MultiDiGraph()
    for a, b, rel in [
        ("a", "b", "LOCATED_IN"),
        ("c", "b", "LOCATED_IN"),
        ("a", "x", "COLLABORATES_WITH"),
        ("x", "y", "COLLABORATES_WITH"),
        ("y", "c", "COLLABORATES_WITH"),
    ]:
        g.add_edge(a, b, type=rel, weight=RELATIONS[rel].weight, year_from=None, year_to=None)
    T = tie_index(g)
    i = T.index
    assert [T.ids[n] for n in fewest_hops(T, i["a"], i["c"]) or []] == ["a", "b", "c"]
    best = cheapest_paths(T, i["a"], i["c"], 1, 5)[0]
    assert [T.ids[n] for n in best.nodes] == ["a", "x", "y", "c"]
    assert cheapest_paths(T, i["a"], i["c"], 2, 2)[0].cost == pytest.approx(2 / 0.15)
