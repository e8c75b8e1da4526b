"""The Neo4j store without a server: the whitelist, parameters for every value, batching, URL
parsing and a password that never shows. A recording driver double answers the few reads the
write path needs and keeps every statement the store sends, so we can check that each one is a
statement the linter has seen and that no value is spliced into the text."""

from __future__ import annotations

import logging
import socket
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from kg import cypher as C
from kg.errors import EntityNotFound, InvalidInput, StoreUnavailable
from kg.model import Edge, Node, Provenance
from kg.stores import open_store
from kg.stores.neo4j import Neo4jStore, driver_for, parse_url

INJECTION = "Enterprise) DETACH DELETE n //"
LINTED = {s["text"]: s["name"].split("[")[0] for s in C.lint_statements()}


class RecordingDriver:
    """Plays a Neo4j driver: records (statement name, text, params) and answers from ``db``."""

    def __init__(self, db: dict[str, Node] | None = None) -> None:
        self.db = db or {}
        self.sent: list[tuple[str, str, dict[str, Any]]] = []
        self.transactions = 0
        self.rows: list[dict[str, Any]] = []  # what ITER_EDGE_ROWS and ITER_EDGES return
        self.execute_query_bookmark_manager = object()

    def answer(self, text: str, params: dict[str, Any]) -> list[dict[str, Any]]:
        name = LINTED.get(text, "UNLINTED")
        self.sent.append((name, text, dict(params)))
        if name in ("LOCK_META", "VERSION", "BUMP_VERSION", "ENSURE_META"):
            return [{"version": 7}]
        if name in ("DELETE_NODES", "DELETE_EDGES", "CLEAR"):
            return [{"deleted": 0}]
        if name in ("COUNT_LABEL", "COUNT_REL"):
            return [{"count": 0}]
        if name == "NODE_TYPES_OF":
            return [
                {"id": i, "labels": ["Entity", self.db[i].type]}
                for i in params["ids"]
                if i in self.db
            ]
        if name == "GET_NODES":
            return [_record(self.db[i]) for i in params["ids"] if i in self.db]
        if name in ("ITER_EDGE_ROWS", "ITER_EDGES"):
            return self.rows
        return []

    # the driver surface the store uses
    def execute_query(self, text: str, params: dict[str, Any], **_: Any) -> tuple[Any, None, None]:
        return self.answer(text, params), None, None

    def session(self, **_: Any) -> RecordingSession:
        return RecordingSession(self)


class RecordingSession:
    def __init__(self, driver: RecordingDriver) -> None:
        self.driver = driver

    def __enter__(self) -> RecordingSession:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def run(self, text: str, params: dict[str, Any]) -> Iterator[dict[str, Any]]:
        return iter(self.driver.answer(text, params))

    def execute_write(self, work: Callable[[RecordingSession], Any]) -> Any:
        self.driver.transactions += 1
        return work(self)

    execute_read = execute_write


def _record(node: Node) -> dict[str, Any]:
    props = {**node.props, "id": node.id, "name": node.name, "aliases": list(node.aliases)}
    props["provenance"] = "[]"
    return {"labels": ["Entity", node.type], "props": props}


def _store(driver: RecordingDriver, batch_size: int = 5000) -> Neo4jStore:
    store = Neo4jStore("neo4j://neo4j:s3cret@db.example:7687", driver=driver, batch_size=batch_size)  # type: ignore[arg-type]
    driver.sent.clear()
    driver.transactions = 0
    return store


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _strings(v)
    elif isinstance(value, list | tuple):
        for v in value:
            yield from _strings(v)


def test_whitelist_refuses_an_injected_label_or_type() -> None:
    with pytest.raises(InvalidInput, match="not a node type"):
        C.UPSERT_NODES.render(label=INJECTION)
    with pytest.raises(InvalidInput, match="not a relation type"):
        C.UPSERT_EDGES.render(rel="LEADS]->() DETACH DELETE n //")
    with pytest.raises(InvalidInput, match="hops"):
        C.EGO_NETWORK.render(hops="2]-() DETACH DELETE c //")
    assert "DETACH DELETE n //" not in C.UPSERT_NODES.render(label="Enterprise")


def test_store_refuses_an_injected_type_before_sending_anything() -> None:
    driver = RecordingDriver()
    store = _store(driver)
    with pytest.raises(InvalidInput, match="unknown node type"):
        store.upsert_nodes([Node("x:1", INJECTION, "x")])
    with pytest.raises(InvalidInput, match="unknown relation type"):
        store.upsert_edges([Edge("a", "LEADS]->() DETACH DELETE n //", "b")])
    assert driver.sent == []


def test_expansion_covers_every_label_and_relation_type() -> None:
    from kg.schema import NODE_TYPES, RELATIONS

    names = {s["name"] for s in C.lint_statements()}
    for label in NODE_TYPES:
        for stmt in ("UPSERT_NODES", "CONSTRAINT_LABEL_ID", "COUNT_LABEL"):
            assert f"{stmt}[label={label}]" in names
    for rel in RELATIONS:
        for stmt in ("UPSERT_EDGES", "EXISTING_EDGES", "DELETE_EDGES", "COUNT_REL"):
            assert f"{stmt}[rel={rel}]" in names
    for hops in range(1, C.MAX_HOPS + 1):
        assert f"SHORTEST_PATHS[hops={hops}]" in names
    # 29 statements, of which 3 expand over the 13 labels, 4 over the 20 relation types and
    # 2 over the 6 hop counts: 20 + 39 + 80 + 12 = 151
    assert len(C.STATEMENTS) == 29
    assert len(names) == 29 - 3 - 4 - 2 + 13 * 3 + 20 * 4 + 6 * 2


def test_every_statement_sent_is_linted_and_carries_values_as_parameters() -> None:
    evil = "甲'}) DETACH DELETE n //"
    db = {
        "enterprise:甲": Node("enterprise:甲", "Enterprise", "甲"),
        "university:乙": Node("university:乙", "University", "乙"),
    }
    driver = RecordingDriver(db)
    store = _store(driver)
    prov = (Provenance(evil, "sha", 3, "2026-01-01"),)
    store.upsert_nodes(
        [Node("enterprise:" + evil, "Enterprise", evil, (evil,), {"region": evil}, prov)]
    )
    store.upsert_edges(
        [Edge("enterprise:甲", "COLLABORATES_WITH", "university:乙", evil, {"kind": evil}, prov)]
    )
    store.search(evil)
    store.search("甲乙丙", types=["Enterprise"])
    store.neighbours("enterprise:甲", rel_types=["COLLABORATES_WITH"])
    list(store.iter_nodes(["Enterprise"]))
    list(store.iter_edges())
    store.delete_edges([("enterprise:甲", "COLLABORATES_WITH", "university:乙", evil)])
    store.delete_nodes(["enterprise:" + evil])
    store.stats()
    store.shortest_paths("enterprise:甲", "university:乙", max_hops=3, k=2)
    with pytest.raises(EntityNotFound):
        store.ego_network("enterprise:甲", hops=2)  # the double has no neighbourhood to give
    sent_names = {name for name, _, _ in driver.sent}
    assert "UNLINTED" not in sent_names
    assert {"UPSERT_NODES", "UPSERT_EDGES", "SEARCH_SCAN", "SEARCH_FULLTEXT"} <= sent_names
    for name, text, params in driver.sent:
        assert "'" not in text or name == "FULLTEXT_NAMES", name  # no string literal anywhere
        assert set(params) == C.STATEMENTS[name].params, name
        for value in _strings(params):
            if len(value) >= 3:  # "kg" (the meta id) is too short to tell
                assert value not in text, (name, value)


def test_batch_is_one_transaction_in_chunks_with_one_version_bump() -> None:
    driver = RecordingDriver()
    store = _store(driver, batch_size=2)
    nodes = [Node(f"enterprise:{i}", "Enterprise", f"企业{i}") for i in range(5)]
    result = store.upsert_nodes(nodes)
    assert (result.created, result.updated, result.unchanged) == (5, 0, 0)
    assert driver.transactions == 1
    writes = [len(p["rows"]) for name, _, p in driver.sent if name == "UPSERT_NODES"]
    assert writes == [2, 2, 1]  # 5 nodes in chunks of 2
    assert [name for name, _, _ in driver.sent].count("BUMP_VERSION") == 1


def test_update_clears_removed_props_and_unchanged_writes_nothing() -> None:
    old = Node("enterprise:甲", "Enterprise", "甲", (), {"above_scale": True, "size": "小型"})
    driver = RecordingDriver({old.id: old})
    store = _store(driver)
    # ``None`` clears a property: SET += with a null removes it in Neo4j
    r = store.upsert_nodes([Node(old.id, "Enterprise", "甲", (), {"size": None})])
    assert (r.created, r.updated) == (0, 1)
    (rows,) = [p["rows"] for name, _, p in driver.sent if name == "UPSERT_NODES"]
    assert rows[0]["props"]["size"] is None and rows[0]["props"]["above_scale"] is True
    driver.sent.clear()
    r = store.upsert_nodes([old])
    assert (r.created, r.updated, r.unchanged) == (0, 0, 1)
    assert [name for name, _, _ in driver.sent] == ["LOCK_META", "GET_NODES"]


def test_edge_to_missing_node_is_rejected_naming_it() -> None:
    driver = RecordingDriver({"enterprise:甲": Node("enterprise:甲", "Enterprise", "甲")})
    store = _store(driver)
    with pytest.raises(InvalidInput, match="不存在"):
        store.upsert_edges([Edge("enterprise:甲", "SUPPLIES", "enterprise:不存在")])
    assert "UPSERT_EDGES" not in {name for name, _, _ in driver.sent}


def test_reserved_store_keys_are_refused() -> None:
    store = _store(RecordingDriver())
    with pytest.raises(InvalidInput, match=r"乙.*provenance"):
        store.upsert_nodes([Node("enterprise:乙", "Enterprise", "乙", props={"provenance": "x"})])


def test_edge_rows_follow_the_edge_model() -> None:
    driver = RecordingDriver()
    driver.rows = [
        {"source": "a", "type": "COLLABORATES_WITH", "target": "b", "weight": 0.5, "year": 2021}
        | {"since": None, "until": None},
        {"source": "c", "type": "SUPPLIES", "target": "a", "weight": True, "year": None}
        | {"since": 2019, "until": None},
    ]
    rows = list(_store(driver).iter_edge_rows())
    # year → (year, year); since only → (since, None); a boolean weight is no weight
    assert rows == [
        ("a", "COLLABORATES_WITH", "b", 0.5, 2021, 2021),
        ("c", "SUPPLIES", "a", None, 2019, None),
    ]


def test_search_uses_fulltext_for_han_phrases_and_scans_otherwise() -> None:
    driver = RecordingDriver()
    store = _store(driver)
    for text in ("浙江", "万", "ABC科技"):
        store.search(text)
    used = [(name, p.get("query")) for name, _, p in driver.sent]
    assert used == [("SEARCH_FULLTEXT", '"浙江"'), ("SEARCH_SCAN", None), ("SEARCH_SCAN", None)]
    with pytest.raises(InvalidInput, match="NUL"):
        store.search("a\x00b")
    with pytest.raises(InvalidInput, match="longer than"):
        store.search("長" * 1001)


def test_url_parsing_and_redaction() -> None:
    t = parse_url("neo4j://kg%40bureau:p%40ss:w0rd@db.example:7688/innovation")
    assert (t.uri, t.user, t.password, t.database) == (
        "neo4j://db.example:7688",
        "kg@bureau",
        "p@ss:w0rd",
        "innovation",
    )
    assert "p@ss" not in t.redacted and "p@ss" not in repr(t)
    assert t.redacted == "neo4j://kg@bureau:***@db.example:7688/innovation"
    assert parse_url("bolt://localhost").uri == "bolt://localhost:7687"
    with pytest.raises(InvalidInput):
        parse_url("neo4j://")


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_unreachable_server_gives_store_unavailable_without_the_password(
    caplog: pytest.LogCaptureFixture,
) -> None:
    port = _closed_port()
    url = f"neo4j://neo4j:hunter2-secret@127.0.0.1:{port}"
    caplog.set_level(logging.DEBUG)
    with pytest.raises(StoreUnavailable) as info:
        driver_for(parse_url(url), retries=2)
    assert f"neo4j://neo4j:***@127.0.0.1:{port}" in info.value.message
    assert "2 attempt(s)" in info.value.message
    assert "hunter2" not in info.value.message and "hunter2" not in caplog.text
    with pytest.raises(InvalidInput) as bad:
        open_store("neo4jx://neo4j:hunter2-secret@host:7687")
    assert "hunter2" not in bad.value.message


def test_schema_json_for_the_linter_comes_from_the_schema(
    capsys: pytest.CaptureFixture[str],
) -> None:
    import json

    from kg.schema import NODE_TYPES, RELATIONS

    C.main(["--schema-json"])
    schema = json.loads(capsys.readouterr().out)
    assert set(schema["labels"]) == {*NODE_TYPES, "Entity", "KGMeta"}
    assert schema["relationshipTypes"] == sorted(RELATIONS)
    assert {"id", "name", "aliases", "provenance", "key", "credit_code"} <= set(
        schema["propertyKeys"]
    )


def test_edge_data_stream_drops_key_and_provenance() -> None:
    driver = RecordingDriver()
    driver.rows = [
        {
            "source": "a",
            "type": "COLLABORATES_WITH",
            "target": "b",
            "rel": {"key": "2021", "year": 2021, "provenance": '[["x","sha",1,"t"]]'},
        }
    ]
    rows = list(_store(driver).iter_edge_data(["COLLABORATES_WITH"]))
    assert rows == [("a", "COLLABORATES_WITH", "b", "2021", '{"year":2021}')]
