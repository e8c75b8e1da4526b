"""Collaboration gaps: the five coverages of above-scale enterprises (规上企业"五个全覆盖")
against target, chain segments without research support, fields with enterprise demand and no
local research supply, and communities that should talk and don't.

The coverages are computed exactly as docs/conventions.md defines them.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable

import networkx as nx
from pydantic import BaseModel, Field

from kg.settings import CoverageTargets, Settings
from queries.chains import chain_members, chain_segments, segment_members, segment_supporters
from queries.communities import CommunityPair, community_pairs
from queries.registry import QueryContext, named_query
from queries.scope import (
    RESEARCH_TYPES,
    Scope,
    field_name,
    fields_of,
    is_local,
    local_regions,
    name_of,
    of_type,
    resolve_scope,
    tied,
    window_to,
)

NO_CHAIN = "未归链"

# key → (Chinese label, English label, test on an enterprise)
CoverageTest = Callable[[nx.MultiDiGraph, str], bool]


def _has_patent(G: nx.MultiDiGraph, n: str) -> bool:
    return bool(tied(G, n, ("APPLIED",), ("Patent",), "out"))


def _has_rd_spending(G: nx.MultiDiGraph, n: str) -> bool:
    value = G.nodes[n].get("rd_spending")
    return isinstance(value, int | float) and value > 0


def _has_rd_institution(G: nx.MultiDiGraph, n: str) -> bool:
    if G.nodes[n].get("rd_institution"):
        return True
    return any(
        G.nodes[p].get("kind") == "企业研究院" for p in tied(G, n, ("HOSTS",), ("Platform",), "out")
    )


def _has_iur(G: nx.MultiDiGraph, n: str) -> bool:
    return bool(tied(G, n, ("COLLABORATES_WITH",), RESEARCH_TYPES))


def _is_high_tech(G: nx.MultiDiGraph, n: str) -> bool:
    return bool(G.nodes[n].get("high_tech"))


COVERAGES: dict[str, tuple[str, str, CoverageTest]] = {
    "patents": ("有专利", "with patents", _has_patent),
    "rd_spending": ("有研发费用", "with R&D spending", _has_rd_spending),
    "rd_institution": ("有研发机构", "with an R&D institution", _has_rd_institution),
    "iur_cooperation": ("有产学研合作", "with industry–university–research cooperation", _has_iur),
    "high_tech": ("是高新技术企业", "high-tech status", _is_high_tech),
}


class EnterpriseRef(BaseModel):
    id: str
    name: str
    region: str | None = None
    chains: list[str] = Field(default_factory=list, description="names of its chains")


class CoverageGroup(BaseModel):
    """One coverage within a chain or a region."""

    key: str = Field(description="chain id, region name, or 未归链 for enterprises in no chain")
    name: str
    total: int
    covered: int
    rate: float | None
    missing: list[str] = Field(description="ids of the enterprises that fall short")


class CoverageOut(BaseModel):
    key: str = Field(
        description="patents | rd_spending | rd_institution | iur_cooperation | high_tech"
    )
    label_zh: str
    label_en: str
    total: int = Field(description="above-scale enterprises in scope")
    covered: int
    rate: float | None = Field(description="covered / total, 0–1")
    target: float
    meets_target: bool
    shortfall: int = Field(description="how many more enterprises must be covered to meet target")
    missing: list[EnterpriseRef]
    by_chain: list[CoverageGroup]
    by_region: list[CoverageGroup]


def _rate(covered: int, total: int) -> float | None:
    return covered / total if total else None


def coverages(
    G: nx.MultiDiGraph, scope: Scope, targets: CoverageTargets | None = None
) -> list[CoverageOut]:
    """The five coverages over the above-scale enterprises of ``scope``, with who falls short."""
    targets = targets or CoverageTargets()
    firms = sorted(
        n for n in of_type(G, "Enterprise") if G.nodes[n].get("above_scale") and scope.holds(n)
    )
    chains_of: dict[str, list[str]] = defaultdict(list)
    for c in of_type(G, "Chain"):
        for n in chain_members(G, c):
            chains_of[n].append(c)
    out = []
    for key, (zh, en, test) in COVERAGES.items():
        ok = {n: test(G, n) for n in firms}
        covered = sum(ok.values())
        target = float(getattr(targets, key))
        rate = _rate(covered, len(firms))
        missing = [n for n in firms if not ok[n]]
        by_chain: dict[str, list[str]] = defaultdict(list)
        by_region: dict[str, list[str]] = defaultdict(list)
        for n in firms:
            for c in chains_of.get(n) or [NO_CHAIN]:
                by_chain[c].append(n)
            by_region[str(G.nodes[n].get("region") or "")].append(n)
        out.append(
            CoverageOut(
                key=key,
                label_zh=zh,
                label_en=en,
                total=len(firms),
                covered=covered,
                rate=rate,
                target=target,
                meets_target=rate is not None and rate + 1e-9 >= target,
                shortfall=max(0, math.ceil(target * len(firms) - 1e-9) - covered),
                missing=[
                    EnterpriseRef(
                        id=n,
                        name=name_of(G, n),
                        region=G.nodes[n].get("region"),
                        chains=sorted(name_of(G, c) for c in chains_of.get(n, ())),
                    )
                    for n in missing
                ],
                by_chain=_groups(G, by_chain, ok, chain_names=True),
                by_region=_groups(G, by_region, ok, chain_names=False),
            )
        )
    return out


def _groups(
    G: nx.MultiDiGraph, groups: dict[str, list[str]], ok: dict[str, bool], *, chain_names: bool
) -> list[CoverageGroup]:
    out = []
    for key, firms in groups.items():
        covered = sum(ok[n] for n in firms)
        name = name_of(G, key) if chain_names and key in G else key or "未知地区"
        out.append(
            CoverageGroup(
                key=key,
                name=name,
                total=len(firms),
                covered=covered,
                rate=_rate(covered, len(firms)),
                missing=[n for n in firms if not ok[n]],
            )
        )
    out.sort(key=lambda g: (g.rate if g.rate is not None else 1.0, g.key))
    return out


class SegmentGap(BaseModel):
    """A chain segment that no lab or university supports."""

    chain_id: str
    chain_name: str
    segment_id: str
    stage: str
    fields: list[str]
    member_count: int
    platforms: list[str] = Field(description="platforms supporting it (not research support)")


def segment_gaps(G: nx.MultiDiGraph, scope: Scope) -> list[SegmentGap]:
    """Segments with no supporting lab or university (explicit or through collaboration)."""
    chains = [scope.id] if scope.kind == "chain" and scope.id else of_type(G, "Chain")
    out = []
    for c in chains:
        for s in chain_segments(G, c):
            roles = segment_members(G, s)
            if scope.kind == "region" and not any(scope.holds(n) for n in roles):
                continue
            supporters = segment_supporters(G, s, roles)
            if any(x.type in RESEARCH_TYPES for x in supporters):
                continue
            out.append(
                SegmentGap(
                    chain_id=c,
                    chain_name=name_of(G, c),
                    segment_id=s,
                    stage=str(G.nodes[s].get("stage") or name_of(G, s)),
                    fields=sorted(field_name(G, f) for f in fields_of(G, s)),
                    member_count=len(roles),
                    platforms=[x.name for x in supporters],
                )
            )
    return out


class FieldGap(BaseModel):
    """A field enterprises need and no local lab or university works in."""

    field_id: str
    field_name: str
    enterprise_count: int = Field(description="in-scope enterprises working or patenting in it")
    patent_count: int = Field(description="their patents in the field")
    enterprises: list[str] = Field(description="names of up to 10 of them, most patents first")
    outside_suppliers: list[str] = Field(
        description="non-local labs and universities working in it (who could be brought in)"
    )


def field_gaps(G: nx.MultiDiGraph, scope: Scope, limit: int = 10) -> list[FieldGap]:
    """Fields with enterprise demand (``WORKS_IN``, fields, patents) and no local research supply."""
    demand: dict[str, dict[str, int]] = defaultdict(dict)  # field → enterprise → patents
    for n in of_type(G, "Enterprise"):
        if not scope.holds(n):
            continue
        for f in fields_of(G, n):
            demand[f].setdefault(n, 0)
        for pat in tied(G, n, ("APPLIED",), ("Patent",), "out"):
            for f in fields_of(G, pat):
                demand[f][n] = demand[f].get(n, 0) + 1
    regions = local_regions(G)
    local_supply: set[str] = set()
    outside: dict[str, list[str]] = defaultdict(list)
    for r in of_type(G, *RESEARCH_TYPES):
        local = is_local(G, r, regions)
        for f in fields_of(G, r):
            if local:
                local_supply.add(f)
            else:
                outside[f].append(name_of(G, r))
    out = []
    for f, firms in demand.items():
        if f in local_supply:
            continue
        top = sorted(firms, key=lambda n: (-firms[n], n))[:limit]
        out.append(
            FieldGap(
                field_id=f,
                field_name=field_name(G, f),
                enterprise_count=len(firms),
                patent_count=sum(firms.values()),
                enterprises=[name_of(G, n) for n in top],
                outside_suppliers=sorted(outside.get(f, ()))[:limit],
            )
        )
    out.sort(key=lambda g: (-g.enterprise_count, -g.patent_count, g.field_id))
    return out


class CollaborationGaps(BaseModel):
    scope_kind: str = Field(description="county | chain | region")
    scope_name: str
    coverages: list[CoverageOut]
    unsupported_segments: list[SegmentGap]
    field_gaps: list[FieldGap]
    community_pairs: list[CommunityPair]
    explanation_zh: str
    explanation_en: str


def collaboration_gaps(
    G: nx.MultiDiGraph,
    scope: str | None = None,
    targets: CoverageTargets | None = None,
    *,
    seed: int = 42,
) -> CollaborationGaps:
    """Where collaboration falls short in ``scope`` (None = county, or a chain / region name).

    >>> gaps = collaboration_gaps(G, "汽车零部件")  # doctest: +SKIP
    >>> [(c.key, c.rate) for c in gaps.coverages]  # doctest: +SKIP
    """
    sc = resolve_scope(G, scope)
    cov = coverages(G, sc, targets)
    segs = segment_gaps(G, sc)
    fields = field_gaps(G, sc)
    pairs = community_pairs(G, sc, seed=seed)
    below = [c for c in cov if not c.meets_target]
    zh = (
        f"{sc.name}：规上企业{cov[0].total if cov else 0}家，五个全覆盖中"
        f"{len(below)}项未达目标"
        + (f"（{'、'.join(c.label_zh for c in below)}）" if below else "")
        + f"；{len(segs)}个产业链环节无高校/实验室支撑；{len(fields)}个技术领域有企业需求但无本地研发供给；"
        f"{len(pairs)}对互补社区之间联系不超过一条。"
    )
    en = (
        f"{sc.name}: {cov[0].total if cov else 0} above-scale enterprises; "
        f"{len(below)} of the five coverages below target"
        + (f" ({', '.join(c.key for c in below)})" if below else "")
        + f"; {len(segs)} chain segments without a supporting university or lab; "
        f"{len(fields)} fields with enterprise demand and no local research supply; "
        f"{len(pairs)} pairs of complementary communities with at most one tie between them."
    )
    return CollaborationGaps(
        scope_kind=sc.kind,
        scope_name=sc.name,
        coverages=cov,
        unsupported_segments=segs,
        field_gaps=fields,
        community_pairs=pairs,
        explanation_zh=zh,
        explanation_en=en,
    )


class GapsParams(BaseModel):
    scope: str | None = Field(None, description="None: the county; or a chain or region name/id")
    year: int | None = Field(None, description="only what is known up to this year")
    seed: int = Field(42, description="community detection seed")


@named_query(
    "collaboration_gaps",
    params=GapsParams,
    result=CollaborationGaps,
    zh="合作缺口：五个全覆盖、环节支撑、领域供需、社区断层",
    en="Collaboration gaps: five coverages, segment support, field supply, disconnected communities",
)
def _collaboration_gaps(ctx: QueryContext, p: GapsParams) -> CollaborationGaps:
    settings: Settings = ctx.settings
    return collaboration_gaps(
        ctx.graph(window_to(p.year)), p.scope, settings.coverage_targets, seed=p.seed
    )
