"""Every query route through TestClient on the demo graph (ingest/demo.py), with its errors.

Worked out by hand on the demo: 万丰奥威 and 浙江大学 are tied three ways — they collaborate
directly (2021); 万丰 leads the project 轻量化铝合金轮毂关键技术 in which 浙江大学 participates;
张伟 works at 万丰 and is an alumnus of 浙江大学. 中国药科大学 is at least three steps from 万丰.
The three above-scale firms are 万丰, 精密齿轮, 天姥轴承; only 万丰 has a patent (1/3). 浙江大学
already works with 万丰, so it is never suggested to it; 西北工业大学 works with 万丰's supplier
天姥轴承.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from kg.settings import Settings
from kg.stores.base import GraphStore
from tests.sample_county import load_sample_county as load_demo

WANFENG = "enterprise:91330600609661208X"
GEAR = "enterprise:新昌精密齿轮有限公司"
BEARING = "enterprise:天姥轴承有限公司"
ZJU = "university:浙江大学"
NWPU = "university:西北工业大学"
CHAIN = "chain:汽车零部件"


@pytest.fixture
def client(store: GraphStore) -> Iterator[TestClient]:
    load_demo(store)
    with TestClient(create_app(Settings(store=store.url), store=store)) as c:
        yield c


def ok(client: TestClient, path: str, **params: object) -> dict:  # type: ignore[type-arg]
    r = client.get(path, params=params)
    assert r.status_code == 200, r.text
    return r.json()  # type: ignore[no-any-return]


def error(client: TestClient, path: str, status: int, code: str, **params: object) -> str:
    r = client.get(path, params=params)
    body = r.json()
    assert (r.status_code, body["status"], body["code"]) == (status, status, code), r.text
    assert "Traceback" not in body["message"]
    return str(body["message"])


def test_paths(client: TestClient) -> None:
    body = ok(client, "/paths", source=WANFENG, target=ZJU)
    middles = {tuple(n["name"] for n in p["nodes"][1:-1]) for p in body["paths"]}
    assert middles == {(), ("轻量化铝合金轮毂关键技术",), ("张伟",)}
    assert body["paths"][0]["hops"] == 1  # the direct collaboration is the strongest
    assert ok(client, "/paths", source=WANFENG, target=ZJU, k=1)["paths"][0]["hops"] == 1
    error(
        client,
        "/paths",
        404,
        "no_path",
        source=WANFENG,
        target="university:中国药科大学",
        max_hops=2,
    )
    error(client, "/paths", 404, "entity_not_found", source="enterprise:nobody", target=ZJU)
    error(client, "/paths", 422, "invalid_input", source=WANFENG, target=ZJU, k=0)
    error(client, "/paths", 422, "invalid_input", source=WANFENG)


def test_recommendations_and_pairings(client: TestClient) -> None:
    body = ok(client, "/recommendations", entity=WANFENG, target_type="University")
    found = [s["candidate"]["id"] for s in body["suggestions"]]
    assert ZJU not in found and found[0] == NWPU
    assert BEARING in {x["id"] for x in body["suggestions"][0]["evidence"]["chain_partners"]}
    error(client, "/recommendations", 404, "entity_not_found", entity="enterprise:nobody")
    error(client, "/recommendations", 422, "invalid_input", entity=WANFENG, target_type="Patent")
    pairs = ok(client, "/pairings", chain=CHAIN)["pairs"]
    existing = {(WANFENG, ZJU), (BEARING, NWPU)}
    assert (
        pairs and not {(p["enterprise"]["id"], p["organisation"]["id"]) for p in pairs} & existing
    )
    error(client, "/pairings", 422, "invalid_input", chain=CHAIN, k=0)


def test_chains(client: TestClient) -> None:
    listed = ok(client, "/chains")
    assert [c["name"] for c in listed["chains"]] == ["汽车零部件"] and listed["total"] == 1
    assert listed["chains"][0]["leaders"] == ["浙江万丰奥威汽轮股份有限公司"]
    empty = ok(client, "/chains", limit=1, offset=1)
    assert empty["chains"] == [] and empty["next_offset"] is None and empty["total"] == 1
    view = ok(client, f"/chains/{CHAIN}")
    ordered = sorted(view["segments"], key=lambda s: s["order"])
    assert [s["id"].split("/")[-1] for s in ordered] == ["材料", "关键零部件", "整车配套"]
    assert view["leaders"] == [WANFENG]
    influence = ok(client, f"/chains/{CHAIN}/influence")
    assert influence["leaders"][0]["id"] == WANFENG and influence["leaders"][0]["rank"] == 1
    error(client, "/chains/chain:nothing", 404, "entity_not_found")
    error(client, "/chains/chain:nothing/influence", 404, "entity_not_found")
    error(client, "/chains", 422, "invalid_input", limit=0)


def test_gaps_and_communities(client: TestClient) -> None:
    gaps = ok(client, "/gaps")
    patents = next(c for c in gaps["coverages"] if c["key"] == "patents")
    assert (patents["covered"], patents["total"]) == (1, 3)
    assert {f["id"] for f in patents["missing"]} == {GEAR, BEARING}
    assert len(gaps["coverages"]) == 5
    chain_gaps = ok(client, "/gaps", scope=CHAIN)
    assert chain_gaps["scope_kind"] == "chain"
    error(client, "/gaps", 404, "entity_not_found", scope="chain:nothing")
    first = ok(client, "/communities", limit=1)
    assert len(first["communities"]) == 1 and first["total"] >= 1
    assert first["next_offset"] == (1 if first["total"] > 1 else None)
    error(client, "/communities", 422, "invalid_input", offset=-1)


def test_openapi_documents_every_query_route(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    for route, model in [
        ("/paths", "PathsResult"),
        ("/recommendations", "PartnersResult"),
        ("/pairings", "PairingsResult"),
        ("/chains/{chain}", "ChainView"),
        ("/chains/{chain}/influence", "ChainInfluence"),
        ("/gaps", "CollaborationGaps"),
    ]:
        op = paths[route]["get"]
        ref = op["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
        assert ref.endswith("/" + model), (route, ref)
        assert op["parameters"], route


def test_kpis_profiles_and_ego(client: TestClient) -> None:
    kpis = ok(client, "/kpis", year=2025)
    by_key = {k["key"]: k for k in kpis["kpis"]}
    assert kpis["year"] == 2025 and by_key["new_tech_smes"]["target"] == 80  # the 2026 plan
    error(client, "/kpis", 422, "invalid_input", year=1800)
    profile = ok(client, f"/profiles/{WANFENG}")
    assert {p["id"]: p["years"] for p in profile["partners"]}[ZJU] == [2021]
    assert {(c["stage"], c["role"]) for c in profile["chains"]} == {
        ("汽车零部件·整车配套", "leader")
    }
    error(client, "/profiles/enterprise:nobody", 404, "entity_not_found")
    # 浙江大学's neighbours: 万丰 (agreement), 张伟 (alumnus), the project it takes part in
    ego = ok(client, f"/ego/{ZJU}", hops=1)
    assert {n["label"] for n in ego["nodes"]} == {
        "浙江大学",
        "浙江万丰奥威汽轮股份有限公司",
        "张伟",
        "轻量化铝合金轮毂关键技术",
    }
    error(client, f"/ego/{ZJU}", 422, "invalid_input", hops=3)
    error(client, "/ego/university:nowhere", 404, "entity_not_found")
