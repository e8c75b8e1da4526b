"""Ranking metrics on a tiny ranking checked by hand."""

from __future__ import annotations

import numpy as np
import pytest

from queries.evaluation import rank_metrics


def test_hits_mrr_auc_by_hand() -> None:
    """Row 0: the positive (.7) has .9 and .8 above it → rank 3; AUC 1/3 (beats only .1).
    Row 1: column 3 is not a candidate (already linked); the positive (.5) ties with .5 → mid rank
    1.5, RR 2/3; AUC (½ + 1)/2 = .75.
    Row 2: scores 12…1, the positive scores 6 → rank 7 (a hit at 10, not at 5); AUC 5/11.
    Row 3: its only positive is not a candidate → skipped.
    hits@5 = 2/3, hits@10 = 1, MRR = (1/3 + 2/3 + 1/7)/3 = 8/21, AUC = (1/3 + 3/4 + 5/11)/3."""
    scores = np.zeros((4, 12))
    positive = np.zeros((4, 12), bool)
    candidate = np.zeros((4, 12), bool)
    scores[0, :4] = [0.9, 0.8, 0.7, 0.1]
    positive[0, 2] = True
    candidate[0, :4] = True
    scores[1, :4] = [0.5, 0.5, 0.2, 0.9]
    positive[1, 0] = True
    candidate[1, :3] = True
    scores[2] = np.arange(12, 0, -1)
    positive[2, 6] = True
    candidate[2] = True
    positive[3, 0] = True
    candidate[3, 1:] = True
    m = rank_metrics(scores, positive, candidate)
    assert (m.enterprises, m.positives) == (3, 3)
    assert m.hits_at_5 == pytest.approx(2 / 3)
    assert m.hits_at_10 == 1.0
    assert m.mrr == pytest.approx(8 / 21)
    assert m.auc == pytest.approx((1 / 3 + 3 / 4 + 5 / 11) / 3)


def test_no_positive_gives_empty_metrics() -> None:
    m = rank_metrics(np.ones((2, 3)), np.zeros((2, 3), bool), np.ones((2, 3), bool))
    assert (m.enterprises, m.mrr) == (0, 0.0)
