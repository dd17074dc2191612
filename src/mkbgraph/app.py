"""The FastAPI application factory: one app serves the SPARQL endpoint, the JSON API and the pages.

`create_app(settings)` builds a fresh app around a `LiveGraph`, so tests can make an app with tight
limits (a 200 ms query timeout, a tiny row cap) without touching global state. Each concern
registers its own router here: SPARQL protocol and canned queries, network analytics, web pages.
"""

from __future__ import annotations

import threading
import time
import urllib.request

from fastapi import FastAPI
from fastapi.responses import JSONResponse

from ._version import __version__
from .settings import Settings, get_settings
from .store import LiveGraph


def create_app(settings: Settings | None = None, live: LiveGraph | None = None) -> FastAPI:
    """Build the app. The graph is loaded and validated at start-up, before the first request."""
    settings = settings or get_settings()
    live = live or LiveGraph(settings)
    app = FastAPI(
        title="mkbgraph",
        version=__version__,
        description=(
            "The Dutch MKB-actieplan 2019 progress report as a knowledge graph: a read-only SPARQL 1.1 "
            "endpoint, canned queries, network analytics and browsable pages."
        ),
    )
    app.state.settings = settings
    app.state.live = live
    live.current  # load and validate now: a bad graph fails at start-up, not on the first request  # noqa: B018

    @app.get("/health", tags=["service"], summary="Liveness and the loaded graph's version")
    def health() -> JSONResponse:
        snapshot = live.current
        return JSONResponse(
            {
                "status": "ok",
                "triples": len(snapshot.store),
                "version": snapshot.version,
                "loaded_at": snapshot.loaded_at.isoformat(),
                "backend": snapshot.store.name,
            }
        )

    for register in _registrations():
        register(app)
    return app


def _registrations() -> list:  # type: ignore[type-arg]
    """The `register(app)` functions of the feature modules, in mounting order.

    Each feature module (SPARQL endpoint, network API, web pages) exposes `register(app)`;
    add it to this list when the module lands.
    """
    from . import network_api, sparql_api, web

    return [sparql_api.register, network_api.register, web.register]


#: Pages whose first request after a load does the heavy, cached-per-snapshot work
#: (network projection, layout, centralities, the home page's counts).
WARM_UP_PATHS: tuple[str, ...] = ("/", "/network", "/api/network/stats", "/themes", "/motions")


def warm_up_in_background(
    base_url: str, paths: tuple[str, ...] = WARM_UP_PATHS, wait: float = 60.0
) -> threading.Thread:
    """Request the heavy pages once the server answers, so no visitor waits for the caches.

    Runs in a daemon thread against the server's own loopback address; failures are ignored
    (a warm-up is an optimisation, the pages build on demand anyway).
    """

    def run() -> None:
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"{base_url}/health", timeout=2):
                    break
            except OSError:
                time.sleep(0.2)
        for path in paths:
            try:
                with urllib.request.urlopen(f"{base_url}{path}", timeout=120) as response:
                    response.read()
            except OSError:
                continue

    thread = threading.Thread(target=run, name="mkbgraph-warm-up", daemon=True)
    thread.start()
    return thread
