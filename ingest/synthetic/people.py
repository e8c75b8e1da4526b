"""The synthetic county's people: talents with their programmes and schools, and the graduate
joint-training base."""

from __future__ import annotations

from ingest.synthetic.catalog import (
    BASE,
    FACULTY_TITLES,
    TITLES,
)
from ingest.synthetic.state import CountyState


class People(CountyState):
    """Talents and the joint-training base (students, mentors, member enterprises)."""

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
