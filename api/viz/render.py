"""Network views rendered offline: pyvis builds the nodes, edges and options, our own template
draws them with the vis-network build the app serves (pyvis's template links a CDN).

A :class:`Visual` renders two ways: for the app (scripts from ``/static``) or standalone (the
vis-network script inlined, so a saved file works with no network), and shows itself inline in
Jupyter through an ``<iframe srcdoc>``.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import networkx as nx
from jinja2 import Environment, FileSystemLoader, select_autoescape
from pyvis.network import Network

from kg.schema import NODE_TYPES, label

STATIC = Path(__file__).resolve().parent.parent / "static"
TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
VIS_VERSION = "10.1.5"
VIS_DIR = STATIC / "vendor" / "vis-network"

# Above this many nodes the browser would spend seconds stabilising: lay out on the server.
SERVER_LAYOUT_ABOVE = 400

TYPE_COLOURS: dict[str, str] = {
    "Enterprise": "#2f7ed8",
    "University": "#c0392b",
    "Lab": "#8e44ad",
    "Platform": "#16a085",
    "Talent": "#e67e22",
    "Project": "#7f8c8d",
    "Patent": "#95a5a6",
    "Chain": "#2c3e50",
    "ChainSegment": "#34495e",
    "Field": "#27ae60",
    "Programme": "#bdc3c7",
    "Fund": "#d35400",
    "Region": "#a3b1bf",
}
TYPE_SHAPES: dict[str, str] = {
    "Enterprise": "dot",
    "University": "triangle",
    "Lab": "diamond",
    "Platform": "square",
    "Talent": "dot",
    "Project": "box",
    "Patent": "box",
    "Chain": "ellipse",
    "ChainSegment": "ellipse",
    "Field": "dot",
}
# Properties worth a tooltip line, in display order.
TOOLTIP_KEYS = (
    "above_scale",
    "high_tech",
    "rd_institution",
    "size",
    "level",
    "kind",
    "programme",
    "year",
    "amount",
    "stage",
    "position",
    "region",
    "fields",
    "synthetic",
)


@dataclass
class Visual:
    """A network view ready to render: vis-network nodes, edges and options."""

    title: str
    nodes: list[dict[str, Any]]
    edges: list[dict[str, Any]]
    options: dict[str, Any]
    lang: str = "zh"
    synthetic: bool = False
    legend: list[tuple[str, str]] = field(default_factory=list)

    def html(
        self,
        *,
        standalone: bool = False,
        static_url: str = "/static",
        entity_url: str = "/ui/entities/",
    ) -> str:
        """The page: scripts from ``static_url``, or inlined when ``standalone``."""
        return (
            _env()
            .get_template("viz.html")
            .render(
                v=self,
                standalone=standalone,
                static_url=static_url,
                entity_url=entity_url,
                vis_js=_vendor("vis-network.min.js") if standalone else "",
                vis_css=_vendor("vis-network.min.css") if standalone else "",
            )
        )

    def save(
        self, path: str | Path, *, entity_url: str = "http://127.0.0.1:8000/ui/entities/"
    ) -> Path:
        """Write a standalone HTML file that works offline (clicks open the local app's pages)."""
        out = Path(path)
        out.write_text(self.html(standalone=True, entity_url=entity_url), encoding="utf-8")
        return out

    def _repr_html_(self) -> str:
        """Inline display in Jupyter: the standalone page in a sandboxed iframe."""
        doc = html.escape(self.html(standalone=True), quote=True)
        return (
            f'<iframe srcdoc="{doc}" style="width:100%;height:640px;border:1px solid #ddd" '
            'sandbox="allow-scripts allow-popups"></iframe>'
        )


@cache
def _env() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]), cache_size=50
    )
    # Chinese stays readable in the page source; tojson still escapes < > & '
    env.policies["json.dumps_kwargs"] = {"ensure_ascii": False, "sort_keys": True}
    return env


@cache
def _vendor(name: str) -> str:
    return (VIS_DIR / name).read_text(encoding="utf-8")


def tooltip(data: Mapping[str, Any], lang: str = "zh") -> str:
    """Plain-text tooltip: name, type and key properties (the template shows it as text, never
    as HTML, so names cannot inject markup)."""
    type_ = str(data.get("type", ""))
    spec = NODE_TYPES.get(type_)
    lines = [str(data.get("name", "")), f"{label(type_, lang)} · {data.get('id', '')}"]
    for key in TOOLTIP_KEYS:
        value = data.get(key)
        if value in (None, "", []) or spec is None:
            continue
        prop = spec.property(key)
        name = (prop.zh if lang == "zh" else prop.en) if prop else key
        if isinstance(value, bool):
            value = ("是" if value else "否") if lang == "zh" else ("yes" if value else "no")
        elif isinstance(value, list):
            value = "、".join(str(v) for v in value[:6])
        lines.append(f"{name}: {value}")
    return "\n".join(lines)


def build(
    graph: nx.Graph,
    *,
    title: str,
    lang: str = "zh",
    sizes: Mapping[str, float] | None = None,
    emphasise: Iterable[str] = (),
    groups: Mapping[str, int] | None = None,
    positions: Mapping[str, tuple[float, float]] | None = None,
    edge_labels: bool = True,
) -> Visual:
    """A :class:`Visual` of ``graph`` (nodes carry ``type``, ``name`` and properties).

    ``sizes`` scale nodes (0–1), ``emphasise`` draws a thick border, ``groups`` colours by group
    (communities) instead of type, ``positions`` fixes coordinates. Without positions, graphs over
    ``SERVER_LAYOUT_ABOVE`` nodes get a server-side spring layout; smaller ones are stabilised by
    the browser, which then switches physics off.
    """
    net = Network(directed=True, cdn_resources="remote")
    strong = set(emphasise)
    if positions is None and graph.number_of_nodes() > SERVER_LAYOUT_ABOVE:
        positions = spring_positions(graph)
    for nid, data in graph.nodes(data=True):
        type_ = str(data.get("type", ""))
        size = 12 + 28 * float((sizes or {}).get(nid, 0.0))
        opts: dict[str, Any] = {
            "title": tooltip({"id": nid, **data}, lang),
            "shape": TYPE_SHAPES.get(type_, "dot"),
            "size": size,
            "font": {
                "size": 14 if nid in strong else 12,
                # labels sit inside boxes and ellipses: light on dark
                "color": "#ffffff" if TYPE_SHAPES.get(type_) in ("box", "ellipse") else "#222222",
            },
        }
        if groups:
            opts["group"] = str(groups.get(nid, -1))
        else:
            opts["color"] = TYPE_COLOURS.get(type_, "#97c2fc")
        if nid in strong:
            opts["borderWidth"] = 4
            opts["color"] = {"background": opts.get("color", "#f1c40f"), "border": "#f1c40f"}
        if positions and nid in positions:
            x, y = positions[nid]
            opts.update(x=float(x), y=float(y), physics=False)
        net.add_node(str(nid), label=_short(str(data.get("name", nid))), **opts)
    seen: set[tuple[str, str, str]] = set()
    for u, v, data in graph.edges(data=True):
        rel = str(data.get("type", ""))
        if (u, v, rel) in seen:
            continue  # parallel edges of one relation (per year) draw as one
        seen.add((u, v, rel))
        net.add_edge(
            u,
            v,
            title=label(rel, lang),
            label=label(rel, lang) if edge_labels else None,
            width=1 + 3 * float(data.get("weight") or 0.5) if data.get("highlight") else 1,
            color="#e74c3c" if data.get("highlight") else "#b0b7c3",
        )
    fixed = bool(positions)
    options = _options(graph.number_of_nodes(), fixed)
    used = sorted({str(d.get("type", "")) for _, d in graph.nodes(data=True)})
    return Visual(
        title=title,
        nodes=net.nodes,
        edges=net.edges,
        options=options,
        lang=lang,
        synthetic=any(d.get("synthetic") for _, d in graph.nodes(data=True)),
        legend=[] if groups else [(label(t, lang), TYPE_COLOURS.get(t, "#97c2fc")) for t in used],
    )


def _options(n: int, fixed: bool) -> dict[str, Any]:
    return {
        "autoResize": True,
        "interaction": {"hover": True, "tooltipDelay": 150, "hideEdgesOnDrag": n > 300},
        "edges": {
            "arrows": {"to": {"enabled": True, "scaleFactor": 0.5}},
            "smooth": False,
            "font": {"size": 9, "color": "#7f8c8d", "strokeWidth": 0},
        },
        "nodes": {"font": {"face": "Noto Sans CJK SC, Microsoft YaHei, sans-serif"}},
        "layout": {"improvedLayout": n <= 100, "randomSeed": 7},
        "physics": {
            "enabled": not fixed,
            "solver": "barnesHut",
            "barnesHut": {"gravitationalConstant": -6000, "springLength": 120},
            "stabilization": {"enabled": True, "iterations": 300, "updateInterval": 50},
        },
    }


def spring_positions(graph: nx.Graph, scale: float = 1000.0) -> dict[str, tuple[float, float]]:
    """A deterministic spring layout for big graphs, in vis-network pixels."""
    pos = nx.spring_layout(nx.Graph(graph), seed=7, iterations=40, scale=scale)
    return {str(k): (float(x), float(y)) for k, (x, y) in pos.items()}


def _short(name: str, limit: int = 14) -> str:
    return name if len(name) <= limit else name[: limit - 1] + "…"
