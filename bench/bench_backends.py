"""Embedded store vs a remote Oxigraph server, and 1 vs 2 replicas (issue 15.5), side by side.

    .venv/bin/python bench/bench_backends.py [--seconds 8] [--clients 16] [--datasets real,synthetic]
        [--scale 100] [--cases repeated,distinct,lookup,page] [--configs embedded-1,embedded-2,remote-1,remote-2]

Four configurations of `mkbgraph serve` on the same N-Triples, one at a time:

- ``embedded-N``: the default, the graph in an on-disk Oxigraph store with sandboxed query
  workers (``--workers N`` replicas on one port);
- ``remote-N``: ``MKBGRAPH_BACKEND=sparql`` against ``oxigraph serve-read-only`` on a store built
  from the same file (started once per dataset, before the remote configurations; no
  ``--timeout-s``: Oxigraph 0.5.13 keeps a thread per query alive for the whole timeout, which at
  these rates runs it out of threads; see bench_service.py).

Cases (``--clients`` keep-alive connections from distinct loopback addresses, ``--seconds`` each,
the load generator and its request kinds from bench_service.py):

- ``repeated``: the canned motion query, the identical text every time (the app's answer cache);
- ``distinct``: the same query made new by a counter comment every time (no cache helps: in remote
  mode every one is screened and forwarded);
- ``lookup``: ``SELECT ?p ?o WHERE { <IRI> ?p ?o }`` over every subject IRI, never the same text;
- ``page``: ``GET /id/...``, the HTML page of the next resource (several store queries a page
  through the `Store` seam; no page is asked twice within a cycle).

Then the resident memory of the app's process tree (VmRSS and PSS) and, for remote, of the
Oxigraph server apart. Results: markdown to standard output and
bench/results/backends-<timestamp>.json. Loopback only, bounded in time, every server killed at the end.
"""

from __future__ import annotations

import argparse
import os
import shlex
import signal
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench_service import (
    RESULTS,
    Server,
    _get_path,
    _terminated,
    cell,
    load_line,
    memory,
    memory_line,
    motion_text,
    run_load,
    subject_iris,
    wait_idle,
)
from bench_sparql import OXIGRAPH, free_port, real_ntriples, synthetic_ntriples, write_report

CASES = ("repeated", "distinct", "lookup", "page")
CASE_TITLES = {
    "repeated": "motion query, same text (cache)",
    "distinct": "motion query, every text distinct",
    "lookup": "point lookup, every IRI distinct",
    "page": "resource page /id/..., every page distinct",
}
CONFIGS = ("embedded-1", "embedded-2", "remote-1", "remote-2")


def app_server(
    config: str,
    folder: Path,
    remote_url: str,
    port: int,
    log: Path,
    synthetic: bool,
    args: argparse.Namespace,
) -> Server:
    backend, workers = config.split("-")
    env = {k: v for k, v in os.environ.items() if not k.startswith("MKBGRAPH_")}
    env.update(
        {
            "MKBGRAPH_DATA_DIR": str(folder),
            "MKBGRAPH_ACCESS_LOG": "false",
            "MKBGRAPH_QUERY_TIMEOUT": str(args.query_timeout),
        }
    )
    if backend == "remote":
        env.update({"MKBGRAPH_BACKEND": "sparql", "MKBGRAPH_SPARQL_URL": remote_url})
    if synthetic:
        env.update(
            {
                "MKBGRAPH_VALIDATE_ON_LOAD": "false",
                "MKBGRAPH_NETWORK_BETWEENNESS_K": "16",
                "MKBGRAPH_NETWORK_LAYOUT_ITERATIONS": "5",
            }
        )
    command = [
        *shlex.split(args.mkbgraph_cmd),
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--workers",
        workers,
    ]
    return Server("mkbgraph", command, port, env, log)


def bench_config(
    server: Server, specs: dict[str, dict[str, Any]], args: argparse.Namespace, settle: float
) -> dict[str, Any]:
    out: dict[str, Any] = {}
    try:
        out.update(server.start(args.start_limit))
        assert server.process is not None
        if settle:
            time.sleep(settle)
        out["idle_wait_s"] = wait_idle(server.process.pid, args.idle_limit)
        out["memory_idle"] = memory(server.process.pid)
        for case in args.case_list:
            figures = run_load(
                server.port,
                specs[case],
                args.clients,
                args.seconds,
                args.request_timeout,
                args.request_timeout,
            )
            out[case] = figures
            print(f"    {case:9} {load_line(figures)}", flush=True)
        out["memory"] = memory(server.process.pid)
        print(f"    memory    {memory_line(out['memory'])}", flush=True)
    except Exception as exc:  # record, go on with the next configuration
        out["failed"] = f"{type(exc).__name__}: {exc}"
        print(f"    FAILED {out['failed']}", flush=True)
    finally:
        server.stop()
    return out


def table(label: str, triples: int, result: dict[str, Any], args: argparse.Namespace) -> str:
    configs = [c for c in args.config_list if c in result]
    lines = [
        f"### {label}: {triples} triples, {args.clients} clients, {args.seconds:g} s per case "
        "(req/s, p50 / p99 ms)",
        "",
        "| case | " + " | ".join(f"`{c}`" for c in configs) + " |",
        "|---|" + "---|" * len(configs),
    ]
    for case in args.case_list:
        row = [cell(result[c].get(case)) for c in configs]
        errors = [
            result[c].get(case, {}).get("errors", 0) + result[c].get(case, {}).get("timeouts", 0)
            for c in configs
        ]
        note = "" if not any(errors) else f" (errors+timeouts: {', '.join(map(str, errors))})"
        lines.append(f"| {CASE_TITLES[case]}{note} | " + " | ".join(row) + " |")
    mems = []
    for c in configs:
        m = result[c].get("memory")
        mems.append(f"{m['rss_mib']:.0f} MiB ({m['pss_mib']:.0f}), {m['processes']} proc." if m else "-")
    lines.append("| app process tree RSS (PSS) after the cases | " + " | ".join(mems) + " |")
    store = result.get("oxigraph_server_memory")
    if store:
        lines.append(
            f"\nThe Oxigraph server (remote configurations) held {store['rss_mib']:.0f} MiB RSS after them."
        )
    for c in configs:
        if result[c].get("failed"):
            lines.append(f"\n`{c}` failed: {result[c]['failed']}")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--seconds", type=float, default=8.0)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--datasets", default="real", help="Comma-separated: real, synthetic.")
    parser.add_argument("--scale", type=int, default=100)
    parser.add_argument("--cases", default=",".join(CASES))
    parser.add_argument("--configs", default=",".join(CONFIGS))
    parser.add_argument("--mkbgraph-cmd", default=shlex.join([sys.executable, "-m", "mkbgraph", "serve"]))
    parser.add_argument(
        "--settle", type=float, default=10.0, help="Extra seconds after start (synthetic only)."
    )
    parser.add_argument("--idle-limit", type=float, default=60.0)
    parser.add_argument("--start-limit", type=float, default=900.0)
    parser.add_argument("--request-timeout", type=float, default=15.0)
    parser.add_argument("--query-timeout", type=float, default=10.0)
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, _terminated)
    args.case_list = [c for c in args.cases.split(",") if c]
    args.config_list = [c for c in args.configs.split(",") if c]
    if set(args.case_list) - set(CASES) or set(args.config_list) - set(CONFIGS):
        parser.error(f"cases: {', '.join(CASES)}; configs: {', '.join(CONFIGS)}")

    from mkbgraph.config import get_settings

    base = get_settings().data_base
    RESULTS.mkdir(parents=True, exist_ok=True)
    report: dict[str, Any] = {
        "started": datetime.now(UTC).isoformat(),
        "args": {k: v for k, v in vars(args).items() if k not in ("case_list", "config_list")},
        "oxigraph": subprocess.run(
            [str(OXIGRAPH), "--version"], capture_output=True, text=True
        ).stdout.strip(),
        "cpus": os.cpu_count(),
        "load_average_at_start": os.getloadavg(),
    }
    print(f"{report['oxigraph']}; {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}", flush=True)
    motion = motion_text()
    tables = []
    with tempfile.TemporaryDirectory(prefix="bench-backends-") as tmp:
        work = Path(tmp)
        real = work / "real.nt"
        sizes = {"real": real_ntriples(real)}
        wanted = [d for d in args.datasets.split(",") if d]
        runs = [("real", real, False)] if "real" in wanted else []
        if "synthetic" in wanted:
            label = f"synthetic-x{args.scale}"
            synthetic = work / "synthetic.nt"
            sizes[label] = synthetic_ntriples(real, synthetic, args.scale)
            runs.append((label, synthetic, True))
        report["triples"] = sizes
        for label, data, is_synthetic in runs:
            print(f"== {label}: {sizes[label]} triples", flush=True)
            folder = work / label
            (folder / "data").mkdir(parents=True)
            os.link(data, folder / "data" / "data.nt")
            location = folder / "oxigraph-db"
            subprocess.run(
                [str(OXIGRAPH), "load", "--location", str(location), "--file", str(data)],
                check=True,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            iris = subject_iris(data)
            pages = [f"/id/{iri[len(base) :]}" for iri in iris if iri.startswith(base)]
            specs: dict[str, dict[str, Any]] = {
                "repeated": {"kind": "fixed", "path": _get_path("/sparql", motion)},
                "distinct": {"kind": "counter", "path": "/sparql", "text": motion},
                "lookup": {"kind": "iris", "path": "/sparql", "iris": iris},
                "page": {"kind": "paths", "paths": pages, "accept": "text/html"},
            }
            result: dict[str, Any] = {"subject_iris": len(iris), "pages": len(pages)}
            store_port = free_port()
            store = Server(
                "oxigraph",
                [
                    str(OXIGRAPH),
                    "serve-read-only",
                    "--location",
                    str(location),
                    "--bind",
                    f"127.0.0.1:{store_port}",
                ],
                store_port,
                dict(os.environ),
                folder / "oxigraph.log",
            )
            try:
                if any(c.startswith("remote") for c in args.config_list):
                    store.start(args.start_limit)
                for config in args.config_list:
                    print(f"  {config}", flush=True)
                    server = app_server(
                        config,
                        folder / "data",
                        f"http://127.0.0.1:{store_port}/query",
                        free_port(),
                        folder / f"{config}.log",
                        is_synthetic,
                        args,
                    )
                    result[config] = bench_config(server, specs, args, args.settle if is_synthetic else 0.0)
                    result[config]["log_tail"] = server.log.read_text(errors="replace")[-1500:]
                if store.alive():
                    assert store.process is not None
                    result["oxigraph_server_memory"] = memory(store.process.pid)
            finally:
                store.stop()
            result["load_average"] = os.getloadavg()
            report[label] = result
            tables.append(table(label, sizes[label], result, args))
            print("\n" + tables[-1] + "\n", flush=True)
    report["tables"] = tables
    write_report("backends", report)


if __name__ == "__main__":
    main()
