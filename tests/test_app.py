"""The app factory and the serve warm-up."""

from __future__ import annotations

import http.server
import threading

from fastapi.testclient import TestClient

from mkbgraph.app import create_app, warm_up_in_background
from mkbgraph.settings import Settings


def test_health_reports_the_loaded_graph(mini_settings: Settings) -> None:
    client = TestClient(create_app(mini_settings))
    body = client.get("/health").json()
    assert body["status"] == "ok"
    assert body["backend"] == "oxigraph"
    assert body["triples"] > 100
    assert len(body["version"]) == 16


def test_warm_up_requests_each_heavy_page_once_the_server_answers() -> None:
    seen: list[str] = []

    class Recorder(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            seen.append(self.path)
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, *args: object) -> None:
            return

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        port = server.server_address[1]
        warm_up_in_background(f"http://127.0.0.1:{port}", ("/network", "/themes"), wait=5).join(timeout=10)
    finally:
        server.shutdown()
    assert seen == ["/health", "/network", "/themes"]
