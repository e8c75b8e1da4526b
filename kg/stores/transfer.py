"""Copy one store into another (SQLite → Neo4j, or any two stores): nodes first, then edges,
streamed in batches so neither side ever holds the whole graph."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from itertools import islice
from typing import TypeVar

from kg.errors import InvalidInput
from kg.stores.base import GraphStore, UpsertResult

T = TypeVar("T")
Progress = Callable[[str, UpsertResult], None]


def _batches(items: Iterable[T], size: int) -> Iterator[list[T]]:
    it = iter(items)
    while batch := list(islice(it, size)):
        yield batch


def copy_store(
    source: GraphStore,
    target: GraphStore,
    *,
    batch_size: int = 5000,
    on_batch: Progress | None = None,
) -> tuple[UpsertResult, UpsertResult]:
    """Upsert every node, then every edge, of ``source`` into ``target``; returns what the node
    and edge upserts did. Idempotent: copying again reports everything unchanged."""
    if batch_size < 1:
        raise InvalidInput(f"batch size must be at least 1, got {batch_size}")
    if source.url == target.url:
        raise InvalidInput(f"source and target are the same store ({source.url})")
    with target.bulk():  # batches grouped into larger transactions where the target can
        return _copy(source, target, batch_size, on_batch)


def _copy(
    source: GraphStore, target: GraphStore, batch_size: int, on_batch: Progress | None
) -> tuple[UpsertResult, UpsertResult]:
    nodes = edges = UpsertResult()
    for node_batch in _batches(source.iter_nodes(), batch_size):
        done = target.upsert_nodes(node_batch)
        nodes += done
        if on_batch:
            on_batch("nodes", done)
    for edge_batch in _batches(source.iter_edges(), batch_size):
        done = target.upsert_edges(edge_batch)
        edges += done
        if on_batch:
            on_batch("edges", done)
    return nodes, edges
