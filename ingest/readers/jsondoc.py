"""JSON Lines (one object a line) and JSON documents (an array of objects, streamed element by
element; or an object holding such an array under ``records``). Nested objects flatten to dotted
keys (``address.city``); lists stay lists, so multi-valued fields need no splitting."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any, BinaryIO

from ingest.readers import Record, RowError
from ingest.readers.delimited import text_stream
from kg.errors import InvalidInput

_CHUNK = 1 << 16


def flatten(obj: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """``{"a": {"b": 1}}`` → ``{"a.b": 1}``."""
    out: dict[str, Any] = {}
    for key, value in obj.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            out.update(flatten(value, f"{name}."))
        else:
            out[name] = value
    return out


def _record(obj: Any, where: str) -> dict[str, Any]:
    if not isinstance(obj, dict):
        raise InvalidInput(f"{where}: expected a JSON object, got {type(obj).__name__}")
    return flatten(obj)


def read_jsonl(stream: BinaryIO, *, encoding: str = "auto") -> Iterator[Record]:
    """One record per non-blank line; a line that is not a JSON object is a :class:`RowError`
    (rejected with its line number; the lines after it still load)."""
    for line_no, line in enumerate(text_stream(stream, encoding), start=1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            yield line_no, RowError(f"不是 JSON not JSON: {exc.msg} (column {exc.colno})")
            continue
        if not isinstance(obj, dict):
            yield line_no, RowError(f"不是 JSON 对象 not a JSON object: a {type(obj).__name__}")
            continue
        yield line_no, flatten(obj)


def read_json(
    stream: BinaryIO, *, encoding: str = "auto", records: str | None = None
) -> Iterator[Record]:
    """Elements of a top-level JSON array, decoded one at a time (memory flat in file size); or,
    with ``records: key`` (a dotted path such as ``data.list``), the array under that key of a
    top-level object (read whole)."""
    text = text_stream(stream, encoding)
    if records is not None:
        doc = json.load(text)
        items: Any = doc
        for part in records.split("."):  # a dotted path: ``data.list``
            items = items.get(part) if isinstance(items, dict) else None
        if not isinstance(items, list):
            raise InvalidInput(f"the JSON document has no array under {records!r}")
        for i, obj in enumerate(items, start=1):
            yield i, _record(obj, f"element {i}")
        return
    yield from _stream_array(text)


def _stream_array(text: Any) -> Iterator[Record]:
    decoder = json.JSONDecoder()
    buf = text.read(_CHUNK).lstrip()
    if not buf.startswith("["):
        raise InvalidInput("expected a JSON array of objects (or set `records:` to its key)")
    buf, pos, index, eof = buf[1:], 0, 0, False
    while True:
        while pos < len(buf) and buf[pos] in " \t\r\n,":
            pos += 1
        if pos < len(buf) and buf[pos] == "]":
            return
        try:
            obj, end = decoder.raw_decode(buf, pos)
        except json.JSONDecodeError as exc:
            if eof:
                raise InvalidInput(f"element {index + 1}: not JSON: {exc.msg}") from exc
            more = text.read(_CHUNK)
            eof = not more
            buf, pos = buf[pos:] + more, 0
            continue
        if end == len(buf) and not eof:  # a number may continue in the next chunk
            more = text.read(_CHUNK)
            if more:
                buf, pos = buf[pos:] + more, 0
                continue
            eof = True
        index += 1
        yield index, _record(obj, f"element {index}")
        pos = end
