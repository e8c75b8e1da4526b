"""Uploads kept safe: a request-body size limit enforced while the body streams in, a type check by
extension *and* content, and server-chosen file names (an uploaded name never becomes a path)."""

from __future__ import annotations

import hashlib
import re
import uuid
import zipfile
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import IO

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from kg.errors import InvalidInput, PayloadTooLarge

MB = 1024 * 1024
_CHUNK = 1024 * 1024
_SNIFF = 64 * 1024

# Extension → content kind. Everything else is refused before a byte is parsed.
KINDS: dict[str, str] = {
    ".csv": "text",
    ".tsv": "text",
    ".txt": "text",
    ".edges": "text",
    ".nt": "text",
    ".nq": "text",
    ".ttl": "text",
    ".n3": "text",
    ".json": "json",
    ".jsonl": "json",
    ".ndjson": "json",
    ".jsonld": "json",
    ".xlsx": "xlsx",
    ".rdf": "xml",
    ".owl": "xml",
    ".xml": "xml",
}
MAPPING_KINDS = {".yaml": "text", ".yml": "text"}
MAX_MAPPING_BYTES = 256 * 1024

# Magic numbers of binary formats that must never be parsed as text.
_BINARY_MAGIC = (
    b"PK\x03\x04",
    b"%PDF",
    b"\x7fELF",
    b"MZ",
    b"\x89PNG",
    b"\xff\xd8\xff",
    b"GIF8",
    b"\x1f\x8b",
    b"BZh",
    b"\xfd7zXZ",
    b"Rar!",
    b"7z\xbc\xaf",
    b"\xd0\xcf\x11\xe0",  # legacy .xls / OLE
    b"SQLite format 3",
)
_BOMS = (b"\xef\xbb\xbf",)


class _TooLarge(HTTPException):
    def __init__(self, limit: int) -> None:
        super().__init__(413, f"request body over the limit of {limit // MB} MB")


class BodyLimit:
    """ASGI middleware: refuse bodies over ``limit()`` bytes, by Content-Length up front and by
    counting while the body streams in (a chunked or lying client is cut off at the limit)."""

    def __init__(self, app: ASGIApp, limit: Callable[[], int]) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit()
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            await _reject(send, limit)
            return
        received = 0

        async def counted() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise _TooLarge(limit)
            return message

        await self.app(scope, counted, send)


async def _reject(send: Callable[[Message], Awaitable[None]], limit: int) -> None:
    body = (
        '{"status":413,"code":"payload_too_large","message":"request body over the limit of '
        f'{limit // MB} MB"}}'
    ).encode()
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


_UNSAFE = re.compile(r"[\x00-\x1f\x7f]")


def display_name(uploaded: str | None) -> str:
    """The uploaded file name reduced to a harmless label (last path part, no control characters);
    used for reports and provenance only, never as a path."""
    name = PurePosixPath((uploaded or "").replace("\\", "/")).name
    name = _UNSAFE.sub("", name).strip().lstrip(".")
    return name[:200] or "upload"


def extension_of(uploaded: str | None, allowed: dict[str, str]) -> str:
    """The lower-cased extension of an uploaded name if it is one of ``allowed``."""
    base = _UNSAFE.sub("", PurePosixPath((uploaded or "").replace("\\", "/")).name).strip()
    suffix = PurePosixPath(base).suffix.lower()
    if suffix not in allowed:
        raise InvalidInput(
            f"file type {suffix or '(none)'!r} is not accepted; use one of "
            f"{', '.join(sorted(allowed))}"
        )
    return suffix


@dataclass(frozen=True)
class SavedUpload:
    """An upload written under a server-chosen name: where, what it was called, its hash and size."""

    path: Path
    name: str
    sha256: str
    size: int


def save_upload(
    src: IO[bytes],
    uploaded_name: str | None,
    *,
    directory: Path,
    max_bytes: int,
    allowed: dict[str, str] = KINDS,
) -> SavedUpload:
    """Copy ``src`` to ``directory/<random>.<ext>``, hashing and size-checking as it goes, then
    check that its content is what its extension claims. Nothing is left behind on failure."""
    ext = extension_of(uploaded_name, allowed)
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{uuid.uuid4().hex}{ext}"
    digest = hashlib.sha256()
    size = 0
    try:
        with path.open("xb") as out:
            while chunk := src.read(_CHUNK):
                size += len(chunk)
                if size > max_bytes:
                    raise PayloadTooLarge(f"upload over the limit of {max_bytes // MB} MB")
                digest.update(chunk)
                out.write(chunk)
        check_content(path, allowed[ext], ext, max_bytes=max_bytes)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return SavedUpload(path, display_name(uploaded_name), digest.hexdigest(), size)


def check_content(path: Path, kind: str, ext: str, *, max_bytes: int) -> None:
    """Refuse content that does not match its extension (a renamed binary, an empty file is fine)."""
    with path.open("rb") as f:
        head = f.read(_SNIFF)
    if not head:
        return  # an empty file is the pipeline's to report, with its own clear message
    if kind == "xlsx":
        _check_xlsx(path, max_bytes)
        return
    if any(head.startswith(m) for m in _BINARY_MAGIC):
        raise InvalidInput(f"{ext} upload is a binary file, not text")
    if b"\x00" in head:
        raise InvalidInput(
            f"{ext} upload contains NUL bytes (UTF-16 or binary?); save it as UTF-8 or GB18030"
        )
    text = head
    for bom in _BOMS:
        if text.startswith(bom):
            text = text[len(bom) :]
    first = text.lstrip()[:1]
    if kind == "json" and first and first not in (b"{", b"["):
        raise InvalidInput(f"{ext} upload does not look like JSON (starts with {first!r})")
    if kind == "xml" and first and first != b"<":
        raise InvalidInput(f"{ext} upload does not look like RDF/XML (starts with {first!r})")


def _check_xlsx(path: Path, max_bytes: int) -> None:
    """An XLSX is a zip with a workbook; refuse other zips and zip bombs before openpyxl sees it."""
    try:
        with zipfile.ZipFile(path) as z:
            names = set(z.namelist())
            unpacked = sum(i.file_size for i in z.infolist())
    except (zipfile.BadZipFile, OSError) as exc:
        raise InvalidInput(f".xlsx upload is not a valid Excel workbook: {exc}") from None
    if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
        raise InvalidInput(".xlsx upload is a zip file but not an Excel workbook")
    if unpacked > 20 * max(max_bytes, 10 * MB):
        raise InvalidInput(".xlsx upload unpacks to too much data (a zip bomb?)")
