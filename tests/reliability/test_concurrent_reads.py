"""Readers get consistent answers while a writer commits batches: a reader (another thread with its
own connection, or another process, as the API beside a CLI ingest) never sees an error, a torn
batch or a version going backwards.

The writer adds batches of ``BATCH`` enterprises, then their ``BATCH`` COLLABORATES_WITH edges to
one university. So at any committed moment: enterprises = k·BATCH, edges = j·BATCH with j ∈ {k−1, k},
and a search for the batch marker finds whole batches only.
"""

from __future__ import annotations

import multiprocessing as mp
import threading
from pathlib import Path
from typing import Any

import pytest

from kg.model import Edge, Node
from kg.stores.sqlite import SQLiteStore
from tests.conftest import PROV

BATCH = 200
BATCHES = 25


def _write(path: Path) -> None:
    store = SQLiteStore(path)
    for b in range(BATCHES):
        ids = [f"enterprise:批次{b:03d}-{i:04d}" for i in range(BATCH)]
        store.upsert_nodes(
            Node(nid, "Enterprise", f"批次企业{b:03d}-{i:04d}有限公司", provenance=PROV)
            for i, nid in enumerate(ids)
        )
        store.upsert_edges(
            Edge(nid, "COLLABORATES_WITH", "university:浙江大学", key="2024", provenance=PROV)
            for nid in ids
        )
    store.close()


def _observe(path: str, ready: Any, stop: Any, out: Any) -> None:
    """Read in a loop until ``stop`` is set; put (observations, errors) on ``out``."""
    store = SQLiteStore(path)
    seen: list[tuple[int, int, int, int]] = []
    errors: list[str] = []
    last = False
    while not last:
        last = stop.is_set()  # one more full read after the writer is done
        try:
            s = store.stats()
            found = len(store.search("批次企业", types=["Enterprise"], limit=100_000))
            seen.append(
                (
                    s.version,
                    s.nodes.get("Enterprise", 0),
                    s.edges.get("COLLABORATES_WITH", 0),
                    found,
                )
            )
        except Exception as exc:  # the point: any error at all is a failure
            errors.append(repr(exc))
        ready.set()
    store.close()
    out.put((seen, errors))


def _check(seen: list[tuple[int, int, int, int]], errors: list[str]) -> None:
    assert errors == []
    versions = [v for v, *_ in seen]
    assert versions == sorted(versions), "version went backwards"
    for _, enterprises, edges, found in seen:
        assert enterprises % BATCH == 0 and edges % BATCH == 0, (enterprises, edges)
        assert enterprises - BATCH <= edges <= enterprises
        # The search ran after stats, so it may see later batches, never part of one.
        assert found % BATCH == 0 and found >= enterprises
    assert seen[-1][1:3] == (BATCH * BATCHES, BATCH * BATCHES)
    print(f"{len(seen)} reads, {len({e for _, e, _, _ in seen})} distinct states")


@pytest.fixture
def path(tmp_path: Path) -> Path:
    p = tmp_path / "kg.sqlite"
    store = SQLiteStore(p)
    store.upsert_nodes([Node("university:浙江大学", "University", "浙江大学", provenance=PROV)])
    store.close()
    return p


def test_thread_reader_sees_whole_batches(path: Path) -> None:
    import queue

    ready, stop, out = threading.Event(), threading.Event(), queue.Queue()  # type: ignore[var-annotated]
    reader = threading.Thread(target=_observe, args=(str(path), ready, stop, out))
    reader.start()
    ready.wait(30)
    _write(path)
    stop.set()
    reader.join(60)
    _check(*out.get(timeout=60))


def test_process_reader_sees_whole_batches(path: Path) -> None:
    ctx = mp.get_context("spawn")
    ready, stop, out = ctx.Event(), ctx.Event(), ctx.Queue()
    reader = ctx.Process(target=_observe, args=(str(path), ready, stop, out))
    reader.start()
    assert ready.wait(60)
    _write(path)
    stop.set()
    result = out.get(timeout=120)
    reader.join(60)
    _check(*result)


def test_api_reader_sees_whole_batches_and_never_a_stale_answer(path: Path, tmp_path: Path) -> None:
    """The API beside a CLI ingest: its searches and entity pages (cached by store version) show
    each batch whole or not at all, and once the writer is done, every answer shows all of them."""
    from fastapi.testclient import TestClient

    from api.app import create_app
    from kg.settings import Settings

    settings = Settings(store=f"sqlite:///{path}", audit_log=tmp_path / "audit.jsonl")
    counts: list[int] = []
    found: dict[int, list[int]] = {b: [] for b in range(BATCHES)}
    stop = threading.Event()

    def read_all(client: TestClient) -> None:
        page = client.get("/entities/university:浙江大学", params={"limit": 1000})
        counts.append(page.json()["neighbour_count"])
        for b in range(BATCHES):
            hits = client.get("/entities", params={"q": f"批次企业{b:03d}-", "limit": 200})
            found[b].append(len(hits.json()["items"]))

    with TestClient(create_app(settings)) as client:
        read_all(client)
        writer = threading.Thread(target=lambda: (_write(path), stop.set()))
        writer.start()
        while not stop.is_set():
            read_all(client)
        writer.join(120)
        read_all(client)  # after the last batch

    assert all(c % BATCH == 0 for c in counts) and counts == sorted(counts), counts
    assert counts[-1] == 1000  # 5,000 partners, the page lists its limit
    for b, seen in found.items():
        assert set(seen) <= {0, BATCH} and seen == sorted(seen), (b, seen)
        assert seen[-1] == BATCH, f"batch {b} still missing after the writer finished"
