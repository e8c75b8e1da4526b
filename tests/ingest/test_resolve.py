"""Entity resolution when the same name comes back after the graph changed: a name read on many
rows resolves from memory, and must still see every node, code and alias learnt in between."""

from __future__ import annotations

from hypothesis import example, given, settings
from hypothesis import strategies as st
from rapidfuzz import fuzz

from ingest.names import name_key
from ingest.resolve import Resolver, _best
from kg.stores.base import GraphStore

ORGS = ("Enterprise", "University", "Lab")


def test_a_missing_name_is_found_once_a_row_creates_it(store: GraphStore) -> None:
    """恒达机械 is not in the graph: a row that may not create it gets nothing. A later row creates
    新昌县恒达机械有限公司; the same name asked again finds it by its normalised name."""
    resolver = Resolver(store)
    assert resolver.resolve(ORGS, "恒达机械", create=False).id is None
    created = resolver.resolve(ORGS, "新昌县恒达机械有限公司")
    assert (created.id, created.rule) == ("enterprise:恒达机械", "new")
    again = resolver.resolve(ORGS, "恒达机械", create=False)
    assert (again.id, again.rule, again.name) == (
        "enterprise:恒达机械",
        "name",
        "新昌县恒达机械有限公司",
    )


def test_a_credit_code_learnt_on_a_later_row_is_used(store: GraphStore) -> None:
    """Row 1 names 甲科技 without a code; row 2 with code C1 joins it by name and gives it the
    code; row 3, the same as row 2, now joins by the code; a firm of the same name with code C2
    is another firm."""
    resolver = Resolver(store)
    rules = [resolver.resolve(ORGS, "甲科技有限公司").rule]
    for _ in range(2):
        res = resolver.resolve(ORGS, "甲科技有限公司", key="C1")
        rules.append(res.rule)
        assert res.id == "enterprise:甲科技"
    assert rules == ["new", "name", "credit_code"]
    assert resolver.resolve(ORGS, "甲科技有限公司", key="C2").id == "enterprise:C2"


def test_aliases_learnt_between_rows_and_files_resolve(store: GraphStore) -> None:
    """万丰 is unknown until a row's 简称 column names it; 天姥 until a later file's alias table."""
    resolver = Resolver(store)
    wanfeng = resolver.resolve(ORGS, "浙江万丰奥威汽轮股份有限公司")
    assert resolver.resolve(ORGS, "万丰", create=False).id is None
    assert wanfeng.id is not None
    resolver.remember_aliases(wanfeng.id, wanfeng.type, ("万丰",))
    assert resolver.resolve(ORGS, "万丰", create=False).rule == "alias"

    lab = resolver.resolve(ORGS, "天姥实验室")
    assert (lab.type, resolver.resolve(ORGS, "天姥", create=False).id) == ("Lab", None)
    resolver.add_aliases({"天姥": "天姥实验室"})
    found = resolver.resolve(ORGS, "天姥", create=False)
    assert (found.id, found.rule) == (lab.id, "alias_table")


def test_a_new_threshold_changes_the_review_candidates(store: GraphStore) -> None:
    """浙江大学校 looks like 浙江大学 (WRatio 88.9): a candidate at the default threshold of 85,
    none at 95."""
    resolver = Resolver(store)
    resolver.resolve(ORGS, "浙江大学")
    first = resolver.resolve(ORGS, "浙江大学校", create=False)
    assert [(c.name, c.score) for c in first.candidates] == [("浙江大学", 88.9)]
    resolver.threshold = 95.0
    assert resolver.resolve(ORGS, "浙江大学校", create=False).candidates == ()


# A few characters, so that random names often look alike, are substrings of each other, or are
# 1.5 times as long: the cases where ``_best`` prunes.
_NAME = st.text(alphabet="恒达精密机械新昌科技AB1", min_size=1, max_size=22)


@settings(max_examples=300, deadline=None)
@given(key=_NAME, keys=st.lists(_NAME, max_size=40), cutoff=st.floats(50, 100))
@example(key="1AA密1ABB", keys=["1111AA1111密1"], cutoff=50.00000000000001)
def test_fuzzy_pruning_finds_what_scoring_every_name_finds(
    key: str, keys: list[str], cutoff: float
) -> None:
    """The look-alikes for the review list, scored only where ``WRatio`` can reach the cutoff,
    are the ones (scores and order) that scoring every name with ``WRatio`` finds. Not
    ``process.extract``: with a cutoff a hair above a score (50.0 against 50.00000000000001,
    found by this test) it keeps what ``fuzz.WRatio`` with the same cutoff drops."""
    scores = [(fuzz.WRatio(key, other), i) for i, other in enumerate(keys)]
    expected = sorted(((s, i) for s, i in scores if s >= cutoff), key=lambda si: (-si[0], si[1]))
    assert _best(key, keys, cutoff, 9) == expected[:9]


@settings(max_examples=300, deadline=None)
@given(
    name=st.text(alphabet="恒达 精密\u3000机械\t有限公司\x1f\u00a0（）AB", min_size=1, max_size=30)
)
def test_resolution_keys_hold_no_whitespace(name: str) -> None:
    """What ``_best`` relies on: no name key holds a character ``WRatio`` splits words at."""
    for type_name in ORGS:
        assert len(name_key(type_name, name).split()) <= 1
