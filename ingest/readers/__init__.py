"""Streaming source readers. Each takes an open binary stream (never a path: opening files happens
at the edge) and yields ``(row_number, record)`` pairs, one per source row, lazily.

Row numbers are what the analyst sees: the spreadsheet row (header = row 1) for CSV/TSV/XLSX, the
line for JSONL, the position for a JSON array, the triple's ordinal for RDF.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, BinaryIO

from kg.errors import InvalidInput

Record = tuple[int, "dict[str, Any] | RowError"]

FORMATS = ("csv", "tsv", "xlsx", "json", "jsonl", "rdf")
_BY_SUFFIX = {
    ".csv": "csv",
    ".txt": "csv",
    ".tsv": "tsv",
    ".tab": "tsv",
    ".xlsx": "xlsx",
    ".xlsm": "xlsx",
    ".json": "json",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".ttl": "rdf",
    ".nt": "rdf",
    ".nq": "rdf",
    ".jsonld": "rdf",
    ".rdf": "rdf",
    ".owl": "rdf",
    ".n3": "rdf",
    ".trig": "rdf",
}


@dataclass(frozen=True)
class CellError:
    """A cell whose value cannot be trusted as data (an Excel formula or error such as ``#N/A``);
    the mapper rejects a row that uses it, naming the column and this reason."""

    reason: str

    def __str__(self) -> str:
        return self.reason


@dataclass(frozen=True)
class RowError:
    """A row that cannot be read at all (a JSONL line that is not JSON): yielded in place of its
    record, so the pipeline rejects that row with ``reason`` and goes on with the next."""

    reason: str
    field: str = "(row)"


def format_of(filename: str) -> str:
    """The reader format for a file name, from its suffix."""
    lower = filename.lower()
    for suffix, fmt in _BY_SUFFIX.items():
        if lower.endswith(suffix):
            return fmt
    raise InvalidInput(
        f"cannot tell the format of {filename!r} from its suffix; set `format:` in the mapping "
        f"({', '.join(FORMATS)})"
    )


def read_records(stream: BinaryIO, fmt: str, **options: Any) -> Iterator[Record]:
    """Records from ``stream`` in format ``fmt``; ``options`` go to that format's reader."""
    if fmt in ("csv", "tsv"):
        from ingest.readers.delimited import read_delimited

        if fmt == "tsv":
            options.setdefault("delimiter", "\t")
        return read_delimited(stream, **options)
    if fmt == "xlsx":
        from ingest.readers.spreadsheet import read_xlsx

        return read_xlsx(stream, **options)
    if fmt in ("json", "jsonl"):
        from ingest.readers.jsondoc import read_json, read_jsonl

        return read_jsonl(stream, **options) if fmt == "jsonl" else read_json(stream, **options)
    if fmt == "rdf":
        from ingest.readers.rdf import read_rdf

        return read_rdf(stream, **options)
    raise InvalidInput(f"unknown source format {fmt!r}; known: {', '.join(FORMATS)}")


__all__ = ["FORMATS", "CellError", "Record", "RowError", "format_of", "read_records"]
