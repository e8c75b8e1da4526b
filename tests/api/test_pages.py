"""Dashboard pages through TestClient on the demo graph: they render in Chinese and English,
link to each other, say the data is synthetic, and reference nothing off 127.0.0.1."""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from kg.settings import Settings
from kg.stores.base import GraphStore
from tests.sample_county import load_sample_county as load_demo

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


def test_path_finder_resolves_two_searches_and_draws_the_paths(client: TestClient) -> None:
    html = page(client, "/ui/paths?source=万丰奥威&target=浙江大学")
    assert "张伟 任职于 浙江万丰奥威汽轮股份有限公司" in html  # an explained step
    assert html.count('class="card path"') == 3
    assert "/viz/path?source=" in html and f"/ui/pairings?entity={quote(ZJU, safe='')}" in html
    none = page(client, "/ui/paths?source=万丰奥威&target=中国药科大学&max_hops=2")
    assert 'id="no-path"' in none and 'class="card path"' not in none
    unknown = page(client, "/ui/paths?source=不存在&target=浙江大学")
    assert "没有找到" in unknown
    assert "3 path(s)" in page(client, "/ui/paths?source=万丰奥威&target=浙江大学&lang=en")


def test_pairing_page_ranks_with_evidence(client: TestClient) -> None:
    html = page(client, "/ui/pairings?entity=万丰奥威")
    rows = html.split('class="suggestion"')[1:]
    assert rows and "西北工业大学" in rows[0] and "天姥轴承有限公司" in rows[0]  # evidence
    assert all("浙江大学</a>" not in r.split("</td>")[1] for r in rows)  # existing partner
    uni = page(client, f"/ui/pairings?entity={quote(ZJU)}&lang=en")
    assert "Suggested partners" in uni and "新昌精密齿轮有限公司" in uni


def test_chain_page_shows_view_influence_gaps_and_charts(client: TestClient) -> None:
    html = page(client, f"/ui/chains/{quote(CHAIN)}")
    assert html.index("汽车零部件·材料") < html.index("汽车零部件·整车配套")
    assert 'id="influence"' in html and "浙江万丰奥威汽轮股份有限公司" in html
    assert html.count('<svg class="chart"') == 2  # segment sizes, influence ranking
    assert f"/viz/chain/{quote(CHAIN, safe='')}" in html
    assert 'id="coverage-patents"' in html
    assert "汽车零部件" in page(client, "/ui/chains")
    assert client.get("/ui/chains/chain:nothing").status_code == 404


def test_kpi_page_draws_coverages_against_targets_down_to_firms(client: TestClient) -> None:
    html = page(client, "/ui/kpis")
    assert 'id="coverage-chart"' in html
    chart = html.split('id="coverage-chart"')[1].split("</svg>")[0]
    assert chart.count("<rect") == 5 and chart.count("stroke-dasharray") == 5  # bars + targets
    patents = html.split('id="coverage-patents"')[1].split("</tr>")[0]
    assert (
        "33.3%" in patents and "新昌精密齿轮有限公司" in patents and "天姥轴承有限公司" in patents
    )
    assert "with patents" in page(client, "/ui/kpis?lang=en")
    counts = page(client, "/ui/kpis?year=2025")
    assert 'id="counts-chart"' in counts and 'id="kpi-new_tech_smes"' in counts
    row = counts.split('id="kpi-new_tech_smes"')[1].split("</tr>")[0]
    assert "80" in row and "2026" in row  # the plan's target and its year
    assert client.get("/ui/kpis?year=1800").status_code == 422


def test_path_and_community_views(client: TestClient) -> None:
    path = page(client, f"/viz/path?source={quote(WANFENG)}&target={quote(ZJU)}")
    assert "张伟" in path and "#e74c3c" in path  # the path's steps drawn red
    assert client.get(f"/viz/path?source={quote(WANFENG)}&target=nobody").status_code == 404
    communities = page(client, "/viz/communities")
    assert "创新社群" in communities and '"group":' in communities
