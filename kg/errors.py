"""One exception tree for the whole product; each error knows its HTTP status and CLI exit code."""

from __future__ import annotations


class KGError(Exception):
    """Base of every domain error. ``status`` is the HTTP status, ``code`` a stable machine name."""

    status: int = 500
    code: str = "kg_error"
    exit_code: int = 1

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InvalidInput(KGError):
    """Input that cannot be accepted: bad parameters, a bad record, an unknown type."""

    status = 422
    code = "invalid_input"
    exit_code = 2


class EntityNotFound(KGError):
    """An id or name that names no node in the store."""

    status = 404
    code = "entity_not_found"
    exit_code = 3


class NoPath(KGError):
    """Two entities with no connecting path under the given constraints."""

    status = 404
    code = "no_path"
    exit_code = 4


class Unauthorized(KGError):
    """A write or keyed read without a valid API key."""

    status = 401
    code = "unauthorized"
    exit_code = 5


class PayloadTooLarge(KGError):
    """An upload over the configured size limit."""

    status = 413
    code = "payload_too_large"
    exit_code = 2


class StoreUnavailable(KGError):
    """The configured store cannot be reached or opened."""

    status = 503
    code = "store_unavailable"
    exit_code = 6
