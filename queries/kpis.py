"""The counts the bureau reports each year (科技局年度指标), with year-over-year change and, where
the plan states one, the target: tech SMEs, high-tech enterprises, enterprise research institutes,
key labs, talents by programme, joint-training students, projects by programme.

What is "new in a year" comes from the dated properties and relations of docs/conventions.md:
``tech_sme_since``, ``high_tech_since``, a platform's or lab's ``since``, ``FUNDED_BY.year``, a
project's ``year``; joint-training students are counted while an enterprise ``TRAINS`` them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from typing import Any

import networkx as nx
from pydantic import BaseModel, Field

from kg.settings import KpiTargets, Settings
from queries.registry import QueryContext, named_query
from queries.scope import ties

KEY_INSTITUTE = "省级重点企业研究院"
INSTITUTE = "省级企业研究院"
IUR_PROGRAMME = "产学研合作"
TALENT_PROGRAMME = "人才项目"
SIGNED = frozenset({"签约", "落地"})  # a landed talent project was signed first
LANDED = "落地"
GRADUATE_DEGREES = frozenset({"硕士", "博士"})


class KpiOut(BaseModel):
    key: str = Field(
        description="stable key, e.g. new_tech_smes, projects:尖兵, talents:省领军人才"
    )
    group: str = Field(description="enterprises | platforms | labs | talents | students | projects")
    label_zh: str
    label_en: str
    value: int = Field(description="this year's count")
    previous: int = Field(description="last year's count")
    change: int
    change_pct: float | None = Field(description="change / previous, or null when previous is 0")
    total: int | None = Field(
        None, description="cumulative count up to this year, where it applies"
    )
    target: int | None = Field(None, description="the plan's target for target_year")
    target_year: int | None = None
    target_met: bool | None = Field(None, description="only set for the target year")


class KpiDashboard(BaseModel):
    year: int
    kpis: list[KpiOut]
    explanation_zh: str
    explanation_en: str


YearCount = Callable[[int], int]


def _nodes(G: nx.MultiDiGraph, type_name: str) -> list[tuple[str, dict[str, Any]]]:
    return [(n, d) for n, d in G.nodes(data=True) if d.get("type") == type_name]


def _since_counter(items: Iterable[dict[str, Any]], key: str) -> tuple[YearCount, YearCount]:
    """(new in year, cumulative up to year) from a ``since``-like integer property."""
    years = Counter(d.get(key) for d in items)
    dated = {y: c for y, c in years.items() if isinstance(y, int)}
    undated = years.get(None, 0)

    def new(y: int) -> int:
        return dated.get(y, 0)

    def total(y: int) -> int:
        return undated + sum(c for k, c in dated.items() if k <= y)

    return new, total


def _by_year(counts: Counter[int]) -> tuple[YearCount, YearCount]:
    """(count in year, cumulative count up to year) from counts by year."""
    return counts.__getitem__, lambda y: sum(c for k, c in counts.items() if k <= y)


def _active(span: tuple[int | None, int | None], y: int) -> bool:
    start, end = span
    return (start is None or start <= y) and (end is None or end >= y)


def kpi_dashboard(G: nx.MultiDiGraph, year: int, targets: KpiTargets | None = None) -> KpiDashboard:
    """The bureau's KPIs for ``year`` against ``year − 1`` and, in the target year, the plan.

    >>> kpi_dashboard(G, 2025).kpis[0].key  # doctest: +SKIP
    'new_tech_smes'
    """
    targets = targets or KpiTargets()
    out: list[KpiOut] = []

    def add(
        key: str,
        group: str,
        zh: str,
        en: str,
        count: YearCount,
        total: YearCount | None = None,
        target: int | None = None,
    ) -> None:
        value, previous = count(year), count(year - 1)
        change = value - previous
        out.append(
            KpiOut(
                key=key,
                group=group,
                label_zh=zh,
                label_en=en,
                value=value,
                previous=previous,
                change=change,
                change_pct=change / previous if previous else None,
                total=total(year) if total else None,
                target=target,
                target_year=targets.year if target is not None else None,
                target_met=value >= target if target is not None and year == targets.year else None,
            )
        )

    firms = [d for _, d in _nodes(G, "Enterprise")]
    new, total = _since_counter((d for d in firms if d.get("tech_sme")), "tech_sme_since")
    add(
        "new_tech_smes",
        "enterprises",
        "新增科技型中小企业",
        "new tech SMEs",
        new,
        total,
        targets.new_tech_smes,
    )
    new, total = _since_counter((d for d in firms if d.get("high_tech")), "high_tech_since")
    add(
        "new_high_tech",
        "enterprises",
        "新增高新技术企业",
        "new high-tech enterprises",
        new,
        total,
        targets.new_high_tech,
    )

    institutes = [d for _, d in _nodes(G, "Platform") if d.get("kind") == "企业研究院"]
    for level, key, en, target in (
        (
            KEY_INSTITUTE,
            "new_key_enterprise_institutes",
            "new provincial key enterprise research institutes",
            targets.new_key_enterprise_institutes,
        ),
        (
            INSTITUTE,
            "new_enterprise_institutes",
            "new provincial enterprise research institutes",
            targets.new_enterprise_institutes,
        ),
    ):
        new, total = _since_counter((d for d in institutes if d.get("level") == level), "since")
        add(key, "platforms", f"新增{level}", en, new, total, target)

    labs = [d for _, d in _nodes(G, "Lab") if "重点实验室" in str(d.get("level") or "")]
    new, total = _since_counter(labs, "since")
    add("new_key_labs", "labs", "新增重点实验室", "new key laboratories", new, total)
    for level in sorted({str(d["level"]) for d in labs}):
        new, total = _since_counter((d for d in labs if d["level"] == level), "since")
        add(f"new_key_labs:{level}", "labs", f"新增{level}", f"new {level}", new, total)

    _talents(G, add)
    _students(G, add, targets)
    _projects(G, add, targets)

    met = [k for k in out if k.target_met is True]
    missed = [k for k in out if k.target_met is False]
    zh = f"{year}年指标{len(out)}项，与{year - 1}年比较。"
    en = f"{len(out)} indicators for {year}, compared with {year - 1}."
    if year == targets.year:
        zh += f"对照{targets.year}年目标：{len(met)}项达成，{len(missed)}项未达成" + (
            f"（{'、'.join(k.label_zh for k in missed)}）。" if missed else "。"
        )
        en += f" Against the {targets.year} targets: {len(met)} met, {len(missed)} not" + (
            f" ({', '.join(k.key for k in missed)})." if missed else "."
        )
    return KpiDashboard(year=year, kpis=out, explanation_zh=zh, explanation_en=en)


def _talents(G: nx.MultiDiGraph, add: Callable[..., None]) -> None:
    """Talents newly funded by each programme (``FUNDED_BY`` a Programme, by year)."""
    funded: dict[str, Counter[int]] = {}
    for t, _ in _nodes(G, "Talent"):
        for prog, d in ties(G, t, ("FUNDED_BY",), "out"):
            y = d.get("year")
            if G.nodes[prog].get("type") == "Programme" and isinstance(y, int):
                funded.setdefault(str(G.nodes[prog].get("name") or prog), Counter())[y] += 1
    for name in sorted(funded):
        add(
            f"talents:{name}",
            "talents",
            f"入选{name}人才",
            f"talents selected by {name}",
            *_by_year(funded[name]),
        )


def _students(G: nx.MultiDiGraph, add: Callable[..., None], targets: KpiTargets) -> None:
    """Joint-training graduate students in training that year: Talents with degree 硕士/博士
    that an Enterprise ``TRAINS`` (the relation's span covers the year)."""
    students: dict[str, tuple[bool, list[tuple[int | None, int | None]]]] = {}
    for t, td in _nodes(G, "Talent"):
        for org, d in ties(G, t, ("TRAINS",), "in"):
            degree = d.get("degree") or td.get("degree")
            if G.nodes[org].get("type") == "Enterprise" and degree in GRADUATE_DEGREES:
                doctoral, spans = students.get(t, (False, []))
                spans.append((d.get("year_from"), d.get("year_to")))
                students[t] = (doctoral or degree == "博士", spans)

    def count(doctoral_only: bool) -> YearCount:
        return lambda y: sum(
            1
            for doctoral, spans in students.values()
            if (doctoral or not doctoral_only) and any(_active(s, y) for s in spans)
        )

    add(
        "graduate_students",
        "students",
        "联合培养研究生（在培）",
        "joint-training graduate students (in training)",
        count(False),
        None,
        targets.graduate_students,
    )
    add(
        "doctoral_students",
        "students",
        "其中博士研究生",
        "of whom doctoral students",
        count(True),
        None,
        targets.doctoral_students,
    )


def _projects(G: nx.MultiDiGraph, add: Callable[..., None], targets: KpiTargets) -> None:
    """Projects by programme and year; talent projects signed and landed; IUR projects."""
    by_prog: dict[str, Counter[int]] = {}
    signed: Counter[int] = Counter()
    landed: Counter[int] = Counter()
    for _, d in _nodes(G, "Project"):
        y, prog = d.get("year"), str(d.get("programme") or "其他")
        if not isinstance(y, int):
            continue
        by_prog.setdefault(prog, Counter())[y] += 1
        if prog == TALENT_PROGRAMME:
            signed[y] += d.get("status") in SIGNED
            landed[y] += d.get("status") == LANDED
    for prog in sorted(by_prog):
        target = targets.iur_projects if prog == IUR_PROGRAMME else None
        add(
            f"projects:{prog}",
            "projects",
            f"{prog}项目",
            f"{prog} projects",
            by_prog[prog].__getitem__,
            None,
            target,
        )
    add(
        "talent_projects_signed",
        "projects",
        "人才项目签约",
        "talent projects signed",
        signed.__getitem__,
        None,
        targets.talent_projects_signed,
    )
    add(
        "talent_projects_landed",
        "projects",
        "人才项目落地",
        "talent projects landed",
        landed.__getitem__,
        None,
        targets.talent_projects_landed,
    )


class KpiParams(BaseModel):
    year: int = Field(2025, ge=1990, le=2100, description="the reporting year")


@named_query(
    "kpi_dashboard",
    params=KpiParams,
    result=KpiDashboard,
    zh="年度科技指标：同比变化与目标",
    en="Yearly science & technology indicators: year-over-year change and targets",
)
def _kpi_dashboard(ctx: QueryContext, p: KpiParams) -> KpiDashboard:
    settings: Settings = ctx.settings
    return kpi_dashboard(ctx.graph(), p.year, settings.kpi_targets)
