"""The query registry over HTTP: what can be asked (names, summaries, parameter schemas) and a
generic way to ask any named query."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field

from api.deps import CacheDep, SettingsDep, StoreDep
from api.querying import answer, params_from_pairs
from api.schemas import Page
from queries.registry import NamedQuery, get_query, load_all

router = APIRouter(prefix="/queries", tags=["queries"])


class QueryInfo(BaseModel):
    """A named query: its name, bilingual summary and the JSON schemas of parameters and result."""

    name: str
    zh: str
    en: str
    params: dict[str, Any] = Field(description="JSON schema of the parameters")
    result: dict[str, Any] = Field(description="JSON schema of the result")


def _known(name: str) -> NamedQuery:
    """The query ``name``, or 404 (an unknown query is a missing resource here)."""
    if name not in load_all():
        raise HTTPException(404, f"no query named {name!r}; known: {', '.join(sorted(load_all()))}")
    return get_query(name)


def _info(name: str) -> QueryInfo:
    q = _known(name)
    return QueryInfo(
        name=q.name,
        zh=q.zh,
        en=q.en,
        params=q.params.model_json_schema(),
        result=q.result.model_json_schema(),
    )


@router.get("", response_model=Page[QueryInfo])
async def list_queries(
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> Page[QueryInfo]:
    """Every named query the API and the CLI can answer."""
    names = sorted(load_all())
    return Page[QueryInfo](
        items=[_info(n) for n in names[offset : offset + limit]],
        limit=limit,
        offset=offset,
        next_offset=offset + limit if offset + limit < len(names) else None,
    )


@router.get("/{name}/schema", response_model=QueryInfo)
async def describe_query(name: str) -> QueryInfo:
    """One query's summary and schemas."""
    return _info(name)


@router.get("/{name}", response_model=dict[str, Any])
async def ask_query(
    name: str, request: Request, store: StoreDep, settings: SettingsDep, cache: CacheDep
) -> Response:
    """Answer query ``name`` with the query-string parameters (``/queries/chain_view?chain=…``);
    repeat a name or separate with commas for list parameters. The typed route of each query
    (``/paths``, ``/chains/{id}`` …) documents the result schema."""
    q = _known(name)
    pairs = [(k, v) for k, v in request.query_params.multi_items() if k != "lang"]
    params = params_from_pairs(q, pairs)
    return await cache.respond(
        store, f"/queries/{name}", params, lambda: answer(store, settings, name, params)
    )
