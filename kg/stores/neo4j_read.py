"""The read path of the Neo4j store: look-ups, full-text search, neighbours, the streams
projections read, stats, ego networks and shortest paths in the database. A mixin of
``Neo4jStore`` (``kg.stores.neo4j``), which owns the driver, the plumbing and the write path."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass, replace
from typing import Any, Literal

import neo4j
from neo4j import ManagedTransaction, Record

from kg import cypher as C
from kg.errors import EntityNotFound, InvalidInput
from kg.model import Edge, Node
from kg.schema import NODE_TYPES, RELATIONS
from kg.stores.base import Direction, EdgeData, EdgeRow, Neighbour, StoreStats, search_text
from kg.stores.neo4j_rows import _all_han, _chunks, _edge, _node, _props_json

META_ID = "kg"  # the id of the one KGMeta node
_UNBOUNDED = 2**62  # LIMIT for "no limit"


@dataclass(frozen=True)
class GraphPath:
    """One path found in the database: its nodes in order and the edges between them."""

    nodes: tuple[Node, ...]
    edges: tuple[Edge, ...]


class Neo4jReads:
    """Reads through the store's plumbing (``Neo4jStore``): statements of :mod:`kg.cypher`."""

    _batch: int

    def _errors(self) -> AbstractContextManager[None]:
        raise NotImplementedError

    def _query(
        self, stmt: C.Statement, params: dict[str, Any], *, write: bool = False, **names: Any
    ) -> list[Record]:
        raise NotImplementedError

    @staticmethod
    def _run(
        tx: ManagedTransaction, stmt: C.Statement, params: dict[str, Any], **names: Any
    ) -> list[Record]:
        raise NotImplementedError

    def _session(self, **config: Any) -> neo4j.Session:
        raise NotImplementedError

    def _stream(self, stmt: C.Statement, params: dict[str, Any]) -> Iterator[Record]:
        raise NotImplementedError

    def get_node(self, node_id: str) -> Node:
        found = self.get_nodes([node_id])
        if node_id not in found:
            raise EntityNotFound(f"no entity with id {node_id!r}")
        return found[node_id]

    def get_nodes(self, node_ids: Iterable[str]) -> dict[str, Node]:
        out: dict[str, Node] = {}
        for chunk in _chunks(list(dict.fromkeys(node_ids)), self._batch):
            for rec in self._query(C.GET_NODES, {"ids": list(chunk)}):
                node = _node(rec["labels"], rec["props"])
                out[node.id] = node
        return out

    def search(
        self, text: str, *, types: Iterable[str] | None = None, limit: int = 20, offset: int = 0
    ) -> list[Node]:
        q = search_text(text)
        if not q:
            return []
        params: dict[str, Any] = {
            "needle": q.lower(),
            "types": list(types) if types else None,
            "offset": offset,
            "limit": limit,
        }
        # The cjk analyzer indexes Han text as overlapping bigrams, so a phrase of two or more
        # Han characters finds exactly the names containing it; shorter or mixed queries scan.
        if len(q) >= 2 and _all_han(q):
            stmt = C.SEARCH_FULLTEXT
            params.update(index=C.FULLTEXT_INDEX, query=f'"{q}"')
        else:
            stmt = C.SEARCH_SCAN
        return [_node(r["labels"], r["props"]) for r in self._query(stmt, params)]

    def neighbours(
        self,
        node_id: str,
        *,
        rel_types: Iterable[str] | None = None,
        direction: Direction = "both",
        limit: int | None = None,
    ) -> list[Neighbour]:
        self.get_node(node_id)
        rels = list(rel_types) if rel_types else None
        out: list[Neighbour] = []
        plan: list[tuple[C.Statement, Literal["out", "in"]]] = [
            (C.NEIGHBOURS_OUT, "out"),
            (C.NEIGHBOURS_IN, "in"),
        ]
        for stmt, way in plan:
            if direction not in (way, "both"):
                continue
            room = _UNBOUNDED if limit is None else limit - len(out)
            if room <= 0:
                break
            for r in self._query(stmt, {"id": node_id, "types": rels, "limit": room}):
                edge = _edge(r["source"], r["type"], r["target"], r["rel"])
                out.append(Neighbour(edge, _node(r["labels"], r["props"]), way))
        return out

    def iter_nodes(
        self, types: Iterable[str] | None = None, *, with_provenance: bool = True
    ) -> Iterator[Node]:
        for rec in self._stream(C.ITER_NODES, {"types": list(types) if types else None}):
            node = _node(rec["labels"], rec["props"])
            yield node if with_provenance else replace(node, provenance=())

    def iter_edges(
        self, types: Iterable[str] | None = None, *, with_provenance: bool = True
    ) -> Iterator[Edge]:
        for rec in self._stream(C.ITER_EDGES, {"types": list(types) if types else None}):
            edge = _edge(rec["source"], rec["type"], rec["target"], rec["rel"])
            yield edge if with_provenance else replace(edge, provenance=())

    def iter_edge_rows(self, types: Iterable[str] | None = None) -> Iterator[EdgeRow]:
        for rec in self._stream(C.ITER_EDGE_ROWS, {"types": list(types) if types else None}):
            timing = {k: rec[k] for k in ("year", "since", "until", "weight") if rec[k] is not None}
            lean = Edge(rec["source"], rec["type"], rec["target"], props=timing)
            yield (lean.source, lean.type, lean.target, lean.weight, *lean.years())

    def iter_edge_data(self, types: Iterable[str] | None = None) -> Iterator[EdgeData]:
        for e in self.iter_edges(types, with_provenance=False):
            yield (e.source, e.type, e.target, e.key, _props_json(e.props))

    def stats(self) -> StoreStats:
        def work(tx: ManagedTransaction) -> StoreStats:
            rows = self._run(tx, C.VERSION, {"meta": META_ID})
            nodes = {
                label: n
                for label in NODE_TYPES
                if (n := self._run(tx, C.COUNT_LABEL, {}, label=label)[0]["count"])
            }
            edges = {
                rel: n
                for rel in RELATIONS
                if (n := self._run(tx, C.COUNT_REL, {}, rel=rel)[0]["count"])
            }
            return StoreStats(nodes, edges, int(rows[0]["version"]) if rows else 0)

        with self._errors(), self._session() as session:
            return session.execute_read(work)

    # -- pushdown --------------------------------------------------------------------------
    def ego_network(
        self,
        center: str,
        *,
        hops: int = 1,
        rel_types: Iterable[str] | None = None,
        limit: int = 500,
    ) -> tuple[list[Node], list[Edge]]:
        """The nodes within ``hops`` of ``center`` (at most ``limit``, center included) and the
        edges among them, computed in the database."""
        rows = self._query(
            C.EGO_NETWORK,
            {"id": center, "types": list(rel_types) if rel_types else None, "limit": limit},
            hops=hops,
        )
        nodes = [_node(x["labels"], x["props"]) for x in rows[0]["nodes"]] if rows else []
        if not nodes:
            raise EntityNotFound(f"no entity with id {center!r}")
        edges = [
            _edge(r["source"], r["type"], r["target"], r["rel"])
            for per_node in rows[0]["rels"]
            for r in per_node
        ]
        return nodes, edges

    def shortest_paths(
        self,
        source: str,
        target: str,
        *,
        max_hops: int = 4,
        k: int = 1,
        rel_types: Iterable[str] | None = None,
    ) -> list[GraphPath]:
        """Up to ``k`` shortest paths (edges in any direction) of at most ``max_hops``, shortest
        first, computed in the database; ``[]`` when none exists."""
        if isinstance(k, bool) or not 1 <= k <= C.MAX_PATHS:
            raise InvalidInput(f"k must be from 1 to {C.MAX_PATHS}, got {k!r}")
        missing = {source, target} - set(self.get_nodes([source, target]))
        if missing:
            raise EntityNotFound(f"no entity with id {sorted(missing)[0]!r}")
        params = {
            "source": source,
            "target": target,
            "k": k,
            "types": list(rel_types) if rel_types else None,
        }
        return [
            GraphPath(
                tuple(_node(x["labels"], x["props"]) for x in rec["nodes"]),
                tuple(_edge(r["source"], r["type"], r["target"], r["rel"]) for r in rec["rels"]),
            )
            for rec in self._query(C.SHORTEST_PATHS, params, hops=max_hops)
        ]
