"""Which part of the graph an export takes: everything, some node ids, or a projection ``Window``
(node types, relation types, years), streamed from the store with the projection's rules."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from kg.errors import EntityNotFound, InvalidInput
from kg.model import Edge, Node
from kg.projection import Window
from kg.schema import NODE_TYPES, RELATIONS
from kg.stores.base import GraphStore


@dataclass(frozen=True)
class Selection:
    """Nodes in ``ids`` (all when ``None``) that ``window`` keeps, and the edges between them that
    the window keeps: the same rules as :func:`kg.projection.project`."""

    ids: frozenset[str] | None = None
    window: Window = field(default_factory=Window)

    @classmethod
    def of(
        cls,
        ids: Iterable[str] | None = None,
        types: Iterable[str] | None = None,
        year_from: int | None = None,
        year_to: int | None = None,
    ) -> Selection:
        """A selection from CLI/API-style arguments; ``types`` mixes node and relation type names."""
        names = list(types or [])
        unknown = [t for t in names if t not in NODE_TYPES and t not in RELATIONS]
        if unknown:
            raise InvalidInput(
                f"unknown type(s) {', '.join(unknown)}; node types: {', '.join(NODE_TYPES)}; "
                f"relation types: {', '.join(RELATIONS)}"
            )
        window = Window.of(
            [t for t in names if t in NODE_TYPES],
            [t for t in names if t in RELATIONS],
            year_from,
            year_to,
        )
        return cls(frozenset(ids) if ids else None, window)

    @property
    def is_everything(self) -> bool:
        w = self.window
        return self.ids is None and w == Window()

    def size_hint(self, store: GraphStore) -> int:
        """An upper bound of the number of nodes selected, without streaming them."""
        if self.ids is not None:
            return len(self.ids)
        counts = store.stats().nodes
        types = self.window.node_types or counts.keys()
        return sum(counts.get(t, 0) for t in types)

    def _keeps(self, node: Node) -> bool:
        w = self.window
        if w.node_types is not None and node.type not in w.node_types:
            return False
        year = node.props.get("year")
        return not (
            isinstance(year, int) and not isinstance(year, bool) and not w.holds(year, year)
        )

    def nodes(self, store: GraphStore) -> Iterator[Node]:
        """The selected nodes; ``EntityNotFound`` names ids the store does not have."""
        if self.ids is None:
            types = sorted(self.window.node_types) if self.window.node_types else None
            yield from (n for n in store.iter_nodes(types) if self._keeps(n))
            return
        found = store.get_nodes(sorted(self.ids))
        missing = sorted(self.ids - found.keys())
        if missing:
            raise EntityNotFound(f"no entity with id {', '.join(map(repr, missing[:10]))}")
        yield from (found[i] for i in sorted(found) if self._keeps(found[i]))

    def edges(self, store: GraphStore, kept: set[str] | None) -> Iterator[Edge]:
        """The selected edges among ``kept`` node ids (``None``: every node is kept)."""
        w = self.window
        rels = sorted(w.rel_types) if w.rel_types else None
        if self.ids is None:
            stream: Iterable[Edge] = store.iter_edges(rels)
        else:
            ends = kept if kept is not None else set(self.ids)
            stream = (
                nb.edge
                for node_id in sorted(ends)
                for nb in store.neighbours(node_id, rel_types=rels, direction="out")
            )
        for e in stream:
            if kept is not None and (e.source not in kept or e.target not in kept):
                continue
            if w.holds(*e.years()):
                yield e
