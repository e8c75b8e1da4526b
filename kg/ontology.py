"""The OWL ontology of the graph, generated from :mod:`kg.schema`: ``python -m kg.ontology > kg/ontology.ttl``.

What it says:

- every node type is a class (``ikg:Enterprise`` …, all under ``ikg:Node``); every relation an object
  property (``ikg:collaboratesWith``) with domain and range from the schema's sources and targets;
  every declared property a datatype property with the XSD range of its kind. Labels are Chinese
  (``@zh``) and English (``@en``); ``skos:notation`` keeps the schema's own name.
- alignments, where they fit, by ``rdfs:subClassOf`` / ``rdfs:subPropertyOf`` (never equivalence:
  the schema's types are narrower than the vocabularies' and must not be widened by inference) to
  schema.org, W3C ORG and FOAF (see ``CLASS_ALIGNMENT``, ``RELATION_ALIGNMENT``). ``LOCATED_IN``
  aligns with ``schema:location``, not ``org:hasSite``: a Region is an administrative area, not an
  ``org:Site`` (a building where an organisation has presence).
- **Edges with properties.** RDF-star is not in rdflib, so each edge is written twice: the plain
  triple ``:a ikg:collaboratesWith :b`` (what SPARQL users and generic tools see) and a *qualified
  relation* node that carries the edge's key, properties and provenance. That node is an
  ``rdf:Statement`` (``rdf:subject`` / ``rdf:predicate`` / ``rdf:object``: standard RDF reification,
  which maps one-to-one onto RDF 1.2 reifiers) and an instance of a per-relation class
  (``ikg:CollaboratesWithRelation``), as PROV-O's qualified influences and ORG's ``org:Membership``
  do, so SHACL can check each relation's properties. Unlike an ``owl:Axiom`` or a named graph per
  edge, it keeps parallel edges apart (one node per (source, type, target, key)) in every syntax.
- **Provenance** is PROV-O: ``prov:wasDerivedFrom`` the source file (an ``ikg:SourceFile``, a
  ``prov:Entity`` with ``ikg:sourceName`` and ``ikg:fileSha256``) and, qualified,
  ``prov:qualifiedDerivation [ a prov:Derivation ; prov:entity <file> ; ikg:row 12 ;
  ikg:ingestedAt "…"^^xsd:dateTime ]``.
- list-valued properties (``fields``, ``ipc``) are ``rdf:List`` s, so order (the main IPC class
  comes first) and duplicates survive; they are object properties with range ``rdf:List``, as
  BIBO's ``bibo:authorList``. Aliases are a set: repeated ``ikg:alias`` (⊑ ``schema:alternateName``).
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from functools import cache

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS, SKOS, XSD

from kg import vocab as v
from kg.schema import NODE_TYPES, RELATIONS

_S, _O, _F = v.SCHEMA, v.ORG, v.FOAF

CLASS_ALIGNMENT: dict[str, tuple[str, ...]] = {
    "Enterprise": (_S + "Organization", _O + "FormalOrganization", _F + "Organization"),
    "University": (_S + "CollegeOrUniversity", _O + "FormalOrganization", _F + "Organization"),
    "Lab": (_S + "ResearchOrganization", _O + "Organization", _F + "Organization"),
    "Platform": (_S + "Organization", _O + "Organization", _F + "Organization"),
    "Talent": (_S + "Person", _F + "Person"),
    "Project": (_S + "ResearchProject", _F + "Project"),
    "Patent": (_S + "CreativeWork",),
    "Field": (v.SKOS + "Concept", _S + "DefinedTerm"),
    "Programme": (_S + "FundingScheme",),
    "Region": (_S + "AdministrativeArea",),
}

RELATION_ALIGNMENT: dict[str, tuple[str, ...]] = {
    "AFFILIATED_WITH": (_S + "worksFor", _O + "memberOf"),
    "ALUMNUS_OF": (_S + "alumniOf",),
    "COLLABORATES_WITH": (_O + "linkedTo",),
    "PART_OF": (_O + "subOrganizationOf",),
    "WORKS_IN": (_S + "knowsAbout",),
    "IN_FIELD": (v.DCT + "subject",),
    "LOCATED_IN": (_S + "location",),
}

PROPERTY_ALIGNMENT: dict[str, tuple[str, ...]] = {
    "credit_code": (_S + "taxID",),  # the unified social credit code is the taxpayer number
    "short_name": (_S + "alternateName",),
}


def _labels(g: Graph, s: URIRef, zh: str, en: str) -> None:
    g.add((s, RDFS.label, Literal(zh, lang="zh")))
    g.add((s, RDFS.label, Literal(en, lang="en")))


def _union(g: Graph, members: Iterable[str], kind: URIRef = OWL.Class) -> URIRef | BNode:
    """One IRI, or an anonymous ``owl:unionOf`` class (or datatype) of several."""
    iris = list(dict.fromkeys(members))
    if len(iris) == 1:
        return URIRef(iris[0])
    node = BNode()
    g.add((node, RDF.type, kind))
    head = BNode()
    Collection(g, head, [URIRef(i) for i in iris])
    g.add((node, OWL.unionOf, head))
    return node


def _owner_class(owner: str) -> str:
    return v.class_iri(owner) if owner in NODE_TYPES else v.relation_class_iri(owner)


def _core(g: Graph) -> None:
    """The ontology header and the terms every export uses."""
    onto = URIRef(v.ONTOLOGY_IRI)
    g.add((onto, RDF.type, OWL.Ontology))
    _labels(g, onto, "区域创新生态知识图谱本体", "innovation-kg ontology")
    g.add((onto, OWL.versionInfo, Literal("generated from kg/schema.py by kg/ontology.py")))
    g.add(
        (
            onto,
            RDFS.comment,
            Literal(
                "企业、高校、实验室、人才、项目、专利与产业链的类与属性；边以限定关系节点承载属性与来源。",
                lang="zh",
            ),
        )
    )
    g.add(
        (
            onto,
            RDFS.comment,
            Literal(
                "Classes and properties of a regional innovation ecosystem; edges are also written "
                "as qualified-relation nodes (rdf:Statement) carrying their properties and provenance.",
                lang="en",
            ),
        )
    )
    prov_entity = URIRef(v.PROV + "Entity")
    for iri, zh, en, supers in (
        (v.NODE_CLASS, "图谱实体", "graph node", (prov_entity,)),
        (v.RELATION_CLASS, "限定关系", "qualified relation", (RDF.Statement, prov_entity)),
        (v.SOURCE_FILE, "来源文件", "source file", (prov_entity,)),
    ):
        c = URIRef(iri)
        g.add((c, RDF.type, OWL.Class))
        _labels(g, c, zh, en)
        for sup in supers:
            g.add((c, RDFS.subClassOf, sup))
    derivation = URIRef(v.PROV + "Derivation")
    for iri, zh, en, domain, rng, parents in (
        (v.ID, "编号", "id", v.NODE_CLASS, XSD.string, (v.DCT + "identifier",)),
        (
            v.NAME,
            "名称",
            "name",
            v.NODE_CLASS,
            XSD.string,
            (_S + "name", _F + "name", v.RDFS + "label"),
        ),
        (v.ALIAS, "别名", "alias", v.NODE_CLASS, XSD.string, (_S + "alternateName",)),
        (v.KEY, "关系键", "edge key", v.RELATION_CLASS, XSD.string, ()),
        (v.SOURCE_NAME, "来源名称", "source name", v.SOURCE_FILE, XSD.string, ()),
        (v.FILE_SHA256, "文件SHA-256", "file SHA-256", v.SOURCE_FILE, XSD.string, ()),
        (v.ROW, "行号", "row", str(derivation), XSD.integer, ()),
        (v.INGESTED_AT, "导入时间", "ingested at", str(derivation), XSD.dateTime, ()),
    ):
        p = URIRef(iri)
        g.add((p, RDF.type, OWL.DatatypeProperty))
        _labels(g, p, zh, en)
        g.add((p, RDFS.domain, URIRef(domain)))
        g.add((p, RDFS.range, rng))
        if iri != v.ALIAS:
            g.add((p, RDF.type, OWL.FunctionalProperty))
        for parent in parents:
            g.add((p, RDFS.subPropertyOf, URIRef(parent)))


def _node_classes(g: Graph) -> None:
    for spec in NODE_TYPES.values():
        c = URIRef(v.class_iri(spec.name))
        g.add((c, RDF.type, OWL.Class))
        _labels(g, c, spec.zh, spec.en)
        g.add((c, SKOS.notation, Literal(spec.name)))
        g.add((c, RDFS.subClassOf, URIRef(v.NODE_CLASS)))
        for sup in CLASS_ALIGNMENT.get(spec.name, ()):
            g.add((c, RDFS.subClassOf, URIRef(sup)))


def _relations(g: Graph) -> None:
    for spec in RELATIONS.values():
        p = URIRef(v.relation_property_iri(spec.name))
        g.add((p, RDF.type, OWL.ObjectProperty))
        if spec.symmetric:
            g.add((p, RDF.type, OWL.SymmetricProperty))
        _labels(g, p, spec.zh, spec.en)
        g.add((p, SKOS.notation, Literal(spec.name)))
        g.add((p, RDFS.domain, _union(g, map(v.class_iri, spec.sources))))
        g.add((p, RDFS.range, _union(g, map(v.class_iri, spec.targets))))
        g.add((p, RDFS.comment, Literal(f"甲 {spec.verb_zh} 乙", lang="zh")))
        g.add((p, RDFS.comment, Literal(f"A {spec.verb_en} B", lang="en")))
        for sup in RELATION_ALIGNMENT.get(spec.name, ()):
            g.add((p, RDFS.subPropertyOf, URIRef(sup)))
        c = URIRef(v.relation_class_iri(spec.name))
        g.add((c, RDF.type, OWL.Class))
        g.add((c, RDFS.subClassOf, URIRef(v.RELATION_CLASS)))
        _labels(g, c, f"{spec.zh}关系", f"{spec.en} (qualified relation)")
        g.add((c, SKOS.notation, Literal(spec.name)))


def _properties(g: Graph) -> None:
    for name, owners in v.declared_properties().items():
        p = URIRef(v.property_iri(name))
        kinds = list(dict.fromkeys(spec.kind for _, spec in owners))
        first = owners[0][1]
        _labels(g, p, first.zh, first.en)
        g.add((p, SKOS.notation, Literal(name)))
        if kinds == ["list[str]"]:
            g.add((p, RDF.type, OWL.ObjectProperty))
            g.add((p, RDFS.range, RDF.List))
            g.add((p, RDFS.comment, Literal("有序列表（rdf:List），元素为字符串", lang="zh")))
            g.add((p, RDFS.comment, Literal("an ordered rdf:List of xsd:string", lang="en")))
        else:
            g.add((p, RDF.type, OWL.DatatypeProperty))
            g.add((p, RDF.type, OWL.FunctionalProperty))
            g.add((p, RDFS.range, _union(g, (v.XSD_OF_KIND[k] for k in kinds), RDFS.Datatype)))
        g.add((p, RDFS.domain, _union(g, (_owner_class(o) for o, _ in owners))))
        seen = {(first.zh, first.en)}
        for _, spec in owners[1:]:
            if (spec.zh, spec.en) not in seen:
                seen.add((spec.zh, spec.en))
                g.add((p, SKOS.altLabel, Literal(spec.zh, lang="zh")))
                g.add((p, SKOS.altLabel, Literal(spec.en, lang="en")))
        if len(seen) > 1 or len(kinds) > 1:
            for owner, spec in owners:
                g.add(
                    (
                        p,
                        RDFS.comment,
                        Literal(f"{owner}: {spec.zh} / {spec.en} ({spec.kind})"),
                    )
                )
        for sup in PROPERTY_ALIGNMENT.get(name, ()):
            g.add((p, RDFS.subPropertyOf, URIRef(sup)))


def bind_prefixes(g: Graph) -> Graph:
    """Bind the project's prefixes on ``g`` (replacing rdflib's defaults) and return it."""
    for prefix, ns in v.PREFIXES.items():
        g.bind(prefix, ns, override=True, replace=True)
    return g


@cache
def ontology_graph() -> Graph:
    """The ontology as an rdflib graph (cached: treat as read-only)."""
    g = bind_prefixes(Graph(bind_namespaces="none"))
    _core(g)
    _node_classes(g)
    _relations(g)
    _properties(g)
    return g


def ontology_turtle() -> str:
    """The ontology in Turtle, as committed in ``kg/ontology.ttl``."""
    header = (
        "# Generated from kg/schema.py by `python -m kg.ontology > kg/ontology.ttl`; do not edit.\n"
    )
    return header + ontology_graph().serialize(format="turtle")


if __name__ == "__main__":
    sys.stdout.write(ontology_turtle())
