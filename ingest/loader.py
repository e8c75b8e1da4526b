"""Turns one source record into resolved nodes and edges (map → validate → resolve), noting the
merges and review items it made; a row that cannot load raises :class:`RowRejected`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

from ingest.mapper import PROPERTY_NAMES, NodeDraft, RowMapper, RowRejected
from ingest.mapping import Mapping
from ingest.report import Merge, ReviewCandidate, ReviewItem
from ingest.resolve import Resolution, Resolver
from kg.errors import InvalidInput
from kg.model import Edge, Node, Provenance, new_edge, new_node
from kg.schema import RELATIONS


@dataclass
class Loaded:
    """What one row yields, ready to upsert, and what resolution did on the way."""

    nodes: list[Node] = field(default_factory=list)
    edges: list[Edge] = field(default_factory=list)
    merges: list[Merge] = field(default_factory=list)
    review: list[ReviewItem] = field(default_factory=list)


class Loader(Protocol):
    def check_columns(self, record: dict[str, Any]) -> list[str]: ...

    def load(self, row: int, record: dict[str, Any], prov: tuple[Provenance, ...]) -> Loaded: ...


def note_resolution(out: Loaded, row: int, text: str, res: Resolution) -> None:
    """Record a merge (an input joined to a node named otherwise) or a review item."""
    if res.id is not None and res.merged and res.name != text:
        out.merges.append(Merge(input=text, id=res.id, name=res.name, rule=res.rule, row=row))
    if res.candidates and res.rule in ("new", "missing"):
        out.review.append(
            ReviewItem(
                input=text,
                row=row,
                kept_as=res.id,
                candidates=[
                    ReviewCandidate(id=c.id, name=c.name, score=c.score) for c in res.candidates
                ],
            )
        )


def missing_reason(text: str, res: Resolution) -> str:
    hint = f"; 相似 similar: {', '.join(c.name for c in res.candidates)}" if res.candidates else ""
    return f"{text!r} 不在图中且无法解析 is not in the graph and cannot be resolved{hint}"


class RowLoader:
    """A :class:`Loader` for row mappings (``nodes`` + ``edges``)."""

    def __init__(self, mapping: Mapping, resolver: Resolver) -> None:
        self.mapper = RowMapper(mapping)
        self.resolver = resolver
        # Nodes keyed with another node's name (``of``) are resolved after it.
        self._of = {ref: rule.of for ref, rule in mapping.nodes.items() if rule.of is not None}
        keyed_by = set(self._of.values())
        self._order = sorted(mapping.nodes, key=lambda ref: ref not in keyed_by)

    def check_columns(self, record: dict[str, Any]) -> list[str]:
        return self.mapper.check_columns(record)

    def load(self, row: int, record: dict[str, Any], prov: tuple[Provenance, ...]) -> Loaded:
        mapped = self.mapper.map(record)
        out = Loaded()
        resolved: dict[str, list[tuple[str, str]]] = {}
        # The resolved name of each ref's first node, for nodes keyed ``of`` it (else not kept).
        names: dict[str, str] | None = {} if self._of else None
        for ref in self._order:
            of = self._of.get(ref)
            qualifier = names.get(of) if names is not None and of is not None else None
            resolved[ref] = [
                self._node(d, row, prov, out, names, qualifier) for d in mapped.nodes[ref]
            ]
        edges = out.edges
        for draft in mapped.edges:
            rule = draft.rule
            sources, targets = resolved[rule.source], resolved[rule.target]
            if not targets:
                continue
            spec = RELATIONS[rule.type]
            for src, src_type in sources:
                if src_type not in spec.sources:
                    raise RowRejected(
                        rule.source,
                        f"{rule.type} 不能连接 cannot link a {src_type} to a {targets[0][1]}",
                    )
                for dst, dst_type in targets:
                    if dst_type not in spec.targets:
                        raise RowRejected(
                            rule.target,
                            f"{rule.type} 不能连接 cannot link a {src_type} to a {dst_type}",
                        )
                    edges.append(new_edge(src, rule.type, dst, draft.key, draft.props, prov))
        return out

    def _node(
        self,
        draft: NodeDraft,
        row: int,
        prov: tuple[Provenance, ...],
        out: Loaded,
        names: dict[str, str] | None = None,
        qualifier: str | None = None,
    ) -> tuple[str, str]:
        rule = draft.rule
        key = draft.key if qualifier is None else f"{draft.name}-{qualifier}"
        try:
            res = self.resolver.resolve(rule.types, draft.name, key=key, create=rule.create)
        except InvalidInput as exc:  # e.g. a name that normalises to nothing (“有限公司”)
            source = rule.key if draft.key else (rule.each or rule.name)
            column = source.column if source is not None else None
            raise RowRejected(column or draft.ref, exc.message) from None
        nid = res.id
        if res.rule != "id":  # exact ids are neither merges nor review items
            note_resolution(out, row, draft.name, res)
            if nid is None:
                column = (rule.each or rule.name).column if (rule.each or rule.name) else draft.ref  # type: ignore[union-attr]
                raise RowRejected(column or draft.ref, missing_reason(draft.name, res))
        assert nid is not None
        if names is not None:
            names.setdefault(draft.ref, res.name)
        if draft.aliases:
            self.resolver.remember_aliases(nid, res.type, draft.aliases)
        if rule.create:
            props = draft.props
            if len(rule.types) > 1:  # a one-type rule's properties are its type's (see Mapping)
                keys = PROPERTY_NAMES[res.type]
                if not keys.issuperset(props):
                    props = {k: v for k, v in props.items() if k in keys}
            if draft.aliases:
                aliases = tuple(a for a in (*draft.aliases, draft.name) if a != res.name)
            else:
                aliases = () if draft.name == res.name else (draft.name,)
            out.nodes.append(new_node(nid, res.type, res.name, aliases, props, prov))
        return nid, res.type
