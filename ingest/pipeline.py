"""The ingest pipeline: read (streaming) → map → validate → resolve → upsert in batches → report.

A bad row is rejected with its row number, field and reason; the rest of the file loads. Memory
stays flat in file size: records are streamed and written every ``batch_size`` rows. Every node
and edge carries its provenance (source, file sha256, row, ingested_at); re-running the same file
changes nothing, a changed file updates in place.

>>> from kg.stores.sqlite import SQLiteStore  # doctest: +SKIP
>>> report = ingest_file(SQLiteStore("kg.sqlite"), "规上企业名录.csv", "规上企业名录.yaml")  # doctest: +SKIP
>>> report.rows_rejected  # doctest: +SKIP
0
"""

from __future__ import annotations

import gc
import hashlib
import time
from collections.abc import Iterable
from datetime import UTC, datetime
from itertools import islice
from pathlib import Path
from typing import Any

from tqdm import tqdm

from ingest.loader import Loaded, Loader, RowLoader
from ingest.mapper import RowRejected
from ingest.mapping import Mapping, load_alias_table, load_mapping
from ingest.readers import format_of, read_records
from ingest.report import MAX_LISTED, IngestReport, Reject, RejectsWriter
from ingest.resolve import Resolver
from kg.errors import InvalidInput
from kg.gcpause import collector_paused
from kg.model import Node, new_provenance
from kg.settings import get_settings
from kg.stores.base import GraphStore

_ALIAS_FILES = ("aliases", "别名")


def file_sha256(path: Path) -> str:
    """The SHA-256 of a file, read in 1 MiB chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def read_alias_file(path: Path) -> dict[str, str]:
    """An alias table file (YAML or CSV): alias → canonical name."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidInput(f"cannot read alias table {path}: {exc}") from exc
    return load_alias_table(text, suffix=path.suffix, where=str(path))


def mapping_aliases(mapping: Mapping) -> dict[str, str]:
    """The alias tables a mapping names, relative to the mapping file."""
    base = mapping.path.parent if mapping.path is not None else Path()
    out: dict[str, str] = {}
    for name in mapping.aliases:
        out.update(read_alias_file(base / name))
    return out


def _reader_options(mapping: Mapping, fmt: str) -> dict[str, Any]:
    if fmt in ("csv", "tsv"):
        opts: dict[str, Any] = {"encoding": mapping.encoding, "header": mapping.header}
        if mapping.delimiter:
            opts["delimiter"] = mapping.delimiter
        if mapping.columns:
            opts["columns"] = mapping.columns
        return opts
    if fmt == "xlsx":
        return {"sheet": mapping.sheet}
    if fmt == "jsonl":
        return {"encoding": mapping.encoding}
    if fmt == "json":
        return {"encoding": mapping.encoding, "records": mapping.records}
    if fmt == "rdf":
        return {"rdf_format": mapping.rdf_format}
    return {}


def _loader(mapping: Mapping, resolver: Resolver) -> Loader:
    if mapping.triples is not None:
        from ingest.triples import TriplesLoader

        return TriplesLoader(mapping, resolver)
    return RowLoader(mapping, resolver)


class _Repeats:
    """The nodes this run has written, by id: the content (type, name, aliases, properties) and row
    of the last one. A later row of the same file naming a node with the same content changes
    nothing (provenance keeps a file's first row), so it need not reach the store: the
    enterprise on a thousand patent rows is written once. Least recently named first out beyond
    ``limit``, so memory stays flat; a node forgotten is merely written again, found unchanged."""

    def __init__(self, limit: int = 50_000) -> None:
        self.limit = limit
        # id → (type, name, aliases, props, row) of the last one
        self.written: dict[str, tuple[Any, ...]] = {}
        self._pending: dict[str, tuple[Any, ...]] = {}

    def fresh(self, nodes: Iterable[Node]) -> list[Node]:
        """The nodes that may change something, in order; remembered as written on ``commit``."""
        written = self.written
        pending: dict[str, tuple[Any, ...]] = {}
        out = []
        for node in nodes:
            nid, prov = node.id, node.provenance
            row = prov[0].row or 0 if len(prov) == 1 else -1
            last = pending.get(nid) or written.get(nid)
            if (  # most nodes are repeats: compared field by field, no tuple built for them
                last is not None
                and row >= last[4] >= 0
                and last[0] == node.type
                and last[1] == node.name
                and last[2] == node.aliases
                and last[3] == node.props
            ):
                if nid in written:  # named again: keep it among the recent
                    written[nid] = written.pop(nid)
                continue
            pending[nid] = (node.type, node.name, node.aliases, node.props, row)
            out.append(node)
        self._pending = pending
        return out

    def commit(self) -> None:
        written = self.written
        for node_id, last in self._pending.items():
            written.pop(node_id, None)
            written[node_id] = last
        for node_id in list(islice(written, max(0, len(written) - self.limit))):
            del written[node_id]

    def forget(self) -> None:
        self.written.clear()


class _Batch:
    """Rows waiting to be written, kept per row so one bad row can be told from the rest."""

    def __init__(self, store: GraphStore, report: IngestReport, rejects: RejectsWriter) -> None:
        self.store = store
        self.report = report
        self.rejects = rejects
        self.rows: list[tuple[int, Loaded]] = []
        self.repeats = _Repeats()

    def add(self, row: int, loaded: Loaded) -> None:
        self.rows.append((row, loaded))

    def flush(self) -> None:
        if not self.rows:
            return
        nodes = self.repeats.fresh(n for _, loaded in self.rows for n in loaded.nodes)
        edges = [e for _, loaded in self.rows for e in loaded.edges]
        try:
            self.report.nodes.add(self.store.upsert_nodes(nodes))
        except InvalidInput:
            self.repeats.forget()
            self._in_parts(self.rows, with_nodes=True)
        else:
            self.repeats.commit()
            try:
                self.report.edges.add(self.store.upsert_edges(edges))
            except InvalidInput:
                self._in_parts(self.rows, with_nodes=False)
        self.rows.clear()

    def _in_parts(self, rows: list[tuple[int, Loaded]], *, with_nodes: bool) -> None:
        """``rows`` were refused by the store: write each half, halving a refused half again down
        to single rows, which are rejected. k refused rows among n cost about 2k·log2(n) batches
        instead of n one-row batches. Nodes written before a row's edges were refused stay (they
        were valid), as they would row by row."""
        if len(rows) > 1:
            mid = len(rows) // 2
            for part in (rows[:mid], rows[mid:]):
                write = self._in_parts if len(part) == 1 else self._write
                write(part, with_nodes=with_nodes)
            return
        ((row, loaded),) = rows
        try:
            if with_nodes:
                self.report.nodes.add(self.store.upsert_nodes(loaded.nodes))
            self.report.edges.add(self.store.upsert_edges(loaded.edges))
        except InvalidInput as exc:
            reject(
                self.report, self.rejects, row, "", f"存储拒绝 the store refused it: {exc.message}"
            )

    def _write(self, rows: list[tuple[int, Loaded]], *, with_nodes: bool) -> None:
        if with_nodes:
            try:
                self.report.nodes.add(self.store.upsert_nodes(n for _, r in rows for n in r.nodes))
            except InvalidInput:
                self._in_parts(rows, with_nodes=True)
                return
        try:
            self.report.edges.add(self.store.upsert_edges(e for _, r in rows for e in r.edges))
        except InvalidInput:
            self._in_parts(rows, with_nodes=False)


def reject(report: IngestReport, rejects: RejectsWriter, row: int, field: str, reason: str) -> None:
    item = Reject(file=report.file, row=row, field=field, reason=reason)
    report.rows_rejected += 1
    rejects.write(item)
    if len(report.rejects) < MAX_LISTED:
        report.rejects.append(item)


def _note(
    report: IngestReport, loaded: Loaded, seen_merges: set[tuple[str, str]], seen_review: set[str]
) -> None:
    """The merges and review items of a row into the report, each input once, up to a limit."""
    for merge in loaded.merges:
        if (merge.input, merge.id) not in seen_merges and len(report.merges) < MAX_LISTED:
            seen_merges.add((merge.input, merge.id))
            report.merges.append(merge)
    for item in loaded.review:
        if item.input not in seen_review and len(report.review) < MAX_LISTED:
            seen_review.add(item.input)
            report.review.append(item)


def _run(
    store: GraphStore,
    path: Path,
    mapping: Mapping,
    resolver: Resolver,
    rejects: RejectsWriter,
    batch_size: int,
    progress: bool,
) -> IngestReport:
    started = time.perf_counter()
    sha = file_sha256(path)
    report = IngestReport(
        file=path.name,
        source=mapping.name,
        sha256=sha,
        rejects_path=str(rejects.path) if rejects.path else None,
        version_before=store.version,
    )
    now = datetime.now(UTC).isoformat(timespec="seconds")
    loader = _loader(mapping, resolver)
    batch = _Batch(store, report, rejects)
    seen_merges: set[tuple[str, str]] = set()
    seen_review: set[str] = set()
    fmt = mapping.format or format_of(path.name)
    rows_read = 0
    # One bulk session per file: the store groups the batches into larger transactions (SQLite:
    # KG_BULK_COMMIT_ROWS changed rows each), and the file's work is committed by the report.
    with (
        path.open("rb") as fh,
        collector_paused(),
        store.bulk(),
    ):
        records: Iterable[tuple[int, dict[str, Any]]] = read_records(
            fh, fmt, **_reader_options(mapping, fmt)
        )
        if progress:
            records = tqdm(records, desc=path.name, unit=" rows", mininterval=0.5)
        load, name = loader.load, mapping.name
        for row, record in records:
            if rows_read == 0:
                missing = loader.check_columns(record)
                if missing:
                    report.warnings.append(
                        f"columns not in the file, read as empty: {', '.join(missing)}"
                    )
            rows_read += 1
            prov = (new_provenance(name, sha, row, now),)
            try:
                loaded = load(row, record, prov)
            except RowRejected as exc:
                reject(report, rejects, row, exc.field, exc.reason)
                continue
            if loaded.merges or loaded.review:
                _note(report, loaded, seen_merges, seen_review)
            batch.add(row, loaded)
            if len(batch.rows) >= batch_size:
                batch.flush()
                resolver.batch_written()
                gc.collect(1)  # the young generations, the batch written: see kg.gcpause
        batch.flush()
        resolver.batch_written()
        gc.collect(1)
    report.rows_read = rows_read
    report.rows_accepted = report.rows_read - report.rows_rejected
    if report.rows_read == 0:
        report.warnings.append("没有数据行 no data rows: the file is empty or has only a header")
    report.version_after = store.version
    report.seconds = round(time.perf_counter() - started, 3)
    return report


def ingest_file(
    store: GraphStore,
    source_path: str | Path,
    mapping: Mapping | str | Path,
    *,
    batch_size: int | None = None,
    rejects_path: str | Path | None = None,
    progress: bool = False,
    aliases: dict[str, str] | None = None,
    resolver: Resolver | None = None,
) -> IngestReport:
    """Ingest one source file by ``mapping`` (a :class:`Mapping` or a YAML path) into ``store``.

    ``aliases`` (alias → canonical name) add to the alias tables the mapping names; a shared
    ``resolver`` carries resolution state across files (``ingest_folder`` passes one).
    """
    m = mapping if isinstance(mapping, Mapping) else load_mapping(mapping)
    path = Path(source_path)
    if not path.is_file():
        raise InvalidInput(f"no such source file: {path}")
    if resolver is None:
        resolver = Resolver(store, {**mapping_aliases(m), **(aliases or {})})
    else:
        resolver.add_aliases({**mapping_aliases(m), **(aliases or {})})
    size = batch_size or get_settings().batch_size
    with RejectsWriter(rejects_path) as rejects:
        return _run(store, path, m, resolver, rejects, size, progress)


def ingest_mapping(store: GraphStore, mapping_path: str | Path, **options: Any) -> IngestReport:
    """Ingest the source file a mapping file names (``source:``, relative to the mapping)."""
    mapping = load_mapping(mapping_path)
    return ingest_file(store, mapping.source_path(), mapping, **options)


def folder_plan(folder: str | Path) -> tuple[list[Mapping], dict[str, str]]:
    """The mappings of a folder in load order (``order:``, then file name) and its alias tables
    (files named ``aliases*`` / ``别名*``, YAML or CSV)."""
    root = Path(folder)
    if not root.is_dir():
        raise InvalidInput(f"no such folder: {root}")
    mappings: list[Mapping] = []
    aliases: dict[str, str] = {}
    for path in sorted(root.iterdir()):
        if not path.is_file():
            continue
        if path.name.startswith(_ALIAS_FILES) and path.suffix.lower() in (".yaml", ".yml", ".csv"):
            aliases.update(read_alias_file(path))
        elif path.suffix.lower() in (".yaml", ".yml"):
            mapping = load_mapping(path)
            if mapping.source is None:
                raise InvalidInput(f"{path}: a mapping in a folder must name its `source:` file")
            mappings.append(mapping)
    if not mappings:
        raise InvalidInput(f"no mapping files (*.yaml naming a `source:`) in {root}")
    mappings.sort(key=lambda m: (m.order, str(m.path)))
    return mappings, aliases


def ingest_folder(
    store: GraphStore,
    folder: str | Path,
    *,
    batch_size: int | None = None,
    rejects_path: str | Path | None = None,
    progress: bool = False,
) -> list[IngestReport]:
    """Ingest every mapping of ``folder`` in order, with one resolver (so names met in one file
    resolve in the next) and one rejects CSV for all files."""
    mappings, aliases = folder_plan(folder)
    resolver = Resolver(store, aliases)
    size = batch_size or get_settings().batch_size
    reports = []
    with RejectsWriter(rejects_path) as rejects:
        for mapping in mappings:
            resolver.add_aliases(mapping_aliases(mapping))
            path = mapping.source_path()
            if not path.is_file():
                raise InvalidInput(f"{mapping.path}: source file {path} does not exist")
            reports.append(_run(store, path, mapping, resolver, rejects, size, progress))
    return reports
