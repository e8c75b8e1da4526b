"""``POST /ingest``: upload a data file and a mapping; the same pipeline as ``ikg ingest`` runs and
its report comes back. API key required; size, type and names checked before a row is parsed."""

from __future__ import annotations

import re
from pathlib import PurePosixPath
from typing import Annotated

import yaml
from fastapi import APIRouter, File, Form, UploadFile
from starlette.concurrency import run_in_threadpool

from api.deps import SettingsDep, StoreDep
from api.schemas import ErrorOut
from api.security import AuditDep, WriteKey
from api.uploads import MAX_MAPPING_BYTES, MB, SavedUpload, save_upload
from ingest.mapping import Mapping, parse_mapping
from ingest.pipeline import ingest_file
from ingest.plan import SHIPPED_MAPPINGS, shipped_mappings
from ingest.report import IngestReport
from kg.errors import InvalidInput, KGError

router = APIRouter(tags=["ingest"])

MAPPINGS_DIR = SHIPPED_MAPPINGS
_NAME = re.compile(r"[\w\-·（）() ]{1,100}")


def _shipped(name: str) -> Mapping:
    from ingest.mapping import load_mapping

    known = shipped_mappings()
    if not _NAME.fullmatch(name) or name not in known:
        raise InvalidInput(
            f"no shipped mapping named {name!r}; known: {', '.join(known) or '(none)'}"
        )
    return load_mapping(known[name])


def _uploaded(upload: UploadFile) -> Mapping:
    """A mapping from an uploaded YAML file: small, plain (no anchors), alias tables only by the
    bare name of a shipped table (an uploaded mapping never names a path on this server)."""
    name = upload.filename or "mapping.yaml"
    if PurePosixPath(name.replace("\\", "/")).suffix.lower() not in (".yaml", ".yml"):
        raise InvalidInput("the mapping upload must be a .yaml or .yml file")
    raw = upload.file.read(MAX_MAPPING_BYTES + 1)
    if len(raw) > MAX_MAPPING_BYTES:
        raise InvalidInput(f"the mapping upload is over {MAX_MAPPING_BYTES // 1024} KiB")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidInput("the mapping upload is not UTF-8 text") from None
    try:
        # Anchors and aliases let a few bytes expand into a huge document ("billion laughs").
        if any(isinstance(ev, yaml.AliasEvent) for ev in yaml.parse(text, Loader=yaml.SafeLoader)):
            raise InvalidInput(
                "YAML anchors/aliases (*name) are not accepted in an uploaded mapping"
            )
    except yaml.YAMLError as exc:
        raise InvalidInput(f"uploaded mapping: not valid YAML: {exc}") from None
    mapping = parse_mapping(text, where="uploaded mapping", path=MAPPINGS_DIR / "uploaded.yaml")
    for table in mapping.aliases:
        if table != PurePosixPath(table).name or not (MAPPINGS_DIR / table).is_file():
            raise InvalidInput(
                f"uploaded mapping: alias table {table!r} must be the bare name of a shipped table"
            )
    return mapping


def _counts(report: IngestReport) -> dict[str, object]:
    return {
        "rows_read": report.rows_read,
        "rows_accepted": report.rows_accepted,
        "rows_rejected": report.rows_rejected,
        "nodes": report.nodes.model_dump(),
        "edges": report.edges.model_dump(),
    }


@router.post(
    "/ingest",
    response_model=IngestReport,
    responses={
        401: {"model": ErrorOut, "description": "no or wrong API key"},
        413: {"model": ErrorOut, "description": "upload over Settings.max_upload_mb"},
        422: {"model": ErrorOut, "description": "bad file type, bad mapping or unreadable file"},
    },
)
async def ingest_upload(
    store: StoreDep,
    settings: SettingsDep,
    key_id: WriteKey,
    audit: AuditDep,
    file: Annotated[UploadFile, File(description="CSV/TSV, XLSX, JSON/JSONL, RDF or triples")],
    mapping: Annotated[
        str | None, Form(max_length=100, description="name of a shipped mapping, e.g. 企业名录")
    ] = None,
    mapping_file: Annotated[
        UploadFile | None, File(description="or: your own mapping (YAML)")
    ] = None,
    replace: Annotated[
        bool,
        Form(
            description="the file replaces the earlier versions of its source: what only they "
            "stated is removed (see `replaced` in the report)"
        ),
    ] = False,
) -> IngestReport:
    """Ingest an uploaded file with a shipped or uploaded mapping; returns the ingest report
    (rows read, loaded and rejected with row, field and reason; merges; the review list)."""
    route = "POST /ingest"
    shown = PurePosixPath((file.filename or "").replace("\\", "/")).name[:200] or "upload"
    saved: SavedUpload | None = None
    try:
        if (mapping is None) == (mapping_file is None):
            raise InvalidInput("give exactly one of `mapping` (a shipped name) or `mapping_file`")
        chosen = _shipped(mapping) if mapping is not None else _uploaded(mapping_file)  # type: ignore[arg-type]
        saved = await run_in_threadpool(
            save_upload,
            file.file,
            file.filename,
            directory=settings.upload_dir,
            max_bytes=settings.max_upload_mb * MB,
        )
        # Inline: the server's other writes wait for the upload's bulk session on the store's own
        # lock, which a writer process would not hold.
        report = await run_in_threadpool(
            ingest_file, store, saved.path, chosen, writer="inline", replace=replace
        )
    except KGError as exc:
        audit.record(
            key_id=key_id,
            route=route,
            outcome=exc.code,
            source=shown,
            sha256=saved.sha256 if saved else None,
            detail=exc.message,
        )
        raise
    finally:
        if saved is not None:
            saved.path.unlink(missing_ok=True)
    # The pipeline saw the server's name for the file; the analyst should see theirs.
    report = report.model_copy(
        update={
            "file": saved.name,
            "rejects": [r.model_copy(update={"file": saved.name}) for r in report.rejects],
        }
    )
    audit.record(
        key_id=key_id,
        route=route,
        outcome="ok",
        source=f"{saved.name} ({chosen.name})",
        sha256=saved.sha256,
        counts=_counts(report),
    )
    return report
