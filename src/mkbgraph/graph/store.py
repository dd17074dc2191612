"""The store: the one seam through which everything reads the graph.

Queries go to an embedded Oxigraph store by default: measured on graphs shaped like ours it
answers the canned queries in 1-2 ms where rdflib's own engine takes 0.3-27 s. Validation and
network projection read a plain rdflib graph (pySHACL over an Oxigraph-backed graph is slow and
differs), which every `Snapshot` also keeps. A further backend (a remote SPARQL 1.1 endpoint)
plugs in by implementing `Store` and registering it in `BACKENDS`; callers do not change.

`LiveGraph` holds the snapshot being served and swaps in a new one only when it loaded and
validated; any failure keeps the previous snapshot serving and says why.
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
import threading
import time
import weakref
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol

import pyoxigraph as ox
import rdflib.plugins.sparql
from rdflib import Graph
from rdflib.term import Node

from mkbgraph.config import Settings
from mkbgraph.graph.load import (
    LoadError,
    ValidationReport,
    content_digest,
    load_graph,
    rdf_files,
    validation_report,
)
from mkbgraph.graph.view import graph_view
from mkbgraph.graph.view import to_rdflib as _to_rdflib
from mkbgraph.vocab import bind_prefixes

Row = tuple[Node | None, ...]

logger = logging.getLogger(__name__)

#: Never let rdflib fetch a graph named in a dataset clause (files or URLs).
rdflib.plugins.sparql.SPARQL_LOAD_GRAPHS = False


@dataclass(frozen=True)
class SelectResult:
    """A SELECT answer as rdflib terms: the variables, the rows, and whether rows were cut."""

    columns: list[str]
    rows: list[Row]
    truncated: bool = False

    def dicts(self) -> list[dict[str, Node | None]]:
        """Rows as dictionaries keyed by variable name."""
        return [dict(zip(self.columns, row, strict=True)) for row in self.rows]


class Store(Protocol):
    """What every backend offers. Queries are SPARQL 1.1 Query strings (never Update)."""

    name: str

    def select(self, query: str, max_rows: int | None = None) -> SelectResult: ...

    def ask(self, query: str) -> bool: ...

    def construct(self, query: str) -> Graph: ...

    def __len__(self) -> int: ...


class OxigraphStore:
    """Oxigraph over an on-disk store built from the data files by Oxigraph's own parsers.

    Why from the files, not from the rdflib graph: a round trip through rdflib changes literals
    (``"yes"^^xsd:boolean`` becomes ``false``, ``"2006-08-23Z"^^xsd:date`` loses its zone), and
    the query store must hold exactly what the files say. Why on disk: every query worker opens
    the same directory read-only, so they share one copy of the data through the page cache
    instead of holding one in-memory copy each. The directory is removed when the store is
    collected (a reload makes a new one).
    """

    name = "oxigraph"

    def __init__(
        self, graph: Graph | None = None, files: Sequence[Path] = (), location: Path | None = None
    ) -> None:
        self.location = location or new_store_dir()
        if files:
            build_disk_store(files, self.location)
        elif graph is not None:
            _write_graph(graph, self.location)
        self._store = ox.Store.read_only(str(self.location))
        self._size = len(self._store)
        weakref.finalize(self, shutil.rmtree, str(self.location), True)

    @property
    def native(self) -> ox.Store:
        """The pyoxigraph store, for code that serializes results natively."""
        return self._store

    def __len__(self) -> int:
        return self._size

    def select(self, query: str, max_rows: int | None = None) -> SelectResult:
        result = self._store.query(query)
        if not isinstance(result, ox.QuerySolutions):
            raise ValueError("not a SELECT query")
        try:
            return _select_rows(result, max_rows)
        finally:
            # pyoxigraph results are bound to the thread that made them: never let a traceback
            # carry one to another thread (dropping it there aborts the process)
            del result

    def ask(self, query: str) -> bool:
        result = self._store.query(query)
        if not isinstance(result, ox.QueryBoolean):
            raise ValueError("not an ASK query")
        return bool(result)

    def construct(self, query: str) -> Graph:
        result = self._store.query(query)
        if not isinstance(result, ox.QueryTriples):
            raise ValueError("not a CONSTRUCT or DESCRIBE query")
        graph = Graph()
        bind_prefixes(graph)
        for t in result:
            graph.add((_to_rdflib(t.subject), _to_rdflib(t.predicate), _to_rdflib(t.object)))  # type: ignore[arg-type]
        return graph


STORE_DIR_PREFIX = "mkbgraph-store-"


def new_store_dir() -> Path:
    """A fresh directory for a query store, named after this process; directories left by
    processes that are gone (a ``kill -9`` runs no clean-up) are removed on the way."""
    base = Path(tempfile.gettempdir())
    for old in base.glob(f"{STORE_DIR_PREFIX}*-*"):
        owner = old.name[len(STORE_DIR_PREFIX) :].split("-", 1)[0]
        if owner.isdigit() and not Path(f"/proc/{owner}").exists():
            shutil.rmtree(old, ignore_errors=True)
            logger.info("removed the query store %s of a process that is gone", old)
    return Path(tempfile.mkdtemp(prefix=f"{STORE_DIR_PREFIX}{os.getpid()}-"))


def _select_rows(result: ox.QuerySolutions, max_rows: int | None) -> SelectResult:
    columns = [v.value for v in result.variables]
    rows: list[Row] = []
    truncated = False
    for solution in result:
        if max_rows is not None and len(rows) >= max_rows:
            truncated = True
            break
        rows.append(tuple(_to_rdflib(solution[c]) for c in columns))
    return SelectResult(columns, rows, truncated)


#: File suffix -> Oxigraph parser, for the query store.
OXIGRAPH_FORMATS: dict[str, ox.RdfFormat] = {
    ".ttl": ox.RdfFormat.TURTLE,
    ".nt": ox.RdfFormat.N_TRIPLES,
}


def build_disk_store(files: Sequence[Path], location: Path) -> None:
    """Parse every file with Oxigraph into a new store at ``location`` (default graph), then close it.

    The base IRI of each file is its own ``file:`` URI, as in the rdflib load, so the two agree on
    every IRI; a file Oxigraph cannot parse is a `LoadError` with its line.
    """
    store = ox.Store(str(location))
    for path in files:
        fmt = OXIGRAPH_FORMATS.get(path.suffix)
        if fmt is None:
            raise LoadError(path, None, f"unknown RDF file extension {path.suffix!r}")
        try:
            store.bulk_load(
                path=str(path), format=fmt, base_iri=path.resolve().as_uri(), to_graph=ox.DefaultGraph()
            )
        except (SyntaxError, ValueError, OSError) as exc:
            raise LoadError(path, getattr(exc, "lineno", None), f"Oxigraph could not load it: {exc}") from exc
    store.flush()
    del store
    logger.info("query store built at %s from %d files", location, len(files))


def _write_graph(graph: Graph, location: Path) -> None:
    """A store from an in-memory graph (tests that build graphs in code)."""
    store = ox.Store(str(location))
    store.bulk_load(graph.serialize(format="nt", encoding="utf-8"), format=ox.RdfFormat.N_TRIPLES)
    store.flush()
    del store


class RdflibStore:
    """rdflib's own SPARQL engine over the in-memory graph: slow, but with no extra engine.

    Only the app's own canned texts reach it (public queries run in the sandboxed Oxigraph
    workers); graphs named in ``FROM`` are never fetched (``SPARQL_LOAD_GRAPHS`` off)."""

    name = "rdflib"

    def __init__(self, graph: Graph) -> None:
        self._graph = graph

    def __len__(self) -> int:
        return len(self._graph)

    def select(self, query: str, max_rows: int | None = None) -> SelectResult:
        result = self._graph.query(query)
        if result.type != "SELECT":
            raise ValueError("not a SELECT query")
        columns = [str(v) for v in (result.vars or [])]
        rows: list[Row] = []
        truncated = False
        for row in result:
            if max_rows is not None and len(rows) >= max_rows:
                truncated = True
                break
            rows.append(tuple(row))  # type: ignore[arg-type]
        return SelectResult(columns, rows, truncated)

    def ask(self, query: str) -> bool:
        result = self._graph.query(query)
        if result.type != "ASK":
            raise ValueError("not an ASK query")
        return bool(result.askAnswer)

    def construct(self, query: str) -> Graph:
        result = self._graph.query(query)
        if result.type not in ("CONSTRUCT", "DESCRIBE") or result.graph is None:
            raise ValueError("not a CONSTRUCT or DESCRIBE query")
        graph = Graph()
        bind_prefixes(graph)
        for triple in result.graph:
            graph.add(triple)
        return graph


#: Backend name -> factory. Add a remote SPARQL endpoint here without touching callers.
BACKENDS: dict[str, Callable[..., Store]] = {
    "oxigraph": OxigraphStore,
    "rdflib": lambda graph, files=(): RdflibStore(graph),
}


@dataclass(frozen=True)
class Snapshot:
    """One loaded, validated state of the graph: what every request reads."""

    graph: Graph
    store: Store
    report: ValidationReport | None
    fingerprint: str
    loaded_at: datetime
    load_seconds: float
    files: tuple[str, ...] = ()

    @property
    def version(self) -> str:
        """Identifies this load; caches key on it so a reload clears them."""
        return self.fingerprint


def build_snapshot(settings: Settings) -> Snapshot:
    """Load ontology and data, validate, and build the query store.

    Raises `LoadError` for unreadable input and `InvalidGraphError` when validation is on and
    the graph violates the shapes.
    """
    started = time.perf_counter()
    files = rdf_files(settings.ontology_dir, settings.data_dir)
    report: ValidationReport | None = None
    parsed: Graph | None = None
    if settings.validate_on_load:
        report = validation_report(files, settings.shapes_dir, settings.shacl_engine)
        if not report.conforms:
            raise InvalidGraphError(report)
    if settings.backend != "oxigraph":
        parsed = load_graph(settings.ontology_dir, settings.data_dir, None, check=False).graph
    store = BACKENDS[settings.backend](parsed, files=files)
    native = getattr(store, "native", None)
    # The served graph is a view over the query store: no second, in-memory copy of the triples.
    graph = graph_view(native, len(store)) if isinstance(native, ox.Store) else parsed
    assert graph is not None
    snapshot = Snapshot(
        graph=graph,
        store=store,
        report=report,
        fingerprint=content_digest(files),
        loaded_at=datetime.now(UTC),
        load_seconds=time.perf_counter() - started,
        files=tuple(str(p) for p in files),
    )
    logger.info("loaded %d triples from %d files in %.1f s", len(store), len(files), snapshot.load_seconds)
    return snapshot


class InvalidGraphError(Exception):
    """The graph parsed but violates the shapes; carries the report."""

    def __init__(self, report: ValidationReport) -> None:
        self.report = report
        super().__init__(f"the graph violates the shapes ({len(report.violations)} violations)")


@dataclass
class ReloadOutcome:
    """What a reload did: whether it swapped, and if not, why."""

    ok: bool
    message: str
    snapshot: Snapshot


@dataclass
class LiveGraph:
    """The snapshot being served, replaced atomically by `reload` only when the new one is good."""

    settings: Settings
    _current: Snapshot | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)
    listeners: list[Callable[[Snapshot], None]] = field(default_factory=list)

    @property
    def current(self) -> Snapshot:
        """The snapshot to read from; loads on first use."""
        if self._current is None:
            with self._lock:
                if self._current is None:
                    self._current = build_snapshot(self.settings)
        return self._current

    def reload(self) -> ReloadOutcome:
        """Try to load a new snapshot; on any failure keep serving the previous one."""
        with self._lock:
            try:
                fresh = build_snapshot(self.settings)
            except (LoadError, InvalidGraphError) as exc:
                previous = self._current
                if previous is None:
                    raise
                return ReloadOutcome(False, f"reload refused, previous graph kept: {exc}", previous)
            self._current = fresh
        for listener in self.listeners:
            try:
                listener(fresh)
            except Exception:  # one failing listener must not keep the others stale
                logger.exception("a reload listener failed: %r", listener)
        return ReloadOutcome(True, f"loaded {len(fresh.store)} triples", fresh)
