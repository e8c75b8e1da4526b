"""Stable, readable node ids: ``<prefix>:<key>``, e.g. ``enterprise:91330624MA2BXXXX1`` or
``university:浙江大学``."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from kg.errors import InvalidInput
from kg.schema import NODE_TYPES, node_type

_SPACE = re.compile(r"\s+")


@lru_cache(maxsize=1 << 16)  # names repeat across rows: memoised, bounded
def normalise_key(text: str) -> str:
    """NFKC (full-width → half-width) with whitespace removed: a key, not a display name."""
    return _SPACE.sub("", unicodedata.normalize("NFKC", text))


def node_id(type_name: str, key: str) -> str:
    """The id of a node of ``type_name`` keyed by ``key`` (a credit code, a number or a name)."""
    spec = NODE_TYPES.get(type_name) or node_type(type_name)  # node_type raises if unknown
    prefix = spec.prefix
    norm = normalise_key(key)
    if not norm:
        raise InvalidInput(f"cannot build a {type_name} id from an empty key {key!r}")
    return f"{prefix}:{norm}"
