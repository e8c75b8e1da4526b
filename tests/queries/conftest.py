"""A hand-built county with one industrial chain, drawn so that every answer can be worked out by
hand (the tests say how)::

    chain 汽车零部件: 材料(position 1) -UPSTREAM_OF-> 零部件(2) -UPSTREAM_OF-> 整车配套(3)
      fields:          材料科学               精密制造               智能控制

    A 甲材料(小型, 材料, fields 材料科学) -SUPPLIES-> L 链主集团(大型, 零部件 leader)
    B 乙材料(小型, 材料, fields 新能源)   -SUPPLIES-> L
    L -SUPPLIES-> C 丙配套(中型, 整车配套)
    L -COLLABORATES_WITH-> 浙江大学 (杭州市, not local; works in 精密制造, 材料科学)
    C -COLLABORATES_WITH-> 浙江大学
    D 丁零件(中型, 零部件) has no tie at all
    天姥实验室 (新昌县, local; works in 智能控制) -IN_SEGMENT{support}-> 整车配套
    天姥实验室 -COLLABORATES_WITH-> E 戊新能源 (not in the chain)

    Regions: 城关镇, 七星街道 -LOCATED_IN-> 新昌县 (level 县). A, B, L, D, E in 城关镇; C in 七星街道;
    every enterprise is local.

    above-scale: L, C, D, E
      patents:        L (P1, 精密制造), C (P2, 智能控制)               → 2/4, missing D, E
      rd_spending:    L 5000, C 100, D 0, E 20                          → 3/4, missing D
      rd_institution: L rd_institution=省级重点企业研究院; D HOSTS a 企业研究院;
                      E HOSTS a 孵化器 (does not count)                  → 2/4, missing C, E
      iur:            L, C (with 浙大), E (with 天姥, edge from the lab) → 3/4, missing D
      high_tech:      L, C                                              → 2/4, missing D, E

    chain 低空经济: X(1) → Y(2) → Z(3) → W(4) and Z → Y (a cycle Y ⇄ Z); no members.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import networkx as nx
import pytest

from kg.model import Edge, Node, Provenance
from kg.projection import clear_cache, project
from kg.stores.base import GraphStore
from kg.stores.sqlite import SQLiteStore

PROV = (Provenance("test", "sha-test", 1, "2026-01-01T00:00:00"),)


def node(id: str, type: str, name: str, **props: Any) -> Node:
    return Node(id, type, name, props=props, provenance=PROV)


def edge(src: str, type: str, dst: str, key: str = "", **props: Any) -> Edge:
    return Edge(src, type, dst, key, props, PROV)


def ent(key: str, name: str, **props: Any) -> Node:
    props.setdefault("local", True)
    props.setdefault("region", "城关镇")
    return node(f"enterprise:{key}", "Enterprise", name, **props)


def chain_nodes() -> list[Node]:
    return [
        node("region:新昌县", "Region", "新昌县", level="县"),
        node("region:城关镇", "Region", "城关镇", level="镇"),
        node("region:七星街道", "Region", "七星街道", level="街道"),
        node("chain:汽车零部件", "Chain", "汽车零部件"),
        node("segment:汽车零部件/材料", "ChainSegment", "材料", stage="材料", position=1),
        node("segment:汽车零部件/零部件", "ChainSegment", "零部件", stage="零部件", position=2),
        node(
            "segment:汽车零部件/整车配套", "ChainSegment", "整车配套", stage="整车配套", position=3
        ),
        node("field:材料科学", "Field", "材料科学"),
        node("field:精密制造", "Field", "精密制造"),
        node("field:智能控制", "Field", "智能控制"),
        node("field:新能源", "Field", "新能源"),
        ent("A", "甲材料", size="小型", fields=["材料科学"], employees=40, revenue=1500.0),
        ent("B", "乙材料", size="小型", fields=["新能源"], employees=30, revenue=900.0),
        ent(
            "L",
            "链主集团",
            size="大型",
            fields=["精密制造"],
            employees=3000,
            revenue=500000.0,
            above_scale=True,
            high_tech=True,
            rd_spending=5000.0,
            rd_institution="省级重点企业研究院",
        ),
        ent(
            "C",
            "丙配套",
            size="中型",
            fields=["智能控制"],
            region="七星街道",
            employees=400,
            revenue=30000.0,
            above_scale=True,
            high_tech=True,
            rd_spending=100.0,
        ),
        ent("D", "丁零件", size="中型", fields=["精密制造"], above_scale=True, rd_spending=0.0),
        ent("E", "戊新能源", size="中型", fields=["新能源"], above_scale=True, rd_spending=20.0),
        node(
            "university:浙江大学",
            "University",
            "浙江大学",
            region="杭州市",
            fields=["精密制造", "材料科学"],
        ),
        node("lab:天姥实验室", "Lab", "天姥实验室", region="新昌县", level="省实验室"),
        node("platform:丁研究院", "Platform", "丁零件企业研究院", kind="企业研究院"),
        node("platform:戊孵化器", "Platform", "戊孵化器", kind="孵化器"),
        node("patent:P1", "Patent", "一种精密齿轮", year=2024),
        node("patent:P2", "Patent", "一种控制器", year=2025),
        node("chain:低空经济", "Chain", "低空经济"),
        *(
            node(f"segment:低空经济/{s}", "ChainSegment", s, stage=s, position=i)
            for i, s in enumerate("XYZW", start=1)
        ),
    ]


def chain_edges() -> list[Edge]:
    car = "segment:汽车零部件/"
    sky = "segment:低空经济/"
    return [
        edge("region:城关镇", "LOCATED_IN", "region:新昌县"),
        edge("region:七星街道", "LOCATED_IN", "region:新昌县"),
        *(
            edge(f"{car}{s}", "SEGMENT_OF", "chain:汽车零部件")
            for s in ("材料", "零部件", "整车配套")
        ),
        edge(f"{car}材料", "UPSTREAM_OF", f"{car}零部件"),
        edge(f"{car}零部件", "UPSTREAM_OF", f"{car}整车配套"),
        edge(f"{car}材料", "IN_FIELD", "field:材料科学"),
        edge(f"{car}零部件", "IN_FIELD", "field:精密制造"),
        edge(f"{car}整车配套", "IN_FIELD", "field:智能控制"),
        edge("enterprise:A", "IN_SEGMENT", f"{car}材料", role="member"),
        edge("enterprise:B", "IN_SEGMENT", f"{car}材料", role="member"),
        edge("enterprise:L", "IN_SEGMENT", f"{car}零部件", role="leader"),
        edge("enterprise:D", "IN_SEGMENT", f"{car}零部件", role="member"),
        edge("enterprise:C", "IN_SEGMENT", f"{car}整车配套", role="member"),
        edge("lab:天姥实验室", "IN_SEGMENT", f"{car}整车配套", role="support"),
        edge("enterprise:A", "SUPPLIES", "enterprise:L", since=2020),
        edge("enterprise:B", "SUPPLIES", "enterprise:L", since=2021),
        edge("enterprise:L", "SUPPLIES", "enterprise:C", since=2019),
        edge("enterprise:L", "COLLABORATES_WITH", "university:浙江大学", "2023", year=2023),
        edge("enterprise:C", "COLLABORATES_WITH", "university:浙江大学", "2024", year=2024),
        edge("lab:天姥实验室", "COLLABORATES_WITH", "enterprise:E", "2025", year=2025),
        edge("lab:天姥实验室", "WORKS_IN", "field:智能控制"),
        edge("enterprise:D", "HOSTS", "platform:丁研究院", since=2022),
        edge("enterprise:E", "HOSTS", "platform:戊孵化器", since=2022),
        edge("enterprise:L", "APPLIED", "patent:P1", year=2024),
        edge("enterprise:C", "APPLIED", "patent:P2", year=2025),
        edge("patent:P1", "IN_FIELD", "field:精密制造"),
        edge("patent:P2", "IN_FIELD", "field:智能控制"),
        edge("enterprise:A", "LOCATED_IN", "region:城关镇"),
        *(edge(f"{sky}{s}", "SEGMENT_OF", "chain:低空经济") for s in "XYZW"),
        edge(f"{sky}X", "UPSTREAM_OF", f"{sky}Y"),
        edge(f"{sky}Y", "UPSTREAM_OF", f"{sky}Z"),
        edge(f"{sky}Z", "UPSTREAM_OF", f"{sky}Y"),
        edge(f"{sky}Z", "UPSTREAM_OF", f"{sky}W"),
    ]


@pytest.fixture
def chain_store(tmp_path: Path) -> Iterator[GraphStore]:
    """The county above in a fresh SQLite store (the queries read projections, not stores, so
    one store kind is enough here)."""
    clear_cache()
    store = SQLiteStore(tmp_path / "chain.sqlite")
    store.upsert_nodes(chain_nodes())
    store.upsert_edges(chain_edges())
    yield store
    store.close()


@pytest.fixture
def chain_graph(chain_store: GraphStore) -> nx.MultiDiGraph:
    return project(chain_store)
