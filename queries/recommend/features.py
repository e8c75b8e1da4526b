"""Pairing features as sparse matrices over the array projection's node index, built once per
projection: the technical-field text of each organisation (TF-IDF), the field profiles and track
records, people, chain partners and existing collaborations, and the weighted adjacency for
personalised PageRank.

Everything is vectorised over ``kg.arrays.GraphArrays`` (typed edge arrays); the networkx graph is
read only for node properties (field names, IPC classes, titles).
"""

from __future__ import annotations

from dataclasses import dataclass

import networkx as nx
import numpy as np
import scipy.sparse as sp

from kg.arrays import NODE_TYPE_CODES, REL_TYPE_CODES, GraphArrays
from kg.projection import tie_weight

ORG_TYPES = ("University", "Lab")
# Relations through which a person is linked to an organisation (employer, school, trainer).
PEOPLE_RELS = ("AFFILIATED_WITH", "ALUMNUS_OF", "TRAINS")
WORK_RELS = ("APPLIED", "LEADS", "PARTICIPATES_IN")
SEGMENT_PEER_WEIGHT = 0.5


@dataclass(frozen=True)
class PairFeatures:
    """Sparse n × n (or n × terms) matrices indexed like ``arrays``."""

    arrays: GraphArrays
    orgs: np.ndarray  # node indices of universities and labs
    ents: np.ndarray  # node indices of enterprises
    adjacency: sp.csr_array  # binary, symmetric, no self loops: common neighbours, Adamic–Adar
    inv_log_degree: np.ndarray  # 1 / ln(degree), 0 where degree < 2
    weighted: sp.csr_array  # weighted symmetric adjacency, for personalised PageRank
    strength: np.ndarray  # weighted degree (for the PageRank symmetry π_s(t)·d_s = π_t(s)·d_t)
    text: sp.csr_array  # n × terms, L2-normalised TF-IDF rows (organisations and enterprises)
    terms: list[str]
    profile: sp.csr_array  # n × n, row-normalised field profile (own fields, patents, projects)
    track: sp.csr_array  # n × n, ln(1 + count) of an organisation's work and partners per field
    people: sp.csr_array  # n × n, node → talents linked to it
    supplies: sp.csr_array  # n × n, binary symmetric SUPPLIES between enterprises
    segment: sp.csr_array  # n × n, enterprise → its chain segments (peers share one)
    segment_members: sp.csr_array  # its transpose: segment → member enterprises
    collab: sp.csr_array  # n × n, binary symmetric COLLABORATES_WITH
    collab_degree: np.ndarray  # number of distinct collaboration partners


def arrays_of(G: nx.MultiDiGraph) -> GraphArrays:
    """A :class:`GraphArrays` from a networkx projection: for county-scale graphs and tests (at 1M
    nodes build the arrays from the store, :func:`kg.arrays.project_arrays`)."""
    ids = list(G.nodes)
    index = {n: i for i, n in enumerate(ids)}
    codes = [NODE_TYPE_CODES.get(t, -1) for _, t in G.nodes(data="type")]
    rows = [
        (
            index[u],
            index[v],
            REL_TYPE_CODES[d["type"]],
            d.get("weight", tie_weight(d["type"], None)),
        )
        for u, v, d in G.edges(data=True)
        if d.get("type") in REL_TYPE_CODES
    ]
    src, dst, rel, w = zip(*rows, strict=True) if rows else ((), (), (), ())
    return GraphArrays(
        ids=ids,
        index=index,
        node_type=np.asarray(codes, dtype=np.int16),
        src=np.asarray(src, dtype=np.int64),
        dst=np.asarray(dst, dtype=np.int64),
        rel_type=np.asarray(rel, dtype=np.int16),
        weight=np.asarray(w, dtype=np.float64),
    )


def pair_features(G: nx.MultiDiGraph, A: GraphArrays) -> PairFeatures:
    """Every matrix the pairing scores need (see :class:`PairFeatures`)."""
    n = A.n
    orgs = np.concatenate([A.of_type(t) for t in ORG_TYPES])
    ents = A.of_type("Enterprise")
    is_org = np.zeros(n, bool)
    is_org[orgs] = True
    is_ent = np.zeros(n, bool)
    is_ent[ents] = True

    adjacency = _binary(_rel(A, None, symmetric=True))
    adjacency.setdiag(0)
    adjacency.eliminate_zeros()
    degree = np.asarray(adjacency.sum(axis=1)).ravel()
    inv_log = np.zeros(n)
    inv_log[degree > 1] = 1.0 / np.log(degree[degree > 1])

    weighted = A.adjacency(symmetric=True)
    strength = np.asarray(weighted.sum(axis=0)).ravel()

    fields = _rel(A, ("WORKS_IN", "IN_FIELD"), symmetric=False, weighted=True)
    work = _binary(_rel(A, WORK_RELS, symmetric=False))
    cw = A.rel_type == REL_TYPE_CODES["COLLABORATES_WITH"]
    org_ent = (is_org[A.src] & is_ent[A.dst]) | (is_ent[A.src] & is_org[A.dst])
    collab = _binary(_rel(A, None, symmetric=True, mask=cw & org_ent))
    profile = _row_normalise(fields + 0.5 * (work @ fields))
    activity = work @ fields + collab @ _binary(fields)
    track = sp.csr_array(activity)
    track.data = np.log1p(track.data)

    people = _binary(_rel(A, PEOPLE_RELS, symmetric=True))
    supplies = _binary(_rel(A, ("SUPPLIES",), symmetric=True))
    in_segment = A.rel_type == REL_TYPE_CODES["IN_SEGMENT"]
    segment = _binary(_rel(A, None, symmetric=False, mask=in_segment & is_ent[A.src]))

    text, terms = _tfidf(G, A, work, fields, np.flatnonzero(is_org | is_ent))
    return PairFeatures(
        arrays=A,
        orgs=orgs,
        ents=ents,
        adjacency=adjacency,
        inv_log_degree=inv_log,
        weighted=weighted,
        strength=strength,
        text=text,
        terms=terms,
        profile=profile,
        track=track,
        people=people,
        supplies=supplies,
        segment=segment,
        segment_members=sp.csr_array(segment.T),
        collab=collab,
        collab_degree=np.asarray(collab.sum(axis=1)).ravel(),
    )


def _rel(
    A: GraphArrays,
    rels: tuple[str, ...] | None,
    *,
    symmetric: bool,
    weighted: bool = False,
    mask: np.ndarray | None = None,
) -> sp.csr_array:
    """The edges of ``rels`` (all when ``None``, or those under ``mask``) as an n × n matrix,
    source → target."""
    if mask is None:
        mask = (
            np.ones(len(A.src), bool)
            if rels is None
            else np.isin(A.rel_type, [REL_TYPE_CODES[r] for r in rels])
        )
    src, dst = A.src[mask], A.dst[mask]
    w = A.weight[mask] if weighted else np.ones(len(src))
    if symmetric:
        src, dst, w = np.concatenate([src, dst]), np.concatenate([dst, src]), np.concatenate([w, w])
    m = sp.csr_array((w, (src, dst)), shape=(A.n, A.n))
    m.sum_duplicates()
    return m


def _binary(m: sp.csr_array) -> sp.csr_array:
    out = sp.csr_array(m, copy=True)
    out.data = np.ones_like(out.data)
    return out


def _row_normalise(m: sp.csr_array) -> sp.csr_array:
    sums = np.asarray(m.sum(axis=1)).ravel()
    inv = np.divide(1.0, sums, out=np.zeros_like(sums), where=sums > 0)
    return sp.csr_array(sp.diags_array(inv) @ m)


def tokens(text: str) -> list[str]:
    """Character bigrams of a Chinese title (single characters for one-character words), lowercase
    words for Latin text: cheap, dictionary-free and good enough for titles of a few words.

    >>> tokens("轮毂铸造")
    ['轮毂', '毂铸', '铸造']
    """
    out: list[str] = []
    for run in _runs(text):
        if run.isascii():
            out.append(run.lower())
        elif len(run) == 1:
            out.append(run)
        else:
            out.extend(run[i : i + 2] for i in range(len(run) - 1))
    return out


def _runs(text: str) -> list[str]:
    runs: list[str] = []
    cur: list[str] = []
    kind = None
    for ch in text:
        k = "cjk" if "\u4e00" <= ch <= "\u9fff" else ("word" if ch.isalnum() else None)
        if k != kind and cur:
            runs.append("".join(cur))
            cur = []
        kind = k
        if k is not None:
            cur.append(ch)
    if cur:
        runs.append("".join(cur))
    return runs


def _node_terms(data: dict[str, object]) -> list[str]:
    """The terms a node contributes by itself: its fields, IPC classes and title bigrams."""
    terms = [f"F:{f}" for f in data.get("fields") or ()]  # type: ignore[attr-defined]
    t = data.get("type")
    if t == "Field":
        terms.append(f"F:{data.get('name', '')}")
    elif t == "Patent":
        for code in data.get("ipc") or ():  # type: ignore[attr-defined]
            code = str(code).replace(" ", "")
            terms.append(f"IPC:{code[:4]}")
            terms.append(f"IPC:{code.split('/')[0]}")
        terms.extend(tokens(str(data.get("name", ""))))
    elif t == "Project":
        terms.extend(tokens(str(data.get("name", ""))))
    return terms


def _tfidf(
    G: nx.MultiDiGraph,
    A: GraphArrays,
    work: sp.csr_array,
    fields: sp.csr_array,
    docs: np.ndarray,
) -> tuple[sp.csr_array, list[str]]:
    """TF-IDF rows for the nodes ``docs``: their own terms plus those of their fields, patents and
    projects; sublinear term frequency, smoothed idf, L2-normalised."""
    vocab: dict[str, int] = {}
    rows: list[int] = []
    cols: list[int] = []
    wanted = {NODE_TYPE_CODES[t] for t in ("Enterprise", *ORG_TYPES, "Field", "Patent", "Project")}
    node_type = A.node_type
    nodes = G.nodes
    for i, node_id in enumerate(A.ids):
        if int(node_type[i]) not in wanted:
            continue
        for term in _node_terms(nodes[node_id]):
            rows.append(i)
            cols.append(vocab.setdefault(term, len(vocab)))
    own = sp.csr_array((np.ones(len(rows)), (rows, cols)), shape=(A.n, max(len(vocab), 1)))
    own.sum_duplicates()
    counts = own + _binary(fields) @ own + work @ own
    select = np.zeros(A.n)
    select[docs] = 1.0
    counts = sp.csr_array(sp.diags_array(select) @ counts)
    counts.eliminate_zeros()
    counts.data = 1.0 + np.log(counts.data)
    df = np.bincount(counts.indices, minlength=counts.shape[1])
    idf = np.log((1.0 + len(docs)) / (1.0 + df)) + 1.0
    tfidf = sp.csr_array(counts @ sp.diags_array(idf))
    norms = np.sqrt(np.asarray(tfidf.multiply(tfidf).sum(axis=1)).ravel())
    tfidf = sp.csr_array(
        sp.diags_array(np.divide(1.0, norms, out=np.zeros_like(norms), where=norms > 0)) @ tfidf
    )
    terms = [""] * len(vocab)
    for term, j in vocab.items():
        terms[j] = term
    return tfidf, terms
