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
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from queries.derived import derived
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
RMAX = 1e-5  # push threshold per unit of weighted degree (see personalised_pagerank)


def personalised_pagerank(
    weighted: sp.csr_array,
    strength: np.ndarray,
    seeds: np.ndarray,
    targets: np.ndarray,
    *,
    restart: float = RESTART,
    rmax: float = RMAX,
) -> np.ndarray:
    """Personalised PageRank from each seed (rows) at each target (columns) on the weighted
    symmetric adjacency ``weighted`` (weighted degrees ``strength``), by forward push (Andersen,
    Chung and Lang 2006), all nodes over the threshold pushed together each round.

    Every node's residual ends below ``rmax`` × its weighted degree, so each estimate is within
    ``rmax · strength[v]`` below the true value, and the work is bounded by ``1 / (restart · rmax)``
    whatever the size of the graph: only the seed's neighbourhood is touched.

    >>> w = sp.csr_array(np.array([[0.0, 1.0], [1.0, 0.0]]))
    >>> x = personalised_pagerank(w, np.ones(2), np.array([0]), np.array([0, 1]), restart=0.5,
    ...                           rmax=1e-12)
    >>> np.round(x, 4).tolist()  # 0.5 + 0.5·(mass at 1), mass at 1 = 0.5·(mass at 0)
    [[0.6667, 0.3333]]
    """
    out = np.zeros((len(seeds), len(targets)))
    if not len(seeds):
        return out
    indptr, indices, data = weighted.indptr, weighted.indices, weighted.data
    share = np.divide(1.0 - restart, strength, out=np.zeros(len(strength)), where=strength > 0)
    threshold = rmax * strength
    n = len(strength)
    for row, seed in enumerate(seeds):
        p = np.zeros(n)
        r = np.zeros(n)
        r[seed] = 1.0
        active = np.array([seed])
        while len(active):
            mass = r[active]
            r[active] = 0.0
            p[active] += restart * mass
            starts, counts = indptr[active], indptr[active + 1] - indptr[active]
            total = int(counts.sum())
            if not total:
                break
            # positions of every entry of the active rows, concatenated
            offsets = np.repeat(starts - np.cumsum(counts) + counts, counts) + np.arange(total)
            to = indices[offsets]
            np.add.at(r, to, data[offsets] * np.repeat(mass * share[active], counts))
            hit = to[r[to] > threshold[to]]
            active = np.unique(hit) if len(hit) < n // 64 else np.flatnonzero(r > threshold)
        out[row] = p[targets]
    return out


def raw_block(
    F: PairFeatures, ents: np.ndarray, orgs: np.ndarray
) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """Raw component values (len(ents) × len(orgs)) and the mask of pairs that already
    collaborate. Also ``common_neighbours`` for the baselines."""
    side = _org_side(F, orgs)
    adj_e = F.adjacency[ents]
    weighted_e = sp.csr_array(adj_e @ sp.diags_array(F.inv_log_degree))
    out = {
        "field_fit": (F.text[ents] @ side.text).toarray(),
        "adamic_adar": (weighted_e @ side.adjacency).toarray(),
        "common_neighbours": (adj_e @ side.adjacency).toarray(),
        "ppr": _ppr_block(F, ents, orgs),
        "shared_people": (F.people[ents] @ side.people).toarray(),
        "chain_partners": _chain_block(F, side, ents),
        "track_record": (F.profile[ents] @ side.track).toarray(),
        "popularity": np.broadcast_to(F.collab_degree[orgs], (len(ents), len(orgs))).astype(float),
    }
    existing = (F.collab[ents] @ side.one_hot).toarray() > 0
    return out, existing


@dataclass(frozen=True)
class _OrgSide:
    """The organisations' columns of the feature matrices (n × orgs), kept per candidate set: the
    enterprise side changes with every query, the organisation side does not."""

    text: sp.csr_array
    adjacency: sp.csr_array
    people: sp.csr_array
    track: sp.csr_array
    collab: sp.csr_array
    per_segment: sp.csr_array  # segment → organisations its members already work with
    one_hot: sp.csr_array


def _org_side(F: PairFeatures, orgs: np.ndarray) -> _OrgSide:
    def build() -> _OrgSide:
        collab = sp.csr_array(F.collab[orgs].T)
        return _OrgSide(
            text=sp.csr_array(F.text[orgs].T),
            adjacency=sp.csr_array(F.adjacency[orgs].T),
            people=sp.csr_array(F.people[orgs].T),
            track=sp.csr_array(F.track[orgs].T),
            collab=collab,
            per_segment=sp.csr_array(F.segment_members @ collab),
            one_hot=_one_hot(F.collab.shape[0], orgs),
        )

    return derived(F, ("org_side", orgs.tobytes()), build)


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
        return personalised_pagerank(F.weighted, F.strength, ents, orgs)
    from_orgs = personalised_pagerank(F.weighted, F.strength, orgs, ents).T  # π_o(e), ents × orgs
    d_e, d_o = F.strength[ents][:, None], F.strength[orgs][None, :]
    return np.divide(from_orgs * d_o, d_e, out=np.zeros_like(from_orgs), where=d_e > 0)


def _chain_block(F: PairFeatures, side: _OrgSide, ents: np.ndarray) -> np.ndarray:
    """Suppliers and customers (1 each) and segment peers (0.5 each; the enterprise itself excluded)
    of each enterprise that already collaborate with each organisation (a supplier in the same
    segment counts 1.5). Peers go through the
    segments, never an enterprise × enterprise peer matrix (a 500-firm segment would be 250k
    entries)."""
    by_supply = F.supplies[ents] @ side.collab
    own_segments = np.asarray(F.segment[ents].sum(axis=1)).reshape(-1, 1)
    own = (F.collab[ents] @ side.one_hot).toarray()
    by_peers = (F.segment[ents] @ side.per_segment).toarray() - own_segments * own
    return np.asarray(by_supply.toarray() + SEGMENT_PEER_WEIGHT * by_peers)


def _one_hot(n: int, cols: np.ndarray) -> sp.csr_array:
    return sp.csr_array((np.ones(len(cols)), (cols, np.arange(len(cols)))), shape=(n, len(cols)))
