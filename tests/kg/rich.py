"""A slightly richer hand-built graph than ``tiny`` for the export tests, and a graph comparison.

It holds what plain graphs do not: lists whose order and duplicates matter (IPC classes, the main
class first), floats, booleans, dates, an undeclared property, two provenance records on one node,
parallel edges told apart by key, ids with ``/``, spaces, ``%`` and ``#``, and Chinese everywhere::

    天姥实验室(Lab) -PART_OF-> 浙江大学(University)
    甲公司 -APPLIED[2021]-> 专利CN1 <-INVENTED[2021]- 李四(Talent)
    甲公司 -COLLABORATES_WITH[2021]-> 浙江大学, and again [2023] (two edges, keys 2021 and 2023)
    甲公司 -IN_SEGMENT{leader}-> 汽车零部件/材料(ChainSegment) -SEGMENT_OF-> 汽车零部件(Chain)
    项目 "A/B 100% #1" (Project) <-LEADS[2022]- 甲公司
"""

from __future__ import annotations

from kg.model import Edge, Node, Provenance
from kg.stores.base import GraphStore

P1 = (Provenance("企业名录.xlsx", "a" * 64, 12, "2026-03-01T08:00:00+08:00"),)
P2 = (
    Provenance("专利清单.csv", "b" * 64, 3, "2026-03-02T09:30:00Z"),
    Provenance("partner-rdf", "", None, ""),
)

ENT = "enterprise:91330600MA2BXXXX1X"
ZJU = "university:浙江大学"
LAB = "lab:天姥实验室"
PAT = "patent:CN202110000001.X"
LI = "talent:李四-浙江甲科技"
SEG = "segment:汽车零部件/材料"
CHAIN = "chain:汽车零部件"
PROJ = "project:A/B 100% #1"


def rich_nodes() -> list[Node]:
    return [
        Node(
            ENT,
            "Enterprise",
            "浙江甲科技股份有限公司",
            ("甲科技", "甲公司"),
            {
                "credit_code": "91330600MA2BXXXX1X",
                "revenue": 12345.5,
                "rd_spending": 0.0,
                "employees": 320,
                "above_scale": True,
                "high_tech": False,
                "fields": ["轻量化材料", "铝合金轮毂"],
                "备注": "未声明的属性",
            },
            P1,
        ),
        Node(ZJU, "University", "浙江大学", ("浙大",), {"fields": []}, P1),
        Node(LAB, "Lab", "天姥实验室", (), {"level": "省实验室", "since": 2022}, P1),
        Node(
            PAT,
            "Patent",
            "一种轮毂的轻量化制造方法",
            (),
            {
                "application_no": "CN202110000001.X",
                "ipc": ["B22D", "B21D", "B22D"],
                "application_date": "2021-05-06",
                "year": 2021,
                "kind": "发明",
            },
            P2,
        ),
        Node(LI, "Talent", "李四", (), {"degree": "博士"}, P1),
        Node(SEG, "ChainSegment", "汽车零部件·材料", (), {"position": 1, "stage": "材料"}, P1),
        Node(CHAIN, "Chain", "汽车零部件", (), {"synthetic": True}, P1),
        Node(PROJ, "Project", "A/B 100% #1 项目", (), {"year": 2022, "amount": 80.0}, P1),
    ]


def rich_edges() -> list[Edge]:
    return [
        Edge(LAB, "PART_OF", ZJU, provenance=P1),
        Edge(ENT, "APPLIED", PAT, "", {"year": 2021}, P2),
        Edge(LI, "INVENTED", PAT, "", {"year": 2021}, P2),
        Edge(ENT, "COLLABORATES_WITH", ZJU, "2021", {"year": 2021, "amount": 50.0}, P1),
        Edge(ENT, "COLLABORATES_WITH", ZJU, "2023", {"year": 2023, "kind": "技术开发"}, P1),
        Edge(ENT, "IN_SEGMENT", SEG, "", {"role": "leader", "since": 2020}, P1),
        Edge(SEG, "SEGMENT_OF", CHAIN, provenance=P1),
        Edge(ENT, "LEADS", PROJ, "", {"year": 2022}, P1),
        Edge(LI, "AFFILIATED_WITH", ENT, "", {"since": 2019, "position": "总工程师"}, P1),
    ]


def load_rich(store: GraphStore) -> GraphStore:
    store.upsert_nodes(rich_nodes())
    store.upsert_edges(rich_edges())
    return store


def snapshot(store: GraphStore) -> tuple[dict[str, object], dict[object, object]]:
    """Everything a round trip must keep. Aliases and provenance records are sets (RDF has no
    order for repeated values; the store keys provenance by source), lists keep their order."""
    nodes = {
        n.id: (
            n.type,
            n.name,
            sorted(n.aliases),
            dict(n.props),
            sorted(n.provenance, key=lambda p: p.source),
        )
        for n in store.iter_nodes()
    }
    edges = {
        e.ident: (dict(e.props), sorted(e.provenance, key=lambda p: p.source))
        for e in store.iter_edges()
    }
    return nodes, edges
