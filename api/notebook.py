"""The named queries as a Python API for notebooks::

    import kg
    g = kg.open("sqlite:///data/demo.sqlite")
    r = g.paths("enterprise:91330600609661208X", "university:浙江大学", k=3)
    r.to_frame()          # a pandas DataFrame (pandas is the optional ``notebook`` extra)
    g.chain_viz("chain:汽车零部件")   # displays inline in Jupyter

Each method returns an :class:`Answer`: the query's typed result (attributes pass through, and
``.result`` is the pydantic model itself) plus a DataFrame view. The same cache as the API
answers repeated calls while the store is unchanged.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from pydantic import BaseModel

from api.viz.render import Visual
from kg.settings import Settings, get_settings
from kg.stores import open_store
from kg.stores.base import GraphStore
from queries.registry import QueryContext, load_all, run_query

if TYPE_CHECKING:
    import pandas as pd

R = TypeVar("R", bound=BaseModel)


class Answer(Generic[R]):
    """A query's typed result with a DataFrame view; attribute access reaches the result."""

    def __init__(self, name: str, result: R) -> None:
        self.name = name
        self.result = result

    def __getattr__(self, attr: str) -> Any:
        return getattr(self.result, attr)

    def __repr__(self) -> str:
        return f"Answer[{self.name}]({self.result!r})"

    def to_frame(self, field: str | None = None) -> pd.DataFrame:
        """The result's main list (or the list ``field``) as a DataFrame, one row per record;
        a result without a list becomes one row. The main list is the one the result's model
        names in ``main_list``, else the longest."""
        import pandas as pd

        data = self.result.model_dump(mode="json")
        lists = {k: v for k, v in data.items() if isinstance(v, list)}
        field = field or getattr(type(self.result), "main_list", None)
        if field is not None:
            rows = data[field]
        elif lists:
            rows = max(lists.values(), key=len)  # the main list: the longest one
        else:
            rows = [data]
        return pd.json_normalize([r if isinstance(r, dict) else {"value": r} for r in rows])

    def _repr_html_(self) -> str:
        try:
            return str(self.to_frame().to_html(max_rows=50))
        except ImportError:
            return f"<pre>{self.result.model_dump_json(indent=2)}</pre>"


class Graph:
    """An opened knowledge graph: the named queries and the network views as methods."""

    def __init__(self, store: GraphStore, settings: Settings | None = None) -> None:
        self.store = store
        self.settings = settings or get_settings()

    def query(self, name: str, **params: Any) -> Answer[BaseModel]:
        """Any named query by name (``list(g.queries())`` shows them)."""
        return Answer(name, run_query(QueryContext(self.store, self.settings), name, params))

    @staticmethod
    def queries() -> dict[str, str]:
        """Every named query with its summary."""
        return {name: f"{q.zh} · {q.en}" for name, q in sorted(load_all().items())}

    def search(self, text: str, limit: int = 20) -> list[tuple[str, str, str]]:
        """(id, type, name) of entities whose name, alias or id contains ``text``."""
        return [(n.id, n.type, n.name) for n in self.store.search(text, limit=limit)]

    def paths(self, source: str, target: str, **params: Any) -> Answer[BaseModel]:
        """Collaboration paths from ``source`` to ``target`` (``k``, ``max_hops``, ``via``)."""
        return self.query("collaboration_paths", source=source, target=target, **params)

    def recommend_partners(self, entity: str, **params: Any) -> Answer[BaseModel]:
        """Suggested partners of ``entity`` with evidence (``target_type``, ``k``)."""
        return self.query("recommend_partners", entity=entity, **params)

    def recommend_pairings(self, **params: Any) -> Answer[BaseModel]:
        """University–enterprise pairings for a ``chain`` or ``region`` (``k``)."""
        return self.query("recommend_pairings", **params)

    def chains(self) -> Answer[BaseModel]:
        return self.query("chains")

    def chain_view(self, chain: str) -> Answer[BaseModel]:
        """Segments upstream → downstream, members, leaders, research support."""
        return self.query("chain_view", chain=chain)

    def chain_leader_influence(self, chain: str) -> Answer[BaseModel]:
        return self.query("chain_leader_influence", chain=chain)

    def collaboration_gaps(self, **params: Any) -> Answer[BaseModel]:
        return self.query("collaboration_gaps", **params)

    def kpi_dashboard(self, **params: Any) -> Answer[BaseModel]:
        """The five coverages against their targets, with the firms that fall short."""
        return self.query("kpi_dashboard", **params)

    def communities(self, **params: Any) -> Answer[BaseModel]:
        return self.query("communities", **params)

    def entity_profile(self, entity: str) -> Answer[BaseModel]:
        return self.query("entity_profile", entity=entity)

    def ego_network(self, entity: str, **params: Any) -> Answer[BaseModel]:
        return self.query("ego_network", entity=entity, **params)

    # Views: each displays inline in Jupyter; ``.save(path)`` writes a standalone file.
    def chain_viz(self, chain: str, lang: str = "zh") -> Visual:
        from api.viz.scenes import chain_scene

        return chain_scene(self.store, chain, lang=lang, settings=self.settings)

    def ego_viz(
        self, entity: str, hops: int = 1, types: Iterable[str] | None = None, lang: str = "zh"
    ) -> Visual:
        from api.viz.scenes import ego_scene

        return ego_scene(
            self.store, entity, hops=hops, types=types, lang=lang, settings=self.settings
        )

    def path_viz(self, source: str, target: str, k: int = 3, lang: str = "zh") -> Visual:
        from api.viz.scenes import path_scene

        return path_scene(self.store, source, target, k=k, lang=lang, settings=self.settings)

    def communities_viz(self, scope: str | None = None, lang: str = "zh") -> Visual:
        from api.viz.scenes import communities_scene

        return communities_scene(self.store, scope=scope, lang=lang, settings=self.settings)

    def close(self) -> None:
        self.store.close()


def open_graph(url: str | None = None, settings: Settings | None = None) -> Graph:
    """Open the store at ``url`` (default: the ``KG_STORE`` setting) for notebook work."""
    settings = settings or get_settings()
    return Graph(open_store(url or settings.store), settings)
