"""Industrial chains (产业链): segments upstream → downstream, their members and leaders (链主),
and the labs, universities and platforms that support each segment.

A segment is supported *explicitly* when a research organisation or platform is ``IN_SEGMENT`` it
(role ``support``), and *through collaboration* when a lab or university collaborates with one of
the segment's members (or a platform works with one) in one of the segment's fields.
"""

from __future__ import annotations

from typing import Any, Literal

import networkx as nx
from pydantic import BaseModel, Field

from kg.schema import label
from queries.registry import QueryContext, named_query
from queries.scope import (
    RESEARCH_TYPES,
    field_name,
    fields_of,
    name_of,
    node_ref,
    of_type,
    tied,
    ties,
    window_to,
)

SUPPORT_TYPES = ("University", "Lab", "Platform")
_PLATFORM_TIES = ("HOSTS", "PARTICIPATES_IN", "LEADS")


class MemberOut(BaseModel):
    """An enterprise in a segment, with the size indicators a chain map shows."""

    id: str
    name: str
    role: Literal["leader", "member"]
    revenue: float | None = Field(None, description="营业收入（万元）")
    employees: int | None = None
    above_scale: bool = False
    high_tech: bool = False
    size: str | None = None
    local: bool | None = None


class SupporterOut(BaseModel):
    """A lab, university or platform supporting a segment, and how we know."""

    id: str
    name: str
    type: str
    type_label: str
    kind: Literal["explicit", "collaboration", "both"] = Field(
        description="explicit: IN_SEGMENT role support; collaboration: works with the segment's "
        "members in its fields; both"
    )
    via_members: list[str] = Field(default_factory=list, description="member ids it works with")
    shared_fields: list[str] = Field(default_factory=list, description="segment fields it covers")


class SegmentOut(BaseModel):
    id: str
    name: str
    stage: str
    position: int | None = Field(None, description="declared position, 1 = most upstream")
    order: int = Field(description="1-based rank upstream → downstream from UPSTREAM_OF")
    downstream: list[str] = Field(description="ids of the segments this one is upstream of")
    fields: list[str]
    members: list[MemberOut]
    supporters: list[SupporterOut]
    has_research_support: bool = Field(description="at least one supporting lab or university")


class ChainView(BaseModel):
    chain_id: str
    chain_name: str
    synthetic: bool = False
    segments: list[SegmentOut]
    cycles: list[list[str]] = Field(
        description="UPSTREAM_OF cycles among the segments (each a list of segment ids); "
        "segments in a cycle are ordered by their declared position"
    )
    member_count: int
    leaders: list[str] = Field(description="ids of the chain's leader enterprises (链主)")
    explanation_zh: str
    explanation_en: str


def chain_segments(G: nx.MultiDiGraph, chain: str) -> list[str]:
    """Ids of the segments ``SEGMENT_OF`` ``chain`` (unordered, sorted by id)."""
    return sorted(tied(G, chain, ("SEGMENT_OF",), ("ChainSegment",), "in"))


def segment_members(G: nx.MultiDiGraph, segment: str) -> dict[str, str]:
    """Enterprise id → role (``leader`` wins over ``member``) for one segment."""
    roles: dict[str, str] = {}
    nodes = G._node
    for u, d in ties(G, segment, ("IN_SEGMENT",), "in"):
        if nodes[u].get("type") != "Enterprise":
            continue
        role = "leader" if d.get("role") == "leader" else "member"
        if roles.get(u) != "leader":
            roles[u] = role
    return roles


def chain_members(G: nx.MultiDiGraph, chain: str) -> dict[str, str]:
    """Enterprise id → role over all segments of ``chain`` (leader in any segment → leader)."""
    roles: dict[str, str] = {}
    for seg in chain_segments(G, chain):
        for n, role in segment_members(G, seg).items():
            if roles.get(n) != "leader":
                roles[n] = role
    return roles


def segment_order(G: nx.MultiDiGraph, segments: list[str]) -> tuple[list[str], list[list[str]]]:
    """Segments upstream → downstream, and the ``UPSTREAM_OF`` cycles among them.

    Cycles are collapsed (strongly connected components), ordered as a block by topological
    order of the condensation; inside a block, and between unrelated segments, the declared
    ``position`` (then the id) decides. Nothing loops.
    """
    inside = set(segments)
    d = nx.DiGraph()
    d.add_nodes_from(segments)
    for s in segments:
        for t, _ in ties(G, s, ("UPSTREAM_OF",), "out"):
            if t in inside:
                d.add_edge(s, t)

    def rank(s: str) -> tuple[int, str]:
        pos = G.nodes[s].get("position")
        return (pos if isinstance(pos, int) else 10**6, s)

    cycles = []
    for scc in nx.strongly_connected_components(d):
        if len(scc) > 1 or d.has_edge(next(iter(scc)), next(iter(scc))):
            sub = d.subgraph(scc)
            start = min(scc, key=rank)
            cycles.append([u for u, _ in nx.find_cycle(sub, start)])
    cond = nx.condensation(d)
    blocks = cond.graph["mapping"]
    members: dict[int, list[str]] = {}
    for s, b in blocks.items():
        members.setdefault(b, []).append(s)
    order: list[str] = []
    for b in nx.lexicographical_topological_sort(
        cond, key=lambda b: rank(min(members[b], key=rank))
    ):
        order.extend(sorted(members[b], key=rank))
    return order, sorted(cycles, key=lambda c: rank(c[0]))


def segment_supporters(
    G: nx.MultiDiGraph, segment: str, members: dict[str, str] | None = None
) -> list[SupporterOut]:
    """Labs, universities and platforms supporting ``segment``, explicit ones first."""
    members = segment_members(G, segment) if members is None else members
    seg_fields = fields_of(G, segment)
    nodes = G._node
    explicit = {
        u for u, _ in ties(G, segment, ("IN_SEGMENT",), "in") if nodes[u]["type"] in SUPPORT_TYPES
    }
    via: dict[str, set[str]] = {}
    shared: dict[str, set[str]] = {}
    for m in members:
        partners = tied(G, m, ("COLLABORATES_WITH",), RESEARCH_TYPES)
        partners |= tied(G, m, _PLATFORM_TIES, ("Platform",), "out")
        for p in partners:
            common = fields_of(G, p) & seg_fields
            if common:
                via.setdefault(p, set()).add(m)
                shared.setdefault(p, set()).update(common)
    out = []
    for p in explicit | set(via):
        kind: Literal["explicit", "collaboration", "both"] = (
            "both"
            if p in explicit and p in via
            else "explicit"
            if p in explicit
            else "collaboration"
        )
        common = shared.get(p) or (fields_of(G, p) & seg_fields)
        out.append(
            SupporterOut(
                id=p,
                name=name_of(G, p),
                type=nodes[p]["type"],
                type_label=label(nodes[p]["type"]),
                kind=kind,
                via_members=sorted(via.get(p, ())),
                shared_fields=sorted(field_name(G, f) for f in common),
            )
        )
    out.sort(key=lambda s: (s.kind == "collaboration", -len(s.via_members), s.id))
    return out


def _member(G: nx.MultiDiGraph, n: str, role: str) -> MemberOut:
    d: dict[str, Any] = G.nodes[n]
    return MemberOut(
        id=n,
        name=name_of(G, n),
        role="leader" if role == "leader" else "member",
        revenue=d.get("revenue"),
        employees=d.get("employees"),
        above_scale=bool(d.get("above_scale")),
        high_tech=bool(d.get("high_tech")),
        size=d.get("size") or None,
        local=d.get("local"),
    )


def chain_view(G: nx.MultiDiGraph, chain: str) -> ChainView:
    """Chain ``chain`` (id or name) upstream → downstream: per segment its members (leaders first,
    then by revenue) and its supporting labs, universities and platforms.

    >>> chain_view(G, "汽车零部件").segments[0].stage  # doctest: +SKIP
    '原材料'
    """
    cid = node_ref(G, chain, ("Chain",))
    order, cycles = segment_order(G, chain_segments(G, cid))
    downstream_of = {s: i for i, s in enumerate(order)}
    segments = []
    all_roles: dict[str, str] = {}
    for i, s in enumerate(order, start=1):
        roles = segment_members(G, s)
        for n, role in roles.items():
            if all_roles.get(n) != "leader":
                all_roles[n] = role
        members = sorted(
            (_member(G, n, r) for n, r in roles.items()),
            key=lambda m: (m.role != "leader", -(m.revenue or 0.0), m.id),
        )
        supporters = segment_supporters(G, s, roles)
        d = G.nodes[s]
        segments.append(
            SegmentOut(
                id=s,
                name=name_of(G, s),
                stage=str(d.get("stage") or name_of(G, s)),
                position=d.get("position"),
                order=i,
                downstream=sorted(
                    (t for t, _ in ties(G, s, ("UPSTREAM_OF",), "out") if t in downstream_of),
                    key=downstream_of.__getitem__,
                ),
                fields=sorted(field_name(G, f) for f in fields_of(G, s)),
                members=members,
                supporters=supporters,
                has_research_support=any(x.type in RESEARCH_TYPES for x in supporters),
            )
        )
    leaders = sorted(n for n, r in all_roles.items() if r == "leader")
    name = name_of(G, cid)
    unsupported = [s.stage for s in segments if not s.has_research_support]
    zh = (
        f"{name}共{len(segments)}个环节、{len(all_roles)}家企业、{len(leaders)}家链主，"
        f"按上下游关系（UPSTREAM_OF）由上游到下游排列。"
    )
    en = (
        f"{name}: {len(segments)} segments, {len(all_roles)} enterprises, {len(leaders)} leaders, "
        "ordered upstream → downstream by UPSTREAM_OF."
    )
    if cycles:
        zh += f"上下游关系存在{len(cycles)}处循环，循环内按声明位置排序。"
        en += f" UPSTREAM_OF has {len(cycles)} cycle(s); segments in a cycle follow their position."
    if unsupported:
        zh += f"无高校/实验室支撑的环节：{'、'.join(unsupported)}。"
        en += f" Segments without a supporting university or lab: {', '.join(unsupported)}."
    return ChainView(
        chain_id=cid,
        chain_name=name,
        synthetic=bool(G.nodes[cid].get("synthetic")),
        segments=segments,
        cycles=cycles,
        member_count=len(all_roles),
        leaders=leaders,
        explanation_zh=zh,
        explanation_en=en,
    )


class ChainSummary(BaseModel):
    id: str
    name: str
    segment_count: int
    member_count: int
    leaders: list[str] = Field(description="leader enterprise names")
    synthetic: bool = False


class ChainList(BaseModel):
    chains: list[ChainSummary]
    explanation_zh: str
    explanation_en: str


def list_chains(G: nx.MultiDiGraph) -> ChainList:
    """Every chain with its segment and member counts and its leaders' names."""
    out = []
    for c in of_type(G, "Chain"):
        roles = chain_members(G, c)
        out.append(
            ChainSummary(
                id=c,
                name=name_of(G, c),
                segment_count=len(chain_segments(G, c)),
                member_count=len(roles),
                leaders=sorted(name_of(G, n) for n, r in roles.items() if r == "leader"),
                synthetic=bool(G.nodes[c].get("synthetic")),
            )
        )
    return ChainList(
        chains=out,
        explanation_zh=f"共{len(out)}条产业链。",
        explanation_en=f"{len(out)} industrial chains.",
    )


class ChainParams(BaseModel):
    chain: str = Field(min_length=1, description="chain id (chain:汽车零部件) or name")
    year: int | None = Field(None, description="only what is known up to this year")


class ChainsParams(BaseModel):
    year: int | None = Field(None, description="only what is known up to this year")


@named_query(
    "chain_view",
    params=ChainParams,
    result=ChainView,
    zh="产业链全景：上下游环节、成员与链主、研发支撑",
    en="Chain view: segments upstream → downstream, members and leaders, research support",
)
def _chain_view(ctx: QueryContext, p: ChainParams) -> ChainView:
    return chain_view(ctx.graph(window_to(p.year)), p.chain)


@named_query(
    "chains",
    params=ChainsParams,
    result=ChainList,
    zh="产业链列表",
    en="Industrial chains",
)
def _chains(ctx: QueryContext, p: ChainsParams) -> ChainList:
    return list_chains(ctx.graph(window_to(p.year)))
