"""A named query registered only for the API tests, over the tiny graph (tests/conftest.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from pydantic import BaseModel, Field

from kg.errors import EntityNotFound
from queries.registry import REGISTRY, QueryContext, named_query


class NeighbourParams(BaseModel):
    entity: str = Field(description="entity id")
    types: list[str] = Field(default_factory=list, description="only these node types")
    limit: int = Field(10, ge=1, le=50)


class NeighbourNames(BaseModel):
    names: list[str]


@pytest.fixture
def neighbour_query() -> Iterator[str]:
    @named_query(
        "neighbour_names", params=NeighbourParams, result=NeighbourNames, zh="邻居", en="neighbours"
    )
    def _run(ctx: QueryContext, p: NeighbourParams) -> NeighbourNames:
        g = ctx.graph()
        if p.entity not in g:
            raise EntityNotFound(f"no entity with id {p.entity!r}")
        found = set(g.successors(p.entity)) | set(g.predecessors(p.entity))
        keep = [n for n in found if not p.types or g.nodes[n]["type"] in p.types]
        return NeighbourNames(names=sorted(g.nodes[n]["name"] for n in keep)[: p.limit])

    yield "neighbour_names"
    REGISTRY.pop("neighbour_names", None)
