"""The query engine in remote mode: the public endpoint and the canned queries forwarded to a
SPARQL 1.1 server (``MKBGRAPH_BACKEND=sparql``), with the same screen, limits, cache, fairness
and error shape as the embedded engine.

Why the screen runs here, in the server: the remote server executes the text, so there is no
sandboxed worker of ours to run it in. It runs in the engine's bounded thread pool, never on the
event loop, before anything is sent. The remote server is then the wall: it must be run read-only
and without egress (docs/deploy.md says how; the tests run it that way).

Why answers are re-serialised here: the server is asked for SPARQL JSON results (or N-Triples),
which Oxigraph's parsers read back into terms, and the worker's own writers (`worker.render`)
apply the row cap and write the requested format. So a client gets the same bytes, the same
``X-Truncated`` and the same formats whichever engine answered, and no server's quirks in
CSV/TSV/XML writing leak through.
"""

from __future__ import annotations

import asyncio
import logging
import re
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from mkbgraph.config import Settings
from mkbgraph.errors import ServiceError
from mkbgraph.graph.remote import (
    GRAPH_ACCEPT,
    RESULTS_ACCEPT,
    RemoteBadQuery,
    SparqlClient,
    SparqlStore,
    broken_answer,
    parse_results,
    parse_triples,
    public_url,
)
from mkbgraph.graph.store import LiveGraph, Snapshot
from mkbgraph.sparql import screen, worker
from mkbgraph.sparql.engine import (
    QueryEngine,
    QueryRejected,
    QueryTimeout,
    _Reply,
    _reply,
)
from mkbgraph.vocab import PREFIXES

logger = logging.getLogger(__name__)

#: Seconds beyond the time limit the engine waits for a thread whose HTTP call should have
#: timed out already (a guard, not the limit: the client's own deadline ends the call).
_GRACE = 5.0

#: What a base IRI may hold to be put in front of a query: the base is built from the request's
#: ``Host`` header, and a ``>`` there would end the IRI and put the client's own text in front of
#: the screened query (``Host: a> SELECT ... SERVICE ... #``). IRIREF's excluded characters, and
#: ``#`` (a comment outside an IRI) for good measure.
_IRI = re.compile(r"[^\x00-\x20<>\"{}|^`\\#]+")

#: ``line:column`` in a server's syntax error message (Oxigraph: ``error at 2:19: ...``).
_POSITION = re.compile(r"(\d+):(\d+)")


def remote_answer(
    client: SparqlClient, request: dict[str, Any], limit: float, prefixes: dict[str, str]
) -> tuple[dict[str, Any], bytes]:
    """Screen the text, send it, read the answer back and render it as a worker would.

    Raises the screen's `QueryRejected` or a `RemoteError`; both are `ServiceError`s."""
    text = request["text"]
    form = screen.screen(text).form
    base = request.get("base")
    # the embedded engine resolves relative IRIs against the endpoint: say so to the server, on
    # the first line (so the server's line numbers are the client's)
    head = f"BASE <{base}> " if base and _IRI.fullmatch(base) else ""
    graph_form = form in ("CONSTRUCT", "DESCRIBE")
    try:
        media, body = client.query(head + text, GRAPH_ACCEPT if graph_form else RESULTS_ACCEPT, limit)
    except RemoteBadQuery as exc:
        raise _syntax_error(exc.message, len(head)) from None
    result = parse_triples(media, body) if graph_form else parse_results(media, body)
    error: ServiceError
    try:
        return worker.render(result, request, prefixes)
    except worker.FormatMismatch as exc:
        error = QueryRejected(str(exc))
    except SyntaxError:  # the results parser is lazy: a broken-off body shows while reading
        error = broken_answer(body)
    finally:
        del result  # on this pool thread: pyoxigraph results must not be dropped on another one
    raise error  # outside the handlers, so it carries no frame that held the result


def _syntax_error(message: str, shift: int) -> QueryRejected:
    """The server's refusal as the embedded engine words it: ``syntax error: ...`` with the line
    and column in the client's text (the ``BASE`` the engine put in front taken off)."""
    said = message.removeprefix("the SPARQL server refused the query: ")
    position = _POSITION.search(said)
    if position is None:
        return QueryRejected(f"syntax error: {said}")
    line, column = int(position.group(1)), int(position.group(2))
    if line == 1:
        column = max(1, column - shift)
    return QueryRejected(f"syntax error: {said}", line=line, column=column)


class RemoteQueryEngine(QueryEngine):
    """`QueryEngine` with the remote server in place of the worker processes.

    The public API, the cache and the fair scheduler are the base class's; only the dispatch
    differs: a thread of a pool of ``MKBGRAPH_QUERY_WORKERS`` threads screens and forwards."""

    def __init__(self, live: LiveGraph, settings: Settings | None = None) -> None:
        # no worker processes, so none of the base class's process bookkeeping
        self._share(live, settings)
        s = self.settings
        self._pool = ThreadPoolExecutor(max_workers=s.query_workers, thread_name_prefix="mkbgraph-remote")
        self._data = self._location(live.current)
        live.listeners.append(self._on_reload)
        logger.info("queries go to the SPARQL server %s", public_url(s.sparql_url))

    @property
    def ready(self) -> bool:
        return not self._closed

    def start(self) -> None:
        """Nothing to start: the server is already there."""

    def wait_ready(self, timeout: float = 60.0) -> bool:
        return not self._closed

    def close(self) -> None:
        self._closed = True
        self._pool.shutdown(wait=False, cancel_futures=True)
        if self._loop is not None:
            self._loop.call_soon_threadsafe(self._loop.stop)

    def worker_pids(self) -> list[int]:
        return []

    def stats(self) -> dict[str, Any]:
        return {
            "workers": self.settings.query_workers,
            "configured": self.settings.query_workers,
            **self.scheduler.stats(),
        }

    async def _dispatch(self, request: dict[str, Any], limit: float, client: str) -> _Reply:
        store = self.live.current.store
        assert isinstance(store, SparqlStore)
        future = self._pool.submit(remote_answer, store.client, request, limit, PREFIXES)
        try:
            async with asyncio.timeout(limit + _GRACE):
                header, body = await asyncio.wrap_future(future)
        except TimeoutError:
            future.cancel()
            logger.warning("query of %s: no answer from the SPARQL server within %g s", client, limit)
            raise QueryTimeout(f"the query ran longer than the {limit:g} s limit and was stopped") from None
        return _reply(header, body)

    def _location(self, snapshot: Snapshot) -> tuple[str, str]:
        return snapshot.version, public_url(self.settings.sparql_url)

    def _on_reload(self, snapshot: Snapshot) -> None:
        self._data = self._location(snapshot)
        self.cache.clear()
        logger.info("remote graph version %s: answer cache cleared", snapshot.version)


def make_engine(live: LiveGraph, settings: Settings) -> QueryEngine:
    """The engine the settings ask for: sandboxed workers, or the remote server."""
    if settings.backend == "sparql":
        return RemoteQueryEngine(live, settings)
    return QueryEngine(live, settings)
