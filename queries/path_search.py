"""The k cheapest simple paths of at most ``max_hops`` hops between two nodes of a tie graph, fast on
million-node graphs.

Best-first search over partial simple paths (A*, each path's extensions generated lazily, cheapest
first) from the end with fewer ties, pruned at a cost bound B and guided by distances to the other
end: one bounded Dijkstra from there (scipy's compiled ``dijkstra`` with ``limit=ρB`` on the cached
CSR) gives ``h(v) = min(d(v, t), ρB)``, a consistent lower bound on the cost left. Every path of
cost ≤ B is then found, in cost order; while fewer than k are, B grows. The work splits between
the two ends as in bidirectional search: compiled Dijkstra over the target's ball, Python over the
few partial paths from the source that the bound leaves, never the whole graph.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass

import numpy as np
from scipy.sparse.csgraph import dijkstra

from queries.derived import derived
from queries.ties import TieIndex

START_BOUND = 2.5  # a typical 2–3-hop path of good ties costs 1.5–3
GROWTH = 1.5
HEURISTIC_SHARE = 0.6  # ρ: the target's ball radius as a share of B
# Extensions of partial paths looked at before giving up (the answer so far is returned).
EXPANSION_BUDGET = 20_000


@dataclass(frozen=True)
class FoundPath:
    cost: float
    nodes: tuple[int, ...]


def cheapest_paths(
    T: TieIndex,
    s: int,
    t: int,
    k: int,
    max_hops: int,
    cost: np.ndarray | None = None,
) -> list[FoundPath]:
    """The ``k`` cheapest simple ``s``–``t`` paths of at most ``max_hops`` hops, cheapest first,
    over the entry costs ``cost`` (default: each pair's strongest tie; ``inf`` forbids an entry).
    Fewer when fewer exist; empty when none does (or the search budget ran out first)."""
    if T.indptr[s + 1] - T.indptr[s] > T.indptr[t + 1] - T.indptr[t]:
        return [
            FoundPath(p.cost, p.nodes[::-1]) for p in cheapest_paths(T, t, s, k, max_hops, cost)
        ]
    c = T.cost if cost is None else cost
    graph = T.matrix(cost)
    full = max_hops * _max_cost(T)  # no hop-bounded path costs more
    bound = min(START_BOUND, full)
    while True:
        radius = HEURISTIC_SHARE * bound
        to_t = dijkstra(graph, directed=True, indices=t, limit=radius)
        found, exhausted = _search(T.indptr, T.indices, c, s, t, k, max_hops, to_t, radius, bound)
        if len(found) >= k or bound >= full or not exhausted:
            return found[:k]
        bound = min(bound * GROWTH, full)


def fewest_hops(T: TieIndex, s: int, t: int, cost: np.ndarray | None = None) -> list[int] | None:
    """A path with the fewest hops over the allowed entries (finite ``cost``), ``None`` if none."""
    hops = np.ones(len(T.indices)) if cost is None else np.where(np.isfinite(cost), 1.0, np.inf)
    dist, pred = dijkstra(T.matrix(hops), directed=True, indices=s, return_predecessors=True)
    if not np.isfinite(dist[t]):
        return None
    path = [t]
    while path[-1] != s:
        path.append(int(pred[path[-1]]))
    return path[::-1]


def _max_cost(T: TieIndex) -> float:
    """The cost of the weakest tie of any type (bounds every entry cost, filtered or not)."""
    return derived(
        T, "max_cost", lambda: float(1.0 / T.tie_strength.min()) if len(T.tie_strength) else 1.0
    )


def _search(
    indptr: np.ndarray,
    indices: np.ndarray,
    cost: np.ndarray,
    s: int,
    t: int,
    k: int,
    max_hops: int,
    to_t: np.ndarray,
    radius: float,
    bound: float,
) -> tuple[list[FoundPath], bool]:
    """Up to ``k`` cheapest paths of cost ≤ ``bound``, and whether the search ran to its end (rather
    than out of budget). ``to_t``: distances to ``t``, exact up to ``radius`` (``inf`` beyond)."""
    bound *= 1.0 + 1e-12
    heap: list[tuple[float, int, float, tuple[int, ...], np.ndarray, np.ndarray, int]] = []
    seq = 0

    def extend(path: tuple[int, ...], g: float) -> None:
        """Queue the cheapest extension of ``path``; its siblings follow lazily."""
        nonlocal seq
        u = path[-1]
        nb = indices[indptr[u] : indptr[u + 1]]
        f = g + cost[indptr[u] : indptr[u + 1]] + np.minimum(to_t[nb], radius)
        if len(path) == max_hops:  # one hop left: it must reach t
            ok = np.flatnonzero((nb == t) & (f <= bound))
        else:
            ok = np.flatnonzero(f <= bound)
            if len(ok):
                ok = ok[~np.isin(nb[ok], path)]
        if not len(ok):
            return
        ok = ok[np.lexsort((nb[ok], f[ok]))]
        seq += 1
        heapq.heappush(heap, (float(f[ok[0]]), seq, g, path, ok, f[ok], 0))

    extend((s,), 0.0)
    found: list[FoundPath] = []
    lo = indptr
    expansions = 0
    while heap and len(found) < k:
        _, _, g, path, ok, fs, i = heapq.heappop(heap)
        if i + 1 < len(ok):
            seq += 1
            heapq.heappush(heap, (float(fs[i + 1]), seq, g, path, ok, fs, i + 1))
        entry = lo[path[-1]] + ok[i]
        v = int(indices[entry])
        gv = g + float(cost[entry])
        if v == t:
            found.append(FoundPath(gv, (*path, v)))
            continue
        expansions += 1
        if expansions > EXPANSION_BUDGET:
            return found, False
        extend((*path, v), gv)
    return found, True
