"""The export CLI: ``ikg export`` → ``ikg import-rdf`` round trip, ``ikg validate-rdf``."""

from __future__ import annotations

import zipfile
from pathlib import Path

from typer.testing import CliRunner

from api.cli import app
from kg.stores.sqlite import SQLiteStore
from tests.conftest import tiny_edges, tiny_nodes

runner = CliRunner()


def _tiny(path: Path) -> str:
    store = SQLiteStore(path)
    store.upsert_nodes(tiny_nodes())
    store.upsert_edges(tiny_edges())
    store.close()
    return f"sqlite:///{path}"


def test_export_then_import_rdf(tmp_path: Path) -> None:
    url = _tiny(tmp_path / "tiny.sqlite")
    out = tmp_path / "kg.ttl"
    result = runner.invoke(app, ["export", "--format", "ttl", "-o", str(out), "--store", url])
    assert result.exit_code == 0, result.output
    assert "浙江甲科技股份有限公司" in out.read_text(encoding="utf-8")
    copy = f"sqlite:///{tmp_path / 'copy.sqlite'}"
    result = runner.invoke(app, ["import-rdf", str(out), "--store", copy])
    assert result.exit_code == 0, result.output
    assert "nodes +5" in result.output and "edges +6" in result.output
    assert SQLiteStore(tmp_path / "copy.sqlite").stats().edge_count == 6


def test_export_a_subgraph_as_csv(tmp_path: Path) -> None:
    url = _tiny(tmp_path / "tiny.sqlite")
    out = tmp_path / "kg.zip"
    result = runner.invoke(
        app,
        ["export", "-f", "csv", "-o", str(out), "--store", url, "--types", "Enterprise,SUPPLIES"],
    )
    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(out) as zf:
        nodes = zf.read("nodes.csv").decode("utf-8-sig").splitlines()
        edges = zf.read("edges.csv").decode("utf-8-sig").splitlines()
    assert len(nodes) == 3 and len(edges) == 2  # header + 甲/乙; header + the supply link
    bad = runner.invoke(app, ["export", "-f", "csv", "-o", str(tmp_path / "x.csv"), "--store", url])
    assert bad.exit_code != 0


def test_validate_rdf_reports_a_broken_file(tmp_path: Path) -> None:
    url = _tiny(tmp_path / "tiny.sqlite")
    out = tmp_path / "kg.nt"
    assert runner.invoke(app, ["export", "-f", "nt", "-o", str(out), "--store", url]).exit_code == 0
    ok = runner.invoke(app, ["validate-rdf", str(out)])
    assert ok.exit_code == 0 and "通过" in ok.output
    lines = out.read_text(encoding="utf-8").splitlines()
    broken = [x for x in lines if not ("talent:张三>" in x.split(" ")[0] and "ontology#name>" in x)]
    out.write_text("\n".join(broken) + "\n", encoding="utf-8")
    bad = runner.invoke(app, ["validate-rdf", str(out), "--lang", "en"])
    assert bad.exit_code == 2
    assert "talent:张三 · ikg:name: every Talent needs exactly one non-empty name" in bad.output
