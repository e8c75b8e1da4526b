"""The dashboard in headless Chromium on the demo graph: pages load without console errors and
without a single request leaving 127.0.0.1, graphs are actually drawn, and an analyst's flow
(search → entity → paths → pairings) works by clicks.

Ids are looked up through the API, so the tests hold whichever demo ``ikg demo`` builds; the
exact answers on a hand-checked graph are asserted in tests/api."""

from __future__ import annotations

import json
import urllib.request
from typing import Any
from urllib.parse import quote, urlencode

import pytest

from tests.browser.conftest import Watched, drawn_pixels

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

PAGES = [
    "/",
    "/?lang=en",
    "/ui/search?q=万丰",
    "/ui/entities/{wanfeng}",
    "/ui/entities/{zju}?lang=en",
    "/ui/paths?source=万丰奥威&target=浙江大学",
    "/ui/pairings?entity=万丰奥威",
    "/ui/chains",
    "/ui/chains/{chain}",
    "/ui/kpis",
    "/ui/kpis?lang=en",
    "/viz/chain/{chain}",
    "/viz/ego/{wanfeng}?hops=2",
    "/viz/path?source={wanfeng}&target={zju}",
    "/viz/communities",
]
VIEWS = [
    "/viz/chain/{chain}",
    "/viz/ego/{zju}?hops=2",
    "/viz/path?source={wanfeng}&target={zju}",
    "/viz/communities",
]


def _get(base: str, path: str, **params: str) -> Any:
    with urllib.request.urlopen(f"{base}{path}?{urlencode(params)}", timeout=30) as r:
        return json.load(r)


@pytest.fixture(scope="session")
def ids(server: str) -> dict[str, str]:
    """Ids of 万丰奥威, 浙江大学 and the chain 汽车零部件 in the served demo (``*_q``: URL-quoted)."""
    chains = _get(server, "/chains", limit="500")["chains"]
    raw = {
        "wanfeng": _get(server, "/entities", q="万丰奥威", type="Enterprise")["items"][0]["id"],
        "zju": _get(server, "/entities", q="浙江大学", type="University")["items"][0]["id"],
        "chain": next(c["id"] for c in chains if c["name"] == "汽车零部件"),
    }
    return {**raw, **{f"{k}_q": quote(v, safe="") for k, v in raw.items()}}


def _url(template: str, ids: dict[str, str]) -> str:
    return template.format(**{k: ids[f"{k}_q"] for k in ("wanfeng", "zju", "chain")})


def _canvas_pixels(frame: Any) -> int:
    """Drawn pixels of a view's graph canvas, once the view says it is laid out."""
    frame.locator("body[data-ready='1']").wait_for(timeout=30_000)
    return drawn_pixels(frame.locator("#graph canvas").screenshot())


@pytest.mark.parametrize("path", PAGES)
def test_page_loads_clean_and_offline(
    server: str, ids: dict[str, str], watched: Watched, path: str
) -> None:
    response = watched.page.goto(server + _url(path, ids), wait_until="networkidle")
    assert response is not None and response.status == 200
    assert watched.errors == []
    assert watched.off_host(server) == []
    assert any("/static/" in u for u in watched.requests)  # styles or scripts came from the app


@pytest.mark.parametrize("path", VIEWS)
def test_graph_canvas_is_drawn(
    server: str, ids: dict[str, str], watched: Watched, path: str
) -> None:
    watched.page.goto(server + _url(path, ids))
    assert _canvas_pixels(watched.page) > 500
    assert watched.errors == [] and watched.off_host(server) == []


def test_entity_page_embeds_a_drawn_network(
    server: str, ids: dict[str, str], watched: Watched
) -> None:
    watched.page.goto(server + _url("/ui/entities/{wanfeng}", ids))
    assert _canvas_pixels(watched.page.frame_locator("iframe.graph")) > 500
    assert watched.errors == [] and watched.off_host(server) == []


def test_search_entity_paths_pairings_by_clicks(
    server: str, ids: dict[str, str], watched: Watched
) -> None:
    """The analyst's flow: find 万丰奥威, open it, find its paths to 浙江大学 (drawn), then its
    suggested partners with evidence."""
    page = watched.page
    page.goto(server + "/")
    page.fill("#home-q", "万丰")
    page.click("#home-search")
    page.click("a.entity-link:has-text('万丰奥威')")
    assert page.locator("#entity-name").inner_text().startswith("浙江万丰奥威汽轮股份有限公司")

    page.click("#find-paths")
    assert page.input_value("#path-source") == ids["wanfeng"]
    page.fill("#path-target", "浙江大学")
    page.click("#path-find")
    assert page.locator(".card.path").count() >= 1
    assert page.locator(".card.path ol.path li").count() >= 1  # explained steps
    assert "浙江大学" in page.locator("#paths").inner_text()
    assert _canvas_pixels(page.frame_locator("iframe.graph")) > 500

    page.click("#src-pairings")
    assert "浙江万丰奥威汽轮股份有限公司" in page.locator("#pairing-title").inner_text()
    first = page.locator("tr.suggestion").first
    assert first.locator("td").nth(3).inner_text().strip()  # its evidence
    assert watched.errors == [] and watched.off_host(server) == []


def test_clicking_a_node_opens_its_entity_page(
    server: str, ids: dict[str, str], watched: Watched
) -> None:
    page = watched.page
    page.goto(server + _url("/viz/ego/{zju}", ids))
    page.wait_for_selector("body[data-ready='1']", timeout=30_000)
    pos = page.evaluate(
        "(id) => { const n = window.ikgNetwork; const p = n.canvasToDOM(n.getPosition(id));"
        " return [p.x, p.y]; }",
        ids["zju"],
    )
    box = page.locator("#graph").bounding_box()
    with page.expect_navigation():
        page.mouse.click(box["x"] + pos[0], box["y"] + pos[1])
    assert "/ui/entities/" in page.url
    assert page.locator("#entity-name").inner_text().startswith("浙江大学")
