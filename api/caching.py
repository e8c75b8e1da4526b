"""Encoded answers of read routes, cached by store version.

The query registry caches results (``queries.registry.run_query``), but a cached result still
cost a pydantic validation against the response model and a JSON encoding on every request, and
searches and entity pages were not cached at all. Here a read is answered once per store version
and its JSON body kept: a repeated read is a key, a dictionary look-up and a byte copy. The key
holds the store's version, so any write makes every older entry unreachable (and the LRU drops
it); the cache is bounded in bytes.
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

import orjson
from fastapi.responses import Response
from pydantic import BaseModel

from kg.stores.base import GraphStore

CacheKey = tuple[str, int, str, bytes]


class ResponseCache:
    """LRU of JSON bodies keyed by (store url, store version, route, parameters)."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self._bodies: OrderedDict[CacheKey, bytes] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    @staticmethod
    def key(store: GraphStore, route: str, params: Mapping[str, Any]) -> CacheKey:
        """The key of ``route`` asked with ``params`` (already validated) on ``store`` as it is."""
        try:
            text = orjson.dumps(dict(params), option=orjson.OPT_SORT_KEYS, default=_plain)
        except TypeError:  # integers beyond 64 bits (``offset=2**64``): orjson refuses them
            text = json.dumps(dict(params), sort_keys=True, default=_plain).encode()
        return (store.url, store.version, route, text)

    def get(self, key: CacheKey) -> bytes | None:
        with self._lock:
            body = self._bodies.get(key)
            if body is None:
                self.misses += 1
                return None
            self._bodies.move_to_end(key)
            self.hits += 1
            return body

    def put(self, key: CacheKey, body: bytes) -> None:
        """Keep ``body`` unless it alone would take over an eighth of the budget."""
        if len(body) > self.max_bytes // 8:
            return
        with self._lock:
            old = self._bodies.pop(key, None)
            self._size += len(body) - (len(old) if old is not None else 0)
            self._bodies[key] = body
            while self._size > self.max_bytes and self._bodies:
                _, dropped = self._bodies.popitem(last=False)
                self._size -= len(dropped)

    def clear(self) -> None:
        with self._lock:
            self._bodies.clear()
            self._size = 0

    async def respond(
        self,
        store: GraphStore,
        route: str,
        params: Mapping[str, Any],
        compute: Callable[[], Awaitable[BaseModel]],
    ) -> Response:
        """The JSON response of ``route`` for ``params``: from the cache, or ``compute``d (and
        encoded once) when the store changed since the last identical request. Errors raised by
        ``compute`` propagate and are not cached."""
        key = self.key(store, route, params)
        body = self.get(key)
        if body is None:
            body = encode(await compute())
            self.put(key, body)
        return Response(body, media_type="application/json")


def encode(value: BaseModel) -> bytes:
    """JSON as FastAPI sends it for a response model of exactly ``value``'s type, minus the
    re-validation FastAPI does first (the value was built by that very model)."""
    return value.__pydantic_serializer__.to_json(value, by_alias=True)


def _plain(value: Any) -> Any:
    """Parameter values orjson does not know (enums it does): sets, frozensets."""
    if isinstance(value, set | frozenset):
        return sorted(value, key=str)
    raise TypeError(f"cannot key a {type(value).__name__}")
