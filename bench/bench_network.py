"""Benchmark: how long the network projection and the analytics take, on the real graph and on a
synthetic graph of the same shape N times larger (default 100x).

The synthetic graph copies every data resource N times (IRIs and excerpt blank nodes suffixed
per copy; ontology, themes and action lines kept once) and then rewires a share of the object
links to the same resource in another copy, so the copies form one network instead of N islands
while every resource keeps the degree it has in the real data. Prints one line per step and writes
bench/results/network.json. Run: `.venv/bin/python bench/bench_network.py [--scale 100]
[--rewire 0.3] [--exact]` (`--exact` also times exact betweenness on the synthetic stakeholder
graph, which can take many minutes). The layout step also reports its quality
(`network_layout.layout_quality`: edge_ratio, crowded, spacing) so a faster layout can be checked
against the picture it replaces.
"""

from __future__ import annotations

import argparse
import json
import random
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import networkx as nx
from rdflib import BNode, Graph, URIRef

from mkbgraph.config import Settings
from mkbgraph.graph.load import load_graph
from mkbgraph.network.export import export_graph
from mkbgraph.network.layout import SPRING_MAX_NODES, capped_iterations, layout_quality
from mkbgraph.network.metrics import (
    MetricOptions,
    NetworkAnalysis,
    betweenness,
    communities,
    compute_layout,
    coordination_gaps,
    key_players,
)
from mkbgraph.network.paths import connections
from mkbgraph.network.projection import full_graph, stakeholder_graph

RESULTS = Path(__file__).parent / "results"
SHARED_SEGMENTS = ("theme/", "action-line/", "section/", "report/", "scheme/", "source/")


def timed(row: dict[str, Any], name: str, fn: Callable[[], Any]) -> Any:
    """Run `fn` once, record its wall time in `row[name]` and print it."""
    started = time.perf_counter()
    value = fn()
    row[name] = round(time.perf_counter() - started, 3)
    print(f"  {name:<28} {row[name]:>9.3f} s", flush=True)
    return value


def synthetic(graph: Graph, copies: int, data_base: str, rewire: float, seed: int) -> Graph:
    """`copies` renamed copies of the data, a share `rewire` of object links moved across copies."""
    rng = random.Random(seed)
    shared = tuple(data_base + s for s in SHARED_SEGMENTS)

    def copied(node: Any, i: int) -> Any:
        if i == 0:
            return node
        if isinstance(node, URIRef) and str(node).startswith(data_base) and not str(node).startswith(shared):
            return URIRef(f"{node}-c{i}")
        if isinstance(node, BNode):
            return BNode(f"{node}c{i}")
        return node

    out = Graph()
    for i in range(copies):
        for s, p, o in graph:
            target = i
            if isinstance(o, URIRef) and str(o).startswith(data_base) and rng.random() < rewire:
                target = rng.randrange(copies)
            out.add((copied(s, i), p, copied(o, target)))
    return out


def measure(graph: Graph, options: MetricOptions, exact: bool) -> dict[str, Any]:
    """Time every step the app runs once per loaded snapshot, and a few per-request ones."""
    row: dict[str, Any] = {"triples": len(graph)}
    full = timed(row, "projection_full_s", lambda: full_graph(graph))
    stakeholders = timed(row, "projection_stakeholder_s", lambda: stakeholder_graph(full))
    row.update(
        full_nodes=full.number_of_nodes(),
        full_edges=full.number_of_edges(),
        stakeholder_nodes=stakeholders.number_of_nodes(),
        stakeholder_edges=stakeholders.number_of_edges(),
    )
    print(f"  full graph {row['full_nodes']} nodes / {row['full_edges']} edges; stakeholder graph "
          f"{row['stakeholder_nodes']} / {row['stakeholder_edges']}")  # fmt: skip
    sampled = MetricOptions(exact_max_nodes=0, betweenness_k=options.betweenness_k, seed=options.seed)
    timed(row, f"betweenness_sampled_k{options.betweenness_k}_s", lambda: betweenness(stakeholders, sampled))
    if exact or stakeholders.number_of_nodes() <= options.exact_max_nodes:
        timed(row, "betweenness_exact_s", lambda: nx.betweenness_centrality(stakeholders))
    timed(row, "pagerank_s", lambda: nx.pagerank(stakeholders, weight="weight"))
    players = timed(row, "key_players_all_s", lambda: key_players(full, None, options))
    row["key_players_approximate"] = players["approximate"]
    timed(row, "gaps_all_themes_s", lambda: coordination_gaps(full))
    timed(row, "communities_louvain_s", lambda: communities(full, options))
    positions = timed(row, "layout_s", lambda: compute_layout(full, options))
    simple = nx.Graph(full)
    row["layout_iterations"] = (
        options.layout_iterations
        if simple.number_of_nodes() <= SPRING_MAX_NODES
        else capped_iterations(simple.number_of_nodes() + simple.number_of_edges(), options.layout_iterations)
    )
    row.update({f"layout_{name}": value for name, value in layout_quality(simple, positions).items()})
    print(f"  layout quality: edge_ratio {row['layout_edge_ratio']} (lower: neighbours closer), crowded "
          f"{row['layout_crowded']}, spacing {row['layout_spacing']} (higher: less overlap)")  # fmt: skip
    analysis = NetworkAnalysis("bench", graph, full, options)
    timed(row, "name_index_s", analysis.index)
    largest = max(nx.connected_components(connections(full)), key=len)
    organisations = sorted(n for n in largest if full.nodes[n]["kind"] == "organisation")
    if len(organisations) >= 2:
        timed(
            row, "path_first_s", lambda: analysis.path(organisations[0], organisations[-1], through_hubs=True)
        )
        timed(
            row,
            "path_cached_graph_s",
            lambda: analysis.path(organisations[1], organisations[-2], through_hubs=True),
        )
    timed(row, "export_graphml_s", lambda: export_graph(full, "graphml"))
    timed(row, "export_json_s", lambda: export_graph(full, "json"))
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--scale", type=int, default=100, help="size of the synthetic graph relative to the real one"
    )
    parser.add_argument("--rewire", type=float, default=0.3, help="share of object links moved across copies")
    parser.add_argument(
        "--exact", action="store_true", help="also time exact betweenness on the synthetic graph"
    )
    args = parser.parse_args()
    settings = Settings()
    options = MetricOptions.from_settings(settings)
    real = load_graph(settings.ontology_dir, settings.data_dir, None, check=False).graph
    results: dict[str, Any] = {"options": options.__dict__}
    print(f"real graph ({len(real)} triples)")
    results["real"] = measure(real, options, exact=True)
    started = time.perf_counter()
    big = synthetic(real, args.scale, settings.data_base, args.rewire, options.seed)
    print(f"synthetic x{args.scale} ({len(big)} triples, generated in {time.perf_counter() - started:.1f} s)")
    results[f"synthetic_x{args.scale}"] = measure(big, options, exact=args.exact)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "network.json").write_text(json.dumps(results, indent=2))
    print(f"wrote {RESULTS / 'network.json'}")


if __name__ == "__main__":
    main()
