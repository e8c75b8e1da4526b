"""Read routes answer repeated requests from the response cache, and never with a stale answer:
any write (through the API or straight into the store, as another process's ingest does) moves
the store version the cache is keyed by. On the hand-built graph (tests/conftest.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.caching import ResponseCache
from kg.model import Edge, Node
from kg.settings import Settings
from kg.stores.base import GraphStore
from tests.conftest import PROV

KEY = "cache-test-key"


@pytest.fixture
def client(tiny: GraphStore, tmp_path: Path) -> Iterator[TestClient]:
    settings = Settings(store=tiny.url, api_key=KEY, audit_log=tmp_path / "audit.jsonl")
    with TestClient(create_app(settings, store=tiny)) as c:
        yield c


def _cache(client: TestClient) -> ResponseCache:
    cache: ResponseCache = client.app.state.response_cache  # type: ignore[attr-defined]
    return cache


def test_repeated_reads_hit_the_cache_whatever_the_parameter_order(client: TestClient) -> None:
    cache = _cache(client)
    first = client.get("/paths?source=talent:张三&target=enterprise:乙公司&k=2")
    assert first.status_code == 200 and (cache.hits, cache.misses) == (0, 1)
    again = client.get("/paths?k=2&target=enterprise:乙公司&source=talent:张三")
    assert again.content == first.content and cache.hits == 1
    # the default written out is the same question
    client.get("/entities", params={"q": "公司"})
    client.get("/entities", params={"q": "公司", "limit": 20, "lang": "zh"})
    assert cache.hits == 2
    # a different question is not
    client.get("/paths?source=talent:张三&target=enterprise:乙公司&k=1")
    assert cache.hits == 2


def test_reads_after_an_api_delete_see_it(client: TestClient) -> None:
    names = [i["id"] for i in client.get("/entities", params={"q": "公司"}).json()["items"]]
    assert names == ["enterprise:甲公司", "enterprise:乙公司"]
    assert client.get("/entities/enterprise:甲公司").json()["neighbour_count"] == 3
    ask = {"source": "talent:张三", "target": "enterprise:乙公司", "k": 5}
    before = [
        [n["id"] for n in p["nodes"]] for p in client.get("/paths", params=ask).json()["paths"]
    ]
    assert ["talent:张三", "enterprise:甲公司", "enterprise:乙公司"] in before

    gone = client.delete("/entities/enterprise:甲公司", headers={"X-API-Key": KEY})
    assert gone.status_code == 200

    names = [i["id"] for i in client.get("/entities", params={"q": "公司"}).json()["items"]]
    assert names == ["enterprise:乙公司"]
    assert client.get("/entities/enterprise:甲公司").status_code == 404
    # without 甲公司, 张三 reaches 乙公司 only as an alumnus of 浙江大学, a partner in 项目X
    after = [
        [n["id"] for n in p["nodes"]] for p in client.get("/paths", params=ask).json()["paths"]
    ]
    assert after == [["talent:张三", "university:浙江大学", "project:项目X", "enterprise:乙公司"]]


def test_reads_see_a_write_made_straight_into_the_store(
    client: TestClient, tiny: GraphStore
) -> None:
    """Another process ingesting into the same SQLite file moves its version too."""
    before = client.get("/entities/university:浙江大学").json()["neighbour_count"]
    assert client.get("/entities", params={"q": "丙公司"}).json()["items"] == []

    tiny.upsert_nodes([Node("enterprise:丙公司", "Enterprise", "丙公司", provenance=PROV)])
    tiny.upsert_edges(
        [Edge("enterprise:丙公司", "COLLABORATES_WITH", "university:浙江大学", "2025", {}, PROV)]
    )

    hits = client.get("/entities", params={"q": "丙公司"}).json()["items"]
    assert [h["id"] for h in hits] == ["enterprise:丙公司"]
    assert client.get("/entities/university:浙江大学").json()["neighbour_count"] == before + 1


def test_errors_are_not_cached(client: TestClient, tiny: GraphStore) -> None:
    assert client.get("/entities/enterprise:丁公司").status_code == 404
    tiny.upsert_nodes([Node("enterprise:丁公司", "Enterprise", "丁公司", provenance=PROV)])
    assert client.get("/entities/enterprise:丁公司").json()["name"] == "丁公司"


def test_the_cache_keeps_to_its_byte_budget() -> None:
    cache = ResponseCache(max_bytes=800)
    keys = [("sqlite:///x", 1, "/r", str(i).encode()) for i in range(9)]
    for key in keys[:8]:
        cache.put(key, b"x" * 100)
    assert all(cache.get(k) is not None for k in keys[1:8])  # 800 bytes: all kept; 0 is LRU
    cache.put(keys[8], b"x" * 100)
    assert cache.get(keys[0]) is None
    assert all(cache.get(k) is not None for k in keys[1:])
    cache.put(("sqlite:///x", 1, "/r", b"big"), b"y" * 101)  # over 1/8 of the budget: not kept
    assert cache.get(("sqlite:///x", 1, "/r", b"big")) is None and cache.get(keys[1]) is not None


def test_a_zero_budget_turns_the_cache_off(tiny: GraphStore, tmp_path: Path) -> None:
    settings = Settings(store=tiny.url, response_cache_mb=0, audit_log=tmp_path / "a.jsonl")
    with TestClient(create_app(settings, store=tiny)) as c:
        for _ in range(2):
            assert c.get("/entities", params={"q": "公司"}).status_code == 200
        assert _cache(c).hits == 0


def test_an_integer_beyond_64_bits_is_still_a_key(client: TestClient) -> None:
    page = client.get("/communities", params={"limit": 1, "offset": 2**64})
    assert page.status_code == 200 and page.json()["communities"] == []


def test_the_same_url_again_is_answered_before_routing(client: TestClient) -> None:
    cache = _cache(client)
    url = "/paths?source=talent:张三&target=enterprise:乙公司&k=2"
    first = client.get(url)
    seen = (cache.hits, cache.misses)
    again = [client.get(url) for _ in range(3)]
    assert (cache.hits, cache.misses) == seen  # the routes never saw these
    assert all(r.status_code == 200 and r.content == first.content for r in again)
    assert again[0].headers["x-kg-store-version"] == first.headers["x-kg-store-version"]
    assert again[0].headers["content-type"] == "application/json"


def test_keyed_reads_never_skip_the_key_check(tiny: GraphStore, tmp_path: Path) -> None:
    settings = Settings(
        store=tiny.url, api_key=KEY, read_requires_key=True, audit_log=tmp_path / "a.jsonl"
    )
    with TestClient(create_app(settings, store=tiny)) as c:
        for _ in range(2):
            assert c.get("/entities?q=公司", headers={"X-API-Key": KEY}).status_code == 200
        assert c.get("/entities?q=公司").status_code == 401
        assert c.get("/entities?q=公司", headers={"X-API-Key": "wrong"}).status_code == 401
