"""Pairing recommendations on a hand-built graph where the best partner is not the most popular
university.

    甲公司 -WORKS_IN-> 精密传动 <-WORKS_IN- 小校, 旧校
    大校 -WORKS_IN-> 药学 <-WORKS_IN- 乙1, 乙2, 乙3
    乙1, 乙2, 乙3 -COLLABORATES_WITH[2020]-> 大校        (大校: 3 partners, the most popular)
    甲公司 -COLLABORATES_WITH[2021]-> 旧校                (an existing partner: never suggested)
    张三 -AFFILIATED_WITH[since 2018]-> 甲公司;  张三 -ALUMNUS_OF[2015]-> 小校
    (and, only in the future: 甲公司 -COLLABORATES_WITH[2024]-> 小校)

Components of 甲公司 × 小校 (weights from queries/recommend/score.py: field 1, AA .5, PPR .5,
people 1, chain 1, track .5, popularity .5):
    field_fit     both documents are the single term F:精密传动              → 1
    adamic_adar   common neighbours 精密传动 (degree 3) and 张三 (degree 2):
                  1/ln 3 + 1/ln 2 = .9102 + 1.4427 = 2.3529                 → 1 − e^−2.3529 = .9049
    shared_people 张三                                                      → 1 − e^−1 = .6321
    chain, track, popularity                                               → 0
    score ≥ 1 + .5·.9049 + .6321 = 2.0846 (+ .5·PPR)
甲公司 × 大校: no shared field, neighbour or person; popularity ln 4/ln 4 = 1
    score ≤ .5·1 (PPR at most 1) + .5·1 = 1.0
So 小校 comes first although 大校 has the most partners.
"""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import pytest

from kg.arrays import project_arrays
from kg.errors import InvalidInput
from kg.model import Edge, Node
from kg.projection import Window, project
from kg.stores.sqlite import SQLiteStore
from queries.evaluation import evaluate, first_collaborations, hold_out
from queries.recommend import recommend_pairings, recommend_partners
from queries.registry import QueryContext, run_query

JIA, SMALL, BIG, OLD = "enterprise:甲公司", "university:小校", "university:大校", "university:旧校"
YI = [f"enterprise:乙{i}" for i in (1, 2, 3)]


@pytest.fixture
def store(tmp_path: Path) -> SQLiteStore:
    s = SQLiteStore(tmp_path / "rec.sqlite")
    s.upsert_nodes(
        [
            Node(JIA, "Enterprise", "甲公司"),
            *(Node(y, "Enterprise", y.split(":")[1]) for y in YI),
            Node(SMALL, "University", "小校"),
            Node(BIG, "University", "大校"),
            Node(OLD, "University", "旧校"),
            Node("field:精密传动", "Field", "精密传动"),
            Node("field:药学", "Field", "药学"),
            Node("talent:张三", "Talent", "张三"),
        ]
    )
    s.upsert_edges(
        [
            *(Edge(x, "WORKS_IN", "field:精密传动") for x in (JIA, SMALL, OLD)),
            *(Edge(x, "WORKS_IN", "field:药学") for x in (BIG, *YI)),
            *(Edge(y, "COLLABORATES_WITH", BIG, "2020", {"year": 2020}) for y in YI),
            Edge(JIA, "COLLABORATES_WITH", OLD, "2021", {"year": 2021}),
            Edge(JIA, "COLLABORATES_WITH", SMALL, "2024", {"year": 2024}),
            Edge("talent:张三", "AFFILIATED_WITH", JIA, props={"since": 2018}),
            Edge("talent:张三", "ALUMNUS_OF", SMALL, props={"year": 2015}),
        ]
    )
    return s


@pytest.fixture
def G(store: SQLiteStore) -> nx.MultiDiGraph:
    return project(store, Window.of(year_to=2023))  # before 甲公司 and 小校 met


def test_best_partner_is_the_fitting_small_university_not_the_popular_one(
    G: nx.MultiDiGraph,
) -> None:
    r = recommend_partners(G, "甲公司")
    names = [s.candidate.name for s in r.suggestions]
    assert names == ["小校", "大校"]  # 旧校 already works with 甲公司
    best = r.suggestions[0]
    assert best.components.field_fit == pytest.approx(1.0)
    assert best.components.adamic_adar == pytest.approx(0.9049, abs=1e-4)
    assert best.components.shared_people == pytest.approx(0.6321, abs=1e-4)
    assert best.components.popularity == 0.0
    assert r.suggestions[1].components.popularity == 1.0  # 大校 is the most popular
    assert best.score >= 2.0846 and r.suggestions[1].score <= 1.0


def test_suggestion_evidence_names_fields_people_and_paths(G: nx.MultiDiGraph) -> None:
    best = recommend_partners(G, JIA, k=1).suggestions[0]
    assert best.evidence.shared_fields == ["精密传动"]
    assert [p.name for p in best.evidence.people] == ["张三"]
    # 甲–张三–小校 costs 1/1.35 + 1/(.5·1.2) = 2.41 < 甲–精密传动–小校 2·1/.6 = 3.33
    assert best.evidence.paths[0].explanation_zh == "张三 任职于 甲公司；张三 毕业于 小校"
    assert "共同人才 1 人（张三）" in best.explanation_zh
    assert "1 shared people (张三)" in best.explanation_en


def test_university_side_and_target_type(G: nx.MultiDiGraph) -> None:
    r = recommend_partners(G, "小校")
    assert r.suggestions[0].candidate.id == JIA
    assert {s.candidate.type for s in r.suggestions} == {"Enterprise"}
    assert recommend_partners(G, "甲公司", "Lab").suggestions == []  # no labs in this graph
    with pytest.raises(InvalidInput, match="partners are enterprises"):
        recommend_partners(G, "小校", "University")


def test_pairings_exclude_existing_partners(G: nx.MultiDiGraph) -> None:
    pairs = recommend_pairings(G, k=20).pairs
    assert (pairs[0].enterprise.id, pairs[0].organisation.id) == (JIA, SMALL)
    linked = {(JIA, OLD), *((y, BIG) for y in YI)}
    assert not linked & {(p.enterprise.id, p.organisation.id) for p in pairs}
    assert len(pairs) == 4 * 3 - len(linked)  # every other enterprise × university pair


def test_registered_queries(store: SQLiteStore) -> None:
    ctx = QueryContext(store)
    r = run_query(ctx, "recommend_partners", {"entity": "甲公司", "k": 1})
    # on the whole graph 小校 is already a partner (2024): 大校 is the only one left
    assert [s.candidate.name for s in r.suggestions] == ["大校"]  # type: ignore[attr-defined]
    with pytest.raises(InvalidInput, match="target_type"):
        run_query(ctx, "recommend_partners", {"entity": "甲公司", "target_type": "Talent"})
    p = run_query(ctx, "recommend_pairings", {"k": 3})
    assert len(p.pairs) == 3  # type: ignore[attr-defined]


def test_hold_out_finds_the_later_pair_and_ranks_it(store: SQLiteStore) -> None:
    """Train ≤ 2023: 甲公司's candidates are 小校 and 大校 (旧校 linked), the positive is 小校.
    Recommender: 小校 first → MRR 1. Popularity: 大校 (3 partners) before 小校 (0) → MRR .5.
    Common neighbours: 小校 2 (精密传动, 张三), 大校 0 → MRR 1."""
    assert first_collaborations(project(store))[(JIA, SMALL)] == 2024
    w = Window.of(year_to=2023)
    split = hold_out(project(store, w), project_arrays(store, w), project(store), 2023)
    m = evaluate(split)
    assert m["recommender"].mrr == 1.0 and m["recommender"].enterprises == 1
    assert m["popularity"].mrr == 0.5
    assert m["common_neighbours"].mrr == 1.0
    assert m["popularity"].auc == 0.0 and m["recommender"].auc == 1.0
