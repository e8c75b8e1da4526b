"""The shape of a table as bureaus export it: where its header is (a title, 填报单位 or unit line
may come first), which header names are the mapping's columns (up to width, case and spaces), and
which rows are totals, not data. Shared by the CSV and XLSX readers; what they adjust is noted for
the ingest report."""

from __future__ import annotations

import unicodedata
from collections.abc import Collection, Iterable, Iterator
from typing import Any

# How many non-blank rows a table may have above its header (a title, 填报单位, 单位：万元 …).
HEADER_LOOK_AHEAD = 30


# A table's total rows: the first filled cell says so (合计, 总计, 小计, spaced or not).
_TOTALS = frozenset({"合计", "总计", "小计", "共计", "总计：", "合计：", "total", "subtotal"})


def is_total_row(cells: list[Any]) -> bool:
    """Whether a row is a table's total line (its first filled cell is 合计 / 总计 / 小计 …)."""
    for cell in cells:
        if cell is None or cell == "":
            continue
        return isinstance(cell, str) and "".join(cell.split()).lower() in _TOTALS
    return False


def note_totals(notes: list[str] | None, rows: list[int]) -> None:
    """The total rows a reader skipped, as one note."""
    if rows and notes is not None:
        shown = ", ".join(map(str, rows[:10])) + (" …" if len(rows) > 10 else "")
        notes.append(f"合计行 {len(rows)} total row(s) skipped, not data: row {shown}")


def _names(cells: list[Any]) -> list[str]:
    return ["" if c is None else str(c).strip().lstrip("\ufeff") for c in cells]


def fold_column(name: str) -> str:
    """A column name with width, case and spaces folded: ``营业收入(万元)`` and ``营业收入（万元）``
    and ``营业收入 （万元）`` are one column."""
    return "".join(unicodedata.normalize("NFKC", name).split()).lower()


class Columns:
    """The columns a mapping reads, matched against a file's header up to :func:`fold_column`."""

    def __init__(self, expect: Collection[str] | None) -> None:
        self.by_fold = {fold_column(e): e for e in expect or ()}

    def __bool__(self) -> bool:
        return bool(self.by_fold)

    def hits(self, cells: Iterable[Any]) -> int:
        """How many of the columns a row of cells names."""
        by_fold = self.by_fold
        return len({fold_column(str(c)) for c in cells if c is not None}.intersection(by_fold))

    def align(self, names: list[str], notes: list[str] | None) -> list[str]:
        """``names`` with each one that matches a mapping column only up to folding renamed to
        it (noted), unless the file also has that column exactly."""
        exact = set(names)
        out, renamed = [], []
        for n in names:
            want = self.by_fold.get(fold_column(n)) if n else None
            if want is not None and want != n and want not in exact:
                renamed.append(f"{n} → {want}")
                n = want
            out.append(n)
        if renamed and notes is not None:
            notes.append(
                "列名按全半角与空格对齐 columns matched ignoring width and spaces: "
                + ", ".join(renamed)
            )
        wanted = set(self.by_fold.values())
        twice = {n: [i + 1 for i, m in enumerate(out) if m == n] for n in wanted}
        for n, places in twice.items():
            if len(places) > 1 and notes is not None:
                notes.append(
                    f"列名重复 column {n!r} appears {len(places)} times (columns "
                    f"{', '.join(map(str, places))}): the last one is read"
                )
        return out


def find_header(
    rows: Iterator[tuple[int, list[Any]]],
    expect: Collection[str] | None = None,
    notes: list[str] | None = None,
) -> tuple[list[str], list[tuple[int, list[Any]]]] | None:
    """The header of a table from its non-blank ``rows``: the first row, unless it holds fewer
    than half of the columns a mapping reads (``expect``) and a row among the first
    :data:`HEADER_LOOK_AHEAD` holds more; bureau exports often open with a title row, a 填报单位
    line and a unit line. Header names that match a mapping column up to width, case and spaces
    (营业收入(万元) for 营业收入（万元）) are renamed to it. Returns the header's names and the rows
    read past it (data, to yield first), or ``None`` for a table with no rows; what was skipped or
    renamed is noted in ``notes``. ``rows`` is read no further than the look-ahead."""
    first = next(rows, None)
    if first is None:
        return None
    columns = Columns(expect)
    names = _names(first[1])
    if not columns or 2 * columns.hits(names) >= len(columns.by_fold):
        return columns.align(names, notes), []
    read = [first]
    for item in rows:
        read.append(item)
        if len(read) >= HEADER_LOOK_AHEAD:
            break
    hits = [columns.hits(cells) for _, cells in read]
    best = max(range(len(read)), key=lambda i: (hits[i], -i))
    if hits[best] <= hits[0]:
        return columns.align(names, notes), read[1:]
    if notes is not None:
        above = "; ".join(" ".join(n for n in _names(cells) if n)[:40] for _, cells in read[:best])
        notes.append(
            f"表头在第 {read[best][0]} 行 the header is on row {read[best][0]}: "
            f"{best} row(s) above it skipped ({above})"
        )
    return columns.align(_names(read[best][1]), notes), read[best + 1 :]
