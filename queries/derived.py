"""Structures derived once from a projected graph (tie graph, name index, features) and kept for as
long as that graph lives.

Projections are cached by store version and treated as read-only, so anything computed from one
stays valid until the projection itself is dropped; a weak reference ties the two lifetimes.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

T = TypeVar("T")

_DERIVED: weakref.WeakKeyDictionary[Any, dict[Hashable, Any]] = weakref.WeakKeyDictionary()
_LOCK = threading.Lock()


def derived(graph: Any, key: Hashable, build: Callable[[], T]) -> T:
    """``build()`` computed once per (``graph`` object, ``key``); later calls return the same value."""
    with _LOCK:
        per_graph = _DERIVED.setdefault(graph, {})
        if key in per_graph:
            return per_graph[key]
    value = build()
    with _LOCK:
        per_graph = _DERIVED.setdefault(graph, {})
        return per_graph.setdefault(key, value)
