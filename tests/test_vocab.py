"""The one table of kinds and relations: every data IRI and every edge type of the real graph is in it."""

from __future__ import annotations

from rdflib import Graph, URIRef

from mkbgraph.network.projection import KINDS, full_graph
from mkbgraph.vocab import (
    ASSUMED,
    ID,
    KIND_BY_KEY,
    KIND_TABLE,
    MKB,
    PREFIXES,
    RELATION_BY_KEY,
    RELATION_TABLE,
    STATED,
    kind_of_iri,
)
from mkbgraph.web.network_view import VIEW_KINDS, legend
from mkbgraph.web.rendering import KIND_NAMES


def test_every_data_iri_of_the_real_graph_has_a_kind_in_the_table(real_graph: Graph) -> None:
    iris = {
        t for triple in real_graph for t in triple if isinstance(t, URIRef) and str(t).startswith(str(ID))
    }
    assert iris, "the real graph has data IRIs"
    unknown = sorted(str(i) for i in iris if kind_of_iri(i) == "")
    assert unknown == []


def test_kind_of_iri_reads_the_path_and_tells_terms_and_strangers_apart() -> None:
    assert kind_of_iri(f"{ID}regional-deal/zeeland") == "regional-deal"
    assert kind_of_iri(f"{ID}nonsense/x") == ""
    assert kind_of_iri(MKB.Action) == "term"
    assert kind_of_iri("https://example.org/id/action/x") == ""


def test_keys_and_prefixes_are_unique_and_every_prefix_is_bound() -> None:
    keys = [k.key for k in KIND_TABLE]
    prefixes = [k.prefix for k in KIND_TABLE]
    assert len(set(keys)) == len(keys) and len(set(prefixes)) == len(prefixes)
    for kind in KIND_TABLE:
        assert PREFIXES[kind.prefix] == f"{ID}{kind.key}/"
    # one row per (key, basis): an assumed role (issue 12) is its own row with the key of the stated one
    assert len({(r.key, r.basis) for r in RELATION_TABLE}) == len(RELATION_TABLE)
    assert {r.basis for r in RELATION_TABLE} == {STATED, ASSUMED}
    assert {r.key for r in RELATION_TABLE if r.basis == ASSUMED} <= set(RELATION_BY_KEY)
    assert len(RELATION_BY_KEY) == len({r.key for r in RELATION_TABLE})
    assert all(r.basis == STATED for r in RELATION_BY_KEY.values())
    assert len({r.predicate for r in RELATION_TABLE}) == len(RELATION_TABLE)


def test_the_network_the_pages_and_the_legend_read_the_same_table(real_graph: Graph) -> None:
    full = full_graph(real_graph)
    node_kinds = {kind for _, kind in full.nodes(data="kind")}
    assert node_kinds <= set(KINDS) <= set(KIND_BY_KEY)
    relations = {data["relation"] for _, _, data in full.edges(data=True)}
    assert relations <= set(RELATION_BY_KEY)
    assert {k.key: k.nl for k in KIND_TABLE} == KIND_NAMES
    assert [entry["kind"] for entry in legend()] == [k.key for k in VIEW_KINDS]
    assert all(entry["color"] == KIND_BY_KEY[entry["kind"]].colour for entry in legend())
