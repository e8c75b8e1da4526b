"""The server store: Neo4j through the official driver, with the same semantics as ``SQLiteStore``.

Model: every node carries its schema type as label plus the label ``Entity`` (one id constraint,
one ``cjk`` full-text index over name, aliases and id); ``name``, ``aliases`` (a list) and the
props are node properties. Relationships are typed, identified by (source, type, target, ``key``)
and carry their props. Provenance is one JSON string property ``provenance``
(``[[source, file_sha256, row, ingested_at], …]``, as in SQLite): Neo4j lists cannot hold nulls
or mixed types, so parallel lists would lose ``row = None``. A single ``KGMeta`` node holds
``version``. Each batch is one managed write transaction: it locks ``KGMeta``, reads what exists,
merges in Python (content hashes decide unchanged), writes with ``UNWIND … MERGE`` in chunks of
``Settings.neo4j_batch_size`` and bumps the version once if anything changed. Every statement is
a constant of :mod:`kg.cypher`.
"""

from __future__ import annotations

import json
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from typing import Any, Literal, TypeVar

import neo4j
from neo4j import Driver, ManagedTransaction, Record, RoutingControl
from neo4j import exceptions as nx

from kg import cypher as C
from kg.errors import EntityNotFound, InvalidInput, StoreUnavailable
from kg.model import Edge, Node, Provenance
from kg.schema import NODE_TYPES, RELATIONS
from kg.settings import get_settings
from kg.stores.base import (
    Direction,
    EdgeData,
    EdgeRow,
    Neighbour,
    StoreStats,
    UpsertResult,
    search_text,
)
from kg.stores.merge import (
    EdgeIdent,
    check_endpoints,
    plan_edges,
    plan_nodes,
    prepare_edges,
    prepare_nodes,
)
from kg.stores.neo4j_driver import (
    _SCHEMA_READY,
    _key,
    driver_for,
    parse_url,
)

META_ID = "kg"  # the id of the one KGMeta node
_UNBOUNDED = 2**62  # LIMIT for "no limit"
_NODE_RESERVED = ("provenance",)
_EDGE_RESERVED = ("key", "provenance")
T = TypeVar("T")


# -- records ⇄ domain objects ---------------------------------------------------------------
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


@dataclass(frozen=True)
class GraphPath:
    """One path found in the database: its nodes in order and the edges between them."""

    nodes: tuple[Node, ...]
    edges: tuple[Edge, ...]


class Neo4jStore:
    """``GraphStore`` on a Neo4j 5 server. Thread-safe: the driver pools sessions."""

    def __init__(
        self,
        url: str,
        *,
        batch_size: int | None = None,
        connect_retries: int | None = None,
        fetch_size: int = 2000,
        driver: Driver | None = None,
    ) -> None:
        """Open the database at ``url`` (``driver``: an already-connected driver to use instead of
        the process's cached one, e.g. a test double); ensure the schema once per process."""
        settings = get_settings()
        self._target = parse_url(url)
        self.url = self._target.redacted
        self._db = self._target.database
        self._batch = max(1, batch_size or settings.neo4j_batch_size)
        self._fetch = fetch_size
        if driver is not None:
            self._driver = driver
            self.ensure_schema()
            return
        self._driver = driver_for(self._target, connect_retries or settings.neo4j_connect_retries)
        if _key(self._target) not in _SCHEMA_READY:
            self.ensure_schema()
            _SCHEMA_READY.add(_key(self._target))

    # -- plumbing --------------------------------------------------------------------------
    @contextmanager
    def _errors(self) -> Iterator[None]:
        try:
            yield
        except (nx.ServiceUnavailable, nx.SessionExpired) as exc:
            raise StoreUnavailable(f"lost Neo4j at {self.url}: {exc}") from exc
        except nx.ClientError as exc:
            raise InvalidInput(f"rejected by Neo4j: {exc.message or exc}") from exc

    def _query(
        self, stmt: C.Statement, params: dict[str, Any], *, write: bool = False, **names: Any
    ) -> list[Record]:
        """One statement in its own managed transaction (``execute_query``)."""
        stmt.check_params(params)
        routing = RoutingControl.WRITE if write else RoutingControl.READ
        with self._errors():
            records, _, _ = self._driver.execute_query(
                stmt.render(**names), params, routing_=routing, database_=self._db
            )
        return list(records)

    @staticmethod
    def _run(
        tx: ManagedTransaction, stmt: C.Statement, params: dict[str, Any], **names: Any
    ) -> list[Record]:
        stmt.check_params(params)
        return list(tx.run(stmt.render(**names), params))

    def _session(self, **config: Any) -> neo4j.Session:
        """A session that shares ``execute_query``'s bookmarks: in a cluster, a read always sees
        the writes this process made before it (causal consistency)."""
        return self._driver.session(
            database=self._db,
            bookmark_manager=self._driver.execute_query_bookmark_manager,
            **config,
        )

    def _write(self, work: Callable[[ManagedTransaction], T]) -> T:
        """``work`` in one managed write transaction; any exception rolls the whole batch back."""
        with self._errors(), self._session() as session:
            return session.execute_write(work)

    def _stream(self, stmt: C.Statement, params: dict[str, Any]) -> Iterator[Record]:
        """Records pulled lazily, ``fetch_size`` at a time, so a projection never holds them all."""
        stmt.check_params(params)
        with (
            self._errors(),
            self._session(default_access_mode=neo4j.READ_ACCESS, fetch_size=self._fetch) as session,
        ):
            yield from session.run(stmt.render(), params)

    def ensure_schema(self) -> None:
        """Constraints, the full-text index and the meta node; idempotent (``IF NOT EXISTS``)."""
        self._query(C.CONSTRAINT_ENTITY_ID, {}, write=True)
        self._query(C.CONSTRAINT_META_ID, {}, write=True)
        for label in NODE_TYPES:
            self._query(C.CONSTRAINT_LABEL_ID, {}, write=True, label=label)
        self._query(C.FULLTEXT_NAMES, {}, write=True)
        self._query(C.ENSURE_META, {"meta": META_ID}, write=True)
        self._query(C.AWAIT_INDEXES, {"seconds": 120}, write=False)

    def close(self) -> None:
        """Nothing to release per store: the driver is shared by the process (``close_drivers``)."""

    @property
    def version(self) -> int:
        rows = self._query(C.VERSION, {"meta": META_ID})
        return int(rows[0]["version"]) if rows else 0

    def _bump(self, tx: ManagedTransaction) -> None:
        self._run(tx, C.BUMP_VERSION, {"meta": META_ID})

    # -- writes ----------------------------------------------------------------------------
    @contextmanager
    def bulk(self, commit_rows: int | None = None) -> Iterator[None]:
        """Nothing to group: every batch is already one ``UNWIND … MERGE`` transaction, and a
        transaction spanning many batches would only grow the server's heap. (Neo4j's bulk path
        for an empty database is ``neo4j-admin database import``, outside this store.)"""
        yield

    def upsert_nodes(self, nodes: Iterable[Node]) -> UpsertResult:
        seen = prepare_nodes(nodes, reserved=_NODE_RESERVED)

        def work(tx: ManagedTransaction) -> UpsertResult:
            self._run(tx, C.LOCK_META, {"meta": META_ID})
            existing: dict[str, Node] = {}
            for id_chunk in _chunks(list(seen), self._batch):
                for rec in self._run(tx, C.GET_NODES, {"ids": list(id_chunk)}):
                    found = _node(rec["labels"], rec["props"])
                    existing[found.id] = found
            plan = plan_nodes(seen, existing)
            rows: dict[str, list[dict[str, Any]]] = defaultdict(list)
            for node, old in plan.writes:
                rows[node.type].append(_node_row(node, old))
            for label, label_rows in rows.items():
                for chunk in _chunks(label_rows, self._batch):
                    self._run(tx, C.UPSERT_NODES, {"rows": list(chunk)}, label=label)
            if plan.writes:
                self._bump(tx)
            return plan.result

        return self._write(work)

    def upsert_edges(self, edges: Iterable[Edge]) -> UpsertResult:
        seen = prepare_edges(edges, reserved=_EDGE_RESERVED)

        def work(tx: ManagedTransaction) -> UpsertResult:
            self._run(tx, C.LOCK_META, {"meta": META_ID})
            ends = list({x for e in seen.values() for x in (e.source, e.target)})
            types: dict[str, str] = {}
            for id_chunk in _chunks(ends, self._batch):
                for rec in self._run(tx, C.NODE_TYPES_OF, {"ids": list(id_chunk)}):
                    types[rec["id"]] = next(
                        (lab for lab in rec["labels"] if lab in NODE_TYPES), C.ENTITY
                    )
            check_endpoints(seen.values(), types)
            by_type: dict[str, list[Edge]] = defaultdict(list)
            for edge in seen.values():
                by_type[edge.type].append(edge)
            total = UpsertResult()
            for rel, rel_edges in by_type.items():
                existing: dict[EdgeIdent, Edge] = {}
                for edge_chunk in _chunks(rel_edges, self._batch):
                    keys = [
                        {"source": e.source, "target": e.target, "key": e.key} for e in edge_chunk
                    ]
                    for rec in self._run(tx, C.EXISTING_EDGES, {"rows": keys}, rel=rel):
                        old_edge = _edge(rec["source"], rec["type"], rec["target"], rec["rel"])
                        existing[old_edge.ident] = old_edge
                plan = plan_edges(rel_edges, existing)
                rows = [_edge_row(edge, old) for edge, old in plan.writes]
                for chunk in _chunks(rows, self._batch):
                    self._run(tx, C.UPSERT_EDGES, {"rows": list(chunk)}, rel=rel)
                total += plan.result
            if total.changed:
                self._bump(tx)
            return total

        return self._write(work)

    def delete_nodes(self, node_ids: Iterable[str]) -> int:
        ids = list(dict.fromkeys(node_ids))

        def work(tx: ManagedTransaction) -> int:
            self._run(tx, C.LOCK_META, {"meta": META_ID})
            deleted = 0
            for id_chunk in _chunks(ids, self._batch):
                deleted += self._run(tx, C.DELETE_NODES, {"ids": list(id_chunk)})[0]["deleted"]
            if deleted:
                self._bump(tx)
            return deleted

        return self._write(work)

    def delete_edges(self, idents: Iterable[tuple[str, str, str, str]]) -> int:
        by_type: dict[str, list[dict[str, str]]] = defaultdict(list)
        for src, rel, dst, key in dict.fromkeys(idents):
            if rel in RELATIONS:  # an unknown type names no edge, as in SQLite
                by_type[rel].append({"source": src, "target": dst, "key": key})

        def work(tx: ManagedTransaction) -> int:
            self._run(tx, C.LOCK_META, {"meta": META_ID})
            deleted = 0
            for rel, rows in by_type.items():
                for chunk in _chunks(rows, self._batch):
                    recs = self._run(tx, C.DELETE_EDGES, {"rows": list(chunk)}, rel=rel)
                    deleted += recs[0]["deleted"]
            if deleted:
                self._bump(tx)
            return deleted

        return self._write(work)

    def clear(self) -> int:
        """Delete every node and edge (the schema and the version counter stay); returns nodes."""

        def work(tx: ManagedTransaction) -> int:
            self._run(tx, C.LOCK_META, {"meta": META_ID})
            deleted = int(self._run(tx, C.CLEAR, {})[0]["deleted"])
            if deleted:
                self._bump(tx)
            return deleted

        return self._write(work)

    # -- reads -----------------------------------------------------------------------------
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
