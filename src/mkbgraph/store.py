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

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Protocol

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from .load import LoadedGraph, LoadError, ValidationReport, load_graph
from .namespaces import bind_prefixes
from .settings import Settings

Row = tuple[Node | None, ...]


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
    """An in-memory Oxigraph store filled from an rdflib graph."""

    name = "oxigraph"

    def __init__(self, graph: Graph) -> None:
        self._store = ox.Store()
        data = graph.serialize(format="nt", encoding="utf-8")
        self._store.load(data, format=ox.RdfFormat.N_TRIPLES)
        self._size = len(self._store)

    @property
    def native(self) -> ox.Store:
        """The pyoxigraph store, for code that serializes results natively (the endpoint)."""
        return self._store

    def __len__(self) -> int:
        return self._size

    def select(self, query: str, max_rows: int | None = None) -> SelectResult:
        result = self._store.query(query)
        if not isinstance(result, ox.QuerySolutions):
            raise ValueError("not a SELECT query")
        columns = [v.value for v in result.variables]
        rows: list[Row] = []
        truncated = False
        for solution in result:
            if max_rows is not None and len(rows) >= max_rows:
                truncated = True
                break
            rows.append(tuple(_to_rdflib(solution[c]) for c in columns))
        return SelectResult(columns, rows, truncated)

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


class RdflibStore:
    """rdflib's own SPARQL engine over the in-memory graph: slow, but with no extra engine."""

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
BACKENDS: dict[str, Callable[[Graph], Store]] = {
    "oxigraph": OxigraphStore,
    "rdflib": RdflibStore,
}


def _to_rdflib(term: object) -> Node | None:
    """Convert a pyoxigraph term to the equivalent rdflib term."""
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        return Literal(term.value, datatype=URIRef(term.datatype.value))
    raise TypeError(f"unsupported term {term!r}")


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
    loaded: LoadedGraph = load_graph(
        settings.ontology_dir,
        settings.data_dir,
        settings.shapes_dir,
        check=settings.validate_on_load,
        cache_dir=settings.cache_dir,
    )
    if loaded.report is not None and not loaded.report.conforms:
        raise InvalidGraphError(loaded.report)
    store = BACKENDS[settings.backend](loaded.graph)
    return Snapshot(
        graph=loaded.graph,
        store=store,
        report=loaded.report,
        fingerprint=loaded.fingerprint,
        loaded_at=datetime.now(UTC),
        load_seconds=time.perf_counter() - started,
        files=tuple(str(p) for p in loaded.files),
    )


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
            listener(fresh)
        return ReloadOutcome(True, f"loaded {len(fresh.store)} triples", fresh)
