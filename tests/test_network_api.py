"""The network API under /api/network: content, the one error shape, OpenAPI docs, exports, cache."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

import networkx as nx
import pytest
from fastapi.testclient import TestClient
from rdflib import Graph, URIRef

from mkbgraph.api.app import create_app
from mkbgraph.config import Settings
from mkbgraph.network.metrics import analysis

from .test_network_graphs import BRIDGE, PREFIX_BLOCK, REQUESTS, iri, write_data


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    """An app over the hand-built motions graph plus the bridge (validation off: they are sketches)."""
    folder = tmp_path_factory.mktemp("network-api")
    write_data(folder, REQUESTS)
    (folder / "bridge.ttl").write_text(PREFIX_BLOCK + BRIDGE, encoding="utf-8")
    with TestClient(create_app(Settings(data_dir=folder, validate_on_load=False))) as running:
        yield running  # the lifespan closes the query workers at the end


def assert_error(response, status: int, title: str) -> dict:  # type: ignore[no-untyped-def]
    assert response.status_code == status
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error"}
    assert body["error"]["status"] == status and body["error"]["title"] == title
    assert body["error"]["detail"]
    return body["error"]


def test_stats_has_key_players_and_gaps(client: TestClient) -> None:
    body = client.get("/api/network/stats").json()
    assert body["version"] == client.app.state.live.current.version  # type: ignore[attr-defined]
    organisations = {o["iri"]: o for o in body["key_players"]["organisations"]}
    assert organisations[iri("orgn:c")]["betweenness"] > 0
    assert organisations[iri("orgn:ezk")]["leads"] == 2
    assert body["key_players"]["approximate"] is False
    assert [i["iri"] for i in body["gaps"]["unused_instruments"]] == [iri("ins:ongebruikt")]


def test_theme_parameter_accepts_a_label_or_number(client: TestClient) -> None:
    by_number = client.get("/api/network/key-players", params={"theme": "2"}).json()
    by_label = client.get("/api/network/key-players", params={"theme": "Thema twee"}).json()
    assert by_number == by_label
    assert by_number["theme"] == iri("theme:t2")
    assert {o["iri"] for o in by_number["organisations"]} == {
        iri("orgn:d"),
        iri("orgn:e"),
        iri("orgn:f"),
        iri("orgn:ezk"),
        iri("orgn:zonder-label"),
    }
    gaps = client.get("/api/network/gaps", params={"theme": "theme:t1"}).json()
    assert [t["iri"] for t in gaps["themes"]] == [iri("theme:t1")]
    error = assert_error(
        client.get("/api/network/gaps", params={"theme": "Thema drie"}), 404, "Unknown resource"
    )
    assert "Thema drie" in error["detail"]


def test_path_is_a_chain_of_real_triples(client: TestClient) -> None:
    body = client.get("/api/network/path", params={"from": "KVK", "to": "motie Wiersma"}).json()
    assert body["length"] == 2
    assert [s["relation"] for s in body["steps"]] == ["involved", "answers"]
    assert [s["direction"] for s in body["steps"]] == ["backward", "forward"]
    graph: Graph = client.app.state.live.current.graph  # type: ignore[attr-defined]
    for step in body["steps"]:
        assert (URIRef(step["subject"]), URIRef(step["predicate"]), URIRef(step["object"])) in graph
    assert body["steps"][0]["quote"].startswith("Met KVK")


def test_path_errors_share_one_shape(client: TestClient) -> None:
    ambiguous = assert_error(
        client.get("/api/network/path", params={"from": "KVK", "to": "motie"}), 400, "Ambiguous name"
    )
    assert {c["iri"] for c in ambiguous["candidates"]} == {
        iri("mot:wiersma"),
        iri("mot:enkel"),
        iri("mot:niemand"),
    }
    unknown = assert_error(
        client.get("/api/network/path", params={"from": "Nergens BV", "to": "KVK"}), 404, "Unknown resource"
    )
    assert "Nergens BV" in unknown["detail"]
    assert_error(
        client.get("/api/network/path", params={"from": "KVK", "to": "Ongebruikte regeling"}), 404, "No path"
    )


def test_communities_and_nodes(client: TestClient) -> None:
    found = client.get("/api/network/communities").json()
    groups = [{m["iri"] for m in c["members"]} for c in found["communities"]]
    assert {iri("orgn:a"), iri("orgn:b"), iri("orgn:c")} in groups
    nodes = client.get("/api/network/nodes").json()["nodes"]
    by_node = {n["iri"]: n for n in nodes}
    assert by_node[iri("orgn:a")]["community"] == found["membership"][iri("orgn:a")]
    assert all(-1.0001 <= n["x"] <= 1.0001 and -1.0001 <= n["y"] <= 1.0001 for n in nodes)
    assert by_node[iri("act:scholing")]["kind"] == "action"


@pytest.mark.parametrize(
    ("fmt", "media_type"),
    [
        ("graphml", "application/graphml+xml"),
        ("gexf", "application/gexf+xml"),
        ("json", "application/json"),
        ("csv", "text/csv"),
    ],
)
def test_exports_download_and_load_back(client: TestClient, fmt: str, media_type: str) -> None:
    response = client.get("/api/network/export", params={"format": fmt, "graph": "stakeholder"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(media_type)
    assert f"mkbgraph-stakeholder.{fmt}" in response.headers["content-disposition"]
    if fmt == "graphml":
        loaded = nx.read_graphml(io.BytesIO(response.content))
    elif fmt == "gexf":
        loaded = nx.read_gexf(io.BytesIO(response.content))
    elif fmt == "json":
        loaded = nx.node_link_graph(response.json(), edges="links")
    else:
        rows = list(csv.DictReader(io.StringIO(response.text)))
        loaded = nx.Graph((r["source"], r["target"], {"weight": int(r["weight"])}) for r in rows)
    assert loaded[iri("orgn:a")][iri("orgn:b")]["weight"] in (2, 2.0)
    assert loaded.has_edge(iri("orgn:c"), iri("orgn:d"))


def test_export_refuses_unknown_format_and_graph(client: TestClient) -> None:
    body = assert_error(client.get("/api/network/export", params={"format": "pdf"}), 400, "Unknown format")
    assert body["code"] == "unknown_format" and "'pdf'" in body["detail"]
    body = assert_error(
        client.get("/api/network/export", params={"graph": "everything"}), 400, "Unknown graph"
    )
    assert body["code"] == "unknown_graph"


def test_openapi_documents_every_network_route(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    routes = {p: ops for p, ops in spec["paths"].items() if p.startswith("/api/network/")}
    assert set(routes) == {
        "/api/network/stats",
        "/api/network/key-players",
        "/api/network/gaps",
        "/api/network/path",
        "/api/network/communities",
        "/api/network/nodes",
        "/api/network/export",
    }
    for operations in routes.values():
        operation = operations["get"]
        assert operation["tags"] == ["network"]
        assert operation["summary"] and operation["description"]
        for parameter in operation.get("parameters", []):
            assert parameter.get("description"), parameter["name"]
    names = {p["name"] for p in routes["/api/network/path"]["get"]["parameters"]}
    assert names == {"from", "to", "through_hubs"}


def test_figures_are_computed_once_per_snapshot_and_dropped_on_reload(tmp_path: Path) -> None:
    data = write_data(tmp_path / "data", REQUESTS)
    app = create_app(Settings(data_dir=data, validate_on_load=False))
    client = TestClient(app)
    live = app.state.live
    first = client.get("/api/network/key-players").json()
    cached = analysis(live.current, app.state.network_options)
    assert cached.key_players() is cached.key_players()
    assert client.get("/api/network/key-players").json() == first
    (data / "bridge.ttl").write_text(PREFIX_BLOCK + BRIDGE, encoding="utf-8")
    assert live.reload().ok
    second = client.get("/api/network/key-players").json()
    assert second["version"] != first["version"]
    assert iri("orgn:a") in {o["iri"] for o in second["organisations"]}
    assert iri("orgn:a") not in {o["iri"] for o in first["organisations"]}
