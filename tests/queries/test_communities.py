"""communities and the "should talk but don't" pairs on two hand-built clusters.

    cluster 1: E1 → E2 → E3 → E1 (SUPPLIES, 0.8 each), all working in 生物医药
    cluster 2: F1, F2 (机械) cooperate with U大学 (1.0 each; U works in 生物医药 and 机械), F1 → F2

Louvain splits them (one community per cluster; with two 0.8 bridges modularity is still
(2.4 + 2.8) / 6.8 − (6.4/13.6)² − (7.2/13.6)² ≈ 0.26 for the split against 0 for one community).
Cluster 1 needs 生物医药, which U has: a complementary pair, reported while at most one tie joins them.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.model import Edge
from kg.projection import project
from kg.stores.sqlite import SQLiteStore
from queries.communities import communities
from queries.gaps import collaboration_gaps
from tests.queries.conftest import edge, node


def _store(tmp_path: Path, bridges: list[Edge]) -> SQLiteStore:
    s = SQLiteStore(tmp_path / f"c{len(bridges)}.sqlite")
    s.upsert_nodes(
        [
            *(
                node(
                    f"enterprise:E{i}", "Enterprise", f"E{i}", fields=["生物医药"], above_scale=True
                )
                for i in (1, 2, 3)
            ),
            *(node(f"enterprise:F{i}", "Enterprise", f"F{i}", fields=["机械"]) for i in (1, 2)),
            node("university:U", "University", "U大学", fields=["生物医药", "机械"]),
        ]
    )
    s.upsert_edges(
        [
            edge("enterprise:E1", "SUPPLIES", "enterprise:E2"),
            edge("enterprise:E2", "SUPPLIES", "enterprise:E3"),
            edge("enterprise:E3", "SUPPLIES", "enterprise:E1"),
            edge("enterprise:F1", "COLLABORATES_WITH", "university:U", "1", year=2024),
            edge("enterprise:F2", "COLLABORATES_WITH", "university:U", "1", year=2024),
            edge("enterprise:F1", "SUPPLIES", "enterprise:F2"),
            *bridges,
        ]
    )
    return s


@pytest.mark.parametrize("n_bridges", [0, 1, 2])
def test_complementary_pair_with_at_most_one_tie(tmp_path: Path, n_bridges: int) -> None:
    bridges = [
        edge("enterprise:E1", "SUPPLIES", "enterprise:F1"),
        edge("enterprise:E2", "SUPPLIES", "enterprise:F2"),
    ][:n_bridges]
    g = project(_store(tmp_path, bridges))
    result = communities(g, seed=7)
    assert [sorted(m.id for m in c.members) for c in result.communities] == [
        ["enterprise:E1", "enterprise:E2", "enterprise:E3"],
        ["enterprise:F1", "enterprise:F2", "university:U"],
    ]
    assert result.communities[0].demand_fields == ["生物医药"]
    assert result.communities[1].supply_fields == ["机械", "生物医药"]
    pairs = [(p.a, p.b, p.a_needs_b, p.b_needs_a, p.ties) for p in result.pairs]
    if n_bridges <= 1:
        assert pairs == [(0, 1, ["生物医药"], [], n_bridges)]
    else:
        assert pairs == []
    assert collaboration_gaps(g, seed=7).community_pairs == result.pairs


def test_same_seed_same_answer(tmp_path: Path) -> None:
    g = project(_store(tmp_path, []))
    assert communities(g, seed=3) == communities(g, seed=3)
