"""The graph's schema: the one place that lists node types, relation types and their properties.

Everything else derives from here: SQLite validation, the Cypher label/type whitelist and the
linter's ``dbSchema``, the RDF ontology, the API's enums. Labels are Chinese first, English second.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Literal

PropKind = Literal["str", "int", "float", "bool", "date", "list[str]"]
TimeKind = Literal["year", "interval"] | None


@dataclass(frozen=True)
class PropertySpec:
    """One property: its key, value kind and labels; ``parse`` is how a source cell is read into
    it when a mapping does not say (``year``: 2021 / 2021年 / 2021-03-01 → 2021; ``cny_10k``: an
    amount in 万元, 3.2亿 → 32000; ``credit_code`` / ``patent_no``: folded to one canonical spelling), else by
    ``kind``."""

    name: str
    kind: PropKind
    zh: str
    en: str
    required: bool = False
    parse: str | None = None

    @property
    def read_as(self) -> str:
        """The parse kind of a source cell for this property (:mod:`ingest.values`)."""
        return self.parse or self.kind


@dataclass(frozen=True)
class NodeTypeSpec:
    """A node type (a Neo4j label): id prefix, labels and properties beyond id/name/aliases."""

    name: str
    zh: str
    en: str
    prefix: str
    properties: tuple[PropertySpec, ...] = ()

    def property(self, key: str) -> PropertySpec | None:
        return next((p for p in self.properties if p.name == key), None)


@dataclass(frozen=True)
class RelationSpec:
    """A relation type: allowed endpoint types, direction, time, tie weight and verbs."""

    name: str
    zh: str
    en: str
    sources: tuple[str, ...]
    targets: tuple[str, ...]
    verb_zh: str
    verb_en: str
    time: TimeKind = None
    weight: float = 0.5
    symmetric: bool = False
    properties: tuple[PropertySpec, ...] = field(default=())


def _p(
    name: str, kind: PropKind, zh: str, en: str, required: bool = False, parse: str | None = None
) -> PropertySpec:
    return PropertySpec(name, kind, zh, en, required, parse)


# Properties common to many types.
_REGION = _p("region", "str", "所在地区", "region")
_FIELDS = _p("fields", "list[str]", "技术领域", "technical fields")
_SYNTH = _p("synthetic", "bool", "合成数据", "synthetic")
_YEAR = _p("year", "int", "年份", "year", parse="year")
_SINCE = _p("since", "int", "起始年份", "since", parse="year")
_UNTIL = _p("until", "int", "终止年份", "until", parse="year")
_AMOUNT = _p("amount", "float", "金额（万元）", "amount (10k CNY)", parse="cny_10k")
_WEIGHT = _p("weight", "float", "强度", "weight")
_ORGS = ("Enterprise", "University", "Lab")

NODE_TYPES: dict[str, NodeTypeSpec] = {
    spec.name: spec
    for spec in (
        NodeTypeSpec(
            "Enterprise",
            "企业",
            "Enterprise",
            "enterprise",
            (
                _p(
                    "credit_code",
                    "str",
                    "统一社会信用代码",
                    "unified social credit code",
                    parse="credit_code",
                ),
                _p("industry_code", "str", "行业代码", "industry code"),
                _p("revenue", "float", "营业收入（万元）", "revenue (10k CNY)", parse="cny_10k"),
                _p(
                    "rd_spending",
                    "float",
                    "研发费用（万元）",
                    "R&D spending (10k CNY)",
                    parse="cny_10k",
                ),
                _p("employees", "int", "从业人员", "employees"),
                _p("above_scale", "bool", "规上企业", "above-scale"),
                _p("high_tech", "bool", "高新技术企业", "high-tech enterprise"),
                _p("high_tech_since", "int", "高企认定年份", "high-tech since", parse="year"),
                _p("tech_sme", "bool", "科技型中小企业", "tech SME"),
                _p("tech_sme_since", "int", "科小认定年份", "tech SME since", parse="year"),
                _p("rd_institution", "str", "研发机构级别", "R&D institution level"),
                _p("size", "str", "企业规模", "size"),
                _p("founded", "int", "成立年份", "founded", parse="year"),
                _p("local", "bool", "本地企业", "local"),
                _REGION,
                _FIELDS,
                _SYNTH,
            ),
        ),
        NodeTypeSpec(
            "University",
            "高校",
            "University",
            "university",
            (_p("short_name", "str", "简称", "short name"), _REGION, _FIELDS, _SYNTH),
        ),
        NodeTypeSpec(
            "Lab",
            "实验室/研究院",
            "Lab / research institute",
            "lab",
            (
                _p("level", "str", "级别", "level"),
                _p("kind", "str", "类别", "kind"),
                _SINCE,
                _REGION,
                _FIELDS,
                _SYNTH,
            ),
        ),
        NodeTypeSpec(
            "Talent",
            "人才",
            "Talent",
            "talent",
            (
                _p("title", "str", "职称", "title"),
                _p("degree", "str", "学位", "degree"),
                _p("programme", "str", "人才计划", "talent programme"),
                _FIELDS,
                _SYNTH,
            ),
        ),
        NodeTypeSpec(
            "Project",
            "项目",
            "Project",
            "project",
            (
                _p("programme", "str", "计划类别", "programme"),
                _YEAR,
                _AMOUNT,
                _FIELDS,
                _p("status", "str", "状态", "status"),
                _SYNTH,
            ),
        ),
        NodeTypeSpec(
            "Patent",
            "专利",
            "Patent",
            "patent",
            (
                _p("application_no", "str", "申请号", "application number", parse="patent_no"),
                _p("ipc", "list[str]", "IPC分类号", "IPC classes"),
                _p("kind", "str", "专利类型", "patent kind"),
                _p("application_date", "date", "申请日", "application date"),
                _YEAR,
                _SYNTH,
            ),
        ),
        NodeTypeSpec("Chain", "产业链", "Industrial chain", "chain", (_SYNTH,)),
        NodeTypeSpec(
            "ChainSegment",
            "产业链环节",
            "Chain segment",
            "segment",
            (
                _p("chain", "str", "所属产业链", "chain"),
                _p("position", "int", "上下游位置", "position upstream→downstream"),
                _p("stage", "str", "环节", "stage"),
                _FIELDS,
                _SYNTH,
            ),
        ),
        NodeTypeSpec(
            "Field",
            "技术领域",
            "Technical field",
            "field",
            (_p("code", "str", "代码", "code"), _p("scheme", "str", "分类体系", "scheme"), _SYNTH),
        ),
        NodeTypeSpec(
            "Programme",
            "计划",
            "Programme",
            "programme",
            (
                _p("kind", "str", "类别", "kind"),
                _p("level", "str", "级别", "level"),
                _SYNTH,
            ),
        ),
        NodeTypeSpec("Fund", "基金", "Fund", "fund", (_AMOUNT, _SINCE, _SYNTH)),
        NodeTypeSpec(
            "Platform",
            "平台",
            "Platform",
            "platform",
            (
                _p("kind", "str", "类别", "kind"),
                _p("level", "str", "级别", "level"),
                _SINCE,
                _REGION,
                _FIELDS,
                _SYNTH,
            ),
        ),
        NodeTypeSpec(
            "Region",
            "地区",
            "Region",
            "region",
            (
                _p("level", "str", "行政级别", "administrative level"),
                _p("code", "str", "区划代码", "code"),
                _SYNTH,
            ),
        ),
    )
}

_ALL = tuple(NODE_TYPES)

RELATIONS: dict[str, RelationSpec] = {
    spec.name: spec
    for spec in (
        RelationSpec(
            "AFFILIATED_WITH",
            "任职",
            "affiliated with",
            ("Talent",),
            (*_ORGS, "Platform"),
            "任职于",
            "works at",
            "interval",
            0.9,
            properties=(_SINCE, _UNTIL, _p("position", "str", "职务", "position")),
        ),
        RelationSpec(
            "ALUMNUS_OF",
            "校友",
            "alumnus of",
            ("Talent",),
            ("University", "Lab"),
            "毕业于",
            "is an alumnus of",
            "year",
            0.5,
            properties=(_YEAR, _p("degree", "str", "学位", "degree")),
        ),
        RelationSpec(
            "LEADS",
            "牵头",
            "leads",
            (*_ORGS, "Talent"),
            ("Project", "Platform"),
            "牵头",
            "leads",
            "year",
            0.9,
            properties=(_YEAR,),
        ),
        RelationSpec(
            "PARTICIPATES_IN",
            "参与",
            "participates in",
            (*_ORGS, "Talent"),
            ("Project", "Platform"),
            "参与",
            "participates in",
            "year",
            0.7,
            properties=(_YEAR,),
        ),
        RelationSpec(
            "COLLABORATES_WITH",
            "产学研合作",
            "collaborates with",
            _ORGS,
            _ORGS,
            "合作",
            "collaborates with",
            "year",
            1.0,
            symmetric=True,
            properties=(_YEAR, _AMOUNT, _p("kind", "str", "合作类型", "kind"), _WEIGHT),
        ),
        RelationSpec(
            "SUPPLIES",
            "供应",
            "supplies",
            ("Enterprise",),
            ("Enterprise",),
            "供货给",
            "supplies",
            "interval",
            0.8,
            properties=(_SINCE, _UNTIL, _p("product", "str", "产品", "product"), _WEIGHT),
        ),
        RelationSpec(
            "IN_SEGMENT",
            "属于环节",
            "in segment",
            ("Enterprise", "Lab", "University", "Platform"),
            ("ChainSegment",),
            "属于环节",
            "is in segment",
            "interval",
            0.6,
            properties=(
                _p("role", "str", "角色（链主/成员/支撑）", "role (leader/member/support)"),
                _SINCE,
                _UNTIL,
            ),
        ),
        RelationSpec(
            "SEGMENT_OF",
            "环节属于",
            "segment of",
            ("ChainSegment",),
            ("Chain",),
            "是产业链环节于",
            "is a segment of",
            None,
            0.5,
        ),
        RelationSpec(
            "UPSTREAM_OF",
            "上游",
            "upstream of",
            ("ChainSegment",),
            ("ChainSegment",),
            "位于上游于",
            "is upstream of",
            None,
            0.5,
        ),
        RelationSpec(
            "HOSTS",
            "建有",
            "hosts",
            (*_ORGS, "Region"),
            ("Platform", "Lab"),
            "建有",
            "hosts",
            "interval",
            0.9,
            properties=(_SINCE, _UNTIL),
        ),
        RelationSpec(
            "APPLIED",
            "申请",
            "applied",
            (*_ORGS, "Talent"),
            ("Patent",),
            "申请",
            "applied for",
            "year",
            0.8,
            properties=(_YEAR,),
        ),
        RelationSpec(
            "INVENTED",
            "发明",
            "invented",
            ("Talent",),
            ("Patent",),
            "发明",
            "invented",
            "year",
            0.8,
            properties=(_YEAR,),
        ),
        RelationSpec(
            "WORKS_IN",
            "研究方向",
            "works in field",
            (*_ORGS, "Talent", "Platform"),
            ("Field",),
            "从事",
            "works in",
            None,
            0.4,
            properties=(_WEIGHT,),
        ),
        RelationSpec(
            "IN_FIELD",
            "所属领域",
            "in field",
            ("Patent", "Project", "ChainSegment"),
            ("Field",),
            "属于领域",
            "is in field",
            None,
            0.4,
        ),
        RelationSpec(
            "TRAINS",
            "培养",
            "trains",
            (*_ORGS, "Platform"),
            ("Talent",),
            "培养",
            "trains",
            "interval",
            0.7,
            properties=(_SINCE, _UNTIL, _p("degree", "str", "学位", "degree")),
        ),
        RelationSpec(
            "SUPERVISES",
            "指导",
            "supervises",
            ("Talent",),
            ("Talent",),
            "指导",
            "supervises",
            "interval",
            0.7,
            properties=(_SINCE, _UNTIL),
        ),
        RelationSpec(
            "FUNDED_BY",
            "资助",
            "funded by",
            ("Project", "Talent", "Enterprise", "Platform"),
            ("Programme", "Fund"),
            "获资助于",
            "is funded by",
            "year",
            0.3,
            properties=(_YEAR, _AMOUNT),
        ),
        RelationSpec(
            "INVESTED_IN",
            "投资",
            "invested in",
            ("Fund", "Enterprise"),
            ("Enterprise",),
            "投资",
            "invested in",
            "year",
            0.6,
            properties=(_YEAR, _AMOUNT),
        ),
        RelationSpec(
            "LOCATED_IN",
            "位于",
            "located in",
            (*_ORGS, "Platform", "Region"),
            ("Region",),
            "位于",
            "is located in",
            None,
            0.1,
        ),
        RelationSpec(
            "PART_OF",
            "隶属",
            "part of",
            ("Lab", "Platform"),
            (*_ORGS, "Platform"),
            "隶属于",
            "is part of",
            None,
            0.9,
        ),
    )
}

NodeType = StrEnum("NodeType", {name: name for name in NODE_TYPES})  # type: ignore[misc]
RelationType = StrEnum("RelationType", {name: name for name in RELATIONS})  # type: ignore[misc]

# Keys every node carries besides its declared properties.
NODE_CORE_KEYS = ("id", "name", "aliases")
PROVENANCE_KEYS = ("source", "file_sha256", "row", "ingested_at")


def node_type(name: str) -> NodeTypeSpec:
    """The spec of node type ``name``; ``InvalidInput`` if the schema has none."""
    from kg.errors import InvalidInput

    try:
        return NODE_TYPES[name]
    except KeyError:
        raise InvalidInput(f"unknown node type {name!r}; known: {', '.join(NODE_TYPES)}") from None


def relation(name: str) -> RelationSpec:
    """The spec of relation type ``name``; ``InvalidInput`` if the schema has none."""
    from kg.errors import InvalidInput

    try:
        return RELATIONS[name]
    except KeyError:
        raise InvalidInput(
            f"unknown relation type {name!r}; known: {', '.join(RELATIONS)}"
        ) from None


def property_keys() -> list[str]:
    """Every property key any node or relation may carry (for the Cypher linter's schema)."""
    keys: set[str] = (
        set(NODE_CORE_KEYS) | set(PROVENANCE_KEYS) | {"key", "props_hash", "year_from", "year_to"}
    )
    for spec in NODE_TYPES.values():
        keys.update(p.name for p in spec.properties)
    for rel in RELATIONS.values():
        keys.update(p.name for p in rel.properties)
    return sorted(keys)


def label(type_name: str, lang: str = "zh") -> str:
    """The display label of a node or relation type in ``lang`` ('zh' or 'en')."""
    spec: NodeTypeSpec | RelationSpec | None = NODE_TYPES.get(type_name) or RELATIONS.get(type_name)
    if spec is None:
        return type_name
    return spec.zh if lang == "zh" else spec.en
