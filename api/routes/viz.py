"""Interactive network views as HTML pages (vis-network served from /static, nothing external)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import HTMLResponse
from starlette.concurrency import run_in_threadpool

from api.deps import SettingsDep, StoreDep
from api.pages import Lang
from api.viz.scenes import chain_scene, ego_scene
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
    lang: Lang = "zh",
) -> str:
    """``entity_id`` and its neighbours within ``hops`` steps."""
    visual = await run_in_threadpool(
        lambda: ego_scene(
            store,
            entity_id,
            hops=hops,
            types=[t.value for t in types or []],
            lang=lang,
            settings=settings,
        )
    )
    return visual.html()
