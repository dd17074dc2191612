"""Latency and throughput of the canned queries: in process and over HTTP with 16 concurrent
clients, beside Oxigraph's own server (`oxigraph serve-read-only`), in the same run, on the real
data and on a synthetic graph N times larger (default 100x) of the same shape.

    .venv/bin/python bench/bench_sparql.py [--scale 100] [--seconds 3] [--clients 16]

Loopback only; every loop is bounded (requests per client and seconds per measurement).
Results go to standard output and to bench/results/sparql-<timestamp>.json.
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing as mp
import os
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

import pyoxigraph as ox

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
OXIGRAPH = Path(sys.executable).with_name("oxigraph")
#: data namespaces shared by every synthetic copy (the report's structure, not its content).
SHARED = ("theme/", "action-line/", "section/", "scheme/", "report/", "source/")
#: canned queries measured over HTTP (the rest are measured in process).
HTTP_QUERIES = (
    "motion-follow-up",
    "actions-by-organisation",
    "action-lead-and-partners",
    "budget-per-theme",
    "search",
    "class-counts",
)
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
    from mkbgraph.load import load_graph
    from mkbgraph.settings import Settings

    settings = Settings()
    graph = load_graph(settings.ontology_dir, settings.data_dir, None, check=False).graph
    graph.serialize(destination=str(target), format="nt", encoding="utf-8")
    return len(graph)


def synthetic_ntriples(source: Path, target: Path, scale: int) -> int:
    """Copy every data resource ``scale`` times (IRIs suffixed ``-sK``), keeping the ontology
    and the report's structure (themes, action lines, sections) shared: same shape, N x size."""
    from mkbgraph.settings import get_settings

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
            out.write(ox.serialize(copy, format=ox.RdfFormat.N_TRIPLES))
            count += len(copy)
    return count


# --- in process ------------------------------------------------------------------------------------


def canned_texts() -> dict[str, str]:
    from mkbgraph.queries import Catalogue
    from mkbgraph.settings import get_settings

    texts = {}
    for canned in Catalogue.load(get_settings().queries_dir):
        if canned.form == "SELECT":
            texts[canned.name] = canned.bind({p.name: p.example for p in canned.parameters if p.required})
    texts["point-lookup"] = POINT_LOOKUP
    return texts


def bench_in_process(data: Path, texts: dict[str, str], repeats: int, budget: float) -> dict[str, object]:
    """Raw pyoxigraph (no cache) and the engine (worker round trip, then cache hits)."""
    from mkbgraph.engine import QueryEngine
    from mkbgraph.settings import Settings
    from mkbgraph.store import LiveGraph

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
                rows = list(store.query(text))
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


def _client(args: tuple[int, str, int, float, int]) -> tuple[list[float], float]:
    """One client process running ``threads`` keep-alive clients; returns latencies and wall time."""
    import threading

    port, path, threads, seconds, max_requests = args
    latencies: list[float] = []
    lock = threading.Lock()

    def loop() -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        mine: list[float] = []
        deadline = time.monotonic() + seconds
        for _ in range(max_requests):
            started = time.perf_counter()
            try:
                connection.request("GET", path, headers={"Accept": "application/sparql-results+json"})
                response = connection.getresponse()
                body = response.read()
            except OSError:  # a timed-out request counts as no answer; the loop stays bounded
                break
            if response.status != 200:
                raise RuntimeError(f"HTTP {response.status}: {body[:300]!r}")
            mine.append(time.perf_counter() - started)
            if time.monotonic() > deadline:
                break
        connection.close()
        with lock:
            latencies.extend(mine)

    started = time.perf_counter()
    workers = [threading.Thread(target=loop) for _ in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    return latencies, time.perf_counter() - started


def load_http(port: int, query: str, clients: int, seconds: float, max_requests: int) -> dict[str, float]:
    path = "/sparql?" + urllib.parse.urlencode({"query": query})
    processes = 4 if clients % 4 == 0 else 1
    with mp.get_context("spawn").Pool(processes) as pool:
        results = pool.map(_client, [(port, path, clients // processes, seconds, max_requests)] * processes)
    latencies = [x for lat, _ in results for x in lat]
    wall = max(w for _, w in results)
    return summary(latencies, wall)


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


def start_mkbgraph(data_dir: Path, port: int, log: Path) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MKBGRAPH_")}
    env.update(
        {
            "MKBGRAPH_DATA_DIR": str(data_dir),
            "MKBGRAPH_VALIDATE_ON_LOAD": "false",
            "MKBGRAPH_QUERY_TIMEOUT": "60",
        }
    )
    command = [sys.executable, "-m", "mkbgraph", "serve", "--host", "127.0.0.1", "--port", str(port)]
    return subprocess.Popen(command, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT)


def start_oxigraph(data: Path, location: Path, port: int, log: Path) -> subprocess.Popen[bytes]:
    subprocess.run(
        [str(OXIGRAPH), "load", "--location", str(location), "--file", str(data)],
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    command = [str(OXIGRAPH), "serve-read-only", "--location", str(location), "--bind", f"127.0.0.1:{port}"]
    return subprocess.Popen(command, stdout=log.open("wb"), stderr=subprocess.STDOUT)


def bench_http(
    data: Path, texts: dict[str, str], work: Path, clients: int, seconds: float, max_requests: int
) -> dict[str, object]:
    ours_port, oxi_port = free_port(), free_port()
    folder = work / "serve"
    folder.mkdir(exist_ok=True)
    shutil.copy(data, folder / "data.nt")
    ours = start_mkbgraph(folder, ours_port, work / "mkbgraph.log")
    oxi = start_oxigraph(data, work / "oxigraph-db", oxi_port, work / "oxigraph.log")
    out: dict[str, object] = {}
    try:
        wait_http(ours_port, "/health")
        wait_http(oxi_port, "/query")
        for name in (*HTTP_QUERIES, "point-lookup"):
            text = texts[name]
            for server, port in (("mkbgraph", ours_port), ("oxigraph", oxi_port)):
                load_http(port, text, 1, 1, 1)  # warm up (and fill our cache)
                figures = load_http(port, text, clients, seconds, max_requests)
                out[f"{name}/{server}"] = figures
                print(
                    f"  http {name:26} {server:9} {figures['req_per_s']:8.0f} req/s  median"
                    f" {figures['median_ms']:7.2f} ms  p99 {figures['p99_ms']:7.2f} ms  (n={figures['n']})",
                    flush=True,
                )
    finally:
        for process in (ours, oxi):
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--scale", type=int, default=100, help="Synthetic graph size, as a multiple of the real one."
    )
    parser.add_argument("--seconds", type=float, default=3.0, help="Seconds per HTTP measurement (bounded).")
    parser.add_argument("--clients", type=int, default=16, help="Concurrent HTTP clients.")
    parser.add_argument(
        "--requests", type=int, default=2000, help="Most requests per client per measurement."
    )
    parser.add_argument("--repeats", type=int, default=30, help="In-process repetitions per query.")
    parser.add_argument("--budget", type=float, default=5.0, help="Most seconds per query in process.")
    args = parser.parse_args()

    RESULTS.mkdir(parents=True, exist_ok=True)
    report: dict[str, object] = {
        "started": datetime.now(UTC).isoformat(),
        "args": vars(args),
        "cpus": os.cpu_count(),
    }
    texts = canned_texts()
    with tempfile.TemporaryDirectory(prefix="bench-sparql-") as tmp:
        work = Path(tmp)
        real = work / "real.nt"
        sizes = {"real": real_ntriples(real)}
        synthetic = work / "synthetic.nt"
        sizes[f"synthetic-x{args.scale}"] = synthetic_ntriples(real, synthetic, args.scale)
        report["triples"] = sizes
        for label, data in (("real", real), (f"synthetic-x{args.scale}", synthetic)):
            print(f"== {label}: {sizes[label]} triples", flush=True)
            folder = work / label
            folder.mkdir()
            report[f"{label}/in-process"] = bench_in_process(data, texts, args.repeats, budget=args.budget)
            report[f"{label}/http"] = bench_http(
                data, texts, folder, args.clients, args.seconds, args.requests
            )
    target = RESULTS / f"sparql-{datetime.now(UTC):%Y%m%dT%H%M%S}.json"
    target.write_text(json.dumps(report, indent=2))
    print(f"wrote {target}")


if __name__ == "__main__":
    main()
