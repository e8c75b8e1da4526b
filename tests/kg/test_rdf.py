"""RDF export and import: round trips, subgraphs, self-containment, Chinese, rejects.

The graphs are ``tiny`` (tests/conftest.py) and ``rich`` (tests/kg/rich.py); expected counts below
are read off their drawings.
"""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

import pytest
import rdflib
from rdflib.namespace import OWL, RDF

from kg import vocab as v
from kg.rdf import read_rdf, write_rdf
from kg.rdf.writer import pick_engine
from kg.stores.base import GraphStore
from kg.stores.sqlite import SQLiteStore
from kg.subgraph import Selection
from tests.kg.rich import ENT, PAT, PROJ, SEG, load_rich, snapshot

BASE = "https://w3id.org/innovation-kg/id/"


def _export(
    store: GraphStore, fmt: str = "ttl", selection: Selection | None = None, **kw: object
) -> bytes:
    buf = io.BytesIO()
    write_rdf(store, buf, fmt, selection, **kw)  # type: ignore[arg-type]
    return buf.getvalue()


def _fresh(tmp_path: Path, name: str = "copy") -> SQLiteStore:
    return SQLiteStore(tmp_path / f"{name}.sqlite")


@pytest.mark.parametrize("engine", ["rdflib", "oxigraph"])
@pytest.mark.parametrize("fmt", ["ttl", "jsonld", "nt"])
def test_round_trip_keeps_nodes_edges_properties_and_provenance(
    tmp_path: Path, fmt: str, engine: str
) -> None:
    original = load_rich(_fresh(tmp_path, "rich"))
    copy = _fresh(tmp_path)
    report = read_rdf(copy, _export(original, fmt, engine=engine), fmt)
    assert report.rejected == 0, report.reasons
    assert (report.nodes.created, report.edges.created) == (8, 9)
    assert snapshot(copy) == snapshot(original)
    patent = copy.get_node(PAT)
    assert patent.props["ipc"] == ["B22D", "B21D", "B22D"]  # order and duplicates kept
    assert copy.get_node(ENT).props["revenue"] == 12345.5
    assert copy.get_node(ENT).props["high_tech"] is False
    assert copy.get_node(ENT).props["备注"] == "未声明的属性"  # an undeclared property
    assert copy.get_node("university:浙江大学").props["fields"] == []
    assert {p.source for p in patent.provenance} == {"专利清单.csv", "partner-rdf"}
    assert next(p for p in patent.provenance if p.row == 3).ingested_at == "2026-03-02T09:30:00Z"


def test_round_trip_of_tiny_graph(tiny: GraphStore, tmp_path: Path) -> None:
    copy = _fresh(tmp_path)
    read_rdf(copy, _export(tiny, "nt"), "nt")
    assert snapshot(copy) == snapshot(tiny)


def test_importing_the_same_export_twice_changes_nothing(tmp_path: Path) -> None:
    data = _export(load_rich(_fresh(tmp_path, "rich")), "ttl")
    copy = _fresh(tmp_path)
    read_rdf(copy, data, "ttl")
    version = copy.version
    again = read_rdf(copy, data, "ttl")
    assert again.nodes.changed == 0 and again.edges.changed == 0
    assert (again.nodes.unchanged, again.edges.unchanged) == (8, 9)
    assert copy.version == version


def test_node_iris_keep_chinese_and_escape_what_iris_forbid() -> None:
    assert v.node_iri(BASE, "university:浙江大学") == BASE + "university:浙江大学"
    assert v.node_iri(BASE, SEG) == BASE + "segment:汽车零部件%2F材料"
    assert v.node_iri(BASE, PROJ) == BASE + "project:A%2FB%20100%25%20%231"
    for node_id in ("university:浙江大学", SEG, PROJ, 'x:<"{|}>\\^`'):
        assert v.node_id_of(BASE, v.node_iri(BASE, node_id)) == node_id


@pytest.mark.parametrize("fmt", ["ttl", "jsonld", "nt"])
def test_chinese_is_written_as_text_not_escapes(tmp_path: Path, fmt: str) -> None:
    text = _export(load_rich(_fresh(tmp_path, "rich")), fmt).decode("utf-8")
    assert "浙江甲科技股份有限公司" in text and "天姥实验室" in text
    assert "区域创新生态知识图谱" in text  # the embedded ontology's Chinese labels


def test_export_is_self_contained(tiny: GraphStore) -> None:
    data = _export(tiny, "ttl", generated_at="2026-05-01T00:00:00+00:00")
    assert b"@prefix ikg: <https://w3id.org/innovation-kg/ontology#>" in data
    g = rdflib.Graph().parse(data=data, format="turtle")
    onto = rdflib.URIRef(v.ONTOLOGY_IRI)
    assert (onto, RDF.type, OWL.Ontology) in g  # the ontology travels with the data
    dataset = rdflib.URIRef(BASE + "export/2026-05-01T00:00:00+00:00")
    assert (dataset, rdflib.URIRef(v.DCT + "conformsTo"), onto) in g
    zhang = rdflib.URIRef(BASE + "talent:张三")
    (derivation,) = g.objects(zhang, rdflib.URIRef(v.PROV + "qualifiedDerivation"))
    assert g.value(derivation, rdflib.URIRef(v.ROW)).toPython() == 1
    source = g.value(derivation, rdflib.URIRef(v.PROV + "entity"))
    assert str(g.value(source, rdflib.URIRef(v.FILE_SHA256))) == "sha-test"
    without = _export(tiny, "ttl", include_ontology=False)
    assert b"owl:Ontology" not in without


def test_subgraph_by_ids_keeps_the_edges_among_them(tiny: GraphStore, tmp_path: Path) -> None:
    # Among 甲公司 and 浙江大学 the only edge is their 2021 collaboration (张三 is left out).
    sel = Selection.of(ids=["enterprise:甲公司", "university:浙江大学"])
    copy = _fresh(tmp_path)
    read_rdf(copy, _export(tiny, "ttl", sel), "ttl")
    assert sorted(n.id for n in copy.iter_nodes()) == ["enterprise:甲公司", "university:浙江大学"]
    assert [e.type for e in copy.iter_edges()] == ["COLLABORATES_WITH"]


def test_type_and_year_filters(tiny: GraphStore, tmp_path: Path) -> None:
    # Enterprises only: 甲公司, 乙公司 and the supply link between them.
    copy = _fresh(tmp_path, "types")
    read_rdf(copy, _export(tiny, "nt", Selection.of(types=["Enterprise"])), "nt")
    assert copy.stats().nodes == {"Enterprise": 2}
    assert copy.stats().edges == {"SUPPLIES": 1}
    # Up to 2020: project X (2024) goes, and with it LEADS/PARTICIPATES_IN (2024); the 2021
    # collaboration goes; affiliation since 2020, alumni 2010 and supply since 2019 stay.
    early = _fresh(tmp_path, "early")
    read_rdf(early, _export(tiny, "nt", Selection.of(year_to=2020)), "nt")
    assert early.stats().node_count == 4
    assert early.stats().edges == {"AFFILIATED_WITH": 1, "ALUMNUS_OF": 1, "SUPPLIES": 1}


def test_engine_choice(tiny: GraphStore, monkeypatch: pytest.MonkeyPatch) -> None:
    everything = Selection()
    assert pick_engine("ttl", "auto", tiny, everything) == "rdflib"  # 5 nodes: pretty
    assert pick_engine("nt", "auto", tiny, everything) == "oxigraph"
    monkeypatch.setattr("kg.rdf.writer.PRETTY_MAX_NODES", 4)
    assert pick_engine("jsonld", "auto", tiny, everything) == "oxigraph"


def test_bad_edges_are_rejected_with_reasons_and_the_rest_loads(tmp_path: Path) -> None:
    # A patent cannot apply for a patent; a LEADS edge to a node nobody has is refused too.
    data = _export(load_rich(_fresh(tmp_path, "rich")), "nt", include_ontology=False)
    pat = f"<{v.node_iri(BASE, PAT)}>"
    bad = (
        f"{pat} <{v.relation_property_iri('APPLIED')}> {pat} .\n"
        f"<{v.node_iri(BASE, ENT)}> <{v.relation_property_iri('LEADS')}> "
        f"<{v.node_iri(BASE, 'project:不存在')}> .\n"
    ).encode()
    copy = _fresh(tmp_path)
    report = read_rdf(copy, data + bad, "nt")
    assert report.rejected == 2
    assert any(
        "APPLIED goes from" in r and "not from Patent to Patent" in r for r in report.reasons
    )
    assert any(
        "project:不存在 is neither in the file nor in the store" in r for r in report.reasons
    )
    assert copy.stats().edge_count == 9  # the nine good edges still load


def test_plain_triples_become_edges_with_the_files_provenance(tmp_path: Path) -> None:
    """Partner RDF without qualified relations or provenance: each relation triple is an edge
    and every record is traced to the file (its name and SHA-256)."""
    data = """
        @prefix ikg: <https://w3id.org/innovation-kg/ontology#> .
        @prefix d: <https://w3id.org/innovation-kg/id/> .
        d:enterprise:丙公司 a ikg:Enterprise ; ikg:name "丙公司" ; ikg:aboveScale true ;
            ikg:collaboratesWith d:university:西北工业大学 .
        d:university:西北工业大学 a ikg:University ; ikg:name "西北工业大学" .
    """.encode()
    copy = _fresh(tmp_path)
    report = read_rdf(copy, data, "ttl", source_name="partner.ttl")
    assert report.rejected == 0
    (edge,) = copy.iter_edges()
    assert (edge.source, edge.type, edge.target) == (
        "enterprise:丙公司",
        "COLLABORATES_WITH",
        "university:西北工业大学",
    )
    (prov,) = edge.provenance
    assert prov.source == "rdf:partner.ttl"
    assert prov.file_sha256 == hashlib.sha256(data).hexdigest()
    assert copy.get_node("enterprise:丙公司").props == {"above_scale": True}


def test_a_file_that_does_not_parse_is_invalid_input(tmp_path: Path) -> None:
    from kg.errors import InvalidInput

    with pytest.raises(InvalidInput, match="cannot parse"):
        read_rdf(_fresh(tmp_path), b"<a> <b> .", "nt")
