"""Qualified roles (issue 12): every role of an organisation has a basis, the direct properties hold
stated roles only, and the network, key players, lists and stats tell stated from assumed."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from rdflib import Graph, URIRef

from mkbgraph.api.app import create_app
from mkbgraph.config import PROJECT_ROOT, Settings
from mkbgraph.graph.load import load_graph
from mkbgraph.graph.stats import graph_stats
from mkbgraph.graph.store import OxigraphStore
from mkbgraph.network.metrics import MetricOptions, key_players
from mkbgraph.network.projection import ASSUMED, STATED, Projection, full_graph
from mkbgraph.sparql.catalogue import Catalogue
from mkbgraph.vocab import MKB, PREFIXES

from .test_network_graphs import PREFIX_BLOCK, THEMES

CATALOGUE = Catalogue.load(PROJECT_ROOT / "queries")
EZK = URIRef(PREFIXES["orgn"] + "ezk")
BASIS = PREFIXES["basis"]
ORG = "http://www.w3.org/ns/org#"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"


@pytest.fixture(scope="module")
def graph() -> Graph:
    settings = Settings()
    return load_graph(settings.ontology_dir, settings.data_dir, None, check=False).graph


@pytest.fixture(scope="module")
def store(graph: Graph) -> OxigraphStore:
    return OxigraphStore(graph)


def test_a_naive_lead_query_sees_only_stated_leads(graph: Graph) -> None:
    # "Per 1 april 2019 is de aanmelding voor de ... TTT-regeling opengesteld": no lead named;
    # EZK is the lead only as owner of the chapter.
    ttt = URIRef(PREFIXES["act"] + "ttt-regeling")
    assert (ttt, MKB.responsibleOrganisation, None) not in graph
    assert (ttt, MKB.assumedResponsibleOrganisation, EZK) in graph
    # "EZK blijft zich, samen met andere overheidsdiensten, inzetten ...": EZK is named
    brexit = URIRef(PREFIXES["act"] + "brexit-voorlichting")
    assert (brexit, MKB.responsibleOrganisation, EZK) in graph


def test_every_action_has_a_lead_stated_or_assumed(graph: Graph) -> None:
    leads = {
        subject
        for subject, statement in graph.subject_objects(MKB.qualifiedRole)
        if (statement, URIRef("http://www.w3.org/ns/prov#hadRole"), URIRef(PREFIXES["role"] + "lead"))
        in graph
    }
    actions = set(graph.subjects(URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"), MKB.Action))
    assert actions and actions <= leads


def test_the_roles_query_gives_quote_or_reason_by_basis(store: OxigraphStore) -> None:
    canned = CATALOGUE.get("roles")
    assert canned is not None
    rows = store.select(canned.bind({"org": "orgn:ezk"})).dicts()
    stated = [r for r in rows if str(r["basis"]) == BASIS + "stated"]
    assumed = [r for r in rows if str(r["basis"]) == BASIS + "assumed"]
    assert stated and assumed
    assert all(r["quote"] and not r["reason"] for r in stated)
    assert all(r["reason"] and not r["quote"] for r in assumed)
    only_assumed = store.select(canned.bind({"basis": "basis:assumed"})).dicts()
    assert {str(r["basis"]) for r in only_assumed} == {BASIS + "assumed"}


def test_stats_count_roles_by_basis_and_amounts_by_kind(store: OxigraphStore, graph: Graph) -> None:
    stats = graph_stats(store)
    statements = set(graph.objects(None, MKB.qualifiedRole))
    assert stats["roles_stated"] + stats["roles_assumed"] == len(statements)
    assert stats["roles_assumed"] == len(set(graph.subjects(MKB.basis, URIRef(BASIS + "assumed"))))
    assert stats["amounts_budget"] + stats["amounts_other"] == stats["amounts"]
    assert stats["amounts_budget"] == len(
        set(graph.subjects(MKB.amountKind, URIRef(PREFIXES["akind"] + "budget")))
    )


def test_lists_mark_assumed_leads(store: OxigraphStore) -> None:
    canned = CATALOGUE.get("action-lead-and-partners")
    assert canned is not None
    rows = store.select(canned.bind({"action": "act:ttt-regeling"})).dicts()
    assert [str(r["leads"]) for r in rows] == ["EZK (aangenomen)"]


# --------------------------------------------------------------------------- the network

NETWORK = (
    THEMES
    + """
orgn:ezk a org:Organization ; skos:prefLabel "Ministerie van Economische Zaken en Klimaat"@nl ; skos:altLabel "EZK"@nl ;
    org:classification okind:ministry .
orgn:kvk a org:Organization ; skos:prefLabel "Kamer van Koophandel"@nl ; skos:altLabel "KVK"@nl .
act:genoemd a mkb:Action ; rdfs:label "Genoemde actie"@nl ; mkb:theme theme:t1 ;
    mkb:responsibleOrganisation orgn:kvk ;
    prov:wasDerivedFrom [ a mkb:Excerpt ; prov:value "KVK start de actie." ; mkb:inSection sec:x ] .
act:aangenomen a mkb:Action ; rdfs:label "Aangenomen actie"@nl ; mkb:theme theme:t1 ;
    mkb:assumedResponsibleOrganisation orgn:ezk ; mkb:involvedOrganisation orgn:kvk ;
    prov:wasDerivedFrom [ a mkb:Excerpt ; prov:value "Met KVK gaat de actie van start." ; mkb:inSection sec:x ] .
"""
)


def test_network_edges_carry_their_basis_and_assumed_ones_only_on_request() -> None:
    data = Graph().parse(data=PREFIX_BLOCK + NETWORK, format="turtle")
    ezk, action = str(EZK), PREFIXES["act"] + "aangenomen"
    stated_only = full_graph(data)
    assert not stated_only.has_edge(action, ezk)
    assert {d["basis"] for _, _, d in stated_only.edges(data=True)} == {STATED}
    both = full_graph(data, Projection(include_assumed=True))
    assert both[action][ezk]["responsible"]["basis"] == ASSUMED
    stated_players = key_players(stated_only, None, MetricOptions())
    all_players = key_players(both, None, MetricOptions(include_assumed=True))
    leads = {o["iri"]: o["leads"] for o in all_players["organisations"]}
    assert leads[ezk] == 1 and all_players["assumed_roles_included"] is True
    assert ezk not in {o["iri"] for o in stated_players["organisations"]}


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    folder: Path = tmp_path_factory.mktemp("roles-api")
    (folder / "graph.ttl").write_text(PREFIX_BLOCK + NETWORK, encoding="utf-8")
    with TestClient(create_app(Settings(data_dir=folder, validate_on_load=False))) as running:
        yield running


def test_key_players_api_counts_stated_roles_unless_asked(client: TestClient) -> None:
    default = client.get("/api/network/key-players").json()
    asked = client.get("/api/network/key-players", params={"assumed": "true"}).json()
    assert default["assumed_roles_included"] is False and asked["assumed_roles_included"] is True
    assert str(EZK) not in {o["iri"] for o in default["organisations"]}
    assert {o["iri"]: o["leads"] for o in asked["organisations"]}[str(EZK)] == 1


def test_pages_mark_assumed_leads(client: TestClient) -> None:
    # the organisation page lists the action EZK is assumed to lead, with the marker in the lead column
    html = client.get("/id/organisation/ezk").text
    assert "Aangenomen actie" in html
    assert "(aangenomen)" in html
    # the action led by KVK according to the report carries no marker for KVK
    kvk = client.get("/id/organisation/kvk").text
    assert "Genoemde actie" in kvk


#: Stated roles whose quote names the organisation in another way, each with the reason.
QUOTE_NAMES_OTHERWISE = {
    # the box "We doen graag mee aan de match-tafels van Veluwe Portaal." is signed
    # "Frank Bieze, directeur Bieze Food Group"
    ("ins:veluwe-portaal", "orgn:bieze-food-group"),
}


def test_a_stated_role_is_backed_by_a_quote_that_names_the_organisation(graph: Graph) -> None:
    """The quote names the organisation (a label or altLabel) or one of its posts (a minister)."""
    prov = "http://www.w3.org/ns/prov#"
    skos = "http://www.w3.org/2004/02/skos/core#"
    label_properties = [URIRef(skos + "prefLabel"), URIRef(skos + "altLabel"), URIRef(RDFS_LABEL)]

    def names(node: URIRef) -> set[str]:
        return {str(v).lower() for p in label_properties for v in graph.objects(node, p) if len(str(v)) > 1}

    unnamed = []
    for subject, statement in graph.subject_objects(MKB.qualifiedRole):
        if (statement, MKB.basis, URIRef(BASIS + "stated")) not in graph:
            continue
        org = graph.value(statement, URIRef(prov + "agent"))
        assert isinstance(org, URIRef)
        known = names(org).union(*(names(post) for post in graph.subjects(URIRef(ORG + "postIn"), org)))
        quote = str(
            graph.value(graph.value(statement, URIRef(prov + "wasDerivedFrom")), URIRef(prov + "value"))
        )
        short = (graph.namespace_manager.normalizeUri(subject), graph.namespace_manager.normalizeUri(org))
        if not any(name in quote.lower() for name in known) and short not in QUOTE_NAMES_OTHERWISE:
            unnamed.append(f"{short}: {quote[:80]}")
    assert unnamed == []
