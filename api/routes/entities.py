"""Entity search (Chinese substrings) and entity pages."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from api.deps import CacheDep, StoreDep
from api.schemas import ErrorOut, NodeOut, Page
from api.security import AuditDep, WriteKey
from kg.schema import NodeType, label
from kg.stores.base import GraphStore

router = APIRouter(prefix="/entities", tags=["entities"])

Lang = Literal["zh", "en"]


@router.get("", response_model=Page[NodeOut])
async def search_entities(
    store: StoreDep,
    cache: CacheDep,
    q: Annotated[
        str, Query(min_length=1, max_length=200, description="名称/简称/代码中的任意片段")
    ],
    type: Annotated[
        list[NodeType] | None, Query(description="restrict to these node types")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 20,
    offset: Annotated[int, Query(ge=0, le=100_000)] = 0,
    lang: Lang = "zh",
) -> Response:
    """Search entities by any part of their name, alias or id: “万丰” finds 浙江万丰奥威汽轮股份有限公司."""
    types = sorted(t.value for t in type or [])

    async def compute() -> Page[NodeOut]:
        found = await run_in_threadpool(
            store.search, q, types=types, limit=limit + 1, offset=offset
        )
        more = len(found) > limit
        return Page[NodeOut](
            items=[NodeOut.of(n, lang) for n in found[:limit]],
            limit=limit,
            offset=offset,
            next_offset=offset + limit if more else None,
        )

    params = {"q": q, "type": types, "limit": limit, "offset": offset, "lang": lang}
    return await cache.respond(store, "/entities", params, compute)


class NeighbourOut(NodeOut):
    relation: str
    relation_label: str
    direction: Literal["out", "in"]
    edge_props: dict[str, object]


class EntityOut(NodeOut):
    neighbours: list[NeighbourOut]
    neighbour_count: int


@router.get("/{entity_id:path}", response_model=EntityOut)
async def get_entity(
    store: StoreDep,
    cache: CacheDep,
    entity_id: str,
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
    lang: Lang = "zh",
) -> Response:
    """An entity with its properties, provenance and (up to ``limit``) neighbours."""
    params = {"id": entity_id, "limit": limit, "lang": lang}
    return await cache.respond(
        store,
        "/entities/{id}",
        params,
        lambda: run_in_threadpool(_entity, store, entity_id, limit, lang),
    )


def _entity(store: GraphStore, entity_id: str, limit: int, lang: str) -> EntityOut:
    node = store.get_node(entity_id)
    nbrs = store.neighbours(entity_id, limit=limit)
    return EntityOut(
        **NodeOut.of(node, lang).model_dump(),
        neighbours=[
            NeighbourOut(
                **NodeOut.of(nb.node, lang).model_dump(),
                relation=nb.edge.type,
                relation_label=label(nb.edge.type, lang),
                direction=nb.direction,
                edge_props=dict(nb.edge.props),
            )
            for nb in nbrs
        ],
        neighbour_count=len(nbrs),
    )


class DeletedOut(BaseModel):
    id: str
    deleted: int = Field(description="nodes deleted (1)")
    edges_deleted: int = Field(description="relations removed with it")


@router.delete(
    "/{entity_id:path}",
    response_model=DeletedOut,
    responses={401: {"model": ErrorOut}, 404: {"model": ErrorOut}},
)
async def delete_entity(
    store: StoreDep, key_id: WriteKey, audit: AuditDep, request: Request, entity_id: str
) -> DeletedOut:
    """Delete an entity and its relations (API key required; recorded in the audit log)."""
    store.get_node(entity_id)
    edges = len(store.neighbours(entity_id))
    deleted = store.delete_nodes([entity_id])
    audit.record(
        key_id=key_id,
        route=f"DELETE {request.url.path}",
        outcome="ok",
        source=entity_id,
        counts={"nodes_deleted": deleted, "edges_deleted": edges},
    )
    return DeletedOut(id=entity_id, deleted=deleted, edges_deleted=edges)
