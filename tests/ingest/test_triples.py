"""Triples with Chinese relation names, unknown ends as rejects, and RDF from a partner."""

from __future__ import annotations

from pathlib import Path

from ingest.mapping import parse_mapping
from ingest.pipeline import ingest_file
from kg.model import Node
from kg.stores.base import GraphStore

TRIPLES = """
name: 关系三元组
triples:
  head: 头实体
  relation: 关系
  tail: 尾实体
  time: 时间
  relations:
    供应: {type: SUPPLIES, from: Enterprise, to: Enterprise, time: since}
    合作: {type: COLLABORATES_WITH, from: Enterprise, to: [University, Lab], time: year, key_from_time: true}
"""


def _seed(store: GraphStore) -> None:
    store.upsert_nodes(
        [
            Node("enterprise:甲精密", "Enterprise", "浙江甲精密有限公司"),
            Node("enterprise:乙汽车", "Enterprise", "乙汽车股份有限公司"),
            Node("university:浙江大学", "University", "浙江大学"),
        ]
    )


def test_triples_with_chinese_relation_names(store: GraphStore, tmp_path: Path) -> None:
    """Rows 2–3 load (供应 → SUPPLIES since 2019; 合作 → COLLABORATES_WITH keyed 2021, the head
    written without its place and company form); row 4 names an unknown firm, row 5 an unknown
    relation: both rejected with reasons, neither stops the file."""
    _seed(store)
    src = tmp_path / "t.csv"
    src.write_text(
        "头实体,关系,尾实体,时间\n"
        "浙江甲精密有限公司,供应,乙汽车股份有限公司,2019\n"
        "甲精密,合作,浙江大学,2021\n"
        "丙不存在公司,供应,乙汽车股份有限公司,2020\n"
        "甲精密,收购,乙汽车股份有限公司,2022\n",
        encoding="utf-8",
    )
    report = ingest_file(store, src, parse_mapping(TRIPLES))
    assert (report.rows_accepted, report.rows_rejected) == (2, 2)
    assert {e.ident: dict(e.props) for e in store.iter_edges()} == {
        ("enterprise:甲精密", "SUPPLIES", "enterprise:乙汽车", ""): {"since": 2019},
        ("enterprise:甲精密", "COLLABORATES_WITH", "university:浙江大学", "2021"): {"year": 2021},
    }
    rejects = {r.row: (r.field, r.reason) for r in report.rejects}
    assert rejects[4][0] == "头实体" and "丙不存在公司" in rejects[4][1]
    assert rejects[5][0] == "关系" and "收购" in rejects[5][1]
    assert store.stats().nodes == {"Enterprise": 2, "University": 1}  # nothing invented


RDF_MAPPING = """
name: 合作伙伴RDF
format: rdf
triples:
  head: subject
  relation: predicate
  tail: object
  time: null
  classes:
    http://schema.org/Organization: Enterprise
    http://schema.org/CollegeOrUniversity: University
  attributes:
    http://schema.org/foundingDate: founded
  relations:
    http://example.org/collaboratesWith: {type: COLLABORATES_WITH, from: Enterprise, to: University}
"""

TURTLE = """
@prefix schema: <http://schema.org/> .
@prefix ex: <http://example.org/> .
ex:wanfeng a schema:Organization ; schema:name "浙江万丰奥威汽轮股份有限公司" ;
    schema:foundingDate 2001 ; ex:collaboratesWith ex:zju .
ex:zju a schema:CollegeOrUniversity ; schema:name "浙江大学" .
"""


def test_rdf_from_a_partner(store: GraphStore, tmp_path: Path) -> None:
    """Two typed, named resources become nodes (浙江大学 resolves to the existing node), the
    literal becomes a property, the link becomes COLLABORATES_WITH."""
    _seed(store)
    src = tmp_path / "partner.ttl"
    src.write_text(TURTLE, encoding="utf-8")
    report = ingest_file(store, src, parse_mapping(RDF_MAPPING))
    assert report.rows_rejected == 0
    wanfeng = store.search("万丰奥威", types=["Enterprise"])[0]
    assert wanfeng.props["founded"] == 2001
    (edge,) = store.iter_edges(["COLLABORATES_WITH"])
    assert (edge.source, edge.target) == (wanfeng.id, "university:浙江大学")
    assert store.stats().nodes["University"] == 1
