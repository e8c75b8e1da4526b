"""Pydantic response models shared by the routers."""

from __future__ import annotations

from typing import Any, Generic, TypeVar

from pydantic import BaseModel, Field

from kg.model import Node
from kg.schema import label


class ErrorOut(BaseModel):
    status: int
    code: str
    message: str


class ProvenanceOut(BaseModel):
    source: str
    file_sha256: str
    row: int | None
    ingested_at: str


class NodeOut(BaseModel):
    id: str
    type: str
    type_label: str = Field(description="the type's label in the requested language")
    name: str
    aliases: list[str]
    props: dict[str, Any]
    provenance: list[ProvenanceOut]

    @classmethod
    def of(cls, node: Node, lang: str = "zh") -> NodeOut:
        return cls(
            id=node.id,
            type=node.type,
            type_label=label(node.type, lang),
            name=node.name,
            aliases=list(node.aliases),
            props=dict(node.props),
            provenance=[ProvenanceOut(**p.__dict__) for p in node.provenance],
        )


T = TypeVar("T")


class Page(BaseModel, Generic[T]):
    """One page of a list: items, the page's limit and offset, and where the next page starts."""

    items: list[T]
    limit: int
    offset: int
    next_offset: int | None = Field(description="offset of the next page, or null on the last")


class StatsOut(BaseModel):
    store: str
    version: int
    nodes: dict[str, int]
    edges: dict[str, int]
    node_count: int
    edge_count: int
