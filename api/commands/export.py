"""CLI: ``ikg export`` (RDF, GraphML, CSV), ``ikg import-rdf`` and ``ikg validate-rdf``."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from api.cli import StoreOpt, _store_url, app, console, err_console
from kg.errors import InvalidInput
from kg.export import FORMATS, export, write_csv_folder
from kg.rdf import read_rdf
from kg.stores import open_store
from kg.subgraph import Selection


def _split(values: list[str] | None) -> list[str]:
    """Repeated options and comma-separated lists alike: ``--types A,B --types C``."""
    return [x.strip() for v in values or [] for x in v.replace("，", ",").split(",") if x.strip()]


@app.command("export")
def export_command(
    fmt: Annotated[
        str, typer.Option("--format", "-f", help=f"one of {', '.join(FORMATS)}")
    ] = "ttl",
    output: Annotated[
        Path | None,
        typer.Option(
            "--output", "-o", help="file to write (default stdout); for csv a .zip or a folder"
        ),
    ] = None,
    store: StoreOpt = None,
    types: Annotated[
        list[str] | None,
        typer.Option(
            "--types", help="node and/or relation types to keep, e.g. Enterprise,University,APPLIED"
        ),
    ] = None,
    ids: Annotated[
        list[str] | None,
        typer.Option("--ids", help="node ids to keep (with the edges among them)"),
    ] = None,
    year_from: Annotated[
        int | None, typer.Option(help="keep relations and dated nodes from")
    ] = None,
    year_to: Annotated[int | None, typer.Option(help="… up to this year (inclusive)")] = None,
    engine: Annotated[
        str, typer.Option(help="RDF writer: auto, rdflib (pretty) or oxigraph (fast, streaming)")
    ] = "auto",
    zh_headers: Annotated[
        bool, typer.Option("--zh-headers", help="CSV column headers in Chinese")
    ] = False,
    ontology: Annotated[
        bool, typer.Option("--ontology/--no-ontology", help="embed the ontology in RDF exports")
    ] = True,
) -> None:
    """Export the graph or a subgraph: Turtle, JSON-LD, N-Triples, GraphML or CSV."""
    if fmt not in FORMATS:
        raise InvalidInput(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
    if engine not in ("auto", "rdflib", "oxigraph"):
        raise InvalidInput(f"unknown engine {engine!r}; use auto, rdflib or oxigraph")
    selection = Selection.of(_split(ids) or None, _split(types), year_from, year_to)
    s = open_store(_store_url(store))
    try:
        if fmt == "csv" and output is not None and output.suffix.lower() != ".zip":
            if output.suffix and not output.is_dir():
                raise InvalidInput(f"a csv export is a .zip file or a folder, not {output}")
            stats = write_csv_folder(s, output, selection, zh_headers=zh_headers)
        elif output is None:
            stats = export(
                s,
                sys.stdout.buffer,
                fmt,
                selection,
                engine=engine,  # type: ignore[arg-type]
                zh_headers=zh_headers,
                include_ontology=ontology,
            )
            sys.stdout.buffer.flush()
        else:
            output.parent.mkdir(parents=True, exist_ok=True)
            with output.open("wb") as fh:
                stats = export(
                    s,
                    fh,
                    fmt,
                    selection,
                    engine=engine,  # type: ignore[arg-type]
                    zh_headers=zh_headers,
                    include_ontology=ontology,
                )
    finally:
        s.close()
    extra = f", {stats.triples:,} triples via {stats.engine}" if stats.triples is not None else ""
    where = str(output) if output else "stdout"
    err_console.print(f"exported {stats.nodes:,} nodes, {stats.edges:,} edges{extra} → {where}")


def _format_from(path: Path, fmt: str | None) -> str:
    if fmt:
        return fmt
    suffix = path.suffix.lower().lstrip(".")
    if not suffix:
        raise InvalidInput(f"cannot tell the RDF format of {path}; pass --format")
    return suffix


@app.command("import-rdf")
def import_rdf_command(
    file: Annotated[Path, typer.Argument(help="RDF file in the project's ontology", exists=True)],
    fmt: Annotated[
        str | None,
        typer.Option("--format", "-f", help="ttl, nt, jsonld, … (default: from the extension)"),
    ] = None,
    store: StoreOpt = None,
    batch_size: Annotated[int | None, typer.Option(help="records per upsert batch")] = None,
) -> None:
    """Import RDF (e.g. an `ikg export`) into the store: nodes, edges, properties, provenance."""
    s = open_store(_store_url(store))
    try:
        report = read_rdf(s, file, _format_from(file, fmt), batch_size=batch_size)
    finally:
        s.close()
    n, e = report.nodes, report.edges
    console.print(
        f"{report.triples:,} triples: nodes +{n.created} ~{n.updated} ={n.unchanged}, "
        f"edges +{e.created} ~{e.updated} ={e.unchanged}, rejected {report.rejected}"
    )
    for reason in report.reasons[:20]:
        console.print(f"  [yellow]rejected[/yellow] {reason}")
    if report.ignored_predicates:
        top = ", ".join(f"{p} ×{c}" for p, c in report.ignored_predicates.most_common(5))
        console.print(f"  ignored predicates outside the ontology: {top}")
    if report.rejected:
        raise typer.Exit(code=InvalidInput.exit_code)


@app.command("validate-rdf")
def validate_rdf_command(
    file: Annotated[Path, typer.Argument(help="RDF file to check", exists=True)],
    fmt: Annotated[
        str | None,
        typer.Option("--format", "-f", help="ttl, nt or jsonld (default: from the extension)"),
    ] = None,
    lang: Annotated[str, typer.Option(help="report language: zh or en")] = "zh",
) -> None:
    """Check an RDF file against the project's SHACL shapes (kg/shapes.ttl)."""
    from kg.shapes import validate_bytes

    report = validate_bytes(file.read_bytes(), _format_from(file, fmt))
    console.print(report.text(lang), markup=False)
    if not report.conforms:
        raise typer.Exit(code=InvalidInput.exit_code)
