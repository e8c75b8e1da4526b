"""The dashboard in headless Chromium on the demo graph: pages load without console errors and
without a single request leaving 127.0.0.1, graphs are actually drawn, and an analyst's flow
(search → entity → paths → pairings) works by clicks."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import pytest

from tests.browser.conftest import Watched, drawn_pixels

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

WANFENG = "enterprise:91330600609661208X"
ZJU = "university:浙江大学"
CHAIN = "chain:汽车零部件"

PAGES = [
    "/",
    "/?lang=en",
    "/ui/search?q=万丰",
    f"/ui/entities/{quote(WANFENG)}",
    f"/ui/entities/{quote(ZJU)}?lang=en",
    f"/viz/chain/{quote(CHAIN)}",
    f"/viz/ego/{quote(WANFENG)}?hops=2",
]


def _drawn_pixels(frame: Any) -> int:
    """Pixels of the graph canvas that differ from the white background (from a screenshot)."""
    frame.wait_for_selector("body[data-ready='1']", timeout=30_000)
    return drawn_pixels(frame.locator("#graph canvas").screenshot())


@pytest.mark.parametrize("path", PAGES)
def test_page_loads_clean_and_offline(server: str, watched: Watched, path: str) -> None:
    response = watched.page.goto(server + path, wait_until="networkidle")
    assert response is not None and response.status == 200
    assert watched.errors == []
    assert watched.off_host(server) == []
    assert any("/static/" in u for u in watched.requests)  # styles or scripts came from the app


@pytest.mark.parametrize("path", [f"/viz/chain/{quote(CHAIN)}", f"/viz/ego/{quote(ZJU)}?hops=2"])
def test_graph_canvas_is_drawn(server: str, watched: Watched, path: str) -> None:
    watched.page.goto(server + path)
    assert _drawn_pixels(watched.page) > 500
    assert watched.errors == [] and watched.off_host(server) == []


def test_entity_page_embeds_a_drawn_network(server: str, watched: Watched) -> None:
    watched.page.goto(server + f"/ui/entities/{quote(WANFENG)}")
    frame = watched.page.frame_locator("iframe.graph")
    frame.locator("body[data-ready='1']").wait_for(timeout=30_000)
    assert drawn_pixels(frame.locator("#graph canvas").screenshot()) > 500
    assert watched.errors == [] and watched.off_host(server) == []


def test_search_to_entity_by_clicks(server: str, watched: Watched) -> None:
    page = watched.page
    page.goto(server + "/")
    page.fill("#home-q", "万丰")
    page.click("#home-search")
    page.click("a.entity-link:has-text('万丰奥威')")
    assert page.locator("#entity-name").inner_text().startswith("浙江万丰奥威汽轮股份有限公司")
    assert watched.errors == [] and watched.off_host(server) == []
