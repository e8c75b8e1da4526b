"""The ``GraphStore`` protocol every store implements, and the small result types it returns."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Literal, Protocol, runtime_checkable

from kg.errors import InvalidInput
from kg.model import Edge, Node

Direction = Literal["out", "in", "both"]
# A lean edge row for array projections: (source, type, target, weight, year_from, year_to).
EdgeRow = tuple[str, str, str, float | None, int | None, int | None]
# An edge for bulk readers: (source, type, target, key, properties as JSON text). Equal texts mean
# equal properties, so a reader can decode each distinct text once (most edges share a few).
EdgeData = tuple[str, str, str, str, str]


MAX_SEARCH = 1000  # the longest search text a store accepts


def search_text(text: str) -> str:
    """The text a store searches for: ``text`` stripped ("" finds nothing), the same rule for every
    store so that they answer alike. Refused: a NUL character (SQLite's LIKE and FTS read a
    pattern up to its first NUL, so "a\\0b" would match like "a" and "\\0" alone like "%", i.e.
    everything), and more than ``MAX_SEARCH`` characters (longer patterns hit SQLite's LIKE limit
    and make FTS phrases of thousands of trigrams)."""
    q = text.strip()
    if "\x00" in q:
        raise InvalidInput("search text contains a NUL character")
    if len(q) > MAX_SEARCH:
        raise InvalidInput(f"search text longer than {MAX_SEARCH} characters")
    return q


@dataclass(frozen=True)
class UpsertResult:
    """What one batch upsert did."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def __add__(self, other: UpsertResult) -> UpsertResult:
        return UpsertResult(
            self.created + other.created,
            self.updated + other.updated,
            self.unchanged + other.unchanged,
        )

    @property
    def changed(self) -> int:
        return self.created + self.updated


@dataclass(frozen=True)
class StoreStats:
    """Counts by node and relation type, and the store's version."""

    nodes: dict[str, int] = field(default_factory=dict)
    edges: dict[str, int] = field(default_factory=dict)
    version: int = 0

    @property
    def node_count(self) -> int:
        return sum(self.nodes.values())

    @property
    def edge_count(self) -> int:
        return sum(self.edges.values())


@dataclass(frozen=True)
class Neighbour:
    """One neighbour of a node: the connecting edge and the node at its other end."""

    edge: Edge
    node: Node
    direction: Literal["out", "in"]


@runtime_checkable
class GraphStore(Protocol):
    """A graph store. Writes are batched, idempotent and atomic per batch; every write that
    changes something bumps ``version`` so caches keyed by it stay right."""

    url: str

    @property
    def version(self) -> int: ...

    def upsert_nodes(self, nodes: Iterable[Node]) -> UpsertResult:
        """Create or merge a batch of nodes in one transaction; ``InvalidInput`` leaves it unchanged."""
        ...

    def upsert_edges(self, edges: Iterable[Edge]) -> UpsertResult:
        """Create or merge a batch of edges; both ends must exist and fit the relation's schema."""
        ...

    def bulk(self, commit_rows: int | None = None) -> AbstractContextManager[None]:
        """A bulk-load session around many batches: the store may group them into fewer, larger
        transactions (about ``commit_rows`` rows each). Each batch stays all-or-nothing, and the
        batches that completed are kept when the session ends, even by an exception."""
        ...

    def get_node(self, node_id: str) -> Node:
        """The node ``node_id``; ``EntityNotFound`` if absent."""
        ...

    def get_nodes(self, node_ids: Iterable[str]) -> dict[str, Node]:
        """The nodes among ``node_ids`` that exist, by id."""
        ...

    def search(
        self, text: str, *, types: Iterable[str] | None = None, limit: int = 20, offset: int = 0
    ) -> list[Node]:
        """Nodes whose name, alias or id contains ``text`` (Chinese substrings work), best first."""
        ...

    def neighbours(
        self,
        node_id: str,
        *,
        rel_types: Iterable[str] | None = None,
        direction: Direction = "both",
        limit: int | None = None,
    ) -> list[Neighbour]:
        """Edges at ``node_id`` with the node at their other end."""
        ...

    def iter_nodes(
        self, types: Iterable[str] | None = None, *, with_provenance: bool = True
    ) -> Iterator[Node]:
        """Stream every node (optionally of some types; projections skip provenance)."""
        ...

    def iter_edges(
        self, types: Iterable[str] | None = None, *, with_provenance: bool = True
    ) -> Iterator[Edge]:
        """Stream every edge (optionally of some relation types; projections skip provenance)."""
        ...

    def iter_edge_rows(self, types: Iterable[str] | None = None) -> Iterator[EdgeRow]:
        """Stream lean edge rows for array projections, without properties or provenance."""
        ...

    def iter_edge_data(self, types: Iterable[str] | None = None) -> Iterator[EdgeData]:
        """Stream edges as (source, type, target, key, properties JSON), without provenance."""
        ...

    def delete_nodes(self, node_ids: Iterable[str]) -> int:
        """Delete nodes and their edges; returns how many nodes were deleted."""
        ...

    def delete_edges(self, idents: Iterable[tuple[str, str, str, str]]) -> int:
        """Delete edges by (source, type, target, key); returns how many were deleted."""
        ...

    def stats(self) -> StoreStats: ...

    def close(self) -> None: ...
