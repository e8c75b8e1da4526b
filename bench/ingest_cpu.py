"""CPU time of an ingest, the pipeline alone or end to end, for two code trees back to back.

Each run is a fresh process that ingests a generated folder (``python -m bench.ingest_bench`` or
``ingest.synthetic.generate`` writes one) with the code of one tree (``PYTHONPATH=<tree>``) into
either the SQLite store or a stub that only counts what it is sent, so the pipeline's own cost
(read → map → validate → resolve → build records) is told from the store's. Runs alternate
between the trees (A B A B …) so a change of load falls on both; ratios use CPU time, which
another engineer's process on the other core barely moves. Run::

    python bench/ingest_cpu.py --scale 3 --trees before=/tmp/ingest-before after=. \\
        --stores stub sqlite --rounds 3

``--scale``/``--seed`` generate the county once (with the first tree's generator) into a
temporary folder; ``--src`` takes a folder generated before.

It is run as a file, not a module, so that ``ingest`` and ``kg`` come from each tree's path.
Prints; does not write RESULTS.md.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any


class CountingStore:
    """A store stub that keeps the ids it was sent and counts nodes and edges as created: what
    the pipeline asks of a store (``iter_nodes``, ``get_nodes``, ``version``, upserts), no more."""

    url = "stub://"

    def __init__(self) -> None:
        self.ids: set[str] = set()
        self.nodes = self.edges = 0
        self.version = 0

    def upsert_nodes(self, nodes: Iterable[Any]) -> Any:
        from kg.stores.base import UpsertResult

        n = 0
        for node in nodes:
            self.ids.add(node.id)
            n += 1
        self.nodes += n
        self.version += 1
        return UpsertResult(created=n)

    @contextmanager
    def bulk(self, commit_rows: int | None = None) -> Iterator[None]:
        yield

    def upsert_edges(self, edges: Iterable[Any]) -> Any:
        from kg.stores.base import UpsertResult

        n = sum(1 for _ in edges)
        self.edges += n
        self.version += 1
        return UpsertResult(created=n)

    def iter_nodes(self, types: Iterable[str] | None = None) -> Iterator[Any]:
        return iter(())

    def get_nodes(self, node_ids: Iterable[str]) -> dict[str, Any]:
        from kg.model import Node

        return {i: Node(i, "", "") for i in node_ids if i in self.ids}


def _child(src: Path, store_kind: str) -> dict[str, Any]:
    # Modules the readers import on first use (openpyxl: ~0.2 s) are imported before the clock
    # starts, so the CPU time is the ingest's, not a one-off import's.
    import ingest.readers.spreadsheet
    import ingest.triples  # noqa: F401
    from ingest.pipeline import _run
    from ingest.plan import folder_plan, mapping_aliases
    from ingest.report import RejectsWriter
    from ingest.resolve import Resolver
    from kg.settings import get_settings

    with tempfile.TemporaryDirectory() as tmp:
        store: Any
        if store_kind == "sqlite":
            from kg.stores.sqlite import SQLiteStore

            store = SQLiteStore(Path(tmp) / "kg.sqlite")
        else:
            store = CountingStore()
        mappings, aliases = folder_plan(src)
        resolver = Resolver(store, aliases)
        rows = rejected = nodes = edges = 0
        cpu = time.process_time()
        with RejectsWriter(None) as rejects:
            for m in mappings:
                resolver.add_aliases(mapping_aliases(m))
                report = _run(
                    store, m.source_path(), m, resolver, rejects, get_settings().batch_size, False
                )
                rows += report.rows_read
                rejected += report.rows_rejected
                nodes += report.nodes.created + report.nodes.updated + report.nodes.unchanged
                edges += report.edges.created + report.edges.updated + report.edges.unchanged
        cpu = time.process_time() - cpu
    return {"rows": rows, "rejected": rejected, "nodes": nodes, "edges": edges, "cpu_s": cpu}


def _spawn(tree: Path, src: Path, store_kind: str) -> dict[str, Any]:
    env = {**os.environ, "PYTHONPATH": str(tree.resolve())}
    done = subprocess.run(
        [sys.executable, __file__, "--child", str(src), "--stores", store_kind],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--src", type=Path, help="a generated source folder")
    parser.add_argument("--scale", type=float, help="generate the county at this size instead")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--trees", nargs="+", default=["after=."], help="label=path of a tree")
    parser.add_argument("--stores", nargs="+", default=["stub", "sqlite"])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(_child(args.child, args.stores[0])))
        return
    if (args.src is None) == (args.scale is None):
        parser.error("give --src or --scale")
    trees = [(t.split("=", 1)[0], Path(t.split("=", 1)[1])) for t in args.trees]
    if args.src is None:
        with tempfile.TemporaryDirectory() as tmp:
            src = Path(tmp) / f"src-{args.scale:g}x"
            code = "import sys; from pathlib import Path; from ingest.synthetic import generate; "
            code += "generate(Path(sys.argv[1]), scale=float(sys.argv[2]), seed=int(sys.argv[3]))"
            env = {**os.environ, "PYTHONPATH": str(trees[0][1].resolve())}
            cmd = [sys.executable, "-c", code, str(src), str(args.scale), str(args.seed)]
            subprocess.run(cmd, env=env, check=True)
            _compare(trees, src, args.stores, args.rounds)
    else:
        _compare(trees, args.src, args.stores, args.rounds)


def _compare(trees: list[tuple[str, Path]], src: Path, stores: list[str], rounds: int) -> None:
    for store_kind in stores:
        cpu: dict[str, list[float]] = {label: [] for label, _ in trees}
        counts = set()  # what each run read, rejected and sent: the same for every tree and run
        load = [os.getloadavg()[0]]
        for _ in range(rounds):
            for label, tree in trees:
                result = _spawn(tree, src, store_kind)
                cpu[label].append(result["cpu_s"])
                counts.add((result["rows"], result["rejected"], result["nodes"], result["edges"]))
                print(store_kind, label, json.dumps(result), flush=True)
            load.append(os.getloadavg()[0])
        if len(counts) > 1:
            print(f"{store_kind}: the trees' runs differ in rows/rejects/records: {counts}")
        rows = result["rows"]
        summary = {label: statistics.median(v) for label, v in cpu.items()}
        first = trees[0][0]
        print(
            f"{store_kind}: median CPU s "
            + ", ".join(
                f"{label} {s:.2f} ({rows / s:,.0f} rows/s, {s / rows * 1e6:.1f} µs/row)"
                for label, s in summary.items()
            )
            + "; ratios vs "
            + first
            + ": "
            + ", ".join(f"{label} {summary[first] / s:.2f}×" for label, s in summary.items())
            + f"; load avg 1m {min(load):.1f}–{max(load):.1f}",
            flush=True,
        )


if __name__ == "__main__":
    main()
