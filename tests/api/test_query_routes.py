"""Named queries over HTTP and on the command line, with a query registered for the test.

``neighbour_names`` on the tiny graph (see tests/conftest.py), worked out by hand:
甲公司's neighbours are 张三 (AFFILIATED_WITH), 浙江大学 (COLLABORATES_WITH) and 乙公司 (SUPPLIES);
only 浙江大学 is a University.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from fastapi import APIRouter, FastAPI
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from api.app import create_app
from api.cli import app as cli
from api.querying import expose
from kg.settings import Settings
from kg.stores.base import GraphStore
from queries.registry import REGISTRY


@pytest.fixture
def client(tiny: GraphStore, neighbour_query: str) -> Iterator[TestClient]:
    application: FastAPI = create_app(Settings(store=tiny.url), store=tiny)
    router = APIRouter()
    expose(router, "/neighbours/{entity:path}", neighbour_query, path_params={"entity": "entity"})
    application.include_router(router)
    with TestClient(application) as c:
        yield c


def test_exposed_query_is_typed_and_answers(client: TestClient) -> None:
    body = client.get("/neighbours/enterprise:甲公司").json()
    assert body == {"names": ["张三", "新昌乙精密机械有限公司", "浙江大学"]}
    only = client.get("/neighbours/enterprise:甲公司", params={"types": "University"}).json()
    assert only == {"names": ["浙江大学"]}
    op = client.get("/openapi.json").json()["paths"]["/neighbours/{entity}"]["get"]
    params = {p["name"]: p for p in op["parameters"]}
    assert params["entity"]["in"] == "path" and params["types"]["in"] == "query"
    assert params["limit"]["schema"]["maximum"] == 50
    schema = op["responses"]["200"]["content"]["application/json"]["schema"]
    assert schema["$ref"].endswith("/NeighbourNames")


def test_exposed_query_errors(client: TestClient) -> None:
    missing = client.get("/neighbours/enterprise:nobody")
    assert missing.status_code == 404 and missing.json()["code"] == "entity_not_found"
    bad = client.get("/neighbours/enterprise:甲公司", params={"limit": 0})
    assert bad.status_code == 422 and bad.json()["code"] == "invalid_input"
    assert "Traceback" not in bad.text


def test_registry_over_http(client: TestClient) -> None:
    listed = client.get("/queries").json()
    info = next(q for q in listed["items"] if q["name"] == "neighbour_names")
    assert info["zh"] == "邻居" and "entity" in info["params"]["properties"]
    asked = client.get(
        "/queries/neighbour_names",
        params=[("entity", "enterprise:甲公司"), ("types", "University")],
    )
    assert asked.json() == {"names": ["浙江大学"]}
    assert client.get("/queries/neighbour_names/schema").json()["en"] == "neighbours"
    unknown = client.get("/queries/nope")
    assert unknown.status_code == 404 and unknown.json()["code"] == "not_found"
    bad = client.get("/queries/neighbour_names")  # entity is required
    assert bad.status_code == 422 and "entity" in bad.json()["message"]


def test_queries_list_paginates(client: TestClient) -> None:
    first = client.get("/queries", params={"limit": 1}).json()
    total = len(REGISTRY)
    assert len(first["items"]) == 1
    assert first["next_offset"] == (1 if total > 1 else None)


def test_cli_query_table_and_json(tiny: GraphStore, neighbour_query: str) -> None:
    runner = CliRunner()
    args = ["query", "neighbour_names", "--entity", "enterprise:甲公司", "--store", tiny.url]
    as_json = runner.invoke(cli, [*args, "--types", "University", "--json"])
    assert as_json.exit_code == 0, as_json.output
    assert json.loads(as_json.output) == {"names": ["浙江大学"]}
    table = runner.invoke(cli, args)
    assert table.exit_code == 0 and "新昌乙精密机械有限公司" in table.output
    by_json = runner.invoke(
        cli,
        [
            "query",
            "neighbour_names",
            "--params",
            '{"entity": "enterprise:甲公司", "limit": 1}',
            "--store",
            tiny.url,
            "--json",
        ],
    )
    assert json.loads(by_json.output) == {"names": ["张三"]}
    listing = runner.invoke(cli, ["query", "list"])
    assert "neighbour_names" in listing.output
