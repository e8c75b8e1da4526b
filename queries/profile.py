"""One entity at a glance: its key properties, ties by relation, cooperation partners, chains and
segments, patents and projects by year; and its ego network (nodes and edges ready for pyvis).
"""

from __future__ import annotations

from collections import Counter
from typing import Any, Literal

import networkx as nx
from pydantic import BaseModel, Field

from kg.errors import InvalidInput
from kg.schema import NODE_TYPES, RELATIONS, label
from queries.registry import QueryContext, named_query
from queries.scope import name_of, node_ref, ties, window_to


class PropertyOut(BaseModel):
    key: str
    label_zh: str
    label_en: str
    value: Any


class TieCount(BaseModel):
    relation: str
    label_zh: str
    label_en: str
    direction: Literal["out", "in"]
    count: int


class PartnerOut(BaseModel):
    id: str
    name: str
    type: str
    years: list[int] = Field(description="years of the cooperation agreements")
    agreements: int


class ChainRole(BaseModel):
    chain_id: str | None
    chain_name: str | None
    segment_id: str
    stage: str
    role: str


class YearCount(BaseModel):
    year: int
    count: int


class EntityProfile(BaseModel):
    id: str
    type: str
    type_label: str
    name: str
    aliases: list[str]
    synthetic: bool = False
    properties: list[PropertyOut]
    ties: list[TieCount]
    partners: list[PartnerOut]
    chains: list[ChainRole]
    patents_by_year: list[YearCount]
    projects_by_year: list[YearCount]
    explanation_zh: str
    explanation_en: str


def _by_year(G: nx.MultiDiGraph, n: str, rels: tuple[str, ...], target: str) -> list[YearCount]:
    """Distinct ``target`` nodes tied to ``n`` by ``rels``, counted by year (the edge's, or the
    node's); undated ones are left out."""
    years: dict[str, int] = {}
    for v, d in ties(G, n, rels, "out"):
        if G.nodes[v].get("type") != target:
            continue
        y = G.nodes[v].get("year") or d.get("year")
        if isinstance(y, int):
            years[v] = y
    return [YearCount(year=y, count=c) for y, c in sorted(Counter(years.values()).items())]


def entity_profile(G: nx.MultiDiGraph, entity: str) -> EntityProfile:
    """The profile of ``entity`` (id or name).

    >>> entity_profile(G, "浙江大学").partners[0].name  # doctest: +SKIP
    """
    n = node_ref(G, entity)
    d: dict[str, Any] = G.nodes[n]
    spec = NODE_TYPES[d["type"]]
    props = [
        PropertyOut(key=p.name, label_zh=p.zh, label_en=p.en, value=d[p.name])
        for p in spec.properties
        if d.get(p.name) not in (None, "", []) and p.name != "synthetic"
    ]
    counts: Counter[tuple[str, str]] = Counter()
    for _, keyed in G._succ[n].items():
        counts.update(("out", e["type"]) for e in keyed.values())
    for _, keyed in G._pred[n].items():
        counts.update(("in", e["type"]) for e in keyed.values())
    tie_counts = [
        TieCount(
            relation=rel,
            label_zh=RELATIONS[rel].zh,
            label_en=RELATIONS[rel].en,
            direction="out" if direction == "out" else "in",
            count=c,
        )
        for (direction, rel), c in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    ]
    partners: dict[str, list[int]] = {}
    for v, e in ties(G, n, ("COLLABORATES_WITH",)):
        partners.setdefault(v, [])
        if isinstance(e.get("year"), int):
            partners[v].append(e["year"])
    partner_out = sorted(
        (
            PartnerOut(
                id=v,
                name=name_of(G, v),
                type=G.nodes[v]["type"],
                years=sorted(set(ys)),
                agreements=max(len(ys), 1),
            )
            for v, ys in partners.items()
        ),
        key=lambda p: (-p.agreements, p.id),
    )
    chains = []
    for seg, e in ties(G, n, ("IN_SEGMENT",), "out"):
        chain = next((c for c, _ in ties(G, seg, ("SEGMENT_OF",), "out")), None)
        chains.append(
            ChainRole(
                chain_id=chain,
                chain_name=name_of(G, chain) if chain else None,
                segment_id=seg,
                stage=str(G.nodes[seg].get("stage") or name_of(G, seg)),
                role=str(e.get("role") or "member"),
            )
        )
    chains.sort(key=lambda c: (c.chain_id or "", c.segment_id))
    patents = _by_year(G, n, ("APPLIED", "INVENTED"), "Patent")
    projects = _by_year(G, n, ("LEADS", "PARTICIPATES_IN"), "Project")
    name = name_of(G, n)
    degree = sum(counts.values())
    n_pat, n_proj = sum(p.count for p in patents), sum(p.count for p in projects)
    return EntityProfile(
        id=n,
        type=d["type"],
        type_label=label(d["type"]),
        name=name,
        aliases=list(d.get("aliases") or ()),
        synthetic=bool(d.get("synthetic")),
        properties=props,
        ties=tie_counts,
        partners=partner_out,
        chains=chains,
        patents_by_year=patents,
        projects_by_year=projects,
        explanation_zh=(
            f"{name}（{label(d['type'])}）：关系{degree}条，产学研合作伙伴{len(partner_out)}家，"
            f"所在产业链环节{len(chains)}个，专利{n_pat}件，项目{n_proj}项。"
        ),
        explanation_en=(
            f"{name} ({label(d['type'], 'en')}): {degree} ties, {len(partner_out)} cooperation "
            f"partners, {len(chains)} chain segments, {n_pat} patents, {n_proj} projects."
        ),
    )


class EgoNode(BaseModel):
    id: str
    label: str = Field(description="display name")
    type: str
    type_label: str
    hop: int = Field(description="0 = the entity itself")
    synthetic: bool = False


class EgoEdge(BaseModel):
    source: str
    target: str
    type: str
    label: str = Field(description="the relation's Chinese label")
    weight: float = Field(description="summed tie strength of the parallel edges")
    count: int = Field(description="parallel edges of this type merged into this one")


class EgoNetwork(BaseModel):
    center: str
    hops: int
    nodes: list[EgoNode]
    edges: list[EgoEdge]
    truncated: bool = Field(description="true when more nodes were found than the limit")
    found: int = Field(description="nodes within the hops before the limit")
    explanation_zh: str
    explanation_en: str


def ego_network(
    G: nx.MultiDiGraph,
    entity: str,
    hops: int = 1,
    types: list[str] | None = None,
    limit: int = 200,
) -> EgoNetwork:
    """Nodes within ``hops`` (1 or 2) of ``entity`` — only of ``types`` when given, strongest ties
    first, at most ``limit`` — and every edge among them.

    >>> ego_network(G, "浙江大学", hops=2, types=["Enterprise", "Talent"]).nodes[0].hop  # doctest: +SKIP
    0
    """
    center = node_ref(G, entity)
    unknown = sorted(set(types or ()) - set(NODE_TYPES))
    if unknown:
        raise InvalidInput(f"unknown node types {unknown}; known: {', '.join(NODE_TYPES)}")
    allowed = set(types) if types else None
    hop = {center: 0}
    strength: dict[str, float] = {center: float("inf")}
    frontier = [center]
    for h in range(1, min(max(hops, 1), 2) + 1):
        nxt: list[str] = []
        for u in frontier:
            for v, keyed in (*G._succ[u].items(), *G._pred[u].items()):
                if allowed is not None and G.nodes[v].get("type") not in allowed:
                    continue
                w = sum(float(e.get("weight", 0.5)) for e in keyed.values())
                if v not in hop:
                    hop[v] = h
                    nxt.append(v)
                if hop[v] == h:
                    strength[v] = strength.get(v, 0.0) + w
        frontier = nxt
    ranked = sorted(hop, key=lambda v: (hop[v], -strength[v], v))
    kept = ranked[: max(1, limit)]
    inside = set(kept)
    merged: dict[tuple[str, str, str], list[float]] = {}
    for u in kept:
        for v, keyed in G._succ[u].items():
            if v in inside:
                for e in keyed.values():
                    merged.setdefault((u, v, e["type"]), []).append(float(e.get("weight", 0.5)))
    nodes = [
        EgoNode(
            id=v,
            label=name_of(G, v),
            type=G.nodes[v]["type"],
            type_label=label(G.nodes[v]["type"]),
            hop=hop[v],
            synthetic=bool(G.nodes[v].get("synthetic")),
        )
        for v in kept
    ]
    edges = [
        EgoEdge(source=u, target=v, type=t, label=label(t), weight=sum(ws), count=len(ws))
        for (u, v, t), ws in sorted(merged.items())
    ]
    name = name_of(G, center)
    depth = min(max(hops, 1), 2)
    truncated = len(ranked) > len(kept)
    zh = f"{name}的{depth}跳关系网络：{len(nodes)}个节点、{len(edges)}条关系"
    en = f"{name}'s {depth}-hop network: {len(nodes)} nodes, {len(edges)} edges"
    if truncated:
        zh += f"（共找到{len(ranked)}个节点，按关系强度保留前{len(kept)}个）"
        en += f" ({len(ranked)} found; the {len(kept)} most strongly tied kept)"
    return EgoNetwork(
        center=center,
        hops=depth,
        nodes=nodes,
        edges=edges,
        truncated=truncated,
        found=len(ranked),
        explanation_zh=zh + "。",
        explanation_en=en + ".",
    )


class ProfileParams(BaseModel):
    entity: str = Field(min_length=1, description="entity id or name")
    year: int | None = Field(None, description="only what is known up to this year")


class EgoParams(BaseModel):
    entity: str = Field(min_length=1, description="entity id or name")
    hops: Literal[1, 2] = 1
    types: list[str] | None = Field(None, description="node types to keep (default: all)")
    limit: int = Field(200, ge=1, le=2000)
    year: int | None = Field(None, description="only what is known up to this year")


@named_query(
    "entity_profile",
    params=ProfileParams,
    result=EntityProfile,
    zh="实体画像：属性、关系、合作伙伴、产业链、专利与项目",
    en="Entity profile: properties, ties, partners, chains, patents and projects",
)
def _entity_profile(ctx: QueryContext, p: ProfileParams) -> EntityProfile:
    return entity_profile(ctx.graph(window_to(p.year)), p.entity)


@named_query(
    "ego_network",
    params=EgoParams,
    result=EgoNetwork,
    zh="关系网络（一跳/两跳）",
    en="Ego network (one or two hops)",
)
def _ego_network(ctx: QueryContext, p: EgoParams) -> EgoNetwork:
    return ego_network(ctx.graph(window_to(p.year)), p.entity, p.hops, p.types, p.limit)
