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
from pathlib import Path
from typing import Any

from tqdm import tqdm

from ingest.loader import Loaded, Loader, RowLoader
from ingest.mapper import RowRejected
from ingest.mapping import Mapping, load_mapping
from ingest.plan import folder_plan, mapping_aliases, read_alias_file
from ingest.readers import Record, RowError, format_of, read_records
from ingest.report import MAX_LISTED, IngestReport, RejectsWriter, ReviewWriter
from ingest.resolve import Resolver
from ingest.retract import retract_stale
from ingest.writer import InlineWriter, Writer, Writers, reject
from ingest.writer_process import ProcessWriter
from kg.errors import InvalidInput
from kg.gcpause import collector_paused
from kg.model import new_provenance
from kg.settings import get_settings
from kg.stores.base import GraphStore

# Rows per batch sent to a writer process: the two processes overlap batch by batch. 100x county,
# prototype waiting at each file end: 5,000 (101.7 s) rather than 20,000 (113 s).
_PROCESS_BATCH = 5000
# Ids the resolver created whose rows a writer process has not yet made visible here: beyond this
# many the writer commits (``sync``) so the resolver can forget them; memory stays bounded.
_UNWRITTEN_LIMIT = 500_000


def file_sha256(path: Path) -> str:
    """The SHA-256 of a file, read in 1 MiB chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


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


def _note(
    report: IngestReport,
    loaded: Loaded,
    seen_merges: set[tuple[str, str]],
    seen_review: set[str],
    review: ReviewWriter | None,
) -> None:
    """The merges and review items of a row into the report, each input once, up to a limit; the
    review items into the review CSV, all of them."""
    for merge in loaded.merges:
        if (merge.input, merge.id) not in seen_merges and len(report.merges) < MAX_LISTED:
            seen_merges.add((merge.input, merge.id))
            report.merges.append(merge)
    for item in loaded.review:
        if review is not None:
            review.write(report.file, item)
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
    writer: Writer | None = None,
    review: ReviewWriter | None = None,
) -> IngestReport:
    started = time.perf_counter()
    out_writer = writer or InlineWriter(store)
    # A type's names are read from the store once, when first needed: through a writer process,
    # wait for what it has not committed yet, so they are all there. Set by every run, as a
    # resolver may outlive the writer of an earlier one.
    resolver.before_store_read = None
    if isinstance(out_writer, ProcessWriter):
        batch_size = min(batch_size, _PROCESS_BATCH)  # smaller batches: finer overlap
        resolver.before_store_read = out_writer.sync
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
    batch: list[tuple[int, Loaded]] = []
    seen_merges: set[tuple[str, str]] = set()
    seen_review: set[str] = set()
    fmt = mapping.format or format_of(path.name)
    rows_read = 0
    # One bulk session per file (in this process or the writer's): the store groups the batches
    # into larger transactions (SQLite: KG_BULK_COMMIT_ROWS changed rows each).
    with (
        path.open("rb") as fh,
        collector_paused(),
        out_writer.file(report, rejects) as out,
    ):
        options = _reader_options(mapping, fmt)
        if fmt in ("csv", "tsv", "xlsx") and mapping.header and mapping.triples is None:
            options |= {"expect": mapping.used_columns(), "notes": report.warnings}
        records: Iterable[Record] = read_records(fh, fmt, **options)
        if progress:
            records = tqdm(records, desc=path.name, unit=" rows", mininterval=0.5)
        load, name = loader.load, mapping.name
        checked = False
        for row, record in records:
            rows_read += 1
            if isinstance(record, RowError):  # unreadable (a JSONL line that is not JSON)
                reject(report, rejects, row, record.field, record.reason)
                continue
            if not checked:
                checked = True
                missing = loader.check_columns(record)
                if missing:
                    report.warnings.append(
                        f"columns not in the file, read as empty: {', '.join(missing)}"
                    )
            prov = (new_provenance(name, sha, row, now),)
            try:
                loaded = load(row, record, prov)
            except RowRejected as exc:
                reject(report, rejects, row, exc.field, exc.reason)
                continue
            if loaded.merges or loaded.review:
                _note(report, loaded, seen_merges, seen_review, review)
            batch.append((row, loaded))
            if len(batch) >= batch_size:
                out.write(batch)
                batch = []
                if not out.visible and resolver.unwritten > _UNWRITTEN_LIMIT:
                    out.sync()
                if out.visible:
                    resolver.batch_written()
                gc.collect(1)  # the young generations, the batch written: see kg.gcpause
        out.write(batch)
        # The last batch let go before the young generations are collected, still paused: the
        # collector finds only what outlives the file (was: the whole batch, found alive and
        # moved to the old generation, then traversed again by the collection that resuming
        # triggers, ~0.1 s a file at 10x).
        batch = []
        gc.collect(1)
    if out.visible:  # inline; a writer process answers later (ProcessWriter)
        resolver.batch_written()
    report.rows_read = rows_read
    report.rows_accepted = report.rows_read - report.rows_rejected
    if report.rows_read == 0:
        report.warnings.append("没有数据行 no data rows: the file is empty or has only a header")
    report.version_after = store.version
    report.seconds = round(time.perf_counter() - started, 3)
    return report


def _replace(store: GraphStore, report: IngestReport, out: Writer) -> None:
    """After a file ran: remove what only earlier versions of its source stated (its writes made
    visible first: a writer process commits them)."""
    if isinstance(out, ProcessWriter):
        out.sync()
    if report.rows_accepted == 0 or report.rows_rejected:
        why = "rows were rejected" if report.rows_rejected else "no row loaded"
        report.warnings.append(
            f"未替换 not replaced: {why}, so --replace removed nothing (what a rejected row "
            "stated would go); fix the file and run again"
        )
        return
    report.replaced = retract_stale(store, report.source, report.sha256)
    report.version_after = store.version


def _review_writer(path: str | Path | None) -> ReviewWriter:
    """The review CSV, refusing to overwrite one that holds decisions (lines marked 是)."""
    if path is not None and Path(path).is_file():
        try:
            decided = read_alias_file(Path(path))
        except InvalidInput:
            decided = {}
        if decided:
            raise InvalidInput(
                f"{path} holds review decisions (lines marked 是): save it in the source folder as "
                "别名*.csv to use them, and write the next review list elsewhere"
            )
    return ReviewWriter(path)


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
    writer: str | None = None,
    review_path: str | Path | None = None,
    replace: bool = False,
) -> IngestReport:
    """Ingest one source file by ``mapping`` (a :class:`Mapping` or a YAML path) into ``store``.

    ``aliases`` (alias → canonical name) add to the alias tables the mapping names; a shared
    ``resolver`` carries resolution state across files (``ingest_folder`` passes one).
    ``writer`` (``inline``, ``process`` or ``auto``; default ``KG_INGEST_WRITER``) says where the
    batches are written (:mod:`ingest.writer`). ``review_path``: a CSV of every look-alike left
    for review (:class:`ingest.report.ReviewWriter`). ``replace``: the file replaces the earlier
    versions of its source; what only they stated is removed (:mod:`ingest.retract`).
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
    with (
        RejectsWriter(rejects_path) as rejects,
        _review_writer(review_path) as review,
        Writers(store, writer) as writers,
    ):
        out = writers.for_file(path)
        report = _run(store, path, m, resolver, rejects, size, progress, out, review)
        if replace:
            _replace(store, report, out)
        return report


def ingest_mapping(store: GraphStore, mapping_path: str | Path, **options: Any) -> IngestReport:
    """Ingest the source file a mapping file names (``source:``, relative to the mapping)."""
    mapping = load_mapping(mapping_path)
    return ingest_file(store, mapping.source_path(), mapping, **options)


def ingest_folder(
    store: GraphStore,
    folder: str | Path,
    *,
    batch_size: int | None = None,
    rejects_path: str | Path | None = None,
    progress: bool = False,
    writer: str | None = None,
    review_path: str | Path | None = None,
    replace: bool = False,
) -> list[IngestReport]:
    """Ingest every mapping of ``folder`` in order, with one resolver (so names met in one file
    resolve in the next), one rejects CSV and one review CSV for all files; ``writer`` and
    ``replace`` as for :func:`ingest_file` (one writer process for the folder)."""
    mappings, aliases = folder_plan(folder)
    resolver = Resolver(store, aliases)
    size = batch_size or get_settings().batch_size
    reports = []
    with (
        RejectsWriter(rejects_path) as rejects,
        _review_writer(review_path) as review,
        Writers(store, writer) as writers,
    ):
        for mapping in mappings:
            resolver.add_aliases(mapping_aliases(mapping))
            path = mapping.source_path()
            if not path.is_file():
                raise InvalidInput(f"{mapping.path}: source file {path} does not exist")
            out = writers.for_file(path)
            report = _run(store, path, mapping, resolver, rejects, size, progress, out, review)
            if replace:
                _replace(store, report, out)
            reports.append(report)
    return reports
