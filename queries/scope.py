"""Finding things in the projected graph: entities by id or name, typed ties, fields, locality,
and the scope (whole county, one chain, one region) an analyst asks about.

Shared by the chain, influence, gap, KPI and profile queries so that they read the graph the same
way (docs/conventions.md).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, Literal

import networkx as nx

from kg.errors import EntityNotFound, InvalidInput
from kg.ids import normalise_key
from kg.projection import Window
from queries.derived import derived
from queries.resolve import name_index, resolve_entity

RESEARCH_TYPES = frozenset({"University", "Lab"})
SME_SIZES = frozenset({"中型", "小型", "微型"})
_SME_MAX_EMPLOYEES = 1000  # 工信部 industrial SME line when `size` is missing
_SME_MAX_REVENUE = 40000.0  # 万元
COUNTY_LEVELS = frozenset({"县", "区", "县级市", "county", "district"})
_ABOVE_COUNTY = frozenset({"市", "地级市", "省", "city", "province"})


def node_ref(G: nx.MultiDiGraph, ref: str, types: Collection[str] | None = None) -> str:
    """The id of the node of one of ``types`` that ``ref`` names: an id, a bare key (``汽车零部件``
    for ``chain:汽车零部件``), or a name or alias (see :func:`queries.resolve.resolve_entity`).

    >>> node_ref(G, "智能装备", ("Chain",))  # doctest: +SKIP
    'chain:智能装备'
    """
    if types is None:
        return resolve_entity(G, ref)
    if ref in G and G.nodes[ref].get("type") in types:
        return ref
    for candidate in _prefixed(ref, types):
        if candidate in G:
            return candidate
    found = [n for n in name_index(G).get(normalise_key(ref), ()) if G.nodes[n]["type"] in types]
    if len(found) == 1:
        return found[0]
    what = "/".join(sorted(types))
    if not found:
        raise EntityNotFound(f"no {what} with id, name or alias {ref!r}")
    raise InvalidInput(f"{ref!r} names several nodes ({', '.join(found[:5])}); give an id")


def _prefixed(ref: str, types: Collection[str] | None) -> Iterator[str]:
    """Candidate ids ``<prefix>:<ref>`` for the allowed types (a chain given by bare name)."""
    from kg.schema import NODE_TYPES

    for name in sorted(types or ()):
        spec = NODE_TYPES.get(name)
        if spec is not None:
            yield f"{spec.prefix}:{normalise_key(ref)}"


def ties(
    G: nx.MultiDiGraph,
    n: str,
    rels: Collection[str],
    direction: Literal["out", "in", "both"] = "both",
) -> Iterator[tuple[str, dict[str, Any]]]:
    """``(other end, edge data)`` for each edge of a type in ``rels`` at ``n``."""
    if direction in ("out", "both"):
        for v, keyed in G._succ[n].items():
            for d in keyed.values():
                if d["type"] in rels:
                    yield v, d
    if direction in ("in", "both"):
        for u, keyed in G._pred[n].items():
            for d in keyed.values():
                if d["type"] in rels:
                    yield u, d


def tied(
    G: nx.MultiDiGraph,
    n: str,
    rels: Collection[str],
    types: Collection[str] | None = None,
    direction: Literal["out", "in", "both"] = "both",
) -> set[str]:
    """The distinct nodes tied to ``n`` by ``rels`` (optionally only of ``types``)."""
    nodes = G._node
    return {
        v for v, _ in ties(G, n, rels, direction) if types is None or nodes[v].get("type") in types
    }


def of_type(G: nx.MultiDiGraph, *types: str) -> list[str]:
    """Ids of the nodes of the given types, sorted."""
    return sorted(n for n, t in G.nodes(data="type") if t in types)


def field_id(name: str) -> str:
    return f"field:{normalise_key(name)}"


def fields_of(G: nx.MultiDiGraph, n: str) -> set[str]:
    """Field ids ``n`` works in or belongs to: ``WORKS_IN``/``IN_FIELD`` targets and its ``fields``."""
    found = tied(G, n, ("WORKS_IN", "IN_FIELD"), ("Field",), "out")
    for name in G.nodes[n].get("fields") or ():
        found.add(field_id(name))
    return found


def field_name(G: nx.MultiDiGraph, fid: str) -> str:
    return str(G.nodes[fid].get("name", fid[6:])) if fid in G else fid.removeprefix("field:")


def name_of(G: nx.MultiDiGraph, n: str) -> str:
    return str(G.nodes[n].get("name") or n)


def is_sme(data: dict[str, Any]) -> bool:
    """An SME (中小企业): ``size`` 中型/小型/微型, else a tech SME, else under the employee or
    revenue line."""
    size = data.get("size")
    if size:
        return size in SME_SIZES
    if data.get("tech_sme"):
        return True
    emp, rev = data.get("employees"), data.get("revenue")
    if emp is None and rev is None:
        return not data.get("above_scale", False)
    return (emp is not None and emp < _SME_MAX_EMPLOYEES) or (
        rev is not None and rev < _SME_MAX_REVENUE
    )


def _local_regions(G: nx.MultiDiGraph) -> frozenset[str]:
    """Names and ids of the county's regions: those of enterprises marked ``local``, and the
    regions above them (``LOCATED_IN``) up to the county level (one step when levels are unknown)."""
    regions: set[str] = set()
    start: set[str] = set()
    for n, d in G.nodes(data=True):
        if d.get("type") == "Enterprise" and d.get("local"):
            if d.get("region"):
                regions.add(str(d["region"]))
            start.update(tied(G, n, ("LOCATED_IN",), ("Region",), "out"))
    start |= {r for r in (f"region:{normalise_key(x)}" for x in regions) if r in G}
    for r in start:
        cur = r
        while True:
            regions.update((cur, name_of(G, cur)))
            level = G.nodes[cur].get("level")
            parents = sorted(tied(G, cur, ("LOCATED_IN",), ("Region",), "out"))
            if level in COUNTY_LEVELS or not parents:
                break
            up_level = G.nodes[parents[0]].get("level")
            if up_level in _ABOVE_COUNTY or (cur != r and not level and not up_level):
                break  # above the county, or a second step with unknown levels
            cur = parents[0]
    return frozenset(regions)


def local_regions(G: nx.MultiDiGraph) -> frozenset[str]:
    """The county's regions (see :func:`_local_regions`), remembered per projection: projections
    are read-only, and scanning a province-scale graph for them takes a second."""
    return derived(G, "local_regions", lambda: _local_regions(G))


def is_local(G: nx.MultiDiGraph, n: str, regions: frozenset[str]) -> bool:
    """Whether ``n`` is in the county: its ``local`` flag if set, else its region (property or
    ``LOCATED_IN``) is one of the county's (see :func:`_local_regions`)."""
    d = G.nodes[n]
    if d.get("local") is not None:
        return bool(d["local"])
    if d.get("region") and str(d["region"]) in regions:
        return True
    return bool(tied(G, n, ("LOCATED_IN",), ("Region",), "out") & regions)


@dataclass(frozen=True)
class Scope:
    """What an analyst asks about: the county, one chain, or one region, and its enterprises."""

    kind: Literal["county", "chain", "region"]
    id: str | None
    name: str
    enterprises: frozenset[str] = field(default_factory=frozenset)

    def holds(self, n: str) -> bool:
        return self.kind == "county" or n in self.enterprises


def resolve_scope(G: nx.MultiDiGraph, scope: str | None) -> Scope:
    """``None`` → the whole county; else a chain (id or name) or a region (id or name)."""
    if scope is None or scope.strip() in ("", "county", "全县"):
        return Scope("county", None, "全县", frozenset(of_type(G, "Enterprise")))
    try:
        cid = node_ref(G, scope, ("Chain",))
    except EntityNotFound:
        cid = None
    if cid is not None:
        from queries.chains import chain_members

        return Scope("chain", cid, name_of(G, cid), frozenset(chain_members(G, cid)))
    return _region_scope(G, scope)


def _region_scope(G: nx.MultiDiGraph, scope: str) -> Scope:
    try:
        rid: str | None = node_ref(G, scope, ("Region",))
    except EntityNotFound:
        rid = None
    names = {scope}
    if rid is not None:
        names.add(name_of(G, rid))
        names.update(_subregions(G, rid))
    members = frozenset(
        n
        for n, d in G.nodes(data=True)
        if d.get("type") == "Enterprise"
        and (
            d.get("region") in names
            or bool(tied(G, n, ("LOCATED_IN",), ("Region",), "out") & names)
        )
    )
    if rid is None and not members:
        raise EntityNotFound(f"no chain or region named {scope!r}")
    return Scope("region", rid, name_of(G, rid) if rid else scope, members)


def _subregions(G: nx.MultiDiGraph, rid: str) -> Iterable[str]:
    """Ids and names of regions ``LOCATED_IN`` ``rid``, transitively (towns of a county)."""
    seen = {rid}
    stack = [rid]
    while stack:
        for sub in tied(G, stack.pop(), ("LOCATED_IN",), ("Region",), "in"):
            if sub not in seen:
                seen.add(sub)
                stack.append(sub)
    return seen | {name_of(G, r) for r in seen}


def window_to(year: int | None) -> Window | None:
    """The projection window "everything known up to ``year``" (``None``: everything)."""
    return Window.of(year_to=year) if year is not None else None
