"""Scores of enterprise × organisation pairs from the pairing features, block by block.

Each component is mapped to [0, 1] before weighting, so the weights read as importances:

- ``field_fit``: TF-IDF cosine of their technical text (fields, IPC classes, title bigrams);
- ``adamic_adar``: 1 − e^(−AA) over the whole graph's neighbourhoods;
- ``ppr``: personalised PageRank from the enterprise, divided by the best candidate's;
- ``shared_people``: 1 − e^(−n) for n talents linked to both (employees, alumni, trainees);
- ``chain_partners``: 1 − e^(−c), c = suppliers/customers (1 each) and segment peers (0.5 each)
  of the enterprise that already collaborate with the organisation;
- ``track_record``: 1 − e^(−t), t = the organisation's log-counted patents, projects and partners in
  the enterprise's fields, weighted by the enterprise's field profile;
- ``popularity``: ln(1 + partners) / ln(1 + most partners of any organisation).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import scipy.sparse as sp

from queries.recommend.features import SEGMENT_PEER_WEIGHT, PairFeatures

COMPONENTS = (
    "field_fit",
    "adamic_adar",
    "ppr",
    "shared_people",
    "chain_partners",
    "track_record",
    "popularity",
)
# Hand-set priors, not fitted: every signal on, people and chain evidence counting most.
# ``ikg evaluate recommendations --tune`` also reports weights fitted on an earlier split than
# the one it reports (see queries/evaluation.py and bench/RESULTS.md).
DEFAULT_WEIGHTS: dict[str, float] = {
    "field_fit": 1.0,
    "adamic_adar": 0.5,
    "ppr": 0.5,
    "shared_people": 1.0,
    "chain_partners": 1.0,
    "track_record": 0.5,
    "popularity": 0.5,
}
RESTART = 0.15


def personalised_pagerank(
    weighted: sp.csr_array,
    strength: np.ndarray,
    seeds: np.ndarray,
    *,
    restart: float = RESTART,
    tol: float = 1e-6,
    eps: float = 1e-7,
    max_iter: int = 100,
) -> sp.csr_array:
    """Personalised PageRank from each seed (one column each) by sparse power iteration on the
    weighted symmetric adjacency ``weighted`` (weighted degrees ``strength``).

    Entries below ``eps`` are dropped each round, which keeps the iterate local (a vectorised form
    of the push method); each step touches only the rows of ``weighted`` where the iterate lives
    (W is symmetric, so W·y = W[rows]ᵀ·y[rows]). Stops when no column's L1 change exceeds ``tol``.

    >>> w = sp.csr_array(np.array([[0.0, 1.0], [1.0, 0.0]]))
    >>> x = personalised_pagerank(w, np.ones(2), np.array([0]), restart=0.5, tol=1e-12, eps=0)
    >>> np.round(x.toarray().ravel(), 4).tolist()  # 0.5 + 0.5·(mass at 1), mass at 1 = 0.5·(mass at 0)
    [0.6667, 0.3333]
    """
    n, m = weighted.shape[0], len(seeds)
    inv = np.divide(1.0, strength, out=np.zeros(n), where=strength > 0)
    start = sp.csr_array((np.full(m, restart), (seeds, np.arange(m))), shape=(n, m))
    x = start
    for _ in range(max_iter):
        rows = np.flatnonzero(np.diff(x.indptr))
        y = sp.csr_array(sp.diags_array(inv[rows]) @ x[rows])
        spread = sp.csr_array(weighted[rows].T @ y)
        nxt = sp.csr_array((1.0 - restart) * spread + start)
        nxt.data[nxt.data < eps] = 0.0
        nxt.eliminate_zeros()
        change = np.asarray(abs(nxt - x).sum(axis=0)).ravel()
        x = nxt
        if change.max(initial=0.0) < tol:
            break
    return x


def raw_block(
    F: PairFeatures, ents: np.ndarray, orgs: np.ndarray
) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """Raw component values (len(ents) × len(orgs)) and the mask of pairs that already
    collaborate. Also ``common_neighbours`` for the baselines."""
    adj_e, adj_o = F.adjacency[ents], F.adjacency[orgs]
    weighted_e = sp.csr_array(adj_e @ sp.diags_array(F.inv_log_degree))
    out = {
        "field_fit": (F.text[ents] @ F.text[orgs].T).toarray(),
        "adamic_adar": (weighted_e @ adj_o.T).toarray(),
        "common_neighbours": (adj_e @ adj_o.T).toarray(),
        "ppr": _ppr_block(F, ents, orgs),
        "shared_people": (F.people[ents] @ F.people[orgs].T).toarray(),
        "chain_partners": _chain_block(F, ents, orgs),
        "track_record": (F.profile[ents] @ F.track[orgs].T).toarray(),
        "popularity": np.broadcast_to(F.collab_degree[orgs], (len(ents), len(orgs))).astype(float),
    }
    existing = (F.collab[ents] @ _one_hot(F.collab.shape[0], orgs)).toarray() > 0
    return out, existing


def transform(F: PairFeatures, raw: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Each component mapped to [0, 1] (see the module docstring)."""
    ppr = raw["ppr"]
    top = ppr.max(axis=1, keepdims=True, initial=0.0)
    most = np.log1p(F.collab_degree[F.orgs].max(initial=0.0))
    return {
        "field_fit": raw["field_fit"],
        "adamic_adar": -np.expm1(-raw["adamic_adar"]),
        "ppr": np.divide(ppr, top, out=np.zeros_like(ppr), where=top > 0),
        "shared_people": -np.expm1(-raw["shared_people"]),
        "chain_partners": -np.expm1(-raw["chain_partners"]),
        "track_record": -np.expm1(-raw["track_record"]),
        "popularity": np.log1p(raw["popularity"]) / most if most > 0 else raw["popularity"] * 0,
    }


def combine(
    parts: Mapping[str, np.ndarray], weights: Mapping[str, float] | None = None
) -> np.ndarray:
    """The weighted sum of transformed components."""
    w = DEFAULT_WEIGHTS if weights is None else weights
    return sum((w.get(c, 0.0) * parts[c] for c in COMPONENTS), np.zeros_like(parts["field_fit"]))


def _ppr_block(F: PairFeatures, ents: np.ndarray, orgs: np.ndarray) -> np.ndarray:
    """π_e(o) for every pair, seeding from the smaller side: on an undirected graph
    π_s(t)·d_s = π_t(s)·d_t, so one side's walks give the other's."""
    if len(ents) <= len(orgs):
        x = personalised_pagerank(F.weighted, F.strength, ents)
        return np.asarray(x[orgs].toarray()).T
    x = personalised_pagerank(F.weighted, F.strength, orgs)
    from_orgs = np.asarray(x[ents].toarray())  # π_o(e), ents × orgs
    d_e, d_o = F.strength[ents][:, None], F.strength[orgs][None, :]
    return np.divide(from_orgs * d_o, d_e, out=np.zeros_like(from_orgs), where=d_e > 0)


def _chain_block(F: PairFeatures, ents: np.ndarray, orgs: np.ndarray) -> np.ndarray:
    """Suppliers and customers (1 each) and segment peers (0.5 each; the enterprise itself excluded)
    of each enterprise that already collaborate with each organisation (a supplier in the same
    segment counts 1.5). Peers go through the
    segments, never an enterprise × enterprise peer matrix (a 500-firm segment would be 250k
    entries)."""
    collab_o = sp.csr_array(F.collab[orgs].T)  # n × orgs
    by_supply = F.supplies[ents] @ collab_o
    per_segment = F.segment_members @ collab_o  # segment → organisations its members work with
    own_segments = np.asarray(F.segment[ents].sum(axis=1)).reshape(-1, 1)
    own = (F.collab[ents] @ _one_hot(F.collab.shape[0], orgs)).toarray()
    by_peers = (F.segment[ents] @ per_segment).toarray() - own_segments * own
    return np.asarray(by_supply.toarray() + SEGMENT_PEER_WEIGHT * by_peers)


def _one_hot(n: int, cols: np.ndarray) -> sp.csr_array:
    return sp.csr_array((np.ones(len(cols)), (cols, np.arange(len(cols)))), shape=(n, len(cols)))
