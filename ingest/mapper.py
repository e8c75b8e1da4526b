"""Applies a row mapping to one source record: the node drafts and edge drafts it yields, parsed
and validated (pydantic, against the schema), or a :class:`RowRejected` naming the field and why.

Drafts are not yet resolved: the pipeline turns their names into node ids (:mod:`ingest.resolve`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache, lru_cache
from typing import Any, NamedTuple

from pydantic import BaseModel, ConfigDict, ValidationError, create_model

from ingest.mapping import EdgeRule, Mapping, NodeRule, ValueSpec
from ingest.readers import CellError
from ingest.values import PARSERS, clean_text, is_blank, parse_value, split_cell, splitter
from kg.errors import InvalidInput
from kg.schema import NODE_TYPES, RELATIONS, PropertySpec

_PY_TYPES: dict[str, Any] = {
    "str": str,
    "int": int,
    "float": float,
    "bool": bool,
    "date": str,
    "list[str]": list[str],
}


PROPERTY_NAMES: dict[str, frozenset[str]] = {
    name: frozenset(p.name for p in spec.properties) for name, spec in NODE_TYPES.items()
}
MAX_NAME = 500


_ALNUM = re.compile(r"[^\W_]")  # \w is isalnum() plus "_"


@lru_cache(maxsize=1 << 16)  # names repeat across rows (an applicant on many patents)
def name_problem(name: str) -> str | None:
    """Why ``name`` cannot name an entity (punctuation or spaces only, a line break, too long)."""
    if _ALNUM.search(name) is None:
        return f"名称只有标点或空白 name has no letter or digit: {name!r:.40}"
    if "\n" in name or "\r" in name:
        return f"名称含换行 name has a line break (an unclosed quote in the file?): {name!r:.60}"
    if len(name) > MAX_NAME:
        return f"名称过长 name longer than {MAX_NAME} characters ({len(name)})"
    return None


class RowRejected(Exception):
    """A row that cannot load: which field (column) and why, in words an analyst can act on."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason


@dataclass(slots=True)
class NodeDraft:
    """A node named by a row, before resolution."""

    ref: str
    rule: NodeRule
    name: str
    key: str | None
    aliases: tuple[str, ...] = ()
    props: dict[str, Any] = field(default_factory=dict)


@dataclass(slots=True)
class EdgeDraft:
    """A relation between two refs of a row, before their nodes are resolved."""

    rule: EdgeRule
    key: str
    props: dict[str, Any]


@dataclass
class MappedRow:
    nodes: dict[str, list[NodeDraft]]
    edges: list[EdgeDraft]


@cache
def props_model(kind: str, type_name: str) -> type[BaseModel]:
    """A strict pydantic model of the properties of a node type or relation (``kind`` = node|edge)."""
    specs = NODE_TYPES[type_name].properties if kind == "node" else RELATIONS[type_name].properties
    fields: dict[str, Any] = {p.name: (_PY_TYPES[p.kind] | None, None) for p in specs}
    config = ConfigDict(extra="forbid", strict=True)
    return create_model(f"{type_name}Props", __config__=config, **fields)


def validate_props(
    kind: str, type_name: str, props: dict[str, Any], columns: dict[str, str]
) -> None:
    """Check ``props`` against the schema; a failure names the source column of the property."""
    try:
        props_model(kind, type_name).__pydantic_validator__.validate_python(props)
    except ValidationError as exc:
        err = exc.errors()[0]
        prop = str(err["loc"][0]) if err["loc"] else ""
        raise RowRejected(columns.get(prop, prop), f"{prop}: {err['msg']}") from None


Reader = Callable[[dict[str, Any], str | None], Any]
# The Python type each parse kind yields, and the type each schema kind holds.
_YIELDS = {"str": "str", "int": "int", "float": "float", "number": "float", "bool": "bool"}
_YIELDS |= {"date": "str", "year": "int", "cny_10k": "float", "list[str]": "list[str]"}
_YIELDS |= {"credit_code": "str", "patent_no": "str"}


def _yields(spec: ValueSpec, prop: PropertySpec | None) -> str:
    """The type a value spec always yields (values are parsed by kind whatever their source)."""
    kind = spec.parse or (prop.read_as if prop else "str")
    if spec.split is False:
        return _YIELDS[kind]
    return "list[str]" if kind == "list[str]" else f"list[{_YIELDS[kind]}]"


class _Prop(NamedTuple):
    key: str
    read: Reader


class _Rule(NamedTuple):
    """A rule compiled once: its property readers, its constants, the source column of each
    property, and whether every value it can yield is proven to fit the schema (then rows need no
    per-row pydantic validation; otherwise each row is validated)."""

    props: tuple[_Prop, ...]
    constants: dict[str, Any]
    columns: dict[str, str]
    proven: bool


class _NodePlan(NamedTuple):
    """A node rule compiled once: where its names come from (``each``: one node per part), the
    column a bad name is reported on, and the readers of its key and aliases."""

    ref: str
    rule: NodeRule
    names: Reader
    each: bool
    where: str
    optional: bool
    key: Reader | None
    aliases: Reader | None
    compiled: _Rule


class _EdgePlan(NamedTuple):
    rule: EdgeRule
    key: Reader | None
    compiled: _Rule


class RowMapper:
    """Turns records into drafts by one mapping, compiled once into per-column readers."""

    def __init__(self, mapping: Mapping) -> None:
        self.mapping = mapping
        self._readers: dict[int, Reader] = {}
        self._node_plans: list[_NodePlan] = []
        self._edge_plans: list[_EdgePlan] = []
        for ref, rule in mapping.nodes.items():
            constants = {
                k: v for k, v in mapping.constants.items() if rule.property_spec(k) is not None
            }
            schemas = [[NODE_TYPES[t].property(k) for t in rule.types] for k in rule.properties]
            compiled = self._compile(rule, "node", rule.types, constants, schemas)
            names = rule.each or rule.name
            assert names is not None  # a NodeRule has one or the other
            self._node_plans.append(
                _NodePlan(
                    ref,
                    rule,
                    self.reader(names),
                    rule.each is not None,
                    names.column or ref,
                    rule.optional,
                    self.reader(rule.key) if rule.key is not None else None,
                    self.reader(rule.aliases) if rule.aliases is not None else None,
                    compiled,
                )
            )
        for edge in mapping.edges:
            schemas = [[edge.property_spec(k)] for k in edge.properties]
            compiled = self._compile(edge, "edge", (edge.type,), {}, schemas)
            key = self.reader(edge.key) if edge.key is not None else None
            self._edge_plans.append(_EdgePlan(edge, key, compiled))

    def _compile(
        self,
        rule: NodeRule | EdgeRule,
        kind: str,
        types: tuple[str, ...],
        constants: dict[str, Any],
        schemas: list[list[PropertySpec | None]],
    ) -> _Rule:
        props = []
        proven = True
        for (key, spec), specs in zip(rule.properties.items(), schemas, strict=True):
            prop = rule.property_spec(key)
            props.append(_Prop(key, self.reader(spec, prop)))
            yields = _yields(spec, prop)
            proven &= all(_YIELDS[s.kind] == yields for s in specs if s is not None)
        for t in types:
            fitting = {k: v for k, v in constants.items() if k in _names(kind, t)}
            try:
                props_model(kind, t).__pydantic_validator__.validate_python(fitting)
            except ValidationError:
                proven = False  # rows that lack the property get the bad constant: check per row
        columns = {k: spec.column or k for k, spec in rule.properties.items()}
        return _Rule(tuple(props), constants, columns, proven)

    def check_columns(self, record: dict[str, Any]) -> list[str]:
        """Columns the mapping reads that the file lacks: an error when a node's name, key or
        ``each`` column is missing; the names of missing property columns otherwise (warnings)."""
        missing: list[str] = []
        for ref, rule in self.mapping.nodes.items():
            for label, spec in (("name", rule.name), ("each", rule.each), ("key", rule.key)):
                for col in spec.columns() if spec else ():
                    if col not in record and not rule.optional:
                        raise InvalidInput(
                            f"the file has no column {col!r} (nodes.{ref}.{label}); "
                            f"its columns: {', '.join(k for k in record)}"
                        )
        for col in self.mapping.used_columns():
            if col not in record:
                missing.append(col)
        return missing

    # -- values ----------------------------------------------------------------------------
    def _raw(self, record: dict[str, Any], spec: ValueSpec, part: str | None) -> Any:
        if spec.const is not None:
            return spec.const
        if spec.template is not None:
            values: dict[str, str] = {"value": part or ""}
            for col in spec.columns():
                cell = record.get(col)
                if isinstance(cell, CellError):
                    raise RowRejected(col, cell.reason)
                parts = [] if is_blank(cell) else split_cell(cell)
                if not parts:
                    return None
                values[col] = parts[0]
            return spec.template.format_map(values)
        assert spec.column is not None
        cell = record.get(spec.column)
        if isinstance(cell, CellError):
            raise RowRejected(spec.column, cell.reason)
        return cell

    def value(
        self,
        record: dict[str, Any],
        spec: ValueSpec,
        prop: PropertySpec | None = None,
        part: str | None = None,
    ) -> Any:
        """The parsed value of ``spec`` for ``record``; ``None`` when blank and not required."""
        raw = self._raw(record, spec, part)
        where = spec.column or spec.template or "const"
        if is_blank(raw):
            if spec.default is not None:
                raw = spec.default
            elif spec.required:
                raise RowRejected(where, "必填项为空 required value is empty")
            else:
                return None
        if spec.map is not None and not isinstance(raw, list):
            raw = spec.map.get(clean_text(raw), raw)
        kind = spec.parse or (prop.read_as if prop else "str")
        try:
            if spec.split is not False:
                seps = spec.split if isinstance(spec.split, str) else None
                parts = split_cell(raw, seps)
                if kind == "list[str]":
                    return parts
                return [parse_value(p, kind) for p in parts]
            return parse_value(raw, kind)
        except ValueError as exc:
            raise RowRejected(where, str(exc)) from None

    def reader(self, spec: ValueSpec, prop: PropertySpec | None = None) -> Reader:
        """``value`` for one spec as a function of (record, part), compiled once: a column holding
        non-blank text takes a direct path; anything else (blank, a number from a spreadsheet, a
        cell error, a template, a ``map``) goes through :meth:`value`."""
        found = self._readers.get(id(spec))
        if found is not None:
            return found

        def general(record: dict[str, Any], part: str | None = None) -> Any:
            return self.value(record, spec, prop, part)

        read: Reader = general
        column, kind = spec.column, spec.parse or (prop.read_as if prop else "str")
        if spec.template is not None and spec.map is None and not spec.split and kind == "str":
            read = _template_reader(spec.template, tuple(spec.columns()), general)
        elif column is not None and spec.map is None:
            if spec.split is not False or kind == "list[str]":
                pattern = splitter(spec.split if isinstance(spec.split, str) else None)
                # Parts are trimmed, non-empty text already: as text they need no parsing.
                parse = None if kind in ("list[str]", "str") else PARSERS[kind]
                read = _split_reader(column, pattern, parse, general)
            elif kind == "str":
                read = _text_reader(column, general)
            else:
                read = _parsed_reader(column, PARSERS[kind], general)
        self._readers[id(spec)] = read
        return read

    # -- rows ------------------------------------------------------------------------------
    def map(self, record: dict[str, Any]) -> MappedRow:
        """The drafts of one record; ``RowRejected`` when any value is bad."""
        nodes = {plan.ref: self._nodes(plan, record) for plan in self._node_plans}
        edges = [self._edge(plan, record) for plan in self._edge_plans]
        return MappedRow(nodes, edges)

    def _nodes(self, plan: _NodePlan, record: dict[str, Any]) -> list[NodeDraft]:
        if plan.each:
            parts = plan.names(record, None) or []
            names = [str(p) for p in (parts if isinstance(parts, list) else [parts])]
        else:
            name = plan.names(record, None)
            if name.__class__ is str:
                name = name.strip()
                names = [name] if name else []
            else:
                names = [] if is_blank(name) else [clean_text(name)]
        if not names:
            if plan.optional:
                return []
            raise RowRejected(plan.where, "名称为空 name is empty")
        for name in names:
            if problem := name_problem(name):
                raise RowRejected(plan.where, problem)
        compiled = plan.compiled
        props = self._props(compiled, record)
        aliases: tuple[str, ...] = ()
        if plan.aliases is not None:
            found = plan.aliases(record, None)
            aliases = tuple(split_cell(found)) if found else ()
        drafts: list[NodeDraft] = []
        rule, ref, key_reader, key = plan.rule, plan.ref, plan.key, None
        for name in names:
            if key_reader is not None:
                value = key_reader(record, name)
                if value.__class__ is str:
                    key = value.strip() or None
                else:
                    key = None if is_blank(value) else clean_text(value)
            # Each draft owns its properties: the first takes the dict built for this row.
            drafts.append(
                NodeDraft(ref, rule, name, key, aliases, dict(props) if drafts else props)
            )
        if not compiled.proven:
            for t in rule.types:
                keys = PROPERTY_NAMES[t]
                fitting = {k: v for k, v in props.items() if k in keys}
                validate_props("node", t, fitting, compiled.columns)
        return drafts

    @staticmethod
    def _props(compiled: _Rule, record: dict[str, Any]) -> dict[str, Any]:
        """The rule's parsed properties, blank ones left out, constants where no column gave one."""
        props: dict[str, Any] = {}
        for key, read in compiled.props:
            value = read(record, None)
            if value is not None:
                props[key] = value
        if props:
            for key, value in compiled.constants.items():
                props.setdefault(key, value)
            return props
        return dict(compiled.constants)

    def _edge(self, plan: _EdgePlan, record: dict[str, Any]) -> EdgeDraft:
        compiled = plan.compiled
        props = self._props(compiled, record)
        if not compiled.proven:
            validate_props("edge", plan.rule.type, props, compiled.columns)
        key = ""
        if plan.key is not None:
            value = plan.key(record, None)
            key = "" if value is None else clean_text(value)
        return EdgeDraft(plan.rule, key, props)


def _names(kind: str, type_name: str) -> frozenset[str]:
    if kind == "node":
        return PROPERTY_NAMES[type_name]
    return frozenset(p.name for p in RELATIONS[type_name].properties)


def _text_reader(column: str, general: Reader) -> Reader:
    def read(record: dict[str, Any], part: str | None = None) -> Any:
        cell = record.get(column)
        if cell.__class__ is str:
            text = cell.strip()
            if text:
                return text
        return general(record, part)

    return read


def _parsed_reader(column: str, parse: Callable[[Any], Any], general: Reader) -> Reader:
    def read(record: dict[str, Any], part: str | None = None) -> Any:
        cell = record.get(column)
        if cell.__class__ is str and cell.strip():
            try:
                return parse(cell)
            except ValueError as exc:
                raise RowRejected(column, str(exc)) from None
        return general(record, part)

    return read


def _split_reader(
    column: str, pattern: re.Pattern[str], parse: Callable[[Any], Any] | None, general: Reader
) -> Reader:
    def read(record: dict[str, Any], part: str | None = None) -> Any:
        cell = record.get(column)
        if cell.__class__ is str and cell.strip():
            pieces = pattern.split(cell)
            if len(pieces) == 1:
                parts = [cell.strip()]
            else:
                parts = list(dict.fromkeys(filter(None, map(str.strip, pieces))))
            if parse is None:
                return parts
            try:
                return [parse(p) for p in parts]
            except ValueError as exc:
                raise RowRejected(column, str(exc)) from None
        return general(record, part)

    return read


def _template_reader(template: str, columns: tuple[str, ...], general: Reader) -> Reader:
    """A template such as ``{value}-{申请人}`` where every column holds text: its first part."""
    pattern = splitter()

    def read(record: dict[str, Any], part: str | None = None) -> Any:
        values = {"value": part or ""}
        for col in columns:
            cell = record.get(col)
            if cell.__class__ is not str:
                return general(record, part)
            first = pattern.split(cell, 1)[0].strip()  # the first part, when it is not empty
            if not first:
                first = next((p for p in map(str.strip, pattern.split(cell)) if p), "")
                if not first:
                    return general(record, part)
            values[col] = first
        text = template.format_map(values).strip()
        return text if text else general(record, part)

    return read
