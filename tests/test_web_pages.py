"""The web pages through an HTTP client: every page and format, asserting on content.

Behaviour is tested on a small hand-built graph (a motion answered by an action with its lead,
partner, instrument, amount and quote); a second set checks the real data for what exists.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from rdflib import Graph, URIRef

from mkbgraph.api.app import create_app
from mkbgraph.config import Settings
from mkbgraph.domain.follow_up import ANSWERED, NO_FOLLOW_UP, PARTLY, follow_up

ID = "https://w3id.org/mkbgraph/id/"
PREFIXES = """
@prefix mkb: <https://w3id.org/mkbgraph/def/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix org: <http://www.w3.org/ns/org#> .
@prefix schema: <https://schema.org/> .
@prefix person: <http://www.w3.org/ns/person#> .
@prefix act: <https://w3id.org/mkbgraph/id/action/> .
@prefix orgn: <https://w3id.org/mkbgraph/id/organisation/> .
@prefix mot: <https://w3id.org/mkbgraph/id/motion/> .
@prefix req: <https://w3id.org/mkbgraph/id/request/> .
@prefix ins: <https://w3id.org/mkbgraph/id/instrument/> .
@prefix amt: <https://w3id.org/mkbgraph/id/amount/> .
@prefix doc: <https://w3id.org/mkbgraph/id/document/> .
@prefix per: <https://w3id.org/mkbgraph/id/person/> .
@prefix theme: <https://w3id.org/mkbgraph/id/theme/> .
@prefix line: <https://w3id.org/mkbgraph/id/action-line/> .
@prefix sec: <https://w3id.org/mkbgraph/id/section/> .
@prefix reg: <https://w3id.org/mkbgraph/id/region/> .
@prefix report: <https://w3id.org/mkbgraph/id/report/> .
"""


def tracer_turtle(org_label: str = "Ministerie van Economische Zaken en Klimaat", hostile: str = "") -> str:
    """A small graph: one answered motion, one partly answered, one without follow-up."""
    h = hostile
    return (
        PREFIXES
        + f"""
report:r a mkb:Report ; rdfs:label "Voortgangsrapportage MKB-actieplan 2019{h}"@nl ; dcterms:issued "2019"^^xsd:gYear .
theme:menselijk-kapitaal a mkb:Theme ; rdfs:label "Menselijk kapitaal{h}"@nl ; skos:notation "1" ; mkb:order 1 .
line:leercultuur a mkb:ActionLine ; skos:broader theme:menselijk-kapitaal ; rdfs:label "Verbeteren leercultuur{h}"@nl ;
    skos:notation "1.1" .
sec:leercultuur a mkb:Section ; rdfs:label "Leercultuur{h}"@nl .
orgn:ezk a org:Organization ; rdfs:label "{org_label}"@nl ; skos:altLabel "EZK"@nl .
orgn:kvk a org:Organization ; rdfs:label "Kamer van Koophandel{h}"@nl ; skos:altLabel "KVK"@nl .
orgn:idle a org:Organization ; rdfs:label "Stille Stichting{h}"@nl .
per:wiersma a person:Person ; rdfs:label "Wiersma{h}"@nl .
doc:kst-35074-45 a mkb:Kamerstuk ; rdfs:label "Motie Wiersma c.s. (35074, nr. 45){h}"@nl ;
    dcterms:identifier "kst-35074-45" ; rdfs:seeAlso <https://zoek.officielebekendmakingen.nl/kst-35074-45> .
mot:kst-35074-45 a mkb:Motion ; rdfs:label "Motie Wiersma c.s. over scholing in het mkb{h}"@nl ;
    mkb:submitter per:wiersma ; mkb:andOthers true ; mkb:kamerstuk doc:kst-35074-45 ;
    mkb:status <https://w3id.org/mkbgraph/def/request-status/adopted> ; dcterms:date "2019-02-12"^^xsd:date .
mot:graus a mkb:Motion ; rdfs:label "Motie Graus over energie{h}"@nl ; dcterms:date "2019-03-01"^^xsd:date .
req:toezegging-betalingstermijn a mkb:Commitment ; rdfs:label "Toezegging betalingstermijn{h}"@nl .
ins:slim a mkb:Instrument ; rdfs:label "SLIM-regeling{h}"@nl ; mkb:ownerOrganisation orgn:ezk ;
    mkb:executingOrganisation orgn:kvk .
amt:slim a mkb:MonetaryAmount ; rdfs:label "€48 miljoen per jaar{h}"@nl ; schema:value 48000000.0 ; schema:currency "EUR" .
act:slim-regeling a mkb:Action ; rdfs:label "Subsidieregeling SLIM voor leren in het mkb{h}"@nl ;
    mkb:theme theme:menselijk-kapitaal ; mkb:actionLine line:leercultuur ;
    mkb:responsibleOrganisation orgn:ezk ; mkb:involvedOrganisation orgn:kvk ; mkb:usesInstrument ins:slim ;
    mkb:answers mot:kst-35074-45 ; mkb:budget amt:slim ;
    mkb:status <https://w3id.org/mkbgraph/def/status/started> ; mkb:startDate "2020-03"^^xsd:gYearMonth ;
    prov:wasDerivedFrom [ a mkb:Excerpt ; prov:value "Met de SLIM-regeling wordt structureel €48 miljoen beschikbaar gesteld{h}" ;
        mkb:inSection sec:leercultuur ] .
act:betalingstermijn a mkb:Action ; rdfs:label "Wetsvoorstel betalingstermijn{h}"@nl ;
    mkb:theme theme:menselijk-kapitaal ; mkb:responsibleOrganisation orgn:ezk ; mkb:answers req:toezegging-betalingstermijn ;
    mkb:status <https://w3id.org/mkbgraph/def/status/planned> .
"""
    )


def make_settings(tmp_path: Path, turtle: str, **overrides: object) -> Settings:
    """Settings over the real ontology and shapes with a data folder holding only `turtle`."""
    data = tmp_path / "data"
    data.mkdir(exist_ok=True)
    (data / "test.ttl").write_text(turtle, encoding="utf-8")
    values = {"data_dir": data, "validate_on_load": False, **overrides}
    return Settings(**values)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    settings = make_settings(tmp_path_factory.mktemp("tracer"), tracer_turtle())
    with TestClient(create_app(settings)) as running:
        yield running


# --------------------------------------------------------------------------------------------
# the follow-up rule


@pytest.mark.parametrize(
    ("request_status", "actions", "documents", "expected"),
    [
        (None, [], 0, NO_FOLLOW_UP),
        (None, ["https://w3id.org/mkbgraph/def/status/planned"], 0, PARTLY),
        (None, [""], 0, PARTLY),
        (
            None,
            [
                "https://w3id.org/mkbgraph/def/status/planned",
                "https://w3id.org/mkbgraph/def/status/completed",
            ],
            0,
            ANSWERED,
        ),
        (None, [], 1, ANSWERED),
        ("https://w3id.org/mkbgraph/def/request-status/fulfilled", [], 0, ANSWERED),
        (
            "https://w3id.org/mkbgraph/def/request-status/partly-fulfilled",
            ["https://w3id.org/mkbgraph/def/status/completed"],
            0,
            PARTLY,
        ),
    ],
)
def test_follow_up_rule(
    request_status: str | None, actions: list[str], documents: int, expected: str
) -> None:
    assert follow_up(request_status, actions, documents) == expected


# --------------------------------------------------------------------------------------------
# the motion tracer


def test_motion_page_lists_answering_action_and_responsible_ministry(client: TestClient) -> None:
    page = client.get("/id/motion/kst-35074-45")
    assert page.status_code == 200
    html = page.text
    assert "<h1>Motie Wiersma c.s. over scholing in het mkb</h1>" in html
    assert 'href="/id/action/slim-regeling"' in html
    assert "Subsidieregeling SLIM voor leren in het mkb" in html
    assert 'href="/id/organisation/ezk">Ministerie van Economische Zaken en Klimaat</a>' in html
    assert 'href="/id/organisation/kvk">Kamer van Koophandel</a>' in html  # partner
    assert 'href="/id/instrument/slim"' in html
    assert "€ 48.000.000" in html
    assert "Met de SLIM-regeling wordt structureel €48 miljoen beschikbaar gesteld" in html  # the passage
    assert 'href="https://zoek.officielebekendmakingen.nl/kst-35074-45"' in html  # official publication
    assert 'href="/id/person/wiersma">Wiersma</a>' in html
    assert "beantwoord" in html and "2019-02-12" in html
    assert "https://w3id.org/mkbgraph/id/motion/kst-35074-45" in html  # permalink
    assert "/query?query=" in html  # the SPARQL behind the page
    assert "/network?focus=https%3A%2F%2Fw3id.org%2Fmkbgraph%2Fid%2Fmotion%2Fkst-35074-45" in html
    assert 'media="print"' in html


def test_motion_page_data_forms(client: TestClient) -> None:
    answer = client.get("/id/motion/kst-35074-45.json").json()
    assert answer["request"]["follow_up"] == "answered"
    assert [a["action_iri"] for a in answer["actions"]] == [ID + "action/slim-regeling"]
    assert answer["actions"][0]["lead"] == ["Ministerie van Economische Zaken en Klimaat"]
    assert answer["actions"][0]["amounts"] == ["48000000"]
    rows = list(csv.DictReader(io.StringIO(client.get("/id/motion/kst-35074-45.csv").text)))
    assert rows[0]["Actie"] == "Subsidieregeling SLIM voor leren in het mkb"
    assert rows[0]["Bedragen (euro)"] == "48000000"
    assert rows[0]["Opvolging"] == "opgevolgd"
    excel = client.get("/id/motion/kst-35074-45.csv", params={"dialect": "excel-nl"}).content
    assert excel.startswith(b"\xef\xbb\xbfVerzoek;Opvolging;Actie;")


def test_motion_list_computes_follow_up_and_filters(client: TestClient) -> None:
    rows = client.get("/motions.json").json()["requests"]
    status = {r["iri"].rsplit("/", 1)[-1]: r["follow_up"] for r in rows}
    assert status == {"kst-35074-45": "answered", "graus": "none", "toezegging-betalingstermijn": "partly"}
    html = client.get("/motions").text
    assert "3 parlementaire verzoeken" in html
    assert 'href="/motions.csv"' in html and 'href="/motions.json"' in html
    only_none = client.get("/motions.json", params={"follow_up": "none"}).json()["requests"]
    assert [r["label"] for r in only_none] == ["Motie Graus over energie"]
    by_text = client.get("/motions", params={"q": "wiersma"}).text
    assert "1 parlementair verzoek<" in by_text
    kinds = client.get("/motions.json", params={"kind": "toezegging"}).json()["requests"]
    assert [r["kind"] for r in kinds] == ["toezegging"]
    ordered = client.get("/motions.json", params={"sort": "label", "order": "desc"}).json()["requests"]
    assert [r["label"] for r in ordered] == sorted((r["label"] for r in ordered), reverse=True)
    table = list(csv.DictReader(io.StringIO(client.get("/motions.csv").text)))
    assert {r["Opvolging"] for r in table} == {"opgevolgd", "geen opvolging vastgelegd", "deels opgevolgd"}


def test_motion_list_rejects_bad_parameters(client: TestClient) -> None:
    assert client.get("/motions", params={"follow_up": "maybe"}).status_code == 422
    assert client.get("/motions.xml").status_code == 404


# --------------------------------------------------------------------------------------------
# organisations, entities, content negotiation


def test_organisation_page_lists_actions_instruments_amounts_and_neighbours(client: TestClient) -> None:
    html = client.get("/id/organisation/ezk").text
    assert '<h1>Ministerie van Economische Zaken en Klimaat <span class="abbr">(EZK)</span></h1>' in html
    assert 'href="/id/action/slim-regeling"' in html and 'href="/id/action/betalingstermijn"' in html
    assert 'eigenaar: <a href="/id/instrument/slim">' in html
    assert "€ 48.000.000" in html
    assert '<svg class="ego"' in html and '<title id="ego-title">' in html
    kvk = client.get("/id/organisation/kvk").text
    assert "betrokken" in kvk and 'href="/id/action/slim-regeling"' in kvk
    assert 'uitvoerder: <a href="/id/instrument/slim">' in kvk
    listing = client.get("/organisations").text
    assert listing.index("Ministerie van Economische Zaken en Klimaat") < listing.index("Stille Stichting")


def test_entity_page_shows_properties_incoming_links_and_quotes(client: TestClient) -> None:
    html = client.get("/id/action/slim-regeling").text
    assert "verantwoordelijke organisatie" in html  # property label from the ontology
    assert "Met de SLIM-regeling wordt structureel" in html
    assert 'href="/id/section/leercultuur"' in html
    theme = client.get("/id/theme/menselijk-kapitaal").text
    assert "acties in dit thema" in theme and 'href="/id/action/slim-regeling"' in theme
    motion = client.get("/id/motion/kst-35074-45").text
    assert "beantwoord door" in motion
    term = client.get("/def/Action")
    assert term.status_code == 200 and "instanties" in term.text


@pytest.mark.parametrize(
    ("accept", "media", "parse_as"),
    [
        ("text/turtle", "text/turtle", "turtle"),
        ("application/ld+json", "application/ld+json", "json-ld"),
        ("application/n-triples", "application/n-triples", "nt"),
        ("application/rdf+xml", "application/rdf+xml", "xml"),
        ("text/html,application/xhtml+xml;q=0.9,*/*;q=0.8", "text/html", None),
        ("application/rdf+xml;q=0.5, text/turtle", "text/turtle", "turtle"),
    ],
)
def test_content_negotiation(client: TestClient, accept: str, media: str, parse_as: str | None) -> None:
    response = client.get("/id/action/slim-regeling", headers={"Accept": accept})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(media)
    if parse_as:
        graph = Graph().parse(data=response.content, format=parse_as)
        action = URIRef(ID + "action/slim-regeling")
        assert (
            action,
            URIRef("https://w3id.org/mkbgraph/def/responsibleOrganisation"),
            URIRef(ID + "organisation/ezk"),
        ) in graph
        quotes = {str(o) for o in graph.objects(None, URIRef("http://www.w3.org/ns/prov#value"))}
        assert any(q.startswith("Met de SLIM-regeling") for q in quotes)


@pytest.mark.parametrize(
    ("suffix", "parse_as"), [(".ttl", "turtle"), (".jsonld", "json-ld"), (".nt", "nt"), (".rdf", "xml")]
)
def test_format_suffix(client: TestClient, suffix: str, parse_as: str) -> None:
    response = client.get(f"/id/organisation/ezk{suffix}")
    assert response.status_code == 200
    graph = Graph().parse(data=response.content, format=parse_as)
    assert len(graph) >= 3
    assert (
        graph.value(URIRef(ID + "organisation/ezk"), URIRef("http://www.w3.org/2004/02/skos/core#altLabel"))
        is not None
    )


def test_unknown_resource_and_unacceptable_type(client: TestClient) -> None:
    assert client.get("/id/action/does-not-exist").status_code == 404
    assert client.get("/id/action/does-not-exist.ttl").status_code == 404
    assert client.get("/id/action/<script>").status_code == 404
    refused = client.get("/id/action/slim-regeling", headers={"Accept": "image/png"})
    assert refused.status_code == 406 and "text/turtle" in refused.json()["error"]["detail"]  # the one shape
    assert client.get("/id/organisation/ezk.csv").status_code == 404


# --------------------------------------------------------------------------------------------
# home, search, themes, quality, query pages, network


def test_home_shows_counts_and_entry_points(client: TestClient) -> None:
    html = client.get("/").text
    assert "Voortgangsrapportage MKB-actieplan 2019" in html
    assert '<th scope="row">acties</th><td class="num">2</td>' in html
    assert 'href="/motions"' in html and 'href="/network"' in html and 'href="/query"' in html
    assert '<label for="site-search">' in html


def test_search_finds_labels_and_abbreviations(client: TestClient) -> None:
    first = client.get("/api/search", params={"q": "KVK"}).json()["results"][0]
    assert (
        first["iri"] == ID + "organisation/kvk"
        and first["match"] == "KVK"
        and first["path"] == "/id/organisation/kvk"
    )
    assert (
        client.get("/api/search", params={"q": "wiersma"}).json()["results"][0]["label"].startswith("Wiersma")
    )
    assert client.get("/api/search", params={"q": ""}).json()["results"] == []
    assert "Kamer van Koophandel" in client.get("/search", params={"q": "kvk"}).text


def test_themes_page_has_lines_actions_and_chart(client: TestClient) -> None:
    html = client.get("/themes").text
    assert "Verbeteren leercultuur" in html and 'href="/id/action/slim-regeling"' in html
    assert '<svg class="chart"' in html and "Aantal acties per thema, naar status" in html
    assert "€ 48.000.000" in html


def test_quality_page_shows_report_and_checks(client: TestClient) -> None:
    html = client.get("/quality").text
    assert 'id="shacl-status"' in html
    assert "Moties en verzoeken zonder opvolging" in html
    section = html[html.index('id="no-follow-up"') : html.index('id="lead-nothing"')]
    assert "Motie Graus over energie" in section and "Wiersma" not in section
    idle = html[html.index('id="lead-nothing"') : html.index('id="no-amounts"')]
    assert "Stille Stichting" in idle and "Economische Zaken" not in idle
    no_amounts = html[html.index('id="no-amounts"') : html.index('id="no-dates"')]
    assert "Wetsvoorstel betalingstermijn" in no_amounts and "SLIM" not in no_amounts


def test_quality_page_shows_zero_violations(tmp_path: Path) -> None:
    settings = make_settings(tmp_path, PREFIXES, validate_on_load=True)  # the ontology alone conforms
    with TestClient(create_app(settings)) as quality_client:
        html = quality_client.get("/quality").text
    assert "0 overtredingen." in html


def test_query_editor_page(client: TestClient) -> None:
    html = client.get("/query").text
    config = json.loads(
        html.split('<script type="application/json" id="query-config">')[1].split("</script>")[0]
    )
    assert config["prefixes"]["orgn"] == ID + "organisation/"
    assert config["endpoint"] == "/sparql"
    assert any(e["name"] == "organisation-leads-action" for e in config["examples"])
    assert '<form id="plain-editor" method="post" action="/sparql"' in html
    assert '<label for="query-text">' in html
    prefilled = client.get("/query", params={"query": "SELECT * WHERE { ?s ?p ?o } LIMIT 1"}).text
    assert "SELECT * WHERE { ?s ?p ?o } LIMIT 1" in prefilled


def test_query_editor_degrades_without_node_modules(tmp_path: Path) -> None:
    settings = make_settings(tmp_path, tracer_turtle(), node_modules_dir=tmp_path / "missing")
    with TestClient(create_app(settings)) as app_client:
        html = app_client.get("/query").text
        assert "/assets/yasgui.min.js" not in html
        assert (
            '<form id="plain-editor" method="post" action="/sparql"' in html and 'class="js-hide"' not in html
        )
        assert app_client.get("/assets/yasgui.min.js").status_code == 404


def test_yasgui_and_vis_assets_are_served(client: TestClient) -> None:
    for name, media in [
        ("vis-network.min.js", "text/javascript"),
        ("vis-network.css", "text/css"),
        ("yasgui.min.js", "text/javascript"),
        ("yasgui.min.css", "text/css"),
    ]:
        response = client.get(f"/assets/{name}")
        assert response.status_code == 200 and response.headers["content-type"].startswith(media)
        assert len(response.content) > 10_000
    assert client.get("/assets/../../settings.py").status_code == 404


def test_canned_query_form_runs_with_parameters(client: TestClient) -> None:
    form = client.get("/query/organisation-leads-action").text
    assert '<label for="p-org">' in form and "Antwoord" not in form
    answer = client.get("/query/organisation-leads-action", params={"org": "orgn:ezk", "run": "1"}).text
    assert '<p class="answer">ja</p>' in answer
    idle = client.get("/query/organisation-leads-action", params={"org": "orgn:idle", "run": "1"}).text
    assert '<p class="answer">nee</p>' in idle
    bad = client.get("/query/organisation-leads-action", params={"org": "not an iri", "run": "1"}).text
    assert 'role="alert"' in bad
    assert client.get("/query/no-such-query").status_code == 404


def decoded(payload: dict) -> tuple[list[dict], list[dict]]:
    """The compact network payload as plain node and edge records (what network.js `expand` does)."""
    nodes = [
        {**n, "id": n["id"] if "://" in n["id"] else payload["idBase"] + n["id"]} for n in payload["nodes"]
    ]
    edges = []
    for source, target, relation, quote, section in payload["edges"]:
        edges.append(
            {
                "from": nodes[source]["id"],
                "to": nodes[target]["id"],
                "relation": payload["relations"][relation]["name"],
                "quote": payload["quotes"][quote] if quote >= 0 else "",
                "section": payload["sections"][section] if section >= 0 else "",
            }
        )
    return nodes, edges


def test_network_page_and_filters(client: TestClient) -> None:
    everything = client.get("/network/data.json").json()
    nodes, edges = decoded(everything)
    kinds = {n["kind"] for n in nodes}
    assert {"action", "organisation", "motion", "instrument"} <= kinds
    assert all("title" not in n for n in nodes)  # vis-network renders titles as HTML
    relations = {e["relation"] for e in edges}
    assert {"responsible", "involved", "answers", "uses"} <= relations
    assert all("x" in n and "y" in n for n in nodes)
    answers = next(e for e in edges if e["relation"] == "answers" and e["from"].endswith("/slim-regeling"))
    assert answers["quote"].startswith("Met de SLIM-regeling")
    assert answers["section"] == ID + "section/leercultuur"
    only_orgs, _ = decoded(client.get("/network/data.json", params={"kind": "organisation"}).json())
    assert {n["kind"] for n in only_orgs} == {"organisation"}
    ego, _ = decoded(client.get("/network/data.json", params={"focus": ID + "motion/graus"}).json())
    assert [n["id"] for n in ego] == [ID + "motion/graus"]
    wiersma, _ = decoded(
        client.get("/network/data.json", params={"motion": ID + "motion/kst-35074-45"}).json()
    )
    ids = {n["id"] for n in wiersma}
    assert {ID + "motion/kst-35074-45", ID + "action/slim-regeling", ID + "organisation/ezk"} <= ids
    assert ID + "action/betalingstermijn" not in ids
    html = client.get("/network").text
    assert '<script src="/assets/vis-network.min.js">' in html
    assert "cdn" not in html.lower() and "https://unpkg" not in html
    assert '<label for="f-theme">' in html and 'id="panel"' in html


# --------------------------------------------------------------------------------------------
# the real data: things that exist now or certainly will


@pytest.fixture(scope="module")
def real_client() -> Iterator[TestClient]:
    with TestClient(create_app(Settings(validate_on_load=False))) as running:
        yield running


def test_real_organisation_page_lists_its_actions(real_client: TestClient) -> None:
    html = real_client.get("/id/organisation/ezk").text
    assert "Ministerie van Economische Zaken en Klimaat" in html
    assert html.count('href="/id/action/') >= 1


def test_real_pages_render(real_client: TestClient) -> None:
    for path in [
        "/",
        "/motions",
        "/organisations",
        "/themes",
        "/network",
        "/query",
        "/id/theme/financiering",
        "/def/Action",
    ]:
        assert real_client.get(path).status_code == 200, path
    themes = real_client.get("/themes").text
    for theme in ["Menselijk kapitaal", "Financiering"]:
        assert theme in themes
    assert "Verbeteren leercultuur in mkb" in themes
    assert (
        real_client.get("/api/search", params={"q": "EZK"}).json()["results"][0]["iri"]
        == ID + "organisation/ezk"
    )


def test_real_motion_pages(real_client: TestClient) -> None:
    rows = real_client.get("/motions.json").json()["requests"]
    assert rows, "the data has motions"
    for row in rows:
        page = real_client.get(row["iri"].replace("https://w3id.org/mkbgraph", ""))
        assert page.status_code == 200 and row["label"].split(" (")[0][:20] in page.text
        for action in row["answering_actions"]:
            assert f'href="{action.replace("https://w3id.org/mkbgraph", "")}"' in page.text
    wiersma = [r for r in rows if "Wiersma" in r["label"] and r["answering_actions"]]
    for row in wiersma:
        detail = real_client.get(row["iri"].replace("https://w3id.org/mkbgraph", "") + ".json").json()
        assert all(a["lead"] for a in detail["actions"])  # every answering action names its lead


def test_real_turtle_round_trip(real_client: TestClient) -> None:
    graph = Graph().parse(data=real_client.get("/id/organisation/ezk.ttl").content, format="turtle")
    assert (URIRef(ID + "organisation/ezk"), None, None) in graph
