"""collaboration_gaps on the hand-built county of tests/queries/conftest.py (drawn there)."""

from __future__ import annotations

import networkx as nx

from kg.settings import CoverageTargets
from kg.stores.base import GraphStore
from queries.gaps import collaboration_gaps
from queries.registry import QueryContext, run_query


def test_coverages_and_the_firms_that_fall_short(chain_graph: nx.MultiDiGraph) -> None:
    """Above-scale: L, C, D, E. Worked out in conftest: patents 2/4 (D, E missing), R&D spending
    3/4 (D), R&D institution 2/4 (C, E: E's 孵化器 is no 企业研究院), IUR 3/4 (D; E counts though
    its agreement points from the lab), high-tech 2/4 (D, E). Against the default targets
    (100/100/96/100/65%): patents short by 2, R&D institution by ceil(0.96·4) − 2 = 2, high-tech
    by ceil(0.65·4) − 2 = 1."""
    gaps = collaboration_gaps(chain_graph)
    cov = {c.key: c for c in gaps.coverages}
    assert {k: (c.covered, c.total) for k, c in cov.items()} == {
        "patents": (2, 4),
        "rd_spending": (3, 4),
        "rd_institution": (2, 4),
        "iur_cooperation": (3, 4),
        "high_tech": (2, 4),
    }
    assert [m.name for m in cov["patents"].missing] == ["丁零件", "戊新能源"]
    assert [m.id for m in cov["rd_institution"].missing] == ["enterprise:C", "enterprise:E"]
    assert [m.id for m in cov["iur_cooperation"].missing] == ["enterprise:D"]
    assert cov["rd_spending"].rate == 0.75 and not cov["rd_spending"].meets_target
    assert [cov[k].shortfall for k in ("patents", "rd_institution", "high_tech")] == [2, 2, 1]
    assert cov["patents"].missing[0].chains == ["汽车零部件"]
    assert cov["patents"].missing[1].chains == []


def test_coverage_by_chain_and_region(chain_graph: nx.MultiDiGraph) -> None:
    """Patents by chain: 汽车零部件 has L, C, D (D missing) → 2/3; E is in no chain → 0/1.
    By region: 城关镇 has L, D, E (D, E missing) → 1/3; 七星街道 has C → 1/1."""
    patents = collaboration_gaps(chain_graph).coverages[0]
    by_chain = {g.name: (g.covered, g.total, g.missing) for g in patents.by_chain}
    assert by_chain == {"汽车零部件": (2, 3, ["enterprise:D"]), "未归链": (0, 1, ["enterprise:E"])}
    by_region = {g.key: (g.covered, g.total) for g in patents.by_region}
    assert by_region == {"城关镇": (1, 3), "七星街道": (1, 1)}


def test_targets_and_scope(chain_graph: nx.MultiDiGraph) -> None:
    """A 50% high-tech target is met by 2/4; scoped to the chain only L, C, D count (2/3);
    scoped to 七星街道 only C (1/1, so every coverage but R&D institution is met)."""
    gaps = collaboration_gaps(chain_graph, None, CoverageTargets(high_tech=0.5))
    assert gaps.coverages[4].meets_target and gaps.coverages[4].shortfall == 0
    chain = collaboration_gaps(chain_graph, "汽车零部件")
    assert chain.scope_kind == "chain" and chain.coverages[4].total == 3
    town = collaboration_gaps(chain_graph, "七星街道")
    assert town.scope_kind == "region"
    assert [c.key for c in town.coverages if not c.meets_target] == ["rd_institution"]


def test_segment_without_research_support(chain_graph: nx.MultiDiGraph) -> None:
    """材料 (材料科学): its members A and B collaborate with nobody and no lab is IN_SEGMENT it, so
    it is the one gap of 汽车零部件 (零部件 has 浙大 through L, 整车配套 has 天姥实验室); the four
    低空经济 segments have no support either."""
    gaps = collaboration_gaps(chain_graph, "汽车零部件")
    assert [(s.segment_id, s.fields, s.member_count) for s in gaps.unsupported_segments] == [
        ("segment:汽车零部件/材料", ["材料科学"], 2)
    ]
    county = collaboration_gaps(chain_graph)
    assert len(county.unsupported_segments) == 5


def test_fields_with_demand_and_no_local_supply(chain_graph: nx.MultiDiGraph) -> None:
    """Demand: 材料科学 {A}; 新能源 {B, E}; 精密制造 {L (+P1), D}; 智能控制 {C (+P2)}. Local
    research supply: 天姥实验室 (新昌县, the county of 城关镇) in 智能控制 only; 浙江大学 (杭州市)
    works in 精密制造 and 材料科学 but is not local. Gaps: 精密制造 (2 firms, 1 patent), 新能源
    (2, 0), 材料科学 (1, 0)."""
    fields = collaboration_gaps(chain_graph).field_gaps
    assert [(f.field_name, f.enterprise_count, f.patent_count) for f in fields] == [
        ("精密制造", 2, 1),
        ("新能源", 2, 0),
        ("材料科学", 1, 0),
    ]
    assert fields[0].outside_suppliers == ["浙江大学"] and fields[1].outside_suppliers == []
    assert fields[0].enterprises == ["链主集团", "丁零件"]


def test_registered_with_settings_targets(chain_store: GraphStore) -> None:
    gaps = run_query(QueryContext(chain_store), "collaboration_gaps", {"scope": "汽车零部件"})
    assert gaps.coverages[2].target == 0.96  # type: ignore[attr-defined]
