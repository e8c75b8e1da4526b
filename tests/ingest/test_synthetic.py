"""The synthetic county, generated and loaded through the pipeline like a bureau's own files."""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from collections.abc import Iterator
from pathlib import Path

import pytest

from ingest.demo import build_demo
from ingest.synthetic import generate
from kg.stores.sqlite import SQLiteStore

pytestmark = pytest.mark.xdist_group("synthetic")


@pytest.fixture(scope="module")
def county(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[SQLiteStore, Path]]:
    root = tmp_path_factory.mktemp("county")
    store = SQLiteStore(root / "demo.sqlite")
    reports = build_demo(store, root / "src")
    assert all(r.rows_rejected == 0 for r in reports), [r.rejects[:3] for r in reports]
    yield store, root / "src"
    store.close()


def test_coverages_of_above_scale_enterprises(county: tuple[SQLiteStore, Path]) -> None:
    """Counted from the loaded graph the way docs/conventions.md defines them: of exactly 400
    above-scale enterprises, 392 applied for a patent, 393 spend on R&D, 344 have an R&D
    institution, 380 collaborate with a university or lab, 252 are high-tech."""
    store, _ = county
    firms = {n.id: n for n in store.iter_nodes(["Enterprise"])}
    above = {i for i, n in firms.items() if n.props.get("above_scale")}
    types = {n.id: n.type for n in store.iter_nodes(["University", "Lab"])}
    applied = {e.source for e in store.iter_edges(["APPLIED"])}
    iur = set()
    for e in store.iter_edges(["COLLABORATES_WITH"]):
        iur |= {a for a, b in ((e.source, e.target), (e.target, e.source)) if b in types}
    platforms = {
        n.id for n in store.iter_nodes(["Platform"]) if n.props.get("kind") == "企业研究院"
    }
    hosts = {e.source for e in store.iter_edges(["HOSTS"]) if e.target in platforms}
    counts = {
        "patents": len(above & applied),
        "rd_spending": sum(1 for i in above if firms[i].props.get("rd_spending", 0) > 0),
        "rd_institution": sum(
            1 for i in above if firms[i].props.get("rd_institution") or i in hosts
        ),
        "iur": len(above & iur),
        "high_tech": sum(1 for i in above if firms[i].props.get("high_tech")),
    }
    assert len(above) == 400 and 600 <= len(firms) <= 700
    assert counts == {
        "patents": 392,
        "rd_spending": 393,
        "rd_institution": 344,
        "iur": 380,
        "high_tech": 252,
    }
    assert all(n.props.get("synthetic") is True for n in store.iter_nodes())


def test_seed_organisations_chains_and_base(county: tuple[SQLiteStore, Path]) -> None:
    store, _ = county
    wanfeng = store.get_node("enterprise:91330600609661208X")
    assert "万丰奥威" in wanfeng.aliases
    roles = {
        (n.edge.props.get("role"), n.node.id)
        for n in store.neighbours(wanfeng.id, rel_types=["IN_SEGMENT"])
    }
    assert roles == {("leader", "segment:汽车零部件/关键零部件")}
    lab = store.get_node("lab:天姥实验室")
    hosted = [n.node.props.get("kind") for n in store.neighbours(lab.id, rel_types=["HOSTS"])]
    assert hosted == ["概念验证中心"]
    segments = Counter(n.props["chain"] for n in store.iter_nodes(["ChainSegment"]))
    assert len(segments) == 6 and all(3 <= c <= 5 for c in segments.values())
    supported = {
        e.target for e in store.iter_edges(["IN_SEGMENT"]) if e.props.get("role") == "support"
    }
    unsupported = {n.id for n in store.iter_nodes(["ChainSegment"])} - supported
    assert unsupported == {"segment:低空经济/运营服务", "segment:未来医疗/智慧医疗"}
    base = store.neighbours("platform:新昌县研究生联合培养基地", rel_types=["PARTICIPATES_IN"])
    members = Counter(n.node.type for n in base)
    assert members == {"University": 21, "Enterprise": 58}
    students = {e.target for e in store.iter_edges(["TRAINS"])}
    assert len(students) == 200
    joint = [n for n in store.iter_nodes(["Project"]) if n.props["programme"] == "研究生联合培养"]
    assert len(joint) >= 60


def test_new_collaborations_follow_field_fit_not_popularity(
    county: tuple[SQLiteStore, Path],
) -> None:
    """Pairs first seen in 2023 or later share more fields (Jaccard of WORKS_IN) than random
    enterprise–university pairs, and the most popular university wins under half of them."""
    store, _ = county
    fields: dict[str, set[str]] = defaultdict(set)
    for e in store.iter_edges(["WORKS_IN"]):
        fields[e.source].add(e.target)
    universities = sorted(n.id for n in store.iter_nodes(["University"]))
    first: dict[tuple[str, str], int] = {}
    for e in store.iter_edges(["COLLABORATES_WITH"]):
        if e.target in universities:
            key = (e.source, e.target)
            first[key] = min(first.get(key, 9999), e.props["year"])
    new = [k for k, y in first.items() if y >= 2023]

    def jaccard(a: str, b: str) -> float:
        return len(fields[a] & fields[b]) / max(1, len(fields[a] | fields[b]))

    rng = random.Random(0)
    firms = sorted({a for a, _ in first})
    baseline = [jaccard(rng.choice(firms), rng.choice(universities)) for _ in range(2000)]
    observed = [jaccard(a, b) for a, b in new]
    assert len(new) > 100
    assert sum(observed) / len(observed) > 1.5 * sum(baseline) / len(baseline)
    top_share = Counter(b for _, b in new).most_common(1)[0][1] / len(new)
    assert top_share < 0.5


def test_rebuilding_changes_nothing(county: tuple[SQLiteStore, Path]) -> None:
    store, src = county
    version = store.version
    reports = build_demo(store, src)
    assert all(r.nodes.changed == 0 and r.edges.changed == 0 for r in reports)
    assert store.version == version


def test_same_seed_same_files(tmp_path: Path) -> None:
    a = generate(tmp_path / "a", scale=0.2, seed=3)
    b = generate(tmp_path / "b", scale=0.2, seed=3)
    c = generate(tmp_path / "c", scale=0.2, seed=4)
    assert [p.name for p in a] == [p.name for p in b]
    assert all(x.read_bytes() == y.read_bytes() for x, y in zip(a, b, strict=True))
    assert any(x.read_bytes() != z.read_bytes() for x, z in zip(a, c, strict=False))
    formats = Counter(p.suffix for p in a)
    assert formats[".xlsx"] == 1 and formats[".csv"] >= 10
