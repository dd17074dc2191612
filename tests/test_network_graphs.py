"""Small hand-built graphs with known answers for the network tests (a star, a bridge between two
communities, motions and instruments), written as Turtle so the projection is tested too; and
the tests of the projection itself on them."""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import pytest
from rdflib import Graph, URIRef

from mkbgraph.config import Settings
from mkbgraph.network.projection import Projection, full_graph, motion_graph, stakeholder_graph
from mkbgraph.vocab import PREFIXES

PREFIX_BLOCK = "".join(f"@prefix {p}: <{iri}> .\n" for p, iri in PREFIXES.items())


def iri(prefixed: str) -> str:
    """'orgn:hub' -> the full IRI string."""
    prefix, local = prefixed.split(":", 1)
    return PREFIXES[prefix] + local


THEMES = """
theme:t1 a mkb:Theme ; skos:prefLabel "Thema een"@nl , "Theme one"@en ; skos:notation "1" .
theme:t2 a mkb:Theme ; skos:prefLabel "Thema twee"@nl ; skos:notation "2" .
line:l1 a mkb:ActionLine ; skos:prefLabel "Lijn een"@nl ; skos:broader theme:t1 .
"""

# A star: the hub leads four actions, each with one spoke as partner, and one action alone.
STAR = (
    THEMES
    + """
orgn:hub a org:Organization ; skos:prefLabel "Hub Ministerie"@nl ; skos:altLabel "HUB"@nl ;
    org:classification okind:ministry .
"""
    + "".join(
        f"""
orgn:s{i} a org:Organization ; skos:prefLabel "Spaak {i}"@nl .
act:a{i} a mkb:Action ; rdfs:label "Actie {i}"@nl ; mkb:theme theme:t1 ;
    mkb:responsibleOrganisation orgn:hub ; mkb:involvedOrganisation orgn:s{i} ;
    prov:wasDerivedFrom [ a mkb:Excerpt ; prov:value "Eerste zin zonder namen {i}." ; mkb:inSection sec:x ] ,
        [ a mkb:Excerpt ; prov:value "HUB werkt samen met Spaak {i}." ; mkb:inSection sec:y ] .
"""
        for i in range(1, 5)
    )
    + """
act:solo a mkb:Action ; rdfs:label "Solo-actie"@nl ; mkb:theme theme:t1 ; mkb:actionLine line:l1 ;
    mkb:responsibleOrganisation orgn:hub ;
    prov:wasDerivedFrom [ a mkb:Excerpt ; prov:value "De hub doet dit alleen." ; mkb:inSection sec:x ] .
"""
)


def _pair_actions(first: str, second: str, theme: str, count: int) -> str:
    return "".join(
        f"""
act:{first}-{second}-{k} a mkb:Action ; rdfs:label "Actie {first}{second} {k}"@nl ; mkb:theme theme:{theme} ;
    mkb:responsibleOrganisation orgn:{first} ; mkb:involvedOrganisation orgn:{second} ;
    prov:wasDerivedFrom [ a mkb:Excerpt ; prov:value "{first} en {second} samen." ; mkb:inSection sec:x ] .
"""
        for k in range(1, count + 1)
    )


# Two triangles (a, b, c in theme 1; d, e, f in theme 2), two actions per pair, and one action
# shared by c and d: the bridge.
BRIDGE = (
    THEMES
    + "".join(
        f'orgn:{o} a org:Organization ; skos:prefLabel "Organisatie {o.upper()}"@nl .\n' for o in "abcdef"
    )
    + _pair_actions("a", "b", "t1", 2)
    + _pair_actions("a", "c", "t1", 2)
    + _pair_actions("b", "c", "t1", 2)
    + _pair_actions("d", "e", "t2", 2)
    + _pair_actions("d", "f", "t2", 2)
    + _pair_actions("e", "f", "t2", 2)
    + _pair_actions("c", "d", "t1", 1)
)

# Motions answered by two actions, one action or none; a question; a used and an unused
# instrument; an organisation referenced but never described; an organisation reachable only
# through a theme.
REQUESTS = (
    THEMES
    + """
orgn:kvk a org:Organization ; skos:prefLabel "Kamer van Koophandel"@nl ; skos:altLabel "KVK"@nl .
orgn:ezk a org:Organization ; skos:prefLabel "Ministerie van Economische Zaken en Klimaat"@nl ;
    skos:altLabel "EZK"@nl , "ministerie van EZK"@nl ; org:classification okind:ministry .
orgn:ver a org:Organization ; skos:prefLabel "Verre Organisatie"@nl .
per:wiersma a person:Person ; rdfs:label "Anne Wiersma"@nl .
mot:wiersma a mkb:Motion ; rdfs:label "Motie Wiersma c.s."@nl ; mkb:submitter per:wiersma .
mot:enkel a mkb:Motion ; rdfs:label "Motie Enkel"@nl ; mkb:submitter per:wiersma .
mot:niemand a mkb:Motion ; rdfs:label "Motie Niemand"@nl .
req:vraag a mkb:MemberQuestion ; rdfs:label "Vragen van het lid Anders"@nl .
ins:slim a mkb:Instrument ; rdfs:label "SLIM-regeling"@nl ; mkb:ownerOrganisation orgn:ezk .
ins:ongebruikt a mkb:Instrument ; rdfs:label "Ongebruikte regeling"@nl .
act:scholing a mkb:Action ; rdfs:label "Scholing in het mkb"@nl ; mkb:theme theme:t1 ;
    mkb:responsibleOrganisation orgn:ezk ; mkb:involvedOrganisation orgn:kvk ;
    mkb:answers mot:wiersma ; mkb:usesInstrument ins:slim ;
    prov:wasDerivedFrom [ a mkb:Excerpt ; prov:value "Met KVK start EZK scholing na de motie Wiersma c.s." ;
        mkb:inSection sec:scholing ] .
act:tweede a mkb:Action ; rdfs:label "Tweede actie"@nl ; mkb:theme theme:t2 ;
    mkb:responsibleOrganisation orgn:ezk ; mkb:involvedOrganisation orgn:zonder-label ;
    mkb:answers mot:wiersma , mot:enkel ; mkb:usesInstrument ins:slim ;
    prov:wasDerivedFrom [ a mkb:Excerpt ; prov:value "Een tweede actie." ; mkb:inSection sec:x ] .
act:ver a mkb:Action ; rdfs:label "Verre actie"@nl ; mkb:theme theme:t1 ;
    mkb:responsibleOrganisation orgn:ver ;
    prov:wasDerivedFrom [ a mkb:Excerpt ; prov:value "Ver weg." ; mkb:inSection sec:x ] .
"""
)


def rdf(turtle: str, with_ontology: bool = True) -> Graph:
    """Parse a test graph, with the project's ontology for the relation labels."""
    graph = Graph()
    graph.parse(data=PREFIX_BLOCK + turtle, format="turtle")
    if with_ontology:
        for path in sorted(Settings().ontology_dir.glob("*.ttl")):
            graph.parse(path, format="turtle")
    return graph


def write_data(folder: Path, turtle: str) -> Path:
    """Write a test graph as a data folder (for the CLI and the app)."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "graph.ttl").write_text(PREFIX_BLOCK + turtle, encoding="utf-8")
    return folder


# ----------------------------------------------------------------------------- projection tests


@pytest.fixture(scope="module")
def star() -> Graph:
    return rdf(STAR)


def test_full_graph_nodes_carry_kind_label_abbreviation_and_themes(star: Graph) -> None:
    full = full_graph(star)
    hub = full.nodes[iri("orgn:hub")]
    assert hub == {
        "kind": "organisation",
        "label": "Hub Ministerie",
        "abbr": "HUB",
        "themes": [iri("theme:t1")],
        "classification": "ministry",
        "status": "",  # an organisation has no mkb:status; actions and requests carry theirs
    }
    assert full.nodes[iri("act:solo")]["kind"] == "action"
    assert full.nodes[iri("line:l1")]["themes"] == [iri("theme:t1")]
    assert full.nodes[iri("theme:t1")]["label"] == "Thema een"  # Dutch, not English
    kinds = {d["kind"] for _, d in full.nodes(data=True)}
    assert kinds == {"organisation", "action", "theme", "action-line"}


def test_full_graph_edges_carry_relation_label_predicate_and_the_quote_naming_the_object(star: Graph) -> None:
    full = full_graph(star)
    involved = full.get_edge_data(iri("act:a2"), iri("orgn:s2"))["involved"]
    assert involved["relation"] == "involved"
    assert involved["label"] == "betrokken organisatie"  # from the ontology
    assert involved["predicate"] == PREFIXES["mkb"] + "involvedOrganisation"
    assert involved["quote"] == "HUB werkt samen met Spaak 2."
    assert involved["section"] == iri("sec:y")
    # no excerpt names the theme: the first excerpt in sorted order stands behind the edge
    theme_edge = full.get_edge_data(iri("act:a2"), iri("theme:t1"))["theme"]
    assert theme_edge["quote"] == "Eerste zin zonder namen 2."
    for subject, obj, data in full.edges(data=True):
        assert (URIRef(subject), URIRef(data["predicate"]), URIRef(obj)) in star


def test_projection_keeps_only_the_kinds_and_relations_asked_for(star: Graph) -> None:
    full = full_graph(
        star, Projection(kinds=frozenset({"action", "organisation"}), relations=frozenset({"responsible"}))
    )
    assert {d["kind"] for _, d in full.nodes(data=True)} == {"action", "organisation"}
    assert {d["relation"] for *_, d in full.edges(data=True)} == {"responsible"}
    assert full.number_of_edges() == 5
    with pytest.raises(ValueError, match="unknown relation"):
        Projection(relations=frozenset({"likes"}))
    with pytest.raises(ValueError, match="unknown kind"):
        Projection(kinds=frozenset({"planet"}))


def test_stakeholder_graph_is_a_star_weighted_by_shared_actions(star: Graph) -> None:
    stakeholders = stakeholder_graph(star)
    hub = iri("orgn:hub")
    assert set(stakeholders.neighbors(hub)) == {iri(f"orgn:s{i}") for i in range(1, 5)}
    assert stakeholders.number_of_edges() == 4
    assert all(d["weight"] == 1 for *_, d in stakeholders.edges(data=True))
    assert stakeholders.nodes[hub]["actions"] == 5


def test_stakeholder_weight_counts_shared_actions_and_theme_filter_keeps_that_theme() -> None:
    graph = rdf(BRIDGE)
    stakeholders = stakeholder_graph(graph)
    assert stakeholders[iri("orgn:a")][iri("orgn:b")]["weight"] == 2
    assert stakeholders[iri("orgn:c")][iri("orgn:d")]["weight"] == 1
    assert sorted(stakeholders[iri("orgn:c")][iri("orgn:d")]["actions"]) == [iri("act:c-d-1")]
    theme_two = stakeholder_graph(graph, theme=iri("theme:t2"))
    assert set(theme_two.nodes) == {iri(f"orgn:{o}") for o in "def"}


def test_motion_graph_runs_from_motion_to_action_to_organisation() -> None:
    graph = rdf(REQUESTS)
    motions = motion_graph(graph)
    assert isinstance(motions, nx.DiGraph)
    assert set(motions.successors(iri("mot:wiersma"))) == {iri("act:scholing"), iri("act:tweede")}
    assert motions[iri("mot:wiersma")][iri("act:scholing")]["relation"] == "answered_by"
    assert set(motions.successors(iri("act:scholing"))) == {iri("orgn:ezk"), iri("orgn:kvk")}
    assert motions.has_node(iri("mot:niemand")) and motions.degree(iri("mot:niemand")) == 0
    assert motions.nodes[iri("req:vraag")]["kind"] == "request"


def test_undescribed_resources_get_their_kind_from_the_iri_and_their_label_from_the_slug() -> None:
    full = full_graph(rdf(REQUESTS))
    node = full.nodes[iri("orgn:zonder-label")]
    assert node["kind"] == "organisation"
    assert node["label"] == "zonder-label"
    assert node["abbr"] == ""
    # persons take the themes of the motions they submitted
    assert full.nodes[iri("per:wiersma")]["themes"] == [iri("theme:t1"), iri("theme:t2")]
