"""A small hand-built sample county (synthetic) for tests whose answers were worked out by hand.

Labelled synthetic (``synthetic: true`` on every node). 万丰奥威 leads the 汽车零部件 chain; two
suppliers sit upstream; 浙江大学, 西北工业大学 and 中国药科大学 are reachable through known people,
projects and agreements. The full demo (``ikg demo``) is the generator's county instead.
"""

from __future__ import annotations

from datetime import UTC, datetime

from kg.ids import node_id
from kg.model import Edge, Node, Provenance
from kg.stores.base import GraphStore, UpsertResult

SOURCE = "synthetic-demo"


def sample_county() -> tuple[list[Node], list[Edge]]:
    """The demo's nodes and edges."""
    prov = (Provenance(SOURCE, "builtin", None, datetime.now(UTC).isoformat(timespec="seconds")),)
    nodes: list[Node] = []
    edges: list[Edge] = []

    def n(type_: str, name: str, aliases: tuple[str, ...] = (), **props: object) -> str:
        nid = node_id(type_, str(props.pop("key", name)))
        nodes.append(Node(nid, type_, name, aliases, {**props, "synthetic": True}, prov))
        return nid

    def e(src: str, rel: str, dst: str, key: str = "", **props: object) -> None:
        edges.append(Edge(src, rel, dst, key, props, prov))

    wanfeng = n(
        "Enterprise",
        "浙江万丰奥威汽轮股份有限公司",
        ("万丰奥威",),
        key="91330600609661208X",
        credit_code="91330600609661208X",
        above_scale=True,
        high_tech=True,
        rd_institution="省级重点企业研究院",
        local=True,
        fields=["轻量化材料", "铝合金轮毂"],
    )
    gear = n(
        "Enterprise",
        "新昌精密齿轮有限公司",
        ("精密齿轮",),
        above_scale=True,
        high_tech=False,
        local=True,
        fields=["精密传动"],
    )
    bearing = n(
        "Enterprise",
        "天姥轴承有限公司",
        above_scale=True,
        high_tech=True,
        local=True,
        fields=["轴承"],
    )
    zju = n("University", "浙江大学", ("浙大",), fields=["机械工程", "材料科学"])
    nwpu = n("University", "西北工业大学", ("西工大",), fields=["航空", "材料科学"])
    cpu = n("University", "中国药科大学", ("药大",), fields=["药学"])
    lab = n("Lab", "天姥实验室", level="省实验室", kind="实验室", fields=["智能制造", "生物医药"])
    cvc = n("Platform", "天姥实验室概念验证中心", kind="概念验证中心", level="县级")
    chain = n("Chain", "汽车零部件")
    seg_mat = n(
        "ChainSegment", "汽车零部件·材料", key="汽车零部件/材料", chain="汽车零部件", position=1
    )
    seg_part = n(
        "ChainSegment",
        "汽车零部件·关键零部件",
        key="汽车零部件/关键零部件",
        chain="汽车零部件",
        position=2,
    )
    seg_asm = n(
        "ChainSegment",
        "汽车零部件·整车配套",
        key="汽车零部件/整车配套",
        chain="汽车零部件",
        position=3,
    )
    zhang = n("Talent", "张伟", key="张伟-浙江大学", programme="省领军人才", fields=["材料科学"])
    li = n("Talent", "李娜", key="李娜-西北工业大学", degree="博士", fields=["精密传动"])
    proj = n("Project", "轻量化铝合金轮毂关键技术", programme="尖兵", year=2023, amount=500.0)
    patent = n(
        "Patent",
        "一种铝合金轮毂的铸造方法",
        key="CN202310000001.X",
        application_no="CN202310000001.X",
        year=2023,
        ipc=["B22D"],
    )
    county = n("Region", "新昌县", level="县")

    for seg in (seg_mat, seg_part, seg_asm):
        e(seg, "SEGMENT_OF", chain)
    e(seg_mat, "UPSTREAM_OF", seg_part)
    e(seg_part, "UPSTREAM_OF", seg_asm)
    e(wanfeng, "IN_SEGMENT", seg_asm, role="leader", since=2018)
    e(gear, "IN_SEGMENT", seg_part, role="member", since=2019)
    e(bearing, "IN_SEGMENT", seg_part, role="member", since=2019)
    e(gear, "SUPPLIES", wanfeng, since=2019)
    e(bearing, "SUPPLIES", wanfeng, since=2020)
    e(wanfeng, "COLLABORATES_WITH", zju, "2021", year=2021, amount=300.0)
    e(bearing, "COLLABORATES_WITH", nwpu, "2022", year=2022)
    e(zhang, "AFFILIATED_WITH", wanfeng, since=2020)
    e(zhang, "ALUMNUS_OF", zju, year=2008, degree="博士")
    e(li, "AFFILIATED_WITH", gear, since=2021)
    e(li, "ALUMNUS_OF", nwpu, year=2016, degree="博士")
    e(wanfeng, "LEADS", proj, year=2023)
    e(zju, "PARTICIPATES_IN", proj, year=2023)
    e(wanfeng, "APPLIED", patent, year=2023)
    e(zhang, "INVENTED", patent, year=2023)
    e(lab, "HOSTS", cvc, since=2024)
    e(lab, "COLLABORATES_WITH", cpu, "2024", year=2024)
    for org in (wanfeng, gear, bearing, lab):
        e(org, "LOCATED_IN", county)
    return nodes, edges


def load_sample_county(store: GraphStore) -> tuple[UpsertResult, UpsertResult]:
    """Write the sample county into ``store``; idempotent."""
    nodes, edges = sample_county()
    return store.upsert_nodes(nodes), store.upsert_edges(edges)
