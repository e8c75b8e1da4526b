"""A seeded, field-driven planted-partition ecosystem: a second graph, of a different shape from the
demo county, to evaluate the pairing recommender on (synthetic, labelled so on every node).

Fields fall into 8 planted groups of 5. Enterprises (default 1500) sit in one group; universities
(heavy-tailed sizes, Pareto) and labs span one to three. From 2016 to 2025 each enterprise starts a
new collaboration with probability ``rate`` a year, choosing an organisation by a noisy utility of
field overlap, alumni among its staff, chain partners already working there and the
organisation's size; old agreements repeat. Joint patents and projects follow collaborations.

    python -m bench.planted --store sqlite:///data/planted.sqlite
"""

from __future__ import annotations

import argparse
import math
from itertools import pairwise

import numpy as np

from kg.ids import node_id
from kg.model import Edge, Node, Provenance
from kg.stores import open_store
from kg.stores.base import GraphStore

GROUPS = {
    "智能装备": ["工业机器人", "数控机床", "精密减速器", "伺服电机", "机器视觉"],
    "汽车零部件": ["轻量化材料", "铝合金轮毂", "制动系统", "汽车电子", "热管理"],
    "生物医药": ["化学制药", "生物制剂", "医疗器械", "中药现代化", "药物制剂"],
    "新材料": ["高分子材料", "陶瓷材料", "复合材料", "纳米材料", "特种合金"],
    "电子信息": ["集成电路", "传感器", "工业软件", "通信模组", "光电器件"],
    "低空经济": ["无人机", "航空材料", "飞控系统", "动力电池", "导航定位"],
    "节能环保": ["水处理", "固废处理", "余热回收", "环境监测", "节能电机"],
    "轴承传动": ["轴承", "精密传动", "齿轮", "液压元件", "密封件"],
}
TOWNS = ["城关", "沙溪", "儒岙", "回山", "镜岭", "澄潭"]
SUFFIXES = ["制备方法", "控制装置", "检测系统", "加工工艺", "结构改进", "测试平台"]
YEARS = range(2016, 2026)
SOURCE = "planted-bench"


def build(
    seed: int = 7,
    enterprises: int = 1500,
    universities: int = 40,
    labs: int = 20,
    rate: float = 0.1,
) -> tuple[list[Node], list[Edge]]:
    """The planted graph's nodes and edges."""
    rng = np.random.default_rng(seed)
    prov = (Provenance(SOURCE, f"seed-{seed}", None, "2026-01-01T00:00:00"),)
    nodes: list[Node] = []
    edges: list[Edge] = []

    def node(type_: str, key: str, name: str, **props: object) -> str:
        nid = node_id(type_, key)
        nodes.append(Node(nid, type_, name, (), {**props, "synthetic": True}, prov))
        return nid

    def edge(src: str, rel: str, dst: str, key: str = "", **props: object) -> None:
        edges.append(Edge(src, rel, dst, key, props, prov))

    group_names = list(GROUPS)
    field_names = [f for g in group_names for f in GROUPS[g]]
    field_ids = [node("Field", f, f) for f in field_names]
    ipc = [f"{'ABCDEFGH'[i // 5]}{21 + i % 5}{'JKLMN'[i % 5]}" for i in range(len(field_names))]
    towns = [node("Region", t, f"{t}镇", level="镇") for t in TOWNS]

    def pick_fields(groups: list[int], n: int) -> list[int]:
        pool = [g * 5 + k for g in groups for k in range(5)]
        return sorted(rng.choice(pool, size=min(n, len(pool)), replace=False).tolist())

    # organisations: heavy-tailed sizes, fields in 1–3 groups
    orgs: list[tuple[str, list[int], float]] = []
    for i in range(universities + labs):
        is_lab = i >= universities
        groups = rng.choice(8, size=1 if is_lab else int(rng.integers(1, 4)), replace=False)
        fields = pick_fields(groups.tolist(), int(rng.integers(2, 7)))
        size = float(rng.pareto(1.3) + 1.0)
        name = f"第{i + 1}{'研究院' if is_lab else '大学'}"
        oid = node(
            "Lab" if is_lab else "University",
            name,
            name,
            fields=[field_names[f] for f in fields],
            **({"level": "省重点实验室", "kind": "研究院"} if is_lab else {}),
        )
        for f in fields:
            edge(oid, "WORKS_IN", field_ids[f], weight=0.8)
        orgs.append((oid, fields, size))
    sizes = np.array([s for *_, s in orgs])

    # chains: one per group, three segments each; enterprises in one group's fields
    segs: list[list[str]] = []
    for g, gname in enumerate(group_names):
        chain = node("Chain", gname, f"{gname}产业链")
        seg_ids = [
            node("ChainSegment", f"{gname}/{s}", f"{gname}·{s}", chain=gname, position=p + 1)
            for p, s in enumerate(["上游", "中游", "下游"])
        ]
        for s in seg_ids:
            edge(s, "SEGMENT_OF", chain)
        for a, b in pairwise(seg_ids):
            edge(a, "UPSTREAM_OF", b)
        for k, s in enumerate(seg_ids):
            for f in range(k, 5, 2):
                edge(s, "IN_FIELD", field_ids[g * 5 + f])
        segs.append(seg_ids)
    ents: list[tuple[str, int, list[int], int]] = []  # id, group, fields, segment position
    for i in range(enterprises):
        g = int(rng.integers(8))
        fields = pick_fields([g], int(rng.integers(1, 3)))
        pos = int(rng.integers(3))
        town = TOWNS[int(rng.integers(len(TOWNS)))]
        eid = node(
            "Enterprise",
            f"E{i:05d}",
            f"{town}{field_names[fields[0]]}{i}号科技有限公司",
            fields=[field_names[f] for f in fields],
            region=f"{town}镇",
            above_scale=bool(rng.random() < 0.4),
        )
        edge(eid, "LOCATED_IN", towns[TOWNS.index(town)])
        edge(eid, "IN_SEGMENT", segs[g][pos], role="member", since=2015)
        for f in fields:
            edge(eid, "WORKS_IN", field_ids[f], weight=0.8)
        ents.append((eid, g, fields, pos))
    # supplies: downstream neighbours in the same chain
    by_seg: dict[tuple[int, int], list[int]] = {}
    for i, (_, g, _, pos) in enumerate(ents):
        by_seg.setdefault((g, pos), []).append(i)
    customers: dict[int, set[int]] = {}
    for i, (eid, g, _, pos) in enumerate(ents):
        down = by_seg.get((g, pos + 1), [])
        for j in rng.choice(down, size=min(2, len(down)), replace=False) if down else []:
            edge(eid, "SUPPLIES", ents[int(j)][0], since=int(rng.integers(2015, 2024)))
            customers.setdefault(i, set()).add(int(j))
            customers.setdefault(int(j), set()).add(i)

    # talents: each enterprise employs 0–6 graduates of field-matching organisations
    alumni: dict[int, list[int]] = {}
    field_sets = [set(f) for _, f, _ in orgs]
    t = 0
    for i, (eid, _, fields, _) in enumerate(ents):
        for _ in range(int(rng.poisson(2.0))):
            fit = np.array([len(fs & set(fields)) for fs in field_sets], float)
            p = sizes * (0.2 + fit)
            o = int(rng.choice(len(orgs), p=p / p.sum()))
            grad = int(rng.integers(2000, 2022))
            tid = node("Talent", f"T{t:06d}", f"人才{t}", fields=[field_names[fields[0]]])
            edge(tid, "ALUMNUS_OF", orgs[o][0], year=grad, degree="硕士")
            edge(tid, "AFFILIATED_WITH", eid, since=min(2025, grad + int(rng.integers(0, 4))))
            alumni.setdefault(i, []).append(o)
            t += 1

    # patents of each side in their own fields
    p_no = 0

    def patent(owners: list[str], f: int, year: int) -> None:
        nonlocal p_no
        pid = node(
            "Patent",
            f"CN{year}{p_no:07d}",
            f"一种{field_names[f]}{SUFFIXES[int(rng.integers(len(SUFFIXES)))]}",
            year=year,
            ipc=[f"{ipc[f]}{int(rng.integers(1, 20))}/00"],
            kind="发明",
        )
        edge(pid, "IN_FIELD", field_ids[f])
        for o in owners:
            edge(o, "APPLIED", pid, year=year)
        p_no += 1

    for eid, _, fields, _ in ents:
        for _ in range(int(rng.poisson(1.5))):
            patent([eid], int(rng.choice(fields)), int(rng.choice(YEARS)))
    for oid, fields, size in orgs:
        for _ in range(int(rng.poisson(3 * math.sqrt(size)))):
            patent([oid], int(rng.choice(fields)), int(rng.choice(YEARS)))

    # collaborations, year by year
    partners: dict[int, set[int]] = {}
    org_partners: list[set[int]] = [set() for _ in orgs]
    for year in YEARS:
        for i, (eid, _, fields, _) in enumerate(ents):
            mine = partners.setdefault(i, set())
            for o in list(mine):
                if rng.random() < 0.25:
                    edge(eid, "COLLABORATES_WITH", orgs[o][0], str(year), year=year, kind="续签")
            if rng.random() >= rate:
                continue
            overlap = np.array([len(fs & set(fields)) / len(fields) for fs in field_sets])
            alum = np.bincount(alumni.get(i, []), minlength=len(orgs))
            chain = np.array(
                [len(customers.get(i, set()) & org_partners[o]) for o in range(len(orgs))]
            )
            utility = (
                2.5 * overlap
                + 1.0 * np.log1p(alum)
                + 1.0 * np.log1p(chain)
                + 0.6 * np.log(sizes)
                + rng.gumbel(size=len(orgs))
            )
            utility[list(mine)] = -np.inf
            o = int(np.argmax(utility))
            mine.add(o)
            org_partners[o].add(i)
            edge(eid, "COLLABORATES_WITH", orgs[o][0], str(year), year=year, kind="技术开发")
            if rng.random() < 0.5:
                shared = sorted(set(fields) & field_sets[o]) or fields
                patent([eid, orgs[o][0]], int(rng.choice(shared)), year)
    return nodes, edges


def write(store: GraphStore, **kwargs: int | float) -> tuple[int, int]:
    """Build the planted graph into ``store``; returns (nodes, edges)."""
    nodes, edges = build(**kwargs)  # type: ignore[arg-type]
    for lo in range(0, len(nodes), 20_000):
        store.upsert_nodes(nodes[lo : lo + 20_000])
    for lo in range(0, len(edges), 20_000):
        store.upsert_edges(edges[lo : lo + 20_000])
    return len(nodes), len(edges)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--store", default="sqlite:///data/planted.sqlite")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--enterprises", type=int, default=1500)
    args = ap.parse_args()
    n, m = write(open_store(args.store), seed=args.seed, enterprises=args.enterprises)
    print(f"planted graph (synthetic) in {args.store}: {n} nodes, {m} edges")


if __name__ == "__main__":
    main()
