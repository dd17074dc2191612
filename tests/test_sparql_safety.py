"""The endpoint is read-only and safe, proved through a real server (`python -m mkbgraph serve`):
SERVICE, FROM and SPARQL Update through every door are refused before any engine runs them, a
listener on 127.0.0.1 proves no outbound request was made, a runaway query is stopped at the
deadline while another query is answered, and the process tree is back to normal afterwards."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from mkbgraph.sparql.catalogue import ParameterError
from mkbgraph.sparql.screen import QueryRefused, QuerySyntaxError, screen
from tests.conftest_sparql import (
    SMALL_TURTLE,
    Listener,
    Server,
    descendants,
    rss_kib,
    start_listener,
    start_server,
    stop_server,
)

pytestmark = pytest.mark.server

TIME_LIMIT = 1.5
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"


@pytest.fixture(scope="module")
def listener() -> Iterator[Listener]:
    yield from start_listener()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    tmp = tmp_path_factory.mktemp("safety")
    data = tmp / "data"
    data.mkdir()
    (data / "small.ttl").write_text(SMALL_TURTLE, encoding="utf-8")
    running = start_server(
        tmp,
        data_dir=data,
        validate_on_load="false",
        query_timeout=TIME_LIMIT,
        max_body_bytes=4000,
        query_workers=2,
        max_rows=50,
    )
    # warm the workers up so the baseline process count includes them
    assert httpx.get(f"{running.url}/sparql", params={"query": COUNT}).status_code == 200
    yield running
    stop_server(running)


def _triples(server: Server) -> int:
    answer = httpx.get(
        f"{server.url}/sparql", params={"query": COUNT}, headers={"Accept": "application/json"}
    )
    assert answer.status_code == 200
    return int(answer.json()["results"]["bindings"][0]["n"]["value"])


def _error(response: httpx.Response, status: int) -> dict[str, object]:
    assert response.status_code == status, response.text
    body = response.json()["error"]
    assert body["status"] == status
    assert "Traceback" not in response.text and "/work/" not in response.text and ".py" not in response.text
    return body  # type: ignore[no-any-return]


def _unsafe_queries(target: str) -> list[str]:
    return [
        f"SELECT * WHERE {{ SERVICE <{target}/sparql> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ SERVICE SILENT <{target}/silent> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ VALUES ?endpoint {{ <{target}/var> }} SERVICE ?endpoint {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ ?s ?p ?o FILTER EXISTS {{ SERVICE <{target}/exists> {{ ?s ?p ?o }} }} }}",
        f"SELECT * WHERE {{ {{ SELECT * WHERE {{ OPTIONAL {{ SERVICE <{target}/sub> {{ ?a ?b ?c }} }} }} }} }}",
        f"ASK {{ ?s ?p ?o MINUS {{ GRAPH ?g {{ SERVICE SILENT <{target}/minus> {{ ?s ?p ?o }} }} }} }}",
        f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ SERVICE <{target}/construct> {{ ?s ?p ?o }} }}",
        f"SELECT * FROM <{target}/from> WHERE {{ ?s ?p ?o }}",
        f"SELECT * FROM NAMED <{target}/named> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}",
        "SELECT * FROM <file:///etc/passwd> WHERE { ?s ?p ?o }",
        f"LOAD <{target}/load>",
        f"LOAD SILENT <{target}/load> INTO GRAPH <urn:g>",
        "INSERT DATA { <urn:a> <urn:b> <urn:c> }",
        "DELETE WHERE { ?s ?p ?o }",
        "DROP ALL",
        "CLEAR DEFAULT",
        "CREATE GRAPH <urn:new>",
        "ADD DEFAULT TO <urn:g>",
        f"INSERT {{ ?s ?p ?o }} WHERE {{ SERVICE <{target}/insert> {{ ?s ?p ?o }} }}",
    ]


def test_every_unsafe_query_is_refused_through_every_door_without_outbound_requests(
    server: Server, listener: Listener
) -> None:
    before = _triples(server)
    with httpx.Client(base_url=server.url, timeout=10) as client:
        for text in _unsafe_queries(listener.url):
            doors = [
                client.get("/sparql", params={"query": text}),
                client.post("/sparql", data={"query": text}),
                client.post("/sparql", content=text, headers={"Content-Type": "application/sparql-query"}),
                client.get("/sparql", params={"update": text}),
                client.post("/sparql", data={"update": text}),
                client.post("/sparql", content=text, headers={"Content-Type": "application/sparql-update"}),
            ]
            for response in doors:
                body = _error(response, 403)
                assert body["code"] == "refused"
    assert listener.hits == []
    assert _triples(server) == before


def test_dataset_parameters_are_refused_and_fetch_nothing(server: Server, listener: Listener) -> None:
    for key in ("default-graph-uri", "named-graph-uri"):
        response = httpx.get(f"{server.url}/sparql", params={"query": COUNT, key: f"{listener.url}/{key}"})
        assert "default graph" in str(_error(response, 400)["detail"])
        response = httpx.post(
            f"{server.url}/sparql",
            params={key: f"{listener.url}/{key}"},
            content=COUNT,
            headers={"Content-Type": "application/sparql-query"},
        )
        _error(response, 400)
    assert listener.hits == []


def test_screen_refuses_service_at_any_depth_and_parses_safe_queries() -> None:
    nested = "SELECT * WHERE { " + "{ " * 25 + "SERVICE SILENT ?x { ?s ?p ?o }" + " }" * 25 + " }"
    with pytest.raises(QueryRefused):
        screen(nested)
    assert screen("DESCRIBE <urn:x>").form == "DESCRIBE"
    assert screen("SELECT ?service WHERE { ?service ?p 'SERVICE <http://x/>' }").form == "SELECT"


def test_deeply_nested_queries_answer_400_not_500(server: Server) -> None:
    for text in (
        "SELECT * WHERE " + "{" * 1500 + "}" * 1500,
        "SELECT * WHERE { FILTER(" + "(" * 1500 + "1" + ")" * 1500 + ") }",
        "SELECT * WHERE " + "{" * 300 + "}" * 300,  # deeper than the screen lets through
    ):
        with pytest.raises(QuerySyntaxError):
            screen(text)
        response = httpx.post(
            f"{server.url}/sparql", content=text, headers={"Content-Type": "application/sparql-query"}
        )
        assert "nested too deeply" in str(_error(response, 400)["detail"])
    assert _triples(server) > 0


def test_malformed_query_gets_parser_message_and_position(server: Server) -> None:
    response = httpx.get(
        f"{server.url}/sparql", params={"query": "SELECT * WHERE {\n  ?s ?p ?o .\n  ?s ?p ?o ?x\n}"}
    )
    body = _error(response, 400)
    assert body["line"] in (3, 4) and body["column"] >= 1  # the engine's position (Oxigraph's parser)
    assert "syntax error" in str(body["detail"])


def test_bodies_are_capped_form_and_chunked_included(server: Server) -> None:
    padding = "#" + "x" * 5000 + "\n"
    response = httpx.post(f"{server.url}/sparql", data={"query": padding + COUNT})
    assert "4000" in str(_error(response, 413)["detail"])
    response = httpx.post(
        f"{server.url}/sparql",
        content=padding + COUNT,
        headers={"Content-Type": "application/sparql-query"},
    )
    _error(response, 413)

    def chunks() -> Iterator[bytes]:
        for _ in range(10):
            yield ("#" + "y" * 999 + "\n").encode()
        yield COUNT.encode()

    response = httpx.post(
        f"{server.url}/sparql", content=chunks(), headers={"Content-Type": "application/sparql-query"}
    )
    _error(response, 413)


def test_rows_are_capped_and_flagged(server: Server) -> None:
    response = httpx.get(f"{server.url}/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o }"})
    assert response.status_code == 200
    assert len(response.json()["results"]["bindings"]) == 50
    assert response.headers["X-Truncated"] == "true"


def test_runaway_query_is_stopped_while_another_is_answered(server: Server) -> None:
    baseline = sorted(descendants(server.pid))
    baseline_rss = rss_kib([server.pid, *baseline])
    outcome: dict[str, object] = {}

    def runaway() -> None:
        started = time.monotonic()
        outcome["response"] = httpx.get(f"{server.url}/sparql", params={"query": RUNAWAY}, timeout=30)
        outcome["seconds"] = time.monotonic() - started

    thread = threading.Thread(target=runaway)
    thread.start()
    time.sleep(0.3)
    started = time.monotonic()
    other_client = httpx.Client(transport=httpx.HTTPTransport(local_address="127.0.0.2"))
    simple = other_client.get(
        f"{server.url}/sparql",
        params={
            "query": "SELECT ?l WHERE { ?s <https://w3id.org/mkbgraph/def/order> ?n ; "
            "<http://www.w3.org/2000/01/rdf-schema#label> ?l } ORDER BY ?n"
        },
        headers={"Accept": "text/csv"},
    )
    simple_seconds = time.monotonic() - started
    thread.join(30)
    assert simple.status_code == 200 and simple.text.split("\r\n")[1:3] == ["één", "twee"]
    assert simple_seconds < 1.0
    response = outcome["response"]
    assert isinstance(response, httpx.Response)
    body = _error(response, 503)
    assert body["code"] == "timeout" and "limit" in str(body["detail"])
    assert float(outcome["seconds"]) < TIME_LIMIT + 1.5  # type: ignore[arg-type]

    # a request may lower the limit, never raise it
    started = time.monotonic()
    lowered = httpx.get(f"{server.url}/sparql", params={"query": RUNAWAY + " ", "timeout": "0.3"}, timeout=30)
    assert _error(lowered, 503)["code"] == "timeout"
    assert time.monotonic() - started < 0.3 + 1.0
    started = time.monotonic()
    raised = httpx.get(f"{server.url}/sparql", params={"query": RUNAWAY + "  ", "timeout": "600"}, timeout=30)
    _error(raised, 503)
    assert time.monotonic() - started < TIME_LIMIT + 1.5

    # catastrophic-looking REGEX over a cross product: stopped too
    regex = (
        "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i "
        'FILTER(REGEX(CONCAT(STR(?c), STR(?f), STR(?i)), "^(a+)+$")) }'
    )
    _error(httpx.get(f"{server.url}/sparql", params={"query": regex}, timeout=30), 503)

    # the killed workers are replaced: same number of processes, memory back to normal
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        now = descendants(server.pid)
        if len(now) == len(baseline) and _triples(server) > 0:
            break
        time.sleep(0.2)
    now = descendants(server.pid)
    assert len(now) == len(baseline)
    assert set(now) != set(baseline)  # killed workers were replaced by new processes
    assert rss_kib([server.pid, *now]) < baseline_rss * 1.5 + 100_000


def test_bad_canned_parameters_answer_400(server: Server) -> None:
    response = httpx.get(f"{server.url}/api/queries/actions-in-year", params={"year": '2019"} DROP ALL #'})
    body = _error(response, 400)
    assert body["code"] == "bad_parameter" and "year" in str(body["detail"])
    response = httpx.get(
        f"{server.url}/api/queries/provenance", params={"resource": "<urn:a> } SERVICE <x:y> {"}
    )
    _error(response, 400)


def test_string_parameters_are_bound_as_escaped_literals(tmp_path: Path) -> None:
    from mkbgraph.sparql.catalogue import Catalogue

    search = Catalogue.load(Path(__file__).resolve().parents[1] / "queries").get("search")
    assert search is not None
    hostile = '"}) } SERVICE <http://127.0.0.1:1/> { ?s ?p ?o } #\n'
    bound = search.bind({"q": hostile})
    assert screen(bound).form == "SELECT"  # still one query, with no SERVICE in it
    assert 'VALUES ?q { "\\"}) } SERVICE <http://127.0.0.1:1/> { ?s ?p ?o } #\\n" }' in bound
    assert "SERVICE" not in screen(bound).text.replace(hostile.replace('"', '\\"').replace("\n", "\\n"), "")
    with pytest.raises(ParameterError):
        search.bind({"q": "x", "unknown": "y"})
