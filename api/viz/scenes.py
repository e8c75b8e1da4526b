"""Views assembled from the store: each takes the store and a view's parameters, asks the
projection (and the named queries) for what it needs, and returns a :class:`Visual`. The API's
``/viz`` pages, ``ikg viz`` and the notebook API all call these."""

from __future__ import annotations

from collections.abc import Iterable

from api.viz.render import Visual
from api.viz.views import chain_visual, ego_visual
from kg.settings import Settings
from kg.stores.base import GraphStore
from queries.registry import QueryContext


def chain_scene(
    store: GraphStore, chain: str, *, lang: str = "zh", settings: Settings | None = None
) -> Visual:
    """Chain ``chain`` upstream → downstream, leaders sized by influence."""
    ctx = QueryContext(store, settings)
    return chain_visual(ctx.graph(), chain, lang=lang)


def ego_scene(
    store: GraphStore,
    entity: str,
    *,
    hops: int = 1,
    types: Iterable[str] | None = None,
    lang: str = "zh",
    settings: Settings | None = None,
) -> Visual:
    """``entity`` and its neighbours within ``hops`` steps, optionally only of some ``types``."""
    ctx = QueryContext(store, settings)
    return ego_visual(ctx.graph(), entity, hops=hops, types=types, lang=lang)
