"""The first API routes through TestClient, on the hand-built graph."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from kg.settings import Settings
from kg.stores.base import GraphStore


@pytest.fixture
def client(tiny: GraphStore) -> Iterator[TestClient]:
    with TestClient(create_app(Settings(store=tiny.url), store=tiny)) as c:
        yield c


def test_health_and_stats(client: TestClient, tiny: GraphStore) -> None:
    assert client.get("/health").json() == {"status": "ok", "version": tiny.version}
    stats = client.get("/stats").json()
    assert stats["node_count"] == 5 and stats["edges"]["SUPPLIES"] == 1


def test_chinese_search_paginates(client: TestClient) -> None:
    page = client.get("/entities", params={"q": "公司", "limit": 1}).json()
    assert len(page["items"]) == 1 and page["next_offset"] == 1
    rest = client.get("/entities", params={"q": "公司", "limit": 1, "offset": 1}).json()
    assert rest["next_offset"] is None and rest["items"][0]["id"] != page["items"][0]["id"]
    hit = client.get("/entities", params={"q": "浙大", "type": "University"}).json()["items"]
    assert hit[0]["name"] == "浙江大学" and hit[0]["type_label"] == "高校"


def test_entity_page_and_errors(client: TestClient) -> None:
    body = client.get("/entities/enterprise:甲公司").json()
    assert body["name"] == "浙江甲科技股份有限公司" and body["neighbour_count"] == 3
    assert body["provenance"][0]["source"] == "test"
    missing = client.get("/entities/enterprise:nobody")
    assert missing.status_code == 404
    assert missing.json() == {
        "status": 404,
        "code": "entity_not_found",
        "message": "no entity with id 'enterprise:nobody'",
    }
    bad = client.get("/entities", params={"q": "x", "limit": 0})
    assert bad.status_code == 422 and bad.json()["code"] == "invalid_input"
