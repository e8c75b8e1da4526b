"""The fast builders of nodes, edges and provenance make the very records their classes do."""

from __future__ import annotations

import copy
import dataclasses
import pickle

import pytest

from kg.model import Edge, Node, Provenance, new_edge, new_node, new_provenance

PROV = (Provenance("专利清单", "ab" * 32, 7, "2026-11-29T05:00:00"),)


@pytest.mark.parametrize(
    ("built", "made"),
    [
        (
            new_provenance("专利清单", "ab" * 32, 7, "2026-11-29T05:00:00"),
            Provenance("专利清单", "ab" * 32, 7, "2026-11-29T05:00:00"),
        ),
        (
            new_node(
                "enterprise:甲精密",
                "Enterprise",
                "甲精密有限公司",
                ("甲精密",),
                {"revenue": 1.0},
                PROV,
            ),
            Node(
                "enterprise:甲精密",
                "Enterprise",
                "甲精密有限公司",
                ("甲精密",),
                {"revenue": 1.0},
                PROV,
            ),
        ),
        (
            new_edge(
                "talent:张三", "AFFILIATED_WITH", "enterprise:甲精密", "", {"since": 2020}, PROV
            ),
            Edge("talent:张三", "AFFILIATED_WITH", "enterprise:甲精密", "", {"since": 2020}, PROV),
        ),
    ],
    ids=["provenance", "node", "edge"],
)
def test_built_records_are_the_records_the_class_makes(built: object, made: object) -> None:
    """Equal, same hash (nodes and edges hold a dict: unhashable both ways) and text, every field
    set (a field added to the class and not to its builder fails here), frozen, and copied,
    pickled and replaced like one made by the class."""
    assert type(built) is type(made) and built == made
    if isinstance(made, Provenance):
        assert hash(built) == hash(made)
    else:
        with pytest.raises(TypeError, match="unhashable"):
            hash(built)
    assert repr(built) == repr(made)
    fields = [f.name for f in dataclasses.fields(made)]  # type: ignore[arg-type]
    assert list(vars(built)) == fields
    with pytest.raises(dataclasses.FrozenInstanceError):
        built.type = "Lab"  # type: ignore[attr-defined]
    assert copy.deepcopy(built) == made and pickle.loads(pickle.dumps(built)) == made
    first = fields[0]
    assert dataclasses.replace(built, **{first: "x"}) == dataclasses.replace(made, **{first: "x"})  # type: ignore[type-var]
