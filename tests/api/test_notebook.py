"""The notebook API: ``kg.open`` gives typed answers with a DataFrame view and inline views,
while importing ``kg`` alone still pulls in nothing of ``api`` or ``queries``."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import kg
from kg.stores.base import GraphStore
from kg.stores.sqlite import SQLiteStore
from tests.queries.conftest import chain_edges, chain_nodes


def test_open_query_frame_and_view(tiny: GraphStore, neighbour_query: str) -> None:
    g = kg.open(tiny.url)
    try:
        answer = g.query(neighbour_query, entity="enterprise:甲公司")
        assert answer.names == ["张三", "新昌乙精密机械有限公司", "浙江大学"]  # typed result
        frame = answer.to_frame()
        assert list(frame["value"]) == answer.names
        assert neighbour_query in g.queries()
        assert g.search("浙大")[0] == ("university:浙江大学", "University", "浙江大学")
        view = g.ego_viz("enterprise:甲公司", hops=2)
        assert len(view.nodes) == 5 and view._repr_html_().startswith("<iframe srcdoc=")
    finally:
        g.close()


def test_importing_kg_does_not_import_the_layers_above() -> None:
    code = (
        "import sys, kg; "
        "bad = [m for m in sys.modules if m.split('.')[0] in ('api', 'queries', 'ingest')]; "
        "print(bad); sys.exit(1 if bad else 0)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


def test_influence_frame_is_the_leader_ranking(tmp_path: Path) -> None:
    """An analyst's `to_frame()` on chain-leader influence is the ranked leaders, not the glossary
    of metrics (which happens to be the longer list)."""
    store = SQLiteStore(tmp_path / "chain.sqlite")
    store.upsert_nodes(chain_nodes())
    store.upsert_edges(chain_edges())
    g = kg.open(store.url)
    try:
        answer = g.chain_leader_influence("chain:汽车零部件")
        frame = answer.to_frame()
        assert len(frame) == len(answer.leaders) and len(answer.metrics) > len(answer.leaders)
        assert list(frame["id"]) == [leader.id for leader in answer.leaders]
        assert len(answer.to_frame("metrics")) == len(answer.metrics)
    finally:
        g.close()
        store.close()
