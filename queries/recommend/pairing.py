"""University–enterprise (and lab–enterprise) pairings: whom an enterprise should work with, whom a
university or lab should approach, and the best new pairs in a chain or region, each with evidence.

Scores come from :mod:`queries.recommend.score`; pairs that already collaborate are never
suggested.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

import networkx as nx
import numpy as np
from pydantic import BaseModel, Field

from kg.arrays import GraphArrays
from kg.errors import EntityNotFound, InvalidInput, NoPath
from queries.derived import derived
from queries.paths import CollaborationPath, collaboration_paths
from queries.recommend.features import ORG_TYPES, PairFeatures, arrays_of, pair_features
from queries.recommend.score import COMPONENTS, combine, raw_block, transform
from queries.registry import QueryContext, named_query
from queries.resolve import resolve_entity

CHUNK = 256  # enterprises scored per block in pairings


class EntityRef(BaseModel):
    id: str
    name: str
    type: str


class Components(BaseModel):
    """Each score component in [0, 1] (see queries/recommend/score.py)."""

    field_fit: float
    adamic_adar: float
    ppr: float
    shared_people: float
    chain_partners: float
    track_record: float
    popularity: float


class Evidence(BaseModel):
    shared_fields: list[str]
    shared_ipc: list[str]
    people: list[EntityRef] = Field(description="talents linked to both (employees, alumni)")
    chain_partners: list[EntityRef] = Field(
        description="the enterprise's suppliers, customers and segment peers already working with "
        "the organisation"
    )
    paths: list[CollaborationPath]


class Suggestion(BaseModel):
    candidate: EntityRef
    enterprise: EntityRef
    organisation: EntityRef
    score: float
    components: Components
    evidence: Evidence
    explanation_zh: str
    explanation_en: str


class PartnersParams(BaseModel):
    entity: str = Field(description="enterprise, university or lab: id, name or alias")
    target_type: Literal["University", "Lab", "Enterprise"] | None = None
    k: int = Field(10, ge=1, le=50)


class PartnersResult(BaseModel):
    entity: EntityRef
    target_type: str | None
    suggestions: list[Suggestion]
    explanation_zh: str
    explanation_en: str


class PairingsParams(BaseModel):
    chain: str | None = Field(None, description="industrial chain: id or name")
    region: str | None = Field(None, description="region: id or name")
    k: int = Field(20, ge=1, le=100)


class PairingsResult(BaseModel):
    chain: EntityRef | None
    region: EntityRef | None
    pairs: list[Suggestion]
    explanation_zh: str
    explanation_en: str


def features_for(G: nx.MultiDiGraph, A: GraphArrays | None = None) -> PairFeatures:
    """The pairing features of a projection (built once per projection)."""
    arrays = A if A is not None else derived(G, "arrays", lambda: arrays_of(G))
    return derived(arrays, "pair_features", lambda: pair_features(G, arrays))


def recommend_partners(
    G: nx.MultiDiGraph,
    entity: str,
    target_type: str | None = None,
    k: int = 10,
    *,
    A: GraphArrays | None = None,
    weights: Mapping[str, float] | None = None,
) -> PartnersResult:
    """The ``k`` best new partners of ``entity``: universities and labs for an enterprise,
    enterprises for a university or lab; existing partners excluded.

    ``A`` is the array projection of the same store and window (built from ``G`` when omitted).
    """
    F = features_for(G, A)
    node = resolve_entity(G, entity)
    ntype = G.nodes[node].get("type")
    node_i = F.arrays.index[node]
    i = np.array([node_i])
    if ntype == "Enterprise":
        if target_type not in (None, *ORG_TYPES):
            raise InvalidInput(f"an enterprise's partners are University or Lab, not {target_type}")
        orgs = F.orgs if target_type is None else F.arrays.of_type(target_type)
        scores, parts, existing = _scored(F, i, orgs, weights)
        found = [
            _suggest(G, F, node_i, int(orgs[j]), scores[0, j], _at(parts, 0, j), candidate="org")
            for j in _top(scores[0], existing[0], k)
        ]
    elif ntype in ORG_TYPES:
        if target_type not in (None, "Enterprise"):
            raise InvalidInput(f"a {ntype}'s partners are enterprises, not {target_type}")
        scores, parts, existing = _scored(F, F.ents, i, weights)
        found = [
            _suggest(G, F, int(F.ents[a]), node_i, scores[a, 0], _at(parts, a, 0), candidate="ent")
            for a in _top(scores[:, 0], existing[:, 0], k)
        ]
    else:
        raise InvalidInput(
            f"{entity!r} is a {ntype}: partners are suggested for enterprises, "
            "universities and labs"
        )
    me = _ref(G, node)
    return PartnersResult(
        entity=me,
        target_type=target_type,
        suggestions=found,
        explanation_zh=f"为 {me.name} 推荐 {len(found)} 个新的合作对象（已合作的不再推荐），按综合得分排序。",
        explanation_en=f"{len(found)} new partner(s) for {me.name} (existing partners excluded), "
        "best first.",
    )


def recommend_pairings(
    G: nx.MultiDiGraph,
    chain: str | None = None,
    region: str | None = None,
    k: int = 20,
    *,
    A: GraphArrays | None = None,
    weights: Mapping[str, float] | None = None,
) -> PairingsResult:
    """The ``k`` best new university/lab–enterprise pairs among the enterprises of a chain and/or a
    region (all enterprises when neither is given)."""
    F = features_for(G, A)
    chain_ref, region_ref, ents = _scope(G, F, chain, region)
    # (score, enterprise index, organisation index, components)
    best: list[tuple[float, int, int, dict[str, float]]] = []
    c = len(F.orgs)
    for lo in range(0, len(ents), CHUNK):
        block = ents[lo : lo + CHUNK]
        scores, parts, existing = _scored(F, block, F.orgs, weights)
        masked = np.where(existing, -np.inf, scores).ravel()
        take = min(k, int(np.isfinite(masked).sum()))
        for flat in np.argpartition(-masked, take - 1)[:take] if take else ():
            a, j = divmod(int(flat), c)
            best.append((float(masked[flat]), int(block[a]), int(F.orgs[j]), _at(parts, a, j)))
        best = sorted(best, key=lambda t: (-t[0], t[1], t[2]))[:k]
    pairs = [_suggest(G, F, e, o, s, comps, candidate="org") for s, e, o, comps in best]
    where_zh = "、".join(r.name for r in (chain_ref, region_ref) if r) or "全部企业"
    where_en = ", ".join(r.name for r in (chain_ref, region_ref) if r) or "all enterprises"
    return PairingsResult(
        chain=chain_ref,
        region=region_ref,
        pairs=pairs,
        explanation_zh=f"{where_zh}范围内最值得促成的 {len(pairs)} 对新校企（院企）合作，按综合得分排序。",
        explanation_en=f"The {len(pairs)} most promising new university/lab–enterprise pairs in "
        f"{where_en}, best first.",
    )


def _scored(
    F: PairFeatures, ents: np.ndarray, orgs: np.ndarray, weights: Mapping[str, float] | None
) -> tuple[np.ndarray, dict[str, np.ndarray], np.ndarray]:
    raw, existing = raw_block(F, ents, orgs)
    parts = transform(F, raw)
    return combine(parts, weights), parts, existing


def _top(scores: np.ndarray, existing: np.ndarray, k: int) -> list[int]:
    order = np.lexsort((np.arange(len(scores)), -scores))
    return [int(j) for j in order if not existing[j]][:k]


def _scope(
    G: nx.MultiDiGraph, F: PairFeatures, chain: str | None, region: str | None
) -> tuple[EntityRef | None, EntityRef | None, np.ndarray]:
    ents = {F.arrays.ids[i] for i in F.ents}
    chain_ref = region_ref = None
    if chain:
        cid = resolve_entity(G, chain)
        if G.nodes[cid].get("type") != "Chain":
            raise InvalidInput(f"{chain!r} is not an industrial chain")
        segments = {u for u, _, t in G.in_edges(cid, data="type") if t == "SEGMENT_OF"}
        members = {
            u for s in segments for u, _, t in G.in_edges(s, data="type") if t == "IN_SEGMENT"
        }
        ents &= members
        chain_ref = _ref(G, cid)
    if region:
        rid = resolve_entity(G, region)
        if G.nodes[rid].get("type") != "Region":
            raise InvalidInput(f"{region!r} is not a region")
        name = G.nodes[rid].get("name")
        located = {u for u, _, t in G.in_edges(rid, data="type") if t == "LOCATED_IN"}
        ents = {e for e in ents if e in located or G.nodes[e].get("region") == name}
        region_ref = _ref(G, rid)
    if not ents:
        raise EntityNotFound("no enterprise in that scope")
    return chain_ref, region_ref, np.array(sorted(F.arrays.index[e] for e in ents))


def _at(parts: Mapping[str, np.ndarray], a: int, b: int) -> dict[str, float]:
    return {c: round(float(parts[c][a, b]), 4) for c in COMPONENTS}


def _suggest(
    G: nx.MultiDiGraph,
    F: PairFeatures,
    e: int,
    o: int,
    score: float,
    components: dict[str, float],
    *,
    candidate: Literal["org", "ent"],
) -> Suggestion:
    """One suggestion for enterprise ``e`` × organisation ``o`` (node indices), with evidence."""
    ids = F.arrays.ids
    ent, org = _ref(G, ids[e]), _ref(G, ids[o])
    ev = _evidence(G, F, e, o)
    comps = Components(**components)
    zh, en = _explain(ev, comps)
    return Suggestion(
        candidate=org if candidate == "org" else ent,
        enterprise=ent,
        organisation=org,
        score=round(float(score), 4),
        components=comps,
        evidence=ev,
        explanation_zh=f"{ent.name} × {org.name}：{zh}",
        explanation_en=f"{ent.name} × {org.name}: {en}",
    )


def _evidence(G: nx.MultiDiGraph, F: PairFeatures, e: int, o: int) -> Evidence:
    ids = F.arrays.ids
    te, to = F.text[[e]], F.text[[o]]
    both = te.multiply(to).tocoo()
    ranked = [F.terms[j] for j in both.col[np.argsort(-both.data, kind="stable")]]
    fields = [t[2:] for t in ranked if t.startswith("F:")][:5]
    ipc = [t[4:] for t in ranked if t.startswith("IPC:")][:5]
    people = np.intersect1d(F.people[[e]].indices, F.people[[o]].indices).tolist()
    works_with_o = set(F.collab[[o]].indices.tolist())
    peers = F.segment_members[F.segment[[e]].indices].indices
    nearby = dict.fromkeys([*F.supplies[[e]].indices.tolist(), *sorted(set(peers.tolist()) - {e})])
    partners = [c for c in nearby if c in works_with_o]
    try:
        paths = collaboration_paths(G, ids[e], ids[o], k=2, max_hops=4).paths
    except NoPath:
        paths = []
    return Evidence(
        shared_fields=fields,
        shared_ipc=ipc,
        people=[_ref(G, ids[p]) for p in people[:5]],
        chain_partners=[_ref(G, ids[int(c)]) for c in partners[:5]],
        paths=paths,
    )


def _explain(ev: Evidence, c: Components) -> tuple[str, str]:
    zh: list[str] = []
    en: list[str] = []
    if ev.shared_fields or ev.shared_ipc:
        common = "、".join(ev.shared_fields + ev.shared_ipc)
        zh.append(f"技术领域契合（{common}）")
        en.append(f"technical fit ({', '.join(ev.shared_fields + ev.shared_ipc)})")
    if ev.people:
        zh.append(f"共同人才 {len(ev.people)} 人（{'、'.join(p.name for p in ev.people)}）")
        en.append(f"{len(ev.people)} shared people ({', '.join(p.name for p in ev.people)})")
    if ev.chain_partners:
        names = [p.name for p in ev.chain_partners]
        zh.append(f"产业链伙伴 {'、'.join(names)} 已与其合作")
        en.append(f"chain partners already working with it: {', '.join(names)}")
    if c.track_record > 0:
        zh.append("在该领域有合作与成果积累")
        en.append("a track record in these fields")
    if ev.paths:
        zh.append(f"最近路径：{ev.paths[0].explanation_zh}")
        en.append(f"closest path: {ev.paths[0].explanation_en}")
    return ("；".join(zh) or "图上接近度较高", "; ".join(en) or "close in the graph")


def _ref(G: nx.MultiDiGraph, n: str) -> EntityRef:
    d = G.nodes[n]
    return EntityRef(id=n, name=str(d.get("name") or n), type=str(d.get("type", "")))


@named_query(
    "recommend_partners",
    params=PartnersParams,
    result=PartnersResult,
    zh="合作对象推荐：为企业推荐高校/实验室，为高校/实验室推荐企业（附证据）",
    en="Partner suggestions: universities and labs for an enterprise, enterprises for a university",
)
def _recommend_partners(ctx: QueryContext, p: PartnersParams) -> PartnersResult:
    return recommend_partners(ctx.graph(), p.entity, p.target_type, p.k, A=ctx.arrays())


@named_query(
    "recommend_pairings",
    params=PairingsParams,
    result=PairingsResult,
    zh="校企配对推荐：产业链或地区内最值得促成的新合作",
    en="Pairings: the most promising new university–enterprise pairs in a chain or region",
)
def _recommend_pairings(ctx: QueryContext, p: PairingsParams) -> PairingsResult:
    return recommend_pairings(ctx.graph(), p.chain, p.region, p.k, A=ctx.arrays())
