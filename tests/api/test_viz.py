"""Network views: what they show, where they put it, and that they work offline.

The demo graph (ingest/demo.py), by hand: chain 汽车零部件 has segments 材料 (position 1) →
关键零部件 (2) → 整车配套 (3); 万丰奥威 leads 整车配套.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import cast

import pytest
from typer.testing import CliRunner

from api.cli import app as cli
from api.viz import build, chain_visual, path_visual
from api.viz.render import SERVER_LAYOUT_ABOVE
from api.viz.scenes import chain_scene, ego_scene
from kg.errors import EntityNotFound
from kg.model import Edge, Node
from kg.projection import project
from kg.stores.base import GraphStore
from queries.chains import ChainView
from queries.registry import QueryContext, run_query
from tests.sample_county import load_sample_county as load_demo

WANFENG = "enterprise:91330600609661208X"
SEG = "segment:汽车零部件/"


@pytest.fixture
def demo(store: GraphStore) -> GraphStore:
    load_demo(store)
    return store


def _by_id(nodes: list[dict[str, object]]) -> dict[str, dict[str, object]]:
    return {str(n["id"]): n for n in nodes}


@pytest.fixture
def small_chain(store: GraphStore) -> GraphStore:
    """链C: 上游 S1 (position 1) → 下游 S2 (position 2); 甲 leads S2; 乙 is a member of S1 and
    supplies 甲; 实验室L supports S1 explicitly (IN_SEGMENT role support)."""
    store.upsert_nodes(
        [
            Node("chain:C", "Chain", "链C"),
            Node("segment:C/1", "ChainSegment", "上游", props={"chain": "链C", "position": 1}),
            Node("segment:C/2", "ChainSegment", "下游", props={"chain": "链C", "position": 2}),
            Node("enterprise:甲", "Enterprise", "甲公司", props={"above_scale": True}),
            Node("enterprise:乙", "Enterprise", "乙公司"),
            Node("lab:L", "Lab", "实验室L"),
        ]
    )
    store.upsert_edges(
        [
            Edge("segment:C/1", "SEGMENT_OF", "chain:C"),
            Edge("segment:C/2", "SEGMENT_OF", "chain:C"),
            Edge("segment:C/1", "UPSTREAM_OF", "segment:C/2"),
            Edge("enterprise:甲", "IN_SEGMENT", "segment:C/2", props={"role": "leader"}),
            Edge("enterprise:乙", "IN_SEGMENT", "segment:C/1", props={"role": "member"}),
            Edge("lab:L", "IN_SEGMENT", "segment:C/1", props={"role": "support"}),
            Edge("enterprise:乙", "SUPPLIES", "enterprise:甲"),
        ]
    )
    return store


def test_chain_view_runs_upstream_to_downstream(small_chain: GraphStore) -> None:
    v = chain_scene(small_chain, "chain:C")
    nodes = _by_id(v.nodes)
    assert nodes["segment:C/1"]["x"] < nodes["segment:C/2"]["x"]
    assert nodes["enterprise:乙"]["x"] < nodes["enterprise:甲"]["x"]  # members under their segment
    assert nodes["enterprise:甲"].get("borderWidth") == 4  # the leader stands out
    assert nodes["enterprise:甲"]["size"] == max(float(n["size"]) for n in v.nodes)
    assert nodes["lab:L"]["y"] < nodes["segment:C/1"]["y"]  # research support drawn above
    assert v.options["physics"]["enabled"] is False  # laid out on the server


def test_chain_scene_on_the_demo_is_synthetic(demo: GraphStore) -> None:
    v = chain_scene(demo, "chain:汽车零部件")
    nodes = _by_id(v.nodes)
    assert WANFENG in nodes and nodes[WANFENG].get("borderWidth") == 4
    xs = [nodes[SEG + s]["x"] for s in ("材料", "关键零部件", "整车配套")]
    assert xs == sorted(xs) and len(set(xs)) == 3
    assert v.synthetic


def test_chain_leader_sized_by_influence(small_chain: GraphStore) -> None:
    view = cast(ChainView, run_query(QueryContext(small_chain), "chain_view", {"chain": "chain:C"}))
    g = project(small_chain)
    v = chain_visual(g, view, influence={"enterprise:甲": 0.2, "enterprise:乙": 0.8})
    nodes = _by_id(v.nodes)
    assert nodes["enterprise:乙"]["size"] > nodes["enterprise:甲"]["size"]


def test_ego_network_hops_and_types(tiny: GraphStore) -> None:
    """甲公司 one step out: 张三, 浙江大学, 乙公司; two steps add 项目X (via 乙 or 浙大)."""
    one = _by_id(ego_scene(tiny, "enterprise:甲公司").nodes)
    assert set(one) == {
        "enterprise:甲公司",
        "talent:张三",
        "university:浙江大学",
        "enterprise:乙公司",
    }
    assert one["enterprise:甲公司"].get("borderWidth") == 4
    two = _by_id(ego_scene(tiny, "enterprise:甲公司", hops=2).nodes)
    assert set(two) == set(one) | {"project:项目X"}
    unis = _by_id(ego_scene(tiny, "enterprise:甲公司", types=["University"]).nodes)
    assert set(unis) == {"enterprise:甲公司", "university:浙江大学"}
    with pytest.raises(EntityNotFound):
        ego_scene(tiny, "enterprise:nobody")


def test_path_view_highlights_the_steps(tiny: GraphStore) -> None:
    v = path_visual(
        project(tiny),
        [["enterprise:甲公司", "talent:张三", "university:浙江大学"]],
        title="path",
    )
    red = {(e["from"], e["to"]) for e in v.edges if e["color"] == "#e74c3c"}
    assert red == {
        ("talent:张三", "enterprise:甲公司"),
        ("talent:张三", "university:浙江大学"),
    }
    # the direct collaboration edge is drawn, but not as a path step
    assert ("enterprise:甲公司", "university:浙江大学") in {(e["from"], e["to"]) for e in v.edges}


def test_tooltips_and_names_cannot_inject_markup(tiny: GraphStore) -> None:
    tiny.upsert_nodes([Node("enterprise:x", "Enterprise", "<img src=x onerror=alert(1)>")])
    page = ego_scene(tiny, "enterprise:x").html()
    assert "<img src=x" not in page
    assert "\\u003cimg" in page  # the name travels as escaped JSON, shown via textContent


def test_served_page_uses_local_scripts_and_standalone_inlines_them(tiny: GraphStore) -> None:
    v = ego_scene(tiny, "enterprise:甲公司")
    served = v.html()
    assert '<script src="/static/vendor/vis-network/vis-network.min.js">' in served
    assert not re.search(r"(src|href)=\"https?://", served)
    alone = v.html(standalone=True)
    assert "<script src=" not in alone and "vis.Network" in alone and len(alone) > 500_000
    assert "<iframe srcdoc=" in v._repr_html_()


def test_big_graphs_get_a_server_layout() -> None:
    import networkx as nx

    g = nx.path_graph(SERVER_LAYOUT_ABOVE + 1, create_using=nx.MultiDiGraph)
    nx.set_node_attributes(g, "Enterprise", "type")
    g = nx.relabel_nodes(g, {i: f"enterprise:{i}" for i in g})
    v = build(g, title="big")
    assert v.options["physics"]["enabled"] is False
    assert all("x" in n and "y" in n for n in v.nodes)


def test_cli_saves_an_offline_chain_file(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'demo.sqlite'}"
    runner = CliRunner()
    assert runner.invoke(cli, ["demo", "--store", url, "--no-serve"]).exit_code == 0
    out = tmp_path / "chain.html"
    result = runner.invoke(
        cli, ["viz", "chain", "chain:汽车零部件", "-o", str(out), "--store", url]
    )
    assert result.exit_code == 0, result.output
    page = out.read_text(encoding="utf-8")
    assert "浙江万丰奥威汽轮股份有限公司" in page and "<script src=" not in page
    missing = runner.invoke(
        cli, ["viz", "ego", "enterprise:nobody", "-o", str(out), "--store", url]
    )
    assert missing.exit_code != 0
