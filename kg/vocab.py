"""The RDF names of the schema: namespaces, class and property IRIs, XSD datatypes, and the IRIs
minted for nodes, edges and source files.

Everything is derived from :mod:`kg.schema`, so the ontology, the SHACL shapes, the exporter and the
importer cannot disagree. Node IRIs are ``<base><node id>`` with the id kept readable (Chinese
characters are legal in IRIs) and only the characters an IRI path segment cannot hold
percent-encoded, ``/`` and ``%`` included, so the id comes back exactly.
"""

from __future__ import annotations

import re
from functools import cache
from urllib.parse import unquote

from kg.schema import NODE_TYPES, RELATIONS, PropertySpec, PropKind

ONTOLOGY_IRI = "https://w3id.org/innovation-kg/ontology"
IKG = ONTOLOGY_IRI + "#"
IKGX = ONTOLOGY_IRI + "/extra#"  # properties the schema does not declare, keyed by their raw name
SHAPES_IRI = "https://w3id.org/innovation-kg/shapes"
IKGSH = SHAPES_IRI + "#"

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
XSD = "http://www.w3.org/2001/XMLSchema#"
OWL = "http://www.w3.org/2002/07/owl#"
PROV = "http://www.w3.org/ns/prov#"
SCHEMA = "https://schema.org/"
ORG = "http://www.w3.org/ns/org#"
FOAF = "http://xmlns.com/foaf/0.1/"
DCT = "http://purl.org/dc/terms/"
SKOS = "http://www.w3.org/2004/02/skos/core#"
VOID = "http://rdfs.org/ns/void#"
SH = "http://www.w3.org/ns/shacl#"

PREFIXES: dict[str, str] = {
    "ikg": IKG,
    "ikgx": IKGX,
    "rdf": RDF,
    "rdfs": RDFS,
    "xsd": XSD,
    "owl": OWL,
    "prov": PROV,
    "schema": SCHEMA,
    "org": ORG,
    "foaf": FOAF,
    "dct": DCT,
    "skos": SKOS,
    "void": VOID,
}

XSD_OF_KIND: dict[PropKind, str] = {
    "str": XSD + "string",
    "int": XSD + "integer",
    "float": XSD + "double",
    "bool": XSD + "boolean",
    "date": XSD + "date",
    "list[str]": XSD + "string",
}

# Terms every export uses, beyond the schema's own classes and properties.
NODE_CLASS = IKG + "Node"  # superclass of every node type
RELATION_CLASS = IKG + "Relation"  # superclass of every qualified relation (rdf:Statement)
SOURCE_FILE = IKG + "SourceFile"
ID = IKG + "id"
NAME = IKG + "name"
ALIAS = IKG + "alias"
KEY = IKG + "key"
SOURCE_NAME = IKG + "sourceName"
FILE_SHA256 = IKG + "fileSha256"
ROW = IKG + "row"
INGESTED_AT = IKG + "ingestedAt"
RDF_TYPE = RDF + "type"


def camel(snake: str, *, upper: bool = False) -> str:
    """``credit_code`` → ``creditCode``; ``AFFILIATED_WITH`` → ``affiliatedWith`` (or ``AffiliatedWith``)."""
    words = [w for w in snake.lower().split("_") if w]
    head = words[0].capitalize() if upper else words[0]
    return head + "".join(w.capitalize() for w in words[1:])


def class_iri(type_name: str) -> str:
    """The class of node type ``type_name`` (``Enterprise`` → ``ikg:Enterprise``)."""
    return IKG + type_name


def relation_property_iri(rel: str) -> str:
    """The object property of relation ``rel`` (``APPLIED`` → ``ikg:applied``)."""
    return IKG + camel(rel)


def relation_class_iri(rel: str) -> str:
    """The class of a qualified ``rel`` edge (``APPLIED`` → ``ikg:AppliedRelation``)."""
    return IKG + camel(rel, upper=True) + "Relation"


def property_iri(name: str) -> str:
    """The property carrying node or edge property ``name``: ``rd_spending`` → ``ikg:rdSpending``
    when the schema declares it, else ``ikgx:<name>`` (so no undeclared key can shadow a term)."""
    if name in declared_properties():
        return IKG + camel(name)
    return IKGX + encode_segment(name)


@cache
def declared_properties() -> dict[str, list[tuple[str, PropertySpec]]]:
    """Every declared property name with the (node or relation type, spec) pairs declaring it."""
    out: dict[str, list[tuple[str, PropertySpec]]] = {}
    for owner, props in [
        *((n, s.properties) for n, s in NODE_TYPES.items()),
        *((r, s.properties) for r, s in RELATIONS.items()),
    ]:
        for p in props:
            out.setdefault(p.name, []).append((owner, p))
    return out


@cache
def property_names() -> dict[str, str]:
    """Property IRI → property name, for every declared property (the importer's reverse map)."""
    return {property_iri(name): name for name in declared_properties()}


@cache
def property_kinds(owner: str) -> dict[str, str]:
    """Property name → kind for a node or relation type (empty for an unknown owner)."""
    spec = NODE_TYPES.get(owner) or RELATIONS.get(owner)
    return {p.name: p.kind for p in spec.properties} if spec else {}


def extra_property_name(iri: str) -> str | None:
    """The raw name of an undeclared property from its ``ikgx:`` IRI; ``None`` if it is not one."""
    return unquote(iri[len(IKGX) :]) if iri.startswith(IKGX) else None


@cache
def type_of_class() -> dict[str, str]:
    """Class IRI → node type name."""
    return {class_iri(t): t for t in NODE_TYPES}


@cache
def relation_of_property() -> dict[str, str]:
    """Object property IRI → relation name."""
    return {relation_property_iri(r): r for r in RELATIONS}


@cache
def relation_of_class() -> dict[str, str]:
    """Qualified-relation class IRI → relation name."""
    return {relation_class_iri(r): r for r in RELATIONS}


# Characters an IRI path segment may hold unescaped (RFC 3987 ipchar minus "/" and "%"): ASCII
# unreserved and sub-delims, ":" and "@", and the ucschar ranges (which include CJK).
_UCS = (
    "\u00a0-\ud7ff\uf900-\ufdcf\ufdf0-\uffef"
    + "".join(f"{chr(0x10000 * k)}-{chr(0x10000 * k + 0xFFFD)}" for k in range(1, 14))
    + f"{chr(0xE1000)}-{chr(0xEFFFD)}"
)
_UNSAFE = re.compile(f"[^A-Za-z0-9\\-._~!$&'()*+,;=:@{_UCS}]")


def _escape(m: re.Match[str]) -> str:
    return "".join(f"%{b:02X}" for b in m.group().encode())


def encode_segment(text: str) -> str:
    """``text`` as one IRI path segment: Chinese kept, ``/ % # ? " < >`` and spaces percent-encoded."""
    return _UNSAFE.sub(_escape, text)


def node_iri(base: str, node_id: str) -> str:
    """The IRI of node ``node_id`` under ``base`` (``…/id/university:浙江大学``)."""
    return base + encode_segment(node_id)


def node_id_of(base: str, iri: str) -> str | None:
    """The node id an IRI minted by :func:`node_iri` stands for; ``None`` if it is not one."""
    if not iri.startswith(base):
        return None
    rest = iri[len(base) :]
    if not rest or "/" in rest or "#" in rest:
        return None
    return unquote(rest)


def edge_iri(base: str, source: str, rel: str, target: str, key: str) -> str:
    """A stable IRI for the qualified edge (``…/id/edge/APPLIED/<source>/<target>[/<key>]``)."""
    tail = f"/{encode_segment(key)}" if key else ""
    return f"{base}edge/{rel}/{encode_segment(source)}/{encode_segment(target)}{tail}"


def source_file_iri(base: str, source: str, sha256: str) -> str:
    """The IRI of a source file, one per (source name, file hash)."""
    return f"{base}source/{encode_segment(source)}/sha256-{encode_segment(sha256)}"
