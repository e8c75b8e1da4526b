"""The synthetic county's chains, universities and labs, and enterprises with the seed's coverage
rates: the directories (名录) a bureau keeps."""

from __future__ import annotations

from ingest.synthetic.catalog import (
    CHAIN_WEIGHTS,
    CHAINS,
    COUNTY,
    INDUSTRY_CODES,
    INDUSTRY_WORDS,
    LABS,
    OTHER_FIELDS,
    RD_LEVELS,
    TIANMU_LAB,
    TOWNS,
    UNIVERSITIES,
    UNSUPPORTED,
    WANFENG,
    WANFENG_CREDIT,
)
from ingest.synthetic.state import (
    ABOVE_SCALE,
    COVERAGE,
    EXTERNAL,
    OTHER_LOCAL,
    CountyState,
    Firm,
    Org,
)


class Firms(CountyState):
    """Chains and their segments, research organisations, enterprises and their directory rows."""

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
