"""The synthetic county, simulated year by year into the rows of ordinary source files.

What matters for evaluation is how new university–enterprise collaborations arise: each year a
firm picks a new partner by field fit, shared people (alumni among its staff, students it trains
with the university), chain peers and suppliers already working with that university, a little
popularity and noise (Gumbel) — so a temporal hold-out can be predicted from the graph, and the
most popular university is often, but not always, the right answer.

Everything is drawn from one ``random.Random(seed)`` over lists in a fixed order: the same seed
gives the same rows.
"""

from __future__ import annotations

import math
import random
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from ingest.synthetic.catalog import (
    BASE,
    CHAIN_WEIGHTS,
    CHAINS,
    COUNTY,
    FACULTY_TITLES,
    GIVEN,
    INDUSTRY_CODES,
    INDUSTRY_WORDS,
    IPC,
    LABS,
    OTHER_FIELDS,
    PROJECT_PROGRAMMES,
    RD_LEVELS,
    SURNAMES,
    TALENT_PROGRAMMES,
    TIANMU_LAB,
    TITLES,
    TOWNS,
    TRADE_CHARS,
    UNIVERSITIES,
    UNSUPPORTED,
    WANFENG,
    WANFENG_CREDIT,
)

Row = dict[str, Any]
YEARS = range(2018, 2027)
# The seed's 2025 coverages of its 400 above-scale enterprises (per 400, times the scale).
ABOVE_SCALE = 400
COVERAGE = {"patents": 392, "rd_spending": 393, "rd_institution": 344, "iur": 380, "high_tech": 252}
OTHER_LOCAL = 200
EXTERNAL = 50


@dataclass
class Firm:
    name: str
    short: str
    credit: str
    chain: str = ""
    stage: str = ""
    fields: list[str] = field(default_factory=list)
    above: bool = False
    local: bool = True
    leader: bool = False
    town: str = ""
    revenue: float = 0.0
    rd: float = 0.0
    high_tech_since: int | None = None
    tech_sme_since: int | None = None
    rd_level: str = ""
    rd_since: int | None = None
    founded: int = 2000
    size: str = "小型"
    has_patents: bool = True
    iur_first: int | None = None
    staff: list[str] = field(default_factory=list)  # talent names

    @property
    def segment(self) -> str:
        return f"{self.chain}/{self.stage}" if self.chain else ""


@dataclass
class Org:
    """A university or lab as the collaboration model sees it."""

    name: str
    kind: str
    weights: dict[str, float]
    popularity: float
    since: int = 1900
    faculty: list[str] = field(default_factory=list)


class County:
    """Builds every file's rows. ``scale`` multiplies the enterprises and what hangs off them."""

    def __init__(self, seed: int = 7, scale: float = 1.0) -> None:
        self.rng = random.Random(seed)
        self.scale = scale
        self.rows: dict[str, list[Row]] = defaultdict(list)
        self.firms: list[Firm] = []
        self.orgs: dict[str, Org] = {}
        self._cores: set[str] = set()
        self._people: set[str] = set()
        self._serial = 0
        self.talent_school: dict[str, str] = {}  # "name-employer" → school
        self.partners: dict[str, dict[str, int]] = defaultdict(dict)  # firm → org → first year
        self.students: dict[tuple[str, str], int] = {}  # (firm, university) → first year
        self.suppliers: dict[str, list[str]] = defaultdict(list)  # firm → its supply partners

    def n(self, count: int) -> int:
        return max(1, round(count * self.scale))

    # -- names -----------------------------------------------------------------------------
    def _firm_name(self, fields: list[str], local: bool) -> tuple[str, str]:
        word = INDUSTRY_WORDS.get(fields[0], "科技") if fields else "科技"
        for attempt in range(10_000):
            trade = "".join(self.rng.sample(TRADE_CHARS, 2 if attempt < 200 else 3))
            core = trade + word
            if core not in self._cores and "万丰" not in core:
                self._cores.add(core)
                break
        if not local:
            prefix = self.rng.choice(["上海", "江苏", "安徽", "广东", "湖北", "山东"])
            return f"{prefix}{core}有限公司", trade
        form = self.rng.choice(["有限公司", "有限公司", "股份有限公司", "科技有限公司"])
        prefix = self.rng.choice(["浙江", "新昌县", "绍兴", "浙江新昌"])
        if form == "科技有限公司" and word.endswith("科技"):
            form = "有限公司"
        return f"{prefix}{core}{form}", trade

    def _credit(self) -> str:
        self._serial += 1
        body = f"{self._serial:07d}"
        check = "0123456789ABCDEFGHJKLMNPQRTUWXY"[self.rng.randrange(31)]
        return f"91330624MA2{body}{check}"

    def _person(self) -> str:
        for attempt in range(100_000):
            given = "".join(self.rng.sample(GIVEN, 1 if attempt % 3 == 0 else 2))
            name = self.rng.choice(SURNAMES) + given
            if name not in self._people:
                self._people.add(name)
                return name
        raise RuntimeError("ran out of person names")  # pragma: no cover

    # -- build -----------------------------------------------------------------------------
    def build(self) -> dict[str, list[Row]]:
        self._chains()
        self._research_orgs()
        self._enterprises()
        self._talents()
        self._joint_training()
        self._supply()
        self._collaborations()
        self._platforms()
        self._patents()
        self._projects()
        self._enterprise_rows()
        return dict(self.rows)

    def _chains(self) -> None:
        for chain, segments in CHAINS.items():
            for pos, (stage, fields) in enumerate(segments, start=1):
                self.rows["产业链环节"].append(
                    {
                        "产业链": chain,
                        "环节": stage,
                        "位置": pos,
                        "上游环节": segments[pos - 2][0] if pos > 1 else "",
                        "技术领域": "；".join(fields),
                    }
                )

    def _supports(self, weights: dict[str, float], k: int) -> list[str]:
        """The segments an organisation supports: those whose fields it is strongest in."""
        scored = []
        for chain, segments in CHAINS.items():
            for stage, fields in segments:
                key = f"{chain}/{stage}"
                fit = sum(weights.get(f, 0.0) for f in fields) / len(fields)
                if key not in UNSUPPORTED and fit >= 0.5:
                    scored.append((fit, key))
        scored.sort(key=lambda x: (-x[0], x[1]))
        return [key for _, key in scored[:k]]

    def _research_orgs(self) -> None:
        supports = {
            name: self._supports(weights, 2 if name == "浙江大学" else 1)
            for name, _, _, _, weights in UNIVERSITIES
        }
        covered = {key for keys in supports.values() for key in keys}
        covered |= {key for *_, keys in LABS for key in keys}
        # Every segment but the deliberate gaps gets its best-fitting university as support.
        for chain, segments in CHAINS.items():
            for stage, fields in segments:
                key = f"{chain}/{stage}"
                if key in covered or key in UNSUPPORTED:
                    continue
                best = max(
                    UNIVERSITIES, key=lambda u: sum(u[4].get(f, 0.0) for f in fields) + 0.01 * u[3]
                )
                supports[best[0]].append(key)
        for name, short, region, pop, weights in UNIVERSITIES:
            self.orgs[name] = Org(name, "University", weights, pop)
            self.rows["高校名录"].append(
                {
                    "高校名称": name,
                    "简称": short,
                    "所在地": region,
                    "学科领域": "；".join(sorted(weights, key=lambda f: (-weights[f], f))[:8]),
                    "支撑环节": "；".join(supports[name]),
                }
            )
        for name, level, kind, since, fields, lab_supports in LABS:
            weights = dict.fromkeys(fields, 1.0)
            self.orgs[name] = Org(name, "Lab", weights, 1.2 if name == TIANMU_LAB else 0.6, since)
            self.rows["实验室名录"].append(
                {
                    "名称": name,
                    "简称": "",
                    "级别": level,
                    "类别": kind,
                    "成立年份": since,
                    "所在地": COUNTY,
                    "研究领域": "；".join(fields),
                    "支撑环节": "；".join(lab_supports),
                }
            )

    def _segment_pick(self) -> tuple[str, str, list[str]]:
        chains = list(CHAIN_WEIGHTS)
        chain = self.rng.choices(chains, [CHAIN_WEIGHTS[c] for c in chains])[0]
        stage, fields = self.rng.choice(CHAINS[chain])
        return chain, stage, fields

    def _new_firm(self, *, above: bool, local: bool, in_chain: bool) -> Firm:
        if in_chain:
            chain, stage, seg_fields = self._segment_pick()
            fields = self.rng.sample(seg_fields, min(len(seg_fields), self.rng.choice([1, 2])))
            if self.rng.random() < 0.3:  # a neighbouring competence
                _, other_fields = self.rng.choice(CHAINS[chain])
                fields.append(self.rng.choice(other_fields))
        else:
            chain, stage = "", ""
            fields = [self.rng.choice(OTHER_FIELDS)]
        fields = list(dict.fromkeys(fields))
        name, short = self._firm_name(fields, local)
        firm = Firm(name, short, self._credit(), chain, stage, fields, above=above, local=local)
        firm.town = self.rng.choice(TOWNS) if local else ""
        firm.founded = self.rng.randint(1985, 2016) if above else self.rng.randint(2000, 2022)
        if above:
            firm.revenue = round(self.rng.lognormvariate(10.0, 1.0), 1)  # 万元
            firm.size = self.rng.choices(["大型", "中型", "小型"], [0.08, 0.4, 0.52])[0]
        else:
            firm.revenue = round(self.rng.lognormvariate(7.0, 1.0), 1)
            firm.size = self.rng.choice(["小型", "微型"])
        return firm

    def _enterprises(self) -> None:
        above_n = self.n(ABOVE_SCALE)
        wanfeng = Firm(
            WANFENG,
            "万丰奥威",
            WANFENG_CREDIT,
            "汽车零部件",
            "关键零部件",
            ["轮毂", "铝合金材料", "新能源汽车"],
            above=True,
            leader=True,
            town="南明街道",
            revenue=1_500_000.0,
            size="大型",
            founded=2001,
        )
        self._cores.add("万丰奥威汽轮")
        above = [wanfeng]
        while len(above) < above_n:
            above.append(self._new_firm(above=True, local=True, in_chain=self.rng.random() < 0.8))
        self._assign_coverage(above)
        # Leaders: the largest firm of a chain's middle segments (万丰 leads 汽车零部件 already).
        for chain in CHAINS:
            if chain == "汽车零部件":
                continue
            members = [f for f in above if f.chain == chain]
            for firm in sorted(members, key=lambda f: -f.revenue)[: max(1, len(members) // 60)]:
                firm.leader, firm.size = True, "大型"
                firm.revenue = max(firm.revenue, 200_000.0)
        others = [
            self._new_firm(above=False, local=True, in_chain=self.rng.random() < 0.7)
            for _ in range(self.n(OTHER_LOCAL))
        ]
        for firm in others:
            firm.has_patents = self.rng.random() < 0.55
            firm.rd = round(self.rng.uniform(5, 300), 1) if self.rng.random() < 0.7 else 0.0
            if self.rng.random() < 0.6:
                firm.tech_sme_since = self.rng.randint(2017, 2025)
            if firm.tech_sme_since and self.rng.random() < 0.15:
                firm.high_tech_since = self.rng.randint(max(firm.tech_sme_since, 2019), 2025)
            if self.rng.random() < 0.3:
                firm.iur_first = self.rng.randint(2018, 2026)
        externals = []
        for _ in range(self.n(EXTERNAL)):
            firm = self._new_firm(above=False, local=False, in_chain=True)
            # Customers outside the county sit downstream.
            firm.stage, _ = CHAINS[firm.chain][-1]
            firm.fields = list(dict.fromkeys(CHAINS[firm.chain][-1][1][:1] + firm.fields))[:2]
            firm.revenue, firm.size = round(self.rng.lognormvariate(11.5, 0.8), 1), "大型"
            firm.has_patents = False
            externals.append(firm)
        self.firms = above + others + externals

    def _assign_coverage(self, above: list[Firm]) -> None:
        """Exactly the seed's coverages (times the scale), correlated as in life: the firms
        without patents or R&D spending are mostly the ones without an R&D institution."""
        rng = self.rng
        order = sorted(above[1:], key=lambda f: f.revenue * rng.uniform(0.3, 1.7))
        order = [above[0], *reversed(order)]  # strongest first; 万丰 covers everything
        total = len(order)

        def lacking(key: str) -> set[int]:
            k = total - round(COVERAGE[key] * total / ABOVE_SCALE)
            # The weakest firms lack it more often: draw from the weaker half, weighted.
            pool = list(range(total // 3, total))
            weights = [1 + 3 * (i / total) for i in pool]
            chosen: set[int] = set()
            while len(chosen) < k:
                chosen.add(rng.choices(pool, weights)[0])
            return chosen

        no_patents, no_rd = lacking("patents"), lacking("rd_spending")
        no_inst, no_iur = lacking("rd_institution"), lacking("iur")
        ht_n = round(COVERAGE["high_tech"] * total / ABOVE_SCALE)
        for i, firm in enumerate(order):
            firm.has_patents = i not in no_patents
            firm.rd = 0.0 if i in no_rd else round(firm.revenue * rng.uniform(0.015, 0.06), 1)
            if i not in no_inst:
                firm.rd_level = rng.choices([lv for lv, _ in RD_LEVELS], [w for _, w in RD_LEVELS])[
                    0
                ]
                firm.rd_since = rng.randint(max(firm.founded + 3, 2008), 2025)
            if i not in no_iur:
                firm.iur_first = rng.choices(range(2018, 2026), [3, 3, 3, 2, 2, 2, 1, 1])[0]
            if rng.random() < 0.35:
                firm.tech_sme_since = rng.randint(2016, 2024)
        # High-tech: the most innovative firms (patents + R&D), 252 per 400 exactly.
        ranked = sorted(
            range(1, total),
            key=lambda i: (
                -(order[i].has_patents + (order[i].rd > 0) + bool(order[i].rd_level)),
                -order[i].revenue * rng.uniform(0.5, 1.5),
            ),
        )
        for i in ranked[: ht_n - 1]:
            order[i].high_tech_since = rng.choices(range(2010, 2026), [1] * 8 + [2] * 8)[0]
        order[0].high_tech_since = 2012  # 万丰, always high-tech

    # -- people ----------------------------------------------------------------------------
    def _fit(self, fields: list[str], org: Org) -> float:
        return sum(org.weights.get(f, 0.0) for f in fields) / max(1, len(fields))

    def _pick_org(self, fields: list[str], orgs: list[Org], noise: float = 0.7) -> Org:
        """An organisation by field fit and popularity, with Gumbel noise."""

        def score(o: Org) -> float:
            g = -math.log(-math.log(self.rng.random() or 1e-12))
            return 2.5 * self._fit(fields, o) + 0.4 * math.log(o.popularity) + noise * g

        return max(orgs, key=score)

    def _talent_row(
        self,
        name: str,
        employer: str,
        *,
        school: str,
        degree: str,
        title: str,
        since: int,
        fields: list[str],
        position: str = "",
    ) -> None:
        programme, level = "", ""  # blank cells when no programme
        year_cell: int | str = ""
        if self.rng.random() < 0.22:
            names = [p for p, _, _ in TALENT_PROGRAMMES]
            programme = self.rng.choices(names, [w for _, _, w in TALENT_PROGRAMMES])[0]
            level = next(lv for p, lv, _ in TALENT_PROGRAMMES if p == programme)
            year_cell = self.rng.randint(max(since, 2015), 2025)
        self.talent_school[f"{name}-{employer}"] = school
        self.rows["人才清单"].append(
            {
                "姓名": name,
                "人才计划": programme,
                "计划级别": level,
                "入选年份": year_cell,
                "工作单位": employer,
                "职务": position,
                "职称": title,
                "入职年份": since,
                "毕业院校": school,
                "学位": degree,
                "毕业年份": since - self.rng.randint(0, 3),
                "研究领域": "；".join(fields),
            }
        )

    def _talents(self) -> None:
        universities = [o for o in self.orgs.values() if o.kind == "University"]
        for org in self.orgs.values():
            for _ in range(self.n(14 if org.kind == "University" else 8)):
                name = self._person()
                org.faculty.append(name)
                fields = self.rng.sample(list(org.weights), min(2, len(org.weights)))
                school = self._pick_org(fields, universities).name
                self._talent_row(
                    name,
                    org.name,
                    school=school,
                    degree="博士",
                    title=self.rng.choice(FACULTY_TITLES),
                    since=self.rng.randint(2000, 2022),
                    fields=fields,
                )
        for firm in self.firms:
            if not firm.local:
                continue
            count = self.rng.randint(1, 4) if firm.above else self.rng.randint(0, 2)
            if firm.leader:
                count += 4
            for i in range(count):
                name = self._person()
                firm.staff.append(name)
                school = self._pick_org(firm.fields, universities, noise=1.0).name
                self._talent_row(
                    name,
                    firm.name,
                    school=school,
                    degree=self.rng.choice(["硕士", "硕士", "博士", "学士"]),
                    title=self.rng.choice(TITLES),
                    since=self.rng.randint(max(firm.founded, 2005), 2024),
                    fields=firm.fields[:2],
                    position="技术负责人" if i == 0 else "研发工程师",
                )

    def _joint_training(self) -> None:
        """The graduate base: 21 universities, 58 enterprises (× scale), ~200 students."""
        universities = [o for o in self.orgs.values() if o.kind == "University"]
        candidates = [f for f in self.firms if f.above and f.rd_level and f.local]
        members = self.rng.sample(candidates, min(len(candidates), self.n(58)))
        for org in universities:
            self.rows["联合培养基地成员"].append(
                {"基地名称": BASE, "成员单位": org.name, "加入年份": self.rng.randint(2019, 2022)}
            )
        for firm in members:
            self.rows["联合培养基地成员"].append(
                {"基地名称": BASE, "成员单位": firm.name, "加入年份": self.rng.randint(2019, 2023)}
            )
        for _ in range(self.n(200)):
            firm = self.rng.choice(members)
            org = self._pick_org(firm.fields, universities, noise=0.8)
            year = self.rng.randint(2019, 2025)
            self.students.setdefault((firm.name, org.name), year)
            self.students[(firm.name, org.name)] = min(self.students[(firm.name, org.name)], year)
            self.rows["研究生联合培养"].append(
                {
                    "学生": self._person(),
                    "学位": self.rng.choice(["硕士", "硕士", "硕士", "博士"]),
                    "高校": org.name,
                    "企业": firm.name,
                    "导师": self.rng.choice(org.faculty),
                    "入学年份": year,
                    "研究方向": "；".join(firm.fields[:1]),
                }
            )
        for i in range(self.n(64)):
            firm = self.rng.choice(members)
            org = self._pick_org(firm.fields, universities, noise=0.8)
            year = self.rng.randint(2020, 2026)
            self._project(
                f"{firm.short}{firm.fields[0]}研究生联合培养项目{i + 1:03d}",
                "研究生联合培养",
                year,
                firm.name,
                [org.name],
                firm.fields[:1],
                round(self.rng.uniform(10, 60), 1),
            )

    def _supply(self) -> None:
        """Supply links, mostly from a segment to the next one downstream in the same chain."""
        by_segment: dict[str, list[Firm]] = defaultdict(list)
        for firm in self.firms:
            if firm.chain:
                by_segment[firm.segment].append(firm)
        chain_firms = [f for f in self.firms if f.chain]
        for firm in chain_firms:
            if not firm.local:
                continue
            stages = [s for s, _ in CHAINS[firm.chain]]
            pos = stages.index(firm.stage)
            downstream = (
                by_segment.get(f"{firm.chain}/{stages[pos + 1]}", [])
                if pos + 1 < len(stages)
                else []
            )
            for _ in range(self.rng.randint(1, 3)):
                if downstream and self.rng.random() < 0.85:
                    weights = [3.0 if c.leader else 1.0 + (not c.local) for c in downstream]
                    customer = self.rng.choices(downstream, weights)[0]
                else:
                    customer = self.rng.choice(chain_firms)
                if customer is firm or customer.name in self.suppliers[firm.name]:
                    continue
                self.suppliers[firm.name].append(customer.name)
                self.suppliers[customer.name].append(firm.name)
                self.rows["供应关系"].append(
                    {
                        "头实体": firm.name,
                        "关系": "供应",
                        "尾实体": customer.name,
                        "时间": self.rng.randint(2012, 2024),
                    }
                )

    def _collaborations(self) -> None:
        """Agreements year by year; a new partner is chosen by fit and proximity (see module doc)."""
        orgs = list(self.orgs.values())
        alumni: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        for key, school in self.talent_school.items():
            alumni[key.split("-", 1)[1]][school] += 1
        chain_users: dict[tuple[str, str], int] = defaultdict(int)  # (chain, org) → firms
        active = [f for f in self.firms if f.iur_first is not None]
        for year in YEARS:
            started: list[tuple[Firm, str]] = []
            for firm in active:
                assert firm.iur_first is not None
                if year < firm.iur_first:
                    continue
                mine = self.partners[firm.name]
                if year == firm.iur_first or (mine and self.rng.random() < 0.22):
                    open_orgs = [o for o in orgs if o.name not in mine and o.since <= year]
                    if not open_orgs:
                        continue

                    def score(o: Org, firm: Firm = firm, year: int = year) -> float:
                        peers = chain_users[(firm.chain, o.name)] if firm.chain else 0
                        supply = sum(
                            1
                            for s in self.suppliers[firm.name]
                            if o.name in self.partners.get(s, {})
                        )
                        students = self.students.get((firm.name, o.name), 9999) < year
                        g = -math.log(-math.log(self.rng.random() or 1e-12))
                        return (
                            2.5 * self._fit(firm.fields, o)
                            + 1.0 * math.log1p(alumni[firm.name].get(o.name, 0))
                            + 0.8 * math.log1p(peers)
                            + 0.7 * math.log1p(supply)
                            + 1.2 * students
                            + 0.25 * math.log(o.popularity)
                            + 0.6 * g
                        )

                    org = max(open_orgs, key=score)
                    mine[org.name] = year
                    started.append((firm, org.name))
                    self._agreement(firm, org.name, year)
                elif mine and self.rng.random() < 0.3:
                    org_name = self.rng.choice(sorted(mine))
                    self._agreement(firm, org_name, year)
            for firm, org_name in started:
                if firm.chain:
                    chain_users[(firm.chain, org_name)] += 1

    def _agreement(self, firm: Firm, org: str, year: int) -> None:
        # Now and then the bureau's file names a firm by its short name (resolved as an alias).
        name = firm.name
        if firm.name == WANFENG and self.rng.random() < 0.5:
            name = "万丰奥威"
        elif self.rng.random() < 0.04:
            name = firm.short + INDUSTRY_WORDS.get(firm.fields[0], "")
        rows = self.rows["产学研合作协议"]
        amount = round(self.rng.lognormvariate(4.0, 0.8), 1)
        rows.append(
            {
                "协议编号": f"XC-{year}-{len(rows) + 1:05d}",
                "企业名称": name,
                "高校/院所": org,
                "签约年份": year,
                "合同金额（万元）": amount,
                "合作类型": self.rng.choice(["技术开发", "技术服务", "共建平台", "技术转让"]),
            }
        )
        if self.rng.random() < 0.25:
            self._project(
                f"{firm.short}与{org}{firm.fields[0]}产学研合作{len(rows):05d}",
                "产学研合作",
                year,
                firm.name,
                [org],
                firm.fields[:1],
                amount,
            )
        if firm.has_patents and self.rng.random() < 0.3:
            self._patent(firm, min(year + self.rng.randint(0, 1), 2026), co_applicant=org)

    def _platforms(self) -> None:
        rows = self.rows["平台名录"]
        rows.append(
            {
                "平台名称": f"{TIANMU_LAB}概念验证中心",
                "类别": "概念验证中心",
                "级别": "县级",
                "认定年份": 2024,
                "依托单位": TIANMU_LAB,
                "所在地": COUNTY,
                "技术领域": "智能制造系统；生物药",
                "支撑环节": "智能装备/机器人关键零部件/智能装备整机",
            }
        )
        rows.append(
            {
                "平台名称": BASE,
                "类别": "联合培养基地",
                "级别": "县级",
                "认定年份": 2019,
                "依托单位": COUNTY,
                "所在地": COUNTY,
                "技术领域": "",
                "支撑环节": "",
            }
        )
        for name, kind in (
            ("新昌县科技企业孵化器", "孵化器"),
            ("新昌县轴承产业公共服务平台", "公共服务平台"),
        ):
            rows.append(
                {
                    "平台名称": name,
                    "类别": kind,
                    "级别": "县级",
                    "认定年份": self.rng.randint(2016, 2021),
                    "依托单位": COUNTY,
                    "所在地": COUNTY,
                    "技术领域": "",
                    "支撑环节": "",
                }
            )
        for firm in self.firms:
            if firm.rd_level:
                rows.append(
                    {
                        "平台名称": f"{firm.short}{firm.fields[0]}{'研发中心' if '研发中心' in firm.rd_level else '企业研究院'}",
                        "类别": "企业研究院",
                        "级别": firm.rd_level,
                        "认定年份": firm.rd_since,
                        "依托单位": firm.name,
                        "所在地": firm.town,
                        "技术领域": "；".join(firm.fields[:2]),
                        "支撑环节": "",
                    }
                )

    def _patent(self, firm: Firm, year: int, co_applicant: str | None = None) -> None:
        self._serial += 1
        kind = self.rng.choices(["发明", "实用新型", "外观设计"], [0.45, 0.5, 0.05])[0]
        number = f"CN{year}{'1' if kind == '发明' else '2'}{self._serial:07d}.{self._serial % 10}"
        fld = self.rng.choice(firm.fields)
        month, day = self.rng.randint(1, 12), self.rng.randint(1, 28)
        inventors = self.rng.sample(firm.staff, min(len(firm.staff), self.rng.randint(1, 3)))
        applicants = [firm.name, co_applicant] if co_applicant else [firm.name]
        thing = self.rng.choice(["装置", "方法", "系统", "结构", "组件", "工艺"])
        self.rows["专利清单"].append(
            {
                "申请号": number,
                "专利名称": f"一种{fld}{thing}（{number[-6:]}）",
                "专利类型": kind,
                "申请人": "；".join(applicants),
                "发明人": "；".join(inventors),
                "IPC分类号": IPC.get(fld, "G06F"),
                "申请日": f"{year}-{month:02d}-{day:02d}",
                "技术领域": fld,
            }
        )

    def _patents(self) -> None:
        for firm in self.firms:
            if not (firm.has_patents and firm.local and firm.staff):
                if firm.has_patents and firm.local and not firm.staff:
                    firm.staff.append(self._staff_for(firm))
                else:
                    continue
            count = self.rng.randint(2, 10) if firm.above else self.rng.randint(1, 3)
            if firm.leader:
                count += 15
            for _ in range(count):
                self._patent(firm, self.rng.randint(2018, 2025))

    def _staff_for(self, firm: Firm) -> str:
        name = self._person()
        universities = [o for o in self.orgs.values() if o.kind == "University"]
        school = self._pick_org(firm.fields, universities, noise=1.0).name
        self._talent_row(
            name,
            firm.name,
            school=school,
            degree="学士",
            title="工程师",
            since=2018,
            fields=firm.fields[:1],
        )
        return name

    def _project(
        self,
        name: str,
        programme: str,
        year: int,
        lead: str,
        participants: list[str],
        fields: list[str],
        amount: float,
    ) -> None:
        if programme == "人才项目":
            status = "签约" if year >= 2025 else "落地"
        else:
            status = "结题" if year <= 2022 else "在研" if year <= 2024 else "立项"
        self.rows["项目清单"].append(
            {
                "项目名称": name,
                "计划类别": programme,
                "计划级别": PROJECT_PROGRAMMES[programme],
                "牵头单位": lead,
                "参与单位": "；".join(participants),
                "年度": year,
                "金额（万元）": amount,
                "状态": status,
                "技术领域": "；".join(fields),
            }
        )

    def _projects(self) -> None:
        strong = [f for f in self.firms if f.above and f.high_tech_since]
        for year in YEARS:
            for programme, count, amount in (
                ("尖兵", 6, 500),
                ("领雁", 6, 300),
                ("揭榜挂帅", 4, 200),
            ):
                for i in range(self.n(count)):
                    firm = self.rng.choices(strong, [math.sqrt(f.revenue) for f in strong])[0]
                    partners = sorted(o for o, y in self.partners[firm.name].items() if y <= year)
                    chosen = self.rng.sample(partners, min(len(partners), self.rng.randint(0, 2)))
                    self._project(
                        f"{firm.short}{firm.fields[0]}关键技术攻关（{programme}{year}-{i + 1:03d}）",
                        programme,
                        year,
                        firm.name,
                        chosen,
                        firm.fields[:2],
                        round(amount * self.rng.uniform(0.5, 1.5), 1),
                    )
        for row in list(self.rows["人才清单"]):
            if row["人才计划"] == "天姥英才计划" and self.rng.random() < 0.6:
                year = int(row["入选年份"])
                self._project(
                    f"{row['姓名']}天姥英才项目（{year}）",
                    "人才项目",
                    year,
                    row["工作单位"],
                    [],
                    row["研究领域"].split("；")[:1],
                    round(self.rng.uniform(50, 300), 1),
                )

    def _enterprise_rows(self) -> None:
        for firm in self.firms:
            row = {
                "统一社会信用代码": firm.credit,
                "企业名称": firm.name,
                "简称": "万丰奥威"
                if firm.name == WANFENG
                else firm.short + INDUSTRY_WORDS.get(firm.fields[0], ""),
                "行业代码": INDUSTRY_CODES.get(firm.chain, "C17"),
                "所属产业链": firm.chain,
                "产业链环节": firm.stage,
                "是否链主": "是" if firm.leader else "否",
                "营业收入（万元）": firm.revenue,
                "研发费用（万元）": firm.rd,
                "从业人员": max(10, int(firm.revenue / 100 * self.rng.uniform(0.3, 0.8))),
                "是否高新技术企业": "是" if firm.high_tech_since else "否",
                "高企认定年份": firm.high_tech_since or "",
                "是否科技型中小企业": "是" if firm.tech_sme_since else "否",
                "科小认定年份": firm.tech_sme_since or "",
                "研发机构级别": firm.rd_level,
                "企业规模": firm.size,
                "成立年份": firm.founded,
                "所在乡镇": firm.town,
                "技术领域": "；".join(firm.fields),
            }
            if firm.above:
                self.rows["规上企业名录"].append(row)
            else:
                row["是否规上"] = "否"
                row["是否本地企业"] = "是" if firm.local else "否"
                self.rows["企业名录"].append(row)
