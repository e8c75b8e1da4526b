"""Named queries as HTTP routes: typed parameters taken from each query's pydantic model, the
query's result model as the response model, answers computed off the event loop and cached by
store version (``queries.registry.run_query``)."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Annotated, Any, Literal, get_args, get_origin

from fastapi import APIRouter, Path, Query
from fastapi.responses import Response
from pydantic import BaseModel, Field, create_model
from starlette.concurrency import run_in_threadpool

from api.deps import CacheDep, SettingsDep, StoreDep
from kg.settings import Settings
from kg.stores.base import GraphStore
from queries.registry import NamedQuery, QueryContext, get_query, run_query


async def answer(
    store: GraphStore, settings: Settings, name: str, params: Mapping[str, Any] | BaseModel
) -> BaseModel:
    """Run the named query in a worker thread (queries are CPU-bound) and return its result."""
    ctx = QueryContext(store, settings)
    return await run_in_threadpool(run_query, ctx, name, params)


def is_list_field(q: NamedQuery, field: str) -> bool:
    """Whether parameter ``field`` of ``q`` takes a list (so one value must become ``[value]``)."""
    info = q.params.model_fields.get(field)
    if info is None:
        return False
    ann = info.annotation
    for t in (ann, *get_args(ann)):
        if get_origin(t) in (list, tuple, set, frozenset, Sequence):
            return True
    return False


def params_from_pairs(q: NamedQuery, pairs: Iterable[tuple[str, str]]) -> dict[str, Any]:
    """Parameters for ``q`` from (name, value) text pairs, as given in a query string or on the
    command line; repeated or list-typed names collect into lists. Values stay text: the
    query's model validates and converts them."""
    out: dict[str, Any] = {}
    for key, value in pairs:
        key = key.replace("-", "_")
        if is_list_field(q, key):
            out.setdefault(key, []).extend(v for v in value.split(",") if v)
        elif key in out:
            prev = out[key]
            out[key] = [*prev, value] if isinstance(prev, list) else [prev, value]
        else:
            out[key] = value
    return out


def expose(
    router: APIRouter,
    path: str,
    name: str,
    *,
    path_params: Mapping[str, str] | None = None,
    summary: str | None = None,
    paginate: str | None = None,
) -> Callable[..., Any]:
    """Add ``GET path`` answering query ``name``: each field of its parameter model becomes a
    typed query parameter (or the path parameter named in ``path_params``: url name → field),
    its result model the response model, so the OpenAPI document describes both.

    ``paginate`` names a list field of the result to page through with ``limit``/``offset``;
    the response then also carries ``limit``, ``offset``, ``next_offset`` and ``total``."""
    q = get_query(name)
    response_model: type[BaseModel] = q.result if paginate is None else paged_model(q.result)
    in_path = dict(path_params or {})
    params: list[inspect.Parameter] = [
        inspect.Parameter("store", inspect.Parameter.KEYWORD_ONLY, annotation=StoreDep),
        inspect.Parameter("settings", inspect.Parameter.KEYWORD_ONLY, annotation=SettingsDep),
        inspect.Parameter("cache", inspect.Parameter.KEYWORD_ONLY, annotation=CacheDep),
    ]
    url_of = {field: url for url, field in in_path.items()}
    for field, info in q.params.model_fields.items():
        url_name = url_of.get(field, field)
        default = (
            inspect.Parameter.empty
            if info.is_required()
            else info.get_default(call_default_factory=True)
        )
        choices = get_args(info.annotation) if _from_text(info.annotation) is int else ()
        extra = {"enum": list(choices)} if choices else None
        marker: Any = (
            Path(description=info.description)
            if field in url_of
            else Query(description=info.description, json_schema_extra=extra)
        )
        params.append(
            inspect.Parameter(
                url_name,
                inspect.Parameter.KEYWORD_ONLY,
                # the field's constraints (ge, le, …) travel with it into OpenAPI
                annotation=Annotated[(_from_text(info.annotation), *info.metadata, marker)],
                default=default,
            )
        )

    if paginate is not None:
        params += [
            inspect.Parameter(
                "limit",
                inspect.Parameter.KEYWORD_ONLY,
                annotation=Annotated[int, Query(ge=1, le=500)],
                default=50,
            ),
            inspect.Parameter(
                "offset",
                inspect.Parameter.KEYWORD_ONLY,
                annotation=Annotated[int, Query(ge=0)],
                default=0,
            ),
        ]

    async def endpoint(**kwargs: Any) -> Response:
        store, settings, cache = kwargs.pop("store"), kwargs.pop("settings"), kwargs.pop("cache")
        limit, offset = kwargs.pop("limit", None), kwargs.pop("offset", None)
        values = {in_path.get(k, k): v for k, v in kwargs.items()}

        async def compute() -> BaseModel:
            result = await answer(store, settings, name, values)
            if paginate is None or limit is None or offset is None:
                return result
            return page_of(result, response_model, paginate, limit, offset)

        page = {"limit": limit, "offset": offset} if paginate is not None else {}
        return await cache.respond(store, path, {**values, **page}, compute)

    endpoint.__signature__ = inspect.Signature(params)  # type: ignore[attr-defined]
    endpoint.__name__ = name
    router.add_api_route(
        path,
        endpoint,
        methods=["GET"],
        response_model=response_model,
        summary=summary or f"{q.zh} · {q.en}",
        description=f"{q.zh}\n\n{q.en}\n\nNamed query `{name}`; cached by store version.",
        name=name,
    )
    return endpoint


def _from_text(annotation: Any) -> Any:
    """An annotation a query string can satisfy: ``Literal[1, 2]`` becomes ``int`` (text "2" is
    no literal 2; the query's own model still checks the value)."""
    if get_origin(annotation) is Literal and all(type(a) is int for a in get_args(annotation)):
        return int  # the choices travel as the parameter's enum in OpenAPI
    return annotation


def paged_model(result: type[BaseModel]) -> type[BaseModel]:
    """``result`` plus the page fields of every paginated list in the API."""
    return create_model(
        f"{result.__name__}Page",
        __base__=result,
        limit=(int, ...),
        offset=(int, ...),
        next_offset=(int | None, Field(description="offset of the next page, or null on the last")),
        total=(int, Field(description="items in the whole list")),
    )


def page_of(
    result: BaseModel, model: type[BaseModel], field: str, limit: int, offset: int
) -> BaseModel:
    """One page of ``result``'s list ``field``."""
    items = list(getattr(result, field))
    data = {k: getattr(result, k) for k in type(result).model_fields}
    data[field] = items[offset : offset + limit]
    return model(
        **data,
        limit=limit,
        offset=offset,
        next_offset=offset + limit if offset + limit < len(items) else None,
        total=len(items),
    )
