"""The wall, tested as an attacker would: the query worker cannot open a socket, whatever the text
says and whichever screen it slipped past; the worker dies with the server; memory is capped;
clients are served fairly; and the edges answer in the one JSON error shape.

Every SERVICE target is a listener of ours on 127.0.0.1 that records each connection and answers
a marker body: a test fails if the listener sees anything or the marker reaches the client."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from mkbgraph.api.app import create_app
from mkbgraph.config import Settings
from mkbgraph.graph.store import LiveGraph
from mkbgraph.sparql import engine as engine_module
from mkbgraph.sparql.engine import FairScheduler, QueryEngine, TooManyRequests
from mkbgraph.sparql.screen import QueryRefused
from mkbgraph.sparql.worker import write_xml
from tests.conftest_sparql import SMALL_TURTLE, Server, descendants, free_port, start_server, stop_server

pytestmark = pytest.mark.server

MARKER = b"TARGET-BODY-7f3a"


class Recorder:
    """A TCP listener on 127.0.0.1 that records every connection and answers the marker."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = int(self.sock.getsockname()[1])
        self.connections = 0
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.connections += 1
            with conn:
                conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 16\r\n\r\n" + MARKER)

    def close(self) -> None:
        self.sock.close()


@pytest.fixture(scope="module")
def recorder() -> Iterator[Recorder]:
    listener = Recorder()
    yield listener
    listener.close()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    data = tmp_path_factory.mktemp("sandbox-data")
    (data / "small.ttl").write_text(SMALL_TURTLE, encoding="utf-8")
    running = start_server(
        tmp_path_factory.mktemp("sandbox-log"),
        data_dir=data,
        validate_on_load=False,
        warm_up=True,
        query_timeout=5,
        query_workers=3,
    )
    yield running
    stop_server(running)


def disguises(port: int) -> list[str]:
    """SERVICE and FROM spelled every way we know; the wall must hold for all of them."""
    target = f"http://127.0.0.1:{port}/sparql"
    return [
        f"SELECT ?x WHERE {{ # c\r SERVICE <{target}> {{ ?x ?p ?o }} \n }}",  # CR ends the comment
        # for the engine '\u005C' is a whole string (a backslash): SERVICE after it is code, while
        # a lexer that decodes escapes first sees an escaped quote and SERVICE inside a string
        f"SELECT ?x WHERE {{ ?a ?b '\\u005C' . SERVICE <{target}> {{ ?x ?p ?o }} . ?c ?d ' ' }}",
        f"SELECT ?x WHERE {{ \\u0053ERVICE <{target}> {{ ?x ?p ?o }} }}",  # escaped keyword
        f"SELECT ?x WHERE {{ service <{target}> {{ ?x ?p ?o }} }}",
        f"SELECT ?x WHERE {{ SERVICE SILENT <{target}> {{ ?x ?p ?o }} }}",
        f"SELECT ?x WHERE {{ BIND(<{target}> AS ?e) SERVICE ?e {{ ?x ?p ?o }} }}",
        f"SELECT ?x WHERE {{ OPTIONAL {{ {{ SELECT ?x WHERE {{ SERVICE <{target}> {{ ?x ?p ?o }} }} }} }} }}",
        f"ASK {{ FILTER EXISTS {{ SERVICE <{target}> {{ ?x ?p ?o }} }} }}",
        f"SELECT ?x FROM <{target}> WHERE {{ ?x ?p ?o }}",
        f"SELECT ?x WHERE {{ ?x ?p ?o }} # \r SERVICE <{target}> {{ }}",
    ]


def test_worker_process_cannot_open_a_socket_of_any_family() -> None:
    """The sandbox itself, in a fresh process: every socket() and exec is refused; the pipe
    it was given before still works."""
    probe = r"""
import ctypes, json, os, socket
from mkbgraph.sparql import sandbox as sparql_sandbox
a, b = socket.socketpair()
sparql_sandbox.install()
out = {}
for name in ("AF_INET", "AF_INET6", "AF_UNIX", "AF_NETLINK", "AF_PACKET"):
    try:
        socket.socket(getattr(socket, name), socket.SOCK_STREAM if name != "AF_NETLINK" else socket.SOCK_RAW)
        out[name] = "opened"
    except OSError as exc:
        out[name] = exc.errno
libc = ctypes.CDLL(None, use_errno=True)
out["raw_syscall"] = libc.syscall(41, 2, 1, 0)  # SYS_socket(AF_INET, SOCK_STREAM) on x86_64
out["raw_errno"] = ctypes.get_errno()
try:
    socket.socketpair()
    out["socketpair"] = "opened"
except OSError as exc:
    out["socketpair"] = exc.errno
try:
    os.execv("/bin/true", ["/bin/true"])
except OSError as exc:
    out["exec"] = exc.errno
a.sendall(b"ping")
out["pipe"] = b.recv(4).decode()
print(json.dumps(out))
"""
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    for family in ("AF_INET", "AF_INET6", "AF_UNIX", "AF_NETLINK", "AF_PACKET"):
        assert out[family] == 13, out  # EACCES
    if os.uname().machine == "x86_64":
        assert out["raw_syscall"] == -1 and out["raw_errno"] == 13
    assert out["socketpair"] == 13
    assert out["exec"] == 1  # EPERM
    assert out["pipe"] == "ping"


def test_a_query_that_slips_past_the_screen_still_reaches_nothing(
    mini_settings: Settings, recorder: Recorder, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Take the screen away entirely: the worker's wall alone stops every disguise."""
    monkeypatch.setenv("MKBGRAPH_TEST_NO_SCREEN", "1")  # inherited by the workers started below
    engine = QueryEngine(LiveGraph(mini_settings), mini_settings)
    try:
        assert engine.wait_ready(60)
        before = recorder.connections
        refused = 0
        for text in disguises(recorder.port):
            try:
                answer = engine.serialize(text, "json", graph_fmt="turtle")
            except QueryRefused as exc:
                assert "outbound" in exc.message and exc.code == "refused"
                refused += 1
            except engine_module.QueryRejected as exc:  # a syntax or evaluation error is fine too
                assert MARKER.decode() not in exc.message
            else:
                assert MARKER not in answer.body  # FROM: answered over no graph, nothing fetched
        assert recorder.connections == before
        assert refused >= 3  # the wall, not the screen (which is off), refused them
    finally:
        engine.close()


def test_every_disguise_through_the_real_server_fetches_nothing(server: Server, recorder: Recorder) -> None:
    before = recorder.connections
    for text in disguises(recorder.port):
        for send in (
            lambda q: httpx.get(f"{server.url}/sparql", params={"query": q}, timeout=30),
            lambda q: httpx.post(f"{server.url}/sparql", data={"query": q}, timeout=30),
            lambda q: httpx.post(
                f"{server.url}/sparql",
                content=q.encode(),
                headers={"Content-Type": "application/sparql-query"},
                timeout=30,
            ),
        ):
            response = send(text)
            assert response.status_code in (400, 403), (text, response.text)
            assert response.headers["content-type"].startswith("application/json")
            assert response.json()["error"]["detail"]
            assert MARKER.decode() not in response.text
    assert recorder.connections == before


def test_open_and_closed_ports_answer_alike(server: Server, recorder: Recorder) -> None:
    """No port scanner: the answer for a listening port equals the one for a closed port."""
    closed = free_port()
    answers = []
    for port in (recorder.port, closed):
        text = f"SELECT ?x WHERE {{ # c\r SERVICE <http://127.0.0.1:{port}/> {{ ?x ?p ?o }} \n }}"
        response = httpx.get(f"{server.url}/sparql", params={"query": text}, timeout=30)
        answers.append((response.status_code, response.json()["error"]["code"]))
    assert answers[0] == answers[1]


def test_worker_answers_refused_for_service_when_asked_directly(
    mini_settings: Settings, recorder: Recorder
) -> None:
    """Worker-level: a raw request straight to a worker (no screen at all) meets the wall."""
    engine = QueryEngine(LiveGraph(mini_settings), mini_settings)
    try:
        assert engine.wait_ready(60)
        before = recorder.connections
        with pytest.raises(QueryRefused):
            run_async(
                engine._dispatch,
                {
                    "text": f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{recorder.port}/> {{ ?s ?p ?o }} }}",
                    "base": "",
                    "mode": "body",
                    "results": "json",
                    "graph": None,
                    "max_rows": 10,
                },
                10.0,
                "test",
            )
        assert recorder.connections == before
    finally:
        engine.close()


def run_async(function: Any, *args: Any) -> Any:
    """Run an engine coroutine to completion on a fresh loop (the workers' sockets fit any loop)."""
    return asyncio.run(function(*args))


def test_workers_die_with_the_server(tmp_path: Path) -> None:
    """kill -9 of the server during a runaway query leaves no worker burning a core."""
    data = tmp_path / "data"
    data.mkdir()
    (data / "small.ttl").write_text(SMALL_TURTLE, encoding="utf-8")
    running = start_server(tmp_path, data_dir=data, validate_on_load=False, query_timeout=60, warm_up=True)
    workers = descendants(running.pid)
    assert len(workers) >= 3
    runaway = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n2 ?o }"

    def send() -> None:
        with contextlib.suppress(httpx.HTTPError):  # the server is killed under it: that is the point
            httpx.get(f"{running.url}/sparql", params={"query": runaway}, timeout=5)

    threading.Thread(target=send, daemon=True).start()
    # kill only once a worker is busy with the runaway query (the engine reports one fewer free)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        engine = httpx.get(f"{running.url}/health", timeout=5).json()["query_engine"]
        if engine["free"] < engine["workers"]:
            break
        time.sleep(0.05)
    else:
        raise AssertionError("the runaway query never reached a worker")
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and running.process.poll() is None:
        os.kill(running.pid, signal.SIGKILL)
        running.process.wait(timeout=5)
    deadline = time.monotonic() + 10
    alive = workers
    while alive and time.monotonic() < deadline:
        alive = [pid for pid in workers if _running(pid)]
        time.sleep(0.05)
    assert alive == []


def _running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def test_memory_cap_answers_query_too_large_and_the_worker_is_replaced(mini_settings: Settings) -> None:
    settings = mini_settings.model_copy(update={"worker_memory_mb": 700, "query_timeout": 30})
    engine = QueryEngine(LiveGraph(settings), settings)
    try:
        assert engine.wait_ready(60)
        before = set(engine.worker_pids())
        hog = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i } ORDER BY ?a ?d ?g"
        with pytest.raises(engine_module.QueryRejected) as caught:
            engine.serialize(hog, "json")
        assert caught.value.code == "query_too_large", caught.value.message
        assert caught.value.status == 503
        assert engine.wait_ready(60)
        after = set(engine.worker_pids())
        assert len(after) == settings.query_workers and after != before
        assert engine.select("SELECT (1 AS ?one) WHERE {}").rows[0][0] is not None
    finally:
        engine.close()


def test_fair_scheduler_takes_clients_in_turn_and_bounds_each() -> None:
    scheduler = FairScheduler(slots=1, per_client=1, max_waiting=10, client_queue=2)
    first = scheduler.admit("greedy")
    assert first.granted
    greedy = [scheduler.admit("greedy"), scheduler.admit("greedy")]
    with pytest.raises(TooManyRequests):
        scheduler.admit("greedy")
    polite = scheduler.admit("polite")
    scheduler.release(first)
    assert polite.granted and not any(t.granted for t in greedy)  # the other client goes first
    scheduler.release(polite)
    assert greedy[0].granted
    with pytest.raises(engine_module.EngineBusy):
        asyncio.run(scheduler.wait(greedy[1], 0.01))  # gives its place up after the wait
    assert scheduler.stats()["queued"] == 0


def test_two_greedy_clients_cannot_starve_a_third(server: Server) -> None:
    """Clients are told apart by address (127.0.0.2 and .3 are loopback too)."""
    heavy = (
        "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n2 ?o . ?p ?q ?r }"
    )
    stop = threading.Event()
    statuses: list[int] = []

    def greedy(address: str, n: int) -> None:
        with httpx.Client(transport=httpx.HTTPTransport(local_address=address), timeout=30) as client:
            while not stop.is_set():
                statuses.append(
                    client.get(
                        f"{server.url}/sparql", params={"query": f"# {address} {n} {time.time()}\n{heavy}"}
                    ).status_code
                )

    pool = ThreadPoolExecutor(6)
    for address in ("127.0.0.2", "127.0.0.3"):
        for n in range(3):
            pool.submit(greedy, address, n)
    try:
        while len(statuses) < 2 and not statuses:
            time.sleep(0.05)
        with httpx.Client(transport=httpx.HTTPTransport(local_address="127.0.0.4"), timeout=30) as client:
            for n in range(5):
                answer = client.get(
                    f"{server.url}/sparql",
                    params={"query": f"SELECT ?o WHERE {{ ?s ?p ?o }} LIMIT {n + 1}"},
                )
                assert answer.status_code == 200, answer.text
    finally:
        stop.set()
        pool.shutdown(wait=True)
    assert 429 in statuses or 503 in statuses  # the greedy clients were held to their share


def test_literals_are_served_exactly_as_the_files_say(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "odd.ttl").write_text(
        "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n"
        '<urn:x> <urn:flag> "yes"^^xsd:boolean ; <urn:day> "2006-08-23Z"^^xsd:date .\n',
        encoding="utf-8",
    )
    settings = Settings(data_dir=data, validate_on_load=False, warm_up=False)
    with TestClient(create_app(settings)) as client:
        body = client.get(
            "/sparql", params={"query": "SELECT ?p ?o WHERE { <urn:x> ?p ?o } ORDER BY ?p"}
        ).json()
    values = {b["p"]["value"]: b["o"]["value"] for b in body["results"]["bindings"]}
    assert values == {"urn:day": "2006-08-23Z", "urn:flag": "yes"}


def test_edges_answer_json_never_plain_text(server: Server) -> None:
    for text in ("SELECT * WHERE { VALUES ?x { -1.5 } }", "SELECT * WHERE { ?s ?p -1.0 }"):
        response = httpx.get(f"{server.url}/sparql", params={"query": text}, timeout=30)
        assert response.status_code == 200, response.text
    relative = httpx.get(
        f"{server.url}/sparql",
        params={"query": "CONSTRUCT { <s> <p> 1 } WHERE {}"},
        headers={"Accept": "application/n-triples"},
        timeout=30,
    )
    assert relative.status_code == 200, relative.text
    assert f"<{server.url}/s> <{server.url}/p>" in relative.text
    syntax = httpx.get(f"{server.url}/sparql", params={"query": "SELECT * WHERE {\n ?s ?p }"}, timeout=30)
    assert syntax.status_code == 400
    error = syntax.json()["error"]
    assert error["line"] == 2 and error["column"] > 0


def test_concurrent_canned_queries_right_after_start_all_answer(server: Server) -> None:
    names = [q["name"] for q in httpx.get(f"{server.url}/api/queries", timeout=30).json()["queries"]]
    with ThreadPoolExecutor(16) as pool:
        statuses = list(
            pool.map(lambda n: httpx.get(f"{server.url}/api/queries/{n}", timeout=60).status_code, names[:16])
        )
    assert set(statuses) <= {200, 400, 429}  # 400: a canned query needing a parameter
    assert statuses.count(200) >= 1


def test_xml_results_stay_well_formed_with_control_characters() -> None:
    import pyoxigraph as ox

    body = write_xml(["x"], [(ox.Literal("a\x01b\x0bc\ufffe"),)])
    root = ET.fromstring(body)  # raises on an ill-formed document
    assert root.find(".//{http://www.w3.org/2005/sparql-results#}literal").text == "a\ufffdb\ufffdc\ufffd"


def test_sighup_reloads_and_a_bad_reload_keeps_the_old_graph(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "small.ttl").write_text(SMALL_TURTLE, encoding="utf-8")
    running = start_server(tmp_path, data_dir=data, validate_on_load=False, warm_up=False, query_workers=1)
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"

    def triples() -> int:
        answer = httpx.get(
            f"{running.url}/sparql", params={"query": count + f" # {time.monotonic()}"}, timeout=30
        )
        return int(answer.json()["results"]["bindings"][0]["n"]["value"])

    def reloaded(after: str | None) -> dict[str, Any]:
        for _ in range(300):
            state = httpx.get(f"{running.url}/health", timeout=10).json()
            if state["reload"] is not None and state["reload"]["at"] != after:
                return state
            time.sleep(0.05)
        raise AssertionError("no reload was recorded")

    try:
        before_version, before = httpx.get(f"{running.url}/health").json()["version"], triples()
        (data / "more.ttl").write_text("<urn:a> <urn:b> <urn:c> .\n", encoding="utf-8")
        os.kill(running.pid, signal.SIGHUP)
        state = reloaded(None)
        assert state["reload"]["ok"] is True and state["version"] != before_version
        assert triples() == before + 1
        (data / "broken.ttl").write_text("<urn:a> <urn:b> .\n", encoding="utf-8")
        os.kill(running.pid, signal.SIGHUP)
        failed = reloaded(state["reload"]["at"])
        assert failed["reload"]["ok"] is False and "broken.ttl" in failed["reload"]["message"]
        assert failed["version"] == state["version"]  # the previous graph keeps serving
        assert triples() == before + 1
    finally:
        stop_server(running)
