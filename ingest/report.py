"""What an ingest run did, for the analyst and for the API: counts, merges, the review list and the
rejected rows (also written to a rejects CSV that opens in Excel)."""

from __future__ import annotations

import csv
from pathlib import Path
from types import TracebackType
from typing import Any, Self, TextIO

from pydantic import BaseModel, Field

from kg.stores.base import UpsertResult

MAX_LISTED = 1000  # rejects/merges/review items kept in the report; the rejects CSV has them all


class Counts(BaseModel):
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def add(self, result: UpsertResult) -> None:
        self.created += result.created
        self.updated += result.updated
        self.unchanged += result.unchanged

    @property
    def changed(self) -> int:
        return self.created + self.updated


class Merge(BaseModel):
    """An input spelling joined to an existing node, and the rule that did it."""

    input: str
    id: str
    name: str
    rule: str
    row: int


class ReviewCandidate(BaseModel):
    id: str
    name: str
    score: float


class ReviewItem(BaseModel):
    """A name that looks like existing nodes but was not merged: a person should decide."""

    input: str
    row: int
    kept_as: str | None = Field(description="the node created for it, or None if rejected")
    candidates: list[ReviewCandidate]


class Reject(BaseModel):
    """A row that did not load: where, which field, and why."""

    file: str
    row: int
    field: str
    reason: str


class Replaced(BaseModel):
    """What replacing a source's earlier versions removed, and what it kept because another
    source (or an edge that stays) still states it."""

    nodes_removed: int = 0
    edges_removed: int = 0
    kept: int = 0


class IngestReport(BaseModel):
    """The outcome of ingesting one source file."""

    file: str
    source: str
    sha256: str
    rows_read: int = 0
    rows_accepted: int = 0
    rows_rejected: int = 0
    nodes: Counts = Field(default_factory=Counts)
    edges: Counts = Field(default_factory=Counts)
    merges: list[Merge] = Field(default_factory=list)
    review: list[ReviewItem] = Field(default_factory=list)
    rejects: list[Reject] = Field(default_factory=list)
    rejects_path: str | None = None
    warnings: list[str] = Field(default_factory=list)
    replaced: Replaced | None = Field(
        default=None, description="with --replace: what only earlier versions of the file stated"
    )
    version_before: int = 0
    version_after: int = 0
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        """Every row loaded."""
        return self.rows_rejected == 0

    def summary(self) -> str:
        n, e = self.nodes, self.edges
        return (
            f"{self.file}: {self.rows_read} rows, {self.rows_accepted} loaded, "
            f"{self.rows_rejected} rejected; nodes +{n.created} ~{n.updated} ={n.unchanged}; "
            f"edges +{e.created} ~{e.updated} ={e.unchanged}; {len(self.merges)} merges, "
            f"{len(self.review)} to review"
        )


class _CsvOut:
    """A CSV written as a run goes (UTF-8 with BOM so Excel shows Chinese); with no path, nothing.
    The file is rewritten per run, so a clean run leaves just the header, never stale rows."""

    HEADER: tuple[str, ...] = ()

    def __init__(self, path: str | Path | None) -> None:
        self.path = Path(path) if path is not None else None
        self._fh: TextIO | None = None
        self._writer: Any = None
        if self.path is not None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._fh = self.path.open("w", encoding="utf-8-sig", newline="")
            self._writer = csv.writer(self._fh)
            self._writer.writerow(self.HEADER)

    def close(self) -> None:
        if self._fh is not None:
            self._fh.close()
            self._fh = None

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


class RejectsWriter(_CsvOut):
    """Writes every rejected row: file, row, field, reason."""

    HEADER = ("file", "row", "field", "reason")

    def write(self, reject: Reject) -> None:
        if self._writer is not None:
            self._writer.writerow((reject.file, reject.row, reject.field, reject.reason))


class ReviewWriter(_CsvOut):
    """Writes every look-alike left for review, one line per (input, candidate), with a blank
    是否同一 column for the analyst. Filled in (是 on the right line) and saved in a source folder
    as ``别名*.csv`` / ``aliases*.csv``, it is an alias table: the next ingest merges those names
    (:func:`ingest.mapping.load_alias_table` reads only the lines marked 是)."""

    HEADER = ("别名", "标准名称", "是否同一", "相似度", "文件", "行", "暂存为", "相似节点")

    def __init__(self, path: str | Path | None) -> None:
        super().__init__(path)
        self._seen: set[str] = set()

    def write(self, file: str, item: ReviewItem) -> None:
        """Every input once per run, with each of its candidates."""
        if self._writer is None or item.input in self._seen:
            return
        self._seen.add(item.input)
        for c in item.candidates:
            kept = item.kept_as or "(rejected)"
            self._writer.writerow((item.input, c.name, "", c.score, file, item.row, kept, c.id))
