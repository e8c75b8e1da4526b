"""Structures derived once from a projection (tie graph, name index, pairing features) and kept for
as long as that projection lives.

Projections are cached by store version and treated as read-only, so anything computed from one
stays valid until the projection itself is dropped; ``weakref.finalize`` ties the two lifetimes.
Keyed by object identity, so unhashable projections (``GraphArrays``) work too.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

T = TypeVar("T")

_DERIVED: dict[int, dict[Hashable, Any]] = {}
_LOCK = threading.Lock()


def derived(owner: object, key: Hashable, build: Callable[[], T]) -> T:
    """``build()`` computed once per (``owner`` object, ``key``); later calls return the same value."""
    oid = id(owner)
    with _LOCK:
        per_owner = _DERIVED.get(oid)
        if per_owner is not None and key in per_owner:
            return per_owner[key]
    value = build()
    with _LOCK:
        per_owner = _DERIVED.get(oid)
        if per_owner is None:
            per_owner = _DERIVED[oid] = {}
            weakref.finalize(owner, _DERIVED.pop, oid, None)
        return per_owner.setdefault(key, value)
