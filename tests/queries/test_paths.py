"""Collaboration paths on hand-built graphs whose paths and their order were worked out by hand.

The graph ``G`` below (latest year on any tie: 2024, so recency counts back from 2024)::

    张三 -AFFILIATED_WITH[since 2020, open]-> 甲公司
    张三 -ALUMNUS_OF[2010]-> 浙江大学
    张三 -INVENTED[2024]-> 专利P <-APPLIED[2024]- 浙江大学
    甲公司 -LOCATED_IN-> 新昌县 <-LOCATED_IN- 浙江大学
    李四 (two talents share this name), 孤岛公司 (isolated)

Tie strengths, ``w · (1 + 0.25 ln n) · (1 + 0.5 r)``, all n = 1:
    AFFILIATED_WITH .9, still holds (r = 1)      → 1.35   cost .7407
    INVENTED .8 and APPLIED .8, 2024 (r = 1)     → 1.2    cost .8333 each
    ALUMNUS_OF .5, 2010 (r = max(0, 1 − 14/10) = 0) → .5  cost 2
    LOCATED_IN .1, timeless (r = 1)              → .15    cost 6.6667 each
Paths 甲公司 → 浙江大学, cheapest first:
    1. 甲公司–张三–专利P–浙江大学  3 hops, cost .7407 + .8333 + .8333 = 2.4074
    2. 甲公司–张三–浙江大学         2 hops, cost .7407 + 2            = 2.7407
    3. 甲公司–新昌县–浙江大学       2 hops, cost 13.3333
"""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import pytest

from kg.errors import EntityNotFound, InvalidInput, NoPath
from kg.model import Edge, Node
from kg.projection import project
from kg.stores.base import GraphStore
from kg.stores.sqlite import SQLiteStore
from queries.paths import collaboration_paths
from queries.registry import QueryContext, run_query

E, U, T = "enterprise:甲公司", "university:浙江大学", "talent:张三-甲公司"
P, R = "patent:CN2024P", "region:新昌县"


@pytest.fixture
def G(tmp_path: Path) -> nx.MultiDiGraph:
    store = SQLiteStore(tmp_path / "paths.sqlite")
    store.upsert_nodes(
        [
            Node(E, "Enterprise", "甲公司", ("甲科技",)),
            Node(U, "University", "浙江大学", ("浙大",)),
            Node(T, "Talent", "张三"),
            Node(P, "Patent", "专利P", props={"year": 2024}),
            Node(R, "Region", "新昌县"),
            Node("talent:李四-甲公司", "Talent", "李四"),
            Node("talent:李四-乙公司", "Talent", "李四"),
            Node("enterprise:孤岛", "Enterprise", "孤岛公司"),
        ]
    )
    store.upsert_edges(
        [
            Edge(T, "AFFILIATED_WITH", E, props={"since": 2020}),
            Edge(T, "ALUMNUS_OF", U, props={"year": 2010}),
            Edge(T, "INVENTED", P, props={"year": 2024}),
            Edge(U, "APPLIED", P, props={"year": 2024}),
            Edge(E, "LOCATED_IN", R),
            Edge(U, "LOCATED_IN", R),
            Edge("talent:李四-甲公司", "AFFILIATED_WITH", E, props={"since": 2018}),
        ]
    )
    return project(store)


def test_stronger_three_hop_path_comes_before_weaker_two_hop_paths(G: nx.MultiDiGraph) -> None:
    r = collaboration_paths(G, "甲公司", "浙江大学", k=3)
    assert [[n.id for n in p.nodes] for p in r.paths] == [[E, T, P, U], [E, T, U], [E, R, U]]
    assert [p.hops for p in r.paths] == [3, 2, 2]
    assert [p.cost for p in r.paths] == pytest.approx([2.4074, 2.7407, 13.3333], abs=1e-4)
    assert r.paths[0].strength == pytest.approx(1.2)  # its weakest step: invented / applied


def test_steps_are_explained_in_both_languages_in_the_real_direction(G: nx.MultiDiGraph) -> None:
    alumni = collaboration_paths(G, E, U, k=3).paths[1]
    assert alumni.explanation_zh == "张三 任职于 甲公司；张三 毕业于 浙江大学"
    assert alumni.explanation_en == "张三 works at 甲公司; 张三 is an alumnus of 浙江大学"
    first, second = alumni.steps
    assert (first.source, first.target, first.relation) == (T, E, "AFFILIATED_WITH")
    assert (first.relation_label_zh, first.year_from, first.year_to) == ("任职", 2020, None)
    assert (second.year_from, second.year_to) == (2010, 2010)
    patent = collaboration_paths(G, E, U, k=1).paths[0]
    assert patent.explanation_zh == "张三 任职于 甲公司；张三 发明 专利P；浙江大学 申请 专利P"
    assert patent.explanation_en.endswith("张三 invented 专利P; 浙江大学 applied for 专利P")


def test_reverse_query_tells_the_same_steps(G: nx.MultiDiGraph) -> None:
    back = collaboration_paths(G, U, E, k=1).paths[0]
    assert [n.id for n in back.nodes] == [U, P, T, E]
    assert back.explanation_zh == "浙江大学 申请 专利P；张三 发明 专利P；张三 任职于 甲公司"


def test_via_restricts_node_and_relation_types(G: nx.MultiDiGraph) -> None:
    only_people = collaboration_paths(G, E, U, k=3, via=["Talent"])
    assert [[n.id for n in p.nodes] for p in only_people.paths] == [[E, T, U]]
    by_place = collaboration_paths(G, E, U, k=3, via=["LOCATED_IN"])
    assert [[n.id for n in p.nodes] for p in by_place.paths] == [[E, R, U]]
    people_and_patents = collaboration_paths(G, E, U, k=3, via=["人才", "专利"])  # Chinese labels
    assert [p.hops for p in people_and_patents.paths] == [3, 2]
    assert "仅经由 人才、专利" in people_and_patents.explanation_zh
    with pytest.raises(InvalidInput, match="neither a node type"):
        collaboration_paths(G, E, U, via=["Spaceship"])


def test_no_path_is_an_error_with_its_reason(G: nx.MultiDiGraph) -> None:
    with pytest.raises(
        NoPath, match=r"not connected within 1 hops \(the shortest connection has 2"
    ):
        collaboration_paths(G, E, U, max_hops=1)
    with pytest.raises(NoPath, match="are not connected, only via Lab"):
        collaboration_paths(G, E, U, via=["Lab"])
    with pytest.raises(NoPath, match="孤岛公司 与 浙江大学 之间没有连接"):
        collaboration_paths(G, "孤岛公司", U)


def test_max_hops_drops_longer_paths(G: nx.MultiDiGraph) -> None:
    r = collaboration_paths(G, E, U, k=3, max_hops=2)
    assert [[n.id for n in p.nodes] for p in r.paths] == [[E, T, U], [E, R, U]]


def test_entities_resolve_by_id_name_or_alias(G: nx.MultiDiGraph) -> None:
    assert collaboration_paths(G, "甲科技", "浙大", k=1).source.id == E
    assert collaboration_paths(G, "甲科技", "浙大", k=1).target.name == "浙江大学"
    with pytest.raises(
        InvalidInput, match=r"names 2 entities.*talent:李四-乙公司.*talent:李四-甲公司"
    ):
        collaboration_paths(G, "李四", U)
    with pytest.raises(EntityNotFound, match="丙公司"):
        collaboration_paths(G, "丙公司", U)


def test_registered_query_on_the_shared_tiny_graph(tiny: GraphStore) -> None:
    """tests/conftest.py's graph, latest year 2024:
    甲–浙大 agreement 2021: 1.0 · (1 + .5 · .7) = 1.35                         cost .7407
    甲 ←SUPPLIES(since 2019) 乙 →LEADS(2024) 项目X ←PARTICIPATES_IN(2024) 浙大:
        .8·1.5 = 1.2, .9·1.5 = 1.35, .7·1.5 = 1.05 → .8333 + .7407 + .9524 = 2.5264
    甲 ← 张三 → 浙大: .7407 + 2                                              = 2.7407
    """
    r = run_query(QueryContext(tiny), "collaboration_paths", {"source": "甲公司", "target": "浙大"})
    assert [p.hops for p in r.paths] == [1, 3, 2]  # type: ignore[attr-defined]
    direct = r.paths[0]  # type: ignore[attr-defined]
    assert direct.explanation_zh == "浙江甲科技股份有限公司 与 浙江大学 合作"
    assert direct.explanation_en == "浙江甲科技股份有限公司 collaborates with 浙江大学"
    assert r.paths[1].cost == pytest.approx(2.5264, abs=1e-4)  # type: ignore[attr-defined]
    with pytest.raises(InvalidInput, match="k"):
        run_query(
            QueryContext(tiny), "collaboration_paths", {"source": "甲", "target": "浙大", "k": 11}
        )
