"""The server store: Neo4j through the official driver, with the same semantics as ``SQLiteStore``.

Model: every node carries its schema type as label plus the label ``Entity`` (one id constraint,
one ``cjk`` full-text index over name, aliases and id); ``name``, ``aliases`` (a list) and the
props are node properties. Relationships are typed, identified by (source, type, target, ``key``)
and carry their props. Provenance is one JSON string property ``provenance``
(``[[source, file_sha256, row, ingested_at], …]``): Neo4j lists cannot hold nulls or mixed types,
so parallel lists would lose ``row = None``. A single ``KGMeta`` node holds
``version``. Each batch is one managed write transaction: it locks ``KGMeta``, reads what exists,
merges in Python (content hashes decide unchanged), writes with ``UNWIND … MERGE`` in chunks of
``Settings.neo4j_batch_size`` and bumps the version once if anything changed. Every statement is
a constant of :mod:`kg.cypher`. This module holds the driver plumbing and the write path; the
reads are in ``kg.stores.neo4j_read``, the record encodings in ``kg.stores.neo4j_rows``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

import neo4j
from neo4j import Driver, ManagedTransaction, Record, RoutingControl
from neo4j import exceptions as nx

from kg import cypher as C
from kg.errors import InvalidInput, StoreUnavailable
from kg.model import Edge, Node
from kg.schema import NODE_TYPES, RELATIONS
from kg.settings import get_settings
from kg.stores.base import UpsertResult
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
from kg.stores.neo4j_read import META_ID, Neo4jReads
from kg.stores.neo4j_rows import _chunks, _edge, _edge_row, _node, _node_row

_NODE_RESERVED = ("provenance",)
_EDGE_RESERVED = ("key", "provenance")
T = TypeVar("T")


class Neo4jStore(Neo4jReads):
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
