"""SHACL shapes generated from :mod:`kg.schema` (``python -m kg.shapes > kg/shapes.ttl``), and a
validator of RDF against them (pyshacl) whose report a person can read.

The shapes check what the store itself enforces, so RDF from elsewhere can be judged before it is
imported: every node has exactly one non-empty name; each declared property has its datatype and
at most one value (lists are ``rdf:List`` s of strings); each relation goes from one of its
source classes to one of its target classes, both as a plain triple and as a qualified relation;
provenance derivations point at a source file. Every shape is named and carries a Chinese and an
English message.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from typing import Any
from urllib.parse import unquote

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, SH, XSD

from kg import vocab as v
from kg.schema import NODE_TYPES, RELATIONS, PropertySpec, label


def _shape(name: str) -> URIRef:
    return URIRef(v.IKGSH + name)


def _message(g: Graph, s: URIRef | BNode, zh: str, en: str) -> None:
    g.add((s, SH.message, Literal(zh, lang="zh")))
    g.add((s, SH.message, Literal(en, lang="en")))


def _class_constraint(g: Graph, s: URIRef | BNode, types: Iterable[str]) -> None:
    """``sh:class`` of one node type, or ``sh:or`` of several."""
    names = list(types)
    if len(names) == 1:
        g.add((s, SH["class"], URIRef(v.class_iri(names[0]))))
        return
    alternatives: list[Any] = []
    for t in names:
        alt = BNode()
        g.add((alt, SH["class"], URIRef(v.class_iri(t))))
        alternatives.append(alt)
    head = BNode()
    Collection(g, head, alternatives)
    g.add((s, SH["or"], head))


def _zh_types(types: Iterable[str]) -> str:
    return "、".join(label(t, "zh") for t in types)


def _property(g: Graph, owner_shape: URIRef, owner: str, spec: PropertySpec, what_zh: str) -> None:
    ps = _shape(f"{owner}-{spec.name}")
    g.add((owner_shape, SH.property, ps))
    g.add((ps, RDF.type, SH.PropertyShape))
    g.add((ps, SH.path, URIRef(v.property_iri(spec.name))))
    g.add((ps, SH.maxCount, Literal(1)))
    g.add((ps, SH.name, Literal(spec.zh, lang="zh")))
    g.add((ps, SH.name, Literal(spec.en, lang="en")))
    if spec.required:
        g.add((ps, SH.minCount, Literal(1)))
    xsd = v.XSD_OF_KIND[spec.kind].rsplit("#", 1)[1]
    if spec.kind == "list[str]":
        g.add((ps, SH.node, _shape("StringList")))
        _message(
            g,
            ps,
            f"{what_zh}的“{spec.zh}”应为一个字符串列表（rdf:List）",
            f"{owner}.{spec.name} must be one rdf:List of strings",
        )
    else:
        g.add((ps, SH.datatype, URIRef(v.XSD_OF_KIND[spec.kind])))
        _message(
            g,
            ps,
            f"{what_zh}的“{spec.zh}”应为至多一个 xsd:{xsd} 值",
            f"{owner}.{spec.name} must be at most one xsd:{xsd} value",
        )


def _string_list(g: Graph) -> None:
    s = _shape("StringList")
    g.add((s, RDF.type, SH.NodeShape))
    g.add((s, SH.nodeKind, SH.BlankNodeOrIRI))
    items = _shape("StringList-items")
    g.add((s, SH.property, items))
    rest = BNode()
    g.add((rest, SH.zeroOrMorePath, RDF.rest))
    path = BNode()
    Collection(g, path, [rest, RDF.first])
    g.add((items, SH.path, path))
    g.add((items, SH.datatype, XSD.string))
    _message(g, items, "列表元素应为字符串", "list items must be strings")


def _node_shapes(g: Graph) -> None:
    for spec in NODE_TYPES.values():
        s = _shape(f"{spec.name}Shape")
        g.add((s, RDF.type, SH.NodeShape))
        g.add((s, SH.targetClass, URIRef(v.class_iri(spec.name))))
        name = _shape(f"{spec.name}-name")
        g.add((s, SH.property, name))
        g.add((name, SH.path, URIRef(v.NAME)))
        g.add((name, SH.minCount, Literal(1)))
        g.add((name, SH.maxCount, Literal(1)))
        g.add((name, SH.datatype, XSD.string))
        g.add((name, SH.minLength, Literal(1)))
        _message(
            g,
            name,
            f"每个{spec.zh}必须有且只有一个非空名称（ikg:name）",
            f"every {spec.en} needs exactly one non-empty name (ikg:name)",
        )
        ident = _shape(f"{spec.name}-id")
        g.add((s, SH.property, ident))
        g.add((ident, SH.path, URIRef(v.ID)))
        g.add((ident, SH.maxCount, Literal(1)))
        g.add((ident, SH.datatype, XSD.string))
        _message(g, ident, "编号（ikg:id）至多一个字符串", "at most one string id (ikg:id)")
        for prop in spec.properties:
            _property(g, s, spec.name, prop, spec.zh)


def _endpoint(g: Graph, s: URIRef | BNode, types: tuple[str, ...], zh: str, en: str) -> None:
    _class_constraint(g, s, types)
    _message(g, s, zh, en)


def _relation_shapes(g: Graph) -> None:
    for spec in RELATIONS.values():
        p = URIRef(v.relation_property_iri(spec.name))
        src_zh, dst_zh = _zh_types(spec.sources), _zh_types(spec.targets)
        src_en, dst_en = "/".join(spec.sources), "/".join(spec.targets)
        from_zh = f"“{spec.zh}”（{spec.name}）的起点应为{src_zh}"
        from_en = f"{spec.name} must start at a {src_en}"
        to_zh = f"“{spec.zh}”（{spec.name}）的终点应为{dst_zh}"
        to_en = f"{spec.name} must end at a {dst_en}"
        subj = _shape(f"{spec.name}-source")
        g.add((subj, RDF.type, SH.NodeShape))
        g.add((subj, SH.targetSubjectsOf, p))
        _endpoint(g, subj, spec.sources, from_zh, from_en)
        obj = _shape(f"{spec.name}-target")
        g.add((obj, RDF.type, SH.NodeShape))
        g.add((obj, SH.targetObjectsOf, p))
        _endpoint(g, obj, spec.targets, to_zh, to_en)

        q = _shape(f"{spec.name}-relation")
        g.add((q, RDF.type, SH.NodeShape))
        g.add((q, SH.targetClass, URIRef(v.relation_class_iri(spec.name))))
        for path, types, zh, en in (
            (RDF.subject, spec.sources, from_zh, from_en),
            (RDF.object, spec.targets, to_zh, to_en),
        ):
            ps = _shape(f"{spec.name}-relation-{path.rsplit('#', 1)[1]}")
            g.add((q, SH.property, ps))
            g.add((ps, SH.path, path))
            g.add((ps, SH.minCount, Literal(1)))
            g.add((ps, SH.maxCount, Literal(1)))
            _endpoint(g, ps, types, zh, en)
        pred = _shape(f"{spec.name}-relation-predicate")
        g.add((q, SH.property, pred))
        g.add((pred, SH.path, RDF.predicate))
        g.add((pred, SH.hasValue, p))
        g.add((pred, SH.maxCount, Literal(1)))
        _message(
            g,
            pred,
            f"“{spec.zh}”关系的 rdf:predicate 应为 ikg:{v.camel(spec.name)}",
            f"a {spec.name} relation's rdf:predicate must be ikg:{v.camel(spec.name)}",
        )
        key = _shape(f"{spec.name}-relation-key")
        g.add((q, SH.property, key))
        g.add((key, SH.path, URIRef(v.KEY)))
        g.add((key, SH.maxCount, Literal(1)))
        g.add((key, SH.datatype, XSD.string))
        _message(g, key, "关系键（ikg:key）至多一个字符串", "at most one string key (ikg:key)")
        for prop in spec.properties:
            _property(g, q, spec.name, prop, f"“{spec.zh}”关系")


def _provenance_shapes(g: Graph) -> None:
    d = _shape("DerivationShape")
    g.add((d, RDF.type, SH.NodeShape))
    g.add((d, SH.targetClass, URIRef(v.PROV + "Derivation")))
    entity = _shape("Derivation-entity")
    g.add((d, SH.property, entity))
    g.add((entity, SH.path, URIRef(v.PROV + "entity")))
    g.add((entity, SH.minCount, Literal(1)))
    g.add((entity, SH.maxCount, Literal(1)))
    g.add((entity, SH["class"], URIRef(v.SOURCE_FILE)))
    _message(g, entity, "来源记录应指向一个来源文件", "a derivation must point at one source file")
    row = _shape("Derivation-row")
    g.add((d, SH.property, row))
    g.add((row, SH.path, URIRef(v.ROW)))
    g.add((row, SH.maxCount, Literal(1)))
    g.add((row, SH.datatype, XSD.integer))
    _message(g, row, "行号应为至多一个整数", "the row must be at most one integer")
    f = _shape("SourceFileShape")
    g.add((f, RDF.type, SH.NodeShape))
    g.add((f, SH.targetClass, URIRef(v.SOURCE_FILE)))
    for name, iri in (("sourceName", v.SOURCE_NAME), ("fileSha256", v.FILE_SHA256)):
        ps = _shape(f"SourceFile-{name}")
        g.add((f, SH.property, ps))
        g.add((ps, SH.path, URIRef(iri)))
        g.add((ps, SH.maxCount, Literal(1)))
        g.add((ps, SH.datatype, XSD.string))
        _message(g, ps, f"{name} 应为至多一个字符串", f"{name} must be at most one string")


@cache
def shapes_graph() -> Graph:
    """The shapes as an rdflib graph (cached: treat as read-only; never hand it to pyshacl, which
    adds RDFS/OWL axioms to the shapes graph it is given)."""
    return _build_shapes()


def _build_shapes() -> Graph:
    g = Graph(bind_namespaces="none")
    for prefix, ns in (*v.PREFIXES.items(), ("sh", v.SH), ("ikgsh", v.IKGSH)):
        g.bind(prefix, ns)
    onto = URIRef(v.SHAPES_IRI)
    g.add((onto, RDF.type, URIRef(v.OWL + "Ontology")))
    g.add((onto, URIRef(v.RDFS + "label"), Literal("区域创新生态知识图谱约束", lang="zh")))
    g.add((onto, URIRef(v.RDFS + "label"), Literal("innovation-kg SHACL shapes", lang="en")))
    _string_list(g)
    _node_shapes(g)
    _relation_shapes(g)
    _provenance_shapes(g)
    return g


def shapes_turtle() -> str:
    """The shapes in Turtle, as committed in ``kg/shapes.ttl``."""
    header = (
        "# Generated from kg/schema.py by `python -m kg.shapes > kg/shapes.ttl`; do not edit.\n"
    )
    return header + _build_shapes().serialize(format="turtle")


@dataclass(frozen=True)
class Violation:
    """One SHACL result: the node at fault, the property, the offending value and the message."""

    focus: str
    path: str
    value: str
    message_zh: str
    message_en: str
    shape: str

    def message(self, lang: str = "zh") -> str:
        return self.message_zh if lang == "zh" else self.message_en


@dataclass(frozen=True)
class ShaclReport:
    """The outcome of validating RDF against the shapes."""

    conforms: bool
    violations: tuple[Violation, ...]

    def text(self, lang: str = "zh") -> str:
        """A readable report: one line per violation, grouped by the node at fault."""
        if self.conforms:
            return "通过 SHACL 校验" if lang == "zh" else "conforms to the SHACL shapes"
        head = (
            f"未通过 SHACL 校验：{len(self.violations)} 处问题"
            if lang == "zh"
            else f"does not conform: {len(self.violations)} violation(s)"
        )
        lines = [head]
        for x in sorted(self.violations, key=lambda x: (x.focus, x.path, x.shape)):
            where = f"{x.focus} · {x.path}" if x.path else x.focus
            value = f" (= {x.value})" if x.value else ""
            lines.append(f"- {where}: {x.message(lang)}{value}")
        return "\n".join(lines)


def _short(term: Any, g: Graph, base: str) -> str:
    if term is None:
        return ""
    text = str(term)
    node_id = v.node_id_of(base, text)
    if node_id is not None:
        return node_id
    if text.startswith(base + "edge/"):
        rel, src, dst, *key = (unquote(x) for x in text[len(base) + 5 :].split("/"))
        return f"({src})-[{rel}{' ' + key[0] if key else ''}]->({dst})"
    if isinstance(term, URIRef):
        try:
            return g.namespace_manager.normalizeUri(term)
        except Exception:  # pragma: no cover - rdflib refuses some IRIs as prefixed names
            return text
    if isinstance(term, BNode):
        return "[]"
    if isinstance(term, Literal) and term.datatype in (None, XSD.string):
        return f'"{text}"'
    return text


def validate(data: Graph, *, base: str | None = None) -> ShaclReport:
    """Validate ``data`` against the shapes (node ids shown for IRIs under ``base``)."""
    import pyshacl

    from kg.settings import get_settings

    base = base or get_settings().rdf_base
    conforms, results, _ = pyshacl.validate(
        data, shacl_graph=_build_shapes(), inference="none", advanced=False, allow_warnings=False
    )
    names = shapes_graph()
    out: list[Violation] = []
    for r in results.subjects(RDF.type, SH.ValidationResult):
        messages = {m.language: str(m) for m in results.objects(r, SH.resultMessage)}
        fallback = next(iter(messages.values()), "")
        focus = results.value(r, SH.focusNode)
        if isinstance(focus, BNode):
            owner = data.value(predicate=URIRef(v.PROV + "qualifiedDerivation"), object=focus)
            focus_text = f"{_short(owner, names, base)} · prov" if owner else "[]"
        else:
            focus_text = _short(focus, names, base)
        out.append(
            Violation(
                focus=focus_text,
                path=_short(results.value(r, SH.resultPath), names, base),
                value=_short(results.value(r, SH.value), names, base),
                message_zh=messages.get("zh", fallback),
                message_en=messages.get("en", fallback),
                shape=_short(results.value(r, SH.sourceShape), names, base),
            )
        )
    return ShaclReport(bool(conforms), tuple(out))


def validate_bytes(data: bytes, fmt: str, *, base: str | None = None) -> ShaclReport:
    """Parse ``data`` (``ttl``, ``nt`` or ``jsonld``) with rdflib and validate it."""
    parser = {"ttl": "turtle", "nt": "nt", "jsonld": "json-ld"}.get(fmt, fmt)
    g = Graph()
    g.parse(data=data, format=parser)
    return validate(g, base=base)


if __name__ == "__main__":
    sys.stdout.write(shapes_turtle())
