"""Triples into the graph: edge lists (``head, relation, tail, time`` with relation names such as
供应 or 合作 mapped to schema relations) and RDF triple rows (``rdf:type`` → node type via
``classes``, label predicates → names, ``attributes`` → properties, other predicates → relations).
"""

from __future__ import annotations

from typing import Any

from ingest.loader import Loaded, missing_reason, note_resolution
from ingest.mapper import RowRejected
from ingest.mapping import Mapping, RelationName, TriplesSpec
from ingest.readers import CellError
from ingest.readers.rdf import local_name
from ingest.resolve import Resolver
from ingest.values import clean_text, is_blank, parse_value, parse_year
from kg.errors import InvalidInput
from kg.model import Edge, Node, Provenance
from kg.schema import NODE_TYPES

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"


class TriplesLoader:
    """A loader for ``triples`` mappings (see :class:`ingest.mapping.TriplesSpec`)."""

    def __init__(self, mapping: Mapping, resolver: Resolver) -> None:
        assert mapping.triples is not None
        self.spec: TriplesSpec = mapping.triples
        self.resolver = resolver
        self.constants = mapping.constants
        self._relations = {
            **{local_name(k): v for k, v in self.spec.relations.items()},
            **self.spec.relations,
        }
        self._classes = {
            **{local_name(k): v for k, v in self.spec.classes.items()},
            **self.spec.classes,
        }
        self._attributes = {
            **{local_name(k): v for k, v in self.spec.attributes.items()},
            **self.spec.attributes,
        }
        self._labels = {local_name(x) for x in self.spec.labels} | set(self.spec.labels)
        # RDF resources seen so far: IRI → node type; IRI → (node id, type, name)
        self._types: dict[str, str] = {}
        self._ids: dict[str, tuple[str, str, str]] = {}

    def check_columns(self, record: dict[str, Any]) -> list[str]:
        for col in (self.spec.head, self.spec.relation, self.spec.tail):
            if col not in record:
                raise InvalidInput(
                    f"the file has no column {col!r} (triples); its columns: {', '.join(record)}"
                )
        return [] if not self.spec.time or self.spec.time in record else [self.spec.time]

    def _cell(self, record: dict[str, Any], column: str) -> Any:
        value = record.get(column)
        if isinstance(value, CellError):
            raise RowRejected(column, value.reason)
        if is_blank(value):
            raise RowRejected(column, "为空 empty")
        return value

    def _lookup(self, table: dict[str, Any], predicate: str) -> Any:
        return table.get(predicate) or table.get(local_name(predicate))

    def load(self, row: int, record: dict[str, Any], prov: tuple[Provenance, ...]) -> Loaded:
        head = clean_text(self._cell(record, self.spec.head))
        predicate = clean_text(self._cell(record, self.spec.relation))
        tail = self._cell(record, self.spec.tail)
        out = Loaded()
        rule: RelationName | None = self._lookup(self._relations, predicate)
        if rule is not None:
            self._relation(row, record, rule, head, clean_text(tail), prov, out)
        elif predicate == RDF_TYPE or local_name(predicate) == "type":
            node_type = self._lookup(self._classes, clean_text(tail))
            if node_type is None:
                raise RowRejected(self.spec.tail, f"未映射的类 class not in `classes`: {tail}")
            self._types[head] = node_type
        elif predicate in self._labels or local_name(predicate) in self._labels:
            self._name(row, head, clean_text(tail), prov, out)
        elif (prop := self._lookup(self._attributes, predicate)) is not None:
            self._attribute(head, prop, tail, prov, out)
        else:
            known = ", ".join(self.spec.relations)
            raise RowRejected(
                self.spec.relation, f"未知关系 unknown relation {predicate!r}; known: {known}"
            )
        return out

    def _name(
        self, row: int, iri: str, name: str, prov: tuple[Provenance, ...], out: Loaded
    ) -> None:
        node_type = self._types.get(iri)
        if node_type is None:
            raise RowRejected(self.spec.head, f"{iri} has a name but no rdf:type in `classes`")
        if iri in self._ids:
            return  # a second label (another language): the first names the node
        res = self.resolver.resolve((node_type,), name, create=True)
        assert res.id is not None
        note_resolution(out, row, name, res)
        self._ids[iri] = (res.id, res.type, res.name)
        props = {k: v for k, v in self.constants.items() if NODE_TYPES[res.type].property(k)}
        aliases = (name,) if name != res.name else ()
        out.nodes.append(Node(res.id, res.type, res.name, aliases, props, prov))

    def _attribute(
        self, iri: str, prop: str, value: Any, prov: tuple[Provenance, ...], out: Loaded
    ) -> None:
        found = self._ids.get(iri)
        if found is None:
            raise RowRejected(self.spec.head, f"{iri} has no name (label) to build a node from")
        nid, node_type, name = found
        spec = NODE_TYPES[node_type].property(prop)
        if spec is None:
            raise RowRejected(self.spec.relation, f"{node_type} has no property {prop!r}")
        try:
            parsed = parse_value(value, spec.read_as)
        except ValueError as exc:
            raise RowRejected(self.spec.tail, str(exc)) from None
        out.nodes.append(Node(nid, node_type, name, (), {prop: parsed}, prov))

    def _end(
        self, row: int, text: str, types: tuple[str, ...], column: str, out: Loaded
    ) -> tuple[str, str]:
        known = self._ids.get(text)
        if known is not None:
            if known[1] not in types:
                raise RowRejected(column, f"{text} is a {known[1]}, not a {'/'.join(types)}")
            return known[0], known[1]
        res = self.resolver.resolve(types, text, create=self.spec.create)
        note_resolution(out, row, text, res)
        if res.id is None:
            raise RowRejected(column, missing_reason(text, res))
        return res.id, res.type

    def _relation(
        self,
        row: int,
        record: dict[str, Any],
        rule: RelationName,
        head: str,
        tail: str,
        prov: tuple[Provenance, ...],
        out: Loaded,
    ) -> None:
        src, src_type = self._end(row, head, rule.sources, self.spec.head, out)
        dst, dst_type = self._end(row, tail, rule.targets, self.spec.tail, out)
        if self.spec.create:
            for nid, t, name in ((src, src_type, head), (dst, dst_type, tail)):
                if not name.startswith(("http://", "https://", "urn:")):
                    out.nodes.append(Node(nid, t, name, (), {}, prov))
        props: dict[str, Any] = dict(rule.properties)
        key = ""
        when = record.get(self.spec.time) if self.spec.time else None
        if rule.time and not is_blank(when) and not isinstance(when, CellError):
            try:
                year = parse_year(when)
            except ValueError as exc:
                raise RowRejected(self.spec.time or "time", str(exc)) from None
            props[rule.time] = year
            key = str(year) if rule.key_from_time else ""
        out.edges.append(Edge(src, rule.type, dst, key, props, prov))
