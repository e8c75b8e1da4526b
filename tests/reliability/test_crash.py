"""Crash safety: ``ikg ingest`` SIGKILLed mid-run leaves a consistent store holding whole batches
only; running it again completes to exactly the graph an uninterrupted run builds.

Each row of the generated file is one enterprise in one of 7 towns (``镇0``…``镇6``): the first
batch creates the 7 Region nodes, every batch creates ``BATCH`` enterprises and then, in a second
transaction, their ``BATCH`` LOCATED_IN edges. So after a kill: enterprises = k·BATCH, and
LOCATED_IN ∈ {enterprises − BATCH, enterprises}. The ingest's bulk session groups batches into
commits of ``COMMIT_ROWS`` changed rows (a few batches each here, 500,000 by default), and a group
commits only between batches, so the same holds.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from kg.stores.sqlite import SQLiteStore
from tests.reliability.corpus import ENTERPRISES, HEADER, enterprise_rows

ROWS = 6000
BATCH = 250
COMMIT_ROWS = 1000
IKG = Path(sys.executable).parent / "ikg"


def _source(tmp: Path) -> Path:
    with (tmp / "企业.csv").open("w", encoding="utf-8") as f:
        f.write(HEADER)
        f.writelines(enterprise_rows(ROWS))
    mapping = tmp / "企业.yaml"
    mapping.write_text("source: 企业.csv\n" + ENTERPRISES, encoding="utf-8")
    return mapping


def _ingest(mapping: Path, db: Path) -> subprocess.Popen[bytes]:
    cmd = [str(IKG), "ingest", str(mapping), "--store", f"sqlite:///{db}"]
    cmd += ["--batch-size", str(BATCH), "--no-progress"]
    env = {**os.environ, "KG_BULK_COMMIT_ROWS": str(COMMIT_ROWS)}
    return subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)


def _counts(db: Path) -> tuple[int, int, int]:
    with sqlite3.connect(db, timeout=30) as conn:
        nodes = dict(conn.execute("SELECT type, count(*) FROM nodes GROUP BY type").fetchall())
        (located,) = conn.execute("SELECT count(*) FROM edges WHERE type='LOCATED_IN'").fetchone()
    return nodes.get("Enterprise", 0), nodes.get("Region", 0), located


def _graph(db: Path) -> tuple[list[Any], list[Any]]:
    """Every node and edge with its properties and provenance, less the ingestion time."""
    store = SQLiteStore(db)

    def prov(p: Any) -> list[Any]:
        return sorted((x.source, x.file_sha256, x.row) for x in p)

    nodes = sorted(
        (n.id, n.type, n.name, sorted(n.aliases), sorted(n.props.items()), prov(n.provenance))
        for n in store.iter_nodes()
    )
    edges = sorted(
        (*e.ident, sorted(e.props.items()), prov(e.provenance)) for e in store.iter_edges()
    )
    store.close()
    return nodes, edges


@pytest.mark.slow
def test_sigkill_mid_ingest_then_rerun_equals_an_uninterrupted_run(tmp_path: Path) -> None:
    mapping = _source(tmp_path)
    killed_db = tmp_path / "killed.sqlite"
    proc = _ingest(mapping, killed_db)
    deadline = time.monotonic() + 300
    enterprises = 0
    while time.monotonic() < deadline and proc.poll() is None:
        if killed_db.exists():
            try:
                enterprises = _counts(killed_db)[0]
            except sqlite3.OperationalError:
                enterprises = 0  # tables not created yet
        if enterprises >= 4 * BATCH:
            break
        time.sleep(0.05)
    assert proc.poll() is None, f"ingest ended before it could be killed: {proc.stderr.read()!r}"  # type: ignore[union-attr]
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(30)
    assert proc.returncode == -signal.SIGKILL

    # The store opens consistent, holding whole batches only.
    with sqlite3.connect(killed_db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    enterprises, regions, located = _counts(killed_db)
    assert 4 * BATCH <= enterprises < ROWS
    assert enterprises % BATCH == 0, enterprises
    assert regions == 7 and located in (enterprises - BATCH, enterprises)
    store = SQLiteStore(killed_db)  # and the store itself opens and answers
    assert store.stats().nodes["Enterprise"] == enterprises
    assert store.search("机械", limit=1)
    store.close()

    # Run again to completion; compare with an uninterrupted run into another store.
    rerun = _ingest(mapping, killed_db)
    assert rerun.wait(300) == 0, rerun.stderr.read()  # type: ignore[union-attr]
    clean_db = tmp_path / "clean.sqlite"
    clean = _ingest(mapping, clean_db)
    assert clean.wait(300) == 0, clean.stderr.read()  # type: ignore[union-attr]
    assert _counts(killed_db) == _counts(clean_db) == (ROWS, 7, ROWS)
    assert _graph(killed_db) == _graph(clean_db)
