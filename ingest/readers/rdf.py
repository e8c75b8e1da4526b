"""RDF from linked-data partners (Turtle, JSON-LD, N-Triples, RDF/XML … via rdflib) as triple rows
``{subject, predicate, object}``, for a ``triples`` mapping.

rdflib parses the whole document into memory (it has no streaming parser); rows then come out in
an order that lets the mapper name things before relating them: ``rdf:type`` triples first, then
labels, then other literals, then triples between resources.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, BinaryIO

from rdflib import RDF, Graph, Literal
from rdflib.term import Node as RDFNode

from ingest.readers import Record
from kg.errors import InvalidInput

_FORMATS = ("turtle", "json-ld", "nt", "xml", "n3", "trig", "nquads")
# Predicates that name a resource (rdfs:label, schema:name, foaf:name, skos:prefLabel …): their
# triples come before other literals so a resource is named before its attributes.
LABELS = ("label", "name", "prefLabel", "title", "legalName")


def local_name(iri: str) -> str:
    """``http://schema.org/name`` → ``name``; a plain word stays itself."""
    return iri.rstrip("/#").rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def _value(term: RDFNode) -> Any:
    if isinstance(term, Literal):
        value = term.toPython()
        return value if isinstance(value, str | int | float | bool) else str(term)
    return str(term)


def read_rdf(stream: BinaryIO, *, rdf_format: str | None = None) -> Iterator[Record]:
    """Triples of an RDF document; ``rdf_format`` is an rdflib format name (default: Turtle, then
    the others are tried in turn)."""
    data = stream.read()
    graph = Graph()
    errors = []
    for fmt in [rdf_format] if rdf_format else _FORMATS:
        try:
            graph.parse(data=data, format=fmt)
            break
        except Exception as exc:  # rdflib raises many kinds of parse errors
            errors.append(f"{fmt}: {exc}")
    else:
        raise InvalidInput("not parseable as RDF: " + "; ".join(e[:200] for e in errors))
    typed = sorted(graph.triples((None, RDF.type, None)))
    literals = sorted(
        (t for t in graph if isinstance(t[2], Literal)),
        key=lambda t: (local_name(str(t[1])) not in LABELS, t),
    )
    links = sorted(t for t in graph if not isinstance(t[2], Literal) and t[1] != RDF.type)
    for i, (s, p, o) in enumerate([*typed, *literals, *links], start=1):
        yield i, {"subject": str(s), "predicate": str(p), "object": _value(o)}
