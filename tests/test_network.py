"""Network analytics: key players, gaps, paths, communities, layout and exports, on hand-built
graphs with known answers and on the real data."""

from __future__ import annotations

import csv
import io
import json
import math
import statistics
from pathlib import Path

import networkx as nx
import numpy as np
import pytest
from rdflib import Graph, URIRef
from typer.testing import CliRunner

from mkbgraph.cli.main import app as cli_app
from mkbgraph.config import Settings
from mkbgraph.graph.store import LiveGraph
from mkbgraph.network.export import EXPORT_FORMATS, LIST_SEPARATOR, export_graph
from mkbgraph.network.layout import (
    LAYOUT_WORK_BUDGET,
    capped_iterations,
    layout_quality,
    mesh_layout,
    mesh_repulsion,
    repulsion_kernels,
)
from mkbgraph.network.metrics import (
    CACHE,
    MetricOptions,
    NetworkAnalysis,
    NetworkCache,
    attach,
    centrality,
    compute_layout,
)
from mkbgraph.network.paths import AmbiguousResource, NoPath, UnknownResource
from mkbgraph.network.projection import full_graph, stakeholder_graph

from .test_network_graphs import BRIDGE, REQUESTS, STAR, iri, rdf, write_data

OPTIONS = MetricOptions()


def make_analysis(turtle: str, options: MetricOptions = OPTIONS) -> NetworkAnalysis:
    graph = rdf(turtle)
    return NetworkAnalysis("test", graph, full_graph(graph), options)


@pytest.fixture(scope="module")
def star() -> NetworkAnalysis:
    return make_analysis(STAR)


@pytest.fixture(scope="module")
def bridge() -> NetworkAnalysis:
    return make_analysis(BRIDGE)


@pytest.fixture(scope="module")
def requests() -> NetworkAnalysis:
    return make_analysis(REQUESTS)


def by_iri(entries: list[dict]) -> dict[str, dict]:
    return {e["iri"]: e for e in entries}


# ----------------------------------------------------------------------------- key players


def test_the_hub_of_a_star_is_the_key_player(star: NetworkAnalysis) -> None:
    players = star.key_players()
    orgs = by_iri(players["organisations"])
    hub = orgs[iri("orgn:hub")]
    assert hub["degree"] == 4
    assert hub["weighted_degree"] == 4
    assert hub["betweenness"] == pytest.approx(1.0)
    assert hub["leads"] == 5 and hub["solo"] == 1 and hub["partners"] == 0
    assert players["organisations"][0]["iri"] == iri("orgn:hub")  # highest PageRank first
    for spoke in (iri(f"orgn:s{i}") for i in range(1, 5)):
        assert orgs[spoke]["betweenness"] == 0.0
        assert orgs[spoke]["degree"] == 1
        assert orgs[spoke]["partners"] == 1
        assert orgs[spoke]["pagerank"] < hub["pagerank"]
    assert players["approximate"] is False
    assert players["leads_most"][0] == {
        "iri": iri("orgn:hub"),
        "label": "Hub Ministerie",
        "abbr": "HUB",
        "leads": 5,
    }
    assert [o["iri"] for o in players["acts_alone"]] == [iri("orgn:hub")]
    assert {o["iri"] for o in players["partners_most"]} == {iri(f"orgn:s{i}") for i in range(1, 5)}


def test_key_players_per_theme_only_count_that_theme(bridge: NetworkAnalysis) -> None:
    theme_two = bridge.key_players(iri("theme:t2"))
    orgs = by_iri(theme_two["organisations"])
    assert set(orgs) == {iri(f"orgn:{o}") for o in "def"}
    assert orgs[iri("orgn:d")]["leads"] == 4  # d-e and d-f, two actions each; c-d is theme 1
    assert all(o["betweenness"] == 0.0 for o in orgs.values())  # a triangle has no broker


def test_bridge_ends_have_the_highest_betweenness(bridge: NetworkAnalysis) -> None:
    ranked = sorted(bridge.key_players()["organisations"], key=lambda o: -o["betweenness"])
    assert {ranked[0]["iri"], ranked[1]["iri"]} == {iri("orgn:c"), iri("orgn:d")}
    assert ranked[0]["betweenness"] == pytest.approx(0.6)  # c is on the paths of 6 of the 10 pairs without c


def test_large_graphs_get_sampled_betweenness_and_say_so(star: NetworkAnalysis) -> None:
    small_limit = MetricOptions(exact_max_nodes=3, betweenness_k=2)
    scores = centrality(stakeholder_graph(star.full), small_limit)
    assert scores["approximate"] is True
    assert centrality(stakeholder_graph(star.full), OPTIONS)["approximate"] is False
    sampled = make_analysis(STAR, small_limit).key_players()
    assert sampled["approximate"] is True


def test_eigenvector_is_reported_as_not_converged_on_a_graph_without_ties() -> None:
    lonely = nx.Graph()
    lonely.add_nodes_from(["x", "y"])
    scores = centrality(lonely, OPTIONS)
    assert scores["eigenvector_converged"] is False
    assert scores["nodes"]["x"]["eigenvector"] is None


# ----------------------------------------------------------------------------- gaps


def test_gaps_of_the_star(star: NetworkAnalysis) -> None:
    gaps = star.gaps()
    assert [a["iri"] for a in gaps["solo_actions"]] == [iri("act:solo")]
    assert gaps["solo_actions"][0]["lead"][0]["iri"] == iri("orgn:hub")
    assert {o["iri"] for o in gaps["never_lead"]} == {iri(f"orgn:s{i}") for i in range(1, 5)}
    theme_one = by_iri(gaps["themes"])[iri("theme:t1")]
    assert [p["iri"] for p in theme_one["articulation_points"]] == [iri("orgn:hub")]
    assert len(theme_one["bridges"]) == 4
    assert [p["iri"] for p in theme_one["hangs_on"]] == [iri("orgn:hub")]  # every action needs the hub
    assert theme_one["actions"] == 5


def test_gaps_of_the_bridge(bridge: NetworkAnalysis) -> None:
    themes = by_iri(bridge.gaps()["themes"])
    one, two = themes[iri("theme:t1")], themes[iri("theme:t2")]
    assert [p["iri"] for p in one["articulation_points"]] == [iri("orgn:c")]
    assert [[e["iri"] for e in b["between"]] for b in one["bridges"]] == [[iri("orgn:c"), iri("orgn:d")]]
    assert one["bridges"][0]["actions"] == [iri("act:c-d-1")]
    assert two["articulation_points"] == [] and two["bridges"] == [] and two["hangs_on"] == []


def test_gaps_in_requests_and_instruments(requests: NetworkAnalysis) -> None:
    gaps = requests.gaps()
    assert {r["iri"] for r in gaps["unanswered_requests"]} == {iri("mot:niemand"), iri("req:vraag")}
    assert [(r["iri"], r["action"]["iri"]) for r in gaps["single_action_requests"]] == [
        (iri("mot:enkel"), iri("act:tweede"))
    ]
    assert [i["iri"] for i in gaps["unused_instruments"]] == [iri("ins:ongebruikt")]
    assert {o["iri"] for o in gaps["never_lead"]} == {iri("orgn:kvk"), iri("orgn:zonder-label")}


def test_gaps_per_theme_only_look_at_that_theme(requests: NetworkAnalysis) -> None:
    gaps = requests.gaps(iri("theme:t2"))
    assert [t["iri"] for t in gaps["themes"]] == [iri("theme:t2")]
    assert {o["iri"] for o in gaps["never_lead"]} == {iri("orgn:zonder-label")}
    assert gaps["unanswered_requests"] == []  # unanswered requests belong to no theme


# ----------------------------------------------------------------------------- communities


def test_louvain_finds_the_two_triangles_with_their_themes(bridge: NetworkAnalysis) -> None:
    found = bridge.communities()
    members = [{m["iri"] for m in c["members"]} for c in found["communities"]]
    assert sorted(members, key=min) == [{iri(f"orgn:{o}") for o in "abc"}, {iri(f"orgn:{o}") for o in "def"}]
    for community in found["communities"]:
        dominant = community["dominant_themes"][0]
        expected = "theme:t1" if iri("orgn:a") in {m["iri"] for m in community["members"]} else "theme:t2"
        assert dominant["iri"] == iri(expected)
        assert dominant["actions"] == (6 if expected == "theme:t2" else 7)
    assert found["membership"][iri("orgn:a")] != found["membership"][iri("orgn:f")]
    assert found["modularity"] > 0.3
    assert bridge.communities() is found  # computed once


def test_node_metrics_colour_actions_like_their_organisations(bridge: NetworkAnalysis) -> None:
    metrics = bridge.node_metrics()
    assert set(metrics) == set(bridge.full.nodes)
    community_of_a = metrics[iri("orgn:a")]["community"]
    assert metrics[iri("act:a-b-1")]["community"] == community_of_a
    assert metrics[iri("theme:t1")]["community"] == -1  # next to no organisation
    assert metrics[iri("orgn:c")]["betweenness"] > 0 and metrics[iri("act:a-b-1")]["betweenness"] == 0.0


def test_layout_places_every_node_in_the_unit_square_reproducibly(bridge: NetworkAnalysis) -> None:
    positions = bridge.layout()
    assert set(positions) == set(bridge.full.nodes)
    assert all(-1.0001 <= x <= 1.0001 and -1.0001 <= y <= 1.0001 for x, y in positions.values())
    assert compute_layout(bridge.full, OPTIONS) == positions
    assert len(set(positions.values())) == len(positions)


def test_mesh_layout_of_a_large_graph_keeps_neighbours_close() -> None:
    graph = nx.relabel_nodes(nx.connected_caveman_graph(60, 10), str)  # 600 nodes in 60 cliques
    positions = mesh_layout(graph, 50, 42)
    assert mesh_layout(graph, 50, 42) == positions
    assert all(-1.0 <= x <= 1.0 and -1.0 <= y <= 1.0 for x, y in positions.values())

    def distance(a: str, b: str) -> float:
        return math.dist(positions[a], positions[b])

    edge_mean = statistics.mean(distance(a, b) for a, b in graph.edges())
    nodes = sorted(graph.nodes)
    pair_mean = statistics.mean(distance(a, b) for a, b in zip(nodes, reversed(nodes), strict=True))
    assert edge_mean < pair_mean / 3
    assert layout_quality(graph, positions)["crowded"] == 0.0


def test_mesh_repulsion_agrees_with_the_sum_over_all_pairs() -> None:
    rng = np.random.default_rng(3)
    points = np.vstack([rng.normal((-0.5, 0.0), 0.15, (300, 2)), rng.normal((0.6, 0.3), 0.1, (200, 2))])
    ideal = 0.1
    mesh, cell = mesh_repulsion(points, ideal, 64, repulsion_kernels(64))
    delta = points[:, None, :] - points[None, :, :]
    squared = (delta**2).sum(axis=-1)
    np.fill_diagonal(squared, np.inf)
    direct = (delta * (ideal * ideal / squared)[..., None]).sum(axis=1)
    cosine = (mesh * direct).sum(axis=1) / np.linalg.norm(mesh, axis=1) / np.linalg.norm(direct, axis=1)
    error = np.linalg.norm(mesh - direct, axis=1) / np.linalg.norm(direct, axis=1)
    assert np.median(cosine) > 0.98 and np.median(error) < 0.2
    assert 0 < cell < 2.0 / 64


def test_a_hub_heavy_graph_does_not_collapse() -> None:
    """Hubs pull their neighbours in; the long-range repulsion keeps the rest evenly spread."""
    graph = nx.relabel_nodes(nx.barabasi_albert_graph(3000, 2, seed=1), str)
    figures = layout_quality(graph, mesh_layout(graph, 30, 42))
    assert figures["crowded"] < 0.05 and figures["spacing"] > 0.3
    assert figures["edge_ratio"] < 0.5


def test_layout_iterations_are_capped_by_a_work_budget() -> None:
    assert capped_iterations(2_000, 50) == 50
    assert capped_iterations(230_000, 50) == 50  # the 100x synthetic graph: 62k nodes + 164k edges
    assert capped_iterations(LAYOUT_WORK_BUDGET // 20, 50) == 20
    assert capped_iterations(LAYOUT_WORK_BUDGET, 50) == 10  # never below ten
    assert capped_iterations(LAYOUT_WORK_BUDGET, 5) == 5


# ----------------------------------------------------------------------------- paths


def test_path_from_kvk_to_the_motion_is_explained_step_by_step(requests: NetworkAnalysis) -> None:
    result = requests.path("KVK", "motie Wiersma")
    assert result["from"]["iri"] == iri("orgn:kvk") and result["to"]["iri"] == iri("mot:wiersma")
    first, second = result["steps"]
    assert (first["relation"], first["direction"], first["subject"], first["object"]) == (
        "involved",
        "backward",
        iri("act:scholing"),
        iri("orgn:kvk"),
    )
    assert first["label"] == "betrokken organisatie"
    assert first["quote"] == "Met KVK start EZK scholing na de motie Wiersma c.s."
    assert first["section"] == iri("sec:scholing")
    assert (second["relation"], second["direction"], second["to"]["label"]) == (
        "answers",
        "forward",
        "Motie Wiersma c.s.",
    )
    for step in result["steps"]:
        assert (URIRef(step["subject"]), URIRef(step["predicate"]), URIRef(step["object"])) in requests.graph


@pytest.mark.parametrize(
    "name",
    ["KVK", "kvk", "Kamer van Koophandel", "orgn:kvk", "https://w3id.org/mkbgraph/id/organisation/kvk"],
)
def test_resources_resolve_by_abbreviation_label_prefixed_name_or_iri(
    requests: NetworkAnalysis, name: str
) -> None:
    assert requests.resolve(name) == iri("orgn:kvk")


def test_exact_names_win_over_partial_ones(requests: NetworkAnalysis) -> None:
    assert requests.resolve("EZK") == iri("orgn:ezk")  # also inside "ministerie van EZK"
    assert requests.resolve("Anne Wiersma") == iri("per:wiersma")  # also inside nothing else
    assert requests.resolve("motie wiersma c.s.") == iri("mot:wiersma")
    with pytest.raises(AmbiguousResource) as both:
        requests.resolve("Wiersma")  # the slug of the person and of the motion
    assert {c["iri"] for c in both.value.candidates} == {iri("per:wiersma"), iri("mot:wiersma")}


def test_ambiguous_and_unknown_names_list_candidates(requests: NetworkAnalysis) -> None:
    with pytest.raises(AmbiguousResource) as ambiguous:
        requests.resolve("motie")
    assert {c["iri"] for c in ambiguous.value.candidates} == {
        iri("mot:wiersma"),
        iri("mot:enkel"),
        iri("mot:niemand"),
    }
    assert "3 resources" in str(ambiguous.value)
    with pytest.raises(UnknownResource) as unknown:
        requests.resolve("Motje Nergens")
    assert "Motje Nergens" in str(unknown.value)


def test_no_path_to_an_isolated_instrument(requests: NetworkAnalysis) -> None:
    with pytest.raises(NoPath):
        requests.path("KVK", "Ongebruikte regeling")


def test_themes_are_stepping_stones_only_when_asked(requests: NetworkAnalysis) -> None:
    with pytest.raises(NoPath, match="through_hubs"):
        requests.path("Verre Organisatie", "KVK")
    result = requests.path("Verre Organisatie", "KVK", through_hubs=True)
    assert iri("theme:t1") in [s["to"]["iri"] for s in result["steps"]]


def test_themes_resolve_by_number_label_or_slug(requests: NetworkAnalysis) -> None:
    assert requests.resolve_theme("2") == iri("theme:t2")
    assert requests.resolve_theme("thema een") == iri("theme:t1")
    assert requests.resolve_theme("t1") == iri("theme:t1")
    with pytest.raises(UnknownResource):
        requests.resolve_theme("KVK")  # an organisation is not a theme


# ----------------------------------------------------------------------------- exports


def _assert_same_graph(original: nx.Graph, loaded: nx.Graph) -> None:
    assert loaded.number_of_nodes() == original.number_of_nodes()
    assert loaded.number_of_edges() == original.number_of_edges()
    for node, data in original.nodes(data=True):
        for key, value in data.items():
            expected = LIST_SEPARATOR.join(value) if isinstance(value, list) else value
            assert loaded.nodes[node][key] == expected, (node, key)
    original_edges = sorted((u, v, d["relation"], d["quote"]) for u, v, d in original.edges(data=True))
    loaded_edges = sorted((u, v, d["relation"], d["quote"]) for u, v, d in loaded.edges(data=True))
    assert loaded_edges == original_edges


def test_graphml_round_trip(requests: NetworkAnalysis) -> None:
    loaded = nx.read_graphml(io.BytesIO(export_graph(requests.full, "graphml")), force_multigraph=True)
    assert loaded.is_directed()
    _assert_same_graph(requests.full, loaded)


def test_gexf_round_trip(requests: NetworkAnalysis) -> None:
    loaded = nx.read_gexf(io.BytesIO(export_graph(requests.full, "gexf")))
    _assert_same_graph(requests.full, loaded)


def test_node_link_json_round_trip_keeps_lists(requests: NetworkAnalysis) -> None:
    data = json.loads(export_graph(requests.full, "json"))
    loaded = nx.node_link_graph(data, edges="links")
    assert loaded.number_of_nodes() == requests.full.number_of_nodes()
    assert loaded.number_of_edges() == requests.full.number_of_edges()
    assert loaded.nodes[iri("per:wiersma")]["themes"] == [iri("theme:t1"), iri("theme:t2")]


def test_csv_edge_list_has_one_row_per_edge(bridge: NetworkAnalysis) -> None:
    stakeholders = stakeholder_graph(bridge.full)
    rows = list(csv.DictReader(io.StringIO(export_graph(stakeholders, "csv").decode("utf-8"))))
    assert len(rows) == stakeholders.number_of_edges()
    row = next(r for r in rows if {r["source"], r["target"]} == {iri("orgn:c"), iri("orgn:d")})
    assert row["weight"] == "1" and row["actions"] == iri("act:c-d-1")
    assert {row["source_label"], row["target_label"]} == {"Organisatie C", "Organisatie D"}


def test_stakeholder_graphml_keeps_weights(bridge: NetworkAnalysis) -> None:
    stakeholders = stakeholder_graph(bridge.full)
    loaded = nx.read_graphml(io.BytesIO(export_graph(stakeholders, "graphml")))
    assert loaded[iri("orgn:a")][iri("orgn:b")]["weight"] == 2
    assert loaded.nodes[iri("orgn:a")]["actions"] == 4


def test_unknown_export_format_is_refused(bridge: NetworkAnalysis) -> None:
    with pytest.raises(ValueError, match="graphml, gexf, json, csv"):
        export_graph(bridge.full, "pdf")
    assert set(EXPORT_FORMATS) == {"graphml", "gexf", "json", "csv"}


# ----------------------------------------------------------------------------- cache


def test_the_cache_keys_on_the_snapshot_and_a_reload_clears_it(tmp_path: Path) -> None:
    data = write_data(tmp_path / "data", STAR)
    live = LiveGraph(Settings(data_dir=data, validate_on_load=False))
    cache = NetworkCache()
    attach(live, cache)
    attach(live, cache)  # idempotent
    first = cache.get(live.current)
    assert cache.get(live.current) is first
    assert len(cache) == 1
    write_data(data, BRIDGE)
    outcome = live.reload()
    assert outcome.ok
    assert len(cache) == 0  # the listener dropped the old snapshot's figures
    second = cache.get(live.current)
    assert second is not first
    assert iri("orgn:hub") not in second.full


def test_module_cache_serves_the_web_view(tmp_path: Path) -> None:
    from mkbgraph.network.metrics import layout, node_metrics

    live = LiveGraph(Settings(data_dir=write_data(tmp_path / "data", BRIDGE), validate_on_load=False))
    positions = layout(live.current)
    metrics = node_metrics(live.current)
    assert set(positions) == set(metrics)
    assert layout(live.current) is positions
    assert any(key[0] == live.current.version for key in CACHE._entries)


# ----------------------------------------------------------------------------- CLI


def test_cli_stats_json_and_path_exit_codes(tmp_path: Path) -> None:
    data = str(write_data(tmp_path / "data", REQUESTS))
    runner = CliRunner()
    stats = runner.invoke(cli_app, ["network", "stats", "--json", "--data", data])
    assert stats.exit_code == 0, stats.output
    parsed = json.loads(stats.stdout)
    assert parsed["key_players"]["organisations"][0]["iri"] == iri("orgn:ezk")
    assert {r["iri"] for r in parsed["gaps"]["unanswered_requests"]} == {iri("mot:niemand"), iri("req:vraag")}
    themed = runner.invoke(cli_app, ["network", "stats", "--theme", "Thema twee", "--data", data])
    assert themed.exit_code == 0 and "Key players" in themed.stdout
    found = runner.invoke(cli_app, ["network", "path", "KVK", "motie Wiersma", "--data", data])
    assert found.exit_code == 0
    assert "betrokken organisatie" in found.stdout and "Met KVK start EZK scholing" in found.stdout
    ambiguous = runner.invoke(cli_app, ["network", "path", "KVK", "motie", "--data", data])
    assert ambiguous.exit_code == 2
    assert "Motie Niemand" in ambiguous.stderr
    unconnected = runner.invoke(cli_app, ["network", "path", "KVK", "Ongebruikte regeling", "--data", data])
    assert unconnected.exit_code == 1


def test_cli_communities_and_export(tmp_path: Path) -> None:
    data = str(write_data(tmp_path / "data", BRIDGE))
    runner = CliRunner()
    communities = runner.invoke(cli_app, ["network", "communities", "--data", data])
    assert communities.exit_code == 0
    assert "Organisatie A" in communities.stdout and "Thema twee" in communities.stdout
    target = tmp_path / "out.gexf"
    exported = runner.invoke(
        cli_app,
        [
            "network",
            "export",
            "--format",
            "gexf",
            "--graph",
            "stakeholder",
            "--output",
            str(target),
            "--data",
            data,
        ],
    )
    assert exported.exit_code == 0
    assert nx.read_gexf(target).number_of_nodes() == 6
    refused = runner.invoke(cli_app, ["network", "export", "--format", "pdf", "--data", data])
    assert refused.exit_code == 2


# ----------------------------------------------------------------------------- real data


@pytest.fixture(scope="module")
def real(real_graph: Graph) -> NetworkAnalysis:
    return NetworkAnalysis("real", real_graph, full_graph(real_graph), OPTIONS)


def test_every_edge_of_the_real_projection_is_a_triple(real: NetworkAnalysis, real_graph: Graph) -> None:
    assert real.full.number_of_edges() > 0
    for subject, obj, data in real.full.edges(data=True):
        assert (URIRef(subject), URIRef(data["predicate"]), URIRef(obj)) in real_graph


def test_ezk_is_among_the_most_central_organisations(real: NetworkAnalysis) -> None:
    organisations = real.key_players()["organisations"]
    ezk = iri("orgn:ezk")
    top_pagerank = [o["iri"] for o in sorted(organisations, key=lambda o: -o["pagerank"])[:3]]
    top_betweenness = [o["iri"] for o in sorted(organisations, key=lambda o: -o["betweenness"])[:3]]
    top_degree = [o["iri"] for o in sorted(organisations, key=lambda o: -o["degree"])[:3]]
    assert ezk in top_pagerank and ezk in top_betweenness and ezk in top_degree


@pytest.mark.parametrize(
    ("source", "target"), [("KVK", "EZK"), ("SZW", "OCW"), ("orgn:kvk", "Menselijk kapitaal")]
)
def test_real_paths_exist_and_every_step_is_a_triple(
    real: NetworkAnalysis, real_graph: Graph, source: str, target: str
) -> None:
    result = real.path(source, target)
    assert result["length"] >= 1
    previous = result["from"]["iri"]
    for step in result["steps"]:
        assert step["from"]["iri"] == previous
        assert (URIRef(step["subject"]), URIRef(step["predicate"]), URIRef(step["object"])) in real_graph
        assert {step["subject"], step["object"]} == {step["from"]["iri"], step["to"]["iri"]}
        previous = step["to"]["iri"]
    assert previous == result["to"]["iri"]


def test_the_real_layout_spreads_nodes_and_keeps_neighbours_close(real: NetworkAnalysis) -> None:
    """Measured before the mesh layout: edge_ratio 0.30, crowded 0.0, spacing 0.57 (bench_network.py)."""
    figures = layout_quality(nx.Graph(real.full), real.layout())
    assert figures["edge_ratio"] < 0.32 and figures["crowded"] < 0.01 and figures["spacing"] > 0.45


def test_real_themes_have_their_structure(real: NetworkAnalysis) -> None:
    theme = real.resolve_theme("Menselijk kapitaal")
    assert theme == iri("theme:menselijk-kapitaal")
    players = real.key_players(theme)
    assert iri("orgn:ezk") in {o["iri"] for o in players["organisations"]}
    structures = real.gaps()["themes"]
    assert len(structures) == 7


def test_real_exports_round_trip(real: NetworkAnalysis) -> None:
    graphml = nx.read_graphml(io.BytesIO(export_graph(real.full, "graphml")), force_multigraph=True)
    _assert_same_graph(real.full, graphml)
    gexf = nx.read_gexf(io.BytesIO(export_graph(real.full, "gexf")))
    _assert_same_graph(real.full, gexf)
