"""A real Oxigraph server for the remote-backend tests (PyPI package `oxigraph`, a dev dependency).

The server runs as production should run it (docs/deploy.md): ``oxigraph serve-read-only`` (it
accepts no update) with its own time limit, and with no egress: `oxigraph_jail` puts it in a
network namespace of its own, reachable only through the one port the tests talk to. Its store is built by the same parser calls as the
embedded store (`build_disk_store`), so both backends hold exactly the same terms and every
answer can be compared. A missing binary fails the test with a message: never a silent skip.
"""

from __future__ import annotations

import contextlib
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from mkbgraph.config import Settings
from mkbgraph.graph.load import rdf_files
from mkbgraph.graph.store import build_disk_store

from .conftest_sparql import free_port

#: Runs the server in a network namespace of its own (no egress), reachable through one port.
JAIL = Path(__file__).with_name("oxigraph_jail.py")

#: The backends a parametrised fixture runs on: the embedded store and a real Oxigraph server.
BACKENDS = ("embedded", "oxigraph-server")


def oxigraph_binary() -> Path:
    """The `oxigraph` command installed beside this Python (the `oxigraph` PyPI package)."""
    binary = Path(sys.executable).parent / "oxigraph"
    if not binary.is_file():
        pytest.fail(
            f"the Oxigraph server is missing ({binary}): install the dev dependencies "
            "(`make install`, or `pip install -e '.[dev]'`, which includes the `oxigraph` package)"
        )
    return binary


@dataclass
class OxigraphServer:
    """An `oxigraph serve` / `serve-read-only` process and its endpoints."""

    process: subprocess.Popen[bytes]
    base: str
    location: Path
    log: Path

    @property
    def query_url(self) -> str:
        return f"{self.base}/query"

    @property
    def update_url(self) -> str:
        return f"{self.base}/update"

    @property
    def store_url(self) -> str:
        return f"{self.base}/store"


def start_oxigraph(
    location: Path, *, files: list[Path] | None = None, read_only: bool = True, timeout_s: int = 30
) -> OxigraphServer:
    """Start the server on a free loopback port over ``location`` (built from ``files`` first)."""
    binary = oxigraph_binary()
    if files:
        build_disk_store(files, location)
    port, inner = free_port(), free_port()
    log = location.parent / f"oxigraph-{port}.log"
    mode = "serve-read-only" if read_only else "serve"
    command = [str(binary), mode, "--location", str(location), "--bind", f"127.0.0.1:{inner}"]
    command += ["--timeout-s", str(timeout_s)]
    # no egress: the server runs in a network namespace of its own, reached through one port
    jail = [sys.executable, str(JAIL), str(port), str(inner), "--"]
    process = subprocess.Popen(jail + command, stdout=log.open("wb"), stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"the Oxigraph server exited: {log.read_text()[-2000:]}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return OxigraphServer(process, f"http://127.0.0.1:{port}", location, log)
        time.sleep(0.05)
    process.kill()
    pytest.fail(f"the Oxigraph server did not start within 30 s: {log.read_text()[-2000:]}")


def stop_oxigraph(server: OxigraphServer) -> None:
    server.process.terminate()
    try:
        server.process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.process.kill()
        server.process.wait()


@contextlib.contextmanager
def backend_settings(backend: str, settings: Settings, tmp: Path) -> Iterator[Settings]:
    """``settings`` as they are (embedded), or pointed at a read-only Oxigraph server that holds
    the same files (``MKBGRAPH_BACKEND=sparql``)."""
    if backend == "embedded":
        yield settings
        return
    files = rdf_files(settings.ontology_dir, settings.data_dir)
    server = start_oxigraph(tmp / "oxigraph-store", files=files)
    try:
        yield settings.model_copy(update={"backend": "sparql", "sparql_url": server.query_url})
    finally:
        stop_oxigraph(server)
