"""The FastAPI application factory: one app serves the SPARQL endpoint, the JSON API and the pages.

`create_app(settings)` builds a fresh app around a `LiveGraph`, so tests can make an app with tight
limits (a 200 ms query timeout, a tiny row cap) without touching global state. Each concern
registers its own router here: SPARQL protocol and canned queries, network analytics, web pages.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import gc
import logging
import os
import signal
import time
import uuid
from collections.abc import AsyncIterator, MutableMapping
from datetime import UTC, datetime
from http import HTTPStatus
from typing import Any

import anyio
from fastapi import FastAPI, Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from mkbgraph._version import __version__
from mkbgraph.api.http_cache import ConditionalGetMiddleware
from mkbgraph.api.models import Health, Ready
from mkbgraph.config import Settings, get_settings
from mkbgraph.errors import ServiceError
from mkbgraph.graph.store import LiveGraph, ReloadOutcome
from mkbgraph.web.pages import error_page
from mkbgraph.web.security import SECURITY_HEADERS

logger = logging.getLogger(__name__)


def create_app(settings: Settings | None = None, live: LiveGraph | None = None) -> FastAPI:
    """Build the app. The graph is loaded and validated here, before the first request; the
    query workers start and the page caches fill in the lifespan, before the server binds."""
    settings = settings or get_settings()
    live = live or LiveGraph(settings)
    app = FastAPI(
        title="mkbgraph",
        version=__version__,
        description=(
            "The Dutch MKB-actieplan 2019 progress report as a knowledge graph: a read-only SPARQL 1.1 "
            "endpoint, canned queries, network analytics and browsable pages."
        ),
        lifespan=_lifespan,
        docs_url=None,  # /docs and /redoc are served by the web layer with local assets (no CDN)
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.live = live
    app.state.last_reload = None
    live.current  # load and validate now: a bad graph fails at start-up, not on the first request  # noqa: B018

    @app.get(
        "/health",
        tags=["service"],
        summary="Liveness, readiness and the loaded graph's version",
        responses={200: {"model": Health, "description": "The graph being served and the engine's state."}},
    )
    def health() -> JSONResponse:
        snapshot = live.current
        engine = app.state.query_engine
        return JSONResponse(
            {
                "status": "ok",
                "ready": engine.ready,
                "triples": len(snapshot.store),
                "version": snapshot.version,
                "loaded_at": snapshot.loaded_at.isoformat(),
                "backend": snapshot.store.name,
                "query_engine": engine.stats(),
                "reload": app.state.last_reload,
                "process": os.getpid(),
            }
        )

    @app.get(
        "/ready",
        tags=["service"],
        summary="200 once every query worker is up, 503 before",
        responses={
            200: {"model": Ready, "description": "Every worker is up."},
            503: {"model": Ready, "description": "Workers are still starting."},
        },
    )
    def ready() -> JSONResponse:
        engine = app.state.query_engine
        status = 200 if engine.ready else 503
        return JSONResponse({"ready": engine.ready, "query_engine": engine.stats()}, status_code=status)

    app.add_exception_handler(Exception, _unexpected_error)
    app.add_exception_handler(ServiceError, _rejected)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _invalid_request)
    for register in _registrations():
        register(app)
    # outermost: a revalidation is answered before the SPARQL hot path or any route runs
    app.add_middleware(
        ConditionalGetMiddleware, max_age=settings.http_max_age, stale_while_revalidate=settings.http_stale
    )
    return app


#: Paths whose errors are answered in the API's JSON shape (pages answer HTML).
API_PATHS = ("/sparql", "/api", "/dataset", "/.well-known", "/openapi.json")


def _error_json(status: int, title: str, detail: str, code: str) -> JSONResponse:
    """The API's one error shape (`ServiceError.as_dict`) for an error the framework raised."""
    error = ServiceError(detail, status=status, code=code, title=title)
    return JSONResponse(error.as_dict(), status_code=status)


async def _rejected(request: Request, exc: Exception) -> Response:
    """A `ServiceError` (a bad format, parameter, query or name) that a route did not answer itself:
    logged (a warning when the service, not the client, is at fault) and answered in the one shape."""
    assert isinstance(exc, ServiceError)
    level = logging.WARNING if exc.status >= 500 else logging.INFO
    logger.log(level, "%s %s on %s: %s", exc.status, exc.code, request.url.path, exc.message)
    return JSONResponse(exc.as_dict(), status_code=exc.status)


async def _http_error(request: Request, exc: Exception) -> Response:
    """404, 405 and the like: the one JSON shape on API paths, the framework's answer elsewhere."""
    assert isinstance(exc, StarletteHTTPException)
    if not request.url.path.startswith(API_PATHS):
        if exc.status_code in (404, 405):
            return await anyio.to_thread.run_sync(error_page, request, exc.status_code)
        return await http_exception_handler(request, exc)
    title = (
        HTTPStatus(exc.status_code).phrase if exc.status_code in HTTPStatus._value2member_map_ else "Error"
    )
    code = title.lower().replace(" ", "_")
    response = _error_json(exc.status_code, title, str(exc.detail), code)
    if exc.headers:
        response.headers.update(exc.headers)
    return response


async def _invalid_request(request: Request, exc: Exception) -> Response:
    """A parameter that fails its declared type: 422 in the one shape, naming each parameter."""
    assert isinstance(exc, RequestValidationError)
    problems = "; ".join(
        f"{'.'.join(str(p) for p in error.get('loc', ()))}: {error.get('msg', '')}" for error in exc.errors()
    )
    if not request.url.path.startswith(API_PATHS):
        return await anyio.to_thread.run_sync(error_page, request, 422)
    return _error_json(422, "Invalid request", problems, "invalid_request")


async def _unexpected_error(request: Request, exc: Exception) -> Response:
    """Any error no route handled: logged with an id, answered in the API's one error shape (JSON
    on API and SPARQL paths, a short Dutch page elsewhere), never as plain text."""
    incident = uuid.uuid4().hex[:12]
    logger.exception("unexpected error %s on %s %s", incident, request.method, request.url.path)
    if request.url.path.startswith(("/sparql", "/api")):
        detail = f"an unexpected error occurred; it was logged as {incident}"
        response = _error_json(500, "Internal error", detail, "internal_error")
        response.headers.update(SECURITY_HEADERS)  # answered outside the middleware stack
        return response
    return await anyio.to_thread.run_sync(error_page, request, 500, incident)


@contextlib.asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Start the query workers and fill the page caches before the server accepts connections:
    `/health` and `/ready` answer only once that is done, and no visitor pays for it."""
    settings: Settings = app.state.settings
    if settings.warm_up:
        engine = app.state.query_engine
        started = time.perf_counter()
        if not await anyio.to_thread.run_sync(engine.wait_ready, 120.0):
            logger.error("query workers did not all start within 120 s")
        await anyio.to_thread.run_sync(app.state.network_warm)
        logger.info("network figures computed in %.1f s", time.perf_counter() - started)
        for path in WARM_UP_PATHS:
            try:
                status = await _asgi_get(app, path)
            except Exception:  # a broken page must not keep the endpoint from serving
                logger.exception("warm-up of %s failed", path)
                continue
            logger.info("warm-up %s: %s", path, status)
        await anyio.to_thread.run_sync(_return_free_memory)
        logger.info("ready in %.1f s", time.perf_counter() - started)
    _reload_on_sighup(app)
    yield


def _reload_on_sighup(app: FastAPI) -> None:
    """``kill -HUP`` reloads the data files: the new graph is loaded and validated in a thread,
    swapped in only when good (workers and caches follow); a failure keeps the old graph
    serving and says why in the log and in `/health` (``reload``)."""
    loop = asyncio.get_running_loop()
    running: set[asyncio.Task[ReloadOutcome]] = set()

    def on_signal() -> None:
        task = loop.create_task(reload_now(app))
        running.add(task)
        task.add_done_callback(running.discard)

    with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
        loop.add_signal_handler(signal.SIGHUP, on_signal)


async def reload_now(app: FastAPI) -> ReloadOutcome:
    """Reload the graph off the event loop; record and log the outcome."""
    live: LiveGraph = app.state.live
    logger.info("reloading the data files")
    try:
        outcome = await anyio.to_thread.run_sync(live.reload)
    except Exception as exc:  # the previous graph keeps serving whatever happened
        logger.exception("reload failed")
        outcome = ReloadOutcome(False, f"reload failed, previous graph kept: {exc}", live.current)
    app.state.last_reload = {
        "ok": outcome.ok,
        "message": outcome.message,
        "at": datetime.now(UTC).isoformat(),
    }
    (logger.info if outcome.ok else logger.error)("reload: %s", outcome.message)
    return outcome


def _return_free_memory() -> None:
    """Give the memory the warm-up's temporary objects used back to the system.

    Projecting the network reads every triple through rdflib terms that are dropped at once;
    glibc keeps the freed arenas mapped unless asked (at 100x the real data: hundreds of MB)."""
    gc.collect()
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6").malloc_trim(0)


async def _asgi_get(app: FastAPI, path: str) -> int:
    """GET ``path`` from the app itself (no socket): the page caches fill as a visit would."""
    status = 0

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: MutableMapping[str, Any]) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = int(message["status"])

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"127.0.0.1"), (b"accept", b"text/html")],
        "client": ("127.0.0.1", 0),
        "server": ("127.0.0.1", 80),
        "app": app,
    }
    await app(scope, receive, send)
    return status


def _registrations() -> list:  # type: ignore[type-arg]
    """The `register(app)` functions of the feature modules, in mounting order."""
    from mkbgraph import web
    from mkbgraph.api import network as network_api
    from mkbgraph.api import sparql as sparql_api

    return [sparql_api.register, network_api.register, web.register]


#: Pages whose first request after a load does the heavy, cached-per-snapshot work
#: (network projection, layout, centralities, the home page's counts).
WARM_UP_PATHS: tuple[str, ...] = ("/", "/network", "/api/network/stats", "/themes", "/motions")
