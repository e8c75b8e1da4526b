"""SQLite rows of the embedded store: what a ``Node`` or ``Edge`` becomes as a row (JSON props,
provenance as :class:`Sources` keeps it, content hash) and back, and the search rank computed over
a stored row."""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from functools import cache
from typing import Any

import orjson

from kg.errors import StoreUnavailable
from kg.model import Edge, Node, Provenance, new_edge, new_node, new_provenance, provenance_key

_CHUNK = 900  # stays below SQLite's host-parameter limit in IN (...) lists
_CACHE_MB = 64  # page cache of each connection (a bulk session raises its own)
_ALIAS_SEP = "\x1f"


def _dumps(obj: Any) -> str:
    return orjson.dumps(obj).decode()


SOURCES_TABLE = """CREATE TABLE IF NOT EXISTS sources (
    sid INTEGER PRIMARY KEY,
    source TEXT NOT NULL,
    file_sha256 TEXT NOT NULL,
    ingested_at TEXT NOT NULL,
    UNIQUE (source, file_sha256, ingested_at)
)"""
ProvLoad = Callable[[str], tuple[Provenance, ...]]
ProvParts = Callable[[tuple[Provenance, ...]], tuple[str, bytes]]
_RUN_SQL = "SELECT sid, source, file_sha256, ingested_at FROM sources"


class Sources:
    """Provenance as the embedded store keeps it (schema 3): each file run's (source, file hash,
    ingestion time) once, as a row of table ``sources``, and a record's provenance as a JSON list
    of ``[sid, row]``, e.g. ``[[3,1207]]`` instead of ~110 bytes with the hash and time written
    out. The 100x county's provenance columns: 387 MB of the 1,090 MB file (bench/RESULTS.md).

    ``conn`` gives this thread's connection. Runs are remembered both ways once read or written;
    a run another process added is read when first met. A run added by a batch that then rolls
    back may be numbered differently next time, so the store calls :meth:`forget` on a rollback.
    """

    def __init__(self, conn: Callable[[], sqlite3.Connection]) -> None:
        self._conn = conn
        self._runs: dict[int, tuple[str, str, str]] = {}  # sid → (source, file hash, time)
        self._sids: dict[tuple[str, str, str], int] = {}
        self._last: tuple[Any, str, bytes] = ((), "[]", b"[]")
        self._added: list[int] = []  # runs the open batch added to ``sources``

    def forget(self) -> None:
        self._runs, self._sids, self._last = {}, {}, ((), "[]", b"[]")
        self._added = []

    def settle(self, conn: sqlite3.Connection, *, wrote: bool) -> None:
        """After a batch: the runs it added to ``sources`` stay if it wrote anything, else they
        go again (nothing can refer to them), so a re-run that changes nothing leaves the file
        as it was."""
        added, self._added = self._added, []
        if added and not wrote:
            conn.executemany("DELETE FROM sources WHERE sid=?", [(sid,) for sid in added])
            for sid in added:
                self._sids.pop(self._runs.pop(sid), None)
            self._last = ((), "[]", b"[]")

    def _remember(self, rows: Sequence[tuple[int, str, str, str]]) -> None:
        for sid, source, file_sha256, ingested_at in rows:
            run = (source, file_sha256, ingested_at)
            self._runs[sid] = run
            self._sids[run] = sid

    def load(self, text: str) -> tuple[Provenance, ...]:
        """A stored provenance column back as ``Provenance`` records."""
        if text == "[]":
            return ()
        items = orjson.loads(text)
        runs = self._runs
        out = []
        for sid, row in items:
            run = runs.get(sid)
            if run is None:
                self._remember(self._conn().execute(f"{_RUN_SQL} WHERE sid=?", (sid,)).fetchall())
                run = runs.get(sid)
                if run is None:
                    raise StoreUnavailable(
                        f"store damaged: provenance names source run {sid}, which is not in "
                        "table sources"
                    )
            out.append(new_provenance(run[0], run[1], row, run[2]))
        return tuple(out)

    def sid(self, p: Provenance) -> int:
        """The number of ``p``'s file run, added to ``sources`` when new (inside the open write)."""
        run = (p.source, p.file_sha256, p.ingested_at)
        sid = self._sids.get(run)
        if sid is None:
            conn = self._conn()
            added = conn.execute(
                "INSERT INTO sources (source, file_sha256, ingested_at) VALUES (?,?,?) "
                "ON CONFLICT DO NOTHING",
                run,
            ).rowcount
            self._remember(
                conn.execute(
                    f"{_RUN_SQL} WHERE source=? AND file_sha256=? AND ingested_at=?", run
                ).fetchall()
            )
            sid = self._sids[run]
            if added:
                self._added.append(sid)
        return sid

    def parts(self, prov: tuple[Provenance, ...]) -> tuple[str, bytes]:
        """The stored JSON of ``prov`` and its part of a content hash (the bytes
        ``Node.content_hash`` encodes). The rows of one source row share one provenance tuple:
        the last one's encodings are kept (one slot, swapped whole, so a thread never sees half
        of it)."""
        last = self._last
        if last[0] is not prov:
            stored = _dumps([[self.sid(p), p.row] for p in prov]) if prov else "[]"
            self._last = last = (prov, stored, orjson.dumps(provenance_key(prov)))
        return last[1], last[2]


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


def _row_node(row: Sequence[Any], load: ProvLoad) -> Node:
    node_id, type_, name, aliases, props, prov = row[:6]
    return new_node(
        node_id,
        type_,
        name,
        tuple(a for a in aliases.split(_ALIAS_SEP) if a) if aliases else (),
        orjson.loads(props),
        load(prov),
    )


def _row_edge(row: Sequence[Any], load: ProvLoad) -> Edge:
    src, type_, dst, key, props, prov = row[:6]
    return new_edge(src, type_, dst, key, orjson.loads(props), load(prov))


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


def _node_row(n: Node, prov_parts: ProvParts) -> tuple[Any, ...]:
    """A node as a ``nodes`` row, normalised first. The hash is ``Node.content_hash`` computed
    from the encodings the row stores."""
    n = n.normalised()
    props, ordered = _props_parts(n.props)
    prov, prov_key = prov_parts(n.provenance)
    head = orjson.dumps([n.type, n.name, sorted(n.aliases)])[:-1]
    content_hash = hashlib.sha1(b"%s,%s,%s]" % (head, ordered, prov_key)).hexdigest()
    return (n.id, n.type, n.name, _ALIAS_SEP.join(n.aliases), props, prov, content_hash)


def _edge_row(e: Edge, src: int, dst: int, prov_parts: ProvParts) -> tuple[Any, ...]:
    """An edge as an ``edges`` row whose ends are the row numbers (``nodes.nid``) ``src`` and
    ``dst``, normalised first; the hash is ``Edge.content_hash`` computed from the encodings the
    row stores."""
    e = e.normalised()
    props, ordered = _props_parts(e.props)
    prov, prov_key = prov_parts(e.provenance)
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
