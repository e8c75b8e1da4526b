"""Hostile strings in every mapped field of every source kind (CSV, XLSX, JSON, JSONL, and RDF
through export → import) are stored and found literally, or the row is rejected with a reason
naming its field; the store stays intact and nothing else changes."""

from __future__ import annotations

import io
import json
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
from openpyxl import Workbook

from ingest.mapping import parse_mapping
from ingest.pipeline import ingest_file
from kg.model import Node
from kg.rdf.reader import read_rdf
from kg.rdf.writer import write_rdf
from kg.stores.sqlite import SQLiteStore
from tests.conftest import PROV
from tests.reliability.strings import INJECTIONS

MAPPING = """
name: 注入测试
nodes:
  enterprise:
    type: Enterprise
    name: 企业名称
    properties: {region: 所在乡镇, rd_institution: 研发机构, size: 企业规模}
"""
COLUMNS = ["企业名称", "所在乡镇", "研发机构", "企业规模"]


def _rows(evil: str) -> list[dict[str, str]]:
    """A good row, then the hostile string in the name (inside a longer name, so it still has
    letters) and as every property, then another good row."""
    return [
        {"企业名称": "好甲精密有限公司", "所在乡镇": "新昌县", "研发机构": "", "企业规模": "小型"},
        {"企业名称": f"丙{evil}公司", "所在乡镇": evil, "研发机构": evil, "企业规模": evil},
        {"企业名称": "好乙精密有限公司", "所在乡镇": "新昌县", "研发机构": "", "企业规模": "小型"},
    ]


def _csv(path: Path, rows: list[dict[str, str]]) -> Path:
    import csv

    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, COLUMNS)
        w.writeheader()
        w.writerows(rows)
    return path


def _xlsx(path: Path, rows: list[dict[str, str]]) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.append(COLUMNS)
    for r in rows:
        ws.append([r[c] for c in COLUMNS])
    wb.save(path)
    return path


def _json(path: Path, rows: list[dict[str, str]]) -> Path:
    path.write_text(json.dumps(rows, ensure_ascii=False), encoding="utf-8")
    return path


def _jsonl(path: Path, rows: list[dict[str, str]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


WRITERS: dict[str, Callable[[Path, list[dict[str, str]]], Path]] = {
    "csv": _csv,
    "xlsx": _xlsx,
    "json": _json,
    "jsonl": _jsonl,
}


def _intact(store: SQLiteStore) -> None:
    with sqlite3.connect(store.path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)


def _check_literal(store: SQLiteStore, evil: str) -> None:
    (node,) = [n for n in store.iter_nodes() if n.name.startswith("丙")]
    assert node.name == f"丙{evil}公司"
    assert node.props["rd_institution"] == evil and node.props["size"] == evil
    if "\x00" not in evil and len(evil) < 1000:
        assert [n.id for n in store.search(f"丙{evil}公司")] == [node.id]


@pytest.mark.parametrize("kind", list(WRITERS))
@pytest.mark.parametrize("evil", INJECTIONS, ids=lambda s: repr(s[:24]))
def test_hostile_cells_in_every_source_kind(tmp_path: Path, kind: str, evil: str) -> None:
    if kind == "xlsx" and "\x00" in evil:
        pytest.skip("XLSX cannot hold a NUL (openpyxl refuses to write it)")
    store = SQLiteStore(tmp_path / "kg.sqlite")
    src = WRITERS[kind](tmp_path / f"src.{kind}", _rows(evil))
    report = ingest_file(store, src, parse_mapping(MAPPING))
    _intact(store)
    good = {"好甲精密有限公司", "好乙精密有限公司"}
    names = {n.name for n in store.iter_nodes()}
    if report.rows_rejected:
        # Only the hostile row, for a reason about one of its fields (a NUL, a name too long).
        (reject,) = report.rejects
        assert reject.row in (2, 3) and reject.field in COLUMNS, reject
        assert names == good
    else:
        assert names == good | {f"丙{evil}公司"}
        _check_literal(store, evil)
    if len(evil) > 1000:  # a 20,000-character name is no name
        assert report.rows_rejected == 1 and "longer than" in report.rejects[0].reason
    assert store.stats().nodes == {"Enterprise": len(names)}


@pytest.mark.parametrize("fmt", ["ttl", "nt", "jsonld"])
def test_hostile_strings_survive_rdf_export_and_import(tmp_path: Path, fmt: str) -> None:
    """Every hostile string as a name, an alias and properties of its own node, exported and
    imported again: all come back exactly."""
    source = SQLiteStore(tmp_path / "a.sqlite")
    nodes = [
        Node(
            f"enterprise:丙{i}",
            "Enterprise",
            f"丙{evil}公司",
            (f"别名{evil}",),
            {"region": evil, "rd_institution": evil, "size": evil},
            PROV,
        )
        for i, evil in enumerate(INJECTIONS)
    ]
    source.upsert_nodes(nodes)
    out = io.BytesIO()
    write_rdf(source, out, fmt, include_ontology=False)  # type: ignore[arg-type]
    target = SQLiteStore(tmp_path / "b.sqlite")
    report = read_rdf(target, out.getvalue(), fmt)
    _intact(target)
    assert report.rejected == 0, report.reasons
    assert target.stats().nodes == {"Enterprise": len(INJECTIONS)}
    for want in nodes:
        got = target.get_node(want.id)
        assert (got.name, got.aliases) == (want.name, want.aliases), want.id
        assert {k: got.props[k] for k in want.props} == want.props, want.id
