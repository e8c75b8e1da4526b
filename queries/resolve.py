"""Entities named by id, name or alias, resolved against a projected graph."""

from __future__ import annotations

from collections import defaultdict

import networkx as nx

from kg.errors import EntityNotFound, InvalidInput
from kg.ids import normalise_key
from queries.derived import derived


def name_index(G: nx.Graph) -> dict[str, tuple[str, ...]]:
    """Normalised name or alias → the ids of the nodes that carry it (built once per graph)."""

    def build() -> dict[str, tuple[str, ...]]:
        index: defaultdict[str, list[str]] = defaultdict(list)
        for node_id, data in G.nodes(data=True):
            names = {normalise_key(str(data.get("name") or ""))}
            names.update(normalise_key(a) for a in data.get("aliases") or ())
            for name in names - {""}:
                index[name].append(node_id)
        return {k: tuple(sorted(v)) for k, v in index.items()}

    return derived(G, "name_index", build)


def resolve_entity(G: nx.Graph, ref: str) -> str:
    """The id of the node ``ref`` names: an id, or an exact name or alias (full-width and spaces
    ignored). ``InvalidInput`` listing the candidates when several nodes share it,
    ``EntityNotFound`` when none does.

    >>> g = nx.Graph(); g.add_node("university:浙江大学", name="浙江大学", aliases=("浙大",))
    >>> resolve_entity(g, "浙大")
    'university:浙江大学'
    """
    if ref in G:
        return ref
    ids = name_index(G).get(normalise_key(ref), ())
    if len(ids) == 1:
        return ids[0]
    if ids:
        listed = "; ".join(
            f"{i} ({G.nodes[i].get('type', '?')} {G.nodes[i].get('name', '')})" for i in ids[:20]
        )
        raise InvalidInput(f"{ref!r} names {len(ids)} entities, give an id: {listed}")
    raise EntityNotFound(f"no entity with id, name or alias {ref!r}")
