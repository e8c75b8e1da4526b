"""Domain entities: small frozen dataclasses for nodes, edges and their provenance."""

from __future__ import annotations

import hashlib
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import orjson

from kg.errors import InvalidInput

Scalar = str | int | float | bool | None
PropValue = Scalar | list[str] | list[int] | list[float] | list[bool]


@dataclass(frozen=True)
class Provenance:
    """Where a record came from: source name, file hash, row number, ingestion time (ISO 8601)."""

    source: str = ""
    file_sha256: str = ""
    row: int | None = None
    ingested_at: str = ""


@dataclass(frozen=True)
class Node:
    """A node: stable readable id (``enterprise:91330…``), schema type, display name and properties."""

    id: str
    type: str
    name: str
    aliases: tuple[str, ...] = ()
    props: Mapping[str, Any] = field(default_factory=dict)
    provenance: tuple[Provenance, ...] = ()

    def content_hash(self) -> str:
        """Hash of everything but ``ingested_at``: equal hashes mean an upsert changes nothing."""
        return _hash(
            [
                self.type,
                self.name,
                sorted(self.aliases),
                dict(self.props),
                provenance_key(self.provenance),
            ]
        )

    def normalised(self) -> Node:
        """This node as the store keeps it (see :meth:`merged_with`)."""
        if (
            _is_normal(self.props, self.provenance)
            and self.name not in self.aliases
            and len(set(self.aliases)) == len(self.aliases)
        ):
            return self
        return Node(self.id, self.type, self.name).merged_with(self)

    def merged_with(self, new: Node) -> Node:
        """This node updated by ``new``: non-null props overlay (``None`` clears), aliases unite,
        provenance keeps the latest record per source."""
        name = new.name or self.name
        return new_node(
            self.id,
            self.type,
            name,
            _unite(self.aliases, new.aliases, exclude=name),
            _overlay(self.props, new.props),
            _merge_prov(self.provenance, new.provenance),
        )


@dataclass(frozen=True)
class Edge:
    """A directed, typed relation. ``key`` tells apart parallel edges of one type (e.g. per year)."""

    source: str
    type: str
    target: str
    key: str = ""
    props: Mapping[str, Any] = field(default_factory=dict)
    provenance: tuple[Provenance, ...] = ()

    @property
    def ident(self) -> tuple[str, str, str, str]:
        return (self.source, self.type, self.target, self.key)

    def content_hash(self) -> str:
        return _hash([dict(self.props), provenance_key(self.provenance)])

    def normalised(self) -> Edge:
        """This edge as the store keeps it (no ``None`` props, one provenance record per source)."""
        if _is_normal(self.props, self.provenance):
            return self
        return Edge(self.source, self.type, self.target, self.key).merged_with(self)

    def merged_with(self, new: Edge) -> Edge:
        """This edge updated by ``new`` (same identity): props overlay, provenance per source."""
        return new_edge(
            self.source,
            self.type,
            self.target,
            self.key,
            _overlay(self.props, new.props),
            _merge_prov(self.provenance, new.provenance),
        )

    def years(self) -> tuple[int | None, int | None]:
        """The (from, to) years this relation holds; ``None`` where open or timeless."""
        year = self.props.get("year")
        if isinstance(year, int):
            return year, year
        since, until = self.props.get("since"), self.props.get("until")
        return (
            since if isinstance(since, int) else None,
            until if isinstance(until, int) else None,
        )

    @property
    def weight(self) -> float | None:
        w = self.props.get("weight")
        return float(w) if isinstance(w, int | float) and not isinstance(w, bool) else None


# Builders for loops that make hundreds of thousands of records (ingest): the same frozen instance
# as the class's constructor with every field given, without the frozen ``__init__``'s one
# ``object.__setattr__`` per field, in a third of the time. Positional, every field required.
_new = object.__new__


def new_provenance(source: str, file_sha256: str, row: int | None, ingested_at: str) -> Provenance:
    """``Provenance(source, file_sha256, row, ingested_at)``, built faster."""
    p = _new(Provenance)
    d = p.__dict__
    d["source"], d["file_sha256"] = source, file_sha256
    d["row"], d["ingested_at"] = row, ingested_at
    return p


def new_node(
    id: str,
    type: str,
    name: str,
    aliases: tuple[str, ...],
    props: Mapping[str, Any],
    provenance: tuple[Provenance, ...],
) -> Node:
    """``Node(id, type, name, aliases, props, provenance)``, built faster."""
    n = _new(Node)
    d = n.__dict__
    d["id"], d["type"], d["name"], d["aliases"] = id, type, name, aliases
    d["props"], d["provenance"] = props, provenance
    return n


def new_edge(
    source: str,
    type: str,
    target: str,
    key: str,
    props: Mapping[str, Any],
    provenance: tuple[Provenance, ...],
) -> Edge:
    """``Edge(source, type, target, key, props, provenance)``, built faster."""
    e = _new(Edge)
    d = e.__dict__
    d["source"], d["type"], d["target"], d["key"] = source, type, target, key
    d["props"], d["provenance"] = props, provenance
    return e


def provenance_key(prov: tuple[Provenance, ...]) -> list[Any]:
    return sorted([p.source, p.file_sha256, p.row or 0] for p in prov)


def _is_normal(props: Mapping[str, Any], prov: tuple[Provenance, ...]) -> bool:
    """No ``None`` (a removal) and no tuple (stored as a list) among the values, and one record
    per source. Asked of every record a store writes: a loop, not ``any()`` over a generator,
    which costs twice as much for one or two values."""
    if len(prov) > 1 and len({p.source for p in prov}) != len(prov):
        return False
    for v in props.values():  # noqa: SIM110
        if v is None or isinstance(v, tuple):
            return False
    return True


def _overlay(old: Mapping[str, Any], new: Mapping[str, Any]) -> dict[str, Any]:
    out = dict(old)
    for k, v in new.items():
        if v is None:
            out.pop(k, None)
        else:
            out[k] = list(v) if isinstance(v, tuple) else v
    return out


def _unite(old: tuple[str, ...], new: tuple[str, ...], exclude: str) -> tuple[str, ...]:
    seen = dict.fromkeys(a for a in (*old, *new) if a and a != exclude)
    return tuple(seen)


def _merge_prov(old: tuple[Provenance, ...], new: tuple[Provenance, ...]) -> tuple[Provenance, ...]:
    """Latest record per source name; an unchanged (source, file, row) keeps its first time, and
    within one file (same sha256) the first row that stated it stays its row, so a node named on
    many rows of a file read in several batches does not change on every batch or re-run."""
    by_source = {p.source: p for p in old}
    for p in new:
        prev = by_source.get(p.source)
        if (
            prev is not None
            and prev.file_sha256 == p.file_sha256
            and (p.row is None or (prev.row or 0) <= p.row)
        ):
            continue
        by_source[p.source] = p
    return tuple(by_source[s] for s in sorted(by_source))


def _hash(obj: Any) -> str:
    return hashlib.sha1(orjson.dumps(obj, option=orjson.OPT_SORT_KEYS, default=str)).hexdigest()


_RESERVED = frozenset(("id", "type", "name", "aliases"))


def check_props(props: Mapping[str, Any], where: str) -> None:
    """Reject values no store can keep: nested maps, mixed lists, NaN/inf, objects.

    Both SQLite (JSON) and Neo4j (property values) accept scalars and homogeneous lists only.
    """
    if not props:
        return
    for key, value in props.items():
        cls = value.__class__
        if (cls is str or cls is int or cls is bool) and key.__class__ is str and key:
            if key in _RESERVED:
                raise InvalidInput(f"{where}: property {key!r} is reserved")
            continue  # the common case, decided without the checks below
        if not isinstance(key, str) or not key:
            raise InvalidInput(f"{where}: property names must be non-empty strings, got {key!r}")
        if key in _RESERVED:
            raise InvalidInput(f"{where}: property {key!r} is reserved")
        if isinstance(value, list | tuple):
            kinds = {type(v) for v in value}
            if len(kinds) > 1 or (kinds and not kinds <= {str, int, float, bool}):
                raise InvalidInput(
                    f"{where}: property {key!r} must be a list of one scalar type, got {value!r:.80}"
                )
            if any(isinstance(v, float) and not math.isfinite(v) for v in value):
                raise InvalidInput(f"{where}: property {key!r} holds a non-finite number")
        elif value is not None and not isinstance(value, str | int | float | bool):
            raise InvalidInput(
                f"{where}: property {key!r} has a value that cannot be stored "
                f"({type(value).__name__}); use a string, number, boolean or list of them"
            )
        elif isinstance(value, float) and not math.isfinite(value):
            raise InvalidInput(f"{where}: property {key!r} is {value}, which cannot be stored")
