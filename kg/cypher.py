"""Every Cypher statement the project sends, as named constants, and the whitelist that guards them.

Values always travel as parameters (``$name``). Labels, relationship types and hop counts cannot
be parameters in Cypher 5, so a few statements are templates with ``{label}``, ``{rel}`` or
``{hops}`` placeholders; :meth:`Statement.render` fills them only after checking each name against
``kg/schema.py`` (``InvalidInput`` otherwise). ``python -m kg.cypher --schema-json`` and
``--statements-json`` feed the linter (``tools/cypher-lint``), which checks every expansion with
Neo4j's own parser and semantic analyser.
"""

from __future__ import annotations

import argparse
import itertools
import json
import re
import sys
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from kg.errors import InvalidInput
from kg.schema import NODE_TYPES, RELATIONS, property_keys

ENTITY = "Entity"  # every graph node carries it: one id constraint, one full-text index
META = "KGMeta"  # the single bookkeeping node holding ``version``
FULLTEXT_INDEX = "entity_names"
MAX_HOPS = 6  # the longest path or neighbourhood pushed down to Cypher
MAX_PATHS = 10  # ``SHORTEST k`` takes a literal; callers ask for up to this many paths
INTERNAL_KEYS = ("provenance", "key", "version")  # the store's own property keys
ROW_KEYS = ("id", "key", "props", "source", "target")  # keys of the ``$rows`` parameter maps

_PLACEHOLDER = re.compile(r"\{(label|rel|hops)\}")
_PARAM = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")


def check_label(name: str) -> str:
    """``name`` if it is a node type of the schema; ``InvalidInput`` otherwise (never interpolated)."""
    if name not in NODE_TYPES:
        raise InvalidInput(f"{name!r} is not a node type of the schema; refusing to build Cypher")
    return name


def check_rel(name: str) -> str:
    """``name`` if it is a relation type of the schema; ``InvalidInput`` otherwise."""
    if name not in RELATIONS:
        raise InvalidInput(
            f"{name!r} is not a relation type of the schema; refusing to build Cypher"
        )
    return name


def check_hops(hops: int | str) -> str:
    """A hop bound as text, if it is an integer in 1..MAX_HOPS; ``InvalidInput`` otherwise."""
    if isinstance(hops, bool) or not isinstance(hops, int) or not 1 <= hops <= MAX_HOPS:
        raise InvalidInput(f"hops must be an integer from 1 to {MAX_HOPS}, got {hops!r}")
    return str(hops)


_CHECKS = {"label": check_label, "rel": check_rel, "hops": check_hops}
_DOMAINS: dict[str, tuple[Any, ...]] = {
    "label": tuple(NODE_TYPES),
    "rel": tuple(RELATIONS),
    "hops": tuple(range(1, MAX_HOPS + 1)),
}


@dataclass(frozen=True)
class Statement:
    """One Cypher statement: a name, its text (maybe a template) and the parameters it takes."""

    name: str
    text: str

    @property
    def placeholders(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(_PLACEHOLDER.findall(self.text)))

    @property
    def params(self) -> frozenset[str]:
        return frozenset(_PARAM.findall(self.text))

    def render(self, **names: Any) -> str:
        """The text with each placeholder filled by a whitelisted name."""
        if set(names) != set(self.placeholders):
            raise InvalidInput(
                f"{self.name} takes placeholders {self.placeholders}, got {sorted(names)}"
            )
        checked = {k: _CHECKS[k](v) for k, v in names.items()}
        return _PLACEHOLDER.sub(lambda m: checked[m.group(1)], self.text)

    def check_params(self, params: Mapping[str, Any]) -> None:
        """Refuse to send a statement with parameters other than the ones it declares."""
        if set(params) != self.params:
            raise InvalidInput(
                f"{self.name} takes parameters {sorted(self.params)}, got {sorted(params)}"
            )

    def expansions(self) -> Iterator[tuple[str, str]]:
        """Every rendering over the whole schema: (name with its placeholders, text)."""
        keys = self.placeholders
        for combo in itertools.product(*(_DOMAINS[k] for k in keys)):
            names = dict(zip(keys, combo, strict=True))
            suffix = "".join(f"[{k}={v}]" for k, v in names.items())
            yield self.name + suffix, self.render(**names)


def _s(name: str, text: str) -> Statement:
    return Statement(name, " ".join(text.split()))


# -- schema ---------------------------------------------------------------------------------
CONSTRAINT_ENTITY_ID = _s(
    "CONSTRAINT_ENTITY_ID",
    f"CREATE CONSTRAINT entity_id IF NOT EXISTS FOR (n:{ENTITY}) REQUIRE n.id IS UNIQUE",
)
CONSTRAINT_LABEL_ID = _s(
    "CONSTRAINT_LABEL_ID",
    "CREATE CONSTRAINT {label}_id IF NOT EXISTS FOR (n:{label}) REQUIRE n.id IS UNIQUE",
)
CONSTRAINT_META_ID = _s(
    "CONSTRAINT_META_ID",
    f"CREATE CONSTRAINT kgmeta_id IF NOT EXISTS FOR (m:{META}) REQUIRE m.id IS UNIQUE",
)
FULLTEXT_NAMES = _s(
    "FULLTEXT_NAMES",
    f"CREATE FULLTEXT INDEX {FULLTEXT_INDEX} IF NOT EXISTS FOR (n:{ENTITY}) "
    "ON EACH [n.name, n.aliases, n.id] OPTIONS {indexConfig: {`fulltext.analyzer`: 'cjk'}}",
)
AWAIT_INDEXES = _s("AWAIT_INDEXES", "CALL db.awaitIndexes($seconds)")
ENSURE_META = _s(
    "ENSURE_META", f"MERGE (m:{META} {{id: $meta}}) ON CREATE SET m.version = 0 RETURN m.version"
)

# -- version --------------------------------------------------------------------------------
VERSION = _s("VERSION", f"MATCH (m:{META} {{id: $meta}}) RETURN m.version AS version")
# Setting the property to itself takes the meta node's write lock: writers queue here, so the
# read-compare-write of a batch never races another batch.
LOCK_META = _s(
    "LOCK_META",
    f"MERGE (m:{META} {{id: $meta}}) ON CREATE SET m.version = 0 "
    "SET m.version = m.version RETURN m.version AS version",
)
BUMP_VERSION = _s(
    "BUMP_VERSION",
    f"MATCH (m:{META} {{id: $meta}}) SET m.version = m.version + 1 RETURN m.version AS version",
)

# -- node reads -----------------------------------------------------------------------------
_NODE_OUT = "labels(n) AS labels, properties(n) AS props"
GET_NODES = _s("GET_NODES", f"MATCH (n:{ENTITY}) WHERE n.id IN $ids RETURN {_NODE_OUT}")
NODE_TYPES_OF = _s(
    "NODE_TYPES_OF", f"MATCH (n:{ENTITY}) WHERE n.id IN $ids RETURN n.id AS id, labels(n) AS labels"
)
ITER_NODES = _s(
    "ITER_NODES",
    f"MATCH (n:{ENTITY}) WHERE $types IS NULL OR any(l IN labels(n) WHERE l IN $types) "
    f"RETURN {_NODE_OUT}",
)
_SEARCH_FILTER = (
    "(toLower(n.name) CONTAINS $needle OR any(a IN n.aliases WHERE toLower(a) CONTAINS $needle) "
    "OR toLower(n.id) CONTAINS $needle) "
    "AND ($types IS NULL OR any(l IN labels(n) WHERE l IN $types))"
)
# The order SQLite's ikg_match_rank gives: an exact name or alias, then a prefix, then a
# substring; within each the shortest such label.
_SEARCH_ORDER = (
    "WITH n, reduce(m = 300000, r IN [l IN [n.name] + coalesce(n.aliases, []) "
    "WHERE toLower(l) CONTAINS $needle | (CASE WHEN toLower(l) = $needle THEN 0 "
    "WHEN toLower(l) STARTS WITH $needle THEN 1 ELSE 2 END) * 100000 + size(l)] | "
    "CASE WHEN r < m THEN r ELSE m END) AS rank "
    f"RETURN {_NODE_OUT} ORDER BY rank, n.id SKIP $offset LIMIT $limit"
)
# Full-text candidates (cjk bigrams, a phrase query), then the exact substring test SQLite makes.
SEARCH_FULLTEXT = _s(
    "SEARCH_FULLTEXT",
    "CALL db.index.fulltext.queryNodes($index, $query) YIELD node "
    f"WITH node AS n WHERE {_SEARCH_FILTER} {_SEARCH_ORDER}",
)
SEARCH_SCAN = _s("SEARCH_SCAN", f"MATCH (n:{ENTITY}) WHERE {_SEARCH_FILTER} {_SEARCH_ORDER}")

# -- edge reads -----------------------------------------------------------------------------
_EDGE_OUT = "a.id AS source, type(r) AS type, b.id AS target, properties(r) AS rel"
_REL_FILTER = "$types IS NULL OR type(r) IN $types"
ITER_EDGES = _s(
    "ITER_EDGES", f"MATCH (a:{ENTITY})-[r]->(b:{ENTITY}) WHERE {_REL_FILTER} RETURN {_EDGE_OUT}"
)
ITER_EDGE_ROWS = _s(
    "ITER_EDGE_ROWS",
    f"MATCH (a:{ENTITY})-[r]->(b:{ENTITY}) WHERE {_REL_FILTER} RETURN a.id AS source, "
    "type(r) AS type, b.id AS target, r.weight AS weight, r.year AS year, r.since AS since, "
    "r.until AS until",
)
EXISTING_EDGES = _s(
    "EXISTING_EDGES",
    f"UNWIND $rows AS row MATCH (a:{ENTITY} {{id: row.source}})-[r:{{rel}} {{key: row.key}}]->"
    f"(b:{ENTITY} {{id: row.target}}) RETURN {_EDGE_OUT}",
)
NEIGHBOURS_OUT = _s(
    "NEIGHBOURS_OUT",
    f"MATCH (a:{ENTITY} {{id: $id}})-[r]->(b:{ENTITY}) WHERE {_REL_FILTER} "
    f"RETURN {_EDGE_OUT}, labels(b) AS labels, properties(b) AS props LIMIT $limit",
)
NEIGHBOURS_IN = _s(
    "NEIGHBOURS_IN",
    f"MATCH (a:{ENTITY})-[r]->(b:{ENTITY} {{id: $id}}) WHERE {_REL_FILTER} "
    f"RETURN {_EDGE_OUT}, labels(a) AS labels, properties(a) AS props LIMIT $limit",
)

# -- pushdown: neighbourhoods and paths -----------------------------------------------------
_NODES_OF = "{labels: labels(x), props: properties(x)}"
_RELS_OF = "{source: startNode(r).id, type: type(r), target: endNode(r).id, rel: properties(r)}"
EGO_NETWORK = _s(
    "EGO_NETWORK",
    f"MATCH (c:{ENTITY} {{id: $id}}) MATCH p = (c)-[*0..{{hops}}]-(n:{ENTITY}) "
    f"WHERE all(r IN relationships(p) WHERE {_REL_FILTER}) "
    "WITH DISTINCT n LIMIT $limit WITH collect(n) AS ns "
    f"RETURN [x IN ns | {_NODES_OF}] AS nodes, "
    f"[a IN ns | [(a)-[r]->(b) WHERE b IN ns AND ({_REL_FILTER}) | {_RELS_OF}]] AS rels",
)
SHORTEST_PATHS = _s(
    "SHORTEST_PATHS",
    f"MATCH p = SHORTEST {MAX_PATHS} (a:{ENTITY} {{id: $source}}) "
    f"(()-[r]-(:{ENTITY}) WHERE {_REL_FILTER}){{1,{{hops}}}} (b:{ENTITY} {{id: $target}}) "
    "WITH p ORDER BY length(p) LIMIT $k "
    f"RETURN [x IN nodes(p) | {_NODES_OF}] AS nodes, [r IN relationships(p) | {_RELS_OF}] AS rels",
)

# -- writes ---------------------------------------------------------------------------------
UPSERT_NODES = _s(
    "UPSERT_NODES",
    f"UNWIND $rows AS row MERGE (n:{{label}} {{id: row.id}}) ON CREATE SET n:{ENTITY} "
    "SET n += row.props",
)
UPSERT_EDGES = _s(
    "UPSERT_EDGES",
    f"UNWIND $rows AS row MATCH (a:{ENTITY} {{id: row.source}}) MATCH (b:{ENTITY} {{id: row.target}}) "
    "MERGE (a)-[r:{rel} {key: row.key}]->(b) SET r += row.props",
)
DELETE_NODES = _s(
    "DELETE_NODES",
    f"UNWIND $ids AS id MATCH (n:{ENTITY} {{id: id}}) DETACH DELETE n RETURN count(*) AS deleted",
)
DELETE_EDGES = _s(
    "DELETE_EDGES",
    f"UNWIND $rows AS row MATCH (:{ENTITY} {{id: row.source}})-[r:{{rel}} {{key: row.key}}]->"
    f"(:{ENTITY} {{id: row.target}}) DELETE r RETURN count(*) AS deleted",
)
CLEAR = _s("CLEAR", f"MATCH (n:{ENTITY}) DETACH DELETE n RETURN count(*) AS deleted")

# -- counts ---------------------------------------------------------------------------------
COUNT_LABEL = _s("COUNT_LABEL", "MATCH (n:{label}) RETURN count(n) AS count")
COUNT_REL = _s("COUNT_REL", "MATCH ()-[r:{rel}]->() RETURN count(r) AS count")

# -- connectivity ---------------------------------------------------------------------------
PING = _s("PING", "RETURN 1 AS ok")

STATEMENTS: dict[str, Statement] = {
    s.name: s for s in list(globals().values()) if isinstance(s, Statement)
}


def lint_schema() -> dict[str, Any]:
    """The linter's ``dbSchema`` (labels, relationship types, property keys) from ``kg/schema.py``."""
    return {
        "labels": sorted([*NODE_TYPES, ENTITY, META]),
        "relationshipTypes": sorted(RELATIONS),
        "propertyKeys": sorted({*property_keys(), *INTERNAL_KEYS, *ROW_KEYS}),
    }


def lint_statements() -> list[dict[str, Any]]:
    """Every statement, templates expanded over the whole schema, with its declared parameters."""
    return [
        {"name": name, "text": text, "params": sorted(stmt.params)}
        for stmt in STATEMENTS.values()
        for name, text in stmt.expansions()
    ]


def main(argv: list[str] | None = None) -> None:
    """``python -m kg.cypher --schema-json | --statements-json``: the linter's inputs as JSON."""
    parser = argparse.ArgumentParser(prog="python -m kg.cypher", description=main.__doc__)
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("--schema-json", action="store_true", help="print the linter's dbSchema")
    group.add_argument("--statements-json", action="store_true", help="print every statement")
    args = parser.parse_args(argv)
    out = lint_schema() if args.schema_json else lint_statements()
    json.dump(out, sys.stdout, ensure_ascii=False, indent=1)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
