"""The FastAPI application: routers, one error handler for the whole ``KGError`` tree."""

from __future__ import annotations

import importlib
import logging
import pkgutil
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException

from api.caching import CachedReads, ResponseCache
from api.pages import is_page, page_error
from api.routes import entities, health
from api.security import AuditLog, require_read_access, secure_settings
from api.uploads import MB, BodyLimit
from api.viz.render import STATIC
from kg.errors import KGError
from kg.settings import Settings, get_settings
from kg.stores import open_store
from kg.stores.base import GraphStore

log = logging.getLogger("ikg.api")


_HTTP_CODES = {
    401: "unauthorized",
    404: "not_found",
    405: "method_not_allowed",
    413: "payload_too_large",
}


def _error(status: int, code: str, message: str, request: Request | None = None) -> Response:
    """The one error shape: JSON ``{status, code, message}``; an HTML page for dashboard pages."""
    if request is not None and is_page(request):
        return page_error(request, status, code, message)
    return JSONResponse({"status": status, "code": code, "message": message}, status_code=status)


def create_app(settings: Settings | None = None, store: GraphStore | None = None) -> FastAPI:
    """Build the app over ``store`` (or the store named by ``settings.store``)."""
    # The plain-text API key goes no further than this line: the app keeps only its hash.
    settings, key_check = secure_settings(settings or get_settings())

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if getattr(app.state, "store", None) is None:
            app.state.store = open_store(settings.store)
        yield

    app = FastAPI(
        title="innovation-kg",
        summary="区域创新生态知识图谱 · Regional innovation-ecosystem knowledge graph",
        version="0.1.0",
        lifespan=lifespan,
        responses={
            404: {"description": "not found"},
            422: {"description": "invalid input"},
        },
    )
    app.state.settings = settings
    app.state.store = store
    app.state.key_check = key_check
    app.state.audit_log = AuditLog(settings.audit_log)
    # Half the budget for the routes' cache (validated parameters), half for the URLs the
    # middleware answers before routing; they share most bodies.
    app.state.response_cache = ResponseCache(settings.response_cache_mb * MB // 2)
    app.add_middleware(BodyLimit, limit=lambda: settings.max_upload_mb * MB)
    app.add_middleware(CachedReads, max_bytes=settings.response_cache_mb * MB // 2)

    @app.exception_handler(KGError)
    async def kg_error(request: Request, exc: KGError) -> Response:
        return _error(exc.status, exc.code, exc.message, request)

    @app.exception_handler(RequestValidationError)
    async def bad_request(request: Request, exc: RequestValidationError) -> Response:
        parts = []
        for err in exc.errors():
            where = ".".join(str(x) for x in err.get("loc", ()))
            parts.append(f"{where}: {err.get('msg', 'invalid')}")
        return _error(422, "invalid_input", "; ".join(parts) or "invalid request", request)

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> Response:
        code = _HTTP_CODES.get(exc.status_code, "http_error")
        response = _error(exc.status_code, code, str(exc.detail), request)
        if exc.headers:
            response.headers.update(exc.headers)
        return response

    @app.exception_handler(Exception)
    async def internal(request: Request, exc: Exception) -> Response:
        log.exception("unhandled error", exc_info=exc)
        return _error(500, "internal_error", "internal error; see the server log", request)

    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    # Reads are open unless Settings.read_requires_key; /health stays open for liveness probes
    # (its /stats route carries the dependency itself).
    keyed = [Depends(require_read_access)]
    app.include_router(health.router)
    app.include_router(entities.router, dependencies=keyed)
    for router in _discovered_routers():
        app.include_router(router, dependencies=keyed)
    return app


def _discovered_routers() -> list[APIRouter]:
    """Every other module of ``api.routes`` that defines ``router``, in name order."""
    import api.routes

    found = []
    for mod in sorted(pkgutil.iter_modules(api.routes.__path__), key=lambda m: m.name):
        if mod.name in ("health", "entities"):
            continue
        module = importlib.import_module(f"api.routes.{mod.name}")
        router = getattr(module, "router", None)
        if isinstance(router, APIRouter):
            found.append(router)
    return found
