"""The dashboard's front page."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from starlette.concurrency import run_in_threadpool

from api.deps import StoreDep
from api.pages import Lang, render

router = APIRouter(tags=["dashboard"])


@router.get("/", response_class=HTMLResponse)
async def home(request: Request, store: StoreDep, lang: Lang = "zh") -> HTMLResponse:
    """The dashboard: search, graph size, the chains and the analyses."""
    stats = await run_in_threadpool(store.stats)
    chains = await run_in_threadpool(lambda: list(store.iter_nodes(["Chain"])))
    return await render(
        request,
        store,
        "home.html",
        lang,
        stats=stats,
        node_types=sorted(stats.nodes.items(), key=lambda kv: -kv[1]),
        chains=sorted(chains, key=lambda n: n.name),
    )
