"""``ikg query``: ask any named query from the command line, as a table or JSON."""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer
from rich.table import Table

from api.cli import _store_url, app, console
from api.querying import params_from_pairs
from kg.errors import InvalidInput
from kg.settings import get_settings
from kg.stores import open_store
from queries.registry import QueryContext, get_query, load_all, run_query


@app.command(
    context_settings={"allow_extra_args": True, "ignore_unknown_options": True},
)
def query(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="query name; `ikg query list` shows them all")],
    params: Annotated[
        str | None,
        typer.Option("--params", help='parameters as JSON, e.g. \'{"chain": "chain:汽车零部件"}\''),
    ] = None,
    store: Annotated[str | None, typer.Option("--store", help="store URL")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="print JSON")] = False,
) -> None:
    """Run a named query: `ikg query chain_view --chain chain:汽车零部件` (any `--param value`)."""
    if name == "list":
        _print_registry()
        return
    q = get_query(name)
    given = _pairs(ctx.args)
    values: dict[str, Any] = json.loads(params) if params else {}
    if not isinstance(values, dict):
        raise InvalidInput("--params must be a JSON object")
    values.update(params_from_pairs(q, given))
    s = open_store(_store_url(store))
    try:
        result = run_query(QueryContext(s, get_settings()), name, values)
    finally:
        s.close()
    if as_json:
        print(json.dumps(result.model_dump(mode="json"), ensure_ascii=False, indent=2))
    else:
        print_result(result.model_dump(mode="json"), title=f"{q.zh} · {q.en}")


def _pairs(args: list[str]) -> list[tuple[str, str]]:
    """``--name value`` / ``--name=value`` / ``--flag`` arguments as pairs."""
    out: list[tuple[str, str]] = []
    i = 0
    while i < len(args):
        arg = args[i]
        if not arg.startswith("--"):
            raise InvalidInput(f"unexpected argument {arg!r}; parameters look like --name value")
        key, eq, value = arg[2:].partition("=")
        if not eq:
            if i + 1 < len(args) and not args[i + 1].startswith("--"):
                value, i = args[i + 1], i + 1
            else:
                value = "true"
        out.append((key, value))
        i += 1
    return out


def _print_registry() -> None:
    table = Table("name", "中文", "English", "parameters", title="named queries")
    for name, q in sorted(load_all().items()):
        table.add_row(name, q.zh, q.en, ", ".join(q.params.model_fields))
    console.print(table)


def _cell(value: Any) -> str:
    if isinstance(value, dict | list):
        text = json.dumps(value, ensure_ascii=False)
        return text if len(text) <= 80 else text[:79] + "…"
    return "" if value is None else str(value)


def print_result(data: dict[str, Any], *, title: str) -> None:
    """A result as tables: its scalar fields in one, each list of records in its own."""
    scalars = {k: v for k, v in data.items() if not _is_records(v)}
    if scalars:
        table = Table("field", "value", title=title)
        for key, value in scalars.items():
            table.add_row(key, _cell(value))
        console.print(table)
    for key, rows in data.items():
        if not _is_records(rows):
            continue
        columns = list(dict.fromkeys(c for row in rows for c in row))
        table = Table(*columns, title=f"{key} ({len(rows)})")
        for row in rows:
            table.add_row(*(_cell(row.get(c)) for c in columns))
        console.print(table)


def _is_records(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(v, dict) for v in value)
