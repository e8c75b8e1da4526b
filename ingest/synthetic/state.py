"""The synthetic county's state: its firms and organisations, and what every stage of the
simulation (:mod:`ingest.synthetic.county`) shares."""

from __future__ import annotations

import math
import random
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from ingest.synthetic.catalog import (
    GIVEN,
    INDUSTRY_WORDS,
    IPC,
    PROJECT_PROGRAMMES,
    SURNAMES,
    TALENT_PROGRAMMES,
    TRADE_CHARS,
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


class CountyState:
    """The county being built: its random stream, rows, firms and organisations, and what every
    stage of the simulation shares: names, scale, partner choice, and the rows of one talent,
    patent or project."""

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
