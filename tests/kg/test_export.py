"""GraphML and CSV exports, on the ``rich`` graph (tests/kg/rich.py): 8 nodes, 9 edges."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from pathlib import Path

import networkx as nx
import pytest

from kg.errors import EntityNotFound, InvalidInput
from kg.export import export, write_csv_folder
from kg.stores.sqlite import SQLiteStore
from kg.subgraph import Selection
from tests.kg.rich import ENT, PAT, load_rich


@pytest.fixture
def rich(tmp_path: Path) -> SQLiteStore:
    store = SQLiteStore(tmp_path / "rich.sqlite")
    load_rich(store)
    return store


def test_graphml_is_readable_by_networkx(rich: SQLiteStore) -> None:
    buf = io.BytesIO()
    stats = export(rich, buf, "graphml")
    assert (stats.nodes, stats.edges) == (8, 9)
    g = nx.read_graphml(io.BytesIO(buf.getvalue()), force_multigraph=True)
    assert g.number_of_nodes() == 8 and g.number_of_edges() == 9
    assert g.nodes[ENT]["name"] == "浙江甲科技股份有限公司"
    assert g.nodes[ENT]["type_label"] == "企业"
    assert json.loads(g.nodes[PAT]["ipc"]) == ["B22D", "B21D", "B22D"]  # lists as JSON
    assert json.loads(g.nodes[ENT]["aliases"]) == ["甲科技", "甲公司"]
    assert g.nodes[ENT]["above_scale"] is True and g.nodes[ENT]["revenue"] == 12345.5
    # the two collaboration agreements stay two parallel edges
    collab = g.get_edge_data(ENT, "university:浙江大学")
    assert sorted(d["year"] for d in collab.values()) == [2021, 2023]
    assert g.graph["note"].startswith("包含合成数据")  # the chain node is synthetic


def test_graphml_of_a_subgraph(rich: SQLiteStore) -> None:
    buf = io.BytesIO()
    export(rich, buf, "graphml", Selection.of(ids=[ENT, "university:浙江大学"]))
    g = nx.read_graphml(io.BytesIO(buf.getvalue()), force_multigraph=True)
    assert sorted(g.nodes) == [ENT, "university:浙江大学"] and g.number_of_edges() == 2
    with pytest.raises(EntityNotFound):
        export(rich, io.BytesIO(), "graphml", Selection.of(ids=["enterprise:不存在"]))


def _read_zip(data: bytes) -> dict[str, list[list[str]]]:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return {
            name: list(csv.reader(io.StringIO(zf.read(name).decode("utf-8-sig"))))
            for name in zf.namelist()
        }


def test_csv_zip_has_the_columns_and_rows(rich: SQLiteStore) -> None:
    buf = io.BytesIO()
    export(rich, buf, "csv")
    tables = _read_zip(buf.getvalue())
    nodes, edges = tables["nodes.csv"], tables["edges.csv"]
    header = nodes[0]
    for col in (
        "id",
        "type",
        "type_label",
        "name",
        "aliases",
        "credit_code",
        "ipc",
        "extra",
        "provenance",
    ):
        assert col in header
    assert len(nodes) == 1 + 8 and len(edges) == 1 + 9
    row = dict(zip(header, next(r for r in nodes[1:] if r[0] == PAT), strict=True))
    assert row["ipc"] == "B22D；B21D；B22D" and row["name"] == "一种轮毂的轻量化制造方法"
    assert [p[0] for p in json.loads(row["provenance"])] == ["专利清单.csv", "partner-rdf"]
    ent = dict(zip(header, next(r for r in nodes[1:] if r[0] == ENT), strict=True))
    assert json.loads(ent["extra"]) == {"备注": "未声明的属性"}
    assert ent["above_scale"] == "true" and ent["revenue"] == "12345.5"
    assert edges[0][:5] == ["source", "type", "type_label", "target", "key"]
    assert sorted(r[4] for r in edges[1:] if r[1] == "COLLABORATES_WITH") == ["2021", "2023"]


def test_csv_with_chinese_headers_in_a_folder(rich: SQLiteStore, tmp_path: Path) -> None:
    out = tmp_path / "tables"
    stats = write_csv_folder(
        rich, out, Selection.of(types=["Enterprise", "Patent", "APPLIED"]), zh_headers=True
    )
    assert (stats.nodes, stats.edges) == (2, 1)  # 甲公司, the patent, and its application
    raw = (out / "nodes.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # a BOM so Excel reads UTF-8
    header = next(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert header[:5] == ["编号", "类型", "类型名称", "名称", "别名"]
    assert "统一社会信用代码" in header and "IPC分类号" in header and "来源" in header
    edge_header = next(csv.reader((out / "edges.csv").open(encoding="utf-8-sig")))
    assert edge_header[:5] == ["起点", "关系", "关系名称", "终点", "键"]


def test_unknown_format_and_type_are_invalid_input(rich: SQLiteStore) -> None:
    with pytest.raises(InvalidInput, match="unknown export format"):
        export(rich, io.BytesIO(), "xlsx")
    with pytest.raises(InvalidInput, match="unknown type"):
        Selection.of(types=["Company"])
