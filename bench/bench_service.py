"""The SPARQL service core under load (issue 11): mkbgraph's server beside Oxigraph's own server
(`oxigraph serve-read-only`), in one run, one server at a time, on the same N-Triples.

    .venv/bin/python bench/bench_service.py [--seconds 10] [--clients 16] [--datasets real,synthetic]
        [--scale 100] [--flood-clients 8] [--flood-shapes flat,balanced]
        [--cases repeated,distinct,lookup,flood] [--mkbgraph-cmd "python -m mkbgraph serve"]

Measure an older checkout with the same script (the data, queries and settings of that checkout
are used, since they are found relative to the imported ``mkbgraph`` package)::

    git -C /work/main worktree add /work/before <old-commit>
    PYTHONPATH=/work/before/src .venv/bin/python bench/bench_service.py --seconds 5

Cases, each with ``--clients`` keep-alive HTTP/1.1 connections sending GET requests with
``Accept: application/sparql-results+json`` for ``--seconds``; only 200 answers count as
successes (other statuses, closed connections and timeouts are counted apart):

- ``repeated``: the canned query ``motion-follow-up`` (bound with no parameters), the identical
  request every time (a server with an answer cache serves it from there);
- ``distinct``: the same query, each text made new by a leading ``# n=<counter>`` comment;
- ``lookup``: ``SELECT ?p ?o WHERE { <IRI> ?p ?o }`` cycling over every subject IRI of the data
  (shuffled, each request the next IRI; the number of full cycles is reported). From the second
  cycle on each text also gets a ``# n=<counter>`` comment, so no text repeats and no answer cache
  helps (``--lookup-repeat-texts``: repeat the plain texts instead);
- after those: the resident memory (VmRSS, and PSS) summed over the server's process tree;
- ``flood``: ``--flood-clients`` connections POST heavy distinct queries back to back, each made
  distinct by a counter comment, while one probe GETs ``/health`` (mkbgraph) or ``/`` (Oxigraph's
  server) one after the other; then whether the server is still alive and how long until its
  probe answers again. Shapes (``--flood-shapes``, default both): ``flat``, one ~47 KB chain of
  2,000 ``UNION`` branches (Oxigraph 0.5's server overflows a thread's stack on it and aborts, so
  it is restarted for the next shape), and ``balanced``, the same 2,000 branches nested pairwise
  (~55 KB, 11 levels).

Loopback only; every loop is bounded in count and time and the script stops by itself. Servers
run one after the other (mkbgraph's then Oxigraph's, never both at once) and are killed with their
whole process tree at the end, also on error. The load generator is a raw-socket selector loop in
two processes (from bench_sparql), on the same cores as the server under test. Results go to
standard output (markdown tables) and to bench/results/service-<timestamp>.json.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import itertools
import multiprocessing as mp
import os
import random
import selectors
import shlex
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from bench_sparql import (
    OXIGRAPH,
    RESULTS,
    _Answer,
    free_port,
    percentile,
    real_ntriples,
    synthetic_ntriples,
    write_report,
)

ACCEPT = "application/sparql-results+json"
CASES = ("repeated", "distinct", "lookup", "flood")
CASE_TITLES = {
    "repeated": "same motion query repeated (cache)",
    "distinct": "motion query, every text distinct",
    "lookup": "point lookup, every IRI distinct",
}
SERVERS = ("mkbgraph", "oxigraph")
MOTION_QUERY = "motion-follow-up"
MAX_RECONNECTS = 2000  # per load process and measurement: a dead server cannot spin the loop


# --- queries -------------------------------------------------------------------------------------


def motion_text() -> str:
    """The canned motion query with no parameter bound, from the imported checkout's catalogue."""
    from mkbgraph.config import get_settings
    from mkbgraph.sparql.catalogue import Catalogue

    canned = Catalogue.load(get_settings().queries_dir).get(MOTION_QUERY)
    if canned is None:
        raise SystemExit(f"no canned query {MOTION_QUERY!r} in {get_settings().queries_dir}")
    return canned.bind({})


def flood_text(shape: str, branches: int = 2000) -> str:
    """A heavy query of ``branches`` UNION branches (about 50 KB), flat or as a balanced tree.

    Flat is one long chain ``{ A } UNION { B } UNION ...`` (cheap to evaluate, dear to parse and
    plan); balanced nests the same branches pairwise, about 11 levels deep."""

    def branch(i: int) -> str:
        return f'{{ ?s ?p "x{i}" }}'

    if shape == "flat":
        return "SELECT * WHERE {\n" + "\nUNION ".join(branch(i) for i in range(branches)) + "\n}\n"

    def tree(lo: int, hi: int) -> str:
        if hi - lo == 1:
            return branch(lo)
        mid = (lo + hi) // 2
        return "{ " + tree(lo, mid) + "\nUNION " + tree(mid, hi) + " }"

    if shape == "balanced":
        return "SELECT * WHERE " + tree(0, branches) + "\n"
    raise SystemExit(f"unknown flood shape {shape!r} (flat, balanced)")


def subject_iris(data: Path) -> list[str]:
    """Every distinct IRI in subject position, in a fixed shuffled order."""
    seen: dict[str, None] = {}
    for triple in ox.parse(path=str(data), format=ox.RdfFormat.N_TRIPLES):
        if isinstance(triple.subject, ox.NamedNode):
            seen[triple.subject.value] = None
    iris = list(seen)
    random.Random(11).shuffle(iris)
    return iris


# --- load generator (runs in spawned processes) ------------------------------------------------------


def _request_maker(spec: dict[str, Any], port: int, tag: str) -> Callable[[], bytes]:
    """A function returning the bytes of the next request of one load process.

    ``spec["kind"]``: ``fixed`` (the same GET path), ``counter`` (a GET whose query text starts
    with ``# n=<tag>-<counter>``), ``iris`` (a point lookup of the next IRI of ``spec["iris"]``),
    ``paths`` (a GET of the next path of ``spec["paths"]``) or ``post-counter`` (a POST
    ``application/sparql-query`` body with the counter comment). ``spec["accept"]`` overrides
    the Accept header."""
    head = f"Host: 127.0.0.1:{port}\r\nAccept: {spec.get('accept', ACCEPT)}\r\n"
    kind = spec["kind"]
    count = 0

    def get(path: str) -> bytes:
        return f"GET {path} HTTP/1.1\r\n{head}\r\n".encode()

    if kind == "fixed":
        request = get(spec["path"])
        return lambda: request
    if kind == "counter":
        prefix, quoted = spec["path"] + "?query=", urllib.parse.quote_plus(spec["text"])

        def counter() -> bytes:
            nonlocal count
            count += 1
            return get(prefix + urllib.parse.quote_plus(f"# n={tag}-{count}\n") + quoted)

        return counter
    if kind == "iris":
        prefix, iris, repeat = spec["path"] + "?query=", spec["iris"], spec.get("repeat_texts", False)

        def lookup() -> bytes:
            nonlocal count
            iri = iris[count % len(iris)]
            count += 1
            text = f"SELECT ?p ?o WHERE {{ <{iri}> ?p ?o }}"
            if count > len(iris) and not repeat:  # second cycle on: a new text all the same
                text = f"# n={tag}-{count}\n{text}"
            return get(prefix + urllib.parse.quote_plus(text))

        return lookup
    if kind == "paths":  # the next path of ``spec["paths"]`` (pages), cycling
        paths = spec["paths"]

        def page() -> bytes:
            nonlocal count
            path = paths[count % len(paths)]
            count += 1
            return get(path)

        return page
    if kind == "post-counter":
        body = spec["text"].encode()

        def post() -> bytes:
            nonlocal count
            count += 1
            payload = f"# n={tag}-{count}\n".encode() + body
            return (
                f"POST {spec['path']} HTTP/1.1\r\n{head}Content-Type: application/sparql-query\r\n"
                f"Content-Length: {len(payload)}\r\n\r\n"
            ).encode() + payload

        return post
    raise ValueError(f"unknown request kind {kind!r}")


class _Connection:
    """One keep-alive client connection: the request being written and the answer being read."""

    __slots__ = ("answer", "out", "sock")

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self.answer = _Answer()
        self.out = memoryview(b"")


def _status_code(status: bytes) -> str:
    parts = status.split()
    return parts[1].decode() if len(parts) > 1 else status.decode() or "?"


def _drive(job: dict[str, Any]) -> dict[str, Any]:
    """One load process: ``connections`` keep-alive HTTP/1.1 clients in one selector loop.

    Each connection sends its next request as soon as the previous answer is complete, until
    ``seconds`` have passed. An answer missing after ``timeout`` seconds counts as a timeout (the
    connection is closed and reopened); a connection the server closes or resets counts as
    ``closed`` and is reopened. Answers still missing ``grace`` seconds after the window are
    abandoned. Bounded: the loop ends by ``seconds + grace`` and reopens at most MAX_RECONNECTS
    times."""
    port, connections = job["port"], job["connections"]
    seconds, timeout, grace = job["seconds"], job["timeout"], job["grace"]
    make = _request_maker(job["spec"], port, job["tag"])
    selector = selectors.DefaultSelector()
    latencies: list[float] = []
    statuses: Counter[str] = Counter()
    problems: Counter[str] = Counter()
    samples: list[str] = []
    buffer = bytearray(1 << 20)
    view = memoryview(buffer)
    started = time.perf_counter()
    deadline, hard_stop = started + seconds, started + seconds + grace
    reopen_at: list[float] = []  # times at which a lost connection may be reopened
    reconnects = 0
    addresses = itertools.count(job.get("address_offset", 0))

    def note(kind: str, detail: str) -> None:
        problems[kind] += 1
        if len(samples) < 5:
            samples.append(f"{kind}: {detail}"[:200])

    def send(conn: _Connection) -> None:
        conn.answer = _Answer()
        conn.out = memoryview(make())
        flush(conn)

    def flush(conn: _Connection) -> None:
        try:
            sent = conn.sock.send(conn.out)
        except (BlockingIOError, InterruptedError):
            sent = 0
        conn.out = conn.out[sent:]
        events = selectors.EVENT_READ | (selectors.EVENT_WRITE if len(conn.out) else 0)
        selector.modify(conn.sock, events, conn)

    def drop(conn: _Connection, kind: str, detail: str) -> None:
        note(kind, detail)
        selector.unregister(conn.sock)
        conn.sock.close()
        if time.perf_counter() < deadline:
            reopen_at.append(time.perf_counter() + (0.05 if kind == "closed" else 0.0))

    def open_one() -> None:
        nonlocal reconnects
        try:
            sock = socket.create_connection(
                ("127.0.0.1", port),
                timeout=min(5.0, timeout),
                source_address=_source_address(next(addresses), job.get("distinct_addresses", True)),
            )
        except OSError as exc:
            note("connect", repr(exc))
            if reconnects < MAX_RECONNECTS and time.perf_counter() < deadline:
                reconnects += 1
                reopen_at.append(time.perf_counter() + 0.2)
            return
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock.setblocking(False)
        conn = _Connection(sock)
        selector.register(sock, selectors.EVENT_READ, conn)
        try:
            send(conn)
        except OSError as exc:
            drop(conn, "closed", repr(exc))

    for _ in range(connections):
        open_one()
    while time.perf_counter() < hard_stop:
        now = time.perf_counter()
        due = [t for t in reopen_at if t <= now]
        if due and now < deadline:
            reopen_at[:] = [t for t in reopen_at if t > now]
            for _ in due:
                if reconnects >= MAX_RECONNECTS:
                    break
                reconnects += 1
                open_one()
        elif now >= deadline:
            reopen_at.clear()
        if not selector.get_map() and not reopen_at:
            break
        wait = min(0.2, max(0.0, hard_stop - now))
        for key, events in selector.select(timeout=wait):
            conn: _Connection = key.data
            if events & selectors.EVENT_WRITE and len(conn.out):
                try:
                    flush(conn)
                except OSError as exc:
                    drop(conn, "closed", repr(exc))
                continue
            try:
                size = conn.sock.recv_into(buffer)
            except (BlockingIOError, InterruptedError):
                continue
            except OSError as exc:
                drop(conn, "closed", repr(exc))
                continue
            if size == 0:
                drop(conn, "closed", "connection closed by the server")
                continue
            try:
                complete = conn.answer.feed(view[:size])
            except (ValueError, IndexError) as exc:
                drop(conn, "bad-response", repr(exc))
                continue
            if not complete:
                continue
            done = time.perf_counter()
            code = _status_code(conn.answer.status)
            statuses[code] += 1
            if code == "200":
                latencies.append(done - conn.answer.sent)
            elif len(samples) < 5:
                samples.append(f"status {code}")
            if done < deadline:
                try:
                    send(conn)
                except OSError as exc:
                    drop(conn, "closed", repr(exc))
            else:
                selector.unregister(conn.sock)
                conn.sock.close()
        now = time.perf_counter()
        for key in list(selector.get_map().values()):
            conn = key.data
            if now - conn.answer.sent > timeout:
                drop(conn, "timeout", f"no answer after {timeout:g} s")
    abandoned = len(selector.get_map())
    for key in list(selector.get_map().values()):
        key.fileobj.close()  # type: ignore[union-attr]
    return {
        "latencies": latencies,
        "statuses": dict(statuses),
        "problems": dict(problems),
        "samples": samples,
        "abandoned": abandoned,
        "wall": min(time.perf_counter(), hard_stop) - started,
    }


def _jobs(
    port: int,
    spec: dict[str, Any],
    clients: int,
    seconds: float,
    timeout: float,
    grace: float,
    processes: int,
) -> list[dict[str, Any]]:
    nonce = f"{os.getpid()}{time.monotonic_ns() % 10**9}"
    jobs = []
    for k in range(processes):
        share = dict(spec)
        if spec["kind"] == "iris":  # each process walks its own slice: no IRI twice per cycle
            share["iris"] = spec["iris"][k::processes]
        if spec["kind"] == "paths":
            share["paths"] = spec["paths"][k::processes]
        jobs.append(
            {
                "port": port,
                "spec": share,
                "connections": clients // processes + (1 if k < clients % processes else 0),
                "seconds": seconds,
                "timeout": timeout,
                "grace": grace,
                "tag": f"{nonce}-{k}",
                "address_offset": 1000 * k,
                "distinct_addresses": DISTINCT_ADDRESSES,
            }
        )
    return [j for j in jobs if j["connections"]]


#: Load connections come from distinct loopback addresses (127.0.0.2, .3, ...), as many users
#: would: mkbgraph limits what one client (remote address) may run at once, Oxigraph does not
#: look. ``--one-address`` sends everything from 127.0.0.1 instead (one greedy client).
DISTINCT_ADDRESSES = True


def _source_address(sequence: int, distinct: bool) -> tuple[str, int] | None:
    if not distinct:
        return None
    return (f"127.0.{sequence // 250 % 250}.{2 + sequence % 250}", 0)


def merge(results: list[dict[str, Any]], seconds: float, grace: float) -> dict[str, Any]:
    """One figure set from the load processes' results."""
    latencies = [x for r in results for x in r["latencies"]]
    statuses: Counter[str] = Counter()
    problems: Counter[str] = Counter()
    for r in results:
        statuses.update(r["statuses"])
        problems.update(r["problems"])
    wall = max([r["wall"] for r in results] + [seconds])
    errors = sum(n for code, n in statuses.items() if code != "200") + sum(
        n for kind, n in problems.items() if kind != "timeout"
    )
    # an answer missing at the hard stop has waited ``grace`` seconds past the window: a timeout
    # when grace is the request timeout; with no grace (the flood) it is only unfinished
    timeouts = problems.get("timeout", 0) + (sum(r["abandoned"] for r in results) if grace else 0)
    return {
        "ok": len(latencies),
        "req_per_s": len(latencies) / wall,
        "p50_ms": 1000 * percentile(latencies, 0.5) if latencies else None,
        "p99_ms": 1000 * percentile(latencies, 0.99) if latencies else None,
        "max_ms": 1000 * max(latencies) if latencies else None,
        "errors": errors,
        "timeouts": timeouts,
        "statuses": dict(statuses),
        "problems": dict(problems),
        "abandoned": sum(r["abandoned"] for r in results),
        "samples": [s for r in results for s in r["samples"]][:5],
        "wall_s": wall,
    }


def run_load(
    port: int, spec: dict[str, Any], clients: int, seconds: float, timeout: float, grace: float
) -> dict[str, Any]:
    """``clients`` connections over two load processes (one per core) for ``seconds``."""
    jobs = _jobs(port, spec, clients, seconds, timeout, grace, processes=2 if clients > 1 else 1)
    with mp.get_context("spawn").Pool(len(jobs)) as pool:
        results = pool.map_async(_drive, jobs).get(timeout=seconds + grace + 60)
    return merge(results, seconds, grace)


# --- HTTP helpers and the probe -------------------------------------------------------------------


def http_get(port: int, path: str, timeout: float, accept: str = ACCEPT) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request("GET", path, headers={"Accept": accept})
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def probe(port: int, path: str, seconds: float, timeout: float, interval: float) -> dict[str, Any]:
    """GET ``path`` on one keep-alive connection, one after the other (``interval`` apart), for
    ``seconds``: latency of the 200 answers; other statuses, errors and timeouts counted."""
    latencies: list[float] = []
    statuses: Counter[str] = Counter()
    problems: Counter[str] = Counter()
    deadline = time.monotonic() + seconds
    connection: http.client.HTTPConnection | None = None
    for _ in range(1_000_000):
        if time.monotonic() >= deadline:
            break
        if connection is None:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
        started = time.perf_counter()
        try:
            connection.request("GET", path, headers={"Accept": "application/json"})
            response = connection.getresponse()
            response.read()
        except TimeoutError:
            problems["timeout"] += 1
            connection.close()
            connection = None
            continue
        except (OSError, http.client.HTTPException) as exc:
            problems[type(exc).__name__] += 1
            connection.close()
            connection = None
            time.sleep(0.1)
            continue
        statuses[str(response.status)] += 1
        if response.status == 200:
            latencies.append(time.perf_counter() - started)
        time.sleep(interval)
    if connection is not None:
        connection.close()
    return {
        "path": path,
        "ok": len(latencies),
        "count": sum(statuses.values()) + sum(problems.values()),
        "p50_ms": 1000 * percentile(latencies, 0.5) if latencies else None,
        "p99_ms": 1000 * percentile(latencies, 0.99) if latencies else None,
        "max_ms": 1000 * max(latencies) if latencies else None,
        "errors": sum(n for code, n in statuses.items() if code != "200")
        + sum(n for kind, n in problems.items() if kind != "timeout"),
        "timeouts": problems.get("timeout", 0),
        "statuses": dict(statuses),
        "problems": dict(problems),
    }


def wait_for(
    port: int, path: str, wanted: set[int], deadline: float, process: subprocess.Popen[bytes]
) -> int:
    """Poll ``path`` until it answers one of the ``wanted`` statuses (by monotonic ``deadline``)."""
    last = "no answer"
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with code {process.returncode} while starting")
        try:
            status, _ = http_get(port, path, timeout=5)
            if status in wanted:
                return status
            last = f"HTTP {status}"
        except (OSError, http.client.HTTPException) as exc:
            last = repr(exc)
        time.sleep(0.3)
    raise RuntimeError(f"{path} not ready in time (last: {last})")


# --- process trees --------------------------------------------------------------------------------


def _parents() -> dict[int, int]:
    out = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        out[int(entry.name)] = int(fields[1])
    return out


def tree(root: int) -> list[int]:
    """``root`` and all its descendants (from the parent field of every /proc/<pid>/stat)."""
    children: dict[int, list[int]] = {}
    for pid, parent in _parents().items():
        children.setdefault(parent, []).append(pid)
    found: list[int] = []
    todo = [root]
    while todo and len(found) < 10_000:
        pid = todo.pop()
        found.append(pid)
        todo.extend(children.get(pid, []))
    return found


def _status_kib(pid: int, field: str, name: str = "status") -> int:
    try:
        for line in Path(f"/proc/{pid}/{name}").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def memory(root: int) -> dict[str, Any]:
    """VmRSS (and PSS, which shares pages between forked workers fairly) summed over the tree."""
    pids = tree(root)
    return {
        "rss_mib": sum(_status_kib(p, "VmRSS") for p in pids) / 1024,
        "pss_mib": sum(_status_kib(p, "Pss", "smaps_rollup") for p in pids) / 1024,
        "processes": len(pids),
    }


def cpu_seconds(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def wait_idle(root: int, limit: float, window: float = 2.0, busy: float = 0.1) -> float:
    """Wait (at most ``limit`` s) until the tree uses under ``busy`` of a core over ``window`` s."""
    started = time.monotonic()
    while time.monotonic() - started < limit:
        pids = tree(root)
        before = cpu_seconds(pids)
        time.sleep(window)
        if cpu_seconds(pids) - before < busy * window:
            break
    return time.monotonic() - started


def kill_tree(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM the server, SIGKILL it after 20 s, then SIGKILL whatever of its tree is left."""
    if process.poll() is None:
        pids = tree(process.pid)
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=20)
    else:
        pids = []
    for pid in pids[1:]:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    # the server was started in its own session: its process group holds only its own processes
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)


# --- servers ----------------------------------------------------------------------------------------


class Server:
    """One server under test: how to start it, where its SPARQL endpoint and probe live."""

    def __init__(self, name: str, command: list[str], port: int, env: dict[str, str], log: Path) -> None:
        self.name, self.command, self.port, self.env, self.log = name, command, port, env, log
        self.sparql_path = "/sparql" if name == "mkbgraph" else "/query"
        self.probe_path = "/health" if name == "mkbgraph" else "/"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self, limit: float) -> dict[str, Any]:
        """Start, wait until ready (``/ready``, else ``/health``, then a trivial ASK answers 200)."""
        started = time.monotonic()
        deadline = started + limit
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                self.command, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )
        info: dict[str, Any] = {}
        if self.name == "mkbgraph":
            if wait_for(self.port, "/ready", {200, 404}, deadline, self.process) == 404:
                info["ready_route"] = "/health (no /ready route)"
                wait_for(self.port, "/health", {200}, deadline, self.process)
            else:
                info["ready_route"] = "/ready"
        else:
            wait_for(self.port, "/", {200}, deadline, self.process)
        ask = self.sparql_path + "?query=" + urllib.parse.quote_plus("ASK {}")
        wait_for(self.port, ask, {200}, deadline, self.process)
        info["start_s"] = time.monotonic() - started
        return info

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def stop(self) -> None:
        if self.process is not None:
            kill_tree(self.process)


def mkbgraph_server(
    command: list[str], folder: Path, port: int, log: Path, synthetic: bool, query_timeout: float
) -> Server:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MKBGRAPH_")}
    env.update(
        {
            "MKBGRAPH_DATA_DIR": str(folder),
            "MKBGRAPH_ACCESS_LOG": "false",
            "MKBGRAPH_QUERY_TIMEOUT": str(query_timeout),
        }
    )
    if synthetic:
        env.update(
            {
                "MKBGRAPH_VALIDATE_ON_LOAD": "false",
                # as bench_sparql: at 100x the network view's default warm-up holds the GIL for
                # minutes; cheaper figures (this bench is about the SPARQL service).
                "MKBGRAPH_NETWORK_BETWEENNESS_K": "16",
                "MKBGRAPH_NETWORK_LAYOUT_ITERATIONS": "5",
            }
        )
    return Server("mkbgraph", [*command, "--host", "127.0.0.1", "--port", str(port)], port, env, log)


def oxigraph_server(location: Path, port: int, log: Path, query_timeout: float) -> Server:
    """``oxigraph serve-read-only``; ``--timeout-s`` only when ``query_timeout`` > 0: Oxigraph 0.5.13
    then keeps one thread per query alive for the whole timeout, so at thousands of queries a
    second it runs out of threads, answers 500 and aborts (seen here)."""
    command = [
        str(OXIGRAPH),
        "serve-read-only",
        "--location",
        str(location),
        "--bind",
        f"127.0.0.1:{port}",
        *(["--timeout-s", f"{query_timeout:g}"] if query_timeout > 0 else []),
    ]
    return Server("oxigraph", command, port, dict(os.environ), log)


# --- one server, all cases ------------------------------------------------------------------------------


def flood(
    server: Server, text: str, args: argparse.Namespace, probe_interval: float = 0.02
) -> dict[str, Any]:
    """``args.flood_clients`` heavy distinct queries back to back while the probe runs."""
    lead = 1.0  # let the flood build up before probing
    spec = {"kind": "post-counter", "path": server.sparql_path, "text": text}
    if args.flood_method == "get":
        spec["kind"] = "counter"
    jobs = _jobs(
        server.port,
        spec,
        args.flood_clients,
        args.seconds + lead,
        args.request_timeout,
        grace=0.0,
        processes=1,
    )
    with mp.get_context("spawn").Pool(1) as pool:
        pending = pool.map_async(_drive, jobs)
        time.sleep(lead)
        health = probe(server.port, server.probe_path, args.seconds, args.probe_timeout, probe_interval)
        flooded = merge(pending.get(timeout=args.seconds + lead + 60), args.seconds, grace=0.0)
    out: dict[str, Any] = {"probe": health, "flood_queries": flooded, "query_bytes": len(text.encode())}
    out["alive_after"] = server.alive()
    started = time.monotonic()
    out["recovered_after_s"] = None
    while server.alive() and time.monotonic() - started < 60:
        try:
            if http_get(server.port, server.probe_path, timeout=5)[0] == 200:
                out["recovered_after_s"] = time.monotonic() - started
                break
        except (OSError, http.client.HTTPException):
            pass
        time.sleep(0.2)
    if not out["alive_after"]:
        out["exit_code"] = server.process.returncode if server.process else None
    return out


def bench_server(
    server: Server, texts: dict[str, str], iris: list[str], args: argparse.Namespace, settle: float
) -> dict[str, Any]:
    """Start ``server``, run the chosen cases, read its memory, flood it, stop it (always)."""
    cases = [c for c in CASES if c in args.case_list]
    out: dict[str, Any] = {}
    try:
        out.update(server.start(args.start_limit))
        if settle:
            time.sleep(settle)
            out["settle_s"] = settle
        assert server.process is not None
        out["idle_wait_s"] = wait_idle(server.process.pid, args.idle_limit)
        out["memory_idle"] = memory(server.process.pid)
        print(
            f"  {server.name}: up in {out['start_s']:.1f} s, idle after {out['idle_wait_s']:.0f} s more,"
            f" {out['memory_idle']['rss_mib']:.0f} MiB",
            flush=True,
        )
        specs: dict[str, dict[str, Any]] = {
            "repeated": {"kind": "fixed", "path": _get_path(server.sparql_path, texts["motion"])},
            "distinct": {"kind": "counter", "path": server.sparql_path, "text": texts["motion"]},
            "lookup": {
                "kind": "iris",
                "path": server.sparql_path,
                "iris": iris,
                "repeat_texts": args.lookup_repeat_texts,
            },
        }
        for case in cases:
            if case == "flood":
                continue
            if not server.alive():
                out[case] = {"skipped": "server not running"}
                continue
            if case == "repeated":  # one answer first: a server with a cache fills it here
                started = time.perf_counter()
                status, body = http_get(server.port, specs[case]["path"], args.request_timeout)
                out["repeated_first"] = {
                    "status": status,
                    "ms": 1000 * (time.perf_counter() - started),
                    "bytes": len(body),
                }
            figures = run_load(
                server.port,
                specs[case],
                args.clients,
                args.seconds,
                args.request_timeout,
                grace=args.request_timeout,
            )
            if case == "lookup":
                figures["iris"] = len(iris)
                figures["cycles"] = (figures["ok"] + figures["errors"]) / max(1, len(iris))
            out[case] = figures
            print(f"  {server.name:9} {case:9} {load_line(figures)}", flush=True)
        if server.alive():
            out["memory"] = memory(server.process.pid)
            print(f"  {server.name:9} memory    {memory_line(out['memory'])}", flush=True)
        if "flood" in cases:
            for shape in args.flood_shapes.split(","):
                key = f"flood-{shape}"
                restarted = False
                if not server.alive():  # a crash in the previous flood: a fresh server for this one
                    print(f"  {server.name}: restarting for {key}", flush=True)
                    server.stop()
                    server.start(args.start_limit)
                    assert server.process is not None
                    wait_idle(server.process.pid, args.idle_limit)
                    restarted = True
                out[key] = flood(server, texts[key], args)
                out[key]["restarted_before"] = restarted
                print(f"  {server.name:9} {key:14} {flood_line(out[key])}", flush=True)
                if server.alive():  # let leftover work drain before the next measurement
                    out[key]["idle_wait_after_s"] = wait_idle(server.process.pid, args.idle_limit)
            if server.alive():
                out["memory_after_flood"] = memory(server.process.pid)
    except Exception as exc:  # record it, go on with the other server
        out["failed"] = f"{type(exc).__name__}: {exc}"
        print(f"  {server.name}: FAILED {out['failed']}", flush=True)
    finally:
        out["alive_at_end"] = server.alive()
        server.stop()
    return out


def _get_path(sparql_path: str, query: str) -> str:
    return sparql_path + "?" + urllib.parse.urlencode({"query": query})


# --- reporting ----------------------------------------------------------------------------------------


def _ms(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}" if value < 100 else f"{value:.0f}"


def load_line(f: dict[str, Any]) -> str:
    line = (
        f"{f['req_per_s']:8.0f} req/s  p50 {_ms(f['p50_ms']):>7} ms  p99 {_ms(f['p99_ms']):>7} ms"
        f"  ok {f['ok']}  errors {f['errors']}  timeouts {f['timeouts']}"
    )
    if f.get("samples"):
        line += f"  e.g. {f['samples'][:2]}"
    return line


def memory_line(m: dict[str, Any]) -> str:
    return f"RSS {m['rss_mib']:.0f} MiB  PSS {m['pss_mib']:.0f} MiB  ({m['processes']} processes)"


def flood_line(f: dict[str, Any]) -> str:
    p, q = f["probe"], f["flood_queries"]
    line = (
        f"probe {p['path']} p50 {_ms(p['p50_ms'])} ms p99 {_ms(p['p99_ms'])} ms max {_ms(p['max_ms'])} ms"
        f" count {p['count']} errors {p['errors']} timeouts {p['timeouts']};"
        f" flood queries {q['statuses']} problems {q['problems']} unfinished {q['abandoned']}"
    )
    if not f["alive_after"]:
        line += f"; SERVER DIED (exit {f.get('exit_code')})"
    elif f["recovered_after_s"] is None:
        line += "; probe not answering 60 s after the flood"
    return line


def cell(f: dict[str, Any] | None) -> str:
    if not f:
        return "-"
    if "skipped" in f:
        return f"skipped ({f['skipped']})"
    return f"{f['req_per_s']:.0f} ({_ms(f['p50_ms'])} / {_ms(f['p99_ms'])} ms)"


def table(label: str, triples: int, result: dict[str, Any], args: argparse.Namespace) -> str:
    mkb, oxi = result.get("mkbgraph", {}), result.get("oxigraph", {})
    lines = [
        f"### {label}: {triples} triples, {args.clients} clients, {args.seconds:g} s per case",
        "",
        "| case | mkbgraph req/s (p50 / p99) | Oxigraph server req/s (p50 / p99) | ratio | errors / timeouts (mkbgraph; Oxigraph) |",
        "|---|---|---|---|---|",
    ]
    for case, title in CASE_TITLES.items():
        a, b = mkb.get(case), oxi.get(case)
        if a is None and b is None:
            continue
        ratio = "-"
        if a and b and "req_per_s" in a and "req_per_s" in b and b["req_per_s"]:
            ratio = f"{a['req_per_s'] / b['req_per_s']:.2f}x"
        counts = "; ".join(f"{f['errors']} / {f['timeouts']}" if f and "errors" in f else "-" for f in (a, b))
        if case == "lookup" and a and "cycles" in a:
            title += f" ({a['iris']} IRIs; cycles: {a['cycles']:.1f}; {(b or {}).get('cycles', 0):.1f})"
        lines.append(f"| {title} | {cell(a)} | {cell(b)} | {ratio} | {counts} |")
    mems = [f.get("memory") for f in (mkb, oxi)]
    lines.append(
        "| RSS of the serving process tree (PSS) | "
        + " | ".join(f"{m['rss_mib']:.0f} MiB ({m['pss_mib']:.0f})" if m else "-" for m in mems)
        + " | | |"
    )
    for shape in args.flood_shapes.split(",") if "flood" in args.case_list else []:
        key = f"flood-{shape}"
        cells, floods = [], []
        for f in (mkb.get(key), oxi.get(key)):
            if not f:
                cells.append("-")
                floods.append("-")
            elif "skipped" in f:
                cells.append(f"skipped ({f['skipped']})")
                floods.append("-")
            else:
                p, q = f["probe"], f["flood_queries"]
                text = f"{_ms(p['p50_ms'])} / {_ms(p['p99_ms'])} ms, n={p['count']}, errors {p['errors']}, timeouts {p['timeouts']}"
                if not f["alive_after"]:
                    text += ", **server died**"
                if f.get("restarted_before"):
                    text += " (server restarted first)"
                cells.append(text)
                answered = [f"{n}x HTTP {code}" for code, n in sorted(q["statuses"].items())]
                answered += [f"{n}x {kind}" for kind, n in sorted(q["problems"].items())]
                answered.append(f"{q['abandoned']} unfinished at the end")
                floods.append(", ".join(answered))
        lines.append(
            f"| probe latency while {args.flood_clients} clients flood ({shape}, "
            f"{mkb.get(key, {}).get('query_bytes', 0) // 1000} KB) — mkbgraph `/health`, Oxigraph `/` "
            f"| {cells[0]} | {cells[1]} | | flood queries: mkbgraph {floods[0]}; Oxigraph {floods[1]} |"
        )
    for name, f in (("mkbgraph", mkb), ("Oxigraph", oxi)):
        if f.get("failed"):
            lines.append(f"\n{name} failed: {f['failed']}")
    return "\n".join(lines)


# --- main ------------------------------------------------------------------------------------------------


def _terminated(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0, help="Seconds per case (and of the flood).")
    parser.add_argument("--clients", type=int, default=16, help="Concurrent keep-alive connections per case.")
    parser.add_argument(
        "--one-address",
        action="store_true",
        help="Send every connection from 127.0.0.1 (one client) instead of one loopback address each.",
    )
    parser.add_argument("--datasets", default="real", help="Comma-separated: real, synthetic.")
    parser.add_argument("--scale", type=int, default=100, help="Size of the synthetic set, x the real one.")
    parser.add_argument("--flood-clients", type=int, default=8, help="Connections sending heavy queries.")
    parser.add_argument(
        "--flood-shapes",
        default="flat,balanced",
        help="Comma-separated: flat (one chain of 2,000 UNIONs), balanced (the same, nested pairwise).",
    )
    parser.add_argument(
        "--lookup-repeat-texts",
        action="store_true",
        help="Point lookups: repeat the plain texts when the IRIs cycle (default: from the second "
        "cycle on each text gets a counter comment, so no text repeats).",
    )
    parser.add_argument(
        "--flood-method",
        choices=("post", "get"),
        default="post",
        help="How the ~50 KB flood queries are sent.",
    )
    parser.add_argument(
        "--cases", default=",".join(CASES), help=f"Comma-separated subset of {', '.join(CASES)}."
    )
    parser.add_argument(
        "--mkbgraph-cmd",
        default=shlex.join([sys.executable, "-m", "mkbgraph", "serve"]),
        help="Command that serves mkbgraph (--host/--port are appended); PYTHONPATH is passed on.",
    )
    parser.add_argument(
        "--settle", type=float, default=15.0, help="Extra seconds after start (synthetic only)."
    )
    parser.add_argument(
        "--idle-limit", type=float, default=60.0, help="Most seconds to wait for the server's CPU to go idle."
    )
    parser.add_argument(
        "--start-limit", type=float, default=900.0, help="Most seconds a server may take to start."
    )
    parser.add_argument(
        "--request-timeout", type=float, default=15.0, help="An answer later than this counts as a timeout."
    )
    parser.add_argument(
        "--query-timeout",
        type=float,
        default=10.0,
        help="mkbgraph's query time limit (MKBGRAPH_QUERY_TIMEOUT).",
    )
    parser.add_argument(
        "--oxigraph-timeout",
        type=float,
        default=0.0,
        help="Oxigraph's --timeout-s (default 0: none; with it 0.5.13 keeps a thread per query for "
        "the whole timeout and falls over at thousands of queries a second).",
    )
    parser.add_argument(
        "--probe-timeout", type=float, default=60.0, help="Seconds the flood's probe waits for one answer."
    )
    args = parser.parse_args()
    global DISTINCT_ADDRESSES
    DISTINCT_ADDRESSES = not args.one_address
    # SIGTERM (e.g. from `timeout`) unwinds like an exception, so every server is still killed
    signal.signal(signal.SIGTERM, _terminated)
    args.case_list = [c for c in args.cases.split(",") if c]
    unknown = set(args.case_list) - set(CASES)
    if unknown:
        parser.error(f"unknown cases {sorted(unknown)}")
    mkbgraph_cmd = shlex.split(args.mkbgraph_cmd)

    import mkbgraph

    RESULTS.mkdir(parents=True, exist_ok=True)
    report: dict[str, Any] = {
        "started": datetime.now(UTC).isoformat(),
        "args": {k: v for k, v in vars(args).items() if k != "case_list"},
        "mkbgraph_package": str(Path(mkbgraph.__file__).parent),
        "pythonpath": os.environ.get("PYTHONPATH", ""),
        "oxigraph": subprocess.run(
            [str(OXIGRAPH), "--version"], capture_output=True, text=True
        ).stdout.strip(),
        "cpus": os.cpu_count(),
        "load_average_at_start": os.getloadavg(),
        "note": "load generator (2 processes) on the same cores as the server under test; servers one at a time",
    }
    print(
        f"mkbgraph from {report['mkbgraph_package']}; {report['oxigraph']}; {os.cpu_count()} cores,"
        f" load average {os.getloadavg()[0]:.1f}",
        flush=True,
    )
    texts = {"motion": motion_text()}
    for shape in args.flood_shapes.split(","):
        texts[f"flood-{shape}"] = flood_text(shape)
    tables = []
    with tempfile.TemporaryDirectory(prefix="bench-service-") as tmp:
        work = Path(tmp)
        real = work / "real.nt"
        sizes = {"real": real_ntriples(real)}
        wanted = [d for d in args.datasets.split(",") if d]
        runs = [("real", real, False)] if "real" in wanted else []
        if "synthetic" in wanted:
            synthetic = work / "synthetic.nt"
            label = f"synthetic-x{args.scale}"
            started = time.monotonic()
            sizes[label] = synthetic_ntriples(real, synthetic, args.scale)
            print(f"made {label}: {sizes[label]} triples in {time.monotonic() - started:.0f} s", flush=True)
            runs.append((label, synthetic, True))
        report["triples"] = sizes
        for label, data, is_synthetic in runs:
            print(f"== {label}: {sizes[label]} triples", flush=True)
            folder = work / label
            (folder / "data").mkdir(parents=True)
            os.link(data, folder / "data" / "data.nt")
            location = folder / "oxigraph-db"
            started = time.monotonic()
            subprocess.run(
                [str(OXIGRAPH), "load", "--location", str(location), "--file", str(data)],
                check=True,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                timeout=args.start_limit,
            )
            iris = subject_iris(data)
            result: dict[str, Any] = {
                "subject_iris": len(iris),
                "oxigraph_load_s": time.monotonic() - started,
            }
            servers = [
                mkbgraph_server(
                    mkbgraph_cmd,
                    folder / "data",
                    free_port(),
                    folder / "mkbgraph.log",
                    is_synthetic,
                    args.query_timeout,
                ),
                oxigraph_server(location, free_port(), folder / "oxigraph.log", args.oxigraph_timeout),
            ]
            try:
                for server in servers:
                    result[server.name] = bench_server(
                        server, texts, iris, args, settle=args.settle if is_synthetic else 0.0
                    )
                    result[server.name]["log_tail"] = server.log.read_text(errors="replace")[-2000:]
            finally:
                for server in servers:
                    server.stop()
            result["load_average"] = os.getloadavg()
            report[label] = result
            tables.append(table(label, sizes[label], result, args))
            print("\n" + tables[-1] + "\n", flush=True)
    report["tables"] = tables
    write_report("service", report)


if __name__ == "__main__":
    main()
