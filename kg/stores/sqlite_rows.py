"""SQLite rows of the embedded store: what a ``Node`` or ``Edge`` becomes as a row (JSON props and
provenance, content hash) and back, and the search rank computed over a stored row."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Sequence
from functools import cache
from typing import Any

import orjson

from kg.model import Edge, Node, Provenance, provenance_key

_CHUNK = 900  # stays below SQLite's host-parameter limit in IN (...) lists
_CACHE_MB = 64  # page cache of each connection (a bulk session raises its own)
_ALIAS_SEP = "\x1f"


def _dumps(obj: Any) -> str:
    return orjson.dumps(obj).decode()


def _prov_json(prov: tuple[Provenance, ...]) -> str:
    return _dumps([[p.source, p.file_sha256, p.row, p.ingested_at] for p in prov])


def _prov_load(text: str) -> tuple[Provenance, ...]:
    return tuple(Provenance(s, h, r, t) for s, h, r, t in orjson.loads(text))


def _match_rank(query: str, name: str, aliases: str) -> int:
    """Search order: an exact name or alias first, then a name or alias that starts with the
    query, then one that contains it; within each, the shortest such name or alias ("万丰" finds
    the company known as 万丰奥威 before 万丰奥威轮毂研发中心). Case-insensitive for Latin text."""
    q = query.casefold()
    best = 3 * 100_000
    for label in (name, *aliases.split(_ALIAS_SEP)):
        text = label.casefold()
        if not text or q not in text:
            continue
        kind = 0 if text == q else 1 if text.startswith(q) else 2
        best = min(best, kind * 100_000 + min(len(text), 99_999))
    return best


def _row_node(row: Sequence[Any]) -> Node:
    node_id, type_, name, aliases, props, prov = row[:6]
    return Node(
        id=node_id,
        type=type_,
        name=name,
        aliases=tuple(a for a in aliases.split(_ALIAS_SEP) if a),
        props=orjson.loads(props),
        provenance=_prov_load(prov),
    )


def _row_edge(row: Sequence[Any]) -> Edge:
    src, type_, dst, key, props, prov = row[:6]
    return Edge(src, type_, dst, key, props=orjson.loads(props), provenance=_prov_load(prov))


def _chunks(items: Sequence[Any], size: int = _CHUNK) -> Iterator[Sequence[Any]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


_NODE_COLS = ("id", "type", "name", "aliases", "props", "provenance", "hash")
_EDGE_COLS = (
    "src",
    "type",
    "dst",
    "key",
    "props",
    "provenance",
    "weight",
    "year_from",
    "year_to",
    "hash",
)


class _ProvenanceMemo:
    """The rows of one source row share one provenance tuple: its encodings are kept for the next
    call. One slot, swapped whole, so a thread never sees half of it."""

    def __init__(self) -> None:
        self._last: tuple[Any, str, bytes] = ((), "[]", b"[]")

    def parts(self, prov: tuple[Provenance, ...]) -> tuple[str, bytes]:
        """The stored JSON of ``prov`` and its part of a content hash (the bytes
        ``Node.content_hash`` encodes)."""
        last = self._last
        if last[0] is not prov:
            self._last = last = (prov, _prov_json(prov), orjson.dumps(provenance_key(prov)))
        return last[1], last[2]


_prov_parts = _ProvenanceMemo().parts
_SORTED = orjson.OPT_SORT_KEYS


def _props_parts(props: Any) -> tuple[str, bytes]:
    """The stored JSON of properties and their key-sorted encoding for a content hash."""
    if not props:
        return "{}", b"{}"
    if props.__class__ is not dict:
        props = dict(props)
    stored = orjson.dumps(props)
    ordered = stored if len(props) == 1 else orjson.dumps(props, option=_SORTED, default=str)
    return stored.decode(), ordered


def _node_row(n: Node, content_hash: str | None = None) -> tuple[Any, ...]:
    """A node as a ``nodes`` row (normalised first when no hash is given: a new node). The hash is
    ``Node.content_hash`` computed from the encodings the row stores."""
    if content_hash is None:
        n = n.normalised()
    props, ordered = _props_parts(n.props)
    prov, prov_key = _prov_parts(n.provenance)
    if content_hash is None:
        head = orjson.dumps([n.type, n.name, sorted(n.aliases)])[:-1]
        content_hash = hashlib.sha1(b"%s,%s,%s]" % (head, ordered, prov_key)).hexdigest()
    return (n.id, n.type, n.name, _ALIAS_SEP.join(n.aliases), props, prov, content_hash)


def _edge_row(e: Edge, src: int, dst: int, content_hash: str | None = None) -> tuple[Any, ...]:
    """An edge as an ``edges`` row whose ends are the row numbers (``nodes.nid``) ``src`` and
    ``dst`` (normalised first when no hash is given: a new edge); the hash is
    ``Edge.content_hash`` computed from the encodings the row stores."""
    if content_hash is None:
        e = e.normalised()
    props, ordered = _props_parts(e.props)
    prov, prov_key = _prov_parts(e.provenance)
    if content_hash is None:
        content_hash = hashlib.sha1(b"[%s,%s]" % (ordered, prov_key)).hexdigest()
    year_from, year_to = e.years()
    return (
        src,
        e.type,
        dst,
        e.key,
        props,
        prov,
        e.weight if "weight" in e.props else None,
        year_from,
        year_to,
        content_hash,
    )


@cache
def _insert_sql(table: str, cols: tuple[str, ...], key_width: int) -> str:
    """An INSERT of one row that leaves a row already stored under its key alone."""
    return (
        f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({','.join('?' * len(cols))}) "
        f"ON CONFLICT ({', '.join(cols[:key_width])}) DO NOTHING"
    )
