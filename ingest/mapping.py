"""Declarative mapping files: which nodes and relations a source row becomes.

A mapping is data (YAML), validated here against the schema with errors that name the mapping
file and the key at fault. Example (a patent row → a Patent, APPLIED edges from each applicant)::

    name: 专利清单
    source: 专利清单.csv
    nodes:
      patent: {type: Patent, key: 申请号, name: 专利名称,
               properties: {application_no: 申请号, year: {column: 申请日, parse: year}}}
      applicant: {type: [Enterprise, University, Lab], each: 申请人}
    edges:
      - {type: APPLIED, from: applicant, to: patent, properties: {year: {column: 申请日, parse: year}}}

A value is a column name (shorthand) or ``{column | const | template, parse, split, map,
default, required}``; ``each`` makes one node per part of a multi-valued cell (split on ；;、,).
``of: <node>`` keys a person by name and the resolved name of another node of the row (an employer,
an applicant), so 张三 of 万丰奥威 and 张三 of 浙江万丰奥威汽轮股份有限公司 are one talent.
"""

from __future__ import annotations

import csv
import io
import re
from functools import cached_property
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from kg.errors import InvalidInput
from kg.schema import NODE_TYPES, RELATIONS, PropertySpec

ParseKind = Literal[
    "str",
    "int",
    "float",
    "number",
    "bool",
    "date",
    "year",
    "cny_10k",
    "credit_code",
    "patent_no",
    "list[str]",
]
_TEMPLATE_FIELD = re.compile(r"\{([^{}]+)\}")
ORG_TYPES = ("Enterprise", "University", "Lab")


class ValueSpec(BaseModel):
    """Where a value comes from: a ``column``, a ``const``, or a ``template`` such as
    ``"{value}-{申请人}"`` (``value`` = the current part of an ``each`` cell; another column
    gives its first part)."""

    model_config = ConfigDict(extra="forbid")

    column: str | None = None
    const: Any = None
    template: str | None = None
    parse: ParseKind | None = None
    split: bool | str = False
    map: dict[str, Any] | None = None
    default: Any = None
    required: bool = False

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, data: Any) -> Any:
        if isinstance(data, str):
            return {"column": data}
        return data

    @model_validator(mode="after")
    def _one_source(self) -> ValueSpec:
        given = [k for k in ("column", "const", "template") if getattr(self, k) is not None]
        if len(given) != 1:
            raise ValueError("give exactly one of `column`, `const` or `template`")
        return self

    def columns(self) -> list[str]:
        """The source columns this value reads."""
        if self.column is not None:
            return [self.column]
        if self.template is not None:
            return [c for c in _TEMPLATE_FIELD.findall(self.template) if c != "value"]
        return []


class NodeRule(BaseModel):
    """One node (or, with ``each``, one node per cell part) that every row yields."""

    model_config = ConfigDict(extra="forbid")

    type: str | list[str]
    name: ValueSpec | None = None
    each: ValueSpec | None = None
    key: ValueSpec | None = None
    aliases: ValueSpec | None = None
    properties: dict[str, ValueSpec] = Field(default_factory=dict)
    create: bool = True
    optional: bool = False
    # Another node of the row that tells people of one name apart: the node is keyed by its name
    # and that node's resolved name (张三 at 万丰奥威 is talent:张三-浙江万丰奥威汽轮股份有限公司).
    of: str | None = None

    @cached_property
    def types(self) -> tuple[str, ...]:
        return (self.type,) if isinstance(self.type, str) else tuple(self.type)

    @field_validator("type")
    @classmethod
    def _known_types(cls, value: str | list[str]) -> str | list[str]:
        for name in [value] if isinstance(value, str) else value:
            if name not in NODE_TYPES:
                raise ValueError(f"unknown node type {name!r}; known: {', '.join(NODE_TYPES)}")
        return value

    @model_validator(mode="after")
    def _check(self) -> NodeRule:
        if self.name is None and self.each is None:
            raise ValueError("a node needs `name` (a column) or `each` (a multi-valued column)")
        if self.each is not None and self.each.split is False:
            self.each.split = True
        if self.of is not None and self.key is not None:
            raise ValueError("give `key` or `of` (the node whose name completes the key), not both")
        for key in self.properties:
            specs = [NODE_TYPES[t].property(key) for t in self.types]
            if not any(specs):
                known = sorted({p.name for t in self.types for p in NODE_TYPES[t].properties})
                raise ValueError(
                    f"properties.{key}: not a property of {'/'.join(self.types)}; "
                    f"known: {', '.join(known)}"
                )
        return self

    def property_spec(self, key: str) -> PropertySpec | None:
        return next((s for t in self.types if (s := NODE_TYPES[t].property(key))), None)


class EdgeRule(BaseModel):
    """A relation between two of the row's nodes (every pair, when either side is ``each``)."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    type: str
    source: str = Field(alias="from")
    target: str = Field(alias="to")
    key: ValueSpec | None = None
    properties: dict[str, ValueSpec] = Field(default_factory=dict)

    @field_validator("type")
    @classmethod
    def _known(cls, value: str) -> str:
        if value not in RELATIONS:
            raise ValueError(f"unknown relation type {value!r}; known: {', '.join(RELATIONS)}")
        return value

    @model_validator(mode="after")
    def _props(self) -> EdgeRule:
        spec = RELATIONS[self.type]
        known = {p.name for p in spec.properties}
        for key in self.properties:
            if key not in known:
                raise ValueError(
                    f"properties.{key}: not a property of {self.type}; "
                    f"known: {', '.join(sorted(known)) or '(none)'}"
                )
        return self

    def property_spec(self, key: str) -> PropertySpec | None:
        return next((p for p in RELATIONS[self.type].properties if p.name == key), None)


class RelationName(BaseModel):
    """How a relation name of a triples file (``供应``, ``合作``, an RDF predicate) maps to the schema."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    type: str
    source: str | list[str] = Field(alias="from")
    target: str | list[str] = Field(alias="to")
    time: Literal["year", "since", "until"] | None = None
    key_from_time: bool = False
    properties: dict[str, Any] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _check(self) -> RelationName:
        if self.type not in RELATIONS:
            raise ValueError(f"unknown relation type {self.type!r}; known: {', '.join(RELATIONS)}")
        spec = RELATIONS[self.type]
        for label, types, allowed in (
            ("from", self.sources, spec.sources),
            ("to", self.targets, spec.targets),
        ):
            for t in types:
                if t not in allowed:
                    raise ValueError(f"{label}: {self.type} takes {'/'.join(allowed)}, not {t!r}")
        return self

    @property
    def sources(self) -> tuple[str, ...]:
        return (self.source,) if isinstance(self.source, str) else tuple(self.source)

    @property
    def targets(self) -> tuple[str, ...]:
        return (self.target,) if isinstance(self.target, str) else tuple(self.target)


class TriplesSpec(BaseModel):
    """A triples / edge-list source (``head, relation, tail, time``) or RDF triples.

    ``relations`` maps relation names (Chinese welcome) or RDF predicates (full IRI or local
    name) to schema relations; ``classes`` maps ``rdf:type`` objects to node types; ``labels`` are
    the predicates that name an RDF resource; ``attributes`` map literal predicates to properties.
    """

    model_config = ConfigDict(extra="forbid")

    head: str = "head"
    relation: str = "relation"
    tail: str = "tail"
    time: str | None = "time"
    relations: dict[str, RelationName]
    classes: dict[str, str] = Field(default_factory=dict)
    labels: list[str] = Field(
        default_factory=lambda: ["label", "name", "prefLabel", "title", "legalName"]
    )
    attributes: dict[str, str] = Field(default_factory=dict)
    create: bool = False

    @field_validator("classes")
    @classmethod
    def _classes(cls, value: dict[str, str]) -> dict[str, str]:
        for iri, t in value.items():
            if t not in NODE_TYPES:
                raise ValueError(f"{iri}: unknown node type {t!r}")
        return value


class Mapping(BaseModel):
    """A whole mapping file: the source it reads, how to read it, and what each row becomes."""

    model_config = ConfigDict(extra="forbid")

    name: str = ""
    source: str | None = None
    format: Literal["csv", "tsv", "xlsx", "json", "jsonl", "rdf"] | None = None
    encoding: str = "auto"
    delimiter: str | None = None
    header: bool = True
    columns: list[str] | None = None
    sheet: str | None = None
    records: str | None = None
    rdf_format: str | None = None
    order: int = 100
    aliases: list[str] = Field(default_factory=list)
    constants: dict[str, Any] = Field(default_factory=dict)
    nodes: dict[str, NodeRule] = Field(default_factory=dict)
    edges: list[EdgeRule] = Field(default_factory=list)
    triples: TriplesSpec | None = None
    path: Path | None = Field(default=None, exclude=True)

    @model_validator(mode="after")
    def _refs(self) -> Mapping:
        if not self.nodes and self.triples is None:
            raise ValueError("a mapping needs `nodes` (rows → nodes and edges) or `triples`")
        for ref, node in self.nodes.items():
            if node.of is None:
                continue
            other = self.nodes.get(node.of)
            if other is None or node.of == ref:
                raise ValueError(
                    f"nodes.{ref}.of: no other node {node.of!r}; nodes: {', '.join(self.nodes)}"
                )
            if other.of is not None:
                raise ValueError(f"nodes.{ref}.of: node {node.of!r} has an `of` of its own")
        for i, edge in enumerate(self.edges):
            spec = RELATIONS[edge.type]
            for label, ref, allowed in (
                ("from", edge.source, spec.sources),
                ("to", edge.target, spec.targets),
            ):
                rule = self.nodes.get(ref)
                if rule is None:
                    raise ValueError(
                        f"edges.{i}.{label}: no node {ref!r}; nodes: {', '.join(self.nodes)}"
                    )
                if not set(rule.types) & set(allowed):
                    raise ValueError(
                        f"edges.{i}.{label}: {edge.type} takes {'/'.join(allowed)}, "
                        f"but node {ref!r} is a {'/'.join(rule.types)}"
                    )
        return self

    def source_path(self) -> Path:
        """The data file this mapping reads, relative to the mapping file."""
        if self.source is None:
            raise InvalidInput(f"{self.path or 'mapping'}: no `source:` file named")
        base = self.path.parent if self.path is not None else Path()
        return base / self.source

    def used_columns(self) -> list[str]:
        """Every source column the mapping reads (the header of a blank template)."""
        if self.triples is not None:
            t = self.triples
            return [c for c in (t.head, t.relation, t.tail, t.time) if c]
        cols: list[str] = []
        for rule in self.nodes.values():
            for spec in (rule.name, rule.each, rule.key, rule.aliases, *rule.properties.values()):
                if spec is not None:
                    cols.extend(spec.columns())
        for edge in self.edges:
            for spec in (edge.key, *edge.properties.values()):
                if spec is not None:
                    cols.extend(spec.columns())
        return list(dict.fromkeys(cols))


def _error_text(where: str, exc: ValidationError) -> str:
    lines = []
    for err in exc.errors():
        loc = ".".join(str(p) for p in err["loc"] if not str(p).startswith("function-"))
        msg = str(err["msg"]).removeprefix("Value error, ")
        lines.append(f"{where}: {loc or '(top level)'}: {msg}")
    return "\n".join(lines)


def parse_mapping(text: str, *, where: str = "mapping", path: Path | None = None) -> Mapping:
    """A mapping from YAML text; ``InvalidInput`` naming ``where`` and the key at fault."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise InvalidInput(f"{where}: not valid YAML: {exc}") from exc
    if not isinstance(data, dict):
        raise InvalidInput(f"{where}: a mapping file must be a YAML mapping (key: value)")
    try:
        mapping = Mapping.model_validate(data)
    except ValidationError as exc:
        raise InvalidInput(_error_text(where, exc)) from exc
    mapping.path = path
    if not mapping.name:
        mapping.name = Path(mapping.source).stem if mapping.source else (path.stem if path else "")
    return mapping


def load_mapping(path: str | Path) -> Mapping:
    """The mapping in the YAML file at ``path``."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except OSError as exc:
        raise InvalidInput(f"cannot read mapping {p}: {exc}") from exc
    return parse_mapping(text, where=str(p), path=p)


_SAME = "是否同一"
_YES = {"是", "y", "yes", "true", "1", "√", "✓", "同一"}


def load_alias_table(text: str, *, suffix: str = ".yaml", where: str = "aliases") -> dict[str, str]:
    """An alias table: YAML ``{canonical name: [alias, …]}`` or CSV with columns 别名/alias and
    标准名称/name; a CSV with a 是否同一 column (a review list written by ``ikg ingest --review``)
    counts only the lines marked 是. Returns alias → canonical name."""
    out: dict[str, str] = {}
    if suffix.lower() == ".csv":
        reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
        decided = bool(reader.fieldnames) and _SAME in (reader.fieldnames or ())
        for line, row in enumerate(reader, start=2):
            alias = (row.get("别名") or row.get("alias") or "").strip()
            name = (row.get("标准名称") or row.get("name") or "").strip()
            if not alias or not name:
                continue
            if decided and (row.get(_SAME) or "").strip().lower() not in _YES:
                continue  # a review list: only the lines marked 是 are aliases
            if decided and out.get(alias, name) != name:
                raise InvalidInput(
                    f"{where}: row {line}: {alias!r} is marked the same as {name!r} and as "
                    f"{out[alias]!r}; mark one"
                )
            out[alias] = name
        return out
    data = yaml.safe_load(text) or {}
    if not isinstance(data, dict):
        raise InvalidInput(f"{where}: an alias table maps a canonical name to a list of aliases")
    for name, aliases in data.items():
        for alias in [aliases] if isinstance(aliases, str) else aliases or []:
            out[str(alias).strip()] = str(name).strip()
    return out
