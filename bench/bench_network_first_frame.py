"""Benchmark: how soon a visitor sees the network's first frame, in Debian's chromium.

Starts the app under uvicorn (warm-up on, as `mkbgraph serve` runs), then opens each view in a
fresh browser context several times and reads, from the page itself, the milliseconds from the
start of navigation to vis-network's first `afterDrawing` (`window.mkbNetworkFirstFrame`, set by
static/network.js) and to the HTML's DOMContentLoaded; also the payload size. Views: the
organisation view (`/network`, the first picture), the full graph (`/network?view=all`) and the
ego network of KVK. Prints one line per view (median of the runs) and writes
bench/results/network_first_frame.json. Run: `.venv/bin/python bench/bench_network_first_frame.py
[--runs 5]`.
"""

from __future__ import annotations

import argparse
import json
import socket
import statistics
import threading
import time
from pathlib import Path

import uvicorn
from playwright.sync_api import sync_playwright

from mkbgraph.api.app import create_app
from mkbgraph.config import Settings

VIEWS = {
    "organisations": "/network",
    "full graph": "/network?view=all",
    "ego KVK (depth 2)": "/network?focus=https://w3id.org/mkbgraph/id/organisation/kvk&depth=2",
}
CHROMIUM = "/usr/bin/chromium"
RESULTS = Path(__file__).parent / "results" / "network_first_frame.json"


def _serve() -> tuple[uvicorn.Server, str]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    server = uvicorn.Server(
        uvicorn.Config(
            create_app(Settings(validate_on_load=False)), host="127.0.0.1", port=port, log_level="warning"
        )
    )
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:
        time.sleep(0.05)
    return server, f"http://127.0.0.1:{port}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    server, base = _serve()
    results: dict[str, dict[str, float]] = {}
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=["--headless", "--no-sandbox"])
            for name, path in VIEWS.items():
                frames, loaded, sizes, counts = [], [], [], []
                for _ in range(args.runs + 1):  # the first run warms the server's per-view cache
                    context = browser.new_context(viewport={"width": 1400, "height": 900}, locale="nl-NL")
                    tab = context.new_page()
                    response = tab.goto(base + path)
                    tab.wait_for_selector("body[data-network-ready=true]", state="attached", timeout=60_000)
                    frames.append(float(tab.evaluate("window.mkbNetworkFirstFrame")))
                    loaded.append(
                        float(
                            tab.evaluate(
                                "performance.getEntriesByType('navigation')[0].domContentLoadedEventEnd"
                            )
                        )
                    )
                    sizes.append(len(response.body()) if response else 0)
                    counts.append(int(tab.evaluate("window.mkbNetwork.data.nodes.length")))
                    context.close()
                results[name] = {
                    "first_frame_ms": round(statistics.median(frames[1:]), 1),
                    "dom_content_loaded_ms": round(statistics.median(loaded[1:]), 1),
                    "html_bytes": sizes[-1],
                    "nodes": counts[-1],
                }
                print(
                    f"{name:20s} first frame {results[name]['first_frame_ms']:7.1f} ms  "
                    f"DOMContentLoaded {results[name]['dom_content_loaded_ms']:7.1f} ms  "
                    f"{results[name]['nodes']:4d} nodes  {results[name]['html_bytes'] / 1024:7.1f} KiB"
                )
            browser.close()
    finally:
        server.should_exit = True
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps({"runs": args.runs, "views": results}, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
