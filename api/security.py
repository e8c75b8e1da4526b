"""Who may write (and, when configured, read): the API key, checked in constant time, and the
append-only audit log of writes.

The key is configured as ``KG_API_KEY_HASH`` (sha256 hex) or ``KG_API_KEY`` (hashed at start-up;
the plain text is dropped from the app's settings). Clients send it as ``X-API-Key: <key>`` or
``Authorization: Bearer <key>``. With no key configured, writes are refused: a store is never
writable by anyone who can reach the port.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import os
import re
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer

from kg.errors import InvalidInput, Unauthorized
from kg.settings import Settings

log = logging.getLogger("ikg.security")

_HEX64 = re.compile(r"[0-9a-f]{64}")

_api_key_header = APIKeyHeader(
    name="X-API-Key",
    auto_error=False,
    description="the write key (or read key when reads are keyed)",
)
_bearer = HTTPBearer(auto_error=False, description="the same key as a bearer token")


def hash_key(key: str) -> str:
    """sha256 hex of a key: what is configured and compared, never the key itself."""
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class KeyCheck:
    """The configured key's hash; ``None`` when no key is configured (writes refused)."""

    key_hash: str | None

    @classmethod
    def from_settings(cls, settings: Settings) -> KeyCheck:
        if settings.api_key_hash:
            h = settings.api_key_hash.strip().lower()
            if not _HEX64.fullmatch(h):
                raise InvalidInput("KG_API_KEY_HASH must be the 64-character sha256 hex of the key")
            return cls(h)
        if settings.api_key is not None and settings.api_key.get_secret_value():
            return cls(hash_key(settings.api_key.get_secret_value()))
        return cls(None)

    @property
    def key_id(self) -> str | None:
        """First 8 hex of the hash: names the key in logs without revealing it."""
        return self.key_hash[:8] if self.key_hash else None

    def verify(self, presented: str | None) -> str:
        """The key id if ``presented`` is the configured key; otherwise ``Unauthorized``."""
        if self.key_hash is None:
            raise Unauthorized("writes are disabled: no API key is configured on the server")
        if not presented:
            raise Unauthorized("an API key is required (header X-API-Key or Authorization: Bearer)")
        # Both sides are 64-char hex digests, so the comparison time does not depend on the key.
        if not hmac.compare_digest(hash_key(presented), self.key_hash):
            raise Unauthorized("invalid API key")
        return self.key_hash[:8]


def secure_settings(settings: Settings) -> tuple[Settings, KeyCheck]:
    """The settings without the plain-text key, and the key check built from it."""
    check = KeyCheck.from_settings(settings)
    return settings.model_copy(update={"api_key": None, "api_key_hash": check.key_hash}), check


def _presented(header: str | None, bearer: HTTPAuthorizationCredentials | None) -> str | None:
    if header:
        return header
    return bearer.credentials if bearer is not None else None


def _key_check(request: Request) -> KeyCheck:
    check: KeyCheck | None = getattr(request.app.state, "key_check", None)
    return check if check is not None else KeyCheck(None)


async def require_write_key(
    request: Request,
    header: Annotated[str | None, Depends(_api_key_header)],
    bearer: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> str:
    """The key id of a request that presented the write key; ``Unauthorized`` otherwise."""
    try:
        return _key_check(request).verify(_presented(header, bearer))
    except Unauthorized:
        log.warning(
            "refused write %s %s from %s", request.method, request.url.path, _client(request)
        )
        raise


async def require_read_access(
    request: Request,
    header: Annotated[str | None, Depends(_api_key_header)],
    bearer: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> str | None:
    """Open unless ``Settings.read_requires_key``; then the same key as for writes."""
    settings: Settings = request.app.state.settings
    if not settings.read_requires_key:
        return None
    return _key_check(request).verify(_presented(header, bearer))


def _client(request: Request) -> str:
    return request.client.host if request.client else "?"


WriteKey = Annotated[str, Depends(require_write_key)]
ReadAccess = Annotated[str | None, Depends(require_read_access)]


class AuditLog:
    """Append-only JSON lines, one per write: key id, time, route, source, sha256, counts.

    Each record is one ``write`` on a file opened with ``O_APPEND``, so concurrent writers (threads
    or processes) never interleave within a line; the file is never rewritten.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()

    def record(
        self,
        *,
        key_id: str,
        route: str,
        outcome: str,
        source: str | None = None,
        sha256: str | None = None,
        counts: dict[str, Any] | None = None,
        detail: str | None = None,
    ) -> dict[str, Any]:
        entry: dict[str, Any] = {
            "time": datetime.now(UTC).isoformat(timespec="milliseconds"),
            "key_id": key_id,
            "route": route,
            "outcome": outcome,
            "source": source,
            "sha256": sha256,
            "counts": counts or {},
        }
        if detail:
            entry["detail"] = detail[:500]
        line = (json.dumps(entry, ensure_ascii=False) + "\n").encode("utf-8")
        with self._lock:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
            try:
                os.write(fd, line)
                os.fsync(fd)
            finally:
                os.close(fd)
        return entry

    def entries(self) -> list[dict[str, Any]]:
        """Every record so far, oldest first."""
        if not self.path.exists():
            return []
        with self.path.open(encoding="utf-8") as f:
            return [json.loads(line) for line in f if line.strip()]


def get_audit_log(request: Request) -> AuditLog:
    audit: AuditLog = request.app.state.audit_log
    return audit


AuditDep = Annotated[AuditLog, Depends(get_audit_log)]
