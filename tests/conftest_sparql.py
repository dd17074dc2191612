"""Shared helpers of the SPARQL tests: a real `mkbgraph serve` on a free loopback port, a
listener that records every inbound request (to prove no outbound request was made), and
process-tree accounting from /proc (to prove killed workers are replaced, not leaked)."""

from __future__ import annotations

import http.server
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Server:
    """A `mkbgraph serve` subprocess and its base URL."""

    process: subprocess.Popen[bytes]
    url: str
    log: Path

    @property
    def pid(self) -> int:
        return self.process.pid


def start_server(
    tmp: Path,
    *,
    cwd: Path | None = None,
    environ: dict[str, str] | None = None,
    args: tuple[str, ...] = (),
    **settings: object,
) -> Server:
    """Run the real CLI (`python -m mkbgraph serve`) with MKBGRAPH_* settings; wait for /health.

    ``cwd`` and ``environ`` (extra variables, e.g. PYTHONPATH of an installed copy) run it as
    a user would outside the checkout."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("MKBGRAPH_")}
    env.update(environ or {})
    env.update({f"MKBGRAPH_{k.upper()}": str(v) for k, v in settings.items()})
    log = tmp / f"server-{port}.log"
    process = subprocess.Popen(
        [sys.executable, "-m", "mkbgraph", "serve", "--host", "127.0.0.1", "--port", str(port), *args],
        cwd=cwd,
        env=env,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited: {log.read_text()[-3000:]}")
        try:
            if httpx.get(f"{url}/health", timeout=1).status_code == 200:
                return Server(process, url, log)
        except httpx.TransportError:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError(f"server did not start: {log.read_text()[-3000:]}")


def stop_server(server: Server) -> None:
    server.process.terminate()
    try:
        server.process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        server.process.kill()
        server.process.wait()


@dataclass
class Listener:
    """A tiny HTTP server on 127.0.0.1 that records every request it receives."""

    port: int
    hits: list[str] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


def start_listener() -> Iterator[Listener]:
    listener = Listener(free_port())

    class Recorder(http.server.BaseHTTPRequestHandler):
        def _record(self) -> None:
            listener.hits.append(f"{self.command} {self.path}")
            self.send_response(200)
            self.send_header("Content-Type", "application/sparql-results+json")
            self.end_headers()
            self.wfile.write(b'{"head":{"vars":[]},"results":{"bindings":[]}}')

        do_GET = do_POST = _record

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", listener.port), Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield listener
    finally:
        server.shutdown()
        server.server_close()


def descendants(pid: int) -> list[int]:
    """Every process below ``pid`` (children, grandchildren...), read from /proc."""
    parents: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        if fields[0] == "Z":  # zombies hold no memory and are about to go
            continue
        parents[int(entry)] = int(fields[1])
    found: list[int] = []
    frontier = [pid]
    while frontier:
        current = frontier.pop()
        children = [child for child, parent in parents.items() if parent == current]
        found.extend(children)
        frontier.extend(children)
    return found


def rss_kib(pids: list[int]) -> int:
    """Resident memory of the given processes together, in KiB."""
    total = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return total


SMALL_TURTLE = """\
@prefix mkb: <https://w3id.org/mkbgraph/def/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix ex: <https://w3id.org/mkbgraph/id/action/> .
ex:one rdfs:label "één"@nl ; mkb:order 1 .
ex:two rdfs:label "twee"@nl ; mkb:order 2 .
ex:three rdfs:label "drie \\"quoted\\""@nl ; mkb:order 3 .
"""
