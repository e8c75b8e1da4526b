"""XLSX sheets, streamed with openpyxl's read-only mode. Formula cells and Excel error values
(``#N/A``, ``#DIV/0!`` …) come through as :class:`CellError`, so a row that uses one is rejected
with a clear reason instead of loading a formula's text or a stale cached value."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Collection, Iterator
from itertools import chain, islice
from typing import Any, BinaryIO

from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from ingest.readers import CellError, Record
from ingest.readers.tables import HEADER_LOOK_AHEAD, Columns, find_header, is_total_row, note_totals
from ingest.values import is_blank
from kg.errors import InvalidInput


def _cell_value(cell: Any) -> Any:
    kind = getattr(cell, "data_type", None)
    value = cell.value
    if kind == "f" or (isinstance(value, str) and value.startswith("=") and kind != "s"):
        return CellError(f"公式单元格 formula cell {value!s:.60}: enter the value, not a formula")
    if kind == "e":
        return CellError(f"Excel 错误值 error value {value}")
    return value


def _filled_rows(ws: Any) -> Iterator[tuple[int, list[Any]]]:
    """The rows of a sheet that hold something, with their numbers, as cell values."""
    for row_no, cells in enumerate(ws.iter_rows(), start=1):
        values = [_cell_value(c) for c in cells]
        if not all(is_blank(v) for v in values):
            yield row_no, values


def _data_sheet(book: Any, expect: Collection[str] | None, notes: list[str] | None) -> Any:
    """The first sheet, unless a later one's head holds more of the mapping's columns (a workbook
    that opens with a 填报说明 sheet); a sheet other than the first is noted."""
    sheets = book.worksheets
    columns = Columns(expect)
    if len(sheets) == 1 or not columns:
        return sheets[0]
    scores = [
        max((columns.hits(v) for _, v in islice(_filled_rows(ws), HEADER_LOOK_AHEAD)), default=0)
        for ws in sheets
    ]
    best = max(range(len(sheets)), key=lambda i: (scores[i], -i))
    if best and notes is not None:
        notes.append(
            f"读取工作表 read sheet {sheets[best].title!r}: it holds the mapping's columns, "
            f"the first sheet {sheets[0].title!r} does not (set `sheet:` to choose)"
        )
    return sheets[best]


def read_xlsx(
    stream: BinaryIO,
    *,
    sheet: str | None = None,
    expect: Collection[str] | None = None,
    notes: list[str] | None = None,
) -> Iterator[Record]:
    """Rows of one sheet (``sheet`` by name, else the first that holds the ``expect`` columns) as
    ``{header: value}``; the header is the first non-blank row, or a later one holding more of
    the ``expect`` columns (a title row above it: :func:`ingest.readers.tables.find_header`).
    Dates come as ``datetime``, numbers as ``int``/``float``."""
    if not stream.seekable():
        stream = io.BytesIO(stream.read())  # an XLSX is a zip: it needs random access
    try:
        book = load_workbook(stream, read_only=True, data_only=False)
    except (InvalidFileException, zipfile.BadZipFile, OSError, KeyError, ValueError) as exc:
        raise InvalidInput(f"not a readable XLSX workbook: {exc}") from exc
    try:
        if sheet is not None:
            if sheet not in book.sheetnames:
                raise InvalidInput(
                    f"no sheet {sheet!r} in the workbook; sheets: {', '.join(book.sheetnames)}"
                )
            ws = book[sheet]
        else:
            ws = _data_sheet(book, expect, notes)
        rows = _filled_rows(ws)
        found = find_header(rows, expect, notes)
        if found is None:
            return
        names, first = found
        totals: list[int] = []
        for row_no, values in chain(first, rows):
            if is_total_row(values):
                totals.append(row_no)
                continue
            yield row_no, {n: v for n, v in zip(names, values, strict=False) if n}
        note_totals(notes, totals)
    finally:
        book.close()
