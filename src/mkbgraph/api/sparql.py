"""The SPARQL 1.1 Protocol endpoint (``/sparql``), the dataset descriptions and the canned
query API (``/api/queries``), all read-only.

- ``GET /sparql?query=``, ``POST`` form-encoded and ``POST application/sparql-query``; an update
  through any door (``update=``, ``application/sparql-update``, an update in ``query=``) is
  refused with 403; ``default-graph-uri`` / ``named-graph-uri`` are refused with 400 on every
  door (SPARQL 1.1 Protocol 2.1.4) because this service has one fixed default graph; empty values
  are ignored. Relative IRIs in a query resolve against the endpoint's URL.
- Content negotiation is a table (media type -> format), ``?format=`` overrides ``Accept``.
- ``GET /sparql`` without a query answers the SPARQL 1.1 Service Description;
  ``/.well-known/void`` and ``/dataset`` answer a VoID + DCAT description of the dataset.
- Every query runs through `engine.QueryEngine`: screened, cached per snapshot, time-limited
  in a killable worker process, rows capped (``X-Truncated`` / ``truncated`` say so).
- Errors share the API's one shape ``{"error": {"status", "title", "detail", "code", ...}}``:
  400 bad query or parameter (parser message, line and column), 403 refused, 404 unknown canned
  query, 413 body too large, 415 unsupported body type, 503 timeout or busy.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import urllib.parse
from collections.abc import AsyncIterator, Callable
from decimal import Decimal
from typing import Annotated, Any

import anyio
from fastapi import APIRouter, FastAPI, Path, Query, Request
from fastapi.responses import JSONResponse, Response
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, RDF, RDFS, XSD
from rdflib.term import Node

from mkbgraph.api.models import ErrorBody, QueryAnswer, QueryList
from mkbgraph.config import Settings, public_base
from mkbgraph.errors import ServiceError
from mkbgraph.graph.store import SelectResult, Snapshot
from mkbgraph.sparql import formats
from mkbgraph.sparql.catalogue import CannedQuery, Catalogue, ParameterError
from mkbgraph.sparql.engine import (
    ENTRY_OVERHEAD,
    QueryEngine,
    ResultCache,
    Serialized,
    get_engine,
)
from mkbgraph.sparql.screen import QueryRejected, refuse_update
from mkbgraph.vocab import MKB, PREFIXES, SD, VOID, bind_prefixes
from mkbgraph.web.service_pages import endpoint_page, wants_html

router = APIRouter()
logger = logging.getLogger(__name__)

#: A description in RDF: one of the RDF formats, as negotiated.
RDF_ANSWER: dict[str, Any] = {
    "description": "Turtle (or JSON-LD, N-Triples, RDF/XML by Accept or ?format=).",
    "content": {f.media_type: {"schema": {"type": "string"}} for f in formats.RDF_FORMATS},
}

#: Names of the canned query API that are not query parameters.
RESERVED_PARAMETERS = frozenset({"format", "timeout", "max_rows"})

CORS_HEADERS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Expose-Headers": "X-Truncated, X-Result-Count",
}

QUERY_HELP = "A SPARQL 1.1 query (SELECT, ASK, CONSTRUCT or DESCRIBE). Without it, GET answers the Service Description."
FORMAT_HELP = (
    "Override content negotiation: json, xml, csv, tsv (SELECT/ASK) or turtle, jsonld, nt, rdfxml "
    "(CONSTRUCT/DESCRIBE), or a media type."
)
TIMEOUT_HELP = "Lower the time limit for this request, in seconds (never above the configured limit)."

ERRORS: dict[int | str, dict[str, Any]] = {
    400: {
        "model": ErrorBody,
        "description": "Malformed query or parameter; `error.line`/`error.column` point at the problem.",
    },
    403: {"model": ErrorBody, "description": "Refused: SPARQL Update, SERVICE, FROM/FROM NAMED."},
    429: {"model": ErrorBody, "description": "This client has too many queries running and waiting."},
    413: {"model": ErrorBody, "description": "Request body larger than the configured limit."},
    415: {
        "model": ErrorBody,
        "description": "POST body of another type than form-encoded or application/sparql-query.",
    },
    503: {
        "model": ErrorBody,
        "description": "The query ran past the time limit or its memory cap (it was stopped), or the queue is full.",
    },
}


class BodyTooLarge(QueryRejected):
    """The request body exceeds ``max_body_bytes``: 413."""

    status = 413
    code = "too_large"
    title = "Request body too large"


class UnsupportedMediaType(QueryRejected):
    """A POST body this endpoint does not read: 415."""

    status = 415
    code = "unsupported_media_type"
    title = "Unsupported media type"


class DatasetRefused(QueryRejected):
    """``default-graph-uri`` / ``named-graph-uri``: a dataset this service will not honour: 400."""

    status = 400
    code = "dataset_not_supported"
    title = "Dataset not supported"


class UnknownQuery(QueryRejected):
    """No canned query of that name: 404."""

    status = 404
    code = "unknown_query"
    title = "Unknown query"


def error_response(exc: ServiceError, cors: bool = False) -> JSONResponse:
    """The API's one error shape, with the exception's status code; every refusal is logged."""
    level = logging.WARNING if exc.status >= 500 or exc.status in (403, 429) else logging.INFO
    logger.log(level, "%s %s: %s", exc.status, exc.code, exc.message)
    headers = dict(CORS_HEADERS) if cors else None
    return JSONResponse(exc.as_dict(), status_code=exc.status, headers=headers)


def _parameter_error(exc: ParameterError) -> JSONResponse:
    return error_response(QueryRejected(str(exc), code="bad_parameter", title="Bad parameter"))


# --- content negotiation ---------------------------------------------------------------------


def negotiate(form: str, accept: str, fmt: str | None) -> str:
    """The format name for a query form, from ``?format=`` first, then Accept, else the default."""
    results, graph = negotiate_both(accept, fmt)
    chosen = graph if form in ("CONSTRUCT", "DESCRIBE") else results
    if chosen is None:
        raise QueryRejected(f"unknown format {fmt!r} for a {form} query")
    return chosen


def negotiate_both(accept: str, fmt: str | None) -> tuple[str, str]:
    """(results format, RDF format) before the query form is known: the worker picks the one
    that fits the form it parsed. ``?format=`` first, then Accept, else JSON / Turtle; an
    explicit format that fits neither kind is a 400."""
    if fmt and fmt.strip():
        try:
            results, graph = formats.by_parameter(fmt)
        except formats.UnknownFormat as exc:
            raise QueryRejected(str(exc)) from None
    else:
        results, graph = formats.negotiate(accept, "results"), formats.negotiate(accept, "rdf")
    return (results.name if results else "json"), (graph.name if graph else "turtle")


# --- request reading -------------------------------------------------------------------------


async def read_body(request: Request, limit: int) -> bytes:
    """The body, refused with 413 as soon as it passes ``limit`` bytes (declared or streamed)."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise BodyTooLarge(f"the request body is {declared} bytes; the limit is {limit}")
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise BodyTooLarge(f"the request body exceeds the limit of {limit} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


def _media_type(request: Request) -> tuple[str, str]:
    """(media type, charset) of the request body."""
    raw = request.headers.get("content-type", "")
    pieces = [p.strip() for p in raw.split(";")]
    charset = ""
    for param in pieces[1:]:
        if param.lower().startswith("charset="):
            charset = param.split("=", 1)[1].strip().strip('"').lower()
    return pieces[0].lower(), charset


def _decode_utf8(body: bytes) -> str:
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise QueryRejected(f"the request body is not valid UTF-8 (byte {exc.start})") from exc


def _protocol_values(pairs: list[tuple[str, str]]) -> dict[str, list[str]]:
    values: dict[str, list[str]] = {}
    for key, value in pairs:
        values.setdefault(key, []).append(value)
    return values


def _check_protocol(values: dict[str, list[str]]) -> None:
    """Refuse updates and dataset parameters, reject ambiguous requests.

    Dataset parameters get 400 on every door (URL or body, GET or POST): SPARQL 1.1 Protocol
    section 2.1.4 names 400 for a dataset description the service will not honour."""
    if values.get("update"):
        raise refuse_update()
    dataset = [
        v for key in ("default-graph-uri", "named-graph-uri") for v in values.get(key, []) if v.strip()
    ]
    if dataset:
        raise DatasetRefused(
            "default-graph-uri and named-graph-uri are not supported: this service answers over its "
            "one default graph and loads no other graph"
        )
    if len(values.get("query", [])) > 1:
        raise QueryRejected("more than one query parameter")


def _timeout(values: dict[str, list[str]]) -> float | None:
    raw = (values.get("timeout") or [""])[-1].strip()
    if not raw:
        return None
    try:
        seconds = float(raw)
    except ValueError as exc:
        raise QueryRejected(f"timeout {raw!r} is not a number of seconds") from exc
    if not seconds > 0 or seconds != seconds or seconds == float("inf"):
        raise QueryRejected("timeout must be a positive, finite number of seconds")
    return seconds


# --- /sparql ---------------------------------------------------------------------------------


def _response_key(scope: Any) -> tuple[bytes, bytes]:
    accept = b""
    for name, value in scope.get("headers", ()):
        if name == b"accept":
            accept = value
    return scope.get("query_string", b""), accept


class ResponseCache:
    """Whole ``GET /sparql`` answers by (query string, Accept) for the current snapshot version.

    Served by `SparqlResponseCacheMiddleware` before routing: the data is read-only between
    reloads, so a repeated request costs a dictionary lookup instead of a trip through the
    framework. A byte budget (``cache_bytes``), least recently used out first, so large answers
    (megabytes at 100x the real data) are served from here too; cleared by a reload."""

    def __init__(self, max_bytes: int = 128_000_000) -> None:
        self._cache = ResultCache(max_bytes)

    def put(self, key: tuple[bytes, bytes], version: str, response: Response) -> bool:
        """Keep a response (status, headers, body) for this version; False if over the size limit."""
        headers = list(response.raw_headers)
        body = bytes(response.body)
        size = len(body) + sum(len(k) + len(v) for k, v in headers) + len(key[0]) + len(key[1])
        size += ENTRY_OVERHEAD + 100 * len(headers)  # the objects around them, not only their bytes
        return self._cache.put(key, (version, response.status_code, headers, body), size)

    def get(
        self, key: tuple[bytes, bytes], version: str
    ) -> tuple[int, list[tuple[bytes, bytes]], bytes] | None:
        entry = self._cache.get(key)
        if entry is None or entry[0] != version:
            return None
        return entry[1], entry[2], entry[3]

    def clear(self) -> None:
        self._cache.clear()

    def __len__(self) -> int:
        return len(self._cache)

    @property
    def size(self) -> int:
        """Bytes held now."""
        return self._cache.size


class SparqlResponseCacheMiddleware:
    """The hot path of ``/sparql``, as pure ASGI before the framework's routing.

    A repeated ``GET`` is answered straight from `ResponseCache`; any other ``GET``/``POST``
    goes to the same handlers the routes use (`sparql_get`, `sparql_post`), without the
    framework's routing and parameter validation, which cost more server CPU per query than
    everything else together (the routes stay for the OpenAPI description and ``OPTIONS``)."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or scope["path"] != "/sparql" or scope["method"] not in ("GET", "POST"):
            await self.app(scope, receive, send)
            return
        state = scope["app"].state
        if scope["method"] == "GET":
            hit = state.sparql_responses.get(_response_key(scope), state.query_engine.version)
            if hit is not None:
                status, headers, body = hit
                await send({"type": "http.response.start", "status": status, "headers": headers})
                await send({"type": "http.response.body", "body": body})
                return
        request = Request(scope, receive)
        try:
            response = await (sparql_get(request) if scope["method"] == "GET" else sparql_post(request))
        except ServiceError as exc:  # no router here, so no exception handler: answer it in place
            response = error_response(exc, cors=True)
        await response(scope, receive, send)


def _result_response(answer: Serialized) -> Response:
    headers = {
        **CORS_HEADERS,
        "X-Truncated": "true" if answer.truncated else "false",
        "X-Result-Count": str(answer.count),
        "Vary": "Accept",
    }
    media = answer.media_type
    if media.startswith("text/"):
        media += "; charset=utf-8"
    return Response(answer.body, media_type=media, headers=headers)


def client_of(request: Request) -> str:
    """The client a request is counted against for fairness: its remote address."""
    return request.client.host if request.client else "unknown"


def endpoint_url(request: Request) -> str:
    """This endpoint's URL: the base IRI of relative IRIs in a query (the public base URL,
    never the Host header a client sent)."""
    return public_base(request.app.state.settings, request.scope) + "/sparql"


async def _answer(request: Request, values: dict[str, list[str]]) -> Response:
    """Check the request (cheap, on the loop), then run it through the engine: a cache hit is a
    lookup; screening, parsing and execution happen off the loop, in the engine's threads and
    sandboxed workers."""
    settings: Settings = request.app.state.settings
    try:
        _check_protocol(values)
        query = (values.get("query") or [""])[0]
        if not query.strip():
            raise QueryRejected("the query parameter is empty")
        if len(query) > settings.max_body_bytes:
            raise BodyTooLarge(
                f"the query is {len(query)} characters; the limit is {settings.max_body_bytes}"
            )
        results, graph = negotiate_both(request.headers.get("accept", ""), (values.get("format") or [""])[0])
        engine = get_engine(request.app)
        version = engine.version
        answer = await engine.serialize_async(
            query,
            results or "json",
            graph_fmt=graph,
            timeout=_timeout(values),
            base=endpoint_url(request),
            client=client_of(request),
        )
        if (answer.form == "CONSTRUCT" and graph is None) or (answer.form != "CONSTRUCT" and results is None):
            raise QueryRejected(f"the requested format does not fit a {answer.form} query")
    except QueryRejected as exc:
        return error_response(exc, cors=True)
    response = _result_response(answer)
    # (version read before running: a reload meanwhile makes the entry stale, never wrong)
    if request.method == "GET":
        responses: ResponseCache = request.app.state.sparql_responses
        responses.put(_response_key(request.scope), version, response)
    return response


@router.get(
    "/sparql",
    tags=["sparql"],
    summary="SPARQL 1.1 query (GET), or the Service Description without a query",
    responses={
        200: {
            "description": "Query results (negotiated) or the Service Description (Turtle).",
            "content": {f.media_type: {} for f in formats.FORMATS},
        },
        **ERRORS,
    },
)
async def sparql_get(
    request: Request,
    query: Annotated[str | None, Query(description=QUERY_HELP)] = None,
    update: Annotated[str | None, Query(description="Refused with 403: this endpoint is read-only.")] = None,
    default_graph_uri: Annotated[
        list[str] | None,
        Query(alias="default-graph-uri", description="Refused with 400 when given: one fixed default graph."),
    ] = None,
    named_graph_uri: Annotated[
        list[str] | None,
        Query(alias="named-graph-uri", description="Refused with 400 when given: no named graphs."),
    ] = None,
    format: Annotated[str | None, Query(description=FORMAT_HELP)] = None,
    timeout: Annotated[str | None, Query(description=TIMEOUT_HELP)] = None,
) -> Response:
    """Run a query given as ``?query=``; results by content negotiation (JSON by default for
    SELECT/ASK, Turtle for CONSTRUCT/DESCRIBE). CORS is open, so YASGUI pages elsewhere work."""
    values = _protocol_values(request.query_params.multi_items())
    if "query" not in values and "update" not in values:
        return endpoint_page(request) if wants_html(request) else service_description(request)
    return await _answer(request, values)


@router.post(
    "/sparql",
    tags=["sparql"],
    summary="SPARQL 1.1 query (POST form-encoded or application/sparql-query)",
    responses={200: {"description": "Query results (negotiated)."}, **ERRORS},
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/x-www-form-urlencoded": {
                    "schema": {
                        "type": "object",
                        "properties": {
                            "query": {"type": "string", "description": QUERY_HELP},
                            "default-graph-uri": {"type": "string", "description": "Refused when given."},
                            "named-graph-uri": {"type": "string", "description": "Refused when given."},
                            "timeout": {"type": "number", "description": TIMEOUT_HELP},
                            "format": {"type": "string", "description": FORMAT_HELP},
                        },
                        "required": ["query"],
                    }
                },
                "application/sparql-query": {"schema": {"type": "string", "description": QUERY_HELP}},
            },
        }
    },
)
async def sparql_post(request: Request) -> Response:
    """Run a query sent in the body: form-encoded (``query=...``) or directly as
    ``application/sparql-query`` (then ``default-graph-uri`` etc. travel in the URL).
    ``application/sparql-update`` and an ``update=`` field are refused with 403."""
    settings: Settings = request.app.state.settings
    try:
        media, charset = _media_type(request)
        if charset and charset not in ("utf-8", "utf8"):
            raise UnsupportedMediaType(f"charset {charset} is not supported; send UTF-8")
        body = await read_body(request, settings.max_body_bytes)
        url_values = _protocol_values(request.query_params.multi_items())
        if media == "application/x-www-form-urlencoded":
            pairs = urllib.parse.parse_qsl(_decode_utf8(body), keep_blank_values=True)
            values = _protocol_values(pairs)
            for key in ("format", "timeout", "update", "default-graph-uri", "named-graph-uri"):
                values.setdefault(key, url_values.get(key, []))
        elif media == "application/sparql-query":
            values = {**url_values, "query": [_decode_utf8(body)]}
        elif media == "application/sparql-update":
            raise refuse_update()
        else:
            raise UnsupportedMediaType(
                f"a POST body must be application/x-www-form-urlencoded or application/sparql-query, "
                f"not {media or 'untyped'}"
            )
        if "query" not in values and "update" not in values:
            raise QueryRejected("no query in the request")
    except QueryRejected as exc:
        return error_response(exc, cors=True)
    return await _answer(request, values)


@router.options("/sparql", include_in_schema=False)
async def sparql_preflight() -> Response:
    """CORS preflight: any origin may query (the endpoint is read-only)."""
    return Response(
        status_code=204,
        headers={
            **CORS_HEADERS,
            "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
            "Access-Control-Allow-Headers": "Content-Type, Accept",
            "Access-Control-Max-Age": "86400",
        },
    )


# --- descriptions ------------------------------------------------------------------------------

_descriptions: dict[tuple[str, str, str], Graph] = {}
_descriptions_lock = threading.Lock()


def _described(kind: str, request: Request, build: Callable[[Snapshot, str], Graph]) -> Graph:
    snapshot: Snapshot = request.app.state.live.current
    base = public_base(request.app.state.settings, request.scope)
    key = (kind, snapshot.version, base)
    with _descriptions_lock:
        graph = _descriptions.get(key)
    if graph is None:
        graph = build(snapshot, base)
        with _descriptions_lock:
            if len(_descriptions) > 64:
                _descriptions.clear()
            _descriptions[key] = graph
    return graph


def _rdf_response(graph: Graph, request: Request) -> Response:
    fmt = negotiate("CONSTRUCT", request.headers.get("accept", ""), request.query_params.get("format"))
    body = graph.serialize(format=formats.BY_NAME[fmt].rdflib, encoding="utf-8")
    media = formats.BY_NAME[fmt].media_type
    return Response(body, media_type=media, headers={**CORS_HEADERS, "Vary": "Accept"})


def _service_graph(snapshot: Snapshot, base: str) -> Graph:
    graph = Graph()
    bind_prefixes(graph)
    graph.bind("sd", SD)
    graph.bind("void", VOID)
    endpoint = URIRef(f"{base}/sparql")
    format_iris = "http://www.w3.org/ns/formats/"
    settings_note = (
        "Read-only SPARQL 1.1 Query endpoint over the MKB-actieplan 2019 progress report graph. "
        "SPARQL Update, SERVICE, FROM/FROM NAMED and dataset parameters are refused; "
        "every query has a time limit and a row cap."
    )
    graph.add((endpoint, RDF.type, SD.Service))
    graph.add((endpoint, SD.endpoint, endpoint))
    graph.add((endpoint, SD.supportedLanguage, SD.SPARQL11Query))
    graph.add((endpoint, DCTERMS.description, Literal(settings_note, lang="en")))
    for fmt in formats.FORMATS:
        graph.add((endpoint, SD.resultFormat, URIRef(format_iris + fmt.w3c)))
    dataset = BNode()
    default = BNode()
    graph.add((endpoint, SD.defaultDataset, dataset))
    graph.add((dataset, RDF.type, SD.Dataset))
    graph.add((dataset, DCTERMS.source, URIRef(f"{base}/dataset")))
    graph.add((dataset, SD.defaultGraph, default))
    graph.add((default, RDF.type, SD.Graph))
    graph.add((default, VOID.triples, Literal(len(snapshot.store), datatype=XSD.integer)))
    return graph


def _void_graph(snapshot: Snapshot, base: str) -> Graph:
    """VoID statistics and DCAT metadata of the loaded graph."""
    data = snapshot.graph
    graph = Graph()
    bind_prefixes(graph)
    graph.bind("void", VOID)
    graph.bind("dcat", DCAT)
    dataset = URIRef(f"{base}/dataset")
    endpoint = URIRef(f"{base}/sparql")
    classes: dict[Node, set[Node]] = {}
    properties: dict[Node, int] = {}
    subjects: set[Node] = set()
    for s, p, o in data:
        subjects.add(s)
        properties[p] = properties.get(p, 0) + 1
        if p == RDF.type:
            classes.setdefault(o, set()).add(s)
    add = graph.add
    add((dataset, RDF.type, VOID.Dataset))
    add((dataset, RDF.type, DCAT.Dataset))
    add((dataset, DCTERMS.title, Literal("mkbgraph: voortgangsrapportage MKB-actieplan 2019", lang="nl")))
    add((dataset, DCTERMS.title, Literal("mkbgraph: MKB action plan 2019 progress report", lang="en")))
    add(
        (
            dataset,
            DCTERMS.description,
            Literal(
                "The Dutch government's 2019 progress report on the SME action plan as a knowledge graph: "
                "actions, instruments, organisations, motions, amounts and their sources in the report.",
                lang="en",
            ),
        )
    )
    add((dataset, DCTERMS.modified, Literal(snapshot.loaded_at.isoformat(), datatype=XSD.dateTime)))
    add((dataset, DCTERMS.identifier, Literal(snapshot.version)))
    add((dataset, VOID.sparqlEndpoint, endpoint))
    add((dataset, VOID.uriSpace, Literal(PREFIXES["orgn"].rsplit("organisation/", 1)[0])))
    add((dataset, VOID.vocabulary, URIRef(str(MKB))))
    add((dataset, VOID.triples, Literal(len(data), datatype=XSD.integer)))
    add((dataset, VOID.distinctSubjects, Literal(len(subjects), datatype=XSD.integer)))
    add((dataset, VOID.properties, Literal(len(properties), datatype=XSD.integer)))
    add((dataset, VOID.classes, Literal(len(classes), datatype=XSD.integer)))
    add(
        (
            dataset,
            VOID.entities,
            Literal(len(set().union(*classes.values())) if classes else 0, datatype=XSD.integer),
        )
    )
    add((dataset, DCAT.landingPage, URIRef(f"{base}/")))
    service = BNode()
    add((service, RDF.type, DCAT.DataService))
    add((service, DCAT.endpointURL, endpoint))
    add((service, DCAT.endpointDescription, endpoint))
    add((service, DCTERMS.conformsTo, URIRef("https://www.w3.org/TR/sparql11-protocol/")))
    add((service, DCAT.servesDataset, dataset))
    distribution = BNode()
    add((dataset, DCAT.distribution, distribution))
    add((distribution, RDF.type, DCAT.Distribution))
    add((distribution, DCAT.accessURL, endpoint))
    add((distribution, DCAT.accessService, service))
    add(
        (
            distribution,
            DCAT.mediaType,
            URIRef("https://www.iana.org/assignments/media-types/application/sparql-results+json"),
        )
    )
    for cls, members in sorted(classes.items()):
        part = BNode()
        add((dataset, VOID.classPartition, part))
        add((part, VOID["class"], cls))
        add((part, VOID.entities, Literal(len(members), datatype=XSD.integer)))
    for prop, count in sorted(properties.items()):
        part = BNode()
        add((dataset, VOID.propertyPartition, part))
        add((part, VOID.property, prop))
        add((part, VOID.triples, Literal(count, datatype=XSD.integer)))
    add((dataset, RDFS.seeAlso, URIRef(f"{base}/api/queries")))
    return graph


def service_description(request: Request) -> Response:
    """The SPARQL 1.1 Service Description of this endpoint (Turtle unless Accept asks otherwise)."""
    return _rdf_response(_described("sd", request, _service_graph), request)


@router.get(
    "/.well-known/void",
    tags=["sparql"],
    summary="VoID + DCAT description of the dataset (well-known location)",
    responses={200: RDF_ANSWER, 400: ERRORS[400]},
)
def well_known_void(
    request: Request, format: Annotated[str | None, Query(description="turtle, jsonld, nt or rdfxml.")] = None
) -> Response:
    """VoID statistics (triples, class and property partitions) and DCAT metadata (distribution,
    SPARQL data service) of the graph being served."""
    return _rdf_response(_described("void", request, _void_graph), request)


@router.get(
    "/dataset",
    tags=["sparql"],
    summary="VoID + DCAT description of the dataset",
    responses={200: RDF_ANSWER, 400: ERRORS[400]},
)
def dataset_description(
    request: Request, format: Annotated[str | None, Query(description="turtle, jsonld, nt or rdfxml.")] = None
) -> Response:
    """The same description as ``/.well-known/void``; ``/dataset`` is the dataset's own IRI (a
    browser gets a page that links the formats)."""
    if wants_html(request):
        return endpoint_page(request, "dataset")
    return _rdf_response(_described("void", request, _void_graph), request)


# --- /api/queries ------------------------------------------------------------------------------


def get_catalogue(app: Any) -> Catalogue:
    """The canned query catalogue registered on the app."""
    return app.state.query_catalogue  # type: ignore[no-any-return]


def _links(canned: CannedQuery, base: str) -> dict[str, str]:
    url = f"{base}/api/queries/{canned.name}"
    if canned.form in ("CONSTRUCT", "DESCRIBE"):
        return {
            "url": url,
            "turtle": f"{url}.ttl",
            "jsonld": f"{url}.jsonld",
            "page": f"{base}/query/{canned.name}",
        }
    return {"url": url, "json": f"{url}.json", "csv": f"{url}.csv", "page": f"{base}/query/{canned.name}"}


@router.get(
    "/api/queries",
    tags=["queries"],
    summary="List the canned queries with their metadata and parameters",
    responses={200: {"model": QueryList, "description": "Every canned query."}},
)
def list_queries(request: Request) -> JSONResponse:
    """Every canned query: name, titles, Dutch and English descriptions, audience, tags, query form,
    parameters (name, type, required, example, description) and links to run it."""
    base = public_base(request.app.state.settings, request.scope)
    catalogue = get_catalogue(request.app)
    items = [{**q.as_dict(), **_links(q, base)} for q in (catalogue.queries[n] for n in catalogue.names())]
    return JSONResponse({"count": len(items), "queries": items})


def _cell(term: Node | None) -> Any:
    if term is None:
        return None
    if isinstance(term, Literal):
        value = term.toPython()
        if isinstance(value, bool | int | float | str):
            return value
        if isinstance(value, Decimal):
            return int(value) if value == value.to_integral_value() else float(value)
        return str(term)
    return str(term)


@router.get(
    "/api/queries/{name}",
    tags=["queries"],
    summary="Run a canned query with parameters (JSON, CSV or TSV; RDF for CONSTRUCT)",
    responses={
        200: {
            "description": "JSON `{columns, rows, row_count, truncated, ...}`, or CSV/TSV, or RDF.",
            "model": QueryAnswer,
            "content": {
                "text/csv": {"schema": {"type": "string"}},
                "text/tab-separated-values": {"schema": {"type": "string"}},
                "text/turtle": {"schema": {"type": "string"}},
            },
        },
        404: {"model": ErrorBody, "description": "No canned query of that name."},
        **ERRORS,
    },
)
async def run_query(
    request: Request,
    name: Annotated[
        str,
        Path(
            description="Query name (file stem), optionally with a suffix: `.json`, `.csv`, `.tsv`, `.ttl`, `.jsonld`, `.nt`."
        ),
    ],
    format: Annotated[
        str | None, Query(description="json (default), csv or tsv; turtle, jsonld, nt for CONSTRUCT.")
    ] = None,
    timeout: Annotated[str | None, Query(description=TIMEOUT_HELP)] = None,
    max_rows: Annotated[str | None, Query(description="Lower the row cap for this request.")] = None,
) -> Response:
    """Run one canned query. Its parameters are query-string fields named as in its header
    (repeat a field for several values); see `/api/queries` for each query's parameters."""
    try:
        stem, _, suffix = name.partition(".")
        canned = get_catalogue(request.app).get(stem)
        if canned is None:
            raise UnknownQuery(f"no canned query {stem!r}; see /api/queries")
        values = _protocol_values(request.query_params.multi_items())
        wanted = (suffix or (values.get("format") or ["json"])[-1]).lower()
        _, rdf_format = negotiate_both("", wanted)
        params = {k: v for k, v in values.items() if k not in RESERVED_PARAMETERS}
        bound = canned.bind(params)
        seconds = _timeout(values)
        rows = _max_rows(values)
        engine = get_engine(request.app)
        if canned.form in ("CONSTRUCT", "DESCRIBE"):
            answer = await engine.serialize_async(
                bound, rdf_format, timeout=seconds, max_rows=rows, client=client_of(request)
            )
            return _result_response(answer)
        if wanted in ("csv", "tsv"):
            answer = await engine.serialize_async(
                bound, wanted, timeout=seconds, max_rows=rows, client=client_of(request)
            )
            headers = {"Content-Disposition": f'inline; filename="{canned.name}.{wanted}"'}
            response = _result_response(answer)
            response.headers.update(headers)
            return response
        if wanted != "json":
            raise QueryRejected(f"format {wanted!r} does not fit a {canned.form} query; use json, csv or tsv")
        body = await _json_answer(engine, canned, bound, params, seconds, rows, client_of(request))
        return JSONResponse(body, headers=CORS_HEADERS)
    except ParameterError as exc:
        return _parameter_error(exc)
    except QueryRejected as exc:
        return error_response(exc)


def _max_rows(values: dict[str, list[str]]) -> int | None:
    raw = (values.get("max_rows") or [""])[-1].strip()
    if not raw:
        return None
    if not raw.isdigit():
        raise QueryRejected(f"max_rows {raw!r} is not a whole number")
    return int(raw)


def _json_rows(result: SelectResult) -> list[dict[str, Any]]:
    return [{c: _cell(t) for c, t in zip(result.columns, row, strict=True)} for row in result.rows]


async def _json_answer(
    engine: QueryEngine,
    canned: CannedQuery,
    bound: str,
    params: dict[str, list[str]],
    timeout: float | None,
    max_rows: int | None,
    client: str = "app",
) -> dict[str, Any]:
    head: dict[str, Any] = {
        "query": canned.name,
        "title": canned.title,
        "parameters": params,
        "version": engine.version,
    }
    if canned.form == "ASK":
        return {**head, "boolean": await engine.ask_async(bound, timeout=timeout, client=client)}
    result = await engine.select_async(bound, timeout=timeout, max_rows=max_rows, client=client)
    rows = await anyio.to_thread.run_sync(_json_rows, result)
    return {
        **head,
        "columns": result.columns,
        "rows": rows,
        "row_count": len(rows),
        "truncated": result.truncated,
        "max_rows": min(max_rows, engine.settings.max_rows)
        if max_rows is not None
        else engine.settings.max_rows,
    }


# --- registration ------------------------------------------------------------------------------


def register(app: FastAPI) -> None:
    """Mount the endpoint and the query API; the engine's workers stop with the app."""
    settings: Settings = app.state.settings
    engine = QueryEngine(app.state.live, settings)
    app.state.query_engine = engine
    app.state.query_catalogue = Catalogue.load(settings.queries_dir)
    app.state.sparql_responses = ResponseCache(settings.cache_bytes)
    app.add_middleware(SparqlResponseCacheMiddleware)

    def reload_catalogue(_: Snapshot) -> None:
        app.state.sparql_responses.clear()
        app.state.query_catalogue = Catalogue.load(settings.queries_dir)

    app.state.live.listeners.append(reload_catalogue)
    app.include_router(router)
    inner = app.router.lifespan_context

    @contextlib.asynccontextmanager
    async def lifespan(application: Any) -> AsyncIterator[Any]:
        try:
            async with inner(application) as state:
                yield state
        finally:
            engine.close()

    app.router.lifespan_context = lifespan
