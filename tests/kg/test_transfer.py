"""Copying a store into another (what ``ikg migrate`` does): everything arrives, once."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from api.cli import app
from kg.errors import InvalidInput
from kg.stores.base import UpsertResult
from kg.stores.sqlite import SQLiteStore
from kg.stores.transfer import copy_store
from tests.conftest import tiny_edges, tiny_nodes


def _source(tmp_path: Path) -> SQLiteStore:
    store = SQLiteStore(tmp_path / "from.sqlite")
    store.upsert_nodes(tiny_nodes())
    store.upsert_edges(tiny_edges())
    return store


def test_copy_brings_every_node_and_edge_in_batches(tmp_path: Path) -> None:
    source, target = _source(tmp_path), SQLiteStore(tmp_path / "to.sqlite")
    batches: list[tuple[str, int]] = []
    nodes, edges = copy_store(
        source, target, batch_size=2, on_batch=lambda kind, r: batches.append((kind, r.created))
    )
    # tiny: 5 nodes and 6 edges → node batches of 2, 2, 1 and edge batches of 2, 2, 2
    assert (nodes, edges) == (UpsertResult(5, 0, 0), UpsertResult(6, 0, 0))
    assert batches == [("nodes", 2), ("nodes", 2), ("nodes", 1)] + [("edges", 2)] * 3
    assert target.stats().nodes == source.stats().nodes
    assert target.stats().edges == source.stats().edges
    assert sorted(target.iter_nodes(), key=lambda n: n.id) == sorted(
        source.iter_nodes(), key=lambda n: n.id
    )  # provenance and properties included
    again = copy_store(source, target, batch_size=2)
    assert again == (UpsertResult(0, 0, 5), UpsertResult(0, 0, 6))


def test_copy_refuses_a_store_into_itself(tmp_path: Path) -> None:
    source = _source(tmp_path)
    with pytest.raises(InvalidInput, match="same store"):
        copy_store(source, SQLiteStore(source.path, url=source.url))


def test_migrate_command(tmp_path: Path) -> None:
    _source(tmp_path).close()
    src, dst = f"sqlite:///{tmp_path / 'from.sqlite'}", f"sqlite:///{tmp_path / 'to.sqlite'}"
    result = CliRunner().invoke(app, ["migrate", "--from", src, "--to", dst, "--batch-size", "3"])
    assert result.exit_code == 0, result.output
    assert "nodes +5 ~0 =0, edges +6 ~0 =0" in result.output
    assert SQLiteStore(tmp_path / "to.sqlite").stats().edge_count == 6
