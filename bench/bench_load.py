"""Benchmark: how long loading, validating and building the query store take.

Measures the real data and a synthetic copy N times larger (every data IRI suffixed per copy, so
the copies do not collapse), median of a few runs each. Prints a table and writes JSON to
bench/results/load.json. Run: `.venv/bin/python bench/bench_load.py [--scale 10] [--repeat 3]`.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from collections.abc import Callable
from pathlib import Path

from rdflib import Graph, URIRef

from mkbgraph.config import Settings
from mkbgraph.graph.load import load_graph, load_shapes, validate
from mkbgraph.graph.stats import graph_stats
from mkbgraph.graph.store import BACKENDS

RESULTS = Path(__file__).parent / "results"


def timed(fn: Callable[[], object], repeat: int) -> float:
    """Median wall time of `fn` over `repeat` runs, in seconds."""
    runs = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - started)
    return statistics.median(runs)


def scaled(graph: Graph, copies: int, data_base: str) -> Graph:
    """A graph `copies` times larger: data resources renamed per copy, ontology kept once."""
    out = Graph()
    for i in range(copies):

        def rename(node: object, i: int = i) -> object:
            if isinstance(node, URIRef) and str(node).startswith(data_base) and i:
                return URIRef(f"{node}-copy{i}")
            return node

        for s, p, o in graph:
            out.add((rename(s), p, rename(o)))  # type: ignore[arg-type]
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--scale", type=int, default=10, help="size of the synthetic graph relative to the real one"
    )
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    settings = Settings()
    shapes = load_shapes(settings.shapes_dir)
    real = load_graph(settings.ontology_dir, settings.data_dir, None, check=False).graph
    results: dict[str, dict[str, float | int]] = {}
    parse_s = timed(
        lambda: load_graph(settings.ontology_dir, settings.data_dir, None, check=False), args.repeat
    )
    for name, graph in (
        ("real", real),
        (f"synthetic x{args.scale}", scaled(real, args.scale, settings.data_base)),
    ):
        row: dict[str, float | int] = {"triples": len(graph)}
        if name == "real":
            row["parse_s"] = parse_s
        row["validate_s"] = timed(lambda g=graph: validate(g, shapes), 1 if name != "real" else args.repeat)
        for backend, factory in BACKENDS.items():
            row[f"build_{backend}_s"] = timed(lambda g=graph, f=factory: f(g), args.repeat)
        store = BACKENDS["oxigraph"](graph)
        row["stats_oxigraph_s"] = timed(lambda s=store: graph_stats(s), args.repeat)
        results[name] = row
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "load.json").write_text(json.dumps(results, indent=2))
    for name, row in results.items():
        print(name, " ".join(f"{k}={v:.3f}" if isinstance(v, float) else f"{k}={v}" for k, v in row.items()))


if __name__ == "__main__":
    main()
