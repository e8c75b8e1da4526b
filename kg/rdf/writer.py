"""Export the graph, or a selection of it, as RDF in the project's ontology (see :mod:`kg.ontology`).

The output is self-contained: prefixes, a ``void:Dataset`` header that ``dct:conformsTo`` the
ontology, the ontology itself (unless left out), and PROV-O provenance on every node and edge.

Two engines write the same triples:

- **oxigraph** streams them through ``pyoxigraph.serialize``: flat memory and ~10x rdflib's speed,
  so it writes N-Triples always and Turtle / JSON-LD of big selections (JSON-LD then in expanded
  form, without a ``@context``);
- **rdflib** builds a graph in memory and writes pretty Turtle (nested blank nodes, lists as
  ``( … )``) and compacted JSON-LD with a ``@context``: the choice for small selections a person
  will read, and what ``auto`` picks below ``PRETTY_MAX_NODES`` nodes.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, BinaryIO, Literal, Protocol

import pyoxigraph as ox
import rdflib

from kg import vocab as v
from kg.errors import InvalidInput
from kg.model import Edge, Node, Provenance
from kg.ontology import ontology_graph
from kg.settings import get_settings
from kg.stores.base import GraphStore
from kg.subgraph import Selection

RdfFormat = Literal["ttl", "jsonld", "nt"]
Engine = Literal["auto", "rdflib", "oxigraph"]
RDF_FORMATS: tuple[RdfFormat, ...] = ("ttl", "jsonld", "nt")
PRETTY_MAX_NODES = 5000

_OX_FORMAT = {
    "ttl": ox.RdfFormat.TURTLE,
    "jsonld": ox.RdfFormat.JSON_LD,
    "nt": ox.RdfFormat.N_TRIPLES,
}
_DATE = re.compile(r"-?\d{4,}-\d\d-\d\d(Z|[+-]\d\d:\d\d)?")
_DATETIME = re.compile(r"-?\d{4,}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)?")
_STRING = v.XSD + "string"


@dataclass(frozen=True)
class RdfExportStats:
    """What an export wrote."""

    nodes: int
    edges: int
    triples: int
    engine: str


class _Terms(Protocol):
    """Builds the terms of one engine (pyoxigraph or rdflib) from IRIs and lexical forms."""

    def iri(self, value: str) -> Any: ...
    def lit(self, lexical: str, datatype: str) -> Any: ...
    def lang(self, text: str, lang: str) -> Any: ...
    def bnode(self) -> Any: ...
    def triple(self, s: Any, p: Any, o: Any) -> Any: ...


class _OxTerms:
    def __init__(self) -> None:
        self._iris: dict[str, ox.NamedNode] = {}
        self.bnode = ox.BlankNode
        self.triple = ox.Triple

    def iri(self, value: str) -> ox.NamedNode:
        return ox.NamedNode(value)

    def viri(self, value: str) -> ox.NamedNode:
        node = self._iris.get(value)
        if node is None:
            node = self._iris[value] = ox.NamedNode(value)
        return node

    def lit(self, lexical: str, datatype: str) -> ox.Literal:
        if datatype == _STRING:
            return ox.Literal(lexical)
        return ox.Literal(lexical, datatype=self.viri(datatype))

    def lang(self, text: str, lang: str) -> ox.Literal:
        return ox.Literal(text, language=lang)


class _RdflibTerms:
    def __init__(self) -> None:
        self.iri = rdflib.URIRef
        self.bnode = rdflib.BNode

    def lit(self, lexical: str, datatype: str) -> rdflib.Literal:
        return rdflib.Literal(lexical, datatype=rdflib.URIRef(datatype), normalize=False)

    def lang(self, text: str, lang: str) -> rdflib.Literal:
        return rdflib.Literal(text, lang=lang)

    @staticmethod
    def triple(s: Any, p: Any, o: Any) -> tuple[Any, Any, Any]:
        return (s, p, o)


def lexical(value: Any, kind: str | None = None) -> tuple[str, str]:
    """A property value as (lexical form, XSD datatype IRI)."""
    if isinstance(value, bool):
        return ("true" if value else "false"), v.XSD + "boolean"
    if isinstance(value, int):
        return str(value), v.XSD + "integer"
    if isinstance(value, float):
        return repr(value), v.XSD + "double"
    text = str(value)
    if kind == "date" and _DATE.fullmatch(text):
        return text, v.XSD + "date"
    return text, _STRING


class _Triples:
    """The triples of nodes, edges and provenance in one engine's terms."""

    def __init__(self, terms: _Terms, base: str) -> None:
        self.t = terms
        self.base = base
        iri = getattr(terms, "viri", terms.iri)
        self.v: Callable[[str], Any] = iri
        self.type = iri(v.RDF_TYPE)
        self.first, self.rest, self.nil = (
            iri(v.RDF + "first"),
            iri(v.RDF + "rest"),
            iri(v.RDF + "nil"),
        )
        self.derived = iri(v.PROV + "wasDerivedFrom")
        self.qualified = iri(v.PROV + "qualifiedDerivation")
        self.derivation = iri(v.PROV + "Derivation")
        self.entity = iri(v.PROV + "entity")
        self._files: set[str] = set()

    def _props(self, s: Any, owner: str, props: dict[str, Any], aux: list[Any]) -> Iterator[Any]:
        kinds = v.property_kinds(owner)
        t = self.t
        for key, value in props.items():
            if value is None:
                continue
            p = self.v(v.property_iri(key))
            if isinstance(value, list | tuple):
                head: Any = self.nil
                for item in reversed(value):
                    cell = t.bnode()
                    aux.append(t.triple(cell, self.first, t.lit(*lexical(item))))
                    aux.append(t.triple(cell, self.rest, head))
                    head = cell
                yield t.triple(s, p, head)
            else:
                yield t.triple(s, p, t.lit(*lexical(value, kinds.get(key))))

    def _provenance(self, s: Any, prov: tuple[Provenance, ...], aux: list[Any]) -> Iterator[Any]:
        t = self.t
        for rec in prov:
            file_iri = v.source_file_iri(self.base, rec.source, rec.file_sha256)
            f = t.iri(file_iri)
            if file_iri not in self._files:
                self._files.add(file_iri)
                aux.append(t.triple(f, self.type, self.v(v.SOURCE_FILE)))
                aux.append(t.triple(f, self.v(v.SOURCE_NAME), t.lit(rec.source, _STRING)))
                aux.append(t.triple(f, self.v(v.FILE_SHA256), t.lit(rec.file_sha256, _STRING)))
            yield t.triple(s, self.derived, f)
            d = t.bnode()
            yield t.triple(s, self.qualified, d)
            aux.append(t.triple(d, self.type, self.derivation))
            aux.append(t.triple(d, self.entity, f))
            if rec.row is not None:
                aux.append(t.triple(d, self.v(v.ROW), t.lit(str(rec.row), v.XSD + "integer")))
            if rec.ingested_at:
                dt = v.XSD + "dateTime" if _DATETIME.fullmatch(rec.ingested_at) else _STRING
                aux.append(t.triple(d, self.v(v.INGESTED_AT), t.lit(rec.ingested_at, dt)))

    def node(self, n: Node) -> Iterator[Any]:
        t = self.t
        s = t.iri(v.node_iri(self.base, n.id))
        aux: list[Any] = []
        yield t.triple(s, self.type, self.v(v.class_iri(n.type)))
        yield t.triple(s, self.v(v.ID), t.lit(n.id, _STRING))
        yield t.triple(s, self.v(v.NAME), t.lit(n.name, _STRING))
        for alias in n.aliases:
            yield t.triple(s, self.v(v.ALIAS), t.lit(alias, _STRING))
        yield from self._props(s, n.type, dict(n.props), aux)
        yield from self._provenance(s, n.provenance, aux)
        yield from aux

    def edge(self, e: Edge) -> Iterator[Any]:
        t = self.t
        a, b = t.iri(v.node_iri(self.base, e.source)), t.iri(v.node_iri(self.base, e.target))
        p = self.v(v.relation_property_iri(e.type))
        yield t.triple(a, p, b)
        if not (e.key or e.props or e.provenance):
            return
        q = t.iri(v.edge_iri(self.base, e.source, e.type, e.target, e.key))
        aux: list[Any] = []
        yield t.triple(q, self.type, self.v(v.relation_class_iri(e.type)))
        yield t.triple(q, self.v(v.RDF + "subject"), a)
        yield t.triple(q, self.v(v.RDF + "predicate"), p)
        yield t.triple(q, self.v(v.RDF + "object"), b)
        if e.key:
            yield t.triple(q, self.v(v.KEY), t.lit(e.key, _STRING))
        yield from self._props(q, e.type, dict(e.props), aux)
        yield from self._provenance(q, e.provenance, aux)
        yield from aux

    def header(self, generated_at: str) -> Iterator[Any]:
        t = self.t
        ds = t.iri(f"{self.base}export/{generated_at}")
        yield t.triple(ds, self.type, self.v(v.VOID + "Dataset"))
        yield t.triple(ds, self.v(v.DCT + "title"), t.lang("区域创新生态知识图谱导出", "zh"))
        yield t.triple(ds, self.v(v.DCT + "title"), t.lang("innovation-kg export", "en"))
        yield t.triple(ds, self.v(v.DCT + "created"), t.lit(generated_at, v.XSD + "dateTime"))
        yield t.triple(ds, self.v(v.DCT + "conformsTo"), self.v(v.ONTOLOGY_IRI))
        yield t.triple(ds, self.v(v.VOID + "vocabulary"), self.v(v.IKG))
        yield t.triple(ds, self.v(v.VOID + "uriSpace"), t.lit(self.base, _STRING))

    def ontology(self) -> Iterator[Any]:
        """The ontology's triples in this engine's terms (blank nodes mapped consistently)."""
        t = self.t
        bnodes: dict[rdflib.BNode, Any] = {}

        def conv(term: Any) -> Any:
            if isinstance(term, rdflib.BNode):
                if term not in bnodes:
                    bnodes[term] = t.bnode()
                return bnodes[term]
            if isinstance(term, rdflib.Literal):
                if term.language:
                    return t.lang(str(term), term.language)
                return t.lit(str(term), str(term.datatype or _STRING))
            return t.iri(str(term))

        for s, p, o in ontology_graph():
            yield t.triple(conv(s), conv(p), conv(o))


@dataclass
class _Counter:
    nodes: int = 0
    edges: int = 0
    triples: int = 0


def _stream(
    gen: _Triples,
    store: GraphStore,
    selection: Selection,
    *,
    include_ontology: bool,
    generated_at: str,
    counter: _Counter,
) -> Iterator[Any]:
    yield from gen.header(generated_at)
    if include_ontology:
        yield from gen.ontology()
    kept: set[str] | None = None if selection.is_everything else set()
    for n in selection.nodes(store):
        counter.nodes += 1
        if kept is not None:
            kept.add(n.id)
        for tr in gen.node(n):
            counter.triples += 1
            yield tr
    for e in selection.edges(store, kept):
        counter.edges += 1
        for tr in gen.edge(e):
            counter.triples += 1
            yield tr


def pick_engine(fmt: RdfFormat, engine: Engine, store: GraphStore, selection: Selection) -> str:
    """``auto``: rdflib (pretty) for Turtle / JSON-LD of at most ``PRETTY_MAX_NODES`` nodes,
    oxigraph (streaming) otherwise and always for N-Triples."""
    if engine != "auto":
        return engine
    if fmt == "nt":
        return "oxigraph"
    return "rdflib" if selection.size_hint(store) <= PRETTY_MAX_NODES else "oxigraph"


def write_rdf(
    store: GraphStore,
    out: BinaryIO,
    fmt: RdfFormat = "ttl",
    selection: Selection | None = None,
    *,
    base: str | None = None,
    engine: Engine = "auto",
    include_ontology: bool = True,
    generated_at: str | None = None,
) -> RdfExportStats:
    """Write the selected part of ``store`` to the binary stream ``out`` as ``fmt`` RDF.

    >>> import io  # doctest: +SKIP
    >>> write_rdf(store, io.BytesIO(), "ttl", Selection.of(types=["Enterprise"]))  # doctest: +SKIP
    """
    if fmt not in RDF_FORMATS:
        raise InvalidInput(f"unknown RDF format {fmt!r}; use one of {', '.join(RDF_FORMATS)}")
    sel = selection or Selection()
    base = base or get_settings().rdf_base
    stamp = generated_at or datetime.now(UTC).isoformat(timespec="seconds")
    chosen = pick_engine(fmt, engine, store, sel)
    prefixes = {**v.PREFIXES, "ikgd": base}
    counter = _Counter()
    if chosen == "oxigraph":
        gen = _Triples(_OxTerms(), base)
        stream = _stream(
            gen, store, sel, include_ontology=include_ontology, generated_at=stamp, counter=counter
        )
        ox.serialize(stream, out, _OX_FORMAT[fmt], prefixes=prefixes)
    elif chosen == "rdflib":
        g = rdflib.Graph(bind_namespaces="none")
        for prefix, ns in prefixes.items():
            g.bind(prefix, ns)
        gen = _Triples(_RdflibTerms(), base)
        for tr in _stream(
            gen, store, sel, include_ontology=include_ontology, generated_at=stamp, counter=counter
        ):
            g.add(tr)
        if fmt == "jsonld":
            g.serialize(out, format="json-ld", context=prefixes, auto_compact=True)
        else:
            g.serialize(out, format="turtle" if fmt == "ttl" else "nt", encoding="utf-8")
    else:
        raise InvalidInput(f"unknown RDF engine {engine!r}; use auto, rdflib or oxigraph")
    return RdfExportStats(counter.nodes, counter.edges, counter.triples, chosen)
