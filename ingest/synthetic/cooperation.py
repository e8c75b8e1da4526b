"""The synthetic county's ties year by year: supply links, university–enterprise cooperation
(by field fit, shared people and peers, so pairings can be predicted), platforms, patents and
projects."""

from __future__ import annotations

import math
from collections import defaultdict

from ingest.synthetic.catalog import (
    BASE,
    CHAINS,
    COUNTY,
    INDUSTRY_WORDS,
    TIANMU_LAB,
    WANFENG,
)
from ingest.synthetic.state import YEARS, CountyState, Firm, Org


class Cooperation(CountyState):
    """Supply, cooperation agreements, platforms, patents and projects."""

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
