"""Export the graph, or a selection of it, to a binary stream: RDF (Turtle, JSON-LD, N-Triples; see
:mod:`kg.rdf`), GraphML (for Gephi, yEd, networkx) and CSV tables (a zip of ``nodes.csv`` and
``edges.csv``, UTF-8 with a BOM so Excel shows Chinese, headers optionally in Chinese).

Every writer takes a file-like object, so the CLI writes files and the API streams responses.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, BinaryIO, Literal

import networkx as nx
import orjson

from kg import vocab as v
from kg.errors import EntityNotFound, InvalidInput
from kg.model import Edge, Node, Provenance
from kg.projection import project
from kg.rdf import RDF_FORMATS, Engine, write_rdf
from kg.schema import NODE_TYPES, RELATIONS, label
from kg.stores.base import GraphStore
from kg.subgraph import Selection

ExportFormat = Literal["ttl", "jsonld", "nt", "graphml", "csv"]
FORMATS: tuple[ExportFormat, ...] = ("ttl", "jsonld", "nt", "graphml", "csv")
MEDIA_TYPES: dict[str, str] = {
    "ttl": "text/turtle; charset=utf-8",
    "jsonld": "application/ld+json",
    "nt": "application/n-triples",
    "graphml": "application/graphml+xml",
    "csv": "application/zip",
}
EXTENSIONS: dict[str, str] = {
    "ttl": ".ttl",
    "jsonld": ".jsonld",
    "nt": ".nt",
    "graphml": ".graphml",
    "csv": ".zip",
}
LIST_SEPARATOR = "；"  # what ingest mappings split multi-valued cells on

_NODE_HEADERS_ZH = {
    "id": "编号",
    "type": "类型",
    "type_label": "类型名称",
    "name": "名称",
    "aliases": "别名",
    "extra": "其他属性",
    "provenance": "来源",
}
_EDGE_HEADERS_ZH = {
    "source": "起点",
    "type": "关系",
    "type_label": "关系名称",
    "target": "终点",
    "key": "键",
    "extra": "其他属性",
    "provenance": "来源",
}


@dataclass(frozen=True)
class ExportStats:
    """What an export wrote; ``triples`` and ``engine`` for RDF only."""

    format: str
    nodes: int
    edges: int
    triples: int | None = None
    engine: str | None = None


def _json(value: Any) -> str:
    return orjson.dumps(value).decode()


# -- GraphML ---------------------------------------------------------------------------------------
def _graphml_attrs(data: dict[str, Any], kinds: dict[str, str]) -> dict[str, Any]:
    """GraphML holds scalars only: lists become JSON, ``None`` is left out, declared floats stay
    floats (so a key keeps one type across elements)."""
    out: dict[str, Any] = {}
    for key, value in data.items():
        if value is None:
            continue
        if isinstance(value, list | tuple):
            out[key] = _json(list(value))
        elif kinds.get(key) == "float" and isinstance(value, int) and not isinstance(value, bool):
            out[key] = float(value)
        else:
            out[key] = value
    return out


def write_graphml(
    store: GraphStore, out: BinaryIO, selection: Selection | None = None
) -> ExportStats:
    """The projection of ``selection`` as GraphML; node and edge types are attributes."""
    sel = selection or Selection()
    g = project(store, sel.window)
    if sel.ids is not None:
        absent = sorted(i for i in sel.ids if i not in g)
        absent = sorted(set(absent) - store.get_nodes(absent).keys()) if absent else []
        if absent:  # ids the window leaves out are fine; ids the store lacks are not
            raise EntityNotFound(f"no entity with id {', '.join(map(repr, absent[:10]))}")
        g = g.subgraph(sel.ids & set(g.nodes))
    h = nx.MultiDiGraph(name="innovation-kg", ontology=v.ONTOLOGY_IRI)
    synthetic = False
    for n, data in g.nodes(data=True):
        synthetic = synthetic or bool(data.get("synthetic"))
        attrs = _graphml_attrs(data, v.property_kinds(data["type"]))
        attrs["type_label"] = label(data["type"], "zh")
        h.add_node(n, **attrs)
    for a, b, k, data in g.edges(keys=True, data=True):
        attrs = _graphml_attrs(data, v.property_kinds(data["type"]))
        h.add_edge(a, b, key=k, **attrs)
    if synthetic:
        h.graph["note"] = "包含合成数据（synthetic）/ contains synthetic data"
    nx.write_graphml_xml(h, out, encoding="utf-8")
    return ExportStats("graphml", h.number_of_nodes(), h.number_of_edges())


# -- CSV -------------------------------------------------------------------------------------------
def _columns(owners: Iterable[str], specs: dict[str, Any]) -> list[tuple[str, str]]:
    """(property name, Chinese label) of the declared properties of ``owners``, first label wins."""
    cols: dict[str, str] = {}
    for owner in owners:
        for p in specs[owner].properties:
            cols.setdefault(p.name, p.zh)
    return list(cols.items())


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple):
        return LIST_SEPARATOR.join(_cell(x) for x in value)
    return str(value)


def _prov_cell(prov: tuple[Provenance, ...]) -> str:
    return _json([[p.source, p.file_sha256, p.row, p.ingested_at] for p in prov]) if prov else ""


def _headers(
    fixed: list[str], props: list[tuple[str, str]], zh: dict[str, str] | None
) -> list[str]:
    if zh is None:
        return [*fixed[:-2], *(name for name, _ in props), *fixed[-2:]]
    heads = [zh[f] for f in fixed[:-2]]
    for name, zh_label in props:
        heads.append(zh_label if zh_label not in heads else f"{zh_label}（{name}）")
    return [*heads, *(zh[f] for f in fixed[-2:])]


def write_node_table(
    store: GraphStore, out: IO[str], selection: Selection, *, zh_headers: bool = False
) -> tuple[int, set[str] | None]:
    """Write ``nodes.csv`` of ``selection``; returns the row count and the ids kept (``None``:
    every node) for :func:`write_edge_table`.

    Columns: id, type, its label, name, aliases, one per declared property of the selected types,
    ``extra`` (undeclared properties as JSON) and ``provenance`` (JSON records). Lists are joined
    with ``；`` as the ingest mappings split them.
    """
    w = selection.window
    cols = _columns(sorted(w.node_types) if w.node_types else NODE_TYPES, NODE_TYPES)
    fixed = ["id", "type", "type_label", "name", "aliases", "extra", "provenance"]
    writer = csv.writer(out)
    writer.writerow(_headers(fixed, cols, _NODE_HEADERS_ZH if zh_headers else None))
    declared = {name for name, _ in cols}
    kept: set[str] | None = None if selection.is_everything else set()
    count = 0
    for n in selection.nodes(store):
        count += 1
        if kept is not None:
            kept.add(n.id)
        writer.writerow(_node_row(n, cols, declared))
    return count, kept


def write_edge_table(
    store: GraphStore,
    out: IO[str],
    selection: Selection,
    kept: set[str] | None,
    *,
    zh_headers: bool = False,
) -> int:
    """Write ``edges.csv``: source, type, its label, target, key, declared properties, extra,
    provenance."""
    w = selection.window
    cols = _columns(sorted(w.rel_types) if w.rel_types else RELATIONS, RELATIONS)
    fixed = ["source", "type", "type_label", "target", "key", "extra", "provenance"]
    writer = csv.writer(out)
    writer.writerow(_headers(fixed, cols, _EDGE_HEADERS_ZH if zh_headers else None))
    declared = {name for name, _ in cols}
    count = 0
    for e in selection.edges(store, kept):
        count += 1
        writer.writerow(_edge_row(e, cols, declared))
    return count


def _extra(props: dict[str, Any], declared: set[str]) -> str:
    rest = {k: x for k, x in props.items() if k not in declared and x is not None}
    return _json(rest) if rest else ""


def _node_row(n: Node, cols: list[tuple[str, str]], declared: set[str]) -> list[str]:
    props = dict(n.props)
    return [
        n.id,
        n.type,
        label(n.type, "zh"),
        n.name,
        LIST_SEPARATOR.join(n.aliases),
        *(_cell(props.get(name)) for name, _ in cols),
        _extra(props, declared),
        _prov_cell(n.provenance),
    ]


def _edge_row(e: Edge, cols: list[tuple[str, str]], declared: set[str]) -> list[str]:
    props = dict(e.props)
    return [
        e.source,
        e.type,
        label(e.type, "zh"),
        e.target,
        e.key,
        *(_cell(props.get(name)) for name, _ in cols),
        _extra(props, declared),
        _prov_cell(e.provenance),
    ]


def write_csv_zip(
    store: GraphStore,
    out: BinaryIO,
    selection: Selection | None = None,
    *,
    zh_headers: bool = False,
) -> ExportStats:
    """``nodes.csv`` and ``edges.csv`` (UTF-8 with BOM) in a zip written to ``out`` as it goes."""
    sel = selection or Selection()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        with (
            zf.open("nodes.csv", "w", force_zip64=True) as raw,
            io.TextIOWrapper(raw, encoding="utf-8-sig", newline="") as text,
        ):
            nodes, kept = write_node_table(store, text, sel, zh_headers=zh_headers)
        with (
            zf.open("edges.csv", "w", force_zip64=True) as raw,
            io.TextIOWrapper(raw, encoding="utf-8-sig", newline="") as text,
        ):
            edges = write_edge_table(store, text, sel, kept, zh_headers=zh_headers)
    return ExportStats("csv", nodes, edges)


def write_csv_folder(
    store: GraphStore, folder: Path, selection: Selection | None = None, *, zh_headers: bool = False
) -> ExportStats:
    """``nodes.csv`` and ``edges.csv`` (UTF-8 with BOM) in ``folder``."""
    sel = selection or Selection()
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / "nodes.csv").open("w", encoding="utf-8-sig", newline="") as text:
        nodes, kept = write_node_table(store, text, sel, zh_headers=zh_headers)
    with (folder / "edges.csv").open("w", encoding="utf-8-sig", newline="") as text:
        edges = write_edge_table(store, text, sel, kept, zh_headers=zh_headers)
    return ExportStats("csv", nodes, edges)


def export(
    store: GraphStore,
    out: BinaryIO,
    fmt: str,
    selection: Selection | None = None,
    *,
    engine: Engine = "auto",
    zh_headers: bool = False,
    include_ontology: bool = True,
    base: str | None = None,
) -> ExportStats:
    """Write ``selection`` of ``store`` to ``out`` in ``fmt`` (one of ``FORMATS``)."""
    if fmt in RDF_FORMATS:
        s = write_rdf(
            store,
            out,
            fmt,
            selection,
            base=base,
            engine=engine,
            include_ontology=include_ontology,
        )
        return ExportStats(fmt, s.nodes, s.edges, s.triples, s.engine)
    if fmt == "graphml":
        return write_graphml(store, out, selection)
    if fmt == "csv":
        return write_csv_zip(store, out, selection, zh_headers=zh_headers)
    raise InvalidInput(f"unknown export format {fmt!r}; use one of {', '.join(FORMATS)}")
