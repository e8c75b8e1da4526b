"""A new version of a source file replacing the old one: what only the old versions stated goes.

Provenance keeps, per record, the latest file of each source that stated it (``kg.model``), so once
a file is ingested, a record whose entry for that source names another file was not stated by
this version. Such a record is removed when no other source states it (and, for a node, when no
edge that stays touches it); otherwise it stays and is counted as kept. Properties are not
tracked per source: a kept record keeps the values the old version gave it.

Opt-in (``ikg ingest --replace``): a file that adds to earlier ones (this month's patents after
last month's) must not remove what they stated.
"""

from __future__ import annotations

from ingest.report import Replaced
from kg.model import Provenance
from kg.stores.base import GraphStore


def _stale(provenance: tuple[Provenance, ...], source: str, sha: str) -> tuple[bool, bool]:
    """(an earlier version of ``source`` is the last of it to state this, no other source does)."""
    entry = next((p for p in provenance if p.source == source), None)
    if entry is None or entry.file_sha256 == sha:
        return False, False
    return True, len(provenance) == 1


def retract_stale(store: GraphStore, source: str, sha: str) -> Replaced:
    """Remove what only earlier versions of ``source`` (not the file ``sha``) stated."""
    out = Replaced()
    gone: list[tuple[str, str, str, str]] = []
    live_ends: set[str] = set()  # nodes an edge that stays touches
    for edge in store.iter_edges():
        stale, alone = _stale(edge.provenance, source, sha)
        if stale and alone:
            gone.append(edge.ident)
            continue
        out.kept += stale
        live_ends.add(edge.source)
        live_ends.add(edge.target)
    out.edges_removed = store.delete_edges(gone) if gone else 0
    doomed: list[str] = []
    for node in store.iter_nodes():
        stale, alone = _stale(node.provenance, source, sha)
        if stale and alone and node.id not in live_ends:
            doomed.append(node.id)
        else:
            out.kept += stale
    out.nodes_removed = store.delete_nodes(doomed) if doomed else 0
    return out
