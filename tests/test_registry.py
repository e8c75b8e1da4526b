"""The query registry: validation errors are clear, results are cached by store version."""

from __future__ import annotations

import pytest
from pydantic import BaseModel

from kg.errors import InvalidInput
from kg.model import Node
from kg.stores.base import GraphStore
from queries.registry import REGISTRY, QueryContext, named_query, run_query


class CountParams(BaseModel):
    type: str


class CountResult(BaseModel):
    count: int


def test_registry_validates_and_caches(tiny: GraphStore) -> None:
    calls: list[str] = []
    if "test_count" not in REGISTRY:

        @named_query("test_count", params=CountParams, result=CountResult, zh="计数", en="count")
        def _count(ctx: QueryContext, p: CountParams) -> CountResult:
            calls.append(p.type)
            g = ctx.graph()
            return CountResult(count=sum(1 for _, t in g.nodes(data="type") if t == p.type))

    ctx = QueryContext(tiny)
    try:
        assert run_query(ctx, "test_count", {"type": "Enterprise"}) == CountResult(count=2)
        assert run_query(ctx, "test_count", {"type": "Enterprise"}) == CountResult(count=2)
        assert len(calls) == 1  # second answer came from the cache
        tiny.upsert_nodes([Node("enterprise:丙", "Enterprise", "丙公司")])
        assert run_query(ctx, "test_count", {"type": "Enterprise"}) == CountResult(count=3)
        with pytest.raises(InvalidInput, match="test_count: type"):
            run_query(ctx, "test_count", {})
        with pytest.raises(InvalidInput, match="no query named"):
            run_query(ctx, "nope", {})
    finally:
        REGISTRY.pop("test_count", None)
