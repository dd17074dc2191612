"""Query execution that is safe, bounded and fair: sandboxed worker processes over the on-disk
query store, a fair scheduler in front of them, and a result cache keyed on the snapshot version.

Why processes: a thread cannot stop a query; a runaway one (a cross product, a catastrophic
``REGEX``) keeps burning a core after a thread-pool timeout. A worker that misses the deadline is
killed (SIGKILL) and a new one is started, while the others go on answering. Each worker is a
small ``python -m mkbgraph.sparql.worker`` process (stdlib + pyoxigraph) that opens the snapshot's
store read-only, caps its own address space, installs a seccomp filter (`mkbgraph.sparql.sandbox`: no
socket of any family, so no ``SERVICE`` reaches the network however it is spelled) and returns
answers already serialised, as bytes. Oxigraph, the engine that executes the text, is the only
parser that decides; `mkbgraph.sparql.screen` (run in the worker) is a fast lexical courtesy for clear 403s.

Why a scheduler: two clients repeating a heavy query must not starve the rest. Each client (remote
address) may run ``client_concurrency`` queries at once and queue ``client_queue`` more (429
beyond); free workers go to the waiting clients in turn (round robin); the whole queue holds at
most ``query_queue`` requests (503 beyond). Requests wait on the engine's own thread limiter,
never on the framework's shared one, so slow queries cannot freeze the pages.

Why a cache: the graph is read-only between reloads, so an answer is fully determined by
(snapshot version, query text, base IRI, mode, formats, row cap). A reload clears it.

Public API, stable for the web pages:

- ``QueryEngine(live, settings)``: ``select``/``ask``/``construct`` (rdflib terms) and
  ``serialize`` (bytes in a SPARQL results or RDF format), each with ``timeout`` and ``max_rows``
  that may lower, never raise, the configured limits; ``serialize_async`` for async routes;
  ``start``/``wait_ready``/``ready``/``close``.
- ``get_engine(app)`` and ``run_select(app_or_engine, query, timeout, max_rows)``.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import queue
import signal
import socket
import struct
import subprocess
import sys
import threading
import time
import weakref
from collections import OrderedDict, deque
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import anyio
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from mkbgraph.config import Settings
from mkbgraph.graph.store import LiveGraph, OxigraphStore, SelectResult, Snapshot
from mkbgraph.sparql import formats
from mkbgraph.sparql.screen import QueryRefused, QueryRejected, QuerySyntaxError, QueryTooLong
from mkbgraph.vocab import PREFIXES, bind_prefixes

logger = logging.getLogger(__name__)

_SPAWN_GRACE = 60.0  # seconds a worker may take to open its store and say ready

#: Bytes a cache entry costs beyond its body and key text (tuples, dataclass, dict slot).
ENTRY_OVERHEAD = 1_000


class QueryTimeout(QueryRejected):
    """The query ran past its time limit and its worker was stopped: 503."""

    status = 503
    code = "timeout"
    title = "Query timed out"


class EngineBusy(QueryRejected):
    """The queue is full, or no worker became free in time: 503."""

    status = 503
    code = "busy"
    title = "Service busy"


class TooManyRequests(QueryRejected):
    """This client already has as many queries running and waiting as it may: 429."""

    status = 429
    code = "too_many_requests"
    title = "Too many requests"


class QueryTooLarge(QueryRejected):
    """The query needed more memory than a worker may use; the worker was replaced: 503."""

    status = 503
    code = "query_too_large"
    title = "Query too large"


class QueryFailed(QueryRejected):
    """The engine could not evaluate the query (or its worker died): 500, with the reason."""

    status = 500
    code = "query_failed"
    title = "Query failed"


@dataclass(frozen=True)
class Serialized:
    """A serialized answer: the bytes, their media type, the query form, whether rows were cut."""

    body: bytes
    media_type: str
    form: str
    truncated: bool
    count: int


# --- the fair scheduler -----------------------------------------------------------------------


@dataclass(eq=False)
class Ticket:
    """One request's place in the queue; ``waiter`` is resolved on the waiting loop when granted."""

    client: str
    granted: bool = False
    done: bool = False
    waiter: asyncio.Future[None] | None = None
    loop: asyncio.AbstractEventLoop | None = None


def _wake(waiter: asyncio.Future[None]) -> None:
    if not waiter.done():
        waiter.set_result(None)


@dataclass
class FairScheduler:
    """Hands ``slots`` run permits to waiting clients in turn (the least recently served client
    first), at most ``per_client`` each.

    Bounded everywhere: ``max_waiting`` requests in all, ``client_queue`` per client waiting.
    Thread-safe (a lock), and a grant wakes exactly the request it is for, on its own loop."""

    slots: int
    per_client: int
    max_waiting: int
    client_queue: int
    _cond: threading.Lock = field(default_factory=threading.Lock)
    _running: dict[str, int] = field(default_factory=dict)
    _waiting: OrderedDict[str, deque[Ticket]] = field(default_factory=OrderedDict)
    _served: dict[str, int] = field(default_factory=dict)
    _grants: int = 0
    _queued: int = 0

    def admit(self, client: str) -> Ticket:
        """Take a place in the queue, or refuse at once (503 queue full, 429 client over its share)."""
        with self._cond:
            mine = self._waiting.get(client)
            if mine is not None and len(mine) >= self.client_queue:
                raise TooManyRequests(
                    f"this client already has {self._running.get(client, 0)} queries running and "
                    f"{len(mine)} waiting; wait for an answer before sending more"
                )
            if self._queued >= self.max_waiting:
                raise EngineBusy(f"{self._queued} queries are waiting for a worker; try again shortly")
            ticket = Ticket(client)
            self._waiting.setdefault(client, deque()).append(ticket)
            self._queued += 1
            self._grant()
            return ticket

    async def wait(self, ticket: Ticket, timeout: float) -> None:
        """Until the ticket may run; `EngineBusy` (and the place given up) after ``timeout``."""
        loop = asyncio.get_running_loop()
        with self._cond:
            if ticket.granted:
                return
            ticket.loop, ticket.waiter = loop, loop.create_future()
        try:
            async with asyncio.timeout(timeout):
                await ticket.waiter
        except TimeoutError:
            with self._cond:
                if ticket.granted:
                    return
                self._withdraw(ticket)
            raise EngineBusy(f"no query worker became free within {timeout:g} s; try again") from None

    def release(self, ticket: Ticket) -> None:
        """Give the permit back (once) and hand it to the next client in turn."""
        with self._cond:
            if ticket.done:
                return
            ticket.done = True
            if not ticket.granted:
                self._withdraw(ticket)
                return
            self.slots += 1
            left = self._running.get(ticket.client, 1) - 1
            if left:
                self._running[ticket.client] = left
            else:
                self._running.pop(ticket.client, None)
            self._grant()

    def stats(self) -> dict[str, int]:
        """Queue figures for /health and the logs."""
        with self._cond:
            return {"free": self.slots, "queued": self._queued, "clients": len(self._waiting)}

    def _withdraw(self, ticket: Ticket) -> None:
        mine = self._waiting.get(ticket.client)
        if mine is not None and ticket in mine:
            mine.remove(ticket)
            self._queued -= 1
            if not mine:
                del self._waiting[ticket.client]
        ticket.done = True

    def _grant(self) -> None:
        """Give free slots to waiting clients under their limit, least recently served first."""
        while self.slots > 0:
            eligible = [c for c in self._waiting if self._running.get(c, 0) < self.per_client]
            if not eligible:
                break
            client = min(eligible, key=lambda c: self._served.get(c, -1))
            mine = self._waiting[client]
            ticket = mine.popleft()
            if not mine:
                del self._waiting[client]
            ticket.granted = True
            if ticket.waiter is not None and ticket.loop is not None:
                ticket.loop.call_soon_threadsafe(_wake, ticket.waiter)
            self.slots -= 1
            self._queued -= 1
            self._running[client] = self._running.get(client, 0) + 1
            self._grants += 1
            self._served[client] = self._grants
        if len(self._served) > 4 * self.max_waiting:  # forget clients that are long gone
            keep = set(self._waiting) | set(self._running)
            self._served = {c: n for c, n in self._served.items() if c in keep}


# --- workers ------------------------------------------------------------------------------------


class _Worker:
    """One worker process and our end of its socket pair (non-blocking, read on an event loop).

    Messages are framed as `multiprocessing.connection` frames them (the worker uses that
    class): a 4-byte big-endian signed length, or -1 and an 8-byte length for huge ones."""

    def __init__(self, process: subprocess.Popen[bytes], sock: socket.socket, version: str) -> None:
        self.process = process
        self.sock = sock
        self.version = version

    @property
    def pid(self) -> int:
        return self.process.pid

    async def exchange(self, request: bytes) -> tuple[dict[str, Any], bytes]:
        """Send one request; the reply header and the body (one frame: header size, header, body)."""
        loop = asyncio.get_running_loop()
        await loop.sock_sendall(self.sock, struct.pack("!i", len(request)) + request)
        frame = await self._frame(loop)
        (size,) = struct.unpack_from("!I", frame)
        return json.loads(bytes(frame[4 : 4 + size])), bytes(frame[4 + size :])

    async def _frame(self, loop: asyncio.AbstractEventLoop) -> memoryview:
        """One frame, read in as few calls as the answer's size allows (most fit the first)."""
        data = bytearray()
        await self._fill(loop, data, 4)
        (size,) = struct.unpack_from("!i", data)
        start = 4
        if size == -1:
            await self._fill(loop, data, 12)
            (size,) = struct.unpack_from("!Q", data, 4)
            start = 12
        end = start + size
        if len(data) < end:  # a big answer: read the rest straight into its final place
            have = len(data)
            data.extend(bytes(end - have))
            view = memoryview(data)
            while have < end:
                count = await loop.sock_recv_into(self.sock, view[have:end])
                if count == 0:
                    raise EOFError("the worker closed its end")
                have += count
        return memoryview(data)[start:end]

    async def _fill(self, loop: asyncio.AbstractEventLoop, data: bytearray, size: int) -> None:
        """Read into ``data`` until it holds at least ``size`` bytes."""
        while len(data) < size:
            chunk = await loop.sock_recv(self.sock, 262_144)
            if not chunk:
                raise EOFError("the worker closed its end")
            data += chunk

    def signal_kill(self) -> None:
        """SIGKILL now, close our end; the process is reaped elsewhere."""
        with contextlib.suppress(OSError):
            self.process.kill()
        with contextlib.suppress(OSError):
            self.sock.close()

    def kill(self) -> int | None:
        """Stop the process for good and wait for it; its exit status (negative: the signal)."""
        self.signal_kill()
        try:
            return self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            return None


async def _exit_status(worker: _Worker) -> int | None:
    """The exit status of a worker whose socket closed (it is dying or dead), within a second."""
    for _ in range(100):
        code = worker.process.poll()
        if code is not None:
            return code
        await asyncio.sleep(0.01)
    return None


def _start_worker(location: str, version: str, memory_mb: int, copy: bool) -> _Worker:
    """Start one worker and wait for it to say ready (runs on the spawner thread only)."""
    ours, theirs = socket.socketpair()
    with theirs:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "mkbgraph.sparql.worker",
                str(theirs.fileno()),
                location,
                str(os.getpid()),
                str(memory_mb),
                json.dumps(PREFIXES),
                "copy" if copy else "shared",
            ],
            pass_fds=(theirs.fileno(),),
            stdin=subprocess.DEVNULL,
            close_fds=True,
        )
    hello_conn = Connection(os.dup(ours.fileno()))
    try:
        if not hello_conn.poll(_SPAWN_GRACE):
            raise OSError(f"query worker {process.pid} did not start within {_SPAWN_GRACE:g} s")
        hello = json.loads(hello_conn.recv_bytes())
        if hello.get("status") != "ready":
            raise OSError(f"query worker {process.pid} failed to start: {hello.get('message')}")
    except (OSError, EOFError, ValueError):
        _Worker(process, ours, version).kill()
        raise
    finally:
        hello_conn.close()
    ours.setblocking(False)
    return _Worker(process, ours, version)


class _Spawner:
    """The one long-lived thread that starts workers.

    Why one thread: the kernel sends a worker its parent-death signal when the *thread* that
    created it ends, so workers must be created by a thread that lives as long as the server."""

    def __init__(self, started: Callable[[_Worker], None], failed: Callable[[Exception], None]) -> None:
        self._jobs: queue.Queue[tuple[str, str, int, bool] | _Worker | None] = queue.Queue()
        self._started = started
        self._failed = failed
        self._thread = threading.Thread(target=self._run, name="mkbgraph-worker-spawner", daemon=True)
        self._thread.start()

    def request(self, location: str, version: str, memory_mb: int, copy: bool) -> None:
        self._jobs.put((location, version, memory_mb, copy))

    def reap(self, worker: _Worker) -> None:
        """Wait for a killed worker's exit here, off every event loop."""
        self._jobs.put(worker)

    def stop(self) -> None:
        self._jobs.put(None)

    def _run(self) -> None:
        while True:
            job = self._jobs.get()
            if job is None:
                return
            if isinstance(job, _Worker):
                job.kill()
                continue
            try:
                worker = _start_worker(*job)
            except Exception as exc:  # reported, retried by the engine
                self._failed(exc)
                continue
            self._started(worker)


def _decode(term: list[str] | None) -> Node | None:
    if term is None:
        return None
    if term[0] == "u":
        return URIRef(term[1])
    if term[0] == "b":
        return BNode(term[1])
    if term[3]:
        return Literal(term[1], lang=term[3])
    return Literal(term[1], datatype=URIRef(term[2]))


# --- the cache ----------------------------------------------------------------------------------


class ResultCache:
    """A least-recently-used cache with a byte budget; cleared whenever the snapshot changes.

    Sized in bytes, not entries: at 100x the real data one answer can be megabytes while most
    are a few kilobytes. An answer larger than a quarter of the budget is not kept (it would
    push out dozens of small ones); `skipped` counts those, for the benchmark and monitoring."""

    def __init__(self, max_bytes: int = 128_000_000) -> None:
        self._entries: OrderedDict[Hashable, tuple[Any, int]] = OrderedDict()
        self._lock = threading.Lock()
        self._bytes = 0
        self.max_bytes = max_bytes
        self.skipped = 0

    @property
    def size(self) -> int:
        """Bytes held now (as estimated by the callers of `put`)."""
        return self._bytes

    def get(self, key: Hashable) -> Any | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            self._entries.move_to_end(key)
            return entry[0]

    def put(self, key: Hashable, value: Any, size: int) -> bool:
        """Keep ``value`` (``size`` bytes), evicting the least recently used; False if too large."""
        if size > self.max_bytes // 4:
            self.skipped += 1
            return False
        with self._lock:
            previous = self._entries.pop(key, None)
            if previous is not None:
                self._bytes -= previous[1]
            self._entries[key] = (value, size)
            self._bytes += size
            while self._bytes > self.max_bytes:
                _, (_, dropped) = self._entries.popitem(last=False)
                self._bytes -= dropped
        return True

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._bytes = 0

    def __len__(self) -> int:
        return len(self._entries)


@dataclass(frozen=True)
class _Reply:
    """A worker's answer: the header it sent and the body bytes."""

    form: str
    truncated: bool
    count: int
    body: bytes


# --- the engine ---------------------------------------------------------------------------------


class QueryEngine:
    """Screens, caches, schedules and runs queries in sandboxed worker processes."""

    def __init__(self, live: LiveGraph, settings: Settings | None = None) -> None:
        self._share(live, settings)
        self._idle: deque[_Worker] = deque()
        self._workers: set[_Worker] = set()
        self._starting = 0
        self._started = False
        self._own_store: OxigraphStore | None = None
        self._data: tuple[str, str] = self._location(live.current)
        self._spawner = _Spawner(self._on_started, self._on_failed)
        live.listeners.append(self._on_reload)
        weakref.finalize(self, _shutdown, self._workers, self._spawner)

    def _share(self, live: LiveGraph, settings: Settings | None) -> None:
        """What every engine has, whatever runs its queries: settings, the answer cache, the fair
        scheduler and the loop and lock they are used under."""
        self.settings = settings or live.settings
        self.live = live
        self.cache = ResultCache(self.settings.cache_bytes)
        s = self.settings
        self.scheduler = FairScheduler(
            slots=s.query_workers,
            per_client=s.client_concurrency,
            max_waiting=s.query_queue,
            client_queue=s.client_queue,
        )
        self._loop: asyncio.AbstractEventLoop | None = None
        self._lock = threading.Lock()
        self._closed = False

    # -- public API ---------------------------------------------------------------------------

    @property
    def version(self) -> str:
        """The snapshot version the workers answer from (cache keys include it)."""
        return self._data[0]

    @property
    def ready(self) -> bool:
        """True when every worker is started (the server says ready only then)."""
        with self._lock:
            return self._started and len(self._workers) >= self.settings.query_workers

    def select(
        self, query: str, *, timeout: float | None = None, max_rows: int | None = None, client: str = "app"
    ) -> SelectResult:
        """Run a SELECT; rows as rdflib terms, capped at ``max_rows`` (``truncated`` says so)."""
        return _select_result(
            self._run(query, "rows", "json", None, timeout, max_rows, client, "", ("SELECT",))
        )

    async def select_async(
        self, query: str, *, timeout: float | None = None, max_rows: int | None = None, client: str = "app"
    ) -> SelectResult:
        """`select` for async routes: the wait on the caller's loop, the decoding in a thread."""
        reply = await self._run_async(query, "rows", "json", None, timeout, max_rows, client, "", ("SELECT",))
        return await anyio.to_thread.run_sync(_select_result, reply)

    async def ask_async(self, query: str, *, timeout: float | None = None, client: str = "app") -> bool:
        """`ask` for async routes."""
        reply = await self._run_async(query, "rows", "json", None, timeout, None, client, "", ("ASK",))
        return bool(json.loads(reply.body))

    async def construct_async(
        self, query: str, *, timeout: float | None = None, max_rows: int | None = None, client: str = "app"
    ) -> Graph:
        """`construct` for async routes: the wait on the caller's loop, the graph built in a thread."""
        reply = await self._run_async(
            query, "rows", None, "turtle", timeout, max_rows, client, "", ("CONSTRUCT",)
        )
        return await anyio.to_thread.run_sync(_graph_result, reply)

    def ask(self, query: str, *, timeout: float | None = None, client: str = "app") -> bool:
        """Run an ASK."""
        reply = self._run(query, "rows", "json", None, timeout, None, client, "", ("ASK",))
        return bool(json.loads(reply.body))

    def construct(
        self, query: str, *, timeout: float | None = None, max_rows: int | None = None, client: str = "app"
    ) -> Graph:
        """Run a CONSTRUCT or DESCRIBE; the triples (at most ``max_rows``) as an rdflib graph."""
        return _graph_result(
            self._run(query, "rows", None, "turtle", timeout, max_rows, client, "", ("CONSTRUCT",))
        )

    def serialize(
        self,
        query: str,
        fmt: str,
        *,
        graph_fmt: str | None = None,
        timeout: float | None = None,
        max_rows: int | None = None,
        base: str = "",
        client: str = "app",
    ) -> Serialized:
        """Run any query form and serialize it. ``fmt`` is a results format name (then
        ``graph_fmt`` is the RDF format name for a CONSTRUCT/DESCRIBE) or a graph format."""
        results, graph = _formats(fmt, graph_fmt)
        reply = self._run(query, "body", results, graph, timeout, max_rows, client, base, ())
        return _serialized(reply, results, graph)

    async def serialize_async(
        self,
        query: str,
        fmt: str,
        *,
        graph_fmt: str | None = None,
        timeout: float | None = None,
        max_rows: int | None = None,
        base: str = "",
        client: str = "app",
    ) -> Serialized:
        """`serialize` for async routes, on the caller's event loop: the server only checks
        limits, looks up the cache, and copies bytes to and from a worker (no thread hop; the
        screen, the parse and the serialisation all happen in the sandboxed worker)."""
        results, graph = _formats(fmt, graph_fmt)
        reply = await self._run_async(query, "body", results, graph, timeout, max_rows, client, base, ())
        return _serialized(reply, results, graph)

    def peek(
        self,
        query: str,
        fmt: str,
        *,
        graph_fmt: str | None = None,
        timeout: float | None = None,
        max_rows: int | None = None,
        base: str = "",
    ) -> Serialized | None:
        """A cached serialized answer, without blocking: the event loop serves hits directly."""
        results, graph = _formats(fmt, graph_fmt)
        _, rows = self._limits(timeout, max_rows)
        reply = self.cache.get(self._key(query, base, "body", results, graph, rows))
        return None if reply is None else _serialized(reply, results, graph)

    def start(self) -> None:
        """Start the worker processes (done on first use; `serve` does it before it says ready)."""
        with self._lock:
            if self._started or self._closed:
                return
            self._started = True
        for _ in range(self.settings.query_workers):
            self._spawn()

    def close(self) -> None:
        """Stop every worker and the engine's own event loop."""
        self._closed = True
        _shutdown(self._workers, self._spawner)
        if self._loop is not None:
            self._loop.call_soon_threadsafe(self._loop.stop)

    def worker_pids(self) -> list[int]:
        """Process ids of the live workers (for tests and monitoring)."""
        with self._lock:
            return [w.pid for w in self._workers]

    def wait_ready(self, timeout: float = 60.0) -> bool:
        """Block until every worker is started and idle (start-up, tests and benchmarks)."""
        self.start()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                if self._starting == 0 and len(self._idle) >= self.settings.query_workers:
                    return True
            time.sleep(0.02)
        return False

    def stats(self) -> dict[str, Any]:
        """Workers and queue, for /health."""
        with self._lock:
            workers = len(self._workers)
        return {"workers": workers, "configured": self.settings.query_workers, **self.scheduler.stats()}

    # -- execution ----------------------------------------------------------------------------

    def _limits(self, timeout: float | None, max_rows: int | None) -> tuple[float, int]:
        s = self.settings
        if timeout is not None and not timeout >= s.min_query_timeout:
            raise QueryRejected(
                f"timeout must be at least {s.min_query_timeout:g} s (asked {timeout:g}); "
                f"the limit is {s.query_timeout:g} s"
            )
        limit = s.query_timeout if timeout is None else min(timeout, s.query_timeout)
        rows = s.max_rows if max_rows is None else min(max_rows, s.max_rows)
        if rows < 0:
            raise QueryRejected("max_rows must not be negative")
        return limit, rows

    def _key(
        self,
        query: str,
        base: str,
        mode: str,
        results: str | None,
        graph: str | None,
        rows: int,
        version: str | None = None,
    ) -> tuple[str, str, str, str, str | None, str | None, int]:
        """The cache key of an answer: everything it depends on, the snapshot version first."""
        return (version or self._data[0], query, base, mode, results, graph, rows)

    def _run(self, *args: Any) -> _Reply:
        """`_run_async` for synchronous callers (pages in threads, the CLI, tests): a cache hit
        here, else the coroutine on the engine's own event loop thread."""
        query, mode, results, graph, timeout, max_rows, _, base, _ = args
        _, rows = self._limits(timeout, max_rows)
        cached = self.cache.get(self._key(query, base, mode, results, graph, rows))
        if cached is not None:
            return cached  # type: ignore[no-any-return]
        future = asyncio.run_coroutine_threadsafe(self._run_async(*args), self._own_loop())
        return future.result()

    async def _run_async(
        self,
        query: str,
        mode: str,
        results: str | None,
        graph: str | None,
        timeout: float | None,
        max_rows: int | None,
        client: str,
        base: str,
        expect: tuple[str, ...],
    ) -> _Reply:
        limit, rows = self._limits(timeout, max_rows)
        version = self._data[0]
        key = self._key(query, base, mode, results, graph, rows, version)
        cached = self.cache.get(key)
        if cached is not None:
            return cached  # type: ignore[no-any-return]
        request = {"text": query, "base": base, "mode": mode, "results": results, "graph": graph}
        ticket = self.scheduler.admit(client)
        try:
            await self.scheduler.wait(ticket, self.settings.query_timeout)
            reply = await self._dispatch({**request, "max_rows": rows}, limit, client)
        finally:
            self.scheduler.release(ticket)
        if expect and reply.form not in expect:
            raise QueryRejected(f"expected a {' or '.join(expect)} query, got {reply.form}")
        if self._data[0] == version:
            # the body, the key's text and the Python objects around them (measured: ~1 KB)
            self.cache.put(key, reply, len(reply.body) + len(query) + len(base) + ENTRY_OVERHEAD)
        return reply

    async def _dispatch(self, request: dict[str, Any], limit: float, client: str) -> _Reply:
        """Send one request to an idle worker and wait for its answer, at most ``limit`` seconds.

        The worker goes back to the pool only after a whole answer; on any other way out (time
        limit, death, cancellation, a bug) it is replaced, so the pool never shrinks."""
        worker = await self._acquire()
        started = time.monotonic()
        answered = False
        try:
            async with asyncio.timeout(limit):
                header, body = await worker.exchange(json.dumps(request).encode())
            answered = True
        except TimeoutError:
            logger.warning("query of %s ran past %g s: killing worker %d", client, limit, worker.pid)
            raise QueryTimeout(
                f"the query ran longer than the {limit:g} s limit and was stopped; "
                "narrow it down (add LIMIT, filters or fewer unbound patterns)"
            ) from None
        except (EOFError, OSError) as exc:
            code = await _exit_status(worker)
            logger.warning("worker %d died (status %s) on a query of %s", worker.pid, code, client)
            if code in (-signal.SIGABRT, -signal.SIGKILL, -signal.SIGSEGV):
                raise QueryTooLarge(
                    f"the query needed more than a worker may use ({self.settings.worker_memory_mb} MB "
                    "of memory, or the parser's stack) and was stopped; narrow it down (fewer rows "
                    "to sort or group, add LIMIT, less nesting)"
                ) from exc
            raise QueryFailed("the query worker stopped unexpectedly; it has been restarted") from exc
        finally:
            if answered:
                with self._lock:
                    self._idle.append(worker)
            else:
                self._replace(worker, "no whole answer")
        logger.debug("query of %s answered in %.1f ms", client, 1000 * (time.monotonic() - started))
        return _reply(header, body)

    async def _acquire(self) -> _Worker:
        """An idle worker on the current snapshot (a permit guarantees one is, or soon will be:
        a worker being replaced after a kill takes a moment to start)."""
        self.start()
        deadline = time.monotonic() + _SPAWN_GRACE
        while True:
            with self._lock:
                worker = self._idle.popleft() if self._idle else None
            if worker is None:
                if time.monotonic() > deadline:
                    raise EngineBusy("no query worker could be started; try again")
                await asyncio.sleep(0.005)
                continue
            if worker.version == self._data[0]:
                return worker
            self._replace(worker, "stale snapshot")

    def _replace(self, worker: _Worker, why: str) -> None:
        """Kill a worker (at once, without waiting) and start a new one in its place; the
        spawner thread reaps the old process."""
        with self._lock:
            self._workers.discard(worker)
        worker.signal_kill()
        self._spawner.reap(worker)
        logger.info("worker %d stopped (%s)", worker.pid, why)
        if not self._closed:
            self._spawn()

    def _own_loop(self) -> asyncio.AbstractEventLoop:
        """The engine's event loop thread, for synchronous callers (started on first use)."""
        with self._lock:
            if self._loop is None:
                loop = asyncio.new_event_loop()
                threading.Thread(target=loop.run_forever, name="mkbgraph-engine-loop", daemon=True).start()
                self._loop = loop
            return self._loop

    def _spawn(self) -> None:
        with self._lock:
            self._starting += 1
        version, location = self._data
        copy = len(self.live.current.store) <= self.settings.worker_copy_max_triples
        self._spawner.request(location, version, self.settings.worker_memory_mb, copy)

    def _on_started(self, worker: _Worker) -> None:
        with self._lock:
            self._starting -= 1
            if self._closed:
                worker.kill()
                return
            self._workers.add(worker)
            self._idle.append(worker)
        logger.info("worker %d ready", worker.pid)

    def _on_failed(self, exc: Exception) -> None:
        with self._lock:
            self._starting -= 1
        logger.error("a query worker failed to start: %s", exc)
        if not self._closed:
            time.sleep(1.0)  # on the spawner thread: no tight loop when starting keeps failing
            self._spawn()

    # -- data -------------------------------------------------------------------------------

    def _location(self, snapshot: Snapshot) -> tuple[str, str]:
        """(version, store directory) the workers open. With another backend in the app (rdflib),
        the workers still get an Oxigraph store, built here from the same files."""
        location = getattr(snapshot.store, "location", None)
        if location is None:
            self._own_store = OxigraphStore(files=[Path(f) for f in snapshot.files])
            location = self._own_store.location
        return snapshot.version, str(location)

    def _on_reload(self, snapshot: Snapshot) -> None:
        """A `LiveGraph` listener: new workers for the new store, an empty cache."""
        self._data = self._location(snapshot)
        self.cache.clear()
        logger.info("snapshot %s: workers move to the new store as they come free", snapshot.version)


def _reply(header: dict[str, Any], body: bytes) -> _Reply:
    status = header.get("status")
    if status == "ok":
        return _Reply(str(header["form"]), bool(header["truncated"]), int(header["count"]), body)
    message = str(header.get("message", ""))
    if status == "rejected":  # the screen, run in the worker: the same exception class here
        kind = {403: QueryRefused, 413: QueryTooLong}.get(int(header["http"]), QuerySyntaxError)
        raise kind(
            message,
            line=header.get("line"),
            column=header.get("column"),
            status=header["http"],
            code=header["code"],
            title=header["title"],
        )
    if status == "syntax":
        raise QueryRejected(f"syntax error: {message}", line=header.get("line"), column=header.get("column"))
    if status == "format":
        raise QueryRejected(message)
    if status == "too_large":
        raise QueryTooLarge(message)
    if status == "refused":
        raise QueryRefused(
            "SERVICE (federated query) is not allowed: this endpoint makes no outbound requests "
            "(the query worker has no network access)"
        )
    raise QueryFailed(f"the query could not be evaluated: {message}")


def _graph_result(reply: _Reply) -> Graph:
    graph = Graph()
    bind_prefixes(graph)
    for s, p, o in json.loads(reply.body):
        graph.add((_decode(s), _decode(p), _decode(o)))  # type: ignore[arg-type]
    return graph


def _select_result(reply: _Reply) -> SelectResult:
    columns, rows = json.loads(reply.body)
    return SelectResult(columns, [tuple(_decode(t) for t in row) for row in rows], reply.truncated)


def _formats(fmt: str, graph_fmt: str | None) -> tuple[str | None, str | None]:
    """(results format, graph format) from the one or two names a caller gave."""
    known = formats.BY_NAME.get(fmt)
    if known is None:
        raise QueryRejected(f"unknown format {fmt!r}")
    return (fmt, graph_fmt) if known.kind == "results" else (None, fmt)


def _serialized(reply: _Reply, results: str | None, graph: str | None) -> Serialized:
    if reply.form == "CONSTRUCT":
        media = formats.BY_NAME[graph or "turtle"].media_type
    else:
        media = formats.BY_NAME[results or "json"].media_type
    return Serialized(reply.body, media, reply.form, reply.truncated, reply.count)


def _shutdown(workers: set[_Worker], spawner: _Spawner, grace: float = 1.0) -> None:
    """Stop the workers (on close or when the engine is collected): closing a worker's socket
    ends it cleanly (its loop reads end-of-file and it exits, flushing what it must); one still
    running after ``grace`` seconds (a query in progress) is killed."""
    spawner.stop()
    alive = list(workers)
    workers.clear()
    for worker in alive:
        with contextlib.suppress(OSError):
            worker.sock.close()
    deadline = time.monotonic() + grace
    for worker in alive:
        with contextlib.suppress(subprocess.TimeoutExpired):
            worker.process.wait(timeout=max(0.0, deadline - time.monotonic()))
        worker.kill()


def get_engine(app: Any) -> QueryEngine:
    """The engine registered on a FastAPI app (by `sparql_api.register`)."""
    return app.state.query_engine  # type: ignore[no-any-return]


def run_select(
    app_or_engine: Any, query: str, timeout: float | None = None, max_rows: int | None = None
) -> SelectResult:
    """Run a SELECT through the app's engine (or an engine): screened, cached, time-limited."""
    engine = app_or_engine if isinstance(app_or_engine, QueryEngine) else get_engine(app_or_engine)
    return engine.select(query, timeout=timeout, max_rows=max_rows)
