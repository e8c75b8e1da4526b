"""The dashboard's pages (server-rendered, Chinese by default, ``?lang=en`` for English)."""

from __future__ import annotations

from collections import defaultdict
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse
from starlette.concurrency import run_in_threadpool

from api.deps import StoreDep
from api.pages import Lang, render
from api.routes.ui_connections import PAIRING_TARGETS
from kg.ids import node_id
from kg.schema import NODE_TYPES, NodeType, label

router = APIRouter(prefix="/ui", tags=["dashboard"], include_in_schema=True)


@router.get("/search", response_class=HTMLResponse)
async def search_page(
    request: Request,
    store: StoreDep,
    q: Annotated[str, Query(min_length=1, max_length=200)],
    type: Annotated[list[NodeType] | None, Query()] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 30,
    offset: Annotated[int, Query(ge=0, le=100_000)] = 0,
    lang: Lang = "zh",
) -> HTMLResponse:
    """Entities whose name, alias or id contains ``q``."""
    found = await run_in_threadpool(
        lambda: store.search(q, types=[t.value for t in type or []], limit=limit + 1, offset=offset)
    )
    return await render(
        request,
        store,
        "search.html",
        lang,
        q=q,
        results=found[:limit],
        offset=offset,
        limit=limit,
        next_offset=offset + limit if len(found) > limit else None,
    )


@router.get("/entities/{entity_id:path}", response_class=HTMLResponse)
async def entity_page(
    request: Request, store: StoreDep, entity_id: str, lang: Lang = "zh"
) -> HTMLResponse:
    """One entity: profile, relations grouped by type, provenance, its network and next steps."""
    node = await run_in_threadpool(store.get_node, entity_id)
    nbrs = await run_in_threadpool(lambda: store.neighbours(entity_id, limit=500))
    groups: dict[str, list[object]] = defaultdict(list)
    for nb in nbrs:
        rel = label(nb.edge.type, lang)
        groups[rel if nb.direction == "out" else f"{rel} ←"].append(nb)
    props = []
    spec = NODE_TYPES.get(node.type)
    for key, value in node.props.items():
        prop = spec.property(key) if spec else None
        props.append(((prop.zh if lang == "zh" else prop.en) if prop else key, value))
    return await render(
        request,
        store,
        "entity.html",
        lang,
        node=node,
        props=props,
        groups=sorted(groups.items()),
        pairing=node.type in PAIRING_TARGETS,
        chains=sorted(
            {
                (node_id("Chain", str(nb.node.props["chain"])), str(nb.node.props["chain"]))
                for nb in nbrs
                if nb.node.type == "ChainSegment" and nb.node.props.get("chain")
            }
        ),
    )
