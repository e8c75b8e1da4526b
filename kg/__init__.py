"""innovation-kg: the knowledge graph of a regional innovation ecosystem (schema, stores, projection)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kg.errors import EntityNotFound, InvalidInput, KGError, NoPath, StoreUnavailable
from kg.model import Edge, Node, Provenance
from kg.stores import GraphStore, open_store

if TYPE_CHECKING:
    from api.notebook import Graph


def open(url: str | None = None) -> Graph:
    """Open a graph for notebook work: the named queries as methods returning typed results with
    a DataFrame view, and the network views displaying inline.

    >>> import kg  # doctest: +SKIP
    >>> g = kg.open("sqlite:///data/demo.sqlite")  # doctest: +SKIP
    >>> g.chain_view("chain:汽车零部件").to_frame()  # doctest: +SKIP

    The one exception to ``kg`` never importing ``api``: the facade lives in ``api.notebook``
    and is imported here lazily, when called, so importing ``kg`` still pulls in nothing above it.
    """
    from api.notebook import open_graph

    return open_graph(url)


__all__ = [
    "Edge",
    "EntityNotFound",
    "GraphStore",
    "InvalidInput",
    "KGError",
    "NoPath",
    "Node",
    "Provenance",
    "StoreUnavailable",
    "open",
    "open_store",
]
__version__ = "0.1.0"
