"""``ikg viz``: save a network view as one HTML file that works offline (scripts inlined)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from api.cli import _store_url, app, console
from api.viz.render import Visual
from kg.settings import get_settings
from kg.stores import open_store

viz = typer.Typer(help="Save a network view as a standalone HTML file (works offline).")
app.add_typer(viz, name="viz")

Out = Annotated[Path, typer.Option("-o", "--output", help="HTML file to write")]
Store = Annotated[str | None, typer.Option("--store", help="store URL")]
Lang = Annotated[str, typer.Option("--lang", help="zh or en")]
Link = Annotated[
    str,
    typer.Option(
        "--link", help="where a click on a node leads (the entity pages of a running app)"
    ),
]
LINK = "http://127.0.0.1:8000/ui/entities/"


def _write(visual: Visual, out: Path, link: str) -> None:
    visual.save(out, entity_url=link)
    console.print(f"wrote {out} ({len(visual.nodes)} nodes, {len(visual.edges)} edges)")


@viz.command("chain")
def chain_cmd(
    chain: Annotated[str, typer.Argument(help="chain id, e.g. chain:汽车零部件")],
    output: Out = Path("chain.html"),
    store: Store = None,
    lang: Lang = "zh",
    link: Link = LINK,
) -> None:
    """A chain upstream → downstream, leaders emphasised and sized by influence."""
    from api.viz.scenes import chain_scene

    s = open_store(_store_url(store))
    try:
        _write(chain_scene(s, chain, lang=lang, settings=get_settings()), output, link)
    finally:
        s.close()


@viz.command("ego")
def ego_cmd(
    entity: Annotated[str, typer.Argument(help="entity id, e.g. university:浙江大学")],
    output: Out = Path("ego.html"),
    hops: Annotated[int, typer.Option(min=1, max=2, help="1 or 2 steps")] = 1,
    types: Annotated[
        list[str] | None, typer.Option("--type", help="only these node types (repeatable)")
    ] = None,
    limit: Annotated[int, typer.Option(min=1, max=2000, help="at most this many nodes")] = 200,
    store: Store = None,
    lang: Lang = "zh",
    link: Link = LINK,
) -> None:
    """An entity and its neighbours within one or two steps."""
    from api.viz.scenes import ego_scene

    s = open_store(_store_url(store))
    try:
        visual = ego_scene(
            s, entity, hops=hops, types=types, limit=limit, lang=lang, settings=get_settings()
        )
        _write(visual, output, link)
    finally:
        s.close()


@viz.command("path")
def path_cmd(
    source: Annotated[str, typer.Argument(help="id, name or alias, e.g. 万丰奥威")],
    target: Annotated[str, typer.Argument(help="id, name or alias, e.g. 浙江大学")],
    output: Out = Path("path.html"),
    k: Annotated[int, typer.Option(min=1, max=10, help="how many paths")] = 3,
    max_hops: Annotated[int, typer.Option(min=1, max=8, help="longest path, in hops")] = 5,
    store: Store = None,
    lang: Lang = "zh",
    link: Link = LINK,
) -> None:
    """The collaboration paths between two entities."""
    from api.viz.scenes import path_scene

    s = open_store(_store_url(store))
    try:
        visual = path_scene(
            s, source, target, k=k, max_hops=max_hops, lang=lang, settings=get_settings()
        )
        _write(visual, output, link)
    finally:
        s.close()


@viz.command("communities")
def communities_cmd(
    output: Out = Path("communities.html"),
    scope: Annotated[str | None, typer.Option(help="a chain or region; default the county")] = None,
    store: Store = None,
    lang: Lang = "zh",
    link: Link = LINK,
) -> None:
    """The communities of the county (or of a chain or region)."""
    from api.viz.scenes import communities_scene

    s = open_store(_store_url(store))
    try:
        _write(communities_scene(s, scope=scope, lang=lang, settings=get_settings()), output, link)
    finally:
        s.close()
