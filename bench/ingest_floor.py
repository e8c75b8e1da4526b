"""The storage floor of an ingest: what SQLite alone costs to write a graph's finished rows.

Takes a store written by ``bench.ingest_bench`` and inserts its node and edge rows, already encoded,
into a fresh store with the same schema (plain ``executemany``, ``--batch`` rows a transaction, in
the order they were written), with and without the FTS5 search index. No Python work besides, so
no ingest can be faster than this on this row format. Run::

    python -m bench.ingest_floor bench/out/ingest/store-10x/kg.sqlite
"""

from __future__ import annotations

import argparse
import sqlite3
import tempfile
import time
from pathlib import Path
from typing import Any

from kg.stores.sqlite import _DDL
from kg.stores.sqlite_rows import _EDGE_COLS, _NODE_COLS


def _insert(ddl: str, nodes: list[Any], edges: list[Any], batch: int) -> tuple[float, float]:
    with tempfile.TemporaryDirectory() as tmp:
        conn = sqlite3.connect(Path(tmp) / "floor.sqlite", isolation_level=None)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.execute("PRAGMA cache_size=-65536")
        conn.executescript(ddl)
        times = []
        for table, cols, rows in (("nodes", _NODE_COLS, nodes), ("edges", _EDGE_COLS, edges)):
            sql = f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({','.join('?' * len(cols))})"
            started = time.process_time()
            for i in range(0, len(rows), batch):
                conn.execute("BEGIN")
                conn.executemany(sql, rows[i : i + batch])
                conn.execute("COMMIT")
            times.append(time.process_time() - started)
        conn.close()
    return times[0], times[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("store", type=Path)
    parser.add_argument("--batch", type=int, default=5000)
    args = parser.parse_args()
    src = sqlite3.connect(args.store)
    nodes = src.execute(f"SELECT {', '.join(_NODE_COLS)} FROM nodes ORDER BY rowid").fetchall()
    edges = src.execute(f"SELECT {', '.join(_EDGE_COLS)} FROM edges ORDER BY rowid").fetchall()
    without_fts = _DDL[: _DDL.index("CREATE VIRTUAL TABLE")]
    for label, ddl in (("with FTS5", _DDL), ("without FTS5", without_fts)):
        node_s, edge_s = _insert(ddl, nodes, edges, args.batch)
        print(
            f"{label}: {len(nodes):,} nodes {node_s:.2f} s CPU, {len(edges):,} edges "
            f"{edge_s:.2f} s CPU, total {node_s + edge_s:.2f} s",
            flush=True,
        )


if __name__ == "__main__":
    main()
