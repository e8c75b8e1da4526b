"""``ikg evaluate …``: measure the analyst queries against what happened later."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.table import Table

from api.cli import StoreOpt, _store_url, app, console
from kg.arrays import project_arrays
from kg.errors import InvalidInput
from kg.projection import Window, project
from kg.stores import open_store
from queries.evaluation import HoldOut, Metrics, as_dict, evaluate, hold_out, tune_weights

evaluate_app = typer.Typer(help="Measure queries on a temporal hold-out.", no_args_is_help=True)
app.add_typer(evaluate_app, name="evaluate")


@evaluate_app.command("recommendations")
def recommendations(
    until_year: Annotated[
        int, typer.Option("--until-year", help="train on relations up to this year (inclusive)")
    ],
    store: StoreOpt = None,
    tune: Annotated[
        bool,
        typer.Option(
            "--tune/--no-tune",
            help="also report weights tuned on the earlier split (until Y-2, predicting Y-1)",
        ),
    ] = True,
    as_json: Annotated[bool, typer.Option("--json", help="print JSON")] = False,
) -> None:
    """Pairing recommender vs popularity, common neighbours and Adamic–Adar: hits@5, hits@10, MRR
    and AUC for university/lab–enterprise collaborations first seen after --until-year."""
    s = open_store(_store_url(store))
    full = project(s)

    def split(year: int, horizon: int | None = None) -> HoldOut:
        w = Window.of(year_to=year)
        return hold_out(project(s, w), project_arrays(s, w), full, year, horizon)

    test = split(until_year)
    if not test.positive.any():
        raise InvalidInput(
            f"no university/lab–enterprise collaboration first seen after {until_year}"
        )
    results: dict[str, Metrics] = evaluate(test)
    weights = None
    if tune:
        weights = tune_weights(split(until_year - 2, horizon=1))
        results["recommender_tuned"] = evaluate(test, weights)["recommender"]
    if as_json:
        out = {"until_year": until_year, "store": s.url, "metrics": as_dict(results)}
        print(json.dumps({**out, "tuned_weights": weights}, ensure_ascii=False, indent=2))
        return
    first = next(iter(results.values()))
    table = Table(
        "method",
        "hits@5",
        "hits@10",
        "MRR",
        "AUC",
        title=f"train ≤ {until_year}, predict later: {first.enterprises} enterprises, "
        f"{first.positives} new pairs",
    )
    for name, m in results.items():
        table.add_row(
            name, f"{m.hits_at_5:.3f}", f"{m.hits_at_10:.3f}", f"{m.mrr:.3f}", f"{m.auc:.3f}"
        )
    console.print(table)
    if weights is not None:
        console.print(f"tuned on ≤{until_year - 2} → {until_year - 1}: {weights}")
