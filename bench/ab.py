"""The ingest of this tree against an earlier commit, in interleaved runs: ratios, not timings.

This machine's speed drifts by up to 1.6x within an hour (bench/RESULTS.md), so two ingests run
minutes apart do not compare. Here the base commit (checked out into a temporary git worktree)
and this tree ingest the same generated county in turn, base first in odd rounds and this tree
first in even ones, on the same interpreter; each round gives ratios of wall time and of each
process's CPU time, and the median round is the result. Run::

    python -m bench.ab --base 6b7e20e --scale 100 --rounds 2

The county is generated once per scale into ``--out`` (``src-{scale}x``, as ``bench.ingest_bench``
does) and reused; each run writes a fresh store. The base needs ``bench.ingest_bench --writer``
(main from 2026-11-29 09:20 UTC on).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def _ingest(tree: Path, src: Path, out: Path, writer: str) -> dict[str, Any]:
    """One ingest by the code in ``tree`` (its own ``bench.ingest_bench``), in a fresh process."""
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "bench.ingest_bench",
            "--child-ingest",
            str(src),
            "--out",
            str(out),
            "--writer",
            writer,
        ],
        cwd=tree,
        env={**os.environ, "PYTHONPATH": str(tree)},
        check=True,
        capture_output=True,
        text=True,
    )
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def _ratios(base: dict[str, Any], new: dict[str, Any]) -> dict[str, float]:
    """base / new: above 1 means this tree is faster."""
    main_base = base["cpu_s"] - base.get("writer_cpu_s", 0.0)
    main_new = new["cpu_s"] - new.get("writer_cpu_s", 0.0)
    out = {"wall": base["wall_s"] / new["wall_s"], "ingesting_cpu": main_base / main_new}
    if base.get("writer_cpu_s") and new.get("writer_cpu_s"):
        out["writer_cpu"] = base["writer_cpu_s"] / new["writer_cpu_s"]
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--base", required=True, help="the commit to compare with")
    parser.add_argument("--scale", type=float, default=10.0)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--writer", choices=("auto", "inline", "process"), default="auto")
    parser.add_argument("--out", type=Path, default=ROOT / "bench/out/ingest")
    args = parser.parse_args()
    src = (args.out / f"src-{args.scale:g}x").resolve()
    if not src.is_dir():
        subprocess.run(
            [
                sys.executable,
                "-m",
                "bench.ingest_bench",
                "--child-generate",
                str(src),
                "--scales",
                str(args.scale),
            ],
            cwd=ROOT,
            check=True,
        )
    with tempfile.TemporaryDirectory(prefix="ikg-ab-") as tmp:
        base_tree = Path(tmp) / "base"
        subprocess.run(
            ["git", "worktree", "add", "--detach", "-q", str(base_tree), args.base],
            cwd=ROOT,
            check=True,
        )
        try:
            rounds = []
            for i in range(args.rounds):
                order = [("base", base_tree), ("new", ROOT)]
                if i % 2:
                    order.reverse()
                found = {
                    label: _ingest(tree, src, Path(tmp) / f"store-{label}", args.writer)
                    for label, tree in order
                }
                ratio = _ratios(found["base"], found["new"])
                rounds.append(ratio)
                print(json.dumps({"round": i + 1, **found, "base/new": ratio}), flush=True)
        finally:
            subprocess.run(
                ["git", "worktree", "remove", "--force", str(base_tree)], cwd=ROOT, check=False
            )
    median = {k: round(statistics.median(r[k] for r in rounds), 3) for k in rounds[0]}
    print(json.dumps({"base": args.base, "scale": args.scale, "median base/new": median}))


if __name__ == "__main__":
    main()
