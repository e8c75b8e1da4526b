"""innovation-kg: the knowledge graph of a regional innovation ecosystem (schema, stores, projection)."""

from kg.errors import EntityNotFound, InvalidInput, KGError, NoPath, StoreUnavailable
from kg.model import Edge, Node, Provenance
from kg.stores import GraphStore, open_store

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
    "open_store",
]
__version__ = "0.1.0"
