"""Applies a row mapping to one source record: the node drafts and edge drafts it yields, parsed
and validated (pydantic, against the schema), or a :class:`RowRejected` naming the field and why.

Drafts are not yet resolved: the pipeline turns their names into node ids (:mod:`ingest.resolve`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError, create_model

from ingest.mapping import EdgeRule, Mapping, NodeRule, ValueSpec
from ingest.readers import CellError
from ingest.values import clean_text, is_blank, parse_value, split_cell
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


def name_problem(name: str) -> str | None:
    """Why ``name`` cannot name an entity (punctuation or spaces only, a line break, too long)."""
    if not any(ch.isalnum() for ch in name):
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


@dataclass
class NodeDraft:
    """A node named by a row, before resolution."""

    ref: str
    rule: NodeRule
    name: str
    key: str | None
    aliases: tuple[str, ...] = ()
    props: dict[str, Any] = field(default_factory=dict)


@dataclass
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


class RowMapper:
    """Turns records into drafts by one mapping."""

    def __init__(self, mapping: Mapping) -> None:
        self.mapping = mapping
        # Per rule, computed once: (property, value spec, schema spec) and applicable constants.
        self._specs: dict[int, list[tuple[str, ValueSpec, PropertySpec | None]]] = {}
        self._constants: dict[int, dict[str, Any]] = {}
        rules: list[NodeRule | EdgeRule] = [*mapping.nodes.values(), *mapping.edges]
        for rule in rules:
            self._specs[id(rule)] = [
                (k, spec, rule.property_spec(k)) for k, spec in rule.properties.items()
            ]
            if isinstance(rule, NodeRule):
                self._constants[id(rule)] = {
                    k: v for k, v in mapping.constants.items() if rule.property_spec(k) is not None
                }

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
        kind = spec.parse or (prop.kind if prop else "str")
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

    # -- rows ------------------------------------------------------------------------------
    def map(self, record: dict[str, Any]) -> MappedRow:
        """The drafts of one record; ``RowRejected`` when any value is bad."""
        nodes: dict[str, list[NodeDraft]] = {}
        for ref, rule in self.mapping.nodes.items():
            nodes[ref] = self._nodes(ref, rule, record)
        edges = [self._edge(rule, record) for rule in self.mapping.edges]
        return MappedRow(nodes, edges)

    def _nodes(self, ref: str, rule: NodeRule, record: dict[str, Any]) -> list[NodeDraft]:
        if rule.each is not None:
            parts = self.value(record, rule.each) or []
            names = [str(p) for p in (parts if isinstance(parts, list) else [parts])]
            where = rule.each.column or ref
        else:
            assert rule.name is not None
            name = self.value(record, rule.name)
            names = [] if is_blank(name) else [clean_text(name)]
            where = rule.name.column or ref
        if not names:
            if rule.optional:
                return []
            raise RowRejected(where, "名称为空 name is empty")
        for name in names:
            if problem := name_problem(name):
                raise RowRejected(where, problem)
        props, columns = self._props(rule, record)
        aliases: tuple[str, ...] = ()
        if rule.aliases is not None:
            found = self.value(record, rule.aliases)
            aliases = tuple(split_cell(found)) if found else ()
        drafts = []
        for name in names:
            key = None
            if rule.key is not None:
                value = self.value(record, rule.key, part=name)
                key = None if is_blank(value) else clean_text(value)
            drafts.append(NodeDraft(ref, rule, name, key, aliases, dict(props)))
        for t in rule.types:
            keys = PROPERTY_NAMES[t]
            fitting = {k: v for k, v in props.items() if k in keys}
            validate_props("node", t, fitting, columns)
        return drafts

    def _props(
        self, rule: NodeRule | EdgeRule, record: dict[str, Any]
    ) -> tuple[dict[str, Any], dict[str, str]]:
        """The rule's parsed properties (blank ones left out) and the column each came from."""
        props: dict[str, Any] = {}
        columns: dict[str, str] = {}
        for key, spec, prop in self._specs[id(rule)]:
            value = self.value(record, spec, prop)
            if value is not None:
                props[key] = value
                columns[key] = spec.column or key
        for key, value in self._constants.get(id(rule), {}).items():
            props.setdefault(key, value)
        return props, columns

    def _edge(self, rule: EdgeRule, record: dict[str, Any]) -> EdgeDraft:
        props, columns = self._props(rule, record)
        validate_props("edge", rule.type, props, columns)
        key = ""
        if rule.key is not None:
            value = self.value(record, rule.key)
            key = "" if value is None else clean_text(value)
        return EdgeDraft(rule, key, props)
