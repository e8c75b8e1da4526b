"""GET /export: the whole graph or a selection, in every format, as a download."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator

import networkx as nx
import pytest
import rdflib
from fastapi.testclient import TestClient

from api.app import create_app
from kg.settings import Settings
from kg.stores.base import GraphStore


@pytest.fixture
def client(tiny: GraphStore) -> Iterator[TestClient]:
    with TestClient(create_app(Settings(store=tiny.url), store=tiny)) as c:
        yield c


def test_whole_graph_as_turtle_and_json_ld(client: TestClient) -> None:
    r = client.get("/export", params={"format": "ttl"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/turtle")
    assert "attachment" in r.headers["content-disposition"]
    assert (r.headers["x-export-nodes"], r.headers["x-export-edges"]) == ("5", "6")
    g = rdflib.Graph().parse(data=r.text, format="turtle")
    names = {str(o) for o in g.objects() if isinstance(o, rdflib.Literal)}
    assert {"浙江甲科技股份有限公司", "新昌乙精密机械有限公司", "浙江大学", "张三"} <= names
    ld = client.get("/export", params={"format": "jsonld"})
    assert len(rdflib.Graph().parse(data=ld.text, format="json-ld")) == len(g)


def test_graphml_opens_in_networkx(client: TestClient) -> None:
    r = client.get("/export", params={"format": "graphml"})
    g = nx.read_graphml(io.BytesIO(r.content))
    assert g.number_of_nodes() == 5 and g.number_of_edges() == 6


def test_a_selection_as_csv_with_chinese_headers(client: TestClient) -> None:
    r = client.get(
        "/export",
        params={"format": "csv", "types": ["Enterprise", "SUPPLIES"], "zh_headers": "true"},
    )
    assert r.status_code == 200 and r.headers["content-type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(r.content)) as z:
        nodes = list(csv.DictReader(io.StringIO(z.read("nodes.csv").decode("utf-8-sig"))))
        edges = list(csv.DictReader(io.StringIO(z.read("edges.csv").decode("utf-8-sig"))))
    assert sorted(n["名称"] for n in nodes) == ["新昌乙精密机械有限公司", "浙江甲科技股份有限公司"]
    assert [(e["起点"], e["关系"], e["终点"]) for e in edges] == [
        ("enterprise:乙公司", "SUPPLIES", "enterprise:甲公司")
    ]


def test_bad_selections_are_clear_errors(client: TestClient) -> None:
    unknown = client.get("/export", params={"types": "Spaceship"})
    assert unknown.status_code == 422 and "Spaceship" in unknown.json()["message"]
    missing = client.get("/export", params={"ids": "enterprise:nobody"})
    assert missing.status_code == 404 and "enterprise:nobody" in missing.json()["message"]
    fmt = client.get("/export", params={"format": "pdf"})
    assert fmt.status_code == 422 and fmt.json()["code"] == "invalid_input"
