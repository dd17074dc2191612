"""Benchmark of the web app: page render times and sizes, network model build, and the network
view's first frame in headless Chromium (target: the whole real graph interactive in under 1 s).

The /network page embeds its data as JSON; its size (page and embedded JSON, in bytes) is
reported on its own because it is what the browser parses before the first frame.

Run: .venv/bin/python bench/bench_web.py [--no-browser]
Prints a table; writes bench/results/bench_web.json.
"""

from __future__ import annotations

import json
import statistics
import sys
import threading
import time
from pathlib import Path

from fastapi.testclient import TestClient

from mkbgraph.api.app import create_app
from mkbgraph.config import Settings
from mkbgraph.graph.store import build_snapshot
from mkbgraph.web.network_view import build_model

PAGES = [
    "/",
    "/motions",
    "/motions.csv",
    "/organisations",
    "/themes",
    "/query",
    "/network",
    "/network?focus=https://w3id.org/mkbgraph/id/organisation/ezk&depth=2",
    "/network/key-players",
    "/network/key-players?theme=financiering",
    "/id/organisation/ezk",
    "/id/theme/financiering",
    "/id/organisation/ezk.ttl",
    "/api/search?q=kvk",
]


def timed(call, repeat: int = 5) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    """(first call, median of the next `repeat`) in milliseconds."""
    start = time.perf_counter()
    call()
    first = (time.perf_counter() - start) * 1000
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        call()
        runs.append((time.perf_counter() - start) * 1000)
    return first, statistics.median(runs)


NETWORK_DATA = '<script type="application/json" id="network-data">'


def bench_pages(settings: Settings) -> dict[str, dict[str, float]]:
    client = TestClient(create_app(settings))
    results = {}
    for path in PAGES:
        sizes: list[int] = []

        def get(path: str = path, sizes: list[int] = sizes) -> None:
            response = client.get(path)
            assert response.status_code == 200, path
            sizes.append(len(response.content))

        first, warm = timed(get)
        results[path] = {"first_ms": round(first, 1), "warm_ms": round(warm, 1), "bytes": sizes[-1]}
    return results


def network_page_size(settings: Settings) -> dict[str, int]:
    """Bytes of the whole /network page and of the JSON embedded in it."""
    html = TestClient(create_app(settings)).get("/network").text
    embedded = html.split(NETWORK_DATA, 1)[1].split("</script>", 1)[0]
    return {"page_bytes": len(html.encode()), "json_bytes": len(embedded.encode())}


def bench_model(settings: Settings) -> dict[str, float]:
    snapshot = build_snapshot(settings)
    start = time.perf_counter()
    model = build_model(snapshot)
    return {
        "build_ms": round((time.perf_counter() - start) * 1000, 1),
        "nodes": len(model.nodes),
        "edges": len(model.edges),
    }


def bench_first_frame(settings: Settings) -> dict[str, float]:
    """Time from navigation to vis-network's first drawing, page already cached on the server."""
    import socket

    import uvicorn
    from playwright.sync_api import sync_playwright

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_level="warning")
    )
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:
        time.sleep(0.05)
    url = f"http://127.0.0.1:{port}/network"
    results: dict[str, float] = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path="/usr/bin/chromium",
            args=[
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        page.goto(url)  # warm the server cache
        page.wait_for_selector("body[data-network-ready=true]", timeout=60_000)
        times, in_page = [], []
        for _ in range(9):
            start = time.perf_counter()
            page.goto(url)
            page.wait_for_selector("body[data-network-ready=true]", timeout=60_000)
            times.append((time.perf_counter() - start) * 1000)
            in_page.append(page.evaluate("performance.now()"))  # ms since this navigation started
        results["first_frame_ms_median"] = round(statistics.median(times), 1)
        results["first_frame_in_page_ms_median"] = round(statistics.median(in_page), 1)
        results["nodes"] = page.evaluate("window.mkbNetwork.nodes.length")
        browser.close()
    server.should_exit = True
    return results


def main() -> None:
    settings = Settings(validate_on_load=False)
    report = {
        "model": bench_model(settings),
        "network_page": network_page_size(settings),
        "pages": bench_pages(settings),
    }
    if "--no-browser" not in sys.argv:
        report["browser"] = bench_first_frame(settings)
    print(f"network model: {report['model']}")
    print(f"network page: {report['network_page']}")
    print(f"{'page':70} {'first ms':>9} {'warm ms':>9} {'bytes':>9}")
    for path, figures in report["pages"].items():
        print(f"{path:70} {figures['first_ms']:9.1f} {figures['warm_ms']:9.1f} {figures['bytes']:9d}")
    if "browser" in report:
        print(f"browser first frame of /network: {report['browser']}")
    out = Path(__file__).parent / "results"
    out.mkdir(exist_ok=True)
    (out / "bench_web.json").write_text(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
