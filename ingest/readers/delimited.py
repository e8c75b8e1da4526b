"""CSV/TSV with the encoding detected from the first bytes: UTF-8, UTF-8 with BOM, GB18030/GBK
(Chinese government exports often are), or whatever charset-normalizer finds best."""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections import Counter
from collections.abc import Collection, Iterable, Iterator, Sequence
from itertools import chain, islice
from typing import Any, BinaryIO

from charset_normalizer import from_bytes

from ingest.readers import CellError, Record
from ingest.readers.tables import Columns, find_header, is_total_row, note_totals
from ingest.values import is_blank
from kg.errors import InvalidInput

_FOREIGN = re.compile("[\udc80-\udcff]")
_SAMPLE = 64 * 1024
# Python's csv stops at 128 KiB a cell; a long cell is the mapper's to judge (a name over
# MAX_NAME is rejected with its row), not a reason to abandon the rest of the file.
csv.field_size_limit(max(csv.field_size_limit(), 1 << 30))
# GB2312 and GBK are subsets of GB18030: decoding with the superset never loses a character.
_WIDEN = {"gb2312": "gb18030", "gbk": "gb18030", "cp936": "gb18030", "hz": "gb18030"}
_CHINESE = ("gb18030", "big5", "big5hkscs", "cp950")


def detect_encoding(sample: bytes) -> str:
    """The encoding of text starting with ``sample``: BOMs first, then strict UTF-8, then
    charset-normalizer (widened to GB18030 for the GB family)."""
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    try:
        # A multi-byte character may be cut at the end of the sample: ignore that tail only.
        codecs.getincrementaldecoder("utf-8")().decode(sample, final=False)
        return "utf-8"
    except UnicodeDecodeError:
        pass
    if _mostly_utf8(sample):
        return "utf-8"  # a UTF-8 file with a few rows pasted in from a GBK one: those get rejected
    best = from_bytes(sample).best()
    guess = _WIDEN.get(codecs.lookup(best.encoding).name, best.encoding) if best else None
    if guess in _CHINESE:
        return guess
    # Short samples fool the detector (it may say UTF-16 or a Latin code page): in this domain a
    # file that is not UTF-8 but decodes as GB18030 is GB18030.
    try:
        codecs.getincrementaldecoder("gb18030")().decode(sample, final=False)
        return "gb18030"
    except UnicodeDecodeError:
        pass
    if guess is None:
        raise InvalidInput("cannot detect the text encoding; set `encoding:` in the mapping")
    return guess


def _mostly_utf8(sample: bytes) -> bool:
    """More lines of valid non-ASCII UTF-8 than lines that are not UTF-8 at all."""
    good = bad = 0
    for line in sample.split(b"\n")[:-1]:  # the last line may be cut mid-character
        try:
            line.decode("utf-8")
        except UnicodeDecodeError:
            bad += 1
            continue
        good += not line.isascii()
    return good > bad


class _Prefixed(io.RawIOBase):
    """A stream that replays ``head`` (already read for detection) before the rest of ``rest``."""

    def __init__(self, head: bytes, rest: BinaryIO) -> None:
        self._head = memoryview(head)
        self._rest = rest

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        if self._head:
            n = min(len(buffer), len(self._head))
            buffer[:n] = self._head[:n]
            self._head = self._head[n:]
            return n
        data = self._rest.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


def text_stream(stream: BinaryIO, encoding: str = "auto") -> io.TextIOWrapper:
    """``stream`` decoded, with ``encoding`` detected from its first 64 KiB when ``auto``."""
    if encoding == "auto":
        head = stream.read(_SAMPLE)
        encoding = detect_encoding(head)
        raw: io.RawIOBase = _Prefixed(head, stream)
        buffered: BinaryIO = io.BufferedReader(raw)
    else:
        buffered = stream
    # Undecodable bytes become lone surrogates, so one bad row is rejected (see ``_checked``)
    # instead of stopping the whole file.
    return io.TextIOWrapper(buffered, encoding=encoding, errors="surrogateescape", newline="")


def read_delimited(
    stream: BinaryIO,
    *,
    encoding: str = "auto",
    delimiter: str | None = None,
    header: bool = True,
    columns: Sequence[str] | None = None,
    expect: Collection[str] | None = None,
    notes: list[str] | None = None,
) -> Iterator[Record]:
    """Rows of a delimited file as ``{header: cell}``. Blank rows are skipped (their numbers too).

    ``delimiter``: when not given, the one of ``,`` tab ``;`` ``|`` that reads the head of the
    file into the most of the ``expect`` columns, else into the most columns (``,`` on a tie, and
    for a file without a header): tables exported as "text" are often tab- or
    semicolon-separated under a .csv name.

    The header is the first non-blank row, or a later one holding more of the columns in
    ``expect`` (:func:`ingest.readers.tables.find_header`; rows skipped above it go to ``notes``).
    Without a header row, ``columns`` names the columns (an edge list ``head,relation,tail``).
    """
    text = text_stream(stream, encoding)
    row_no = 0
    totals: list[int] = []  # 合计 rows skipped
    long_rows: list[int] = []  # rows with filled cells past the header
    try:
        lines: Iterable[str] = text
        if delimiter is None and not header:
            delimiter = ","
        if delimiter is None:  # not said: the one that reads the file's head best
            head = list(islice(text, _SNIFF_LINES))
            delimiter = sniff_delimiter(head, expect)
            lines = chain(head, text)
        rows = enumerate(csv.reader(lines, delimiter=delimiter), start=1)
        if header:
            found = find_header(
                ((n, c) for n, c in rows if any(not is_blank(x) for x in c)), expect, notes
            )
            if found is None:
                return
            names, first = found
        elif columns:
            names, first = list(columns), []
        else:
            raise InvalidInput("a file without a header row needs `columns:` in its mapping")
        width = len(names)
        for row_no, cells in chain(first, rows):  # the rows read past the header first
            joined = "".join(cells)
            if not joined.strip():  # every cell blank
                continue
            if header:
                if is_total_row(cells):
                    totals.append(row_no)
                    continue
                if len(cells) > width and _overflows(cells, width):
                    long_rows.append(row_no)
            yield row_no, _checked(names, cells, joined, text.encoding)
        note_totals(notes, totals)
        if header:
            _note_long_rows(notes, long_rows, width)
    except UnicodeDecodeError as exc:
        raise InvalidInput(
            f"row {row_no + 1}: bytes that are not {text.encoding}: {exc.reason}; "
            "set `encoding:` in the mapping"
        ) from exc
    except csv.Error as exc:
        raise InvalidInput(f"row {row_no + 1}: malformed CSV: {exc}") from exc


_SNIFF_LINES = 40
_DELIMITERS = (",", "\t", ";", "|")


def sniff_delimiter(head: list[str], expect: Collection[str] | None = None) -> str:
    """The delimiter of a table from its first lines (see :func:`read_delimited`)."""
    columns = Columns(expect)
    best, best_score = ",", (0, 1)
    for d in _DELIMITERS:
        rows = [r for r in csv.reader(head, delimiter=d) if any(c.strip() for c in r)]
        hits = max((columns.hits(r) for r in rows), default=0)
        widths = Counter(len(r) for r in rows)
        width = widths.most_common(1)[0][0] if widths else 1
        score = (hits, width)
        if score > best_score:
            best, best_score = d, score
    return best


def _overflows(cells: Sequence[str], width: int) -> bool:
    """Whether a row has filled cells past the header's last column."""
    return any(c.strip() for c in cells[width:])


def _note_long_rows(notes: list[str] | None, rows: list[int], width: int) -> None:
    """Rows with filled cells past the header: they load what the header names, and are said,
    since an unquoted comma in a value (1,234.5) would have shifted their cells."""
    if rows and notes is not None:
        shown = ", ".join(map(str, rows[:10])) + (" …" if len(rows) > 10 else "")
        notes.append(
            f"多出的单元格 {len(rows)} row(s) have filled cells past the header's {width} columns, "
            f"ignored: row {shown}; if a value holds an unquoted comma (1,234.5), its row's "
            "cells have shifted: quote it and load again"
        )


def _checked(
    names: Sequence[str], cells: Sequence[str], joined: str, encoding: str
) -> dict[str, Any]:
    """The row (``joined``: its cells as one string) as ``{header: cell}``, with cells holding NULs
    or bytes foreign to ``encoding`` (mixed encodings in one file) turned into :class:`CellError`
    so the row is rejected by name."""
    try:
        joined.encode("utf-8")
        clean = "\x00" not in joined
    except UnicodeEncodeError:  # a lone surrogate: undecodable bytes
        clean = False
    if clean:
        return dict(zip(names, cells, strict=False))
    row: dict[str, Any] = {}
    for name, cell in zip(names, cells, strict=False):
        if "\x00" in cell:
            row[name] = CellError("单元格含空字符 NUL in the cell (binary or UTF-16 data?)")
        elif _FOREIGN.search(cell):
            row[name] = CellError(
                f"含非 {encoding} 字节 bytes that are not {encoding} (mixed encodings in one file?)"
            )
        else:
            row[name] = cell
    return row
