"""kpi_dashboard on a hand-built year series (counts worked out in each test's docstring)."""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import pytest

from kg.model import Node
from kg.projection import project
from kg.settings import KpiTargets
from kg.stores.sqlite import SQLiteStore
from queries.kpis import KpiOut, kpi_dashboard
from queries.registry import QueryContext, run_query
from tests.queries.conftest import edge, node


def _firm(key: str, **props: object) -> Node:
    return node(f"enterprise:{key}", "Enterprise", key, **props)


@pytest.fixture
def series_store(tmp_path: Path) -> SQLiteStore:
    """tech SMEs: since 2024 ×2, 2025 ×3, one undated, one since 2025 but no longer a tech SME.
    high-tech: since 2024, since 2025. 企业研究院: 省级重点 since 2025 ×1 and 2026 ×2; 省级 since
    2026 ×4. Labs: 省重点实验室 2025, 市重点实验室 2026, 省实验室 2022 (not a key lab).
    Talents: T1 省领军人才 2025, T2 省领军人才 2026, T3 县高层次人才 2026. Students trained by an
    enterprise: S1 硕士 2025–2027, S2 博士 since 2026, S3 硕士 2023–2024; S4 硕士 trained by a
    university only. Projects: 产学研合作 2025 ×3, 2026 ×2; 人才项目 2025 落地 ×1; 2026 签约 ×2,
    落地 ×1."""
    s = SQLiteStore(tmp_path / "kpi.sqlite")
    nodes = [
        *(_firm(f"t24{i}", tech_sme=True, tech_sme_since=2024) for i in range(2)),
        *(_firm(f"t25{i}", tech_sme=True, tech_sme_since=2025) for i in range(3)),
        _firm("t-undated", tech_sme=True),
        _firm("t-dropped", tech_sme=False, tech_sme_since=2025),
        _firm("h24", high_tech=True, high_tech_since=2024),
        _firm("h25", high_tech=True, high_tech_since=2025),
        node("university:U", "University", "U大学"),
        node(
            "platform:k25",
            "Platform",
            "k25",
            kind="企业研究院",
            level="省级重点企业研究院",
            since=2025,
        ),
        *(
            node(
                f"platform:k26{i}",
                "Platform",
                f"k26{i}",
                kind="企业研究院",
                level="省级重点企业研究院",
                since=2026,
            )
            for i in range(2)
        ),
        *(
            node(
                f"platform:p26{i}",
                "Platform",
                f"p26{i}",
                kind="企业研究院",
                level="省级企业研究院",
                since=2026,
            )
            for i in range(4)
        ),
        node("lab:a", "Lab", "a", level="省重点实验室", since=2025),
        node("lab:b", "Lab", "b", level="市重点实验室", since=2026),
        node("lab:c", "Lab", "c", level="省实验室", since=2022),
        node("programme:省领军人才", "Programme", "省领军人才", kind="talent"),
        node("programme:县高层次人才", "Programme", "县高层次人才", kind="talent"),
        *(node(f"talent:{t}", "Talent", t) for t in ("T1", "T2", "T3")),
        node("talent:S1", "Talent", "S1", degree="硕士"),
        node("talent:S2", "Talent", "S2", degree="博士"),
        node("talent:S3", "Talent", "S3", degree="硕士"),
        node("talent:S4", "Talent", "S4", degree="硕士"),
        *(
            node(f"project:iur25{i}", "Project", f"iur25{i}", programme="产学研合作", year=2025)
            for i in range(3)
        ),
        *(
            node(f"project:iur26{i}", "Project", f"iur26{i}", programme="产学研合作", year=2026)
            for i in range(2)
        ),
        node("project:tal25", "Project", "tal25", programme="人才项目", year=2025, status="落地"),
        *(
            node(
                f"project:tal26{i}",
                "Project",
                f"tal26{i}",
                programme="人才项目",
                year=2026,
                status="签约",
            )
            for i in range(2)
        ),
        node("project:tal26L", "Project", "tal26L", programme="人才项目", year=2026, status="落地"),
    ]
    edges = [
        edge("talent:T1", "FUNDED_BY", "programme:省领军人才", year=2025),
        edge("talent:T2", "FUNDED_BY", "programme:省领军人才", year=2026),
        edge("talent:T3", "FUNDED_BY", "programme:县高层次人才", year=2026),
        edge("enterprise:h24", "TRAINS", "talent:S1", since=2025, until=2027),
        edge("university:U", "TRAINS", "talent:S1", since=2025, until=2027),
        edge("enterprise:h24", "TRAINS", "talent:S2", since=2026),
        edge("enterprise:h25", "TRAINS", "talent:S3", since=2023, until=2024),
        edge("university:U", "TRAINS", "talent:S4", since=2025),
    ]
    s.upsert_nodes(nodes)
    s.upsert_edges(edges)
    return s


@pytest.fixture
def series(series_store: SQLiteStore) -> nx.MultiDiGraph:
    return project(series_store)


def _kpis(g: nx.MultiDiGraph, year: int) -> dict[str, KpiOut]:
    return {k.key: k for k in kpi_dashboard(g, year).kpis}


def test_year_over_year_2025(series: nx.MultiDiGraph) -> None:
    """2025 vs 2024: tech SMEs 3 new vs 2 (+1, +50%), 6 in all (2 + 3 + the undated one; the
    dropped one does not count); high-tech 1 vs 1; S1 in training (S3 finished in 2024, S4 has no
    enterprise) vs S3 in 2024; 产学研合作 projects 3 vs 0 (no change_pct)."""
    k = _kpis(series, 2025)
    t = k["new_tech_smes"]
    assert (t.value, t.previous, t.change, t.change_pct, t.total) == (3, 2, 1, 0.5, 6)
    assert (k["new_high_tech"].value, k["new_high_tech"].change) == (1, 0)
    assert (k["graduate_students"].value, k["graduate_students"].previous) == (1, 1)
    assert k["projects:产学研合作"].change_pct is None
    assert t.target == 80 and t.target_year == 2026 and t.target_met is None


def test_targets_in_2026(series: nx.MultiDiGraph) -> None:
    """2026: 2 new 省级重点企业研究院 (target ≥ 2: met), 4 new 省级企业研究院 (≥ 5: not met);
    key labs 1 new (市重点), 2 in all; talents 省领军人才 1 (T2) vs 1 (T1), 县高层次人才 1 vs 0;
    students S1, S2 (2, of whom 1 doctoral) vs S1 in 2025; talent projects signed 3 (2 签约 + 1
    落地) vs 1, landed 1 vs 1; 产学研合作 2 vs 3."""
    k = _kpis(series, 2026)
    assert k["new_key_enterprise_institutes"].target_met is True
    assert k["new_enterprise_institutes"].value == 4
    assert k["new_enterprise_institutes"].target_met is False
    assert (k["new_key_labs"].value, k["new_key_labs"].total) == (1, 2)
    assert k["new_key_labs:市重点实验室"].value == 1
    assert (k["talents:省领军人才"].value, k["talents:省领军人才"].previous) == (1, 1)
    assert (k["talents:县高层次人才"].value, k["talents:县高层次人才"].total) == (1, 1)
    assert (k["graduate_students"].value, k["doctoral_students"].value) == (2, 1)
    assert k["doctoral_students"].previous == 0
    assert (k["talent_projects_signed"].value, k["talent_projects_signed"].previous) == (3, 1)
    assert (k["talent_projects_landed"].value, k["talent_projects_landed"].change) == (1, 0)
    p = k["projects:产学研合作"]
    assert (p.value, p.previous, p.target, p.target_met) == (2, 3, 45, False)


def test_targets_from_settings(series_store: SQLiteStore) -> None:
    g = project(series_store)
    lenient = kpi_dashboard(g, 2026, KpiTargets(new_enterprise_institutes=4))
    assert next(k for k in lenient.kpis if k.key == "new_enterprise_institutes").target_met
    out = run_query(QueryContext(series_store), "kpi_dashboard", {"year": 2026})
    assert "2026" in out.explanation_zh  # type: ignore[attr-defined]
