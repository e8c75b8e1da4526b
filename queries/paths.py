"""Collaboration paths: how two entities are connected, through which people, projects, patents and
labs, strongest ties first, each step explained in Chinese and English.

The projection is seen as an undirected graph of ties (queries/ties.py: one tie per relation type
between two nodes, strength from its weight, repeats and recency; a step costs ``1 / strength``).
The k cheapest simple paths of at most ``max_hops`` hops are returned (queries/path_search.py:
best-first search on the tie graph's cached CSR, guided by a bounded Dijkstra from the other end).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from itertools import pairwise

import networkx as nx
import numpy as np
from pydantic import BaseModel, Field

from kg.arrays import NODE_TYPE_CODES
from kg.errors import InvalidInput, NoPath
from kg.schema import NODE_TYPES, RELATIONS
from queries.path_search import cheapest_paths, fewest_hops
from queries.registry import QueryContext, named_query
from queries.resolve import resolve_entity
from queries.ties import Tie, TieIndex, tie_index, ties_between

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
    T = tie_index(G)
    si, ti = T.index[s], T.index[t]
    cost = _allowed_costs(T, (si, ti), node_types, rel_types)
    names = (_name(G, s), _name(G, t))
    found = [list(p.nodes) for p in cheapest_paths(T, si, ti, k, max_hops, cost)]
    if not found:
        fewest = fewest_hops(T, si, ti, cost)
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
        found = [fewest]  # the search ran out of budget: the fewest-hop path still answers
    paths = [_describe(G, T, [T.ids[i] for i in p], rel_types) for p in found]
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


def _allowed_costs(
    T: TieIndex, ends: tuple[int, int], node_types: frozenset[str], rel_types: frozenset[str] | None
) -> np.ndarray | None:
    """Per tie-graph entry, the cost of its strongest allowed tie, ``inf`` where ``via`` forbids the
    tie or the node it leads to (the two ends are always allowed); ``None`` when all is allowed."""
    if not node_types and rel_types is None:
        return None
    cost = T.cost if rel_types is None else T.pair_costs(rel_types)
    if node_types:
        ok = np.isin(T.node_type, [NODE_TYPE_CODES[n] for n in node_types])
        ok[list(ends)] = True
        cost = np.where(ok[T.indices], cost, np.inf)
    return cost


def _describe(
    G: nx.MultiDiGraph, T: TieIndex, path: list[str], rel_types: frozenset[str] | None
) -> CollaborationPath:
    steps: list[PathStep] = []
    cost, strength = 0.0, math.inf
    for u, v in pairwise(path):
        ties = ties_between(G, T, u, v)
        tie = next(x for x in ties if rel_types is None or x.rel in rel_types)
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
