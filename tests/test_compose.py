"""docker-compose.yml is a valid Compose file (checked against the vendored Compose
Specification JSON schema, since Docker does not run here) and wires the API to Neo4j."""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from kg.stores.neo4j import parse_url

ROOT = Path(__file__).resolve().parents[1]
SCHEMA = json.loads((ROOT / "tools" / "compose-spec" / "compose-spec.json").read_text("utf-8"))
COMPOSE: dict[str, Any] = yaml.safe_load((ROOT / "docker-compose.yml").read_text("utf-8"))


def _errors(doc: dict[str, Any]) -> list[str]:
    validator = jsonschema.Draft201909Validator(SCHEMA)
    return [f"{'/'.join(map(str, e.path))}: {e.message}" for e in validator.iter_errors(doc)]


def _interpolate(value: str, env: dict[str, str]) -> str:
    """Compose's ${VAR}, ${VAR:-default} and ${VAR:?error} substitution, enough for our file."""
    return re.sub(
        r"\$\{(\w+)(?::[-?][^}]*)?\}",
        lambda m: env.get(m.group(1), m.group(0)),
        value,
    )


def test_compose_file_follows_the_compose_specification() -> None:
    assert _errors(COMPOSE) == []


@pytest.mark.parametrize(
    "break_it",
    [
        lambda c: c["services"]["api"]["depends_on"]["neo4j"].update(condition="healthy"),
        lambda c: c["services"]["neo4j"].update(healthcheck={"test": "x", "every": "10s"}),
        lambda c: c["services"]["api"].update(ports="8000"),
    ],
    ids=["bad-condition", "unknown-healthcheck-key", "ports-not-a-list"],
)
def test_schema_check_catches_a_broken_compose_file(break_it: Any) -> None:
    broken = copy.deepcopy(COMPOSE)
    break_it(broken)
    assert _errors(broken), "the schema check let a broken compose file through"


def test_neo4j_service_is_healthchecked_with_cypher_shell() -> None:
    neo4j = COMPOSE["services"]["neo4j"]
    assert neo4j["image"] == "neo4j:5-community"
    assert "cypher-shell" in " ".join(neo4j["healthcheck"]["test"])
    env = neo4j["environment"]
    assert env["NEO4J_AUTH"].startswith("neo4j/${NEO4J_PASSWORD")
    assert {
        "NEO4J_server_memory_heap_max__size",
        "NEO4J_server_memory_pagecache_size",
    } <= set(env)
    assert any(v.endswith(":/data") for v in neo4j["volumes"])


def test_api_waits_for_healthy_neo4j_and_points_at_it() -> None:
    api = COMPOSE["services"]["api"]
    assert api["depends_on"]["neo4j"]["condition"] == "service_healthy"
    assert (ROOT / api["build"]["context"] / api["build"]["dockerfile"]).is_file()
    url = _interpolate(api["environment"]["KG_STORE"], {"NEO4J_PASSWORD": "pw-from-env"})
    target = parse_url(url)
    assert (target.uri, target.user, target.password) == (
        "neo4j://neo4j:7687",
        "neo4j",
        "pw-from-env",
    )
