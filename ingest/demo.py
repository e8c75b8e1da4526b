"""The demo county: the seeded synthetic generator's files, loaded by the ordinary pipeline.

Labelled synthetic (``synthetic: true`` on every node). Building it twice changes nothing: the
generator writes the same bytes and the pipeline finds every row unchanged.
"""

from __future__ import annotations

from pathlib import Path

from ingest.pipeline import ingest_folder
from ingest.report import IngestReport
from ingest.synthetic import generate
from kg.stores.base import GraphStore

DEMO_SOURCE = Path("data/demo-src")
DEMO_SEED = 7


def demo_source_for(store_url: str) -> Path:
    """Where the demo's source files go: beside a SQLite store (``data/demo.sqlite`` →
    ``data/demo-src``), else ``data/demo-src``."""
    if store_url.startswith("sqlite:///"):
        return Path(store_url[len("sqlite:///") :]).parent / DEMO_SOURCE.name
    return DEMO_SOURCE


def build_demo(
    store: GraphStore,
    source_dir: str | Path = DEMO_SOURCE,
    *,
    seed: int = DEMO_SEED,
    scale: float = 1.0,
    progress: bool = False,
) -> list[IngestReport]:
    """Generate the synthetic county's source files into ``source_dir`` and ingest them."""
    generate(source_dir, scale=scale, seed=seed)
    return ingest_folder(
        store, source_dir, rejects_path=Path(source_dir) / "rejects.csv", progress=progress
    )
