"""Import RDF written in the project's ontology back into nodes and edges, in batches.

The file is bulk-loaded by pyoxigraph into a temporary on-disk store (streaming parse, ~1M
triples/s, memory flat in file size); nodes are then read class by class, edges from their
qualified-relation nodes, and plain relation triples without one become edges with no properties.
What cannot be imported (an unknown end, an end of the wrong type, a subject with two node types)
is reported with its reason; the rest still loads. Records without provenance get the import's
(the file name and its SHA-256), so nothing enters the store without one.
"""

from __future__ import annotations

import hashlib
import io
import tempfile
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, BinaryIO

import pyoxigraph as ox

from kg import vocab as v
from kg.errors import InvalidInput
from kg.model import Edge, Node, Provenance
from kg.schema import RELATIONS
from kg.settings import get_settings
from kg.stores.base import GraphStore, UpsertResult

READ_FORMATS = {
    "ttl": ox.RdfFormat.TURTLE,
    "turtle": ox.RdfFormat.TURTLE,
    "nt": ox.RdfFormat.N_TRIPLES,
    "jsonld": ox.RdfFormat.JSON_LD,
    "json": ox.RdfFormat.JSON_LD,
    "nq": ox.RdfFormat.N_QUADS,
    "trig": ox.RdfFormat.TRIG,
    "rdf": ox.RdfFormat.RDF_XML,
    "xml": ox.RdfFormat.RDF_XML,
}
_INTS = {
    v.XSD + t
    for t in [
        *("integer", "int", "long", "short", "byte", "unsignedLong", "unsignedInt"),
        *("unsignedShort", "unsignedByte", "nonNegativeInteger", "positiveInteger"),
        *("nonPositiveInteger", "negativeInteger", "gYear"),
    ]
}
_FLOATS = {v.XSD + "double", v.XSD + "float", v.XSD + "decimal"}
_MAX_REASONS = 200


@dataclass
class RdfImportReport:
    """What an import did: triples read, node and edge upserts, and what was rejected and why."""

    triples: int = 0
    nodes: UpsertResult = field(default_factory=UpsertResult)
    edges: UpsertResult = field(default_factory=UpsertResult)
    rejected: int = 0
    reasons: list[str] = field(default_factory=list)
    ignored_predicates: Counter[str] = field(default_factory=Counter)

    def reject(self, reason: str) -> None:
        self.rejected += 1
        if len(self.reasons) < _MAX_REASONS:
            self.reasons.append(reason)


class _HashingReader(io.RawIOBase):
    """A binary stream that hashes what is read through it (the file's SHA-256, in one pass)."""

    def __init__(self, raw: BinaryIO) -> None:
        self.raw = raw
        self.sha256 = hashlib.sha256()

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self.raw.read(len(buffer))
        n = len(data)
        buffer[:n] = data
        self.sha256.update(data)
        return n


def format_of(name: str) -> ox.RdfFormat:
    """The parser for a format name or file extension (``ttl``, ``nt``, ``jsonld`` …)."""
    fmt = READ_FORMATS.get(name.lower().lstrip("."))
    if fmt is None:
        raise InvalidInput(f"unknown RDF format {name!r}; use one of {', '.join(READ_FORMATS)}")
    return fmt


def _value(term: Any) -> Any:
    """A literal's Python value: int, float or bool by XSD datatype, else its lexical form."""
    if not isinstance(term, ox.Literal):
        return None
    dt = term.datatype.value
    text = term.value
    try:
        if dt in _INTS:
            return int(text)
        if dt in _FLOATS:
            return float(text)
    except ValueError:
        return text
    if dt == v.XSD + "boolean":
        return text.strip() in ("true", "1")
    return text


def _text(term: Any) -> str:
    """The IRI, lexical form or label of a term."""
    return str(getattr(term, "value", term))


def _coerce(value: Any, kind: str | None) -> Any:
    """A declared property's value in its schema kind (a partner may write 100 for 100.0)."""
    if kind == "float" and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if kind == "str" and not isinstance(value, str):
        return str(value).lower() if isinstance(value, bool) else str(value)
    return value


class _Reader:
    def __init__(
        self, ox_store: ox.Store, base: str, fallback: Provenance, report: RdfImportReport
    ):
        self.ox = ox_store
        self.base = base
        self.fallback = (fallback,)
        self.report = report
        self.ids: dict[str, str] = {}  # node IRI → id where the IRI does not decode to it
        self.types: dict[str, str] = {}  # node id → type, for the nodes of this file
        self.files: dict[str, tuple[str, str]] = {}
        self._props = v.property_names()
        self._relations = v.relation_of_property()

    def _quads(self, s: Any, p: str | None = None) -> Iterator[ox.Quad]:
        return self.ox.quads_for_pattern(s, ox.NamedNode(p) if p else None, None, None)

    def _list(self, head: Any) -> list[Any] | None:
        items: list[Any] = []
        seen: set[Any] = set()
        while not (isinstance(head, ox.NamedNode) and head.value == v.RDF + "nil"):
            if head in seen:
                return None
            seen.add(head)
            first = rest = None
            for q in self._quads(head):
                if q.predicate.value == v.RDF + "first":
                    first = q.object
                elif q.predicate.value == v.RDF + "rest":
                    rest = q.object
            if first is None or rest is None:
                return None
            items.append(_value(first))
            head = rest
        return items

    def _file(self, f: Any) -> tuple[str, str]:
        key = str(f)
        hit = self.files.get(key)
        if hit is None:
            name = sha = ""
            for q in self._quads(f):
                if q.predicate.value == v.SOURCE_NAME:
                    name = _text(q.object)
                elif q.predicate.value == v.FILE_SHA256:
                    sha = _text(q.object)
            hit = self.files[key] = (name, sha)
        return hit

    def _provenance(self, derivations: list[Any], plain: list[Any]) -> tuple[Provenance, ...]:
        records: list[Provenance] = []
        qualified: set[str] = set()
        for d in derivations:
            entity, row, at = None, None, ""
            for q in self._quads(d):
                pred = q.predicate.value
                if pred == v.PROV + "entity":
                    entity = q.object
                elif pred == v.ROW:
                    row = _value(q.object)
                elif pred == v.INGESTED_AT:
                    at = _text(q.object)
            if entity is None:
                continue
            qualified.add(str(entity))
            source, sha = self._file(entity)
            records.append(Provenance(source, sha, row if isinstance(row, int) else None, at))
        for f in plain:
            if str(f) not in qualified:
                source, sha = self._file(f)
                records.append(Provenance(source, sha, None, ""))
        if not records:
            return self.fallback
        return tuple(sorted(records, key=lambda p: p.source))

    def _record(self, s: Any, owner: str) -> tuple[dict[str, Any], dict[str, Any]]:
        """Core terms (``id``, ``name``, ``alias``, ``key``, ends …) and properties of subject ``s``."""
        core: dict[str, Any] = {"alias": [], "derivations": [], "derived": []}
        props: dict[str, Any] = {}
        kinds = v.property_kinds(owner)
        for q in self._quads(s):
            pred, obj = q.predicate.value, q.object
            if pred in (v.RDF_TYPE, v.ID, v.NAME, v.KEY):
                core[pred] = obj
            elif pred == v.ALIAS:
                core["alias"].append(_text(obj))
            elif pred == v.PROV + "qualifiedDerivation":
                core["derivations"].append(obj)
            elif pred == v.PROV + "wasDerivedFrom":
                core["derived"].append(obj)
            elif pred in (v.RDF + "subject", v.RDF + "predicate", v.RDF + "object"):
                core[pred] = obj
            elif pred in self._relations:
                continue  # the plain edge triple: read in the edge pass
            else:
                name = self._props.get(pred) or v.extra_property_name(pred)
                if name is None:
                    self.report.ignored_predicates[pred] += 1
                    continue
                kind = kinds.get(name)
                if isinstance(obj, ox.Literal):
                    value = _coerce(_value(obj), kind)
                    if kind == "list[str]":
                        props.setdefault(name, []).append(value)
                    else:
                        props[name] = value
                else:
                    items = self._list(obj)
                    if items is None:
                        self.report.reject(f"{s}: {pred} is neither a literal nor an rdf:List")
                        continue
                    props[name] = items
        return core, props

    def node(self, s: Any, type_name: str) -> Node | None:
        core, props = self._record(s, type_name)
        iri = s.value if isinstance(s, ox.NamedNode) else str(s)
        decoded = v.node_id_of(self.base, iri)
        node_id = _text(core[v.ID]) if v.ID in core else decoded
        name = _text(core[v.NAME]) if v.NAME in core else ""
        if not node_id or not name.strip():
            what = "an id (ikg:id or an IRI under the base)" if not node_id else "a name"
            self.report.reject(f"{iri}: a {type_name} needs {what}")
            return None
        prev = self.types.get(node_id)
        if prev is not None and prev != type_name:
            self.report.reject(f"{node_id}: typed both {prev} and {type_name}")
            return None
        self.types[node_id] = type_name
        if node_id != decoded:
            self.ids[iri] = node_id
        prov = self._provenance(core["derivations"], core["derived"])
        return Node(node_id, type_name, name, tuple(sorted(core["alias"])), props, prov)

    def id_of(self, term: Any) -> str | None:
        if not isinstance(term, ox.NamedNode):
            return None
        iri = term.value
        hit = self.ids.get(iri) or v.node_id_of(self.base, iri)
        if hit is None:
            for q in self._quads(term, v.ID):
                hit = self.ids[iri] = _text(q.object)
        return hit

    def qualified_edge(self, q: Any, rel: str) -> Edge | None:
        core, props = self._record(q, rel)
        pred = core.get(v.RDF + "predicate")
        if pred is not None and _text(pred) != v.relation_property_iri(rel):
            self.report.reject(f"{q}: a {rel} relation with rdf:predicate {pred}")
            return None
        src, dst = self.id_of(core.get(v.RDF + "subject")), self.id_of(core.get(v.RDF + "object"))
        if src is None or dst is None:
            self.report.reject(f"{q}: a {rel} relation needs rdf:subject and rdf:object nodes")
            return None
        key = _text(core[v.KEY]) if v.KEY in core else ""
        prov = self._provenance(core["derivations"], core["derived"])
        return Edge(src, rel, dst, key, props, prov)

    def plain_edges(self, rel: str) -> Iterator[Edge]:
        """``rel`` triples with no qualified-relation node: edges without properties."""
        p = f"<{v.relation_property_iri(rel)}>"
        query = (
            f"SELECT ?s ?o WHERE {{ ?s {p} ?o FILTER NOT EXISTS {{ ?q <{v.RDF}subject> ?s ; "
            f"<{v.RDF}predicate> {p} ; <{v.RDF}object> ?o }} }}"
        )
        for row in self.ox.query(query):  # type: ignore[union-attr]
            src, dst = self.id_of(row["s"]), self.id_of(row["o"])
            if src is None or dst is None:
                self.report.reject(f"{row['s']} {rel} {row['o']}: an end is not a node IRI")
                continue
            yield Edge(src, rel, dst, "", {}, self.fallback)


def _batches(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    batch: list[Any] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _checked(store: GraphStore, reader: _Reader, batch: list[Edge]) -> list[Edge]:
    """The edges of ``batch`` whose ends exist (in this file or the store) and fit the schema."""
    types = reader.types
    unknown = {x for e in batch for x in (e.source, e.target) if x not in types}
    found = {i: n.type for i, n in store.get_nodes(unknown).items()} if unknown else {}
    good: list[Edge] = []
    for e in batch:
        spec = RELATIONS[e.type]
        st, tt = (
            types.get(e.source) or found.get(e.source),
            types.get(e.target) or found.get(e.target),
        )
        where = f"({e.source})-[{e.type}]->({e.target})"
        if st is None or tt is None:
            missing = e.source if st is None else e.target
            reader.report.reject(f"{where}: {missing} is neither in the file nor in the store")
        elif st not in spec.sources or tt not in spec.targets:
            reader.report.reject(
                f"{where}: {e.type} goes from {'/'.join(spec.sources)} to "
                f"{'/'.join(spec.targets)}, not from {st} to {tt}"
            )
        else:
            good.append(e)
    return good


def _load(store: GraphStore, reader: _Reader, size: int) -> None:
    """Nodes class by class, then qualified edges, then plain relation triples, in batches."""
    report = reader.report
    rdf_type = ox.NamedNode(v.RDF_TYPE)

    def nodes() -> Iterator[Node]:
        for cls, type_name in v.type_of_class().items():
            for q in reader.ox.quads_for_pattern(None, rdf_type, ox.NamedNode(cls), None):
                node = reader.node(q.subject, type_name)
                if node is not None:
                    yield node

    def edges() -> Iterator[Edge]:
        for cls, rel in v.relation_of_class().items():
            for q in reader.ox.quads_for_pattern(None, rdf_type, ox.NamedNode(cls), None):
                edge = reader.qualified_edge(q.subject, rel)
                if edge is not None:
                    yield edge
        for rel in RELATIONS:
            yield from reader.plain_edges(rel)

    with store.bulk():  # batches grouped into larger transactions where the store can
        for batch in _batches(nodes(), size):
            report.nodes += store.upsert_nodes(batch)
        for batch in _batches(edges(), size):
            good = _checked(store, reader, batch)
            if good:
                report.edges += store.upsert_edges(good)


def read_rdf(
    store: GraphStore,
    source: BinaryIO | bytes | Path,
    fmt: str = "ttl",
    *,
    base: str | None = None,
    batch_size: int | None = None,
    source_name: str | None = None,
) -> RdfImportReport:
    """Import ``source`` (a binary stream, bytes or a path) in ``fmt`` into ``store``.

    >>> read_rdf(store, Path("export.ttl"), "ttl").nodes  # doctest: +SKIP
    UpsertResult(created=5, updated=0, unchanged=0)
    """
    settings = get_settings()
    base = base or settings.rdf_base
    size = batch_size or settings.batch_size
    parser = format_of(fmt)
    if isinstance(source, Path):
        name = source_name or source.name
        with source.open("rb") as fh:
            return read_rdf(store, fh, fmt, base=base, batch_size=size, source_name=name)
    raw: BinaryIO = io.BytesIO(source) if isinstance(source, bytes) else source
    report = RdfImportReport()
    with tempfile.TemporaryDirectory(prefix="ikg-rdf-") as tmp:
        ox_store = ox.Store(tmp)
        hashing = _HashingReader(raw)
        try:
            ox_store.bulk_load(io.BufferedReader(hashing), parser)
        except SyntaxError as exc:
            raise InvalidInput(f"cannot parse the {fmt} file: {exc}") from exc
        report.triples = len(ox_store)
        fallback = Provenance(
            f"rdf:{source_name or 'upload'}",
            hashing.sha256.hexdigest(),
            None,
            datetime.now(UTC).isoformat(timespec="seconds"),
        )
        _load(store, _Reader(ox_store, base, fallback, report), size)
        del ox_store  # close the on-disk store before its directory goes
    return report
