"""The four network views analysts look at: a chain, an ego network, collaboration paths and
communities. Each takes the projected graph (and a query's answer) and returns a :class:`Visual`.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence

import networkx as nx

from api.viz.render import Visual, build
from kg.errors import EntityNotFound
from queries.chains import ChainView
from queries.profile import EgoNetwork

# Chain layout: one column per segment, members stacked in sub-columns of this many rows.
_ROWS = 18
_COLUMN_GAP = 420
_SUB_GAP = 110
_ROW_GAP = 52


def _require(graph: nx.MultiDiGraph, node: str) -> None:
    if node not in graph:
        raise EntityNotFound(f"no entity with id {node!r}")


def ego_visual(graph: nx.MultiDiGraph, ego: EgoNetwork, *, lang: str = "zh") -> Visual:
    """An ego network (``ego_network``'s answer): the entity emphasised, its neighbours within
    one or two hops and the ties among them."""
    _require(graph, ego.center)
    sub = graph.subgraph([n.id for n in ego.nodes if n.id in graph])
    name = graph.nodes[ego.center].get("name", ego.center)
    title = f"{name} · {ego.hops}跳关系网络" if lang == "zh" else f"{name} · {ego.hops}-hop network"
    if ego.truncated:
        title += (
            f"（{len(ego.nodes)}/{ego.found}）"
            if lang == "zh"
            else f" ({len(ego.nodes)}/{ego.found})"
        )
    return build(
        sub, title=title, lang=lang, emphasise=[ego.center], edge_labels=len(ego.nodes) <= 60
    )


def chain_visual(
    graph: nx.MultiDiGraph,
    view: ChainView,
    *,
    influence: Mapping[str, float] | None = None,
    lang: str = "zh",
) -> Visual:
    """A chain (``chain_view``'s answer) laid out upstream → downstream: one column per segment
    in order, its members below it, leaders (链主) emphasised and sized by ``influence`` (0–1,
    e.g. PageRank), and the labs, universities and platforms supporting a segment above it."""
    _require(graph, view.chain_id)
    segments = sorted(view.segments, key=lambda s: (s.order, s.id))
    leaders = set(view.leaders)
    positions: dict[str, tuple[float, float]] = {view.chain_id: (-_COLUMN_GAP, 0.0)}
    for col, seg in enumerate(segments):
        x0 = col * _COLUMN_GAP
        positions[seg.id] = (x0, -2 * _ROW_GAP)
        members = sorted(seg.members, key=lambda m: (m.role != "leader", -(m.revenue or 0), m.id))
        for i, m in enumerate(members):
            positions.setdefault(m.id, (x0 + (i // _ROWS) * _SUB_GAP - 40, (i % _ROWS) * _ROW_GAP))
        for i, sup in enumerate(sorted(seg.supporters, key=lambda s: s.id)):
            positions.setdefault(
                sup.id, (x0 + 60 + (i // _ROWS) * _SUB_GAP, -4 * _ROW_GAP - (i % _ROWS) * _ROW_GAP)
            )
    sub = graph.subgraph([n for n in positions if n in graph])
    sizes = {leader: 0.5 for leader in leaders}
    sizes.update({s.id: 0.2 for s in segments})
    if influence:
        top = max(influence.values()) or 1.0
        sizes.update({n: 0.3 + 0.7 * v / top for n, v in influence.items() if n in positions})
    name = view.chain_name
    title = (
        f"产业链 · {name}（上游 → 下游）"
        if lang == "zh"
        else f"Chain · {name} (upstream → downstream)"
    )
    return build(
        sub,
        title=title,
        lang=lang,
        sizes=sizes,
        emphasise=leaders,
        positions=positions,
        edge_labels=len(positions) <= 40,
    )


def path_visual(
    graph: nx.MultiDiGraph,
    paths: Sequence[Sequence[str]],
    *,
    title: str,
    lang: str = "zh",
) -> Visual:
    """The union of ``paths`` (node-id sequences), path edges drawn red, ends emphasised."""
    nodes = {n for p in paths for n in p}
    for n in nodes:
        _require(graph, n)
    sub = nx.MultiDiGraph(graph.subgraph(nodes))
    steps = {frozenset((a, b)) for p in paths for a, b in itertools.pairwise(p)}
    for u, v, k in list(sub.edges(keys=True)):
        if frozenset((u, v)) in steps:
            sub.edges[u, v, k]["highlight"] = True
    ends = {p[0] for p in paths if p} | {p[-1] for p in paths if p}
    return build(sub, title=title, lang=lang, emphasise=ends)


def communities_visual(
    graph: nx.MultiDiGraph,
    membership: Mapping[str, int],
    *,
    title: str,
    lang: str = "zh",
) -> Visual:
    """Nodes coloured by community (``membership``: node → community number)."""
    sub = graph.subgraph([n for n in membership if n in graph])
    return build(sub, title=title, lang=lang, groups=membership, edge_labels=False)
