"""Interactive network views as HTML pages (vis-network served from /static, nothing external)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import HTMLResponse
from starlette.concurrency import run_in_threadpool

from api.deps import SettingsDep, StoreDep
from api.pages import Lang
from api.viz.scenes import chain_scene, communities_scene, ego_scene, path_scene
from kg.schema import NodeType

router = APIRouter(prefix="/viz", tags=["visualisations"], default_response_class=HTMLResponse)


@router.get("/chain/{chain_id:path}", response_class=HTMLResponse)
async def chain_page(
    store: StoreDep, settings: SettingsDep, chain_id: str, lang: Lang = "zh"
) -> str:
    """Chain ``chain_id`` upstream → downstream, leaders sized by influence."""
    visual = await run_in_threadpool(
        lambda: chain_scene(store, chain_id, lang=lang, settings=settings)
    )
    return visual.html()


@router.get("/ego/{entity_id:path}", response_class=HTMLResponse)
async def ego_page(
    store: StoreDep,
    settings: SettingsDep,
    entity_id: str,
    hops: Annotated[int, Query(ge=1, le=2, description="1 or 2 steps")] = 1,
    types: Annotated[list[NodeType] | None, Query(description="only these node types")] = None,
    limit: Annotated[int, Query(ge=1, le=2000, description="at most this many nodes")] = 200,
    lang: Lang = "zh",
) -> str:
    """``entity_id`` and its neighbours within ``hops`` steps."""
    visual = await run_in_threadpool(
        lambda: ego_scene(
            store,
            entity_id,
            hops=hops,
            types=[t.value for t in types or []],
            limit=limit,
            lang=lang,
            settings=settings,
        )
    )
    return visual.html()


@router.get("/path", response_class=HTMLResponse)
async def path_page(
    store: StoreDep,
    settings: SettingsDep,
    source: Annotated[str, Query(min_length=1, max_length=300, description="id, name or alias")],
    target: Annotated[str, Query(min_length=1, max_length=300, description="id, name or alias")],
    k: Annotated[int, Query(ge=1, le=10)] = 3,
    max_hops: Annotated[int, Query(ge=1, le=8)] = 5,
    lang: Lang = "zh",
) -> str:
    """The collaboration paths from ``source`` to ``target``, path steps in red."""
    visual = await run_in_threadpool(
        lambda: path_scene(
            store, source, target, k=k, max_hops=max_hops, lang=lang, settings=settings
        )
    )
    return visual.html()


@router.get("/communities", response_class=HTMLResponse)
async def communities_page(
    store: StoreDep,
    settings: SettingsDep,
    scope: Annotated[
        str | None, Query(max_length=300, description="a chain or region; default the county")
    ] = None,
    lang: Lang = "zh",
) -> str:
    """The communities of the county (or a chain or region), one colour each."""
    visual = await run_in_threadpool(
        lambda: communities_scene(store, scope=scope, lang=lang, settings=settings)
    )
    return visual.html()
