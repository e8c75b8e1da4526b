"""A chain's subgraph (产业链子图), the ground of chain-leader influence: its member enterprises,
the labs and universities they collaborate with, their projects and the labs and universities in
those projects, as a symmetric weighted CSR. Ties are supply, cooperation, project and ownership
(``INVESTED_IN``) edges, weighted by the schema's tie strengths. Built from local neighbourhoods
in the networkx projection, or vectorised from the array projection; never by converting all of
``G``.
"""

from __future__ import annotations

from dataclasses import dataclass

import networkx as nx
import numpy as np
import scipy.sparse as sp

from kg.arrays import NODE_TYPE_CODES, REL_TYPE_CODES, GraphArrays
from kg.projection import tie_weight
from queries.chains import chain_members
from queries.derived import derived
from queries.scope import RESEARCH_TYPES, is_sme, tied, ties

TIE_RELS = ("SUPPLIES", "COLLABORATES_WITH", "LEADS", "PARTICIPATES_IN", "INVESTED_IN")
_PROJECT_RELS = ("LEADS", "PARTICIPATES_IN")


@dataclass(frozen=True)
class ChainSubgraph:
    """A chain's subgraph as a symmetric weighted CSR with node masks."""

    ids: list[str]
    index: dict[str, int]
    adjacency: sp.csr_array
    roles: dict[str, str]
    research: np.ndarray  # bool: University / Lab
    sme: np.ndarray  # bool: chain member that is an SME

    @property
    def n(self) -> int:
        return len(self.ids)


def chain_subgraph(
    G: nx.MultiDiGraph, chain: str, arrays: GraphArrays | None = None
) -> ChainSubgraph:
    """The subgraph of ``chain`` (an id). With ``arrays``, nodes and ties come from a tie matrix
    derived once per array projection (vectorised); else from local neighbourhoods in ``G``.
    Never converts all of G."""
    roles = chain_members(G, chain)
    if arrays is not None:
        ids, a = _subgraph_from_arrays(arrays, roles)
    else:
        ids, a = _subgraph_from_graph(G, roles)
    a.setdiag(0)
    a.eliminate_zeros()
    nodes_attr = G._node
    types = [nodes_attr[x]["type"] for x in ids]
    return ChainSubgraph(
        ids=ids,
        index={n: i for i, n in enumerate(ids)},
        adjacency=a,
        roles=roles,
        research=np.array([t in RESEARCH_TYPES for t in types], dtype=bool),
        sme=np.array([x in roles and is_sme(nodes_attr[x]) for x in ids], dtype=bool),
    )


def _subgraph_from_graph(
    G: nx.MultiDiGraph, roles: dict[str, str]
) -> tuple[list[str], sp.csr_array]:
    """Members, their research partners and projects, and those projects' research participants."""
    nodes_attr = G._node
    keep: set[str] = set(roles)
    projects: set[str] = set()
    for m in roles:
        for v, _ in ties(G, m, TIE_RELS):
            t = nodes_attr[v]["type"]
            if t in RESEARCH_TYPES:
                keep.add(v)
            elif t == "Project":
                projects.add(v)
    for p in projects:
        keep |= tied(G, p, _PROJECT_RELS, RESEARCH_TYPES, "in")
    keep |= projects
    ids = sorted(keep)
    index = {n: i for i, n in enumerate(ids)}
    src: list[int] = []
    dst: list[int] = []
    w: list[float] = []
    for u, i in index.items():
        for v, d in ties(G, u, TIE_RELS, "out"):
            j = index.get(v)
            if j is not None:
                src.append(i)
                dst.append(j)
                w.append(float(d.get("weight", tie_weight(d["type"], None))))
    n = len(ids)
    s, t = np.asarray(src, dtype=np.int64), np.asarray(dst, dtype=np.int64)
    a = sp.csr_array(
        (np.concatenate([w, w]), (np.concatenate([s, t]), np.concatenate([t, s]))), shape=(n, n)
    )
    a.sum_duplicates()
    return ids, a


def tie_matrix(arrays: GraphArrays) -> sp.csr_array:
    """Symmetric weighted adjacency of the whole projection's ``TIE_RELS`` edges (parallel edges
    summed), derived once per array projection."""

    def build() -> sp.csr_array:
        codes = np.array([REL_TYPE_CODES[r] for r in TIE_RELS], dtype=arrays.rel_type.dtype)
        mask = np.isin(arrays.rel_type, codes)
        s, d, w = arrays.src[mask], arrays.dst[mask], arrays.weight[mask]
        a = sp.csr_array(
            (np.concatenate([w, w]), (np.concatenate([s, d]), np.concatenate([d, s]))),
            shape=(arrays.n, arrays.n),
        )
        a.sum_duplicates()
        return a

    return derived(arrays, "chain_tie_matrix", build)


def _subgraph_from_arrays(
    arrays: GraphArrays, roles: dict[str, str]
) -> tuple[list[str], sp.csr_array]:
    """As :func:`_subgraph_from_graph`, on the tie matrix (projects are only ever tied to the
    organisations and talents that lead or join them, see ``kg.schema``)."""
    t = tie_matrix(arrays)
    codes = arrays.node_type
    research = np.array([NODE_TYPE_CODES[x] for x in sorted(RESEARCH_TYPES)], dtype=codes.dtype)
    members = np.array(sorted(arrays.index[x] for x in roles), dtype=np.int64)
    near = np.unique(t[members].indices) if len(members) else members
    projects = near[codes[near] == NODE_TYPE_CODES["Project"]]
    via = np.unique(t[projects].indices) if len(projects) else projects
    keep = np.unique(
        np.concatenate(
            [
                members,
                near[np.isin(codes[near], research)],
                projects,
                via[np.isin(codes[via], research)],
            ]
        )
    )
    ids = sorted(arrays.ids[i] for i in keep)
    order = np.array([arrays.index[x] for x in ids], dtype=np.int64)
    return ids, sp.csr_array(t[order][:, order])
