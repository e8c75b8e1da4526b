"""Records of the Neo4j store: what a ``Node`` or ``Edge`` becomes as node or relationship
properties (provenance as one JSON string, props cleared with ``None``) and back."""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Iterator, Mapping, Sequence
from typing import Any, TypeVar

from kg import cypher as C
from kg.model import Edge, Node, Provenance
from kg.schema import NODE_TYPES

T = TypeVar("T")


def _prov_json(prov: tuple[Provenance, ...]) -> str:
    return json.dumps(
        [[p.source, p.file_sha256, p.row, p.ingested_at] for p in prov],
        ensure_ascii=False,
        separators=(",", ":"),
    )


def _props_json(props: Mapping[str, Any]) -> str:
    return json.dumps(props, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def _node(labels: Sequence[str], props: Mapping[str, Any]) -> Node:
    rest = dict(props)
    node_type = next((lab for lab in labels if lab in NODE_TYPES), C.ENTITY)
    return Node(
        id=rest.pop("id"),
        type=node_type,
        name=rest.pop("name", ""),
        aliases=tuple(rest.pop("aliases", None) or ()),
        provenance=tuple(Provenance(*p) for p in json.loads(rest.pop("provenance", "[]"))),
        props=rest,
    )


def _edge(source: str, type_: str, target: str, rel: Mapping[str, Any]) -> Edge:
    rest = dict(rel)
    key = rest.pop("key", "")
    prov = tuple(Provenance(*p) for p in json.loads(rest.pop("provenance", "[]")))
    return Edge(source, type_, target, key, props=rest, provenance=prov)


def _cleared(old: Mapping[str, Any] | None, new: Mapping[str, Any]) -> dict[str, Any]:
    """``new`` plus ``None`` for every key ``old`` had and ``new`` lacks (``SET +=`` removes it)."""
    out = dict(new)
    for k in old or {}:
        out.setdefault(k, None)
    return out


def _node_row(node: Node, old: Node | None) -> dict[str, Any]:
    props = _cleared(old.props if old else None, node.props)
    props.update(name=node.name, aliases=list(node.aliases), provenance=_prov_json(node.provenance))
    return {"id": node.id, "props": props}


def _edge_row(edge: Edge, old: Edge | None) -> dict[str, Any]:
    props = _cleared(old.props if old else None, edge.props)
    props["provenance"] = _prov_json(edge.provenance)
    return {"source": edge.source, "target": edge.target, "key": edge.key, "props": props}


def _chunks(items: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def _all_han(text: str) -> bool:
    return all(unicodedata.name(ch, "").startswith("CJK") for ch in text)
