"""The batch builder of new edge rows must write exactly what the one-edge builder writes."""

from __future__ import annotations

from kg.model import Edge, Provenance
from kg.stores.sqlite_rows import _edge_row, _edge_rows

P1 = Provenance("专利清单", "a" * 64, 3, "2026-11-29T00:00:00")
P2 = Provenance("项目清单", "b" * 64, None, "2026-11-29T00:00:00")
P1_LATER = Provenance("专利清单", "c" * 64, 9, "2026-11-30T00:00:00")


def test_edge_rows_equal_edge_row_for_every_kind_of_edge() -> None:
    edges = [
        Edge("a", "SUPPLIES", "b"),
        Edge("a", "SUPPLIES", "b", "1", {"since": 2019}, (P1,)),
        Edge("a", "SUPPLIES", "b", "2", {"since": 2019, "until": 2024, "amount": 3.5}, (P1, P2)),
        Edge("a", "COLLABORATES_WITH", "b", "", {"year": 2025, "weight": 2}, (P2,)),
        Edge("a", "COLLABORATES_WITH", "b", "x", {"year": True, "weight": True}, (P1,)),
        Edge("a", "COLLABORATES_WITH", "b", "y", {"weight": 0.5, "note": None}, (P1, P1_LATER)),
        Edge("a", "COLLABORATES_WITH", "b", "z", {"fields": ("机器人", "医药"), "year": "2020"}),
        Edge("a", "COLLABORATES_WITH", "b", "w", {"since": 2030, "until": None}, (P2, P1)),
    ]
    ends = {"a": (1, "Enterprise"), "b": (2, "University")}
    assert _edge_rows(edges, ends) == [_edge_row(e, 1, 2) for e in edges]
