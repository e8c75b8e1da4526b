"""Dashboard pages for connections: the path finder and the pairing suggestions."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse
from starlette.concurrency import run_in_threadpool

from api.deps import SettingsDep, StoreDep
from api.pages import Lang, ask, render, resolve

router = APIRouter(prefix="/ui", tags=["dashboard"])

ORGS = ["Enterprise", "University", "Lab"]
# Whom a pairing suggests for an entity of each type (the query's default for enterprises:
# universities and labs).
PAIRING_TARGETS = {"Enterprise": None, "University": "Enterprise", "Lab": "Enterprise"}


@router.get("/paths", response_class=HTMLResponse)
async def paths_page(
    request: Request,
    store: StoreDep,
    settings: SettingsDep,
    source: Annotated[str, Query(max_length=300, description="id or any part of a name")] = "",
    target: Annotated[str, Query(max_length=300, description="id or any part of a name")] = "",
    k: Annotated[int, Query(ge=1, le=10)] = 3,
    max_hops: Annotated[int, Query(ge=1, le=8)] = 5,
    lang: Lang = "zh",
) -> HTMLResponse:
    """Path finder: two searches, then the collaboration paths between them and their graph."""
    src = await run_in_threadpool(resolve, store, source) if source else None
    dst = await run_in_threadpool(resolve, store, target) if target else None
    result: dict[str, Any] | None = None
    error = None
    if src and dst:
        params = {"source": src.id, "target": dst.id, "k": k, "max_hops": max_hops}
        result, error = await ask(store, settings, "collaboration_paths", params)
    return await render(
        request,
        store,
        "paths.html",
        lang,
        source=source,
        target=target,
        src=src,
        dst=dst,
        k=k,
        max_hops=max_hops,
        result=result,
        error=error,
    )


@router.get("/pairings", response_class=HTMLResponse)
async def pairings_page(
    request: Request,
    store: StoreDep,
    settings: SettingsDep,
    entity: Annotated[str, Query(max_length=300, description="id or any part of a name")] = "",
    k: Annotated[int, Query(ge=1, le=50)] = 10,
    lang: Lang = "zh",
) -> HTMLResponse:
    """Suggested partners of an enterprise (universities, labs) or a university (enterprises),
    ranked, each with its evidence."""
    who = await run_in_threadpool(resolve, store, entity, ORGS) if entity else None
    result: dict[str, Any] | None = None
    error = None
    target_type = PAIRING_TARGETS.get(who.type) if who else None
    if who and who.type in PAIRING_TARGETS:
        params = {"entity": who.id, "target_type": target_type, "k": k}
        result, error = await ask(store, settings, "recommend_partners", params)
    return await render(
        request,
        store,
        "pairings.html",
        lang,
        entity=entity,
        who=who,
        target_type=target_type,
        k=k,
        result=result,
        error=error,
    )
