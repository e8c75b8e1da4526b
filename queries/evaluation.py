"""How well the pairing recommender predicts the future: a temporal hold-out.

Train on the graph as it stood at the end of year Y (``Window.of(year_to=Y)``); the positives are
the university/lab–enterprise ``COLLABORATES_WITH`` pairs first seen after Y (not linked by Y).
For every enterprise with at least one positive, all universities and labs it was not linked to by
Y are ranked; ties share the mid rank. Metrics: hits@5 and hits@10 (share of those enterprises
with a positive in the top k), MRR (of the first positive) and AUC (per enterprise, averaged).
Baselines: popularity (the organisation's number of partners by Y), common neighbours and
Adamic–Adar over the whole training graph.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass

import networkx as nx
import numpy as np
from scipy.stats import rankdata

from kg.arrays import GraphArrays
from queries.recommend.features import ORG_TYPES
from queries.recommend.pairing import features_for
from queries.recommend.score import COMPONENTS, DEFAULT_WEIGHTS, combine, raw_block, transform

WEIGHT_GRID = (0.0, 0.25, 0.5, 1.0, 2.0)


@dataclass(frozen=True)
class Metrics:
    hits_at_5: float
    hits_at_10: float
    mrr: float
    auc: float
    enterprises: int
    positives: int


def first_collaborations(G: nx.MultiDiGraph) -> dict[tuple[str, str], int]:
    """(enterprise, university or lab) → the year of their first ``COLLABORATES_WITH`` edge."""
    first: dict[tuple[str, str], int] = {}
    types = G.nodes
    for u, v, d in G.edges(data=True):
        year = d.get("year_from")
        if d.get("type") != "COLLABORATES_WITH" or year is None:
            continue
        tu, tv = types[u].get("type"), types[v].get("type")
        if tu == "Enterprise" and tv in ORG_TYPES:
            pair = (u, v)
        elif tv == "Enterprise" and tu in ORG_TYPES:
            pair = (v, u)
        else:
            continue
        first[pair] = min(year, first.get(pair, year))
    return first


def rank_metrics(scores: np.ndarray, positive: np.ndarray, candidate: np.ndarray) -> Metrics:
    """Ranking metrics for rows of ``scores`` (one enterprise each) over the ``candidate`` columns,
    ``positive`` marking the held-out pairs. Rows without a positive candidate are skipped.

    >>> s = np.array([[3.0, 2.0, 1.0]]); c = np.ones((1, 3), bool)
    >>> rank_metrics(s, np.array([[False, True, False]]), c).mrr
    0.5
    """
    hits5, hits10, rr, aucs, pos_total = [], [], [], [], 0
    for row, pos, cand in zip(scores, positive, candidate, strict=True):
        pos = pos & cand
        if not pos.any():
            continue
        s = row[cand]
        p = pos[cand]
        higher = (s[None, :] > s[p][:, None]).sum(axis=1)
        equal = (s[None, :] == s[p][:, None]).sum(axis=1) - 1
        best = float((1 + higher + equal / 2).min())
        hits5.append(best <= 5)
        hits10.append(best <= 10)
        rr.append(1.0 / best)
        n_pos, n_neg = int(p.sum()), int((~p).sum())
        if n_neg:
            ranks = rankdata(s)
            aucs.append((ranks[p].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))
        pos_total += n_pos
    if not rr:
        return Metrics(0.0, 0.0, 0.0, 0.0, 0, 0)
    return Metrics(
        hits_at_5=float(np.mean(hits5)),
        hits_at_10=float(np.mean(hits10)),
        mrr=float(np.mean(rr)),
        auc=float(np.mean(aucs)) if aucs else 0.5,
        enterprises=len(rr),
        positives=pos_total,
    )


@dataclass(frozen=True)
class HoldOut:
    """Everything a method needs to be scored on one split."""

    raw: dict[str, np.ndarray]
    parts: dict[str, np.ndarray]
    positive: np.ndarray
    candidate: np.ndarray


def hold_out(
    G_train: nx.MultiDiGraph,
    A_train: GraphArrays,
    G_full: nx.MultiDiGraph,
    until_year: int,
    horizon: int | None = None,
) -> HoldOut:
    """The split: enterprises with a pair first seen in (Y, Y + horizon] (no end when ``None``)
    whose both ends exist in the training graph, their candidates and raw features."""
    F = features_for(G_train, A_train)
    index = A_train.index
    org_pos = {int(o): j for j, o in enumerate(F.orgs)}
    future: dict[int, list[int]] = {}
    for (e, o), year in first_collaborations(G_full).items():
        late = year > until_year and (horizon is None or year <= until_year + horizon)
        if late and e in index and o in index and index[o] in org_pos:
            future.setdefault(index[e], []).append(org_pos[index[o]])
    ents = np.array(sorted(future), dtype=np.int64)
    raw, existing = raw_block(F, ents, F.orgs)
    positive = np.zeros(existing.shape, bool)
    for a, e in enumerate(ents):
        positive[a, future[int(e)]] = True
    return HoldOut(raw, transform(F, raw), positive & ~existing, ~existing)


def evaluate(split: HoldOut, weights: Mapping[str, float] | None = None) -> dict[str, Metrics]:
    """The recommender and the three baselines on one split."""
    methods = {
        "recommender": combine(split.parts, weights),
        "popularity": split.raw["popularity"],
        "common_neighbours": split.raw["common_neighbours"],
        "adamic_adar": split.raw["adamic_adar"],
    }
    return {m: rank_metrics(s, split.positive, split.candidate) for m, s in methods.items()}


def tune_weights(split: HoldOut, rounds: int = 3) -> dict[str, float]:
    """Weights by coordinate ascent over :data:`WEIGHT_GRID` maximising hits@10 + MRR on ``split``
    (an earlier split than the one reported: never tune on the test years)."""
    weights = dict(DEFAULT_WEIGHTS)

    def objective(w: Mapping[str, float]) -> float:
        m = rank_metrics(combine(split.parts, w), split.positive, split.candidate)
        return m.hits_at_10 + m.mrr

    best = objective(weights)
    for _ in range(rounds):
        improved = False
        for c in COMPONENTS:
            for value in WEIGHT_GRID:
                trial = {**weights, c: value}
                score = objective(trial)
                if score > best + 1e-9:
                    best, weights, improved = score, trial, True
        if not improved:
            break
    return weights


def as_dict(results: Mapping[str, Metrics]) -> dict[str, dict[str, float | int]]:
    return {name: asdict(m) for name, m in results.items()}
