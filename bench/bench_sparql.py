"""Latency and throughput of the canned queries: in process and over HTTP with 16 concurrent
clients, beside Oxigraph's own server (`oxigraph serve-read-only`), in the same run, on the real
data and on a synthetic graph N times larger (default 100x) of the same shape.

    .venv/bin/python bench/bench_sparql.py [--scale 100] [--seconds 1.5] [--clients 16]
        [--budget 5] [--datasets real,synthetic] [--http-queries name,...]

Loopback only; every loop is bounded (seconds per measurement, a per-query time budget).
Our server runs as `mkbgraph serve` does (uvicorn, httptools, uvloop) without the access log;
the load generator is a raw-socket selector loop in two processes, on the same cores as the
servers. Results go to standard output and to bench/results/sparql-<timestamp>.json.
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing as mp
import os
import selectors
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, cast

import pyoxigraph as ox

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
OXIGRAPH = Path(sys.executable).with_name("oxigraph")
#: data namespaces shared by every synthetic copy (the report's structure, not its content).
SHARED = ("theme/", "action-line/", "section/", "scheme/", "report/", "source/")
POINT_LOOKUP = "SELECT ?p ?o WHERE { <https://w3id.org/mkbgraph/id/organisation/ezk> ?p ?o }"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def summary(latencies: list[float], seconds: float | None = None) -> dict[str, float]:
    if not latencies:
        return {"n": 0, "median_ms": float("nan"), "p99_ms": float("nan"), "req_per_s": 0.0}
    out = {
        "n": len(latencies),
        "median_ms": 1000 * statistics.median(latencies),
        "p99_ms": 1000 * percentile(latencies, 0.99),
    }
    if seconds:
        out["req_per_s"] = len(latencies) / seconds
    return out


# --- data ----------------------------------------------------------------------------------------


def real_ntriples(target: Path) -> int:
    from mkbgraph.config import Settings
    from mkbgraph.graph.load import load_graph

    settings = Settings()
    graph = load_graph(settings.ontology_dir, settings.data_dir, None, check=False).graph
    graph.serialize(destination=str(target), format="nt", encoding="utf-8")
    return len(graph)


def synthetic_ntriples(source: Path, target: Path, scale: int) -> int:
    """Copy every data resource ``scale`` times (IRIs suffixed ``-sK``), keeping the ontology
    and the report's structure (themes, action lines, sections) shared: same shape, N x size."""
    from mkbgraph.config import get_settings

    base = get_settings().data_base
    triples = list(ox.parse(path=str(source), format=ox.RdfFormat.N_TRIPLES))

    def rename(term: object, k: int) -> object:
        if isinstance(term, ox.NamedNode) and term.value.startswith(base):
            rest = term.value[len(base) :]
            if k == 0 or rest.startswith(SHARED):
                return term
            return ox.NamedNode(f"{term.value}-s{k}")
        if isinstance(term, ox.BlankNode):
            return ox.BlankNode(f"{term.value}s{k}")
        return term

    count = 0
    with target.open("wb") as out:
        for k in range(scale):
            copy = []
            for t in triples:
                s, o = rename(t.subject, k), rename(t.object, k)
                if k and s == t.subject and o == t.object and not isinstance(s, ox.BlankNode):
                    continue  # ontology and shared structure: once
                copy.append(ox.Triple(s, t.predicate, o))  # type: ignore[arg-type]
            ox.serialize(copy, output=out, format=ox.RdfFormat.N_TRIPLES)
            count += len(copy)
    return count


# --- in process ------------------------------------------------------------------------------------


def canned_texts() -> dict[str, str]:
    from mkbgraph.config import get_settings
    from mkbgraph.sparql.catalogue import Catalogue

    texts = {}
    for canned in Catalogue.load(get_settings().queries_dir):
        if canned.form == "SELECT":
            texts[canned.name] = canned.bind({p.name: p.example for p in canned.parameters if p.required})
    texts["point-lookup"] = POINT_LOOKUP
    return texts


def bench_in_process(data: Path, texts: dict[str, str], repeats: int, budget: float) -> dict[str, object]:
    """Raw pyoxigraph (no cache) and the engine (worker round trip, then cache hits)."""
    from mkbgraph.config import Settings
    from mkbgraph.graph.store import LiveGraph
    from mkbgraph.sparql.engine import QueryEngine

    store = ox.Store()
    store.bulk_load(path=str(data), format=ox.RdfFormat.N_TRIPLES)
    folder = data.parent / "live"
    folder.mkdir(exist_ok=True)
    shutil.copy(data, folder / "data.nt")
    settings = Settings(data_dir=folder, validate_on_load=False, query_timeout=60, max_rows=10_000)
    live = LiveGraph(settings)
    engine = QueryEngine(live, settings)
    engine.wait_ready(600)
    out: dict[str, object] = {}
    try:
        for name, text in texts.items():
            raw, cold, warm = [], [], []
            deadline = time.monotonic() + budget
            for _ in range(repeats):
                started = time.perf_counter()
                rows = list(cast(ox.QuerySolutions, store.query(text)))
                raw.append(time.perf_counter() - started)
                engine.cache.clear()
                started = time.perf_counter()
                engine.serialize(text, "json")
                cold.append(time.perf_counter() - started)
                started = time.perf_counter()
                engine.serialize(text, "json")
                warm.append(time.perf_counter() - started)
                if time.monotonic() > deadline:
                    break
            out[name] = {
                "rows": len(rows),
                "pyoxigraph": summary(raw),
                "engine_uncached": summary(cold),
                "engine_cached": summary(warm),
            }
            print(
                f"  in-process {name:28} rows {len(rows):6}  pyoxigraph {out[name]['pyoxigraph']['median_ms']:8.2f} ms"  # type: ignore[index]
                f"  engine {out[name]['engine_uncached']['median_ms']:8.2f} ms"  # type: ignore[index]
                f"  cached {out[name]['engine_cached']['median_ms']:6.3f} ms",  # type: ignore[index]
                flush=True,
            )
    finally:
        engine.close()
    return out


# --- over HTTP ---------------------------------------------------------------------------------------


class _Answer:
    """Progress of one HTTP/1.1 response on a keep-alive connection (Content-Length or chunked)."""

    __slots__ = ("chunked", "head", "pending", "remaining", "sent", "status")

    def __init__(self) -> None:
        self.sent = time.perf_counter()
        self.head = bytearray()
        self.status = b""
        self.remaining = -1  # body bytes still expected; -1 while reading the head
        self.chunked = False
        self.pending = bytearray()  # chunked: unparsed bytes (size lines, CRLFs)

    def feed(self, data: memoryview) -> bool:
        """Take bytes off the socket; True once the whole response has arrived."""
        if self.remaining < 0:
            self.head += data
            end = self.head.find(b"\r\n\r\n")
            if end < 0:
                return False
            head = bytes(self.head[:end]).lower()
            self.status = head.split(b"\r\n", 1)[0]
            rest = memoryview(self.head)[end + 4 :]
            self.chunked = b"transfer-encoding: chunked" in head
            if self.chunked:
                self.remaining = 0
                return self._chunks(rest)
            self.remaining = int(head.split(b"content-length:")[1].split(b"\r\n")[0]) - len(rest)
            return self.remaining <= 0
        if self.chunked:
            return self._chunks(data)
        self.remaining -= len(data)
        return self.remaining <= 0

    def _chunks(self, data: memoryview) -> bool:
        position = 0
        while position < len(data):
            if self.remaining > 0:  # inside a chunk's data: count it, never copy it
                step = min(self.remaining, len(data) - position)
                self.remaining -= step
                position += step
                continue
            self.pending += data[position:]
            position = len(data)
            while True:
                line_end = self.pending.find(b"\r\n")
                if line_end < 0:
                    break
                line = bytes(self.pending[:line_end])
                if line == b"":  # the CRLF closing a chunk's data
                    del self.pending[:2]
                    continue
                size = int(line.split(b";")[0], 16)
                if size == 0:
                    return self.pending.endswith(b"\r\n\r\n")  # no trailers from these servers
                del self.pending[: line_end + 2]
                # the chunk's data may already be in ``pending``
                taken = min(size, len(self.pending))
                del self.pending[:taken]
                self.remaining = size - taken
                if self.remaining > 0:
                    break
        return False


def _client(args: tuple[int, str, int, float, float]) -> dict[str, Any]:
    """One load process: ``connections`` keep-alive HTTP/1.1 clients driven by one selector loop.

    Raw sockets and a pre-built request keep the load generator cheap (it shares the machine's
    cores with the server under test; http.client costs several times more CPU per request).
    Each connection sends its next request as soon as the previous answer is complete, until
    ``seconds`` have passed; an answer still missing ``grace`` seconds after that is abandoned
    (counted in ``abandoned``), so a measurement never runs past ``seconds + grace``."""
    port, path, connections, seconds, grace = args
    request = (
        f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nAccept: application/sparql-results+json\r\n\r\n"
    ).encode()
    selector = selectors.DefaultSelector()
    latencies: list[float] = []
    errors: list[str] = []
    buffer = bytearray(1 << 20)
    view = memoryview(buffer)
    started = time.perf_counter()
    deadline, hard_stop = started + seconds, started + seconds + grace
    for _ in range(connections):
        sock = socket.create_connection(("127.0.0.1", port))
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock.setblocking(False)
        selector.register(sock, selectors.EVENT_READ, _Answer())
        sock.send(request)
    while selector.get_map() and time.perf_counter() < hard_stop:
        for key, _ in selector.select(timeout=max(0.0, hard_stop - time.perf_counter())):
            sock, answer = cast(socket.socket, key.fileobj), key.data
            size = sock.recv_into(buffer)
            if size == 0:
                errors.append("connection closed by the server")
            elif not answer.feed(view[:size]):
                continue
            else:
                now = time.perf_counter()
                latencies.append(now - answer.sent)
                if not answer.status.startswith(b"http/1.1 200"):
                    errors.append(answer.status.decode())
                if now < deadline and not errors:
                    selector.modify(sock, selectors.EVENT_READ, _Answer())
                    sock.send(request)
                    continue
            selector.unregister(sock)
            sock.close()
    abandoned = len(selector.get_map())
    for key in list(selector.get_map().values()):
        key.fileobj.close()  # type: ignore[union-attr]
    return {
        "latencies": latencies,
        "wall": time.perf_counter() - started,
        "abandoned": abandoned,
        "errors": errors[:3],
    }


def load_http(port: int, query: str, clients: int, seconds: float, grace: float) -> dict[str, Any]:
    """``clients`` concurrent keep-alive clients over two load processes (one per core)."""
    path = "/sparql?" + urllib.parse.urlencode({"query": query})
    processes = 2 if clients % 2 == 0 else 1
    with mp.get_context("spawn").Pool(processes) as pool:
        results = pool.map(_client, [(port, path, clients // processes, seconds, grace)] * processes)
    latencies = [x for r in results for x in r["latencies"]]
    out: dict[str, Any] = summary(latencies, max(r["wall"] for r in results))
    out["abandoned"] = sum(r["abandoned"] for r in results)
    errors = [e for r in results for e in r["errors"]]
    if errors:
        out["errors"] = errors[:3]
    return out


def wait_http(port: int, path: str, limit: float = 900) -> None:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", path)
            if connection.getresponse().status < 500:
                return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"server on {port} did not come up")


def start_mkbgraph(data_dir: Path, port: int, log: Path, timeout: float) -> subprocess.Popen[bytes]:
    """Our app as `mkbgraph serve` runs it (same factory, uvicorn with httptools and uvloop),
    minus the per-request access log line (uvicorn's ``--no-access-log``): logging each request
    costs about as much as answering it from the cache, and Oxigraph's server logs none."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("MKBGRAPH_")}
    env.update(
        {
            "MKBGRAPH_DATA_DIR": str(data_dir),
            "MKBGRAPH_VALIDATE_ON_LOAD": "false",
            "MKBGRAPH_QUERY_TIMEOUT": str(timeout),
            # the network view's figures are warmed in a thread of the server process at start;
            # at 100x the default sampling holds the GIL for minutes. Cheaper figures here, and
            # `wait_idle` lets the warm-up finish before measuring (this bench is about SPARQL).
            "MKBGRAPH_NETWORK_BETWEENNESS_K": "16",
            "MKBGRAPH_NETWORK_LAYOUT_ITERATIONS": "5",
        }
    )
    command = [
        sys.executable,
        "-m",
        "uvicorn",
        "mkbgraph.api.app:create_app",
        "--factory",
        "--no-access-log",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
    ]
    return subprocess.Popen(command, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT)


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of one process, from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def wait_idle(pid: int, limit: float, window: float = 2.0, busy: float = 0.1) -> float:
    """Wait (at most ``limit`` s) until the process uses under ``busy`` of a core over ``window``
    seconds: our server warms per-snapshot caches in background threads after start-up."""
    started = time.monotonic()
    while time.monotonic() - started < limit:
        before = cpu_seconds(pid)
        time.sleep(window)
        if cpu_seconds(pid) - before < busy * window:
            break
    return time.monotonic() - started


def start_oxigraph(location: Path, port: int, log: Path) -> subprocess.Popen[bytes]:
    command = [str(OXIGRAPH), "serve-read-only", "--location", str(location), "--bind", f"127.0.0.1:{port}"]
    return subprocess.Popen(command, stdout=log.open("ab"), stderr=subprocess.STDOUT)


def stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def one_request(port: int, query: str, timeout: float) -> float | None:
    """Seconds for one answer (a warm-up, which also fills our cache); None past ``timeout``."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    path = "/sparql?" + urllib.parse.urlencode({"query": query})
    started = time.perf_counter()
    try:
        connection.request("GET", path, headers={"Accept": "application/sparql-results+json"})
        response = connection.getresponse()
        response.read()
    except OSError:
        return None
    finally:
        connection.close()
    if response.status != 200:
        raise RuntimeError(f"HTTP {response.status} on warm-up of {query[:80]!r}")
    return time.perf_counter() - started


def bench_http(
    data: Path, texts: dict[str, str], work: Path, clients: int, seconds: float, budget: float
) -> dict[str, object]:
    """Each query against our server, then Oxigraph's, with ``clients`` concurrent clients.

    Bounded: a query whose single warm-up answer takes longer than ``budget`` is not put under
    load on that server (reported as ``skipped``); an answer still missing ``budget`` seconds
    after the measurement window is abandoned, and Oxigraph's server is then restarted so a
    query it is still evaluating does not eat into the next measurement."""
    ours_port, oxi_port = free_port(), free_port()
    folder = work / "serve"
    folder.mkdir(exist_ok=True)
    shutil.copy(data, folder / "data.nt")
    location = work / "oxigraph-db"
    subprocess.run(
        [str(OXIGRAPH), "load", "--location", str(location), "--file", str(data)],
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    servers = {
        "mkbgraph": start_mkbgraph(folder, ours_port, work / "mkbgraph.log", timeout=budget),
        "oxigraph": start_oxigraph(location, oxi_port, work / "oxigraph.log"),
    }
    ports = {"mkbgraph": ours_port, "oxigraph": oxi_port}
    out: dict[str, object] = {}
    try:
        wait_http(ours_port, "/sparql?query=ASK%7B%7D")  # the query workers are up
        wait_http(oxi_port, "/query")
        out["warm_up_seconds"] = wait_idle(servers["mkbgraph"].pid, limit=120)
        print(f"  our server idle after {out['warm_up_seconds']:.0f} s of background warm-up", flush=True)
        for name, text in texts.items():
            for server, port in ports.items():
                first = one_request(port, text, budget)
                if first is None:
                    figures: dict[str, Any] = {"skipped": f"one answer took over {budget:g} s"}
                else:
                    figures = load_http(port, text, clients, seconds, grace=budget)
                    figures["first_ms"] = 1000 * first
                if server == "oxigraph" and (first is None or figures.get("abandoned")):
                    stop(servers[server])
                    servers[server] = start_oxigraph(location, oxi_port, work / "oxigraph.log")
                    wait_http(oxi_port, "/query")
                out[f"{name}/{server}"] = figures
                print(f"  http {name:28} {server:9} {http_line(figures)}", flush=True)
    finally:
        for process in servers.values():
            stop(process)
    return out


def http_line(figures: dict[str, Any]) -> str:
    if "skipped" in figures:
        return f"skipped: {figures['skipped']}"
    line = (
        f"{figures['req_per_s']:8.0f} req/s  median {figures['median_ms']:8.2f} ms"
        f"  p99 {figures['p99_ms']:8.2f} ms  (n={figures['n']})"
    )
    if figures.get("abandoned"):
        line += f"  {figures['abandoned']} abandoned"
    if figures.get("errors"):
        line += f"  errors: {figures['errors']}"
    return line


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--scale", type=int, default=100, help="Synthetic graph size, as a multiple of the real one."
    )
    parser.add_argument("--seconds", type=float, default=1.5, help="Seconds per HTTP measurement (bounded).")
    parser.add_argument("--clients", type=int, default=16, help="Concurrent HTTP clients.")
    parser.add_argument("--repeats", type=int, default=20, help="In-process repetitions per query.")
    parser.add_argument(
        "--budget",
        type=float,
        default=5.0,
        help="Per-query time budget in seconds: in-process repetitions stop past it; over HTTP a "
        "query slower than this is not put under load and a late answer is abandoned.",
    )
    parser.add_argument(
        "--http-queries",
        default="",
        help="Comma-separated canned query names measured over HTTP (default: all SELECT queries).",
    )
    parser.add_argument(
        "--datasets", default="real,synthetic", help="Comma-separated: real, synthetic (default both)."
    )
    args = parser.parse_args()

    RESULTS.mkdir(parents=True, exist_ok=True)
    report: dict[str, object] = {
        "started": datetime.now(UTC).isoformat(),
        "args": vars(args),
        "cpus": os.cpu_count(),
        "load_average_at_start": os.getloadavg(),
        "note": "the load generator (2 processes) runs on the same cores as the servers under test",
    }
    print(
        f"{os.cpu_count()} cores shared by the servers and the load generator;"
        f" load average at start {os.getloadavg()[0]:.1f}",
        flush=True,
    )
    texts = canned_texts()
    with tempfile.TemporaryDirectory(prefix="bench-sparql-") as tmp:
        work = Path(tmp)
        real = work / "real.nt"
        sizes = {"real": real_ntriples(real)}
        wanted = set(args.datasets.split(","))
        http_names = {n for n in args.http_queries.split(",") if n} | (
            {"point-lookup"} if args.http_queries else set()
        )
        runs = [("real", real)] if "real" in wanted else []
        if "synthetic" in wanted:
            synthetic = work / "synthetic.nt"
            sizes[f"synthetic-x{args.scale}"] = synthetic_ntriples(real, synthetic, args.scale)
            runs.append((f"synthetic-x{args.scale}", synthetic))
        report["triples"] = sizes
        for label, data in runs:
            print(f"== {label}: {sizes[label]} triples", flush=True)
            folder = work / label
            folder.mkdir()
            report[f"{label}/in-process"] = bench_in_process(data, texts, args.repeats, budget=args.budget)
            chosen = {n: t for n, t in texts.items() if not http_names or n in http_names}
            report[f"{label}/http"] = bench_http(
                data, chosen, folder, args.clients, args.seconds, args.budget
            )
            report[f"{label}/load-average"] = os.getloadavg()
    write_report("sparql", report)


def write_report(name: str, report: dict[str, Any]) -> Path:
    """Keep a run's figures as ``bench/results/NAME-<UTC time>.json`` (one file per run)."""
    target = RESULTS / f"{name}-{datetime.now(UTC):%Y%m%dT%H%M%S}.json"
    target.write_text(json.dumps(report, indent=2))
    print(f"wrote {target}")
    return target


if __name__ == "__main__":
    main()
