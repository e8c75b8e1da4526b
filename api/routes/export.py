"""Download the graph, or part of it: Turtle, JSON-LD, N-Triples, GraphML or a zip of CSV tables.

The same writers as ``ikg export`` (:mod:`kg.export`); the file is written in a worker thread into
a spooled temporary file (memory up to 32 MB, then disk) and streamed back in 1 MB chunks.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from typing import Annotated, BinaryIO, Literal, cast
from urllib.parse import quote

from fastapi import APIRouter, Query
from fastapi.responses import StreamingResponse
from starlette.concurrency import run_in_threadpool

from api.deps import StoreDep
from api.schemas import ErrorOut
from kg.export import EXTENSIONS, MEDIA_TYPES, ExportStats, export
from kg.stores.base import GraphStore
from kg.subgraph import Selection

router = APIRouter(tags=["export"])

_SPOOL = 32 * 2**20
_CHUNK = 2**20


def _write(
    store: GraphStore, fmt: str, selection: Selection, zh_headers: bool
) -> tuple[BinaryIO, ExportStats]:
    buf = cast(BinaryIO, tempfile.SpooledTemporaryFile(max_size=_SPOOL))  # noqa: SIM115 - closed by _chunks
    try:
        stats = export(store, buf, fmt, selection, zh_headers=zh_headers)
    except BaseException:
        buf.close()
        raise
    buf.seek(0)
    return buf, stats


def _chunks(buf: BinaryIO) -> Iterator[bytes]:
    try:
        while chunk := buf.read(_CHUNK):
            yield chunk
    finally:
        buf.close()


@router.get(
    "/export",
    response_class=StreamingResponse,
    responses={
        200: {
            "description": "the file, as an attachment",
            "content": {media: {} for media in sorted(set(MEDIA_TYPES.values()))},
        },
        422: {"model": ErrorOut, "description": "unknown format or type, bad year window"},
        404: {"model": ErrorOut, "description": "an id in `ids` does not exist"},
    },
)
async def export_graph(
    store: StoreDep,
    format: Literal["ttl", "jsonld", "nt", "graphml", "csv"] = "ttl",
    ids: Annotated[
        list[str] | None,
        Query(max_length=1000, description="only these entities and the relations among them"),
    ] = None,
    types: Annotated[
        list[str] | None,
        Query(max_length=100, description="node and/or relation type names to keep"),
    ] = None,
    year_from: Annotated[int | None, Query(ge=1900, le=2100)] = None,
    year_to: Annotated[int | None, Query(ge=1900, le=2100)] = None,
    zh_headers: Annotated[bool, Query(description="CSV: Chinese column headers")] = False,
) -> StreamingResponse:
    """导出图谱（全部或按实体、类型、年份筛选）：Turtle、JSON-LD、N-Triples、GraphML 或 CSV 压缩包。

    Export the graph or a selection of it; RDF conforms to the ontology and SHACL shapes in
    ``kg/ontology.ttl`` / ``kg/shapes.ttl``; CSV is UTF-8 with a BOM so Excel shows Chinese."""
    selection = Selection.of(ids or None, types or None, year_from, year_to)
    buf, stats = await run_in_threadpool(_write, store, format, selection, zh_headers)
    name = f"innovation-kg{EXTENSIONS[format]}"
    headers = {
        "Content-Disposition": f"attachment; filename*=UTF-8''{quote(name)}",
        "X-Export-Nodes": str(stats.nodes),
        "X-Export-Edges": str(stats.edges),
    }
    return StreamingResponse(_chunks(buf), media_type=MEDIA_TYPES[format], headers=headers)
