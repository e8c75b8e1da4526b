"""Chain-leader influence (链主影响力): how central each leader and candidate leader is inside its
chain, whom it reaches, whom it brokers for, how locally embedded it is, and what the chain loses
if it leaves; plus the SMEs a leader could open its university partners to. All of it over the
chain's subgraph (:mod:`queries.chain_subgraph`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Literal

import networkx as nx
import numpy as np
import scipy.sparse as sp
from pydantic import BaseModel, Field
from scipy.sparse.csgraph import connected_components

from kg.arrays import NODE_TYPE_CODES, REL_TYPE_CODES, GraphArrays
from queries.chain_subgraph import TIE_RELS, ChainSubgraph, chain_subgraph
from queries.derived import derived
from queries.registry import QueryContext, named_query
from queries.scope import (
    field_name,
    fields_of,
    is_local,
    local_regions,
    name_of,
    node_ref,
    ties,
    window_to,
)
from queries.sparse import betweenness, pagerank, within_two_hops, without

EXACT_BETWEENNESS_MAX = 1000  # nodes; above this, betweenness is sampled
BETWEENNESS_SAMPLES = 128


class EnterpriseBrief(BaseModel):
    id: str
    name: str


class RemovalImpact(BaseModel):
    """What the chain loses if this enterprise leaves."""

    cut_off: list[EnterpriseBrief] = Field(
        description="members that reach a research partner now and would reach none"
    )
    components_added: int = Field(description="how many more pieces the chain's network falls into")
    reach_drop: int = Field(
        description="fewer chain SMEs within two hops of any lab/university (itself not counted)"
    )


class LeaderInfluence(BaseModel):
    id: str
    name: str
    role: Literal["leader", "candidate"]
    rank: int = Field(description="1 = most influential by PageRank")
    pagerank: float
    reach: int = Field(description="chain SMEs within two hops")
    research_bridged: int = Field(
        description="of those, SMEs with no research partner of their own that can reach one "
        "through it"
    )
    research_bridge_share: float | None
    brokerage: float = Field(description="normalised betweenness inside the chain")
    brokerage_sampled: bool
    local_embeddedness: float | None = Field(
        description="share of its suppliers and cooperation partners that are local"
    )
    embedding_ties: int = Field(description="suppliers and partners counted")
    removal: RemovalImpact
    explanation_zh: str
    explanation_en: str


class PartnerMatch(BaseModel):
    id: str
    name: str
    shared_fields: list[str]


class Opportunity(BaseModel):
    """An SME tied to a leader, with no university or lab partner of its own."""

    leader_id: str
    leader_name: str
    sme_id: str
    sme_name: str
    ties: list[str] = Field(description="how it is tied to the leader (relation types, PROJECT)")
    partners: list[PartnerMatch] = Field(
        description="the leader's university/lab partners working in the SME's fields"
    )


class MetricDoc(BaseModel):
    key: str
    zh: str
    en: str


METRICS = [
    MetricDoc(
        key="pagerank",
        zh="链内PageRank：在供应、产学研合作、项目和投资关系（按强度加权）构成的链内网络中的中心度。",
        en="PageRank inside the chain's network of supply, cooperation, project and ownership "
        "ties, weighted by tie strength.",
    ),
    MetricDoc(
        key="reach",
        zh="辐射范围：两步之内可达的链上中小企业数；其中自身无高校/实验室合作、可经由它接触研发伙伴的比例。",
        en="Reach: chain SMEs within two hops, and the share of them with no research partner of "
        "their own that can reach one through it.",
    ),
    MetricDoc(
        key="brokerage",
        zh="中介性：链内最短路径经过它的比例（介数中心度，大图按固定种子抽样）。",
        en="Brokerage: share of shortest paths inside the chain through it (betweenness, sampled "
        "with a fixed seed on big subgraphs).",
    ),
    MetricDoc(
        key="local_embeddedness",
        zh="本地根植性：其供应商与合作伙伴中本地机构所占比例。",
        en="Local embeddedness: share of its suppliers and cooperation partners that are local.",
    ),
    MetricDoc(
        key="removal",
        zh="移除影响：若它退出，失去全部研发伙伴连接的成员、网络新增的断裂块数、两步内可达研发伙伴的中小企业减少数。",
        en="Removal impact: members that would lose every path to a research partner, how many "
        "more pieces the network falls into, and how many fewer SMEs sit within two hops of one.",
    ),
]


class ChainInfluence(BaseModel):
    main_list: ClassVar[str] = "leaders"  # what a notebook's DataFrame view shows

    chain_id: str
    chain_name: str
    subgraph_nodes: int
    subgraph_edges: int
    leaders: list[LeaderInfluence] = Field(description="leaders and candidates, ranked")
    opportunities: list[Opportunity]
    metrics: list[MetricDoc]
    explanation_zh: str
    explanation_en: str


def _research_reach(a: sp.csr_array, research: np.ndarray, sme: np.ndarray) -> np.ndarray:
    """Mask of SMEs within two hops of a research node."""
    r = research.astype(np.float64)
    one = (a @ r) > 0
    two = (a @ one.astype(np.float64)) > 0
    return (one | two) & sme


@dataclass(frozen=True)
class _Baseline:
    """What removals are compared with, computed once per chain."""

    members: np.ndarray  # bool: chain member
    components: np.ndarray  # component label of each node
    with_research: np.ndarray  # bool: its component holds a research node
    reach: np.ndarray  # bool: SME within two hops of a research node

    @classmethod
    def of(cls, sg: ChainSubgraph) -> _Baseline:
        _, comp = connected_components(sg.adjacency, directed=False)
        return cls(
            members=np.array([x in sg.roles for x in sg.ids], dtype=bool),
            components=comp,
            with_research=np.isin(comp, comp[sg.research]),
            reach=_research_reach(sg.adjacency, sg.research, sg.sme),
        )


def _removal(G: nx.MultiDiGraph, sg: ChainSubgraph, i: int, base: _Baseline) -> RemovalImpact:
    """Remove node ``i``'s ties and compare with ``base``: only ``i``'s component can split, and
    only nodes within two hops of ``i`` can lose their two-hop research reach."""
    after = without(sg.adjacency, i)
    piece = np.flatnonzero(base.components == base.components[i])
    piece = piece[piece != i]
    _, comp = connected_components(after, directed=False)
    pieces = np.unique(comp[piece])
    lost = np.zeros(sg.n, dtype=bool)
    if base.with_research[i]:
        lost[piece] = ~np.isin(comp[piece], comp[sg.research])
    cut = np.flatnonzero(base.members & lost)
    near = within_two_hops(sg.adjacency, i)
    reach_after = _research_reach(after, sg.research, sg.sme)
    return RemovalImpact(
        cut_off=[EnterpriseBrief(id=sg.ids[j], name=name_of(G, sg.ids[j])) for j in cut],
        components_added=max(len(pieces) - 1, 0),
        reach_drop=int(base.reach[near].sum() - reach_after[near].sum()),
    )


def _suppliers_and_partners(
    G: nx.MultiDiGraph, x: str, arrays: GraphArrays | None = None
) -> set[str]:
    """Enterprises that supply ``x`` and organisations it cooperates with: from a matrix derived
    once per array projection when given, else one pass over its edges (a leader has thousands)."""
    if arrays is not None:
        m = embedding_matrix(arrays)
        i = arrays.index[x]
        return {arrays.ids[j] for j in m.indices[m.indptr[i] : m.indptr[i + 1]]}
    nodes = G._node
    found = {
        u
        for u, d in ties(G, x, ("SUPPLIES", "COLLABORATES_WITH"), "in")
        if d["type"] == "COLLABORATES_WITH" or nodes[u]["type"] == "Enterprise"
    }
    return found | {v for v, _ in ties(G, x, ("COLLABORATES_WITH",), "out")}


def embedding_matrix(arrays: GraphArrays) -> sp.csr_array:
    """Row x: its suppliers (enterprises that ``SUPPLIES`` it) and cooperation partners."""

    def build() -> sp.csr_array:
        rel, src, dst = arrays.rel_type, arrays.src, arrays.dst
        supply = (rel == REL_TYPE_CODES["SUPPLIES"]) & (
            arrays.node_type[src] == NODE_TYPE_CODES["Enterprise"]
        )
        coop = rel == REL_TYPE_CODES["COLLABORATES_WITH"]
        rows = np.concatenate([dst[supply], dst[coop], src[coop]])
        cols = np.concatenate([src[supply], src[coop], dst[coop]])
        m = sp.csr_array(
            (np.ones(len(rows), dtype=np.int8), (rows, cols)), shape=(arrays.n, arrays.n)
        )
        m.sum_duplicates()
        return m

    return derived(arrays, "chainembedding_matrix", build)


def candidates(sg: ChainSubgraph, G: nx.MultiDiGraph, k: int) -> list[str]:
    """Leaders, then the ``k`` other members with the highest in-chain weighted degree (revenue
    breaks ties)."""
    degree = np.asarray(sg.adjacency.sum(axis=1)).ravel()
    others = sorted(
        (x for x, r in sg.roles.items() if r != "leader"),
        key=lambda x: (-degree[sg.index[x]], -(G.nodes[x].get("revenue") or 0.0), x),
    )
    return sorted(x for x, r in sg.roles.items() if r == "leader") + others[:k]


def chain_leader_influence(
    G: nx.MultiDiGraph,
    arrays: GraphArrays | None = None,
    chain: str = "",
    *,
    k_candidates: int = 3,
    seed: int = 42,
) -> ChainInfluence:
    """Influence of the leaders and candidate leaders of ``chain`` (id or name), ranked by PageRank.

    >>> chain_leader_influence(G, None, "汽车零部件").leaders[0].name  # doctest: +SKIP
    """
    cid = node_ref(G, chain, ("Chain",))
    sg = chain_subgraph(G, cid, arrays)
    a = sg.adjacency
    pr = pagerank(a, tol=1e-9)
    k = BETWEENNESS_SAMPLES if sg.n > EXACT_BETWEENNESS_MAX else None
    bc, sampled = betweenness(a, k=k, seed=seed)
    base = _Baseline.of(sg)
    own_research = (a @ sg.research.astype(np.float64)) > 0
    regions: frozenset[str] | None = None
    results = []
    for x in candidates(sg, G, k_candidates):
        i = sg.index[x]
        near = within_two_hops(a, i)
        reach = near[sg.sme[near]]
        offers = bool(sg.research[near].any())
        bridged = int((~own_research[reach]).sum()) if offers else 0
        embed = _suppliers_and_partners(G, x, arrays)
        if embed and regions is None and any(G.nodes[e].get("local") is None for e in embed):
            regions = local_regions(G)
        local = sum(is_local(G, e, regions or frozenset()) for e in embed)
        removal = _removal(G, sg, i, base)
        results.append(
            _influence(
                G,
                x,
                sg.roles[x],
                pagerank=float(pr[i]),
                reach=len(reach),
                bridged=bridged,
                brokerage=float(bc[i]),
                sampled=sampled,
                embedding=(local, len(embed)),
                removal=removal,
            )
        )
    results.sort(key=lambda r: (-r.pagerank, r.id))
    for rank, r in enumerate(results, start=1):
        r.rank = rank
    opportunities = leader_opportunities(G, sg)
    name = name_of(G, cid)
    top = results[0].name if results else "—"
    return ChainInfluence(
        chain_id=cid,
        chain_name=name,
        subgraph_nodes=sg.n,
        subgraph_edges=int(a.nnz // 2),
        leaders=results,
        opportunities=opportunities,
        metrics=METRICS,
        explanation_zh=(
            f"{name}链内网络含{sg.n}个节点；{len(results)}家链主及候选链主按链内PageRank排序，"
            f"影响力最高的是{top}；{len(opportunities)}家与链主相连的中小企业尚无高校/实验室合作。"
        ),
        explanation_en=(
            f"{name}: {sg.n} nodes in the chain's network; {len(results)} leaders and candidates "
            f"ranked by in-chain PageRank, {top} first; {len(opportunities)} SMEs tied to a leader "
            "have no university or lab partner yet."
        ),
    )


def _influence(
    G: nx.MultiDiGraph,
    x: str,
    role: str,
    *,
    pagerank: float,
    reach: int,
    bridged: int,
    brokerage: float,
    sampled: bool,
    embedding: tuple[int, int],
    removal: RemovalImpact,
) -> LeaderInfluence:
    name = name_of(G, x)
    local, total = embedding
    share = local / total if total else None
    cut = len(removal.cut_off)
    share_txt = f"{share:.0%}" if share is not None else "—"
    return LeaderInfluence(
        id=x,
        name=name,
        role="leader" if role == "leader" else "candidate",
        rank=0,
        pagerank=pagerank,
        reach=reach,
        research_bridged=bridged,
        research_bridge_share=bridged / reach if reach else None,
        brokerage=brokerage,
        brokerage_sampled=sampled,
        local_embeddedness=share,
        embedding_ties=total,
        removal=removal,
        explanation_zh=(
            f"{name}两步内触达{reach}家链上中小企业，其中{bridged}家自身无研发合作、可经由它接触高校/实验室；"
            f"介数{brokerage:.3f}；供应商与合作伙伴{total}家中本地占{share_txt}；"
            f"若其退出，{cut}家成员将失去全部研发伙伴连接，网络新增{removal.components_added}个断裂块。"
        ),
        explanation_en=(
            f"{name} reaches {reach} chain SMEs within two hops, {bridged} of which have no research "
            f"partner of their own but can reach one through it; betweenness {brokerage:.3f}; "
            f"{share_txt} of its {total} suppliers and partners are local; if it left, {cut} "
            f"members would lose every path to a research partner and the network would fall "
            f"into {removal.components_added} more pieces."
        ),
    )


def leader_opportunities(G: nx.MultiDiGraph, sg: ChainSubgraph) -> list[Opportunity]:
    """SMEs tied to a leader (directly or through a shared project) without a university or lab
    partner, with the leader's university/lab partners that work in their fields.

    Read from the chain's subgraph, which holds every member's ties to research organisations and
    projects: by the schema an enterprise and a university or lab are tied only by cooperation,
    and a project only to those who lead or join it."""
    out = []
    nodes = G._node
    a = sg.adjacency
    ptr, idx = a.indptr, a.indices
    own_research = (a @ sg.research.astype(np.float64)) > 0
    for leader in sorted(x for x, r in sg.roles.items() if r == "leader"):
        near = idx[ptr[sg.index[leader]] : ptr[sg.index[leader] + 1]]
        partners = sorted(sg.ids[j] for j in near if sg.research[j])
        partner_fields = {p: fields_of(G, p) for p in partners}
        how: dict[str, set[str]] = {}
        for j in near:
            v = sg.ids[j]
            if v in sg.roles:
                how.setdefault(v, set()).update(_tie_types(G, leader, v))
            elif nodes[v]["type"] == "Project":
                for q in idx[ptr[j] : ptr[j + 1]]:
                    m = sg.ids[q]
                    if m in sg.roles and m != leader:
                        how.setdefault(m, set()).add("PROJECT")
        for sme in sorted(how):
            if not sg.sme[sg.index[sme]] or own_research[sg.index[sme]]:
                continue
            wants = fields_of(G, sme)
            matches = [
                PartnerMatch(
                    id=p,
                    name=name_of(G, p),
                    shared_fields=sorted(field_name(G, f) for f in partner_fields[p] & wants),
                )
                for p in partners
                if partner_fields[p] & wants
            ]
            out.append(
                Opportunity(
                    leader_id=leader,
                    leader_name=name_of(G, leader),
                    sme_id=sme,
                    sme_name=name_of(G, sme),
                    ties=sorted(how[sme]),
                    partners=matches,
                )
            )
    out.sort(key=lambda o: (-len(o.partners), o.leader_id, o.sme_id))
    return out


def _tie_types(G: nx.MultiDiGraph, u: str, v: str) -> set[str]:
    """Relation types of the ``TIE_RELS`` edges between ``u`` and ``v``, either direction."""
    keyed = [*G._succ[u].get(v, {}).values(), *G._pred[u].get(v, {}).values()]
    return {d["type"] for d in keyed if d["type"] in TIE_RELS}


class InfluenceParams(BaseModel):
    chain: str = Field(min_length=1, description="chain id (chain:汽车零部件) or name")
    candidates: int = Field(3, ge=0, le=50, description="non-leader members to assess as well")
    seed: int = Field(42, description="seed for sampled betweenness on big chains")
    year: int | None = Field(None, description="only what is known up to this year")


@named_query(
    "chain_leader_influence",
    params=InfluenceParams,
    result=ChainInfluence,
    zh="链主影响力：链内中心度、辐射范围、中介性、本地根植性与移除影响",
    en="Chain-leader influence: in-chain PageRank, reach, brokerage, embeddedness, removal impact",
)
def _chain_leader_influence(ctx: QueryContext, p: InfluenceParams) -> ChainInfluence:
    window = window_to(p.year)
    return chain_leader_influence(
        ctx.graph(window), ctx.arrays(window), p.chain, k_candidates=p.candidates, seed=p.seed
    )
