"""Views assembled from the store: each takes the store and a view's parameters, asks the
named queries for what to show, and returns a :class:`Visual`. The API's ``/viz`` pages,
``ikg viz`` and the notebook API all call these."""

from __future__ import annotations

from collections.abc import Iterable
from typing import cast

from api.viz.render import Visual
from api.viz.views import chain_visual, communities_visual, ego_visual, path_visual
from kg.settings import Settings
from kg.stores.base import GraphStore
from queries.chains import ChainView
from queries.communities import Communities
from queries.influence import ChainInfluence
from queries.paths import PathsResult
from queries.profile import EgoNetwork
from queries.registry import QueryContext, run_query


def chain_scene(
    store: GraphStore, chain: str, *, lang: str = "zh", settings: Settings | None = None
) -> Visual:
    """Chain ``chain`` upstream → downstream, leaders (and candidates) sized by PageRank."""
    ctx = QueryContext(store, settings)
    view = cast(ChainView, run_query(ctx, "chain_view", {"chain": chain}))
    influence = cast(
        ChainInfluence, run_query(ctx, "chain_leader_influence", {"chain": view.chain_id})
    )
    return chain_visual(
        ctx.graph(),
        view,
        influence={x.id: x.pagerank for x in influence.leaders},
        lang=lang,
    )


def ego_scene(
    store: GraphStore,
    entity: str,
    *,
    hops: int = 1,
    types: Iterable[str] | None = None,
    limit: int = 200,
    lang: str = "zh",
    settings: Settings | None = None,
) -> Visual:
    """``entity`` and its neighbours within ``hops`` steps, optionally only of some ``types``
    (strongest ties first, at most ``limit`` nodes)."""
    ctx = QueryContext(store, settings)
    params = {"entity": entity, "hops": hops, "types": list(types or []) or None, "limit": limit}
    ego = cast(EgoNetwork, run_query(ctx, "ego_network", params))
    return ego_visual(ctx.graph(), ego, lang=lang)


def path_scene(
    store: GraphStore,
    source: str,
    target: str,
    *,
    k: int = 3,
    max_hops: int = 5,
    lang: str = "zh",
    settings: Settings | None = None,
) -> Visual:
    """The ``k`` collaboration paths from ``source`` to ``target`` (``NoPath`` when none)."""
    ctx = QueryContext(store, settings)
    params = {"source": source, "target": target, "k": k, "max_hops": max_hops}
    result = cast(PathsResult, run_query(ctx, "collaboration_paths", params))
    names = (result.source.name, result.target.name)
    title = (
        f"合作路径 · {names[0]} → {names[1]}"
        if lang == "zh"
        else f"Paths · {names[0]} → {names[1]}"
    )
    paths = [[n.id for n in p.nodes] for p in result.paths]
    return path_visual(ctx.graph(), paths, title=title, lang=lang)


def communities_scene(
    store: GraphStore,
    *,
    scope: str | None = None,
    lang: str = "zh",
    settings: Settings | None = None,
) -> Visual:
    """The communities of ``scope`` (county, chain or region), each drawn by its most connected
    members in its own colour."""
    ctx = QueryContext(store, settings)
    result = cast(Communities, run_query(ctx, "communities", {"scope": scope}))
    membership = {m.id: c.id for c in result.communities for m in c.members}
    title = (
        f"创新社群 · {result.scope_name}（{len(result.communities)}个）"
        if lang == "zh"
        else f"Communities · {result.scope_name} ({len(result.communities)})"
    )
    return communities_visual(ctx.graph(), membership, title=title, lang=lang)
