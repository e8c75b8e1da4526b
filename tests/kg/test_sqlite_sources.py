"""Schema 3 keeps each file run (source, file hash, ingestion time) once, in table ``sources``,
and provenance refers to it by number: records must still read back with their own runs when a
batch rolls back after adding one, inside a bulk session too, and when two processes (two stores
on one file) add runs."""

from __future__ import annotations

import sqlite3
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path

import pytest

from kg.errors import InvalidInput
from kg.model import Edge, Node, Provenance
from kg.stores.sqlite import SQLiteStore


def _run(name: str, row: int = 1) -> tuple[Provenance, ...]:
    return (Provenance(name, name * 8, row, "2026-11-30T00:00:00+00:00"),)


@pytest.mark.parametrize("bulk", [False, True])
def test_a_run_added_by_a_rolled_back_batch_is_not_reused_for_another(
    tmp_path: Path, bulk: bool
) -> None:
    store = SQLiteStore(tmp_path / "kg.sqlite")
    store.upsert_nodes([Node("enterprise:甲", "Enterprise", "甲公司", provenance=_run("r0"))])
    session: AbstractContextManager[None] = store.bulk() if bulk else nullcontext()
    with session:
        # r1 is numbered inside this batch, then the batch fails (甲 cannot become a University).
        with pytest.raises(InvalidInput, match="cannot become"):
            store.upsert_nodes(
                [
                    Node("enterprise:乙", "Enterprise", "乙公司", provenance=_run("r1")),
                    Node("enterprise:甲", "University", "甲大学", provenance=_run("r1")),
                ]
            )
        # r2 now gets the number r1 had; r1, met again, must get a number of its own.
        store.upsert_nodes([Node("enterprise:丙", "Enterprise", "丙公司", provenance=_run("r2"))])
        store.upsert_nodes(
            [Node("enterprise:丁", "Enterprise", "丁公司", provenance=_run("r1", 5))]
        )
    reader = SQLiteStore(tmp_path / "kg.sqlite")
    for s in (store, reader):
        got = s.get_nodes(["enterprise:甲", "enterprise:丙", "enterprise:丁"])
        assert {i: n.provenance for i, n in got.items()} == {
            "enterprise:甲": _run("r0"),
            "enterprise:丙": _run("r2"),
            "enterprise:丁": _run("r1", 5),
        }
        assert "enterprise:乙" not in s.get_nodes(["enterprise:乙"])


def test_two_stores_on_one_file_read_each_others_runs(tmp_path: Path) -> None:
    a, b = SQLiteStore(tmp_path / "kg.sqlite"), SQLiteStore(tmp_path / "kg.sqlite")
    a.upsert_nodes([Node("enterprise:甲", "Enterprise", "甲公司", provenance=_run("a"))])
    b.upsert_nodes([Node("enterprise:乙", "Enterprise", "乙公司", provenance=_run("b"))])
    # The same node from a third run, written by the store that has not seen the node's first.
    b.upsert_nodes([Node("enterprise:甲", "Enterprise", "甲公司", provenance=_run("c", 3))])
    a.upsert_nodes([Node("enterprise:乙", "Enterprise", "乙公司", provenance=_run("a", 2))])
    for s in (a, b):
        assert s.get_node("enterprise:甲").provenance == (*_run("a"), *_run("c", 3))
        assert s.get_node("enterprise:乙").provenance == (*_run("a", 2), *_run("b"))


def test_a_rerun_that_changes_nothing_leaves_the_sources_table_as_it_was(tmp_path: Path) -> None:
    """Running the same file again (a later time, same source, file hash and rows) changes no
    record, so it must not leave a run behind either; a changed file's run is kept."""
    path = tmp_path / "kg.sqlite"
    store = SQLiteStore(path)

    def load(sha: str, at: str, revenue: float) -> tuple[int, int]:
        prov = (Provenance("企业名录", sha, 2, at),)
        n = store.upsert_nodes(
            [
                Node(
                    "enterprise:甲",
                    "Enterprise",
                    "甲公司",
                    props={"revenue": revenue},
                    provenance=prov,
                ),
                Node("university:浙江大学", "University", "浙江大学", provenance=prov),
            ]
        )
        e = store.upsert_edges(
            [Edge("enterprise:甲", "COLLABORATES_WITH", "university:浙江大学", provenance=prov)]
        )
        return n.changed, e.changed

    def runs() -> list[tuple[str, str]]:
        with sqlite3.connect(path) as conn:
            return conn.execute("SELECT file_sha256, ingested_at FROM sources").fetchall()

    assert load("a" * 64, "2026-11-30T08:00:00+00:00", 1.0) == (2, 1)
    assert runs() == [("a" * 64, "2026-11-30T08:00:00+00:00")]
    assert load("a" * 64, "2026-11-30T09:00:00+00:00", 1.0) == (0, 0)  # the same file again
    assert runs() == [("a" * 64, "2026-11-30T08:00:00+00:00")]
    assert load("b" * 64, "2026-11-30T10:00:00+00:00", 2.0) == (2, 1)  # the file changed
    assert runs() == [
        ("a" * 64, "2026-11-30T08:00:00+00:00"),
        ("b" * 64, "2026-11-30T10:00:00+00:00"),
    ]
    assert store.get_node("enterprise:甲").provenance[0].file_sha256 == "b" * 64
