"""Ties: the projection (a typed ``MultiDiGraph``) seen as an undirected graph of weighted ties, for
path search.

Each pair of nodes keeps one tie per relation type and direction (parallel edges merged) with a
strength::

    strength = weight · (1 + 0.25·ln n) · (1 + 0.5·r)

``weight`` is the strongest tie weight among the parallel edges of that type (the relation's default
from kg/schema.py unless the edge sets its own), ``n`` how many there are (repeated agreements,
several joint patents), and ``r`` ∈ [0, 1] their recency: 1 for a tie that still holds (open-ended
or timeless) or was last seen in the graph's latest year, falling linearly to 0 over 10 years.
A pair's edge cost is ``1 / strength`` of its strongest tie.

:func:`tie_index` builds, once per projection, the compressed sparse rows of that graph (both
directions, node order of the projection) plus one row per tie (pair, relation, strength), so that
a ``via`` filter on relation types is a vectorised mask rather than a pass over Python objects.
:func:`ties_between` tells the ties of one pair, for explaining a path step.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import networkx as nx
import numpy as np
import scipy.sparse as sp

from kg.arrays import NODE_TYPE_CODES, REL_TYPE_CODES
from kg.schema import RELATIONS
from queries.derived import derived

COUNT_BONUS = 0.25
RECENCY_BONUS = 0.5
RECENCY_SPAN = 10
UNKNOWN_REL = -1  # relation types outside the schema: kept, but no ``via`` names them


class Tie(NamedTuple):
    """All edges of one relation type between two nodes, in their real direction."""

    rel: str
    source: str
    target: str
    weight: float
    edge_count: int
    year_from: int | None
    year_to: int | None
    strength: float


def tie_strength(weight: float, count: int, last_year: int | None, ref_year: int | None) -> float:
    """Strength of a tie: weight, boosted for repeats and for recency (see the module docstring).

    ``last_year`` is ``None`` for a tie that still holds.

    >>> round(tie_strength(1.0, 1, None, 2025), 3), round(tie_strength(1.0, 1, 2015, 2025), 3)
    (1.5, 1.0)
    """
    if last_year is None or ref_year is None:
        recency = 1.0
    else:
        recency = max(0.0, 1.0 - (ref_year - last_year) / RECENCY_SPAN)
    return weight * (1.0 + COUNT_BONUS * math.log(count)) * (1.0 + RECENCY_BONUS * recency)


@dataclass(frozen=True)
class TieIndex:
    """The tie graph of one projection as arrays; node ``i`` is ``ids[i]`` (the projection's order).

    ``indptr``/``indices``/``cost``: CSR rows over both directions of every pair, cost of its
    strongest tie. ``entry_pair``: the pair (row of ``pair_*``) behind each CSR entry. ``tie_*``:
    one row per tie, strongest-first within a pair, for relation filters.
    """

    ids: list[str]
    index: dict[str, int]
    node_type: np.ndarray  # int16 codes of kg.arrays.NODE_TYPE_CODES (-1: unknown)
    indptr: np.ndarray
    indices: np.ndarray
    cost: np.ndarray
    entry_pair: np.ndarray
    n_pairs: int
    tie_pair: np.ndarray
    tie_rel: np.ndarray
    tie_strength: np.ndarray
    ref_year: int | None
    _matrices: dict[None, sp.csr_matrix] = field(default_factory=dict, repr=False, compare=False)

    @property
    def n(self) -> int:
        return len(self.ids)

    def matrix(self, cost: np.ndarray | None = None) -> sp.csr_matrix:
        """The CSR matrix of ``cost`` (default: every pair's strongest tie) for scipy's csgraph."""
        if cost is None and None in self._matrices:
            return self._matrices[None]
        data = self.cost if cost is None else cost
        m = sp.csr_matrix((data, self.indices, self.indptr), shape=(self.n, self.n), copy=False)
        if cost is None:
            self._matrices[None] = m
        return m

    def pair_costs(self, rels: frozenset[str]) -> np.ndarray:
        """Per CSR entry, the cost of the pair's strongest tie of a type in ``rels`` (``inf``: none).

        Cached per relation set for as long as the projection lives."""

        def build() -> np.ndarray:
            codes = [REL_TYPE_CODES[r] for r in rels if r in REL_TYPE_CODES]
            keep = np.isin(self.tie_rel, codes)
            best = np.zeros(self.n_pairs)
            np.maximum.at(best, self.tie_pair[keep], self.tie_strength[keep])
            cost = np.divide(1.0, best, out=np.full(self.n_pairs, np.inf), where=best > 0)
            return cost[self.entry_pair]

        return derived(self, ("pair_costs", rels), build)


def tie_index(G: nx.MultiDiGraph) -> TieIndex:
    """The :class:`TieIndex` of ``G``, built once per projection."""
    return derived(G, "tie_index", lambda: _build(G))


def _build(G: nx.MultiDiGraph) -> TieIndex:
    ids = list(G)
    index = {n: i for i, n in enumerate(ids)}
    node_type = np.fromiter(
        (NODE_TYPE_CODES.get(t, -1) for _, t in G.nodes(data="type")), np.int16, len(ids)
    )
    symmetric = {REL_TYPE_CODES[r] for r, spec in RELATIONS.items() if spec.symmetric}
    # One pass over the edges into flat lists; everything after is vectorised.
    src: list[int] = []
    dst: list[int] = []
    rel: list[int] = []
    wts: list[float] = []
    last: list[float] = []  # year_to, NaN while the tie holds
    for u, nbrs in G._succ.items():
        iu = index[u]
        for v, keyed in nbrs.items():
            if u == v:
                continue
            iv = index[v]
            for d in keyed.values():
                name = d.get("type", "")
                spec = RELATIONS.get(name)
                src.append(iu)
                dst.append(iv)
                rel.append(REL_TYPE_CODES.get(name, UNKNOWN_REL))
                wts.append(float(d.get("weight", spec.weight if spec else 0.5)))
                y1 = d.get("year_to")
                last.append(math.nan if y1 is None else float(y1))
    s = np.asarray(src, np.int64)
    t = np.asarray(dst, np.int64)
    r = np.asarray(rel, np.int64)
    w = np.asarray(wts, np.float64)
    y = np.asarray(last, np.float64)
    del src, dst, rel, wts, last
    known = ~np.isnan(y)
    ref_year = int(y[known].max()) if known.any() else None
    lo, hi = np.minimum(s, t), np.maximum(s, t)
    # A tie: (pair, relation, direction); symmetric relations have one direction.
    direction = np.where(np.isin(r, list(symmetric)), 0, (s > t).astype(np.int64))
    n = len(ids)
    nrel = len(REL_TYPE_CODES) + 1
    pair_key = lo * n + hi
    tie_key = (pair_key * nrel + (r + 1)) * 2 + direction
    order = np.argsort(tie_key, kind="stable")
    tie_key = tie_key[order]
    starts = np.flatnonzero(np.r_[True, tie_key[1:] != tie_key[:-1]])
    count = np.diff(np.r_[starts, len(order)])
    weight = np.maximum.reduceat(w[order], starts) if len(order) else w
    holds = np.logical_or.reduceat(~known[order], starts) if len(order) else known
    year_to = np.fmax.reduceat(y[order], starts) if len(order) else y
    if ref_year is None:
        recency = np.ones(len(starts))
    else:
        recency = np.where(holds, 1.0, np.clip(1.0 - (ref_year - year_to) / RECENCY_SPAN, 0.0, 1.0))
        recency = np.nan_to_num(recency, nan=1.0)
    strength = weight * (1.0 + COUNT_BONUS * np.log(count)) * (1.0 + RECENCY_BONUS * recency)
    tie_pair_key = pair_key[order][starts]
    tie_rel = r[order][starts].astype(np.int16)
    keep = strength > 0
    tie_pair_key, tie_rel, strength = tie_pair_key[keep], tie_rel[keep], strength[keep]
    pairs, tie_pair = np.unique(tie_pair_key, return_inverse=True)
    best = np.zeros(len(pairs))
    np.maximum.at(best, tie_pair, strength)
    p_lo, p_hi = pairs // n, pairs % n
    rows = np.concatenate([p_lo, p_hi])
    cols = np.concatenate([p_hi, p_lo])
    entry_pair = np.concatenate([np.arange(len(pairs)), np.arange(len(pairs))])
    by_row = np.lexsort((cols, rows))
    rows, cols, entry_pair = rows[by_row], cols[by_row], entry_pair[by_row]
    indptr = np.zeros(n + 1, np.int64)
    np.cumsum(np.bincount(rows, minlength=n), out=indptr[1:])
    index_dtype = np.int32 if n < 2**31 and len(cols) < 2**31 else np.int64
    return TieIndex(
        ids=ids,
        index=index,
        node_type=node_type,
        indptr=indptr.astype(index_dtype),
        indices=cols.astype(index_dtype),
        cost=(1.0 / best)[entry_pair],
        entry_pair=entry_pair,
        n_pairs=len(pairs),
        tie_pair=tie_pair,
        tie_rel=tie_rel,
        tie_strength=strength,
        ref_year=ref_year,
    )


def ties_between(G: nx.MultiDiGraph, T: TieIndex, a: str, b: str) -> list[Tie]:
    """The ties of the pair ``a``–``b``, strongest first (ties of equal strength in edge order)."""
    first, second = (a, b) if T.index[a] <= T.index[b] else (b, a)
    groups: dict[tuple[str, str, str], list[Any]] = {}
    for u, v in ((first, second), (second, first)):
        for d in G._succ[u].get(v, {}).values():
            rel = d.get("type", "")
            spec = RELATIONS.get(rel)
            x, z = (v, u) if spec is not None and spec.symmetric and v < u else (u, v)
            w = float(d.get("weight", spec.weight if spec else 0.5))
            y0, y1 = d.get("year_from"), d.get("year_to")
            g = groups.get((x, z, rel))
            if g is None:
                groups[(x, z, rel)] = [w, 1, y0, y1, y1 is None]
                continue
            g[0] = max(g[0], w)
            g[1] += 1
            if y0 is not None:
                g[2] = y0 if g[2] is None else min(g[2], y0)
            if y1 is not None:
                g[3] = y1 if g[3] is None else max(g[3], y1)
            g[4] = g[4] or y1 is None
    ties = []
    for (x, z, rel), (w, n, y0, y1, holds) in groups.items():
        strength = tie_strength(w, n, None if holds else y1, T.ref_year)
        if strength > 0:
            ties.append(Tie(rel, x, z, w, n, y0, None if holds else y1, strength))
    return sorted(ties, key=lambda t: -t.strength)
