"""The one registry of named analyst queries, from which the API and the CLI expose them.

A query module defines a pure function over the projected graph (``f(G, …)``) and registers an
adapter with :func:`named_query`: typed parameters in (a pydantic model), a typed result out.
Results are cached by (query, parameters, store, store version).
"""

from __future__ import annotations

import importlib
import json
import pkgutil
import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

import networkx as nx
from pydantic import BaseModel, ValidationError

from kg.arrays import GraphArrays, project_arrays
from kg.errors import InvalidInput
from kg.projection import Window, project
from kg.settings import Settings
from kg.stores.base import GraphStore

P = TypeVar("P", bound=BaseModel)
R = TypeVar("R", bound=BaseModel)


class QueryContext:
    """What a query may use: projections of the store (never the store itself) and the settings."""

    def __init__(self, store: GraphStore, settings: Settings | None = None) -> None:
        self._store = store
        self.settings = settings or Settings()

    @property
    def version(self) -> int:
        return self._store.version

    @property
    def store_url(self) -> str:
        return self._store.url

    def graph(self, window: Window | None = None) -> nx.MultiDiGraph:
        """The networkx projection (cached by store version): treat it as read-only."""
        return project(self._store, window)

    def arrays(self, window: Window | None = None) -> GraphArrays:
        """The array projection for heavy algorithms (cached by store version)."""
        return project_arrays(self._store, window)


@dataclass(frozen=True)
class NamedQuery:
    """A registered query: name, parameter and result models, bilingual summary, runner."""

    name: str
    params: type[BaseModel]
    result: type[BaseModel]
    zh: str
    en: str
    run: Callable[[QueryContext, Any], BaseModel]


REGISTRY: dict[str, NamedQuery] = {}


def named_query(
    name: str, *, params: type[P], result: type[R], zh: str, en: str
) -> Callable[[Callable[[QueryContext, P], R]], Callable[[QueryContext, P], R]]:
    """Register ``run(ctx, params) -> result`` as the named query ``name``."""

    def register(run: Callable[[QueryContext, P], R]) -> Callable[[QueryContext, P], R]:
        if name in REGISTRY:
            raise ValueError(f"query {name!r} registered twice")
        REGISTRY[name] = NamedQuery(name, params, result, zh, en, run)
        return run

    return register


def load_all() -> dict[str, NamedQuery]:
    """Import every module of the ``queries`` package so that each registers its queries.

    Lists the package once per process: every API request asks for its query by name, and a
    directory listing per request cost more than a cached answer."""
    global _LOADED
    if _LOADED:
        return REGISTRY
    import queries

    for mod in pkgutil.iter_modules(queries.__path__):
        if mod.name != "registry":
            importlib.import_module(f"queries.{mod.name}")
    _LOADED = True
    return REGISTRY


_LOADED = False


def get_query(name: str) -> NamedQuery:
    load_all()
    try:
        return REGISTRY[name]
    except KeyError:
        raise InvalidInput(
            f"no query named {name!r}; known: {', '.join(sorted(REGISTRY))}"
        ) from None


def run_query(ctx: QueryContext, name: str, params: Mapping[str, Any] | BaseModel) -> BaseModel:
    """Validate ``params`` for query ``name`` and run it, answering from the cache when the store
    has not changed since the same call."""
    q = get_query(name)
    try:
        p = params if isinstance(params, q.params) else q.params.model_validate(dict(params))
    except ValidationError as exc:
        msgs = "; ".join(f"{'.'.join(str(x) for x in e['loc'])}: {e['msg']}" for e in exc.errors())
        raise InvalidInput(f"{name}: {msgs}") from None
    key = (name, json.dumps(p.model_dump(mode="json"), sort_keys=True), ctx.store_url, ctx.version)
    with _LOCK:
        hit = _CACHE.get(key)
        if hit is not None:
            _CACHE.move_to_end(key)
            return hit
    result = q.run(ctx, p)
    with _LOCK:
        _CACHE[key] = result
        while len(_CACHE) > 512:
            _CACHE.popitem(last=False)
    return result


def clear_cache() -> None:
    with _LOCK:
        _CACHE.clear()


_CACHE: OrderedDict[tuple[str, str, str, int], BaseModel] = OrderedDict()
_LOCK = threading.Lock()
