"""The remote backend and `mkbgraph publish` against a real Oxigraph server started here.

The page, canned-query and network tests run on both backends through their parametrised
fixtures (`conftest_remote.BACKENDS`); this module holds what only the remote mode has:
publishing (validated, atomic switch), the read-only server, the error mapping, the graph
version following the remote data, the credentials, and the engine differences."""

from __future__ import annotations

import base64
import http.server
import logging
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

import httpx
import pytest
from fastapi.testclient import TestClient
from rdflib import BNode, Graph
from typer.testing import CliRunner

from mkbgraph.api.app import create_app
from mkbgraph.cli.main import app as cli
from mkbgraph.cli.main import run_stats
from mkbgraph.cli.query import run_query
from mkbgraph.config import Settings, get_settings
from mkbgraph.graph.load import rdf_files
from mkbgraph.graph.remote import PROJECTION_PREDICATES, RemoteError, SparqlClient, SparqlStore
from mkbgraph.graph.store import LiveGraph, OxigraphStore
from mkbgraph.network.metrics import MetricOptions, NetworkAnalysis
from mkbgraph.network.projection import full_graph, motion_graph, stakeholder_graph
from mkbgraph.sparql.screen import QueryRejected

from .conftest import FIXTURES
from .conftest_remote import OxigraphServer, oxigraph_binary, start_oxigraph, stop_oxigraph
from .conftest_sparql import free_port, start_listener

COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
GRAPH = "https://w3id.org/mkbgraph/graph/report-2019"


@pytest.fixture
def writable(tmp_path: Path) -> Iterator[OxigraphServer]:
    """A writable Oxigraph server over an empty store: what `publish` writes to."""
    server = start_oxigraph(tmp_path / "store", read_only=False)
    yield server
    stop_oxigraph(server)


@pytest.fixture(scope="module")
def read_only(tmp_path_factory: pytest.TempPathFactory) -> Iterator[OxigraphServer]:
    """A read-only Oxigraph server over the real data, as docs/deploy.md runs it."""
    settings = Settings()
    location = tmp_path_factory.mktemp("read-only") / "store"
    server = start_oxigraph(location, files=rdf_files(settings.ontology_dir, settings.data_dir), timeout_s=5)
    yield server
    stop_oxigraph(server)


@pytest.fixture(scope="module")
def remote_client(read_only: OxigraphServer) -> Iterator[TestClient]:
    settings = Settings(backend="sparql", sparql_url=read_only.query_url, warm_up=False, query_timeout=2.0)
    with TestClient(create_app(settings)) as client:
        yield client


def count(server: OxigraphServer, graph: str | None = None) -> int:
    params = {"default-graph-uri": graph} if graph else {}
    answer = httpx.post(
        server.query_url,
        data={"query": COUNT, **params},
        headers={"Accept": "application/sparql-results+json"},
    )
    answer.raise_for_status()
    return int(answer.json()["results"]["bindings"][0]["n"]["value"])


def mini_folder(tmp_path: Path, name: str = "mini") -> Path:
    folder = tmp_path / name
    folder.mkdir()
    (folder / "mini.ttl").write_text((FIXTURES / "valid" / "mini.ttl").read_text(encoding="utf-8"))
    return folder


# --- publish ---------------------------------------------------------------------------------


def test_publish_loads_exactly_the_embedded_stores_triples(writable: OxigraphServer) -> None:
    result = CliRunner().invoke(cli, ["publish", "--to", writable.store_url, "--update", writable.update_url])
    assert result.exit_code == 0, result.output
    settings = Settings()
    embedded = OxigraphStore(files=rdf_files(settings.ontology_dir, settings.data_dir))
    assert count(writable) == len(embedded)
    assert f"Published {len(embedded)} triples" in result.output
    assert "switched in one update" in result.output
    # the staging graph is gone: the switch moved it
    named = httpx.post(writable.query_url, data={"query": "ASK { GRAPH ?g { ?s ?p ?o } }"}).text
    assert "false" in named


def test_publish_into_a_named_graph_that_the_app_then_reads(writable: OxigraphServer, tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["publish", "--to", writable.store_url, "--graph", GRAPH])
    assert result.exit_code == 0, result.output
    assert "one PUT" in result.output
    assert count(writable) == 0  # the default graph stays empty
    published = count(writable, GRAPH)
    settings = Settings(backend="sparql", sparql_url=writable.query_url, sparql_graph=GRAPH, warm_up=False)
    with TestClient(create_app(settings)) as client:
        health = client.get("/health").json()
        assert health["backend"] == "sparql" and health["triples"] == published


def test_publish_refuses_an_invalid_graph_and_sends_nothing(writable: OxigraphServer) -> None:
    result = CliRunner().invoke(
        cli, ["publish", "--to", writable.store_url, "--data", str(FIXTURES / "invalid")]
    )
    assert result.exit_code == 1, result.output
    assert "violation" in result.output
    assert count(writable) == 0


def test_publish_to_a_read_only_server_is_refused_with_the_reason(read_only: OxigraphServer) -> None:
    result = CliRunner().invoke(cli, ["publish", "--to", read_only.store_url])
    assert result.exit_code == 2
    assert "HTTP 403" in result.output and "read-only" in result.output


def test_the_switch_is_atomic_readers_see_old_or_new_never_a_mix(
    writable: OxigraphServer, tmp_path: Path
) -> None:
    """While release B replaces release A twice, every count a reader sees is A's or B's."""
    runner = CliRunner()
    first = runner.invoke(cli, ["publish", "--to", writable.store_url, "--update", writable.update_url])
    assert first.exit_code == 0
    big = count(writable)
    mini = ["--data", str(mini_folder(tmp_path))]
    seen: set[int] = set()
    done = threading.Event()

    def read() -> None:
        while not done.is_set():
            seen.add(count(writable))

    reader = threading.Thread(target=read)
    reader.start()
    try:
        for args in (mini, []):
            published = runner.invoke(
                cli, ["publish", "--to", writable.store_url, "--update", writable.update_url, *args]
            )
            assert published.exit_code == 0, published.output
    finally:
        done.set()
        reader.join()
    small = len(OxigraphStore(files=rdf_files(Settings().ontology_dir, mini_folder(tmp_path, "again"))))
    assert seen <= {big, small} and big in seen


# --- the app on a remote server ----------------------------------------------------------------


def test_the_read_only_server_refuses_updates(read_only: OxigraphServer) -> None:
    answer = httpx.post(read_only.update_url, data={"update": "CLEAR DEFAULT"})
    assert answer.status_code == 403
    assert count(read_only) > 10_000


def test_the_remote_store_answers_like_the_embedded_one(read_only: OxigraphServer) -> None:
    settings = Settings()
    remote = SparqlStore(Settings(backend="sparql", sparql_url=read_only.query_url))
    embedded = OxigraphStore(files=rdf_files(settings.ontology_dir, settings.data_dir))
    assert len(remote) == len(embedded)
    query = (
        "SELECT ?s ?label WHERE { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?label } ORDER BY ?s ?label"
    )
    assert remote.select(query).rows == embedded.select(query).rows
    ask = "ASK { ?s a <https://w3id.org/mkbgraph/def/Action> }"
    assert remote.ask(ask) is embedded.ask(ask) is True
    # blank-node labels are each store's own: compare IRIs only (an engine difference, see README)
    construct = "CONSTRUCT { ?s a ?c } WHERE { ?s a ?c FILTER(isIRI(?s)) }"
    assert set(remote.construct(construct)) == set(embedded.construct(construct))
    capped = remote.select("SELECT ?s WHERE { ?s ?p ?o }", max_rows=5)
    assert len(capped.rows) == 5 and capped.truncated


def test_the_projection_graph_holds_only_the_projected_predicates(remote_client: TestClient) -> None:
    snapshot = remote_client.app.state.live.current  # type: ignore[attr-defined]
    predicates = set(snapshot.graph.predicates())
    assert predicates <= set(PROJECTION_PREDICATES)
    assert 0 < len(snapshot.graph) < len(snapshot.store)
    assert snapshot.files == ()


def test_sparql_endpoint_forwards_screened_queries_and_renders_every_format(
    remote_client: TestClient,
) -> None:
    query = "SELECT ?c (COUNT(?s) AS ?n) WHERE { ?s a ?c } GROUP BY ?c ORDER BY DESC(?n) LIMIT 3"
    as_json = remote_client.get("/sparql", params={"query": query, "format": "json"})
    assert as_json.status_code == 200
    rows = as_json.json()["results"]["bindings"]
    assert len(rows) == 3 and int(rows[0]["n"]["value"]) >= int(rows[2]["n"]["value"])
    as_csv = remote_client.get("/sparql", params={"query": query, "format": "csv"})
    assert as_csv.text.splitlines()[0] == "c,n" and len(as_csv.text.splitlines()) == 4
    turtle = remote_client.get(
        "/sparql",
        params={"query": "CONSTRUCT { ?s a ?c } WHERE { ?s a ?c } LIMIT 4"},
        headers={"Accept": "text/turtle"},
    )
    assert turtle.status_code == 200 and turtle.headers["content-type"].startswith("text/turtle")
    capped = remote_client.get("/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o }"})
    assert capped.headers["x-truncated"] == "true"


@pytest.mark.parametrize(
    ("query", "status", "code"),
    [
        ("SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }", 403, "refused"),
        ("INSERT DATA { <urn:a> <urn:b> <urn:c> }", 403, "refused"),
        ("SELECT * FROM <urn:g> WHERE { ?s ?p ?o }", 403, "refused"),
        ("SELECT * WHERE {\n ?s ?p }", 400, "bad_query"),
    ],
)
def test_refusals_and_remote_errors_come_back_in_the_one_shape(
    remote_client: TestClient, query: str, status: int, code: str
) -> None:
    answer = remote_client.get("/sparql", params={"query": query})
    assert answer.status_code == status
    error = answer.json()["error"]
    assert error["code"] == code and error["status"] == status and error["detail"]
    if code == "bad_query":
        assert error["line"] == 2 and error["detail"].startswith("syntax error:")


def test_a_runaway_query_is_cut_at_the_apps_own_limit(remote_client: TestClient) -> None:
    runaway = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
    answer = remote_client.get("/sparql", params={"query": runaway, "timeout": "0.5"})
    assert answer.status_code == 503
    assert answer.json()["error"]["code"] == "timeout"
    # and the service goes on answering
    assert remote_client.get("/sparql", params={"query": "ASK { ?s ?p ?o }"}).status_code == 200


def test_an_unreachable_server_is_a_503_in_the_one_shape(read_only: OxigraphServer) -> None:
    settings = Settings(backend="sparql", sparql_url=read_only.query_url, warm_up=False)
    app = create_app(settings)
    app.state.live.current.store.client.url = f"http://127.0.0.1:{free_port()}/query"
    with TestClient(app) as client:
        answer = client.get("/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o } LIMIT 1"})
    assert answer.status_code == 503
    assert answer.json()["error"]["code"] == "remote_unavailable"


def test_the_version_follows_the_remote_data_on_reload(writable: OxigraphServer, tmp_path: Path) -> None:
    runner = CliRunner()
    update = ["--to", writable.store_url, "--update", writable.update_url]
    assert runner.invoke(cli, ["publish", *update, "--data", str(mini_folder(tmp_path))]).exit_code == 0
    settings = Settings(backend="sparql", sparql_url=writable.query_url, warm_up=False)
    with TestClient(create_app(settings)) as client:
        before = client.get("/health").json()
        again = client.post("/sparql", data={"query": COUNT})
        assert again.status_code == 200
        assert runner.invoke(cli, ["publish", *update]).exit_code == 0
        live = client.app.state.live  # type: ignore[attr-defined]
        unchanged = live.reload()
        assert unchanged.ok
        after = client.get("/health").json()
        assert after["version"] != before["version"] and after["triples"] > before["triples"]
        fresh = client.post("/sparql", data={"query": COUNT}).json()
        assert int(fresh["results"]["bindings"][0]["n"]["value"]) == after["triples"]
        # the same data again: the same version
        assert live.reload().snapshot.version == after["version"]


# --- credentials ---------------------------------------------------------------------------------


class _Guarded(http.server.BaseHTTPRequestHandler):
    """An endpoint that wants Basic credentials ``reader:s3cret`` and records what it got."""

    seen: ClassVar[list[str]] = []

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        header = self.headers.get("Authorization", "")
        type(self).seen.append(header)
        if header != "Basic " + base64.b64encode(b"reader:s3cret").decode():
            self.send_response(401)
            self.end_headers()
            return
        body = b'{"head":{"vars":["n"]},"results":{"bindings":[{"n":{"type":"literal","value":"7"}}]}}'
        self.send_response(200)
        self.send_header("Content-Type", "application/sparql-results+json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


def test_credentials_are_sent_never_logged_and_a_refusal_is_a_502(caplog: pytest.LogCaptureFixture) -> None:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Guarded)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/sparql"
    try:
        with caplog.at_level(logging.DEBUG):
            good = SparqlClient(Settings(sparql_url=url, sparql_user="reader", sparql_password="s3cret"))
            assert good.query(COUNT, "application/sparql-results+json")[1].startswith(b'{"head"')
            wrong = SparqlClient(Settings(sparql_url=url, sparql_user="reader", sparql_password="nope"))
            with pytest.raises(RemoteError) as refused:
                wrong.query(COUNT, "application/sparql-results+json")
        assert refused.value.status == 502 and "credentials" in refused.value.message
        assert (
            "s3cret" not in caplog.text and "s3cret" not in repr(good) and "nope" not in refused.value.message
        )
        assert "s3cret" not in repr(Settings(sparql_password="s3cret"))
    finally:
        server.shutdown()
        server.server_close()


def test_a_missing_server_binary_fails_with_a_message(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    assert oxigraph_binary().is_file()
    monkeypatch.setattr("sys.executable", str(tmp_path / "python"))
    with pytest.raises(pytest.fail.Exception, match="Oxigraph server is missing"):
        oxigraph_binary()


# --- the rest of the app in remote mode --------------------------------------------------------


def test_void_counts_the_whole_remote_graph_as_the_embedded_app_does(
    remote_client: TestClient, project_settings: Settings
) -> None:
    def void(client: TestClient) -> set[tuple[str, str]]:
        answer = client.get("/dataset", headers={"Accept": "application/n-triples"})
        assert answer.status_code == 200
        # blank-node partitions aside: the dataset's own figures, and each partition's figures
        graph = Graph().parse(data=answer.text, format="nt")
        return {(str(p), str(o)) for s, p, o in graph if not str(p).endswith(("modified", "identifier"))} - {
            (str(p), str(o)) for s, p, o in graph if isinstance(o, BNode)
        }

    with TestClient(create_app(project_settings.model_copy(update={"warm_up": False}))) as embedded:
        assert void(remote_client) == void(embedded)
    triples = remote_client.get("/health").json()["triples"]
    assert ("http://rdfs.org/ns/void#triples", str(triples)) in void(remote_client)


def test_the_quality_page_says_the_remote_graph_was_validated_by_publish(remote_client: TestClient) -> None:
    page = remote_client.get("/quality")
    assert page.status_code == 200
    assert "mkbgraph publish" in page.text and "0 overtredingen" not in page.text


def test_cli_query_and_stats_read_the_remote_server(
    read_only: OxigraphServer, project_settings: Settings
) -> None:
    remote = project_settings.model_copy(update={"backend": "sparql", "sparql_url": read_only.query_url})
    assert run_stats(remote) == run_stats(project_settings)
    embedded = run_query("class-counts", {}, project_settings).result
    answered = run_query("class-counts", {}, remote).result
    assert embedded is not None and answered is not None and answered.rows == embedded.rows


def test_the_server_reaches_no_network(read_only: OxigraphServer) -> None:
    """Sent straight to the server (past the app's screen), a SERVICE call to a listener on this
    machine's loopback gets an error, and the listener sees nothing: the server has no egress."""
    for listener in start_listener():
        query = f"SELECT * WHERE {{ SERVICE <{listener.url}/sparql> {{ ?s ?p ?o }} }}"
        answer = httpx.post(read_only.query_url, data={"query": query}, timeout=30)
        # Oxigraph streams: the 200 header is sent before the SERVICE call fails mid-body
        assert "Connection refused" in answer.text
        assert listener.hits == []
        # the same listener is reachable from here: the refusal is the server's namespace
        assert httpx.get(f"{listener.url}/x").status_code == 200 and listener.hits == ["GET /x"]


def test_the_servers_own_time_limit_breaking_off_an_answer_is_a_502(tmp_path: Path) -> None:
    """Oxigraph answers 200 and then stops mid-body at its own limit (--timeout-s): the app
    does not pass on a truncated document, it says what happened."""
    settings = Settings()
    server = start_oxigraph(
        tmp_path / "store", files=rdf_files(settings.ontology_dir, settings.data_dir), timeout_s=1
    )
    try:
        remote = Settings(
            backend="sparql",
            sparql_url=server.query_url,
            warm_up=False,
            query_timeout=30,
            max_rows=100_000_000,
            sparql_max_bytes=2_000_000_000,
        )
        with TestClient(create_app(remote)) as client:
            # a streamed cross product: Oxigraph's limit cuts it (an aggregate or ORDER BY it does not
            # cut, see README "Engine differences"; there the app's own limit holds)
            runaway = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f }"
            answer = client.get("/sparql", params={"query": runaway})
        assert answer.status_code == 502
        error = answer.json()["error"]
        assert error["code"] == "remote_error" and "broke off" in error["detail"]
    finally:
        stop_oxigraph(server)


def test_serve_without_its_remote_server_says_why_and_exits_2(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MKBGRAPH_BACKEND", "sparql")
    monkeypatch.setenv("MKBGRAPH_SPARQL_URL", f"http://127.0.0.1:{free_port()}/query")
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(cli, ["serve"])
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 2
    assert "could not be reached" in result.output


def test_a_reload_while_the_server_is_away_keeps_the_previous_graph(tmp_path: Path) -> None:
    settings = Settings()
    server = start_oxigraph(tmp_path / "store", files=rdf_files(settings.ontology_dir, settings.data_dir))
    remote = Settings(backend="sparql", sparql_url=server.query_url, warm_up=False)
    live = LiveGraph(remote)
    before = live.current.version
    stop_oxigraph(server)
    outcome = live.reload()
    assert not outcome.ok and "could not be reached" in outcome.message
    assert live.current.version == before


def test_the_app_notices_a_new_release_by_itself(writable: OxigraphServer, tmp_path: Path) -> None:
    """No SIGHUP: the periodic digest check (MKBGRAPH_SPARQL_CHECK_SECONDS) reloads."""
    runner = CliRunner()
    update = ["--to", writable.store_url, "--update", writable.update_url]
    assert runner.invoke(cli, ["publish", *update, "--data", str(mini_folder(tmp_path))]).exit_code == 0
    settings = Settings(
        backend="sparql", sparql_url=writable.query_url, warm_up=False, sparql_check_seconds=0.2
    )
    with TestClient(create_app(settings)) as client:
        before = client.get("/health").json()
        assert runner.invoke(cli, ["publish", *update]).exit_code == 0
        for _ in range(300):  # the check runs every 0.2 s; give it up to a minute on a busy machine
            after = client.get("/health").json()
            if after["version"] != before["version"]:
                break
            time.sleep(0.2)
        assert after["version"] != before["version"] and after["triples"] > before["triples"]
        assert after["reload"]["ok"]


def test_the_digest_moves_when_one_triple_changes_and_not_with_the_order(tmp_path: Path) -> None:
    """A change the old length-and-count aggregates missed: the same organisation slot, another
    IRI of the same length. The digest is a sum, so the order the server reads in does not count."""

    def digest(turtle: str) -> tuple[str, ...]:
        folder = tmp_path / f"d{len(list(tmp_path.iterdir()))}"
        folder.mkdir()
        (folder / "d.ttl").write_text(turtle)
        server = start_oxigraph(folder / "store", files=[folder / "d.ttl"])
        try:
            return SparqlStore(Settings(backend="sparql", sparql_url=server.query_url))._at_load
        finally:
            stop_oxigraph(server)

    kvk = '<urn:a> <urn:lead> <urn:kvk> .\n<urn:a> <urn:label> "één"@nl .\n_:x <urn:amount> 12.5 .\n'
    swapped = '<urn:a> <urn:lead> <urn:ezk> .\n<urn:a> <urn:label> "één"@nl .\n_:x <urn:amount> 12.5 .\n'
    reordered = "".join(reversed(kvk.splitlines(keepends=True)))
    first, again, other = digest(kvk), digest(reordered), digest(swapped)
    assert first == again
    assert first[0] == other[0] == "3"
    assert first != other


@pytest.mark.parametrize(
    "host",
    [
        "a> SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } } #",
        'a"b',
        "a b",
    ],
)
def test_a_hostile_host_header_cannot_put_text_in_front_of_the_query(
    remote_client: TestClient, host: str
) -> None:
    """The base IRI comes from the Host header: one that would end the BASE IRI is not sent."""
    answer = remote_client.get(
        "/sparql", params={"query": "SELECT (COUNT(*) AS ?n) WHERE { ?s a ?c }"}, headers={"Host": host}
    )
    assert answer.status_code == 200
    assert int(answer.json()["results"]["bindings"][0]["n"]["value"]) > 1000


def test_the_projections_from_the_remote_triples_equal_those_from_the_whole_graph(
    remote_client: TestClient, project_settings: Settings
) -> None:
    """The CONSTRUCT of `PROJECTION_PREDICATES` is all the network analytics need: every node
    with its attributes and every edge with its quote, the stakeholder and motion graphs, the
    key players and the resolver, as on the embedded store's whole graph."""
    remote = remote_client.app.state.live.current  # type: ignore[attr-defined]
    embedded = LiveGraph(project_settings.model_copy(update={"warm_up": False})).current
    options = MetricOptions()
    mine = NetworkAnalysis("remote", remote.graph, full_graph(remote.graph), options)
    theirs = NetworkAnalysis("embedded", embedded.graph, full_graph(embedded.graph), options)
    assert dict(mine.full.nodes(data=True)) == dict(theirs.full.nodes(data=True))
    assert sorted(mine.full.edges(keys=True, data=True)) == sorted(theirs.full.edges(keys=True, data=True))
    for build in (stakeholder_graph, motion_graph):
        a, b = build(mine.full), build(theirs.full)
        assert dict(a.nodes(data=True)) == dict(b.nodes(data=True))
        assert {tuple(sorted(e[:2])) for e in a.edges} == {tuple(sorted(e[:2])) for e in b.edges}
    assert mine.key_players() == theirs.key_players()
    assert mine.index().names == theirs.index().names


def test_a_format_that_does_not_fit_the_query_form_is_refused(remote_client: TestClient) -> None:
    """CSV for a CONSTRUCT: refused in the one shape (and the parsed answer is dropped on the
    thread that parsed it: pyoxigraph aborts the process otherwise)."""
    engine = remote_client.app.state.query_engine  # type: ignore[attr-defined]
    with pytest.raises(QueryRejected, match="does not fit a CONSTRUCT"):
        engine.serialize("CONSTRUCT { ?s a ?c } WHERE { ?s a ?c } LIMIT 2", "csv")
    assert engine.ask("ASK { ?s ?p ?o }") is True
