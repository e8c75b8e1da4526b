"""Collaboration paths and pairings at scale: a synthetic ecosystem of N nodes and ~5N edges.

The graph is generated as numpy arrays and both projections (the networkx ``MultiDiGraph`` and
``GraphArrays``) are built straight from them, not through the SQLite store: at 5M edges the store
load and its projection would dominate and are measured elsewhere (bench/store_bench.py).

Degrees are skewed like a real ecosystem: employers, schools and applicants are drawn from Zipf /
Pareto popularity, fields are hubs. Reports the one-off costs (graph build, tie graph, pairing
features) and then per-query latencies: ``collaboration_paths`` (k=3, max_hops=5) between random
enterprises and universities, and ``recommend_partners`` (k=10, with evidence) for random
enterprises.

    python -m bench.paths_bench --nodes 1000000 --queries 100
"""

from __future__ import annotations

import argparse
import gc
import os
import resource
import time
from collections.abc import Callable
from typing import Any

import networkx as nx
import numpy as np

from kg.arrays import NODE_TYPE_CODES, REL_TYPE_CODES, GraphArrays
from kg.errors import NoPath
from kg.schema import RELATIONS
from queries.paths import collaboration_paths
from queries.recommend.pairing import features_for, recommend_partners
from queries.recommend.score import raw_block
from queries.ties import tie_index

SHARES = {  # node type → share of N (Field, Region, Chain, ChainSegment fixed below)
    "Enterprise": 0.10,
    "University": 0.002,
    "Lab": 0.001,
    "Talent": 0.50,
    "Patent": 0.30,
    "Project": 0.08,
}
FIXED = {"Field": 500, "Region": 100, "ChainSegment": 200}


def generate(
    n: int, seed: int = 1
) -> tuple[dict[str, np.ndarray], list[tuple[str, np.ndarray, np.ndarray]]]:
    """Node index ranges by type and typed edge arrays (source, target indices)."""
    rng = np.random.default_rng(seed)
    counts = {t: max(10, int(n * s)) for t, s in SHARES.items()} | FIXED
    ranges: dict[str, np.ndarray] = {}
    lo = 0
    for t, c in counts.items():
        ranges[t] = np.arange(lo, lo + c)
        lo += c

    def zipf(t: str, size: int, a: float = 1.3) -> np.ndarray:
        r = ranges[t]
        pop = rng.pareto(a, len(r)) + 1.0
        return r[rng.choice(len(r), size=size, p=pop / pop.sum())]

    def each(t: str, per: int = 1) -> np.ndarray:
        return np.repeat(ranges[t], per)

    ent, tal, pat, prj = (ranges[t] for t in ("Enterprise", "Talent", "Patent", "Project"))
    n_t, n_p, n_j, n_e = len(tal), len(pat), len(prj), len(ent)
    orgs = np.concatenate([ranges["University"], ranges["Lab"]])
    employers = np.where(rng.random(n_t) < 0.9, zipf("Enterprise", n_t), rng.choice(orgs, n_t))
    applicants = np.where(rng.random(n_p) < 0.8, zipf("Enterprise", n_p), zipf("University", n_p))
    edges = [
        ("AFFILIATED_WITH", tal, employers),
        ("ALUMNUS_OF", tal, zipf("University", n_t)),
        ("INVENTED", rng.choice(tal, 4 * n_p), each("Patent", 4)),
        ("APPLIED", applicants, pat),
        ("IN_FIELD", np.concatenate([pat, prj]), zipf("Field", n_p + n_j, 2.0)),
        ("WORKS_IN", each("Enterprise", 2), zipf("Field", 2 * n_e, 2.0)),
        ("WORKS_IN", rng.choice(tal, int(1.5 * n_t)), zipf("Field", int(1.5 * n_t), 2.0)),
        ("WORKS_IN", each("University", 5), zipf("Field", 5 * len(ranges["University"]), 2.0)),
        ("LEADS", zipf("Enterprise", n_j), prj),
        ("PARTICIPATES_IN", rng.choice(np.concatenate([ent, orgs]), 3 * n_j), each("Project", 3)),
        ("COLLABORATES_WITH", each("Enterprise", 2), zipf("University", 2 * n_e)),
        ("SUPPLIES", each("Enterprise", 3), zipf("Enterprise", 3 * n_e)),
        ("LOCATED_IN", ent, rng.choice(ranges["Region"], n_e)),
        ("IN_SEGMENT", ent, rng.choice(ranges["ChainSegment"], n_e)),
    ]
    return ranges, edges


def build(n: int, seed: int = 1) -> tuple[nx.MultiDiGraph, GraphArrays, dict[str, np.ndarray]]:
    """Both projections of the generated graph."""
    rng = np.random.default_rng(seed + 1)
    ranges, edges = generate(n, seed)
    total = sum(len(r) for r in ranges.values())
    types = np.empty(total, dtype=object)
    for t, r in ranges.items():
        types[r] = t
    prefix = {t: t.lower() for t in ranges}
    ids = [f"{prefix[t]}:{i}" for i, t in enumerate(types)]
    G = nx.MultiDiGraph()
    G.add_nodes_from(
        (ids[i], {"type": t, "name": f"{t}{i}", "aliases": ()}) for i, t in enumerate(types)
    )
    for i in ranges["Patent"]:
        G.nodes[ids[i]]["ipc"] = [f"B{i % 90 + 10}J"]
    src, dst, rel, wts = [], [], [], []
    for name, s, d in edges:
        spec = RELATIONS[name]
        years = rng.integers(2016, 2026, len(s))
        w = spec.weight
        if spec.time == "year":
            spans = [(int(y), int(y)) for y in years]
        elif spec.time == "interval":
            spans = [(int(y), None) for y in years]
        else:
            spans = [(None, None)] * len(s)
        # straight into networkx's adjacency dicts, as kg.projection does (add_edges_from is ~3x
        # slower at 5M edges); a repeated (u, v, type) edge keeps one key, as before. Edges of one
        # type and span share their (read-only) attribute dict.
        shared = {
            span: {"type": name, "weight": w, "year_from": span[0], "year_to": span[1]}
            for span in set(spans)
        }
        succ, pred = G._succ, G._pred
        for a, b, span in zip(s.tolist(), d.tolist(), spans, strict=True):
            u, v = ids[a], ids[b]
            keyed = succ[u].get(v)
            if keyed is None:
                keyed = succ[u][v] = pred[v][u] = {}
            keyed[name] = shared[span]
        src.append(s)
        dst.append(d)
        rel.append(np.full(len(s), REL_TYPE_CODES[name], dtype=np.int16))
        wts.append(np.full(len(s), w))
    A = GraphArrays(
        ids=ids,
        index={x: i for i, x in enumerate(ids)},
        node_type=np.array([NODE_TYPE_CODES[t] for t in types], dtype=np.int16),
        src=np.concatenate(src).astype(np.int64),
        dst=np.concatenate(dst).astype(np.int64),
        rel_type=np.concatenate(rel),
        weight=np.concatenate(wts),
    )
    return G, A, ranges


def timed(f: Callable[[], Any]) -> tuple[float, Any]:
    t0 = time.perf_counter()
    out = f()
    return time.perf_counter() - t0, out


def pct(xs: list[float], q: float) -> float:
    return float(np.percentile(np.array(xs) * 1000, q)) if xs else float("nan")


def main() -> None:
    ap = argparse.ArgumentParser(description="collaboration paths and pairings at scale")
    ap.add_argument("--nodes", type=int, default=1_000_000)
    ap.add_argument("--queries", type=int, default=100)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    print(f"load average at start: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    t_build, (G, A, ranges) = timed(lambda: build(args.nodes, args.seed))
    gc.collect()
    print(
        f"graph: {G.number_of_nodes():,} nodes, {G.number_of_edges():,} edges, built in {t_build:.1f} s"
    )
    t_ties, T = timed(lambda: tie_index(G))
    tie_mb = sum(a.nbytes for a in vars(T).values() if isinstance(a, np.ndarray)) / 2**20
    print(
        f"tie index: {T.n_pairs:,} pairs in {t_ties:.1f} s, {tie_mb:.0f} MB of arrays "
        "(once per projection)"
    )
    t_feat, F = timed(lambda: features_for(G, A))
    print(f"pairing features: {t_feat:.1f} s (once per projection)")
    rng = np.random.default_rng(args.seed + 2)
    ids = A.ids
    path_times, no_path, hops = [], 0, []
    for _ in range(args.queries):
        e = ids[int(rng.choice(ranges["Enterprise"]))]
        u = ids[int(rng.choice(ranges["University"]))]
        t0 = time.perf_counter()
        try:
            r = collaboration_paths(G, e, u, k=3, max_hops=5)
            hops.append(r.paths[0].hops)
        except NoPath:
            no_path += 1
        path_times.append(time.perf_counter() - t0)
    print(
        f"collaboration_paths k=3 max_hops=5, {len(path_times)} queries: p50 {pct(path_times, 50):.1f} ms, "
        f"p95 {pct(path_times, 95):.1f} ms, max {pct(path_times, 100):.1f} ms; "
        f"NoPath {no_path}; median hops of the best path {np.median(hops) if hops else 'n/a'}"
    )
    rec_times, score_times = [], []
    for _ in range(max(5, args.queries // 5)):
        e = ids[int(rng.choice(ranges["Enterprise"]))]
        dt, _ = timed(lambda e=e: recommend_partners(G, e, k=10, A=A))
        rec_times.append(dt)
        ds, _ = timed(lambda e=e: raw_block(F, np.array([A.index[e]]), F.orgs))
        score_times.append(ds)
    print(
        f"recommend_partners k=10 with evidence, {len(rec_times)} queries: p50 {pct(rec_times, 50):.1f} ms, "
        f"p95 {pct(rec_times, 95):.1f} ms; of which scoring every candidate (no evidence): "
        f"p50 {pct(score_times, 50):.1f} ms, p95 {pct(score_times, 95):.1f} ms"
    )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**10
    print(f"peak RSS {peak:,.0f} MB (graph, both projections, tie index, pairing features)")
    print(f"load average at end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
