"""Hostile strings: Cypher, SQL and template injection, placeholders, control characters, huge text.
Every one must be stored and searched literally and harm nothing."""

from __future__ import annotations

INJECTIONS: list[str] = [
    "'\"; MATCH (n) DETACH DELETE n //",
    "Enterprise) DETACH DELETE n //",
    "x'}) MATCH (n) DETACH DELETE n WITH 1 AS x MERGE (m {id:'",
    "`) DETACH DELETE n //",
    "{",
    "}",
    "$x",
    "$id",
    "\u0000",
    "a\u0000b",
    "'; DROP TABLE nodes; --",
    'x" OR 1=1 --',
    "%_\\",
    "../../../etc/passwd",
    "<script>alert(1)</script>",
    "{{7*7}}",
    "\u202e反转\u200b零宽",
    "長" * 20_000,
]

# A name made of one of these is "empty" to a human: ingest must reject it, not store it.
BLANK_NAMES: list[str] = ["", " ", "\u3000\u3000", "\t\n", "…", "——", "（）", "、，。", "*", "!!!"]
