"""The ``ikg`` command line: a thin layer over the library that turns domain errors into clear
messages and exit codes."""

from __future__ import annotations

import json
import sys
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from kg.errors import KGError
from kg.settings import get_settings
from kg.stores import open_store

app = typer.Typer(
    help="innovation-kg: 区域创新生态知识图谱 · regional innovation-ecosystem knowledge graph.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
console = Console()
err_console = Console(stderr=True)

StoreOpt = Annotated[
    str | None,
    typer.Option("--store", help="store URL (default: KG_STORE or sqlite:///data/kg.sqlite)"),
]


def _store_url(store: str | None) -> str:
    return store or get_settings().store


@app.command()
def serve(
    store: StoreOpt = None,
    host: Annotated[str, typer.Option(help="interface to bind")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="port to listen on")] = 8000,
) -> None:
    """Serve the API and dashboard."""
    import uvicorn

    from api.app import create_app

    settings = get_settings().model_copy(update={"store": _store_url(store)})
    console.print(f"serving {settings.store} on http://{host}:{port}")
    uvicorn.run(create_app(settings), host=host, port=port, log_level="info")


@app.command()
def demo(
    store: Annotated[
        str, typer.Option("--store", help="where to build the demo")
    ] = "sqlite:///data/demo.sqlite",
    serve_after: Annotated[
        bool, typer.Option("--serve/--no-serve", help="serve it afterwards")
    ] = True,
    host: Annotated[str, typer.Option(help="interface to bind")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="port to listen on")] = 8000,
) -> None:
    """Build the synthetic demo county into a store, then serve it."""
    from api.commands.ingest import print_reports
    from ingest.demo import build_demo, demo_source_for

    s = open_store(store)
    source = demo_source_for(store)
    try:
        reports = build_demo(s, source)
    finally:
        s.close()
    print_reports(reports)
    console.print(f"demo graph ([bold]synthetic 合成数据[/bold]) in {store}, sources in {source}")
    if serve_after:
        serve(store=store, host=host, port=port)


@app.command()
def stats(store: StoreOpt = None) -> None:
    """Node and edge counts by type."""
    s = open_store(_store_url(store)).stats()
    table = Table("type", "count", title=f"version {s.version}")
    for name, count in sorted(s.nodes.items()):
        table.add_row(name, str(count))
    for name, count in sorted(s.edges.items()):
        table.add_row(name, str(count))
    console.print(table)


@app.command()
def search(
    text: Annotated[str, typer.Argument(help="any part of a name, alias or id, e.g. 万丰")],
    store: StoreOpt = None,
    limit: Annotated[int, typer.Option(help="how many results")] = 20,
    as_json: Annotated[bool, typer.Option("--json", help="print JSON")] = False,
) -> None:
    """Search entities by a Chinese substring."""
    found = open_store(_store_url(store)).search(text, limit=limit)
    if as_json:
        print(
            json.dumps(
                [{"id": n.id, "type": n.type, "name": n.name} for n in found], ensure_ascii=False
            )
        )
        return
    table = Table("id", "type", "name")
    for n in found:
        table.add_row(n.id, n.type, n.name)
    console.print(table)


def _load_commands() -> None:
    """Import every module of ``api.commands`` so each adds its commands to ``app``."""
    import importlib
    import pkgutil

    import api.commands

    for mod in pkgutil.iter_modules(api.commands.__path__):
        importlib.import_module(f"api.commands.{mod.name}")


_load_commands()


def main() -> None:
    """Entry point: run the CLI, mapping domain errors to a message and an exit code."""
    try:
        app()
    except KGError as exc:
        err_console.print(f"[red]error[/red] ({exc.code}): {exc.message}")
        sys.exit(exc.exit_code)
