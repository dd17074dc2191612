"""The SPARQL 1.1 Protocol endpoint and the canned query API through a real server on 127.0.0.1
(`python -m mkbgraph serve` on the real data), with SPARQLWrapper as the client for every
result format; each answer is parsed back and compared with the graph. The protocol cases follow
the W3C SPARQL 1.1 protocol tests (query via GET, POST form, POST direct; bad query, update on
the query service, wrong media type, non-UTF-8 charset, two queries)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any, cast
from xml.etree import ElementTree

import httpx
import pytest
from fastapi.testclient import TestClient
from rdflib import Graph, URIRef
from rdflib.namespace import RDF, SKOS
from SPARQLWrapper import CSV, JSON, JSONLD, N3, TSV, TURTLE, XML, SPARQLWrapper

from mkbgraph.api.app import create_app
from mkbgraph.config import PROJECT_ROOT, Settings
from mkbgraph.graph.store import LiveGraph
from mkbgraph.sparql.catalogue import Catalogue
from mkbgraph.sparql.engine import QueryEngine
from mkbgraph.vocab import MKB, PREFIXES, SD, VOID
from tests.conftest_sparql import SMALL_TURTLE, Server, start_server, stop_server

pytestmark = pytest.mark.server

EZK = f"{PREFIXES['orgn']}ezk"
THEMES = (
    "PREFIX mkb: <https://w3id.org/mkbgraph/def/>\nSELECT ?theme WHERE { ?theme a mkb:Theme } ORDER BY ?theme"
)
EZK_GRAPH = f"CONSTRUCT {{ <{EZK}> ?p ?o }} WHERE {{ <{EZK}> ?p ?o }}"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    running = start_server(tmp_path_factory.mktemp("endpoint"), validate_on_load="false", max_rows=500)
    yield running
    stop_server(running)


@pytest.fixture(scope="module")
def theme_iris() -> list[str]:
    graph = Graph().parse(PROJECT_ROOT / "data" / "turtle" / "registry" / "themes.ttl")
    return sorted(str(t) for t in graph.subjects(RDF.type, MKB.Theme))


def _wrapper(server: Server, method: str = "GET") -> SPARQLWrapper:
    client = SPARQLWrapper(f"{server.url}/sparql")
    client.setMethod(method)
    return client


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_sparqlwrapper_select_in_every_results_format(
    server: Server, theme_iris: list[str], method: str
) -> None:
    client = _wrapper(server, method)
    client.setQuery(THEMES)
    client.setReturnFormat(JSON)
    bindings = cast(dict[str, Any], client.query().convert())["results"]["bindings"]
    assert [b["theme"]["value"] for b in bindings] == theme_iris

    client.setReturnFormat(XML)
    document = client.query().convert()
    uris = [node.firstChild.data for node in document.getElementsByTagName("uri")]  # type: ignore[union-attr]
    assert uris == theme_iris

    client.setReturnFormat(CSV)
    rows = list(csv.reader(io.StringIO(client.query().convert().decode())))  # type: ignore[union-attr]
    assert rows[0] == ["theme"] and [r[0] for r in rows[1:]] == theme_iris

    client.setReturnFormat(TSV)
    lines = client.query().convert().decode().splitlines()  # type: ignore[union-attr]
    assert lines[0] == "?theme" and lines[1:] == [f"<{iri}>" for iri in theme_iris]


def test_sparqlwrapper_ask_and_construct_formats(server: Server) -> None:
    client = _wrapper(server)
    client.setQuery(f"ASK {{ <{EZK}> ?p ?o }}")
    client.setReturnFormat(JSON)
    assert cast(dict[str, Any], client.query().convert())["boolean"] is True
    client.setReturnFormat(XML)
    assert client.query().convert().getElementsByTagName("boolean")[0].firstChild.data == "true"  # type: ignore[union-attr]

    expected = (URIRef(EZK), SKOS.prefLabel, None)
    for fmt in (TURTLE, N3, JSONLD, XML):
        client = _wrapper(server, "POST")
        client.setQuery(EZK_GRAPH)
        client.setReturnFormat(fmt)
        graph = client.query().convert()
        if not isinstance(graph, Graph):
            graph = Graph().parse(
                data=cast(str | bytes, graph), format="turtle" if fmt in (TURTLE, N3) else "json-ld"
            )
        assert expected in graph, fmt


@pytest.mark.parametrize(
    ("accept", "media", "parse"),
    [
        ("text/turtle", "text/turtle", "turtle"),
        ("application/ld+json", "application/ld+json", "json-ld"),
        ("application/n-triples", "application/n-triples", "nt"),
        ("application/rdf+xml", "application/rdf+xml", "xml"),
        ("text/html, */*;q=0.1", "text/turtle", "turtle"),
    ],
)
def test_construct_negotiation_table(server: Server, accept: str, media: str, parse: str) -> None:
    response = httpx.get(f"{server.url}/sparql", params={"query": EZK_GRAPH}, headers={"Accept": accept})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(media)
    graph = Graph().parse(data=response.text, format=parse)
    assert (URIRef(EZK), SKOS.prefLabel, None) in graph


@pytest.mark.parametrize(
    ("accept", "media"),
    [
        ("application/sparql-results+json", "application/sparql-results+json"),
        ("application/sparql-results+xml", "application/sparql-results+xml"),
        ("text/csv", "text/csv"),
        ("text/tab-separated-values", "text/tab-separated-values"),
        ("text/csv;q=0.5, application/sparql-results+xml", "application/sparql-results+xml"),
        ("", "application/sparql-results+json"),
    ],
)
def test_select_negotiation_table(server: Server, accept: str, media: str) -> None:
    response = httpx.get(f"{server.url}/sparql", params={"query": THEMES}, headers={"Accept": accept})
    assert response.status_code == 200 and response.headers["content-type"].startswith(media)
    assert response.headers["access-control-allow-origin"] == "*"
    assert "menselijk-kapitaal" in response.text


def test_protocol_query_doors_agree(server: Server) -> None:
    by_get = httpx.get(f"{server.url}/sparql", params={"query": THEMES})
    by_form = httpx.post(f"{server.url}/sparql", data={"query": THEMES})
    by_direct = httpx.post(
        f"{server.url}/sparql",
        content=THEMES,
        headers={"Content-Type": "application/sparql-query; charset=UTF-8"},
    )
    assert by_get.json() == by_form.json() == by_direct.json()
    assert len(by_get.json()["results"]["bindings"]) == 7
    empty_dataset = httpx.get(f"{server.url}/sparql", params={"query": THEMES, "default-graph-uri": ""})
    assert empty_dataset.status_code == 200


@pytest.mark.parametrize(
    ("request_kwargs", "status"),
    [
        ({"method": "GET", "params": {"query": "SELECT * WHERE { ?s ?p }"}}, 400),
        ({"method": "GET", "params": [("query", THEMES), ("query", THEMES)]}, 400),
        # a dataset the service will not honour: 400 on every door (SPARQL 1.1 Protocol 2.1.4)
        ({"method": "GET", "params": {"query": THEMES, "default-graph-uri": ["urn:a", "urn:b"]}}, 400),
        ({"method": "GET", "params": {"query": THEMES, "named-graph-uri": "urn:a"}}, 400),
        ({"method": "POST", "params": {"default-graph-uri": "urn:a"}, "data": {"query": THEMES}}, 400),
        ({"method": "POST", "data": {"query": THEMES, "named-graph-uri": "urn:a"}}, 400),
        (
            {
                "method": "POST",
                "params": {"named-graph-uri": "urn:a"},
                "content": THEMES,
                "headers": {"Content-Type": "application/sparql-query"},
            },
            400,
        ),
        ({"method": "GET", "params": {"query": THEMES, "timeout": "0.000001"}}, 400),
        ({"method": "GET", "params": {"query": THEMES, "timeout": "nan"}}, 400),
        ({"method": "GET", "params": {"update": "CLEAR ALL"}}, 403),
        ({"method": "GET", "params": {"query": "INSERT DATA { <urn:a> <urn:b> <urn:c> }"}}, 403),
        ({"method": "POST", "content": THEMES, "headers": {"Content-Type": "text/plain"}}, 415),
        ({"method": "POST", "content": THEMES}, 415),
        (
            {
                "method": "POST",
                "content": THEMES.encode("latin-1"),
                "headers": {"Content-Type": "application/sparql-query; charset=ISO-8859-1"},
            },
            415,
        ),
        ({"method": "POST", "data": {"update": "DROP ALL"}}, 403),
        ({"method": "POST", "data": {"nothing": "here"}}, 400),
        ({"method": "GET", "params": {"query": THEMES, "timeout": "soon"}}, 400),
        ({"method": "GET", "params": {"query": THEMES, "format": "yaml"}}, 400),
    ],
)
def test_protocol_errors(server: Server, request_kwargs: dict[str, object], status: int) -> None:
    kwargs = dict(request_kwargs)
    method = str(kwargs.pop("method"))
    response = httpx.request(method, f"{server.url}/sparql", **kwargs)  # type: ignore[arg-type]
    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert error["status"] == status and error["detail"] and error["title"]


def test_service_description_and_void(server: Server) -> None:
    response = httpx.get(f"{server.url}/sparql", headers={"Accept": "text/turtle"})
    assert response.headers["content-type"].startswith("text/turtle")
    sd = Graph().parse(data=response.text, format="turtle")
    endpoint = URIRef(f"{server.url}/sparql")
    assert (endpoint, RDF.type, SD.Service) in sd
    assert (endpoint, SD.supportedLanguage, SD.SPARQL11Query) in sd
    assert (endpoint, SD.resultFormat, URIRef("http://www.w3.org/ns/formats/SPARQL_Results_JSON")) in sd
    triples = int(httpx.get(f"{server.url}/health").json()["triples"])
    for path in ("/.well-known/void", "/dataset"):
        void = Graph().parse(data=httpx.get(f"{server.url}{path}").text, format="turtle")
        dataset = URIRef(f"{server.url}/dataset")
        assert int(str(void.value(dataset, VOID.triples))) == triples
        assert (dataset, VOID.sparqlEndpoint, endpoint) in void
        themes = [
            p for p in void.objects(dataset, VOID.classPartition) if (p, VOID["class"], MKB.Theme) in void
        ]
        assert int(str(void.value(themes[0], VOID.entities))) == 7
    as_jsonld = httpx.get(f"{server.url}/dataset", params={"format": "jsonld"})
    assert as_jsonld.headers["content-type"].startswith("application/ld+json")
    assert json.loads(as_jsonld.text)


def test_cors_preflight(server: Server) -> None:
    response = httpx.options(
        f"{server.url}/sparql",
        headers={"Origin": "https://yasgui.example", "Access-Control-Request-Method": "POST"},
    )
    assert response.status_code == 204
    assert response.headers["access-control-allow-origin"] == "*"
    assert "POST" in response.headers["access-control-allow-methods"]


def test_api_lists_and_runs_canned_queries(server: Server) -> None:
    listing = httpx.get(f"{server.url}/api/queries").json()
    catalogue = Catalogue.load(PROJECT_ROOT / "queries")
    assert {q["name"] for q in listing["queries"]} == set(catalogue.names())
    follow_up = next(q for q in listing["queries"] if q["name"] == "motion-follow-up")
    assert follow_up["description_nl"] and follow_up["parameters"][0]["name"] == "request"

    answer = httpx.get(
        f"{server.url}/api/queries/motion-follow-up.json", params={"request": "mot:kst-35074-45"}
    ).json()
    assert answer["truncated"] is False and answer["row_count"] == len(answer["rows"]) > 0
    assert {r["lead"] for r in answer["rows"]} & {EZK, f"{PREFIXES['orgn']}szw"}

    as_csv = httpx.get(
        f"{server.url}/api/queries/actions-by-organisation", params={"org": "orgn:ezk", "format": "csv"}
    )
    assert as_csv.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(as_csv.text)))
    assert rows and {r["org"] for r in rows} == {EZK}

    capped = httpx.get(
        f"{server.url}/api/queries/actions-by-organisation.json", params={"max_rows": "3"}
    ).json()
    assert capped["row_count"] == 3 and capped["truncated"] is True
    raised = httpx.get(
        f"{server.url}/api/queries/action-lead-and-partners.csv", params={"max_rows": "100000"}
    )
    assert raised.headers["x-truncated"] == "false" and len(raised.text.splitlines()) <= 501

    ask = httpx.get(f"{server.url}/api/queries/organisation-leads-action", params={"org": "orgn:ezk"}).json()
    assert ask["boolean"] is True
    turtle = httpx.get(f"{server.url}/api/queries/describe-resource.ttl", params={"resource": "orgn:ezk"})
    assert (URIRef(EZK), SKOS.prefLabel, None) in Graph().parse(data=turtle.text, format="turtle")

    missing = httpx.get(f"{server.url}/api/queries/no-such-query")
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "unknown_query"
    bad = httpx.get(f"{server.url}/api/queries/actions-by-organisation", params={"org": "nope:x"})
    assert bad.status_code == 400 and "org" in bad.json()["error"]["detail"]
    unknown = httpx.get(f"{server.url}/api/queries/actions-by-organisation", params={"colour": "red"})
    assert unknown.status_code == 400


def test_openapi_documents_every_route(server: Server) -> None:
    assert httpx.get(f"{server.url}/docs").status_code == 200
    spec = httpx.get(f"{server.url}/openapi.json").json()
    for path, method in [
        ("/sparql", "get"),
        ("/sparql", "post"),
        ("/.well-known/void", "get"),
        ("/dataset", "get"),
        ("/api/queries", "get"),
        ("/api/queries/{name}", "get"),
    ]:
        operation = spec["paths"][path][method]
        assert operation["summary"] and operation["tags"], path
        for parameter in operation.get("parameters", []):
            assert parameter.get("description"), (path, parameter["name"])
    assert "application/sparql-query" in spec["paths"]["/sparql"]["post"]["requestBody"]["content"]


def test_repeated_queries_are_served_from_the_cache(tmp_path: Path) -> None:
    """The second and later identical requests never reach a worker (counted, not timed)."""
    data = tmp_path / "data"
    data.mkdir()
    (data / "small.ttl").write_text(SMALL_TURTLE, encoding="utf-8")
    app = create_app(Settings(data_dir=data, validate_on_load=False, warm_up=False, query_workers=1))
    engine = app.state.query_engine
    sent: list[str] = []
    original = engine._dispatch

    async def counting(request: dict[str, object], limit: float, client: str) -> object:
        sent.append(str(request["text"]))
        return await original(request, limit, client)

    engine._dispatch = counting
    query = THEMES + "\n# cache probe"
    with TestClient(app) as client:
        first = client.get("/sparql", params={"query": query})
        assert first.status_code == 200 and len(sent) == 1
        for _ in range(20):
            again = client.get("/sparql", params={"query": query})
            assert again.content == first.content
        posted = client.post("/sparql", data={"query": query})  # another door, the engine's cache
        assert posted.content == first.content
    assert sent == [query]


def test_reload_clears_the_cache_and_gives_workers_the_new_data(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "small.ttl").write_text(SMALL_TURTLE, encoding="utf-8")
    settings = Settings(data_dir=data, validate_on_load=False, query_workers=1)
    live = LiveGraph(settings)
    engine = QueryEngine(live, settings)
    try:
        query = (
            "SELECT ?l WHERE { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?l FILTER(LANG(?l) = 'nl') }"
        )
        before = {str(r[0]) for r in engine.select(query).rows}
        assert {"één", "twee"} <= before and "vier" not in before
        assert len(engine.cache) == 1
        (data / "more.ttl").write_text(
            '<https://w3id.org/mkbgraph/id/action/four> <http://www.w3.org/2000/01/rdf-schema#label> "vier"@nl .\n'
        )
        assert live.reload().ok
        assert len(engine.cache) == 0
        after = {str(r[0]) for r in engine.select(query).rows}
        assert after == before | {"vier"}
        as_xml = engine.serialize(query, "xml").body
        literals = ElementTree.fromstring(as_xml).iter("{http://www.w3.org/2005/sparql-results#}literal")
        assert "vier" in {node.text for node in literals}
    finally:
        engine.close()
    assert engine.worker_pids() == []
