"""HTTP caching an existing cache can use: ETag, 304, Cache-Control and Vary on GET answers, and a
real reverse-proxy cache (Debian's nginx with proxy_cache, started here) in front of the real
`mkbgraph serve`, which it must reach once for 1,000 GETs of a page."""

from __future__ import annotations

import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from mkbgraph.api.app import create_app
from mkbgraph.api.http_cache import entity_tag, matches
from mkbgraph.config import Settings
from tests.conftest_sparql import Server, free_port, start_server, stop_server

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"

PAGES = ["/", "/motions", "/network", "/api/queries", "/api/network/key-players", "/sparql?query=ASK%7B%7D"]


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    with TestClient(create_app(Settings())) as running:
        yield running


@pytest.mark.parametrize("path", PAGES)
def test_every_get_answer_carries_validators_and_revalidates_with_304(client: TestClient, path: str) -> None:
    first = client.get(path)
    assert first.status_code == 200
    tag = first.headers["etag"]
    assert tag.startswith('"') and tag.endswith('"')
    assert first.headers["cache-control"].startswith("public, max-age=")
    assert "stale-while-revalidate=" in first.headers["cache-control"]
    assert "Accept" in first.headers["vary"]
    again = client.get(path, headers={"If-None-Match": tag})
    assert again.status_code == 304 and again.content == b""
    assert again.headers["etag"] == tag
    assert client.get(path, headers={"If-None-Match": '"something-else"'}).status_code == 200


def test_each_representation_has_its_own_tag(client: TestClient) -> None:
    page = client.get("/id/organisation/kvk", headers={"Accept": "text/html"})
    turtle = client.get("/id/organisation/kvk", headers={"Accept": "text/turtle"})
    assert page.headers["content-type"].startswith("text/html")
    assert turtle.headers["content-type"].startswith("text/turtle")
    assert page.headers["etag"] != turtle.headers["etag"]
    # the page's tag does not revalidate the Turtle representation
    assert (
        client.get(
            "/id/organisation/kvk", headers={"Accept": "text/turtle", "If-None-Match": page.headers["etag"]}
        ).status_code
        == 200
    )


def test_errors_and_process_state_are_not_cacheable(client: TestClient) -> None:
    missing = client.get("/id/organisation/bestaat-niet")
    assert missing.status_code == 404 and "etag" not in missing.headers
    for path in ("/health", "/ready"):
        answer = client.get(path)
        assert "etag" not in answer.headers and "public" not in answer.headers.get("cache-control", "")


def test_a_new_graph_version_changes_every_tag() -> None:
    scope = {"path": "/motions", "query_string": b"", "headers": [(b"accept", b"text/html")]}
    assert entity_tag("v1", scope) != entity_tag("v2", scope)
    assert entity_tag("v1", scope) == entity_tag("v1", dict(scope))
    assert entity_tag("v1", scope) != entity_tag("v1", {**scope, "query_string": b"x=1"})


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ('"a"', True),
        ('W/"a"', True),
        ('"b", "a"', True),
        ("*", True),
        ('"b"', False),
        ("", False),
        ('"a', False),
    ],
)
def test_if_none_match_is_read_the_rfc_9110_way(header: str, expected: bool) -> None:
    assert matches(header.encode(), '"a"') is expected


# --- a real reverse-proxy cache in front of the real server ------------------------------------


NGINX_CONF = """
worker_processes 1;
daemon off;
user root;
pid {tmp}/nginx.pid;
error_log {tmp}/error.log warn;
events {{ worker_connections 256; }}
http {{
    access_log {tmp}/access.log;
    client_body_temp_path {tmp}/body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
    proxy_cache_path {tmp}/cache levels=1:2 keys_zone=mkbgraph:10m max_size=100m inactive=10m use_temp_path=off;
    server {{
        listen 127.0.0.1:{port};
        location / {{
            proxy_pass http://127.0.0.1:{upstream};
            proxy_http_version 1.1;
            proxy_set_header Host $host:$server_port;
            proxy_cache mkbgraph;
            proxy_cache_lock on;
            proxy_cache_revalidate on;
            proxy_cache_use_stale updating error timeout;
            add_header X-Cache-Status $upstream_cache_status always;
        }}
    }}
}}
"""


@pytest.fixture(scope="module")
def app_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    running = start_server(Path(tmp_path_factory.mktemp("cached-app")), access_log="true")
    yield running
    stop_server(running)


@pytest.fixture(scope="module")
def proxy(app_server: Server, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    assert Path(NGINX).exists(), "nginx is missing: `make test` installs Debian's nginx (make proxy)"
    tmp = Path(tmp_path_factory.mktemp("nginx"))
    port = free_port()
    upstream = app_server.url.rsplit(":", 1)[1]
    conf = tmp / "nginx.conf"
    conf.write_text(NGINX_CONF.format(tmp=tmp, port=port, upstream=upstream), encoding="utf-8")
    process = subprocess.Popen([NGINX, "-p", str(tmp), "-c", str(conf)], stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            httpx.get(f"{url}/health", timeout=1)
            break
        except httpx.TransportError:
            if process.poll() is not None or time.monotonic() > deadline:
                error = process.stderr.read().decode() if process.stderr else ""
                raise RuntimeError(f"nginx did not start: {error}") from None
            time.sleep(0.1)
    yield url
    process.terminate()
    process.wait(timeout=10)


def _app_requests(server: Server, path: str) -> int:
    """How many requests for `path` the app logged (uvicorn's access log)."""
    return sum(
        1
        for line in server.log.read_text(encoding="utf-8", errors="replace").splitlines()
        if f'"GET {path} ' in line
    )


def test_a_thousand_gets_through_a_caching_proxy_reach_the_app_once(app_server: Server, proxy: str) -> None:
    path = "/motions"
    before = _app_requests(app_server, path)
    statuses = []
    with httpx.Client(base_url=proxy, timeout=30) as http:
        for _ in range(1000):
            answer = http.get(path)
            assert answer.status_code == 200
            statuses.append(answer.headers.get("x-cache-status"))
    assert _app_requests(app_server, path) - before == 1
    assert statuses[0] == "MISS" and statuses[1:].count("HIT") == 999


# --- replicas -----------------------------------------------------------------------------------


def test_serve_with_two_workers_answers_from_two_processes(tmp_path: Path) -> None:
    """`mkbgraph serve --workers 2`: two server processes on one port, each with the whole graph."""
    server = start_server(tmp_path, args=("--workers", "2"), query_workers=1)
    try:
        seen: set[int] = set()
        for _ in range(200):
            with httpx.Client(timeout=30) as fresh:  # a new connection each time: the kernel spreads them
                health = fresh.get(f"{server.url}/health").json()
            if health["ready"]:
                seen.add(health["process"])
            if len(seen) == 2:
                break
        assert len(seen) == 2 and server.process.pid not in seen
        for _ in range(4):
            with httpx.Client(timeout=30) as fresh:
                answer = fresh.get(f"{server.url}/api/queries/status-summary")
            assert answer.status_code == 200 and answer.json()["row_count"] > 0
    finally:
        stop_server(server)
