"""chain_view on the hand-built county of tests/queries/conftest.py."""

from __future__ import annotations

import networkx as nx
import pytest

from kg.errors import EntityNotFound
from kg.projection import project
from kg.stores.base import GraphStore
from queries.chains import chain_view
from queries.gaps import collaboration_gaps
from queries.registry import QueryContext, run_query
from tests.queries.conftest import edge, node


def test_segments_upstream_to_downstream_with_members_and_support(
    chain_graph: nx.MultiDiGraph,
) -> None:
    """材料 → 零部件 → 整车配套. 零部件: L leads (listed first), D is a member. Support:
    材料 — A, B collaborate with nobody → none; 零部件 — L works with 浙江大学, which works in
    精密制造 → collaboration support via L; 整车配套 — 天姥实验室 explicitly (C's partner 浙大
    does not work in 智能控制, so it does not count)."""
    view = chain_view(chain_graph, "汽车零部件")
    assert [s.stage for s in view.segments] == ["材料", "零部件", "整车配套"]
    assert view.cycles == []
    parts = view.segments[1]
    assert [(m.id, m.role) for m in parts.members] == [
        ("enterprise:L", "leader"),
        ("enterprise:D", "member"),
    ]
    assert parts.members[0].revenue == 500000.0 and parts.members[0].above_scale
    assert [(s.id, s.kind, s.via_members, s.shared_fields) for s in parts.supporters] == [
        ("university:浙江大学", "collaboration", ["enterprise:L"], ["精密制造"])
    ]
    assert view.segments[0].supporters == [] and not view.segments[0].has_research_support
    assert [(s.id, s.kind) for s in view.segments[2].supporters] == [("lab:天姥实验室", "explicit")]
    assert view.leaders == ["enterprise:L"] and view.member_count == 5
    assert view.segments[0].downstream == ["segment:汽车零部件/零部件"]
    assert "材料" in view.explanation_zh and "材料" in view.explanation_en


def test_a_platform_supports_a_segment_but_is_no_research_support(
    chain_store: GraphStore,
) -> None:
    """A public service platform working in 材料科学 is declared IN_SEGMENT 材料 (support) and A
    joins it: it supports 材料 both explicitly and through A, in 材料科学. It is no lab or
    university, so 材料 stays the chain's research gap, now listing the platform."""
    chain_store.upsert_nodes(
        [
            node(
                "platform:材料平台",
                "Platform",
                "材料公共服务平台",
                kind="公共服务平台",
                fields=["材料科学"],
            )
        ]
    )
    chain_store.upsert_edges(
        [
            edge("platform:材料平台", "IN_SEGMENT", "segment:汽车零部件/材料", role="support"),
            edge("enterprise:A", "PARTICIPATES_IN", "platform:材料平台", year=2024),
        ]
    )
    g = project(chain_store)
    materials = chain_view(g, "汽车零部件").segments[0]
    assert [
        (s.id, s.type, s.kind, s.via_members, s.shared_fields) for s in materials.supporters
    ] == [("platform:材料平台", "Platform", "both", ["enterprise:A"], ["材料科学"])]
    assert not materials.has_research_support
    gaps = collaboration_gaps(g, "汽车零部件").unsupported_segments
    assert [(s.segment_id, s.platforms) for s in gaps] == [
        ("segment:汽车零部件/材料", ["材料公共服务平台"])
    ]


def test_cycle_is_reported_not_looped(chain_graph: nx.MultiDiGraph) -> None:
    """X → Y ⇄ Z → W: the cycle {Y, Z} is one block after X and before W; inside it the declared
    positions (Y 2, Z 3) decide; the cycle reported starts at its most upstream segment, Y."""
    view = chain_view(chain_graph, "chain:低空经济")
    assert [s.stage for s in view.segments] == ["X", "Y", "Z", "W"]
    assert view.cycles == [["segment:低空经济/Y", "segment:低空经济/Z"]]
    assert "循环" in view.explanation_zh


def test_unknown_chain(chain_graph: nx.MultiDiGraph) -> None:
    with pytest.raises(EntityNotFound):
        chain_view(chain_graph, "不存在的链")


def test_registered_queries(chain_store: GraphStore) -> None:
    ctx = QueryContext(chain_store)
    chains = run_query(ctx, "chains", {})
    assert [(c.name, c.member_count, c.leaders) for c in chains.chains] == [  # type: ignore[attr-defined]
        ("低空经济", 0, []),
        ("汽车零部件", 5, ["链主集团"]),
    ]
    view = run_query(ctx, "chain_view", {"chain": "chain:汽车零部件"})
    assert view.segments[0].stage == "材料"  # type: ignore[attr-defined]
    # up to 2022, before L's agreement with 浙江大学 (2023), 零部件 had no research support
    early = run_query(ctx, "chain_view", {"chain": "汽车零部件", "year": 2022})
    assert early.segments[1].supporters == []  # type: ignore[attr-defined]
