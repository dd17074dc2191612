"""A remote SPARQL 1.1 server as the store (``MKBGRAPH_BACKEND=sparql``).

Why: the people who would run mkbgraph already run a triple store and want every action plan in
it; the app then reads over the standard protocol (SPARQL 1.1 Protocol, query via POST, answers
in SPARQL JSON results or N-Triples) instead of holding the graph itself.

What the app keeps in its own process in this mode is only what the network analytics project:
`projection_graph` fetches, with one CONSTRUCT, the triples of the predicates in
`PROJECTION_PREDICATES` (types, labels, abbreviations, classifications, statuses, themes, the
relation triples and the provenance excerpts), never the whole graph. Pages read through the
`Store` methods; the public endpoint goes through `mkbgraph.sparql.remote`, which screens first.

The graph version is a hash of the triple count, a digest of every triple computed by the server
(`DIGEST_QUERY`: the sum of each triple's MD5 prefix) and the projected triples, so it changes when
the remote data changes; it is recomputed on every (re)load, and ``MKBGRAPH_SPARQL_CHECK_SECONDS``
can ask the server for the digest periodically and reload when it moved. Credentials come from the settings (``MKBGRAPH_SPARQL_USER`` / ``_PASSWORD``) and are
never logged: logs name the server by host and path only.
"""

from __future__ import annotations

import hashlib
import logging
import time
from urllib.parse import urlsplit

import httpx
import pyoxigraph as ox
from rdflib import Graph, URIRef
from rdflib.namespace import PROV, RDF, RDFS, SKOS

from mkbgraph.config import Settings
from mkbgraph.errors import ServiceError
from mkbgraph.graph.store import Row, SelectResult, select_rows
from mkbgraph.graph.view import graph_view, to_rdflib
from mkbgraph.vocab import MKB, ORG, RELATION_TABLE, bind_prefixes

logger = logging.getLogger(__name__)

#: What the app asks for: SPARQL JSON results for SELECT/ASK, N-Triples for CONSTRUCT/DESCRIBE.
RESULTS_ACCEPT = "application/sparql-results+json"
GRAPH_ACCEPT = "application/n-triples"

#: The predicates the network projection, the resource index and the view read from
#: ``snapshot.graph``: the only triples the app fetches in remote mode.
PROJECTION_PREDICATES: tuple[URIRef, ...] = tuple(
    dict.fromkeys(
        (
            RDF.type,
            RDFS.label,
            SKOS.prefLabel,
            SKOS.altLabel,
            SKOS.notation,
            SKOS.broader,
            ORG.classification,
            MKB.status,
            MKB.theme,
            MKB.actionLine,
            MKB.inSection,
            PROV.wasDerivedFrom,
            PROV.value,
            *(relation.predicate for relation in RELATION_TABLE),
        )
    )
)


_HEX = '"0123456789abcdef"'
_TERM = 'IF(isBlank({v}), "_:", IF(isLiteral({v}), CONCAT(STR({v}), "@", LANG({v}), "^^", STR(DATATYPE({v}))), STR({v})))'
#: Triple count and digest (see `SparqlStore._aggregates`): the first 8 hex digits of each
#: triple's MD5 read as a number (a digit's value is its position in "0123456789abcdef").
DIGEST_QUERY = (
    "SELECT (COUNT(*) AS ?triples) (SUM(?h) AS ?digest) WHERE { ?s ?p ?o "
    f'BIND(MD5(CONCAT({_TERM.format(v="?s")}, " ", STR(?p), " ", {_TERM.format(v="?o")})) AS ?m) '
    "BIND("
    + " + ".join(f"STRLEN(STRBEFORE({_HEX}, SUBSTR(?m, {k + 1}, 1))) * {16 ** (7 - k)}" for k in range(8))
    + " AS ?h) }"
)


#: Why results are dropped with ``del`` and errors raised outside their ``except`` clause here:
#: pyoxigraph's query results and parsers belong to the thread that made them, and one dropped on
#: another thread aborts the process. These functions run in pool threads and their errors travel
#: to the event loop's thread; an error raised inside the handler would carry the old traceback
#: (``__context__``), and with it the frames that still hold the result.
UNSENDABLE = "pyoxigraph results are dropped on the thread that made them"


class RemoteError(ServiceError):
    """The remote SPARQL server failed or answered something unusable: 502."""

    status = 502
    code = "remote_error"
    title = "SPARQL server error"


class RemoteUnavailable(RemoteError):
    """The remote SPARQL server could not be reached: 503."""

    status = 503
    code = "remote_unavailable"
    title = "SPARQL server unavailable"


class RemoteTimeout(RemoteError):
    """The remote server did not answer within the app's time limit: 503, as the embedded engine."""

    status = 503
    code = "timeout"
    title = "Query timed out"


class RemoteTooLarge(RemoteError):
    """The answer is larger than ``MKBGRAPH_SPARQL_MAX_BYTES``: 503, as the embedded engine."""

    status = 503
    code = "query_too_large"
    title = "Query too large"


class RemoteBadQuery(RemoteError):
    """The remote engine refused the text (its parser is the one that decides): 400."""

    status = 400
    code = "bad_query"
    title = "Bad query"


def public_url(url: str) -> str:
    """The URL without user information, for logs and messages."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{host}{port}{parts.path}"


class SparqlClient:
    """Sends queries to one SPARQL 1.1 Protocol endpoint; maps every failure to a `RemoteError`.

    Thread-safe (one pooled `httpx.Client`). Proxies from the environment are ignored
    (``trust_env=False``): the app talks to the configured server and nothing else."""

    def __init__(self, settings: Settings) -> None:
        if not settings.sparql_url:
            raise ValueError("MKBGRAPH_BACKEND=sparql needs MKBGRAPH_SPARQL_URL (the query endpoint)")
        self.url = settings.sparql_url
        self.graph = settings.sparql_graph
        self.max_bytes = settings.sparql_max_bytes
        self.timeout = settings.query_timeout
        self.load_timeout = settings.sparql_load_timeout
        password = settings.sparql_password.get_secret_value()
        auth = httpx.BasicAuth(settings.sparql_user, password) if settings.sparql_user else None
        self._http = httpx.Client(
            auth=auth,
            trust_env=False,
            follow_redirects=False,
            limits=httpx.Limits(max_connections=64, max_keepalive_connections=16),
        )

    def __repr__(self) -> str:
        return f"SparqlClient({public_url(self.url)!r})"

    def query(
        self, text: str, accept: str, timeout: float | None = None, *, load: bool = False
    ) -> tuple[str, bytes]:
        """POST ``text`` (SPARQL 1.1 Protocol, query via URL-encoded POST); the media type and
        body of a 2xx answer. The whole exchange, reading included, ends by ``timeout`` seconds.

        ``load``: one of the app's own load-time queries, whose answer grows with the graph: the
        load time limit, and no byte cap."""
        limit = (self.load_timeout if load else self.timeout) if timeout is None else timeout
        deadline = time.monotonic() + limit
        form = {"query": text}
        if self.graph:
            form["default-graph-uri"] = self.graph
        try:
            with self._http.stream(
                "POST", self.url, data=form, headers={"Accept": accept}, timeout=httpx.Timeout(limit)
            ) as response:
                body = self._read(response, deadline, limit, None if load else self.max_bytes)
        except httpx.TimeoutException as exc:
            raise _timeout(limit) from exc
        except httpx.TransportError as exc:
            logger.warning("SPARQL server %s unreachable: %s", public_url(self.url), type(exc).__name__)
            raise RemoteUnavailable("the SPARQL server could not be reached; try again shortly") from exc
        if response.status_code >= 300:
            raise _status_error(response.status_code, body)
        media = response.headers.get("content-type", accept).split(";")[0].strip()
        return media, body

    def _read(self, response: httpx.Response, deadline: float, limit: float, max_bytes: int | None) -> bytes:
        chunks: list[bytes] = []
        size = 0
        for chunk in response.iter_bytes():
            size += len(chunk)
            if max_bytes is not None and size > max_bytes:
                raise RemoteTooLarge(
                    f"the answer is larger than {max_bytes} bytes; narrow the query down (add LIMIT)"
                )
            if time.monotonic() > deadline:
                raise _timeout(limit)
            chunks.append(chunk)
        return b"".join(chunks)

    def close(self) -> None:
        self._http.close()


def _timeout(limit: float) -> RemoteTimeout:
    return RemoteTimeout(
        f"the query ran longer than the {limit:g} s limit and was stopped; "
        "narrow it down (add LIMIT, filters or fewer unbound patterns)"
    )


def _status_error(status: int, body: bytes) -> RemoteError:
    """A remote error answer in the app's error shape; the server's own words where they help."""
    said = body[:500].decode("utf-8", "replace").strip()
    if status == 400:
        return RemoteBadQuery(f"the SPARQL server refused the query: {said}")
    if status in (401, 403):
        return RemoteError("the SPARQL server refused the app's credentials (MKBGRAPH_SPARQL_USER/_PASSWORD)")
    if status in (502, 503, 504):
        return RemoteUnavailable(f"the SPARQL server is unavailable (HTTP {status})")
    return RemoteError(f"the SPARQL server answered HTTP {status}: {said}")


def parse_results(media: str, body: bytes) -> ox.QuerySolutions | ox.QueryBoolean:
    """A SELECT or ASK answer, parsed by Oxigraph's result parsers (JSON, XML, CSV/TSV)."""
    fmt = ox.QueryResultsFormat.from_media_type(media) or ox.QueryResultsFormat.JSON
    try:
        return ox.parse_query_results(body, format=fmt)
    except (SyntaxError, ValueError):
        pass  # raised below, outside the handler: see `UNSENDABLE`
    raise broken_answer(body)


def parse_triples(media: str, body: bytes) -> list[ox.Triple]:
    """A CONSTRUCT or DESCRIBE answer, parsed by Oxigraph's RDF parsers."""
    fmt = ox.RdfFormat.from_media_type(media) or ox.RdfFormat.N_TRIPLES
    try:
        return [q.triple for q in ox.parse(body, format=fmt)]
    except (SyntaxError, ValueError):
        pass  # raised below, outside the handler: see `UNSENDABLE`
    raise broken_answer(body)


def broken_answer(body: bytes) -> RemoteError:
    """An answer that does not parse. Servers that stream (Oxigraph) send ``200`` before they
    evaluate and, when evaluation fails (their own time limit, a failed ``SERVICE``), write the
    error text at the end of the body: quote that end."""
    tail = body[-300:].decode("utf-8", "replace").strip()
    return RemoteError(f"the SPARQL server broke off its answer: ...{tail}")


class SparqlStore:
    """The `Store` over a remote server: the app's own canned texts (pages, views) run here."""

    name = "sparql"

    def __init__(self, settings: Settings, client: SparqlClient | None = None) -> None:
        self.client = client or SparqlClient(settings)
        self._at_load = self._aggregates()
        self._size = int(self._at_load[0])

    def __len__(self) -> int:
        return self._size

    def select(self, query: str, max_rows: int | None = None) -> SelectResult:
        media, body = self.client.query(query, RESULTS_ACCEPT)
        result = parse_results(media, body)
        is_select = isinstance(result, ox.QuerySolutions)
        rows: SelectResult | None = None
        try:
            if isinstance(result, ox.QuerySolutions):
                rows = select_rows(result, max_rows)
        except SyntaxError:  # the parser is lazy: a break in the body shows while reading
            pass
        finally:
            del result  # here, on this thread: see `UNSENDABLE`
        if not is_select:
            raise ValueError("not a SELECT query")
        if rows is None:
            raise broken_answer(body)
        return rows

    def ask(self, query: str) -> bool:
        result = parse_results(*self.client.query(query, RESULTS_ACCEPT))
        answer = bool(result) if isinstance(result, ox.QueryBoolean) else None
        del result  # here, on this thread: see `UNSENDABLE`
        if answer is None:
            raise ValueError("not an ASK query")
        return answer

    def construct(self, query: str) -> Graph:
        graph = Graph()
        bind_prefixes(graph)
        for t in parse_triples(*self.client.query(query, GRAPH_ACCEPT)):
            graph.add((to_rdflib(t.subject), to_rdflib(t.predicate), to_rdflib(t.object)))  # type: ignore[arg-type]
        return graph

    def _aggregates(self) -> tuple[str, ...]:
        """The triple count and a digest of every triple: the sum over the triples of the first
        32 bits of each one's MD5 (a multiset hash, so the server's order does not matter; one
        changed triple changes it but for a 1 in 2^32 chance). One query, evaluated on the server.
        Blank nodes count as ``_:``: their labels are each store's own."""
        result = parse_results(*self.client.query(DIGEST_QUERY, RESULTS_ACCEPT, load=True))
        rows: list[Row] = []
        try:
            if isinstance(result, ox.QuerySolutions):
                rows = select_rows(result, 1).rows
        except SyntaxError:
            pass
        finally:
            del result  # here, on this thread: see `UNSENDABLE`
        if not rows:
            raise RemoteError("the SPARQL server gave no answer to the digest query")
        return tuple("0" if term is None else str(term) for term in rows[0])

    def changed(self) -> bool:
        """Whether the remote data differs from what it was when this store was opened (for the
        periodic check, ``MKBGRAPH_SPARQL_CHECK_SECONDS``); False when the server cannot say."""
        try:
            return self._aggregates() != self._at_load
        except RemoteError as exc:
            logger.warning("version check of %s failed: %s", public_url(self.client.url), exc.message)
            return False

    def fingerprint(self, projected: bytes) -> str:
        """The graph version: a hash of the aggregates and of the projected triples (N-Triples
        lines, sorted: the server's order is its own)."""
        digest = hashlib.sha256("|".join(self._aggregates()).encode())
        for line in sorted(projected.splitlines()):
            digest.update(line)
            digest.update(b"\n")
        return digest.hexdigest()[:16]


def projection_graph(store: SparqlStore) -> tuple[Graph, str]:
    """The triples of `PROJECTION_PREDICATES` only, in one CONSTRUCT: what ``snapshot.graph``
    must answer for the network projections, without the rest of the graph; and the version.

    The triples go into an in-memory Oxigraph store behind the same read-only rdflib view the
    embedded mode serves (`graph_view`): about a tenth of the memory of an rdflib graph."""
    values = " ".join(f"<{p}>" for p in PROJECTION_PREDICATES)
    started = time.perf_counter()
    query = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ VALUES ?p {{ {values} }} ?s ?p ?o }}"
    media, body = store.client.query(query, GRAPH_ACCEPT, load=True)
    fmt = ox.RdfFormat.from_media_type(media) or ox.RdfFormat.N_TRIPLES
    projected = ox.Store()
    try:
        projected.bulk_load(body, format=fmt, to_graph=ox.DefaultGraph())
    except (SyntaxError, ValueError) as exc:
        raise broken_answer(body) from exc
    graph = graph_view(projected, len(projected))
    logger.info(
        "projected %d of %d triples from %s in %.2f s",
        len(graph),
        len(store),
        public_url(store.client.url),
        time.perf_counter() - started,
    )
    if fmt != ox.RdfFormat.N_TRIPLES:  # hash a canonical form whatever the server sent
        body = projected.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph()) or b""
    return graph, store.fingerprint(body)
