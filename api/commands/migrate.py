"""``ikg migrate``: copy a store into another one, e.g. the embedded SQLite file into Neo4j."""

from __future__ import annotations

from typing import Annotated

import typer

from api.cli import _store_url, app, console
from kg.settings import get_settings
from kg.stores import open_store
from kg.stores.base import UpsertResult
from kg.stores.transfer import copy_store


@app.command()
def migrate(
    to: Annotated[
        str, typer.Option("--to", help="target store URL, e.g. neo4j://neo4j:secret@localhost:7687")
    ],
    source: Annotated[
        str | None,
        typer.Option("--from", help="source store URL (default: KG_STORE)"),
    ] = None,
    batch_size: Annotated[
        int | None, typer.Option(help="records per batch (default: KG_NEO4J_BATCH_SIZE)")
    ] = None,
) -> None:
    """Copy every node, then every edge, from one store into another (re-running changes nothing)."""
    src = open_store(_store_url(source))
    dst = open_store(to)
    size = batch_size or get_settings().neo4j_batch_size

    def report(kind: str, done: UpsertResult) -> None:
        console.print(f"  {kind}: +{done.created} ~{done.updated} ={done.unchanged}")

    try:
        console.print(f"migrating {src.url} → {dst.url} in batches of {size}")
        nodes, edges = copy_store(src, dst, batch_size=size, on_batch=report)
    finally:
        src.close()
        dst.close()
    console.print(
        f"done: nodes +{nodes.created} ~{nodes.updated} ={nodes.unchanged}, "
        f"edges +{edges.created} ~{edges.updated} ={edges.unchanged}"
    )
