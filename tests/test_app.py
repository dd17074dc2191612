"""The app factory, readiness and the warm-up done before the server accepts connections."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from mkbgraph.api.app import WARM_UP_PATHS, create_app
from mkbgraph.config import Settings


def test_health_reports_the_loaded_graph(mini_settings: Settings) -> None:
    with TestClient(create_app(mini_settings.model_copy(update={"warm_up": False}))) as client:
        body = client.get("/health").json()
    assert body["status"] == "ok"
    assert body["backend"] == "oxigraph"
    assert body["triples"] > 100
    assert len(body["version"]) == 16


def test_ready_only_once_every_worker_is_up(mini_settings: Settings) -> None:
    app = create_app(mini_settings.model_copy(update={"warm_up": False, "query_workers": 2}))
    client = TestClient(app)
    assert client.get("/ready").status_code == 503  # no lifespan yet: workers not started
    app.state.query_engine.wait_ready(60)
    answer = client.get("/ready")
    assert answer.status_code == 200
    assert answer.json()["query_engine"]["workers"] == 2
    app.state.query_engine.close()


def test_warm_up_fills_the_page_caches_and_starts_workers_in_the_lifespan(mini_settings: Settings) -> None:
    app = create_app(mini_settings.model_copy(update={"warm_up": True}))
    with TestClient(app) as client:
        # the lifespan has run: workers are up before the first request arrives
        assert app.state.query_engine.ready
        assert client.get("/health").json()["ready"] is True
    assert "/network" in WARM_UP_PATHS
    assert app.state.query_engine.worker_pids() == []  # closed with the app


def test_unexpected_errors_answer_the_json_shape_on_api_paths(mini_settings: Settings) -> None:
    app = create_app(mini_settings.model_copy(update={"warm_up": False}))

    @app.get("/api/boom")
    def boom() -> None:
        raise RuntimeError("kaboom")

    client = TestClient(app, raise_server_exceptions=False)
    answer = client.get("/api/boom")
    assert answer.status_code == 500
    assert answer.headers["content-type"].startswith("application/json")
    error = answer.json()["error"]
    assert error["code"] == "internal_error"
    assert "kaboom" not in error["detail"]


@pytest.fixture(scope="module")
def real_client() -> Iterator[TestClient]:
    with TestClient(create_app(Settings(warm_up=False)), raise_server_exceptions=False) as client:
        yield client


@pytest.mark.parametrize("path", ["/id/%00", "/id/%zz", "/id/%ff%fe", "/id/action/a%0Db"])
def test_paths_that_are_no_iri_answer_404_pages(real_client: TestClient, path: str) -> None:
    answer = real_client.get(path)
    assert answer.status_code == 404
    assert answer.headers["content-type"].startswith("text/html")
    assert "Niet gevonden" in answer.text


@pytest.mark.parametrize("path", ["/dataset?format=bogus", "/.well-known/void?format=x"])
def test_unknown_description_formats_answer_400_in_the_error_shape(
    real_client: TestClient, path: str
) -> None:
    answer = real_client.get(path)
    assert answer.status_code == 400
    error = answer.json()["error"]
    assert error["status"] == 400 and "format" in error["detail"] and error["code"]


@pytest.mark.parametrize(
    ("method", "path", "status"), [("GET", "/api/nope", 404), ("DELETE", "/sparql", 405)]
)
def test_framework_errors_on_api_paths_use_the_one_shape(
    real_client: TestClient, method: str, path: str, status: int
) -> None:
    answer = real_client.request(method, path)
    assert answer.status_code == status
    assert set(answer.json()["error"]) >= {"status", "title", "detail", "code"}


@pytest.mark.parametrize(
    ("method", "path", "status", "title"),
    [("GET", "/bestaat-niet", 404, "Niet gevonden"), ("DELETE", "/motions", 405, "Niet toegestaan")],
)
def test_framework_errors_on_page_paths_are_dutch_pages(
    real_client: TestClient, method: str, path: str, status: int, title: str
) -> None:
    answer = real_client.request(method, path)
    assert answer.status_code == status
    assert answer.headers["content-type"].startswith("text/html")
    assert f"<h1>{title}</h1>" in answer.text


def test_unexpected_errors_on_page_paths_show_the_incident_number(mini_settings: Settings) -> None:
    app = create_app(mini_settings.model_copy(update={"warm_up": False}))

    @app.get("/kapot")
    def broken() -> None:
        raise RuntimeError("kaboom")

    answer = TestClient(app, raise_server_exceptions=False).get("/kapot")
    assert answer.status_code == 500 and answer.headers["content-type"].startswith("text/html")
    assert "Er ging iets mis" in answer.text and "vastgelegd onder nummer" in answer.text
    assert "kaboom" not in answer.text
