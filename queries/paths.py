"""Collaboration paths: how two entities are connected, through which people, projects, patents and
labs, strongest ties first, each step explained in Chinese and English.

The projection (a typed ``MultiDiGraph``) is collapsed once per graph into an undirected *tie
graph*: each pair of nodes keeps its ties (one per relation type, parallel edges merged), the
strongest first, and an edge cost ``1 / strength``::

    strength = weight · (1 + 0.25·ln n) · (1 + 0.5·r)

``weight`` is the strongest tie weight among the parallel edges of that type (the relation's default
from kg/schema.py unless the edge sets its own), ``n`` how many there are (repeated agreements,
several joint patents), and ``r`` ∈ [0, 1] their recency: 1 for a tie that still holds (open-ended
or timeless) or was last seen in the graph's latest year, falling linearly to 0 over 10 years.
The k cheapest simple paths (Yen's algorithm, networkx ``shortest_simple_paths``) of at most
``max_hops`` hops are returned.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from itertools import pairwise
from typing import Any, NamedTuple

import networkx as nx
from pydantic import BaseModel, Field

from kg.errors import InvalidInput, NoPath
from kg.schema import NODE_TYPES, RELATIONS
from queries.derived import derived
from queries.registry import QueryContext, named_query
from queries.resolve import resolve_entity

COUNT_BONUS = 0.25
RECENCY_BONUS = 0.5
RECENCY_SPAN = 10
# Hop-ball pruning gives up beyond this many visited nodes per side (then the generator's cap and
# the fewest-hop fallback keep the answer bounded).
BALL_BUDGET = 100_000


class Tie(NamedTuple):
    """All edges of one relation type between two nodes, in their real direction."""

    rel: str
    source: str
    target: str
    weight: float
    edge_count: int
    year_from: int | None
    year_to: int | None
    strength: float


def tie_strength(weight: float, count: int, last_year: int | None, ref_year: int | None) -> float:
    """Strength of a tie: weight, boosted for repeats and for recency (see the module docstring).

    ``last_year`` is ``None`` for a tie that still holds.

    >>> round(tie_strength(1.0, 1, None, 2025), 3), round(tie_strength(1.0, 1, 2015, 2025), 3)
    (1.5, 1.0)
    """
    if last_year is None or ref_year is None:
        recency = 1.0
    else:
        recency = max(0.0, 1.0 - (ref_year - last_year) / RECENCY_SPAN)
    return weight * (1.0 + COUNT_BONUS * math.log(count)) * (1.0 + RECENCY_BONUS * recency)


def tie_graph(G: nx.MultiDiGraph) -> nx.Graph:
    """The undirected tie graph of ``G`` (built once per projection): edge data ``cost`` (of the
    strongest tie) and ``ties`` (strongest first)."""
    return derived(G, "tie_graph", lambda: _collapse(G))


def _collapse(G: nx.MultiDiGraph) -> nx.Graph:
    # (u, v, rel) → [max weight, count, min year_from, max year_to, still holds]
    groups: dict[tuple[str, str, str], list[Any]] = {}
    ref_year: int | None = None
    for u, v, d in G.edges(data=True):
        if u == v:
            continue
        rel = d.get("type", "")
        spec = RELATIONS.get(rel)
        if spec is not None and spec.symmetric and v < u:
            u, v = v, u
        w = float(d.get("weight", spec.weight if spec else 0.5))
        y0, y1 = d.get("year_from"), d.get("year_to")
        holds = y1 is None
        if y1 is not None:
            ref_year = y1 if ref_year is None else max(ref_year, y1)
        g = groups.get((u, v, rel))
        if g is None:
            groups[(u, v, rel)] = [w, 1, y0, y1, holds]
            continue
        g[0] = max(g[0], w)
        g[1] += 1
        if y0 is not None:
            g[2] = y0 if g[2] is None else min(g[2], y0)
        if y1 is not None:
            g[3] = y1 if g[3] is None else max(g[3], y1)
        g[4] = g[4] or holds
    H = nx.Graph()
    H.add_nodes_from(G)
    adj = H._adj
    for (u, v, rel), (w, n, y0, y1, holds) in groups.items():
        strength = tie_strength(w, n, None if holds else y1, ref_year)
        if strength <= 0:
            continue
        tie = Tie(rel, u, v, w, n, y0, None if holds else y1, strength)
        d = adj[u].get(v)
        if d is None:
            d = {"cost": 1.0 / strength, "ties": (tie,)}
            adj[u][v] = d
            adj[v][u] = d
        else:
            d["ties"] = tuple(sorted((*d["ties"], tie), key=lambda t: -t.strength))
            d["cost"] = 1.0 / d["ties"][0].strength
    return H


# --- result models -------------------------------------------------------------------------------


class PathNode(BaseModel):
    id: str
    name: str
    type: str


class PathStep(BaseModel):
    """One hop, told in the relation's real direction."""

    source: str
    target: str
    relation: str
    relation_label_zh: str
    relation_label_en: str
    explanation_zh: str
    explanation_en: str
    year_from: int | None = None
    year_to: int | None = None


class CollaborationPath(BaseModel):
    nodes: list[PathNode]
    steps: list[PathStep]
    hops: int
    cost: float = Field(description="sum of 1/strength over the steps; lower is stronger")
    strength: float = Field(description="the weakest step's tie strength")
    explanation_zh: str
    explanation_en: str


class PathsParams(BaseModel):
    source: str = Field(description="id, name or alias, e.g. 甲公司")
    target: str = Field(description="id, name or alias, e.g. 浙江大学")
    k: int = Field(3, ge=1, le=10, description="how many paths")
    max_hops: int = Field(5, ge=1, le=8, description="longest path, in hops")
    via: list[str] | None = Field(
        None, description="node types (for intermediate nodes) and/or relation types to use only"
    )


class PathsResult(BaseModel):
    source: PathNode
    target: PathNode
    paths: list[CollaborationPath]
    explanation_zh: str
    explanation_en: str


# --- the query -----------------------------------------------------------------------------------


def collaboration_paths(
    G: nx.MultiDiGraph,
    source: str,
    target: str,
    k: int = 3,
    max_hops: int = 5,
    via: Iterable[str] | None = None,
) -> PathsResult:
    """The ``k`` strongest simple paths of at most ``max_hops`` hops between two entities (ids,
    names or aliases), optionally only through nodes and relations of the types in ``via``
    (node types restrict the intermediate nodes, relation types the steps).

    ``NoPath`` (with the reason) when none exists under those constraints.

    >>> g = nx.MultiDiGraph()
    >>> g.add_node("t", type="Talent", name="张三"); g.add_node("e", type="Enterprise", name="甲公司")
    >>> g.add_node("u", type="University", name="浙江大学")
    >>> _ = g.add_edge("t", "e", type="AFFILIATED_WITH", weight=0.9, year_from=2020, year_to=None)
    >>> _ = g.add_edge("t", "u", type="ALUMNUS_OF", weight=0.5, year_from=2010, year_to=2010)
    >>> collaboration_paths(g, "甲公司", "浙江大学").paths[0].explanation_zh
    '张三 任职于 甲公司；张三 毕业于 浙江大学'
    """
    if k < 1 or max_hops < 1:
        raise InvalidInput("k and max_hops must be at least 1")
    s, t = resolve_entity(G, source), resolve_entity(G, target)
    if s == t:
        raise InvalidInput(f"source and target are the same entity: {s}")
    node_types, rel_types = _parse_via(via)
    H = tie_graph(G)
    ends = {s, t}

    def node_ok(n: str) -> bool:
        return not node_types or n in ends or G.nodes[n].get("type") in node_types

    def tie_of(d: dict[str, Any]) -> Tie | None:
        ties: tuple[Tie, ...] = d["ties"]
        if rel_types is None:
            return ties[0]
        return next((x for x in ties if x.rel in rel_types), None)

    names = (_name(G, s), _name(G, t))
    fewest = _fewest_hops(H, s, t, node_ok, tie_of)
    if fewest is None:
        raise NoPath(
            f"{names[0]} 与 {names[1]} 之间没有连接{_via_zh(via)} / "
            f"{names[0]} and {names[1]} are not connected{_via_en(via)}"
        )
    if len(fewest) - 1 > max_hops:
        raise NoPath(
            f"{names[0]} 与 {names[1]} 在 {max_hops} 跳内没有连接（最短连接 {len(fewest) - 1} 跳）"
            f"{_via_zh(via)} / {names[0]} and {names[1]} are not connected within {max_hops} "
            f"hops (the shortest connection has {len(fewest) - 1}){_via_en(via)}"
        )
    search, weight = _search_graph(H, s, t, max_hops, node_ok, tie_of)
    found: list[list[str]] = []
    gen = nx.shortest_simple_paths(search, s, t, weight=weight)
    for examined, p in enumerate(gen, 1):
        if len(p) - 1 <= max_hops:
            found.append(p)
        if len(found) == k or examined >= 10 * k + 40:
            break
    gen.close()
    if not found:  # every cheap path was too long: the fewest-hop one still answers
        found.append(fewest)
    paths = [_describe(G, H, p, tie_of) for p in found]
    return PathsResult(
        source=_path_node(G, s),
        target=_path_node(G, t),
        paths=paths,
        explanation_zh=(
            f"{names[0]} 与 {names[1]} 之间找到 {len(paths)} 条路径（不超过 {max_hops} 跳"
            f"{_via_zh(via)}）。最强一条（{paths[0].hops} 跳）：{paths[0].explanation_zh}"
        ),
        explanation_en=(
            f"{len(paths)} path(s) between {names[0]} and {names[1]} (at most {max_hops} hops"
            f"{_via_en(via)}). The strongest ({paths[0].hops} hops): {paths[0].explanation_en}"
        ),
    )


def _parse_via(via: Iterable[str] | None) -> tuple[frozenset[str], frozenset[str] | None]:
    """Split ``via`` into node types and relation types (schema names or Chinese labels)."""
    if not via:
        return frozenset(), None
    by_zh_node = {spec.zh: name for name, spec in NODE_TYPES.items()}
    by_zh_rel = {spec.zh: name for name, spec in RELATIONS.items()}
    nodes: set[str] = set()
    rels: set[str] = set()
    for item in via:
        if item in NODE_TYPES or item in by_zh_node:
            nodes.add(by_zh_node.get(item, item))
        elif item in RELATIONS or item in by_zh_rel:
            rels.add(by_zh_rel.get(item, item))
        else:
            raise InvalidInput(
                f"via: {item!r} is neither a node type ({', '.join(NODE_TYPES)}) "
                f"nor a relation type ({', '.join(RELATIONS)})"
            )
    return frozenset(nodes), frozenset(rels) if rels else None


def _fewest_hops(
    H: nx.Graph,
    s: str,
    t: str,
    node_ok: Callable[[str], bool],
    tie_of: Callable[[dict[str, Any]], Tie | None],
) -> list[str] | None:
    view = nx.subgraph_view(
        H, filter_node=node_ok, filter_edge=lambda u, v: tie_of(H._adj[u][v]) is not None
    )
    try:
        return list(nx.bidirectional_shortest_path(view, s, t))
    except nx.NetworkXNoPath:
        return None


def _search_graph(
    H: nx.Graph,
    s: str,
    t: str,
    max_hops: int,
    node_ok: Callable[[str], bool],
    tie_of: Callable[[dict[str, Any]], Tie | None],
) -> tuple[nx.Graph, str | Callable[[str, str, dict[str, Any]], float | None]]:
    """The allowed part of ``H`` where every node lies on some ``s``–``t`` walk of ≤ ``max_hops``
    hops (when the hop balls stay within budget, else a filtered view of all of it), and the edge
    cost to search it by: each edge's best allowed tie."""
    ds = _hop_ball(H, s, max_hops, node_ok, tie_of)
    dt = _hop_ball(H, t, max_hops, node_ok, tie_of) if ds is not None else None
    if ds is None or dt is None:
        return nx.subgraph_view(
            H, filter_node=node_ok, filter_edge=lambda u, v: tie_of(H._adj[u][v]) is not None
        ), _tie_cost(tie_of)
    keep = {n for n, d in ds.items() if d + dt.get(n, max_hops + 1) <= max_hops}
    sub = nx.Graph()
    sub.add_nodes_from(keep)
    for u in keep:
        for v, d in H._adj[u].items():
            if v in keep and u < v:
                tie = tie_of(d)
                if tie is not None:
                    sub.add_edge(u, v, cost=1.0 / tie.strength)
    return sub, "cost"


def _tie_cost(
    tie_of: Callable[[dict[str, Any]], Tie | None],
) -> Callable[[str, str, dict[str, Any]], float | None]:
    def cost(u: str, v: str, d: dict[str, Any]) -> float | None:
        tie = tie_of(d)
        return None if tie is None else 1.0 / tie.strength

    return cost


def _hop_ball(
    H: nx.Graph,
    start: str,
    radius: int,
    node_ok: Callable[[str], bool],
    tie_of: Callable[[dict[str, Any]], Tie | None],
) -> dict[str, int] | None:
    """Hop distances from ``start`` up to ``radius`` over allowed nodes and ties; ``None`` when the
    ball grows past :data:`BALL_BUDGET` nodes."""
    dist = {start: 0}
    frontier = [start]
    for depth in range(1, radius + 1):
        nxt = []
        for u in frontier:
            for v, d in H._adj[u].items():
                if v not in dist and node_ok(v) and tie_of(d) is not None:
                    dist[v] = depth
                    nxt.append(v)
        if len(dist) > BALL_BUDGET:
            return None
        frontier = nxt
    return dist


def _describe(
    G: nx.MultiDiGraph,
    H: nx.Graph,
    path: list[str],
    tie_of: Callable[[dict[str, Any]], Tie | None],
) -> CollaborationPath:
    steps: list[PathStep] = []
    cost, strength = 0.0, math.inf
    for u, v in pairwise(path):
        tie = tie_of(H._adj[u][v])
        assert tie is not None  # the search only walked allowed ties
        cost += 1.0 / tie.strength
        strength = min(strength, tie.strength)
        steps.append(_step(G, tie))
    return CollaborationPath(
        nodes=[_path_node(G, n) for n in path],
        steps=steps,
        hops=len(steps),
        cost=round(cost, 4),
        strength=round(strength, 4),
        explanation_zh="；".join(s.explanation_zh for s in steps),
        explanation_en="; ".join(s.explanation_en for s in steps),
    )


def _step(G: nx.MultiDiGraph, tie: Tie) -> PathStep:
    spec = RELATIONS.get(tie.rel)
    a, b = _name(G, tie.source), _name(G, tie.target)
    if spec is None:
        zh = en = f"{a} — {tie.rel} — {b}"
    elif spec.symmetric:
        zh, en = f"{a} 与 {b} {spec.verb_zh}", f"{a} {spec.verb_en} {b}"
    else:
        zh, en = f"{a} {spec.verb_zh} {b}", f"{a} {spec.verb_en} {b}"
    return PathStep(
        source=tie.source,
        target=tie.target,
        relation=tie.rel,
        relation_label_zh=spec.zh if spec else tie.rel,
        relation_label_en=spec.en if spec else tie.rel,
        explanation_zh=zh,
        explanation_en=en,
        year_from=tie.year_from,
        year_to=tie.year_to,
    )


def _name(G: nx.Graph, n: str) -> str:
    return str(G.nodes[n].get("name") or n)


def _path_node(G: nx.Graph, n: str) -> PathNode:
    return PathNode(id=n, name=_name(G, n), type=str(G.nodes[n].get("type", "")))


def _via_zh(via: Iterable[str] | None) -> str:
    return f"，仅经由 {'、'.join(via)}" if via else ""


def _via_en(via: Iterable[str] | None) -> str:
    return f", only via {', '.join(via)}" if via else ""


@named_query(
    "collaboration_paths",
    params=PathsParams,
    result=PathsResult,
    zh="合作路径：两个主体之间经由哪些人、项目、专利、平台相连（强关系优先）",
    en="Collaboration paths: how two entities connect through people, projects, patents, labs",
)
def _collaboration_paths(ctx: QueryContext, p: PathsParams) -> PathsResult:
    return collaboration_paths(
        ctx.graph(), p.source, p.target, k=p.k, max_hops=p.max_hops, via=p.via
    )
