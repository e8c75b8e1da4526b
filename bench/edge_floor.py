"""The SQLite floor for edge rows: raw ``executemany`` inserts of 5N random edges (no Python work
besides building the tuples), with the ends as text ids (schema 1) or as node row numbers
(schema 2), in transactions of ``--batch`` rows, or (``--commit-rows``) in savepoints of
``--batch`` rows grouped into transactions of that many rows, as ``SQLiteStore.bulk`` does;
``--defer-dst`` also drops the in-edge index for the load and builds it afterwards (timed).

    python -m bench.edge_floor --nodes 1000000 --layout text nid --batch 5000 50000
    python -m bench.edge_floor --layout nid --batch 5000 --commit-rows 5000 500000 --defer-dst 0 1

Prints one Markdown row per combination: edge rows/s inside SQLite and the file size.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import tempfile
import time
from pathlib import Path

import numpy as np

_PROV = '[["bench","' + "0" * 64 + '",null,"2026-11-28T00:00:00"]]'
_TYPES = ("SUPPLIES", "COLLABORATES_WITH", "AFFILIATED_WITH", "ALUMNUS_OF")
_END = {"text": "TEXT", "nid": "INTEGER"}


def run(
    n: int,
    layout: str,
    batch: int,
    workdir: Path,
    cache_mb: int,
    page_size: int = 4096,
    commit_rows: int = 0,
    defer_dst: bool = False,
) -> tuple[float, float]:
    path = workdir / f"floor-{layout}-{batch}-{cache_mb}-{page_size}-{commit_rows}.sqlite"
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute(f"PRAGMA page_size={page_size}")  # before the file has any page
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute(f"PRAGMA cache_size=-{cache_mb * 1024}")
    conn.execute("PRAGMA wal_autocheckpoint=100000")  # as the store does
    end = _END[layout]
    conn.executescript(
        f"""CREATE TABLE edges (src {end} NOT NULL, type TEXT NOT NULL, dst {end} NOT NULL,
        key TEXT NOT NULL DEFAULT '', props TEXT, provenance TEXT, weight REAL, year_from INTEGER,
        year_to INTEGER, hash TEXT NOT NULL, PRIMARY KEY (src, type, dst, key));
        CREATE INDEX edges_dst ON edges(dst, type);"""
    )
    if defer_dst:
        conn.execute("DROP INDEX edges_dst")
    rng = np.random.default_rng(7)
    m = 5 * n
    src, dst = rng.integers(0, n, m).tolist(), rng.integers(0, n, m).tolist()
    typ, year = rng.integers(0, 4, m).tolist(), rng.integers(2015, 2027, m).tolist()

    def ends(i: int) -> tuple[object, object]:
        if layout == "text":
            return f"enterprise:{src[i]}", f"university:{dst[i]}"
        return src[i], dst[i]

    sql = "INSERT INTO edges VALUES (?,?,?,?,?,?,?,?,?,?) ON CONFLICT DO NOTHING"
    inside = 0.0
    pending = 0  # rows since the last commit (grouped mode)
    for lo in range(0, m, batch):
        rows = []
        for i in range(lo, min(m, lo + batch)):
            a, b = ends(i)
            digest = f"{i * 2654435761 % (1 << 160):040x}"
            rows.append((a, _TYPES[typ[i]], b, str(i), f'{{"since":{year[i]}}}', _PROV))
            rows[-1] += (None, year[i], None, digest)
        t0 = time.perf_counter()
        if not commit_rows:
            conn.execute("BEGIN")
            conn.executemany(sql, rows)
            conn.execute("COMMIT")
        else:
            if not conn.in_transaction:
                conn.execute("BEGIN")
            conn.execute("SAVEPOINT batch")
            conn.executemany(sql, rows)
            conn.execute("RELEASE batch")
            pending += len(rows)
            if pending >= commit_rows:
                conn.execute("COMMIT")
                pending = 0
        inside += time.perf_counter() - t0
    t0 = time.perf_counter()
    if conn.in_transaction:
        conn.execute("COMMIT")
    if defer_dst:
        conn.execute("CREATE INDEX edges_dst ON edges(dst, type)")
    inside += time.perf_counter() - t0
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    size = os.path.getsize(path) / 2**20
    path.unlink()
    return m / inside, size


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--nodes", type=int, default=1_000_000)
    ap.add_argument("--layout", nargs="+", default=["text", "nid"], choices=sorted(_END))
    ap.add_argument("--batch", type=int, nargs="+", default=[5000, 50000])
    ap.add_argument("--dir", type=Path, default=None)
    ap.add_argument("--cache-mb", type=int, nargs="+", default=[64], help="SQLite page cache")
    ap.add_argument("--page-size", type=int, nargs="+", default=[4096])
    ap.add_argument("--commit-rows", type=int, nargs="+", default=[0], help="0: commit each batch")
    ap.add_argument("--defer-dst", type=int, nargs="+", default=[0], choices=[0, 1])
    args = ap.parse_args()
    print(f"load average at start: {os.getloadavg()[0]:.1f}")
    print(
        "| nodes | edges | layout | batch | commit rows | in-edge index | cache MB | page bytes "
        "| edge rows/s | file MB |\n|---|---|---|---|---|---|---|---|---|---|"
    )
    with tempfile.TemporaryDirectory(dir=args.dir) as tmp:
        combos = [
            (layout, batch, group, defer, cache, page)
            for layout in args.layout
            for batch in args.batch
            for group in args.commit_rows
            for defer in args.defer_dst
            for cache in args.cache_mb
            for page in args.page_size
        ]
        for layout, batch, group, defer, cache, page in combos:
            rate, size = run(args.nodes, layout, batch, Path(tmp), cache, page, group, bool(defer))
            print(
                f"| {args.nodes:,} | {5 * args.nodes:,} | {layout} | {batch:,} "
                f"| {group or batch:,} | {'built after' if defer else 'kept'} | {cache} "
                f"| {page:,} | {rate:,.0f} | {size:,.0f} |",
                flush=True,
            )
    print(f"load average at end: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
