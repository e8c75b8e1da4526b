"""The store projected into memory for analysts: a networkx ``MultiDiGraph`` with typed nodes and
typed, weighted edges, filtered by type and year window and cached by store version.

Heavy algorithms use :mod:`kg.arrays` instead, built straight from the store's edge rows.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import networkx as nx

from kg.schema import NODE_TYPES, RELATIONS
from kg.stores.base import GraphStore


@dataclass(frozen=True)
class Window:
    """Which part of the graph to project: node and relation types, and a closed year window."""

    node_types: frozenset[str] | None = None
    rel_types: frozenset[str] | None = None
    year_from: int | None = None
    year_to: int | None = None

    @classmethod
    def of(
        cls,
        node_types: Iterable[str] | None = None,
        rel_types: Iterable[str] | None = None,
        year_from: int | None = None,
        year_to: int | None = None,
    ) -> Window:
        return cls(
            frozenset(node_types) if node_types else None,
            frozenset(rel_types) if rel_types else None,
            year_from,
            year_to,
        )

    def holds(self, start: int | None, end: int | None) -> bool:
        """Whether a span [start, end] (``None`` = open or timeless) overlaps the window."""
        if self.year_to is not None and start is not None and start > self.year_to:
            return False
        return not (self.year_from is not None and end is not None and end < self.year_from)


def tie_weight(rel_type: str, explicit: float | None) -> float:
    """An edge's strength: its own ``weight`` property if set, else the relation's default."""
    return explicit if explicit is not None else RELATIONS[rel_type].weight


def project(store: GraphStore, window: Window | None = None) -> nx.MultiDiGraph:
    """Project ``store`` into a ``MultiDiGraph``; nodes carry ``type``, ``name``, ``aliases`` and their
    properties, edges ``type``, ``weight``, ``year_from``/``year_to`` and their properties.

    Nodes with a ``year`` property (projects, patents) outside the window are left out, as are edges
    whose time span misses it. Results are cached per (store, version, window): treat them as
    read-only.

    >>> from kg.stores.sqlite import SQLiteStore  # doctest: +SKIP
    >>> g = project(SQLiteStore("kg.sqlite"), Window.of(year_to=2023))  # doctest: +SKIP
    """
    w = window or Window()
    key = (store.url, store.version, w)
    with _LOCK:
        hit = _CACHE.get(key)
        if hit is not None:
            _CACHE.move_to_end(key)
            return hit
    g = _build(store, w)
    with _LOCK:
        _CACHE[key] = g
        while len(_CACHE) > _CACHE_SIZE:
            _CACHE.popitem(last=False)
    return g


def _build(store: GraphStore, w: Window) -> nx.MultiDiGraph:
    g = nx.MultiDiGraph()
    node_types = sorted(w.node_types) if w.node_types else None
    attrs: list[tuple[str, dict[str, Any]]] = []
    for n in store.iter_nodes(node_types):
        year = n.props.get("year")
        if isinstance(year, int) and not w.holds(year, year):
            continue
        data: dict[str, Any] = dict(n.props)
        data["type"] = n.type
        data["name"] = n.name
        data["aliases"] = n.aliases
        attrs.append((n.id, data))
    g.add_nodes_from(attrs)
    del attrs
    rel_types = sorted(w.rel_types) if w.rel_types else None
    # Filling networkx's adjacency dicts directly, exactly as MultiDiGraph.add_edge does (one key
    # dict shared by _succ[u][v] and _pred[v][u]), is ~3x faster than add_edges_from at 5M edges.
    succ, pred = g._succ, g._pred
    for e in store.iter_edges(rel_types, with_provenance=False):
        u, v = e.source, e.target
        if u not in succ or v not in succ:
            continue
        start, end = e.years()
        if not w.holds(start, end):
            continue
        data = dict(e.props)
        data["type"] = e.type
        data["weight"] = tie_weight(e.type, e.weight)
        data["year_from"] = start
        data["year_to"] = end
        keydict = succ[u].get(v)
        if keydict is None:
            keydict = succ[u][v] = pred[v][u] = {}
        keydict[f"{e.type}|{e.key}" if e.key else e.type] = data
    return g


def clear_cache() -> None:
    """Forget every cached projection (tests, or after closing a store)."""
    with _LOCK:
        _CACHE.clear()


_CACHE: OrderedDict[tuple[str, int, Window], nx.MultiDiGraph] = OrderedDict()
_CACHE_SIZE = 8
_LOCK = threading.Lock()

__all__ = ["NODE_TYPES", "Window", "clear_cache", "project", "tie_weight"]
