"""Every parameter of every route (read from the app's own OpenAPI schema, so routes added later are
covered too) gets each hostile string: no 5xx, no stack trace, the store unchanged and intact."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from kg.settings import Settings
from kg.stores.sqlite import SQLiteStore
from tests.reliability.strings import INJECTIONS
from tests.sample_county import load_sample_county as load_demo

KEY = "route-injection-key"


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[TestClient, SQLiteStore]]:
    tmp = tmp_path_factory.mktemp("inj")
    store = SQLiteStore(tmp / "demo.sqlite")
    load_demo(store)
    settings = Settings(
        store=store.url, api_key=KEY, audit_log=tmp / "a.jsonl", upload_dir=tmp / "up"
    )
    with TestClient(create_app(settings, store=store), raise_server_exceptions=False) as c:
        yield c, store
    store.close()


def _example(schema: dict[str, Any], components: dict[str, Any]) -> Any:
    """A valid value for a parameter schema: its default, first enum value, or a plain one."""
    if "$ref" in schema:
        schema = components[schema["$ref"].rsplit("/", 1)[-1]]
    for alt in ("anyOf", "oneOf", "allOf"):
        if alt in schema:
            return _example(schema[alt][0], components)
    if "default" in schema and schema["default"] is not None:
        return schema["default"]
    if "enum" in schema:
        return schema["enum"][0]
    kind = schema.get("type")
    if kind == "integer":
        return max(schema.get("minimum", 1), 1)
    if kind == "number":
        return 1.0
    if kind == "boolean":
        return False
    if kind == "array":
        return [_example(schema.get("items", {}), components)]
    return "浙江大学"


def _is_text(schema: dict[str, Any]) -> bool:
    kinds = [schema, *schema.get("anyOf", []), *schema.get("oneOf", [])]
    return any(
        k.get("type") == "string" or k.get("items", {}).get("type") == "string" for k in kinds
    )


def _cases(client: TestClient) -> list[tuple[str, str, str, str, dict[str, Any]]]:
    """(method, path template, parameter name, where, other parameters) for every text parameter."""
    spec = client.get("/openapi.json").json()
    components = spec.get("components", {}).get("schemas", {})
    out = []
    for path, ops in spec["paths"].items():
        for method, op in ops.items():
            params = op.get("parameters", [])
            base = {p["name"]: _example(p.get("schema", {}), components) for p in params}
            for p in params:
                if p["in"] in ("path", "query") and _is_text(p.get("schema", {})):
                    out.append((method.upper(), path, p["name"], p["in"], base))
            body = op.get("requestBody", {}).get("content", {}).get("application/json")
            if body:
                ref = body["schema"].get("$ref", "")
                fields = components.get(ref.rsplit("/", 1)[-1], {}).get("properties", {})
                for name, sch in fields.items():
                    if _is_text(sch):
                        out.append((method.upper(), path, name, "body", base))
    return out


def test_every_route_parameter_takes_hostile_strings_as_data(
    demo: tuple[TestClient, SQLiteStore],
) -> None:
    client, store = demo
    before = store.stats()
    cases = _cases(client)
    assert {(m, p) for m, p, *_ in cases} >= {
        ("GET", "/entities"),
        ("GET", "/entities/{entity_id}"),
        ("DELETE", "/entities/{entity_id}"),
    }
    spec = client.get("/openapi.json").json()
    components = spec.get("components", {}).get("schemas", {})
    for method, template, name, where, base in cases:
        for hostile in INJECTIONS:
            # URLs stop at 64 KiB (httpx, h11); 5,000 CJK characters are ~45 KiB percent-encoded.
            evil = hostile if where == "body" else hostile[:5000]
            path_params = {k: v for k, v in base.items() if "{" + k + "}" in template}
            query = {k: v for k, v in base.items() if k not in path_params}
            body: dict[str, Any] | None = None
            if where == "path":
                path_params[name] = evil
            elif where == "query":
                query[name] = evil
            else:
                op = spec["paths"][template][method.lower()]
                ref = op["requestBody"]["content"]["application/json"]["schema"]["$ref"]
                props = components[ref.rsplit("/", 1)[-1]]["properties"]
                body = {k: _example(v, components) for k, v in props.items()}
                body[name] = evil
            url = template.format(**{k: quote(str(v), safe="") for k, v in path_params.items()})
            r = client.request(method, url, params=query, json=body, headers={"X-API-Key": KEY})
            what = f"{method} {template} {name}={evil[:30]!r}"
            assert r.status_code < 500, f"{what}: {r.status_code} {r.text[:300]}"
            assert "Traceback" not in r.text and "site-packages" not in r.text, what
    after = store.stats()
    assert (after.nodes, after.edges) == (before.nodes, before.edges)
    with sqlite3.connect(Path(store.path)) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
