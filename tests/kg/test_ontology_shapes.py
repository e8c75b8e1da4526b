"""The ontology and SHACL shapes: in sync with the schema, covering it, and judging exports."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
import rdflib
from rdflib.namespace import OWL, RDF, RDFS

from kg import vocab as v
from kg.ontology import ontology_graph, ontology_turtle
from kg.rdf import write_rdf
from kg.schema import NODE_TYPES, RELATIONS
from kg.shapes import shapes_turtle, validate, validate_bytes
from kg.stores.base import GraphStore
from kg.stores.sqlite import SQLiteStore
from tests.kg.rich import ENT, PAT, load_rich
from tests.sample_county import load_sample_county as load_demo

KG = Path(__file__).resolve().parents[2] / "kg"
IKG = rdflib.Namespace(v.IKG)
XSD = rdflib.Namespace(v.XSD)  # a plain Namespace: rdflib's XSD warns when pytest inspects it


@pytest.mark.parametrize(
    ("committed", "generated", "command"),
    [
        ("ontology.ttl", ontology_turtle, "python -m kg.ontology > kg/ontology.ttl"),
        ("shapes.ttl", shapes_turtle, "python -m kg.shapes > kg/shapes.ttl"),
    ],
)
def test_committed_files_match_the_schema(committed: str, generated: object, command: str) -> None:
    text = (KG / committed).read_text(encoding="utf-8")
    assert text == generated(), f"kg/{committed} is out of date with kg/schema.py: run `{command}`"  # type: ignore[operator]


def _members(g: rdflib.Graph, node: rdflib.term.Node) -> set[str]:
    """A class or datatype, or the members of its owl:unionOf."""
    union = g.value(node, OWL.unionOf)
    if union is None:
        return {str(node)}
    return {str(x) for x in rdflib.collection.Collection(g, union)}


def test_ontology_covers_every_type_relation_and_property() -> None:
    g = ontology_graph()
    for spec in NODE_TYPES.values():
        c = IKG[spec.name]
        assert (c, RDF.type, OWL.Class) in g
        labels = {(str(x), x.language) for x in g.objects(c, RDFS.label)}
        assert {(spec.zh, "zh"), (spec.en, "en")} <= labels
    for rel in RELATIONS.values():
        p = rdflib.URIRef(v.relation_property_iri(rel.name))
        assert (p, RDF.type, OWL.ObjectProperty) in g
        assert _members(g, g.value(p, RDFS.domain)) == {v.class_iri(t) for t in rel.sources}
        assert _members(g, g.value(p, RDFS.range)) == {v.class_iri(t) for t in rel.targets}
    assert g.value(IKG.revenue, RDFS.range) == XSD.double
    assert g.value(IKG.aboveScale, RDFS.range) == XSD.boolean
    assert g.value(IKG.applicationDate, RDFS.range) == XSD.date
    assert g.value(IKG.fields, RDFS.range) == RDF.List
    # position is an integer on a chain segment and a job title on an affiliation
    assert _members(g, g.value(IKG.position, RDFS.range)) == {str(XSD.integer), str(XSD.string)}


def test_ontology_aligns_with_schema_org_org_and_foaf() -> None:
    g = ontology_graph()
    schema, org, foaf = (rdflib.Namespace(ns) for ns in (v.SCHEMA, v.ORG, v.FOAF))
    assert (IKG.Talent, RDFS.subClassOf, foaf.Person) in g
    assert (IKG.University, RDFS.subClassOf, schema.CollegeOrUniversity) in g
    assert (IKG.Enterprise, RDFS.subClassOf, org.FormalOrganization) in g
    assert (IKG.Project, RDFS.subClassOf, schema.ResearchProject) in g
    assert (IKG.affiliatedWith, RDFS.subPropertyOf, org.memberOf) in g
    assert (IKG.name, RDFS.subPropertyOf, foaf.name) in g
    assert (IKG.collaboratesWith, RDF.type, OWL.SymmetricProperty) in g


def _ttl(store: GraphStore) -> bytes:
    buf = io.BytesIO()
    write_rdf(store, buf, "ttl", engine="oxigraph")
    return buf.getvalue()


@pytest.mark.parametrize("fmt", ["ttl", "jsonld", "nt"])
def test_exports_of_test_and_demo_graphs_conform(tmp_path: Path, fmt: str) -> None:
    for name, load in (("rich", load_rich), ("demo", load_demo)):
        store = SQLiteStore(tmp_path / f"{name}.sqlite")
        load(store)
        buf = io.BytesIO()
        write_rdf(store, buf, fmt)  # type: ignore[arg-type]
        report = validate_bytes(buf.getvalue(), fmt)
        assert report.conforms, report.text()


def test_tiny_export_conforms(tiny: GraphStore) -> None:
    assert validate_bytes(_ttl(tiny), "ttl").conforms


def test_a_patent_without_a_name_fails_with_a_readable_report(tmp_path: Path) -> None:
    g = rdflib.Graph().parse(
        data=_ttl(load_rich(SQLiteStore(tmp_path / "r.sqlite"))), format="turtle"
    )
    patent = rdflib.URIRef(v.node_iri("https://w3id.org/innovation-kg/id/", PAT))
    g.remove((patent, IKG.name, None))
    report = validate(g)
    assert not report.conforms
    (violation,) = report.violations
    assert (violation.focus, violation.path) == (PAT, "ikg:name")
    assert "每个专利必须有且只有一个非空名称" in report.text("zh")
    assert f"- {PAT} · ikg:name: every Patent needs exactly one non-empty name" in report.text("en")


def test_an_applied_edge_from_a_patent_fails(tmp_path: Path) -> None:
    base = "https://w3id.org/innovation-kg/id/"
    g = rdflib.Graph().parse(
        data=_ttl(load_rich(SQLiteStore(tmp_path / "r.sqlite"))), format="turtle"
    )
    patent, ent = rdflib.URIRef(v.node_iri(base, PAT)), rdflib.URIRef(v.node_iri(base, ENT))
    # The plain triple, and the qualified relation of an existing APPLIED edge turned around.
    g.add((patent, IKG.applied, patent))
    q = rdflib.URIRef(v.edge_iri(base, ENT, "APPLIED", PAT, ""))
    g.remove((q, RDF.subject, ent))
    g.add((q, RDF.subject, patent))
    report = validate(g)
    assert not report.conforms
    messages = {(x.focus, x.message("en")) for x in report.violations}
    start = "APPLIED must start at a Enterprise/University/Lab/Talent"
    assert (PAT, start) in messages  # the plain triple's subject
    assert (f"({ENT})-[APPLIED]->({PAT})", start) in messages  # the qualified relation
    assert "“申请”（APPLIED）的起点应为企业、高校、实验室/研究院、人才" in report.text("zh")
