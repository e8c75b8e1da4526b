"""Liveness and store statistics."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from api.deps import StoreDep
from api.schemas import StatsOut
from api.security import require_read_access

router = APIRouter(tags=["health"])


@router.get("/health")
async def health(store: StoreDep) -> dict[str, str | int]:
    """The service is up and its store answers; returns the store's version."""
    return {"status": "ok", "version": store.version}


@router.get("/stats", response_model=StatsOut, dependencies=[Depends(require_read_access)])
async def stats(store: StoreDep) -> StatsOut:
    """Node and edge counts by type."""
    s = store.stats()
    return StatsOut(
        store=store.url.split("@")[-1],
        version=s.version,
        nodes=s.nodes,
        edges=s.edges,
        node_count=s.node_count,
        edge_count=s.edge_count,
    )
