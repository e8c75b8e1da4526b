"""Communities of organisations (enterprises, universities, labs) tied by cooperation, supply,
investment and shared projects, and pairs of communities that should talk and don't.

Louvain from networkx, seeded: at county scale (a few thousand organisations) it runs well under a
second, so no extra dependency; at province scale networkit's Leiden is ~4x faster than igraph's.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from itertools import combinations

import networkx as nx
from pydantic import BaseModel, Field

from queries.registry import QueryContext, named_query
from queries.scope import (
    RESEARCH_TYPES,
    Scope,
    field_name,
    fields_of,
    name_of,
    resolve_scope,
    tied,
    ties,
    window_to,
)

ORG_TYPES = ("Enterprise", "University", "Lab")
_DIRECT = ("COLLABORATES_WITH", "SUPPLIES", "INVESTED_IN")
_PROJECT = ("LEADS", "PARTICIPATES_IN")
_MIN_SIZE = 3  # smaller groups are listed but never paired
_MAX_PROJECT = 30  # a project with more participants is a programme, not a tie


def collaboration_graph(G: nx.MultiDiGraph, scope: Scope) -> nx.Graph:
    """Undirected weighted graph of organisations: direct ties (their weights summed) plus
    co-participation in a project (weight 1 / (participants − 1), Newman's collaboration weight).

    Scope county: every organisation; chain or region: its enterprises and their research partners.
    """
    nodes = G._node
    if scope.kind == "county":
        orgs = {n for n, d in G.nodes(data=True) if d.get("type") in ORG_TYPES}
    else:
        orgs = set(scope.enterprises)
        for n in scope.enterprises:
            orgs |= tied(G, n, ("COLLABORATES_WITH",), RESEARCH_TYPES)
    h = nx.Graph()
    h.add_nodes_from(sorted(orgs))

    def add(u: str, v: str, w: float) -> None:
        if u == v:
            return
        if h.has_edge(u, v):
            h[u][v]["weight"] += w
        else:
            h.add_edge(u, v, weight=w)

    projects: set[str] = set()
    for u in sorted(orgs):
        for v, d in ties(G, u, _DIRECT, "out"):
            if v in orgs:
                add(u, v, float(d.get("weight", 1.0)))
        for p, _ in ties(G, u, _PROJECT, "out"):
            if nodes[p].get("type") == "Project":
                projects.add(p)
    for p in sorted(projects):
        members = sorted(tied(G, p, _PROJECT, ORG_TYPES, "in") & orgs)
        if 2 <= len(members) <= _MAX_PROJECT:
            for u, v in combinations(members, 2):
                add(u, v, 1.0 / (len(members) - 1))
    return h


def detect(h: nx.Graph, seed: int) -> list[set[str]]:
    """Louvain communities of ``h`` (seeded), largest first, ties broken by smallest member id."""
    found = nx.community.louvain_communities(h, weight="weight", seed=seed)
    return sorted((set(c) for c in found), key=lambda c: (-len(c), min(c)))


class MemberRef(BaseModel):
    id: str
    name: str
    type: str


class CommunityOut(BaseModel):
    id: int = Field(description="0 = largest")
    size: int
    types: dict[str, int] = Field(description="organisations by type")
    members: list[MemberRef] = Field(description="the most connected members (up to 10)")
    demand_fields: list[str] = Field(
        description="fields its enterprises work in, most common first"
    )
    supply_fields: list[str] = Field(description="fields its labs/universities work in")
    internal_ties: int
    external_ties: int


class CommunityPair(BaseModel):
    """Two communities whose fields complement each other, with at most one tie between them."""

    a: int
    b: int
    a_members: list[str] = Field(description="names of A's most connected members")
    b_members: list[str]
    a_needs_b: list[str] = Field(description="fields A's enterprises need and B's research has")
    b_needs_a: list[str] = Field(description="fields B's enterprises need and A's research has")
    ties: int = Field(description="ties between them (0 or 1)")


class Communities(BaseModel):
    scope_kind: str
    scope_name: str
    algorithm: str
    seed: int
    modularity: float | None
    communities: list[CommunityOut]
    pairs: list[CommunityPair]
    explanation_zh: str
    explanation_en: str


def _describe(G: nx.MultiDiGraph, h: nx.Graph, comms: list[set[str]]) -> list[CommunityOut]:
    where = {n: i for i, c in enumerate(comms) for n in c}
    internal: Counter[int] = Counter()
    external: Counter[int] = Counter()
    for u, v in h.edges():
        if where[u] == where[v]:
            internal[where[u]] += 1
        else:
            external[where[u]] += 1
            external[where[v]] += 1
    out = []
    for i, c in enumerate(comms):
        demand: Counter[str] = Counter()
        supply: Counter[str] = Counter()
        for n in c:
            bucket = supply if G.nodes[n]["type"] in RESEARCH_TYPES else demand
            bucket.update(fields_of(G, n))
        top = sorted(c, key=lambda n: (-h.degree(n, weight="weight"), n))[:10]
        out.append(
            CommunityOut(
                id=i,
                size=len(c),
                types=dict(sorted(Counter(G.nodes[n]["type"] for n in c).items())),
                members=[MemberRef(id=n, name=name_of(G, n), type=G.nodes[n]["type"]) for n in top],
                demand_fields=[field_name(G, f) for f, _ in _ranked(demand)],
                supply_fields=[field_name(G, f) for f, _ in _ranked(supply)],
                internal_ties=internal[i],
                external_ties=external[i],
            )
        )
    return out


def _ranked(counts: Counter[str]) -> list[tuple[str, int]]:
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))


def _pairs(
    G: nx.MultiDiGraph, h: nx.Graph, comms: list[set[str]], limit: int
) -> list[CommunityPair]:
    where = {n: i for i, c in enumerate(comms) for n in c}
    between: Counter[tuple[int, int]] = Counter()
    for u, v in h.edges():
        a, b = sorted((where[u], where[v]))
        if a != b:
            between[(a, b)] += 1
    demand: dict[int, set[str]] = defaultdict(set)
    supply: dict[int, set[str]] = defaultdict(set)
    for i, c in enumerate(comms):
        for n in c:
            (supply if G.nodes[n]["type"] in RESEARCH_TYPES else demand)[i].update(fields_of(G, n))
    big = [i for i, c in enumerate(comms) if len(c) >= _MIN_SIZE]
    out = []
    for a, b in combinations(big, 2):
        if between[(a, b)] > 1:
            continue
        a_needs = demand[a] & supply[b]
        b_needs = demand[b] & supply[a]
        if not a_needs and not b_needs:
            continue

        def top(i: int) -> list[str]:
            return [name_of(G, n) for n in sorted(comms[i], key=lambda n: (-h.degree(n), n))[:5]]

        out.append(
            CommunityPair(
                a=a,
                b=b,
                a_members=top(a),
                b_members=top(b),
                a_needs_b=sorted(field_name(G, f) for f in a_needs),
                b_needs_a=sorted(field_name(G, f) for f in b_needs),
                ties=between[(a, b)],
            )
        )
    out.sort(key=lambda p: (-(len(p.a_needs_b) + len(p.b_needs_a)), p.ties, p.a, p.b))
    return out[:limit]


def community_pairs(
    G: nx.MultiDiGraph, scope: Scope, *, seed: int = 42, limit: int = 50
) -> list[CommunityPair]:
    """Complementary community pairs in ``scope`` with at most one tie between them."""
    h = collaboration_graph(G, scope)
    return _pairs(G, h, detect(h, seed), limit)


def communities(
    G: nx.MultiDiGraph, scope: str | None = None, seed: int = 42, *, limit: int = 50
) -> Communities:
    """Louvain communities of organisations in ``scope`` (None = county, or a chain / region),
    described by type mix and fields, and the complementary pairs with at most one tie.

    >>> communities(G, "生物医药", seed=7).communities[0].members[0].name  # doctest: +SKIP
    """
    sc = resolve_scope(G, scope)
    h = collaboration_graph(G, sc)
    comms = detect(h, seed)
    modularity = nx.community.modularity(h, comms) if h.number_of_edges() else None
    described = _describe(G, h, comms)
    pairs = _pairs(G, h, comms, limit)
    n_big = sum(1 for c in comms if len(c) >= _MIN_SIZE)
    return Communities(
        scope_kind=sc.kind,
        scope_name=sc.name,
        algorithm="louvain (networkx)",
        seed=seed,
        modularity=modularity,
        communities=described,
        pairs=pairs,
        explanation_zh=(
            f"{sc.name}的{h.number_of_nodes()}家机构按合作、供应、投资和共同项目划分为"
            f"{len(comms)}个社区（{n_big}个不少于{_MIN_SIZE}家）；"
            f"{len(pairs)}对社区技术领域互补（一方企业所需为另一方高校/实验室所长）但彼此联系不超过一条。"
        ),
        explanation_en=(
            f"{h.number_of_nodes()} organisations in {sc.name} fall into {len(comms)} communities "
            f"({n_big} of at least {_MIN_SIZE}) by cooperation, supply, investment and shared "
            f"projects; {len(pairs)} pairs are complementary (one side's enterprises need fields "
            "the other side's universities/labs work in) with at most one tie between them."
        ),
    )


class CommunitiesParams(BaseModel):
    scope: str | None = Field(None, description="None: the county; or a chain or region name/id")
    seed: int = Field(42, description="Louvain seed (same seed, same answer)")
    year: int | None = Field(None, description="only what is known up to this year")


@named_query(
    "communities",
    params=CommunitiesParams,
    result=Communities,
    zh="创新社区划分与互补社区对",
    en="Communities of organisations and complementary pairs that do not talk",
)
def _communities(ctx: QueryContext, p: CommunitiesParams) -> Communities:
    return communities(ctx.graph(window_to(p.year)), p.scope, p.seed)
