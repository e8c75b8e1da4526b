"""End-to-end ingest of the synthetic county at several sizes: rows/s and peak memory.

Each size runs in fresh processes (generate, then ingest) so one run's memory does not count in
the next, and the generator's memory does not count in the ingest's. Run::

    python -m bench.ingest_bench --scales 1 10 100 --out bench/out/ingest

Peak memory is the ingest process's ``ru_maxrss``; rows/s is per wall-clock and per CPU second
(the machine is shared, so CPU time is the steadier number).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

RESULTS = Path(__file__).with_name("RESULTS.md")


def _generate(out: Path, scale: float, seed: int) -> None:
    from ingest.synthetic import generate

    generate(out, scale=scale, seed=seed)


def _ingest(
    src: Path, store_path: Path, only: list[str] | None, writer: str = "auto"
) -> dict[str, float | str]:
    from ingest.pipeline import _run
    from ingest.plan import folder_plan, mapping_aliases
    from ingest.report import RejectsWriter
    from ingest.resolve import Resolver
    from ingest.writer import Writers
    from kg.settings import get_settings
    from kg.stores.sqlite import SQLiteStore

    for p in store_path.parent.glob(store_path.name + "*"):
        p.unlink()
    store = SQLiteStore(store_path)
    mappings, aliases = folder_plan(src)
    resolver = Resolver(store, aliases)
    reports = []
    wall, cpu = time.perf_counter(), time.process_time()
    with RejectsWriter(None) as rejects, Writers(store, writer) as writers:
        for m in mappings:
            if only and m.name not in only:
                continue
            resolver.add_aliases(mapping_aliases(m))
            path, size = m.source_path(), get_settings().batch_size
            out = writers.for_file(path)
            reports.append(_run(store, path, m, resolver, rejects, size, False, out))
    # Read after the writers have closed: a writer process's refused rows come with its answers.
    rows = sum(r.rows_read for r in reports)
    rejected = sum(r.rows_rejected for r in reports)
    # The writer process (if any) has been joined: its CPU and peak RSS are the children's.
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    wall = time.perf_counter() - wall
    cpu = time.process_time() - cpu + children.ru_utime + children.ru_stime
    stats = store.stats()
    return {
        "rows": rows,
        "rejected": rejected,
        "wall_s": round(wall, 1),
        "cpu_s": round(cpu, 1),
        "rows_per_s_wall": round(rows / wall),
        "rows_per_s_cpu": round(rows / cpu),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "writer_cpu_s": round(children.ru_utime + children.ru_stime, 1),
        "writer_peak_rss_mb": round(children.ru_maxrss / 1024),
        "writer": writer,
        "nodes": stats.node_count,
        "edges": stats.edge_count,
        "src_mb": round(sum(p.stat().st_size for p in src.iterdir()) / 2**20, 1),
        "load_avg_1m": round(os.getloadavg()[0], 1),
    }


def _child(*args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "bench.ingest_bench", *args],
        check=True,
        capture_output=True,
        text=True,
    )
    return done.stdout.strip().splitlines()[-1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scales", type=float, nargs="+", default=[10.0, 100.0])
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", type=Path, default=Path("bench/out/ingest"))
    parser.add_argument("--only", nargs="*", help="ingest only these sources (mapping names)")
    parser.add_argument("--child-generate", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--child-ingest", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--no-record", action="store_true", help="do not append to RESULTS.md")
    parser.add_argument(
        "--writer", choices=("auto", "inline", "process"), default="auto", help="KG_INGEST_WRITER"
    )
    args = parser.parse_args()
    if args.child_generate:
        _generate(args.child_generate, args.scales[0], args.seed)
        print("{}")
        return
    if args.child_ingest:
        found = _ingest(args.child_ingest, args.out / "kg.sqlite", args.only, args.writer)
        print(json.dumps(found))
        return
    lines = []
    for scale in args.scales:
        src = args.out / f"src-{scale:g}x"
        t = time.perf_counter()
        _child("--child-generate", str(src), "--scales", str(scale), "--seed", str(args.seed))
        gen = time.perf_counter() - t
        only = ["--only", *args.only] if args.only else []
        result = json.loads(
            _child(
                "--child-ingest",
                str(src),
                "--out",
                str(args.out / f"store-{scale:g}x"),
                "--writer",
                args.writer,
                *only,
            )
        )
        result["generate_s"] = round(gen, 1)
        print(f"{scale:g}x", result, flush=True)
        lines.append(
            f"| {scale:g}x | {result['rows']:,} | {result['src_mb']} | {result['wall_s']} | "
            f"{result['cpu_s']} | {result['rows_per_s_wall']:,} | {result['rows_per_s_cpu']:,} | "
            f"{result['peak_rss_mb']} | {result['nodes']:,} / {result['edges']:,} | "
            f"{result['load_avg_1m']} |"
        )
    if args.no_record:
        return
    command = "python -m bench.ingest_bench " + " ".join(sys.argv[1:])
    with RESULTS.open("a", encoding="utf-8") as fh:
        fh.write(
            f"\n## Ingest: synthetic county end to end ({datetime.now(UTC):%Y-%m-%d %H:%M} UTC)\n\n"
            f"`{command}` · {platform.machine()}, 2 cores shared with other engineers' runs, "
            "SQLite store, batch 5000 rows.\n\n"
            "| size | rows | source MB | wall s | CPU s | rows/s (wall) | rows/s (CPU) | "
            "peak RSS MB | nodes / edges | load avg |\n|---|---|---|---|---|---|---|---|---|---|\n"
            + "\n".join(lines)
            + "\n"
        )


if __name__ == "__main__":
    main()
