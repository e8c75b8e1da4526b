"""Store benchmark: upsert N nodes + 5N edges into SQLite, then project them.

    python -m bench.store_bench --sizes 100000 1000000 --mode bulk batch

``--mode bulk`` loads inside ``store.bulk()`` (what ingest, copy and the demo do: batches grouped
into transactions of ``--commit-rows`` changed rows); ``batch`` commits every batch on its own
(what a lone ``upsert_*`` call does). Prints one Markdown row per size and mode (rows/s for the upserts, seconds and peak RSS for the networkx
and the array projections). Nodes are enterprises, universities and talents with a few properties
each; edges are typed so that every one passes the schema's endpoint checks.
"""

from __future__ import annotations

import argparse
import gc
import os
import resource
import sqlite3
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TypeVar

import numpy as np
import psutil

from kg.arrays import project_arrays
from kg.model import Edge, Node, Provenance
from kg.projection import project
from kg.stores.sqlite import SQLiteStore

T = TypeVar("T")
PROV = (Provenance("bench", "0" * 64, None, "2026-11-28T00:00:00"),)


def _nodes(n: int) -> Iterator[Node]:
    for i in range(n):
        kind = i % 10
        if kind < 6:
            yield Node(
                f"enterprise:{i}",
                "Enterprise",
                f"合成企业{i}有限公司",
                props={"above_scale": i % 3 == 0, "revenue": float(i % 997), "synthetic": True},
                provenance=PROV,
            )
        elif kind < 7:
            yield Node(
                f"university:{i}",
                "University",
                f"合成大学{i}",
                props={"synthetic": True},
                provenance=PROV,
            )
        else:
            yield Node(
                f"talent:{i}", "Talent", f"人才{i}", props={"synthetic": True}, provenance=PROV
            )


def _edges(n: int, per_node: int, seed: int = 7) -> Iterator[Edge]:
    """``per_node`` edges per node: supply between enterprises, collaboration enterprise→university,
    affiliation talent→enterprise, alumni talent→university (endpoints drawn up front with numpy)."""
    rng = np.random.default_rng(seed)
    ids = np.arange(n)
    kinds = ids % 10
    pools = {"e": ids[kinds < 6], "u": ids[kinds == 6], "t": ids[kinds >= 7]}
    total = n * per_node
    rels = rng.choice(4, size=total, p=[0.4, 0.2, 0.25, 0.15])
    years = rng.integers(2015, 2027, size=total).tolist()
    spec = [
        ("SUPPLIES", "enterprise", "e", "enterprise", "e", "since"),
        ("COLLABORATES_WITH", "enterprise", "e", "university", "u", "year"),
        ("AFFILIATED_WITH", "talent", "t", "enterprise", "e", "since"),
        ("ALUMNUS_OF", "talent", "t", "university", "u", "year"),
    ]
    draws = {k: rng.choice(pool, size=2 * total).tolist() for k, pool in pools.items()}
    for k, r in enumerate(rels.tolist()):
        rel, sp, spool, tp, tpool, time_key = spec[r]
        a, b = draws[spool][2 * k], draws[tpool][2 * k + 1]
        yield Edge(f"{sp}:{a}", rel, f"{tp}:{b}", str(k), {time_key: years[k]}, PROV)


def _batches(items: Iterator[T], size: int) -> Iterator[list[T]]:
    batch: list[T] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _baseline_rows_per_s(workdir: Path, rows: int) -> float:
    """Plain indexed SQLite insert in one transaction (the brief measured 171k rows/s here):
    the same-run yardstick that makes our upsert rate comparable on a loaded machine."""
    path = workdir / f"baseline-{rows}.sqlite"
    path.unlink(missing_ok=True)
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("CREATE TABLE t (id TEXT PRIMARY KEY, a TEXT, b TEXT, c INTEGER)")
    conn.execute("CREATE INDEX t_b ON t(b)")
    data = [(f"id:{i}", f"合成企业{i}", f"b{i % 1000}", i) for i in range(rows)]
    t0 = time.perf_counter()
    with conn:
        conn.executemany("INSERT INTO t VALUES (?,?,?,?)", data)
    elapsed = time.perf_counter() - t0
    conn.close()
    return rows / elapsed


def _rss_mb() -> float:
    return psutil.Process().memory_info().rss / 2**20


def _load(store: SQLiteStore, n: int, batch: int) -> tuple[float, float]:
    """Seconds inside the store for the node and the edge upserts (building the test records is
    not counted)."""
    t_nodes = t_edges = 0.0
    for b in _batches(_nodes(n), batch):
        t0 = time.perf_counter()
        store.upsert_nodes(b)
        t_nodes += time.perf_counter() - t0
    for eb in _batches(_edges(n, 5), batch):
        t0 = time.perf_counter()
        store.upsert_edges(eb)
        t_edges += time.perf_counter() - t0
    return t_nodes, t_edges


def run(n: int, batch: int, workdir: Path, mode: str, commit_rows: int) -> dict[str, float]:
    store = SQLiteStore(workdir / f"bench-{n}-{mode}.sqlite")
    if mode == "bulk":
        t0 = time.perf_counter()
        with store.bulk(commit_rows):
            t_nodes, t_edges = _load(store, n, batch)
        t_edges += time.perf_counter() - t0 - t_nodes - t_edges  # the last commit: edge time
    else:
        t_nodes, t_edges = _load(store, n, batch)
    gc.collect()
    rss0 = _rss_mb()
    t0 = time.perf_counter()
    arrays = project_arrays(store)
    t_arrays = time.perf_counter() - t0
    rss_arrays = _rss_mb() - rss0
    assert arrays.n == n
    t0 = time.perf_counter()
    g = project(store)
    t_graph = time.perf_counter() - t0
    rss_graph = _rss_mb() - rss0
    assert g.number_of_nodes() == n
    m = g.number_of_edges()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    store.close()
    baseline = _baseline_rows_per_s(workdir, min(n * 6, 1_000_000))
    return {
        "baseline": baseline,
        "n": n,
        "edges": m,
        "nodes_per_s": n / t_nodes,
        "edges_per_s": m / t_edges,
        "rows_per_s": (n + m) / (t_nodes + t_edges),
        "arrays_s": t_arrays,
        "arrays_mb": rss_arrays,
        "graph_s": t_graph,
        "graph_mb": rss_graph,
        "peak_mb": peak,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--sizes", type=int, nargs="+", default=[100_000])
    ap.add_argument("--batch", type=int, default=5000)
    ap.add_argument("--mode", nargs="+", default=["bulk"], choices=["bulk", "batch"])
    ap.add_argument("--commit-rows", type=int, default=500_000, help="bulk: changed rows a commit")
    ap.add_argument("--dir", type=Path, default=None, help="where to write the SQLite files")
    args = ap.parse_args()
    print(f"load average at start: {os.getloadavg()[0]:.1f}; batches of {args.batch:,}")
    print(
        "| N nodes | edges | mode | upsert nodes/s | upsert edges/s | upsert rows/s | arrays s | arrays +MB "
        "| networkx s | networkx +MB | peak RSS MB | plain insert rows/s (same run) | upsert ÷ plain |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory(dir=args.dir) as tmp:
        for n, mode in [(n, mode) for n in args.sizes for mode in args.mode]:
            r = run(n, args.batch, Path(tmp), mode, args.commit_rows)
            print(
                f"| {n:,} | {r['edges']:,} | {mode} | {r['nodes_per_s']:,.0f} "
                f"| {r['edges_per_s']:,.0f} | {r['rows_per_s']:,.0f} | {r['arrays_s']:.1f} "
                f"| {r['arrays_mb']:,.0f} | {r['graph_s']:.1f} | {r['graph_mb']:,.0f} "
                f"| {r['peak_mb']:,.0f} | {r['baseline']:,.0f} "
                f"| {r['rows_per_s'] / r['baseline']:.2f} |",
                flush=True,
            )
    print(f"load average at end: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
