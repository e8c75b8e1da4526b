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
    "/ui/paths?source=万丰奥威&target=浙江大学",
    "/ui/pairings?entity=万丰奥威",
    "/ui/chains",
    f"/ui/chains/{quote(CHAIN)}",
    "/ui/kpis",
    "/ui/kpis?lang=en",
    f"/viz/chain/{quote(CHAIN)}",
    f"/viz/ego/{quote(WANFENG)}?hops=2",
    f"/viz/path?source={quote(WANFENG)}&target={quote(ZJU)}",
    "/viz/communities",
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


def test_search_entity_paths_pairings_by_clicks(server: str, watched: Watched) -> None:
    """The analyst's flow: find 万丰奥威, open it, find its paths to 浙江大学 (drawn), then its
    suggested university partners with evidence."""
    page = watched.page
    page.goto(server + "/")
    page.fill("#home-q", "万丰")
    page.click("#home-search")
    page.click("a.entity-link:has-text('万丰奥威')")
    assert page.locator("#entity-name").inner_text().startswith("浙江万丰奥威汽轮股份有限公司")

    page.click("#find-paths")
    assert page.input_value("#path-source") == WANFENG
    page.fill("#path-target", "浙江大学")
    page.click("#path-find")
    assert page.locator(".card.path").count() == 3
    assert "张伟" in page.locator("#paths").inner_text()
    graph = page.frame_locator("iframe.graph")
    graph.locator("body[data-ready='1']").wait_for(timeout=30_000)
    assert drawn_pixels(graph.locator("#graph canvas").screenshot()) > 500

    page.click("#src-pairings")
    first = page.locator("tr.suggestion").first
    assert "西北工业大学" in first.inner_text() and "天姥轴承有限公司" in first.inner_text()
    assert watched.errors == [] and watched.off_host(server) == []


def test_clicking_a_node_opens_its_entity_page(server: str, watched: Watched) -> None:
    page = watched.page
    page.goto(server + f"/viz/ego/{quote(ZJU)}")
    page.wait_for_selector("body[data-ready='1']", timeout=30_000)
    pos = page.evaluate(
        "() => { const n = window.ikgNetwork; const p = n.canvasToDOM(n.getPosition("
        + repr(ZJU).replace("'", '"')
        + ")); return [p.x, p.y]; }"
    )
    box = page.locator("#graph").bounding_box()
    with page.expect_navigation():
        page.mouse.click(box["x"] + pos[0], box["y"] + pos[1])
    assert "/ui/entities/" in page.url and page.locator("#entity-name").inner_text().startswith(
        "浙江大学"
    )
