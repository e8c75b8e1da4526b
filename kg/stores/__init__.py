"""Stores behind one protocol; ``open_store(url)`` picks one from a settings URL."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlparse

from kg.errors import InvalidInput
from kg.stores.base import EdgeRow, GraphStore, Neighbour, StoreStats, UpsertResult

__all__ = ["EdgeRow", "GraphStore", "Neighbour", "StoreStats", "UpsertResult", "open_store"]


def open_store(url: str) -> GraphStore:
    """Open the store named by ``url``: ``sqlite:///relative.sqlite``, ``sqlite:////abs.sqlite``
    or ``neo4j://user:pass@host:7687`` (also ``bolt://``, ``neo4j+s://``)."""
    scheme = urlparse(url).scheme
    if scheme == "sqlite":
        from kg.stores.sqlite import SQLiteStore

        path = url[len("sqlite:///") :] if url.startswith("sqlite:///") else ""
        if not path:
            raise InvalidInput(f"bad SQLite URL {url!r}; expected sqlite:///path/to/kg.sqlite")
        return SQLiteStore(Path(path), url=url)
    if scheme in ("neo4j", "neo4j+s", "neo4j+ssc", "bolt", "bolt+s", "bolt+ssc"):
        from kg.stores.neo4j import Neo4jStore

        return Neo4jStore(url)
    shown = re.sub(r"://([^:/@]*):[^@]*@", r"://\1:***@", url)  # never echo a password
    raise InvalidInput(f"unknown store URL {shown!r}; use sqlite:///… or neo4j://…")
