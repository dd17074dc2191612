"""The app factory, readiness and the warm-up done before the server accepts connections."""

from __future__ import annotations

from fastapi.testclient import TestClient

from mkbgraph.app import WARM_UP_PATHS, create_app
from mkbgraph.settings import Settings


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
