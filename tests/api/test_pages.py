"""Dashboard pages through TestClient on the demo graph: they render in Chinese and English,
link to each other, say the data is synthetic, and reference nothing off 127.0.0.1."""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from ingest.demo import load_demo
from kg.settings import Settings
from kg.stores.base import GraphStore

WANFENG = "enterprise:91330600609661208X"
ZJU = "university:浙江大学"
CHAIN = "chain:汽车零部件"
URL = re.compile(r"https?://[^\s\"'<>)]+")


@pytest.fixture
def client(store: GraphStore) -> Iterator[TestClient]:
    load_demo(store)
    with TestClient(create_app(Settings(store=store.url), store=store)) as c:
        yield c


def external_urls(page: str) -> list[str]:
    return [u for u in URL.findall(page) if not u.startswith("http://127.0.0.1")]


def page(client: TestClient, path: str) -> str:
    r = client.get(path)
    assert r.status_code == 200, r.text[:500]
    assert r.headers["content-type"].startswith("text/html")
    assert external_urls(r.text) == []
    return r.text


def test_home_links_to_every_analysis(client: TestClient) -> None:
    html = page(client, "/")
    for target in ("/ui/paths", "/ui/pairings", "/ui/kpis", "/viz/communities"):
        assert f'href="{target}"' in html
    assert f'href="/ui/chains/{quote(CHAIN, safe="")}"' in html
    assert "合成数据 / synthetic" in html
    english = page(client, "/?lang=en")
    assert "Collaboration paths" in english and 'href="/ui/paths?lang=en"' in english


def test_search_finds_the_firm_by_a_chinese_substring(client: TestClient) -> None:
    html = page(client, "/ui/search?q=万丰")
    assert "浙江万丰奥威汽轮股份有限公司" in html
    assert f'href="/ui/entities/{quote(WANFENG, safe="")}"' in html
    assert "没有找到" in page(client, "/ui/search?q=不存在的名字")


def test_entity_page_has_profile_neighbours_provenance_and_next_steps(client: TestClient) -> None:
    html = page(client, f"/ui/entities/{quote(WANFENG)}")
    assert "省级重点企业研究院" in html  # profile
    assert "浙江大学" in html and "新昌精密齿轮有限公司" in html  # neighbours
    assert "synthetic-demo" in html  # provenance
    assert f"/viz/ego/{quote(WANFENG, safe='')}" in html
    assert f"/ui/paths?source={quote(WANFENG, safe='')}" in html
    assert f"/ui/pairings?entity={quote(WANFENG, safe='')}" in html
    assert f"/ui/chains/{quote(CHAIN, safe='')}" in html


def test_page_errors_are_pages_and_api_errors_stay_json(client: TestClient) -> None:
    missing = client.get("/ui/entities/enterprise:nobody")
    assert missing.status_code == 404 and "text/html" in missing.headers["content-type"]
    assert "enterprise:nobody" in missing.text and "Traceback" not in missing.text
    bad = client.get("/ui/search?q=")
    assert bad.status_code == 422 and "text/html" in bad.headers["content-type"]
    api = client.get("/entities/enterprise:nobody")
    assert api.json()["code"] == "entity_not_found"
    route = client.get("/no/such/route")
    assert route.json() == {"status": 404, "code": "not_found", "message": "Not Found"}


def test_viz_pages_render_offline(client: TestClient) -> None:
    chain = page(client, f"/viz/chain/{quote(CHAIN)}?lang=en")
    assert "upstream → downstream" in chain and "/static/vendor/vis-network/" in chain
    ego = page(client, f"/viz/ego/{quote(ZJU)}?hops=2&types=Enterprise")
    assert "浙江万丰奥威汽轮股份有限公司" in ego
    assert client.get(f"/viz/ego/{quote(ZJU)}?hops=3").status_code == 422
    assert client.get("/viz/chain/chain:nothing").status_code == 404
    assert client.get("/static/vendor/vis-network/vis-network.min.js").status_code == 200
