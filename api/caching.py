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
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from kg.settings import Settings
from kg.stores.base import GraphStore

CacheKey = tuple[str, int, str, bytes]

# Set on every response answered through ``ResponseCache.respond``: the store version the answer
# is for, and the mark that lets ``CachedReads`` keep it.
VERSION_HEADER = "x-kg-store-version"


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
        return Response(body, media_type="application/json", headers={VERSION_HEADER: str(key[1])})


def encode(value: BaseModel) -> bytes:
    """JSON as FastAPI sends it for a response model of exactly ``value``'s type, minus the
    re-validation FastAPI does first (the value was built by that very model)."""
    return value.__pydantic_serializer__.to_json(value, by_alias=True)


def _plain(value: Any) -> Any:
    """Parameter values orjson does not know (enums it does): sets, frozensets."""
    if isinstance(value, set | frozenset):
        return sorted(value, key=str)
    raise TypeError(f"cannot key a {type(value).__name__}")


class CachedReads:
    """ASGI middleware: a GET whose exact URL was answered through ``ResponseCache.respond`` at
    the store's current version is answered here, before routing, parameter validation and
    dependencies (half the server's CPU on a cached read). Only while reads are open: with
    ``read_requires_key`` every request goes through the key check of the routes.

    Keys are the raw path and query string, so the same question spelled differently is a miss
    here and a hit in the routes' cache (which keys validated parameters); it then lands here too.
    """

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.cache = ResponseCache(max_bytes)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        state = getattr(scope.get("app"), "state", None)
        store: GraphStore | None = getattr(state, "store", None)
        settings: Settings | None = getattr(state, "settings", None)
        if (
            scope["type"] != "http"
            or scope["method"] != "GET"
            or store is None
            or settings is None
            or settings.read_requires_key
            or self.cache.max_bytes == 0
        ):
            await self.app(scope, receive, send)
            return
        path = (scope.get("raw_path") or scope["path"].encode()).decode("latin-1")
        key: CacheKey = (store.url, store.version, path, scope["query_string"])
        body = self.cache.get(key)
        if body is not None:
            await _send_json(send, body, key[1])
            return
        start: Message | None = None

        async def keep(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                start = message
            elif (
                message["type"] == "http.response.body"
                and not message.get("more_body", False)
                and start is not None
                and start["status"] == 200
            ):
                version = dict(start.get("headers", [])).get(VERSION_HEADER.encode())
                if version is not None and int(version) == key[1]:
                    self.cache.put(key, message.get("body", b""))
            await send(message)

        await self.app(scope, receive, keep)


async def _send_json(send: Send, body: bytes, version: int) -> None:
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
        (VERSION_HEADER.encode(), str(version).encode()),
    ]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": body})
