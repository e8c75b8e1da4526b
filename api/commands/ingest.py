"""``ikg ingest``: load source files into a store by their mapping files and print the report."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from api.cli import StoreOpt, _store_url, app, console
from ingest.pipeline import ingest_file, ingest_folder, ingest_mapping
from ingest.plan import mapping_for
from ingest.report import IngestReport
from kg.errors import InvalidInput
from kg.stores import open_store

# Exit code when every file loaded but some rows were rejected (domain errors use 1–6).
EXIT_ROWS_REJECTED = 10
_SHOWN = 20


def print_reports(reports: list[IngestReport]) -> None:
    """The reports as rich tables: one line per file, then rejects, merges and the review list."""
    table = Table(title="ingest 导入报告 (nodes/edges: created / updated / unchanged)")
    table.add_column("file", no_wrap=True)
    for name in ("rows", "loaded", "rejected", "nodes", "edges", "merges", "review"):
        table.add_column(name, justify="right", no_wrap=True)
    for r in reports:
        n, e = r.nodes, r.edges
        table.add_row(
            r.file,
            str(r.rows_read),
            str(r.rows_accepted),
            f"[red]{r.rows_rejected}[/red]" if r.rows_rejected else "0",
            f"{n.created}/{n.updated}/{n.unchanged}",
            f"{e.created}/{e.updated}/{e.unchanged}",
            str(len(r.merges)),
            str(len(r.review)),
        )
    console.print(table)
    rejects = [x for r in reports for x in r.rejects]
    if rejects:
        t = Table(
            "file", "row", "field", "reason", title=f"rejected rows 拒绝的行 ({len(rejects)})"
        )
        for x in rejects[:_SHOWN]:
            t.add_row(x.file, str(x.row), x.field, x.reason)
        console.print(t)
    merges = [m for r in reports for m in r.merges]
    if merges:
        t = Table("input", "→ id", "name", "rule", title=f"merges 合并 ({len(merges)})")
        for m in merges[:_SHOWN]:
            t.add_row(m.input, m.id, m.name, m.rule)
        console.print(t)
    review = [(r.file, i) for r in reports for i in r.review]
    if review:
        t = Table(
            "file", "row", "input", "kept as", "looks like", title=f"review 待复核 ({len(review)})"
        )
        for file, item in review[:_SHOWN]:
            alike = "; ".join(f"{c.name} ({c.score:.0f})" for c in item.candidates)
            t.add_row(file, str(item.row), item.input, item.kept_as or "(rejected)", alike)
        console.print(t)
    for r in reports:
        if r.replaced is not None:
            gone = r.replaced
            console.print(
                f"{r.file}: replaced earlier versions: removed {gone.nodes_removed} nodes and "
                f"{gone.edges_removed} edges that only they stated; kept {gone.kept} that another "
                "source also states"
            )
    for r in reports:
        for w in r.warnings:
            console.print(f"[yellow]warning[/yellow] {r.file}: {w}")


@app.command()
def ingest(
    source: Annotated[
        Path,
        typer.Argument(
            help="a mapping file (.yaml naming its source file), a folder of them, or a data "
            "file (CSV/XLSX/JSON…) read by --mapping, a .yaml beside it or the shipped mapping "
            "of its name"
        ),
    ],
    store: StoreOpt = None,
    rejects: Annotated[
        Path | None, typer.Option("--rejects", help="write rejected rows to this CSV")
    ] = None,
    batch_size: Annotated[
        int | None, typer.Option(help="rows per write batch (default: KG_BATCH_SIZE)")
    ] = None,
    progress: Annotated[
        bool, typer.Option("--progress/--no-progress", help="show a progress bar")
    ] = sys.stderr.isatty(),
    review: Annotated[
        Path | None,
        typer.Option(
            "--review",
            help="write every look-alike left for review to this CSV (mark 是 on a line, save "
            "the file as 别名*.csv in the source folder: the next ingest merges it)",
        ),
    ] = None,
    mapping: Annotated[
        str | None,
        typer.Option(
            "--mapping",
            help="for a data file: a mapping YAML or a shipped mapping's name (规上企业名录, "
            "专利清单 …)",
        ),
    ] = None,
    replace: Annotated[
        bool,
        typer.Option(
            "--replace",
            help="each file replaces the earlier versions of its source: what only they stated "
            "(a firm no longer on the list, its edges) is removed",
        ),
    ] = False,
) -> None:
    """Ingest source files by their mapping(s); exit 10 if any row was rejected."""
    s = open_store(_store_url(store))
    try:
        options = {
            "batch_size": batch_size,
            "rejects_path": rejects,
            "progress": progress,
            "review_path": review,
            "replace": replace,
        }
        if source.is_dir():
            if mapping is not None:
                raise InvalidInput("--mapping is for a data file, not a folder of mappings")
            reports = ingest_folder(s, source, **options)  # type: ignore[arg-type]
        elif source.suffix.lower() in (".yaml", ".yml") and mapping is None:
            reports = [ingest_mapping(s, source, **options)]
        else:
            chosen = mapping_for(source, mapping)
            reports = [ingest_file(s, source, chosen, **options)]  # type: ignore[arg-type]
    finally:
        s.close()
    print_reports(reports)
    if review is not None and any(r.review for r in reports):
        console.print(f"look-alikes to review written to {review}")
    if any(not r.ok for r in reports):
        if rejects is not None:
            console.print(f"rejected rows written to {rejects}")
        raise typer.Exit(EXIT_ROWS_REJECTED)


@app.command()
def generate(
    out: Annotated[Path, typer.Option("--out", help="folder to write the source files into")],
    scale: Annotated[float, typer.Option(help="size multiplier (1 = ~650 enterprises)")] = 1.0,
    seed: Annotated[int, typer.Option(help="random seed: same seed, same files")] = 7,
) -> None:
    """Write a synthetic county's source files and mappings (ingest them with `ikg ingest`)."""
    from ingest.synthetic import generate as write_county

    paths = write_county(out, scale=scale, seed=seed)
    console.print(f"wrote {len(paths)} files (synthetic 合成数据) to {out}")
