"""Query execution that can be stopped: a pool of worker processes, each with its own Oxigraph
store loaded from the snapshot's N-Triples, and a result cache keyed on the snapshot version.

Why processes: a thread cannot stop a query (rdflib's or Oxigraph's); a runaway query (a triple
cross product, a catastrophic ``REGEX``) keeps burning a core after a thread-pool timeout. A
worker process that misses the deadline is killed (SIGKILL) and a fresh one is started in the
background, while the other workers go on answering. Every text is screened by
`sparql_guard.screen` here, before it reaches a worker, whichever door it came through.

Why a cache: the graph is read-only between reloads, so an answer is fully determined by
(snapshot version, query text, mode, format, row cap). A reload (a `LiveGraph` listener) clears
the cache and hands the workers the new data.

Public API, stable for the web pages:

- ``QueryEngine(live, settings)``: ``select``/``ask``/``construct`` (rdflib terms) and
  ``serialize`` (bytes in a SPARQL results or RDF format), each with ``timeout`` and ``max_rows``
  that may lower, never raise, the configured limits; ``close()``.
- ``get_engine(app)`` and ``run_select(app_or_engine, query, timeout, max_rows)``.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import multiprocessing as mp
import os
import queue
import shutil
import tempfile
import threading
import time
import weakref
from collections import OrderedDict
from collections.abc import Hashable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape, quoteattr

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from .namespaces import PREFIXES, bind_prefixes
from .settings import Settings
from .sparql_guard import QueryRejected, ScreenedQuery, screen
from .store import LiveGraph, SelectResult, Snapshot

#: SPARQL results format name -> media type (SELECT and ASK).
RESULT_FORMATS: dict[str, str] = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
}

#: RDF format name -> (media type, pyoxigraph format) for CONSTRUCT and DESCRIBE.
GRAPH_FORMATS: dict[str, tuple[str, ox.RdfFormat]] = {
    "turtle": ("text/turtle", ox.RdfFormat.TURTLE),
    "jsonld": ("application/ld+json", ox.RdfFormat.JSON_LD),
    "ntriples": ("application/n-triples", ox.RdfFormat.N_TRIPLES),
    "rdfxml": ("application/rdf+xml", ox.RdfFormat.RDF_XML),
}

_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"

#: Workers are forked from a clean single-threaded server process that has this module loaded:
#: safe with a threaded parent (uvicorn) and fast to respawn after a kill.
_CONTEXT = mp.get_context("forkserver")
_CONTEXT.set_forkserver_preload([__name__])
_SPAWN_GRACE = 60.0  # seconds a request may wait for a worker that is still starting


class QueryTimeout(QueryRejected):
    """The query ran past its time limit and its worker was stopped: 503."""

    status = 503
    code = "timeout"
    title = "Query timed out"


class EngineBusy(QueryRejected):
    """No worker became free within the time limit: 503."""

    status = 503
    code = "busy"
    title = "Service busy"


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


# --- worker side (runs in the child process) --------------------------------------------------


def _worker_main(conn: Connection, path: str) -> None:
    """Load the data, then answer requests until the pipe closes or ``stop`` arrives."""
    store = _load_store(path)
    conn.send(("ready", len(store)))
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            return
        if message[0] == "stop":
            return
        if message[0] == "load":
            store = _load_store(message[1])
            conn.send(("ready", len(store)))
            continue
        _, text, mode, fmt, max_rows = message
        try:
            conn.send(("ok", _execute(store, text, mode, fmt, max_rows)))
        except SyntaxError as exc:
            conn.send(("syntax", str(exc)))
        except Exception as exc:  # the process boundary: report, never die silently
            conn.send(("error", f"{type(exc).__name__}: {exc}"))


def _load_store(path: str) -> ox.Store:
    store = ox.Store()
    store.bulk_load(path=path, format=ox.RdfFormat.N_TRIPLES)
    return store


def _execute(store: ox.Store, text: str, mode: str, fmt: str, max_rows: int) -> tuple[Any, ...]:
    result = store.query(text)
    if isinstance(result, ox.QueryBoolean):
        value = bool(result)
        if mode == "rows":
            return ("ask", value)
        return ("body", _serialize_boolean(value, fmt), False, 1)
    if isinstance(result, ox.QuerySolutions):
        columns = [v.value for v in result.variables]
        rows, truncated = _take(result, max_rows)
        if mode == "rows":
            return ("select", columns, [tuple(_encode(t) for t in row) for row in rows], truncated)
        return ("body", SELECT_WRITERS[fmt](columns, rows), truncated, len(rows))
    triples, truncated = _take(result, max_rows)
    if mode == "rows":
        return (
            "graph",
            [tuple(_encode(t) for t in (tr.subject, tr.predicate, tr.object)) for tr in triples],
            truncated,
        )
    body = ox.serialize(triples, format=GRAPH_FORMATS[fmt][1], prefixes=PREFIXES)
    return ("body", body, truncated, len(triples))


def _take(result: Any, max_rows: int) -> tuple[list[Any], bool]:
    rows: list[Any] = []
    for item in result:
        if len(rows) >= max_rows:
            return rows, True
        rows.append(tuple(item) if isinstance(item, ox.QuerySolution) else item)
    return rows, False


def _encode(term: Any) -> tuple[str, ...] | None:
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return ("u", term.value)
    if isinstance(term, ox.BlankNode):
        return ("b", term.value)
    if isinstance(term, ox.Literal):
        return ("l", term.value, term.datatype.value, term.language or "")
    return ("u", str(term))


def _json_term(term: Any) -> dict[str, str]:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    out = {"type": "literal", "value": term.value}
    if term.language:
        out["xml:lang"] = term.language
    elif term.datatype.value != _XSD_STRING:
        out["datatype"] = term.datatype.value
    return out


def _write_json(columns: list[str], rows: list[tuple[Any, ...]]) -> bytes:
    """SPARQL 1.1 JSON results, byte for byte what ``json.dumps`` of the whole document gives.

    Each distinct term is encoded once (a memo keyed on the term): the same organisations,
    themes and statuses fill most cells, and reading a pyoxigraph term's parts is the costly
    step (10,000 rows: about half the time of the plain encoding)."""
    names = [json.dumps(c, ensure_ascii=False) + ":" for c in columns]
    memo: dict[Any, str] = {}
    bindings = []
    for row in rows:
        cells = []
        for name, term in zip(names, row, strict=True):
            if term is None:
                continue
            encoded = memo.get(term)
            if encoded is None:
                encoded = memo[term] = json.dumps(_json_term(term), ensure_ascii=False, separators=(",", ":"))
            cells.append(name + encoded)
        bindings.append("{" + ",".join(cells) + "}")
    head = json.dumps(columns, ensure_ascii=False, separators=(",", ":"))
    return f'{{"head":{{"vars":{head}}},"results":{{"bindings":[{",".join(bindings)}]}}}}'.encode()


def _xml_term(term: Any) -> str:
    if isinstance(term, ox.NamedNode):
        return f"<uri>{escape(term.value)}</uri>"
    if isinstance(term, ox.BlankNode):
        return f"<bnode>{escape(term.value)}</bnode>"
    if term.language:
        return f"<literal xml:lang={quoteattr(term.language)}>{escape(term.value)}</literal>"
    if term.datatype.value != _XSD_STRING:
        return f"<literal datatype={quoteattr(term.datatype.value)}>{escape(term.value)}</literal>"
    return f"<literal>{escape(term.value)}</literal>"


def _write_xml(columns: list[str], rows: list[tuple[Any, ...]]) -> bytes:
    parts = ['<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#"><head>']
    parts.extend(f"<variable name={quoteattr(c)}/>" for c in columns)
    parts.append("</head><results>")
    for row in rows:
        parts.append("<result>")
        parts.extend(
            f"<binding name={quoteattr(c)}>{_xml_term(t)}</binding>"
            for c, t in zip(columns, row, strict=True)
            if t is not None
        )
        parts.append("</result>")
    parts.append("</results></sparql>\n")
    return "".join(parts).encode("utf-8")


def _csv_value(term: Any) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    return term.value  # IRIs and literals: their plain text (SPARQL 1.1 CSV)


def _write_csv(columns: list[str], rows: list[tuple[Any, ...]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(columns)
    writer.writerows([_csv_value(t) for t in row] for row in rows)
    return buffer.getvalue().encode("utf-8")


def _write_tsv(columns: list[str], rows: list[tuple[Any, ...]]) -> bytes:
    lines = ["\t".join(f"?{c}" for c in columns)]
    lines.extend("\t".join("" if t is None else str(t) for t in row) for row in rows)
    return ("\n".join(lines) + "\n").encode("utf-8")


#: SELECT results format -> writer (rows already capped).
SELECT_WRITERS = {"json": _write_json, "xml": _write_xml, "csv": _write_csv, "tsv": _write_tsv}


def _serialize_boolean(value: bool, fmt: str) -> bytes:
    word = "true" if value else "false"
    if fmt == "json":
        return json.dumps({"head": {}, "boolean": value}).encode()
    if fmt == "xml":
        return (
            '<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">'
            f"<head/><boolean>{word}</boolean></sparql>\n"
        ).encode()
    return f"{word}\n".encode()


# --- main side ---------------------------------------------------------------------------------


def _decode(term: tuple[str, ...] | None) -> Node | None:
    if term is None:
        return None
    if term[0] == "u":
        return URIRef(term[1])
    if term[0] == "b":
        return BNode(term[1])
    if term[3]:
        return Literal(term[1], lang=term[3])
    return Literal(term[1], datatype=URIRef(term[2]))


class _Worker:
    """One worker process and our end of its pipe."""

    def __init__(self, process: Any, conn: Connection, version: str) -> None:
        self.process = process
        self.conn = conn
        self.version = version

    def kill(self) -> None:
        with contextlib.suppress(Exception):
            self.process.kill()
        self.process.join(timeout=5)
        self.conn.close()


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


class QueryEngine:
    """Screens, caches and runs queries in killable worker processes over the live snapshot."""

    def __init__(self, live: LiveGraph, settings: Settings | None = None) -> None:
        self.settings = settings or live.settings
        self.live = live
        self.cache = ResultCache(self.settings.cache_bytes)
        self._ctx = _CONTEXT
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._workers: set[_Worker] = set()
        self._lock = threading.Lock()
        self._starting = 0
        self._closed = False
        self._tmp = Path(tempfile.mkdtemp(prefix="mkbgraph-engine-"))
        self._data: tuple[str, str] = self._dump(live.current)
        self._started = False
        live.listeners.append(self._on_reload)
        weakref.finalize(self, _shutdown, self._workers, self._tmp)

    # -- public API ---------------------------------------------------------------------------

    @property
    def version(self) -> str:
        """The snapshot version the workers answer from (cache keys include it)."""
        return self._data[0]

    def select(
        self, query: str, *, timeout: float | None = None, max_rows: int | None = None
    ) -> SelectResult:
        """Run a SELECT; rows as rdflib terms, capped at ``max_rows`` (``truncated`` says so)."""
        reply = self._run(query, "rows", "", timeout, max_rows, expect=("SELECT",))
        _, columns, rows, truncated = reply
        return SelectResult(columns, [tuple(_decode(t) for t in row) for row in rows], truncated)

    def ask(self, query: str, *, timeout: float | None = None) -> bool:
        """Run an ASK."""
        return bool(self._run(query, "rows", "", timeout, None, expect=("ASK",))[1])

    def construct(self, query: str, *, timeout: float | None = None, max_rows: int | None = None) -> Graph:
        """Run a CONSTRUCT or DESCRIBE; the triples (at most ``max_rows``) as an rdflib graph."""
        reply = self._run(query, "rows", "", timeout, max_rows, expect=("CONSTRUCT", "DESCRIBE"))
        graph = Graph()
        bind_prefixes(graph)
        for s, p, o in reply[1]:
            graph.add((_decode(s), _decode(p), _decode(o)))  # type: ignore[arg-type]
        return graph

    def serialize(
        self,
        query: str,
        fmt: str,
        *,
        timeout: float | None = None,
        max_rows: int | None = None,
        screened: ScreenedQuery | None = None,
    ) -> Serialized:
        """Run any query form and serialize it: ``fmt`` is a `RESULT_FORMATS` name for SELECT/ASK
        and a `GRAPH_FORMATS` name for CONSTRUCT/DESCRIBE."""
        checked = screened or screen(query)
        graph_form = checked.form in ("CONSTRUCT", "DESCRIBE")
        if (fmt not in GRAPH_FORMATS) if graph_form else (fmt not in RESULT_FORMATS):
            raise QueryRejected(f"format {fmt!r} does not fit a {checked.form} query")
        reply = self._run(query, "body", fmt, timeout, max_rows, checked=checked)
        _, body, truncated, count = reply
        media = GRAPH_FORMATS[fmt][0] if graph_form else RESULT_FORMATS[fmt]
        return Serialized(body, media, checked.form, truncated, count)

    def peek(
        self, query: str, fmt: str, *, timeout: float | None = None, max_rows: int | None = None
    ) -> Serialized | None:
        """A cached serialized answer, without blocking: the event loop serves hits directly."""
        _, rows = self._limits(timeout, max_rows)
        cached = self.cache.get((self._data[0], query, "body", fmt, rows))
        if cached is None:
            return None
        media = GRAPH_FORMATS[fmt][0] if fmt in GRAPH_FORMATS else RESULT_FORMATS[fmt]
        return Serialized(cached[1], media, screen(query).form, cached[2], cached[3])

    def start(self) -> None:
        """Start the worker processes (done on first use; call early to pay the start-up now)."""
        with self._lock:
            if self._started or self._closed:
                return
            self._started = True
        for _ in range(self.settings.query_workers):
            self._spawn_in_background()

    def close(self) -> None:
        """Stop every worker and remove the data files."""
        self._closed = True
        _shutdown(self._workers, self._tmp)

    def worker_pids(self) -> list[int]:
        """Process ids of the live workers (for tests and monitoring)."""
        with self._lock:
            return [w.process.pid for w in self._workers if w.process.pid is not None]

    def wait_ready(self, timeout: float = 60.0) -> bool:
        """Block until every worker is started and idle (tests and benchmarks use this)."""
        self.start()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                if self._starting == 0 and self._idle.qsize() >= self.settings.query_workers:
                    return True
            time.sleep(0.02)
        return False

    # -- execution ----------------------------------------------------------------------------

    def _limits(self, timeout: float | None, max_rows: int | None) -> tuple[float, int]:
        limit = self.settings.query_timeout if timeout is None else min(timeout, self.settings.query_timeout)
        rows = self.settings.max_rows if max_rows is None else min(max_rows, self.settings.max_rows)
        if limit <= 0:
            raise QueryRejected("timeout must be a positive number of seconds")
        if rows < 0:
            raise QueryRejected("max_rows must not be negative")
        return limit, rows

    def _run(
        self,
        query: str,
        mode: str,
        fmt: str,
        timeout: float | None,
        max_rows: int | None,
        *,
        expect: tuple[str, ...] = (),
        checked: ScreenedQuery | None = None,
    ) -> tuple[Any, ...]:
        limit, rows = self._limits(timeout, max_rows)
        version, _ = self._data
        key = (version, query, mode, fmt, rows)
        cached = self.cache.get(key)
        if cached is not None:
            return cached  # type: ignore[no-any-return]
        checked = checked or screen(query)
        if expect and checked.form not in expect:
            raise QueryRejected(f"expected a {' or '.join(expect)} query, got {checked.form}")
        reply = self._dispatch(checked.text, mode, fmt, rows, limit)
        if reply[0] == "ok":
            answer = reply[1]
            if self._data[0] == version:
                self.cache.put(key, answer, _size_of(answer))
            return answer  # type: ignore[no-any-return]
        if reply[0] == "syntax":
            raise QueryRejected(f"syntax error: {reply[1]}")
        raise QueryFailed(f"the query could not be evaluated: {reply[1]}")

    def _dispatch(self, text: str, mode: str, fmt: str, rows: int, limit: float) -> tuple[Any, ...]:
        worker = self._acquire(limit)
        started = time.monotonic()
        try:
            self._refresh(worker)
            worker.conn.send(("query", text, mode, fmt, rows))
            remaining = limit - (time.monotonic() - started)
            if remaining > 0 and worker.conn.poll(remaining):
                reply = worker.conn.recv()
            else:
                self._replace(worker)
                raise QueryTimeout(
                    f"the query ran longer than the {limit:g} s limit and was stopped; "
                    "narrow it down (add LIMIT, filters or fewer unbound patterns)"
                )
        except (EOFError, OSError, BrokenPipeError) as exc:
            self._replace(worker)
            raise QueryFailed("the query worker stopped unexpectedly; it has been restarted") from exc
        self._idle.put(worker)
        return reply  # type: ignore[no-any-return]

    def _acquire(self, limit: float) -> _Worker:
        if not self._started:
            self.start()
        wait = max(limit, _SPAWN_GRACE) if self._starting else limit
        try:
            return self._idle.get(timeout=wait)
        except queue.Empty:
            raise EngineBusy(
                f"all {self.settings.query_workers} query workers stayed busy for {wait:g} s; try again"
            ) from None

    def _refresh(self, worker: _Worker) -> None:
        """Hand a worker the current data when it still holds an older snapshot."""
        version, path = self._data
        if worker.version == version:
            return
        worker.conn.send(("load", path))
        if not worker.conn.poll(_SPAWN_GRACE * 4):
            raise OSError("worker did not reload in time")
        worker.conn.recv()
        worker.version = version

    def _replace(self, worker: _Worker) -> None:
        with self._lock:
            self._workers.discard(worker)
        worker.kill()
        if not self._closed:
            self._spawn_in_background()

    def _spawn_in_background(self) -> None:
        with self._lock:
            self._starting += 1
        threading.Thread(target=self._spawn, name="mkbgraph-worker-spawn", daemon=True).start()

    def _spawn(self) -> None:
        try:
            version, path = self._data
            parent, child = self._ctx.Pipe(duplex=True)
            process = self._ctx.Process(target=_worker_main, args=(child, path), daemon=True)
            process.start()
            child.close()
            worker = _Worker(process, parent, version)
            if not parent.poll(_SPAWN_GRACE * 4):
                worker.kill()
                return
            parent.recv()
            with self._lock:
                if self._closed:
                    worker.kill()
                    return
                self._workers.add(worker)
            self._idle.put(worker)
        finally:
            with self._lock:
                self._starting -= 1

    # -- data -------------------------------------------------------------------------------

    def _dump(self, snapshot: Snapshot) -> tuple[str, str]:
        """Write the snapshot as N-Triples for the workers; returns (version, path)."""
        path = self._tmp / f"snapshot-{snapshot.version[:16]}-{time.monotonic_ns()}.nt"
        native = getattr(snapshot.store, "native", None)
        if isinstance(native, ox.Store):
            native.dump(output=str(path), format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph())
        else:
            snapshot.graph.serialize(destination=str(path), format="nt", encoding="utf-8")
        return snapshot.version, str(path)

    def _on_reload(self, snapshot: Snapshot) -> None:
        """A `LiveGraph` listener: new data for the workers, an empty cache."""
        previous = self._data[1]
        self._data = self._dump(snapshot)
        self.cache.clear()
        threading.Thread(target=self._refresh_idle, args=(previous,), daemon=True).start()

    def _refresh_idle(self, previous: str) -> None:
        for _ in range(self.settings.query_workers):
            try:
                worker = self._idle.get(timeout=self.settings.query_timeout)
            except queue.Empty:
                break
            try:
                self._refresh(worker)
            except (EOFError, OSError):
                self._replace(worker)
                continue
            self._idle.put(worker)
        with contextlib.suppress(OSError):
            os.remove(previous)


def _size_of(answer: tuple[Any, ...]) -> int:
    if answer[0] == "body":
        return len(answer[1]) + 200
    if answer[0] in ("select", "graph"):
        rows = answer[2] if answer[0] == "select" else answer[1]
        return 200 + 150 * len(rows) * max(1, len(rows[0]) if rows else 1)
    return 100


def _shutdown(workers: set[_Worker], tmp: Path) -> None:
    """Kill the workers and remove the data files (on close or when the engine is collected)."""
    alive = list(workers)
    workers.clear()
    for worker in alive:
        worker.kill()
    shutil.rmtree(tmp, ignore_errors=True)


def get_engine(app: Any) -> QueryEngine:
    """The engine registered on a FastAPI app (by `sparql_api.register`)."""
    return app.state.query_engine  # type: ignore[no-any-return]


def run_select(
    app_or_engine: Any, query: str, timeout: float | None = None, max_rows: int | None = None
) -> SelectResult:
    """Run a SELECT through the app's engine (or an engine): screened, cached, time-limited."""
    engine = app_or_engine if isinstance(app_or_engine, QueryEngine) else get_engine(app_or_engine)
    return engine.select(query, timeout=timeout, max_rows=max_rows)
