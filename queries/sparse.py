"""Centrality on scipy sparse adjacency: PageRank by power iteration and Brandes betweenness in
matrix form (batches of breadth-first searches as sparse × dense products).

Both run on a chain's subgraph in milliseconds at county scale and well under a second at
province scale, where networkx (pure Python) takes tens of seconds.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp


def pagerank(
    a: sp.csr_array, *, alpha: float = 0.85, tol: float = 1e-9, max_iter: int = 200
) -> np.ndarray:
    """PageRank of a weighted adjacency ``a`` (row = from); dangling mass spread uniformly.

    Stops when the L1 change falls below ``n · tol`` (networkx's criterion), so results match
    ``nx.pagerank(..., tol=tol)``.
    """
    n = a.shape[0]
    if n == 0:
        return np.zeros(0)
    out = np.asarray(a.sum(axis=1)).ravel()
    dangling = out == 0
    inv = np.divide(1.0, out, out=np.zeros(n), where=~dangling)
    pt = (sp.diags_array(inv) @ a).T.tocsr()  # transition matrix, transposed for x ← Pᵀx
    x = np.full(n, 1.0 / n)
    for _ in range(max_iter):
        prev = x
        x = alpha * (pt @ x) + (alpha * x[dangling].sum() + 1.0 - alpha) / n
        if np.abs(x - prev).sum() < n * tol:
            break
    return x / x.sum()


def betweenness(
    a: sp.csr_array, *, k: int | None = None, seed: int = 42, batch: int = 64
) -> tuple[np.ndarray, bool]:
    """Normalised betweenness of an undirected graph (hop counts, weights ignored) and whether it
    was sampled: with ``k`` < n, from ``k`` sources drawn with ``seed`` and scaled by n / k, as
    ``nx.betweenness_centrality(G, k=k, seed=…)`` does.
    """
    n = a.shape[0]
    b = (a != 0).astype(np.float64).tocsr()
    b.setdiag(0)
    b.eliminate_zeros()
    sampled = k is not None and k < n
    sources = (
        np.sort(np.random.default_rng(seed).choice(n, size=k, replace=False))
        if sampled and k is not None
        else np.arange(n)
    )
    bc = np.zeros(n)
    for start in range(0, len(sources), batch):
        bc += _dependencies(b, sources[start : start + batch])
    if n > 2:
        bc /= (n - 1) * (n - 2)
        if sampled and k:
            bc *= n / k
    return bc, sampled


def _dependencies(b: sp.csr_array, sources: np.ndarray) -> np.ndarray:
    """Σ over ``sources`` of Brandes' dependency δ_s(v), computed level by level for all sources
    at once: σ by forward products, δ by backward ones."""
    m, n = len(sources), b.shape[0]
    rows = np.arange(m)
    sigma = np.zeros((m, n))
    sigma[rows, sources] = 1.0
    level = np.full((m, n), -1, dtype=np.int32)
    level[rows, sources] = 0
    frontier = sigma.copy()
    depth = 0
    while True:
        nxt = (b @ frontier.T).T  # paths into each node from the current level
        nxt[level >= 0] = 0.0
        if not nxt.any():
            break
        depth += 1
        level[nxt > 0] = depth
        sigma += nxt
        frontier = nxt
    delta = np.zeros((m, n))
    for d in range(depth, 0, -1):
        at = level == d
        t = np.where(at, (1.0 + delta) / np.where(at, sigma, 1.0), 0.0)
        up = (b @ t.T).T
        above = level == d - 1
        delta[above] += (sigma * up)[above]
    delta[rows, sources] = 0.0
    return np.asarray(delta.sum(axis=0))


def within_two_hops(a: sp.csr_array, i: int) -> np.ndarray:
    """Indices of the nodes one or two hops from ``i`` (``i`` itself excluded)."""
    ptr, idx = a.indptr, a.indices
    one = idx[ptr[i] : ptr[i + 1]]
    two = [idx[ptr[j] : ptr[j + 1]] for j in one]
    found = np.unique(np.concatenate([one, *two])) if len(one) else one
    return np.asarray(found[found != i])


def without(a: sp.csr_array, i: int) -> sp.csr_array:
    """``a`` with node ``i``'s ties removed (the node stays, isolated)."""
    keep = np.ones(a.shape[0])
    keep[i] = 0.0
    d = sp.diags_array(keep)
    out = (d @ a @ d).tocsr()
    out.eliminate_zeros()
    return out
