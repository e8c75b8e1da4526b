"""Dashboard pages for industrial chains and the bureau's KPIs."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse
from starlette.concurrency import run_in_threadpool

from api.charts import hbar_chart, year_over_year_chart
from api.deps import SettingsDep, StoreDep
from api.pages import Lang, ask, render, text

router = APIRouter(prefix="/ui", tags=["dashboard"])


@router.get("/chains", response_class=HTMLResponse)
async def chains_page(request: Request, store: StoreDep, lang: Lang = "zh") -> HTMLResponse:
    """Every industrial chain."""
    chains = await run_in_threadpool(
        lambda: sorted(store.iter_nodes(["Chain"]), key=lambda n: n.name)
    )
    return await render(request, store, "chains.html", lang, chains=chains)


@router.get("/chains/{chain_id:path}", response_class=HTMLResponse)
async def chain_page(
    request: Request, store: StoreDep, settings: SettingsDep, chain_id: str, lang: Lang = "zh"
) -> HTMLResponse:
    """A chain: segments upstream → downstream, leader influence, gaps, and its network."""
    node = await run_in_threadpool(store.get_node, chain_id)
    view, view_error = await ask(store, settings, "chain_view", {"chain": chain_id})
    influence, influence_error = await ask(
        store, settings, "chain_leader_influence", {"chain": chain_id}
    )
    gaps, gaps_error = await ask(store, settings, "collaboration_gaps", {"scope": chain_id})
    charts = []
    if view:
        segments = sorted(view["segments"], key=lambda s: s["order"])
        rows = [(s["stage"], float(len(s["members"])), None) for s in segments]
        charts.append(hbar_chart(rows, title=f"{text('segments', lang)} · {text('members', lang)}"))
    if influence and influence["leaders"]:
        ranked = sorted(influence["leaders"], key=lambda x: x["rank"])[:15]
        rows = [(x["name"][:10], float(x["pagerank"]), None) for x in ranked]
        charts.append(hbar_chart(rows, title=f"{text('influence', lang)} · PageRank"))
    return await render(
        request,
        store,
        "chain.html",
        lang,
        node=node,
        view=view,
        influence=influence,
        gaps=gaps,
        charts=charts,
        errors=[e for e in (view_error, influence_error, gaps_error) if e],
    )


@router.get("/kpis", response_class=HTMLResponse)
async def kpis_page(
    request: Request,
    store: StoreDep,
    settings: SettingsDep,
    year: Annotated[int | None, Query(ge=1990, le=2100)] = None,
    lang: Lang = "zh",
) -> HTMLResponse:
    """The five coverages against their targets, down to the firms that fall short, and the
    counts the bureau reports, year over year."""
    params = {"year": year} if year is not None else {}
    kpis, kpis_error = await ask(store, settings, "kpi_dashboard", params)
    gaps, gaps_error = await ask(store, settings, "collaboration_gaps", params)
    counts_chart = None
    if kpis:
        counts_chart = year_over_year_chart(
            [(k["label_" + lang], k["previous"], k["value"], k["target"]) for k in kpis["kpis"]],
            title=f"{text('counts', lang)} · {kpis['year'] - 1} → {kpis['year']}",
            years=(str(kpis["year"] - 1), str(kpis["year"])),
            hrefs=[f"#kpi-{k['key']}" for k in kpis["kpis"]],
        )
    coverage_chart = None
    if gaps:
        coverages = gaps["coverages"]
        coverage_chart = hbar_chart(
            [
                (c["label_zh" if lang == "zh" else "label_en"], c["rate"] or 0.0, c["target"])
                for c in coverages
            ],
            title=f"{text('kpis', lang)} · {text('coverage', lang)} / {text('target_value', lang)}",
            percent=True,
            hrefs=[f"#coverage-{c['key']}" for c in coverages],
        )
    return await render(
        request,
        store,
        "kpis.html",
        lang,
        year=year,
        kpis=kpis,
        gaps=gaps,
        coverage_chart=coverage_chart,
        counts_chart=counts_chart,
        errors=[e for e in (kpis_error, gaps_error) if e],
    )
