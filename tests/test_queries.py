"""The canned query catalogue: every file's header parses, parameters bind safely, and every
query answers on the real data with content checked against the graph itself (computed
independently in Python) or against facts printed in the report."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SKOS

from mkbgraph.api.sparql import RESERVED_PARAMETERS
from mkbgraph.cli.query import format_result, parse_params, run_query
from mkbgraph.config import PROJECT_ROOT, Settings
from mkbgraph.graph.load import load_graph, rdf_files
from mkbgraph.graph.remote import SparqlStore
from mkbgraph.graph.store import OxigraphStore, SelectResult, Store
from mkbgraph.sparql.catalogue import (
    PARAMETER_TYPES,
    CannedQuery,
    Catalogue,
    ParameterError,
    QueryFileError,
    inject_values,
    parse_iri,
    parse_query_file,
)
from mkbgraph.sparql.screen import screen
from mkbgraph.vocab import ID, MKB, ORG, PREFIXES

from .conftest_remote import BACKENDS, backend_settings

QUERIES = PROJECT_ROOT / "queries"
CATALOGUE = Catalogue.load(QUERIES)
ORGN = PREFIXES["orgn"]


@pytest.fixture(scope="module")
def graph() -> Graph:
    settings = Settings()
    return load_graph(settings.ontology_dir, settings.data_dir, None, check=False).graph


@pytest.fixture(scope="module", params=BACKENDS)
def store(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    """The canned queries run on the embedded store and on a real Oxigraph server (same files)."""
    settings = Settings()
    with backend_settings(request.param, settings, tmp_path_factory.mktemp("queries")) as chosen:
        if chosen.backend == "sparql":
            yield SparqlStore(chosen)
        else:
            yield OxigraphStore(files=rdf_files(settings.ontology_dir, settings.data_dir))


def run(store: Store, name: str, **params: str | list[str]) -> SelectResult:
    canned = CATALOGUE.get(name)
    assert canned is not None
    return store.select(canned.bind(params))


def column(result: SelectResult, name: str) -> list[object]:
    return [row[name] for row in result.dicts()]


# --- the catalogue ---------------------------------------------------------------------------


def test_catalogue_has_at_least_20_documented_queries() -> None:
    assert len(CATALOGUE) >= 20
    for canned in CATALOGUE:
        assert canned.title and canned.description_nl and canned.description_en and canned.audience
        assert canned.description_nl != canned.description_en
        for p in canned.parameters:
            assert p.type in PARAMETER_TYPES and p.example and p.description
            assert p.name not in RESERVED_PARAMETERS


def test_catalogue_covers_the_required_topics() -> None:
    tags = {t for q in CATALOGUE for t in q.tags}
    for topic in (
        "responsibility",
        "motions",
        "money",
        "instruments",
        "regions",
        "status",
        "time",
        "documents",
        "provenance",
        "search",
        "dataset",
    ):
        assert topic in tags, topic


@pytest.mark.parametrize("canned", list(CATALOGUE), ids=lambda q: q.name)
def test_every_query_screens_and_runs_on_the_real_data(canned: CannedQuery, store: Store) -> None:
    required = {p.name: p.example for p in canned.parameters if p.required}
    text = canned.bind(required)
    assert screen(text).form == canned.form
    # every form: no error from the engine, and the form it says (each method refuses another form)
    if canned.form == "SELECT":
        assert store.select(text).columns
    elif canned.form == "ASK":
        assert isinstance(store.ask(text), bool)
    else:
        assert isinstance(store.construct(text), Graph)
    examples = {p.name: p.example for p in canned.parameters}
    assert screen(canned.bind(examples)).form == canned.form


def test_a_malformed_header_says_which_file_and_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.rq"
    bad.write_text(
        "# title: t\n# description_nl: n\n# description_en: e\n# audience: a\n"
        "# param: x | colour | optional | red | nope\nSELECT ?x WHERE { ?x ?p ?o }\n"
    )
    with pytest.raises(QueryFileError, match=r"bad.rq:5: unknown type 'colour'"):
        parse_query_file(bad)
    bad.write_text("# title: t\nSELECT * WHERE { ?s ?p ?o }\n")
    with pytest.raises(QueryFileError, match="lacks description_nl"):
        parse_query_file(bad)


# --- binding ---------------------------------------------------------------------------------


def test_values_go_into_the_outer_where_group_not_comments_strings_or_templates() -> None:
    text = (
        "# WHERE { in a comment\nPREFIX ex: <http://ex/where/>\n"
        'CONSTRUCT { ?s ex:where "WHERE {" } WHERE { ?s ?p ?o { SELECT ?s WHERE { ?s ?q ?r } } }'
    )
    bound = inject_values(text, ["VALUES ?s { <urn:x> }"])
    assert bound.index("VALUES ?s") > bound.index("} WHERE {")
    assert screen(bound).form == "CONSTRUCT"


def test_typed_parameters_reject_bad_values_and_expand_prefixes() -> None:
    assert parse_iri("orgn:ezk") == URIRef(f"{ORGN}ezk")
    assert parse_iri("<https://example.org/x>") == URIRef("https://example.org/x")
    for bad in ("nope:x", "no iri", "http://x/a b", "http://x/>{"):
        with pytest.raises(ValueError):
            parse_iri(bad)
    year = CATALOGUE.get("actions-in-year")
    assert year is not None
    with pytest.raises(ParameterError, match="required"):
        year.bind({})
    with pytest.raises(ParameterError, match="four-digit year"):
        year.bind({"year": "2019 } #"})
    assert 'VALUES ?year { "2020"^^<http://www.w3.org/2001/XMLSchema#integer> }' in year.bind(
        {"year": "2020"}
    )


def test_hostile_string_round_trips_as_one_literal(store: Store) -> None:
    hostile = 'a"b\\c\n} SERVICE <http://127.0.0.1:1/> { ?s ?p ?o } # \'x\' """'
    canned = CannedQuery(
        "echo",
        "echo",
        "n",
        "e",
        "a",
        (CATALOGUE.queries["search"].parameter("q"),),
        "SELECT ?q WHERE { }",  # type: ignore[union-attr]
    )
    result = store.select(canned.bind({"q": hostile}))
    assert [str(row[0]) for row in result.rows] == [hostile]


def test_several_values_mean_any_of_them(store: Store) -> None:
    both = run(store, "actions-by-organisation", org=[f"{ORGN}ezk", "orgn:szw"])
    assert {str(o) for o in column(both, "org")} == {f"{ORGN}ezk", f"{ORGN}szw"}


# --- content on the real data ----------------------------------------------------------------


def _count(graph: Graph, cls: URIRef) -> int:
    return len(set(graph.subjects(RDF.type, cls)))


def test_actions_by_organisation_lists_ezk_as_lead(store: Store, graph: Graph) -> None:
    result = run(store, "actions-by-organisation", org="orgn:ezk")
    assert set(column(result, "org")) == {URIRef(f"{ORGN}ezk")}
    rows = result.dicts()
    for basis, predicate in (
        ("stated", MKB.responsibleOrganisation),
        ("assumed", MKB.assumedResponsibleOrganisation),
    ):
        led = {r["action"] for r in rows if str(r["role"]) == "lead" and str(r["basis"]) == basis}
        expected = set(graph.subjects(predicate, URIRef(f"{ORGN}ezk")))
        assert led == expected and len(led) > 10, basis


def test_every_action_has_a_lead_and_partners_are_labelled(store: Store, graph: Graph) -> None:
    result = run(store, "action-lead-and-partners")
    assert len({row["action"] for row in result.dicts()}) == _count(graph, MKB.Action)
    assert all(str(lead) for lead in column(result, "leads"))
    ezk_actions = run(store, "action-lead-and-partners", theme="theme:financiering")
    assert {str(t) for t in column(ezk_actions, "theme")} == {f"{PREFIXES['theme']}financiering"}


def test_each_organisation_appears_under_one_name(store: Store, graph: Graph) -> None:
    """A ministry with two abbreviations (J&V, JenV) is listed once, under one of them."""
    names: dict[str, set[str]] = {}
    for org in graph.subjects(RDF.type, ORG.Organization):
        for label in (*graph.objects(org, SKOS.prefLabel), *graph.objects(org, SKOS.altLabel)):
            names.setdefault(str(org), set()).add(str(label))
    several = {org: n for org, n in names.items() if len(n) > 1}
    assert f"{ORGN}jenv" in several and {"J&V", "JenV"} <= several[f"{ORGN}jenv"]
    for row in run(store, "action-lead-and-partners").dicts():
        for field in ("leads", "partners", "funders"):
            cell = {n.removesuffix(" (aangenomen)") for n in str(row[field] or "").split("; ") if n}
            for org, known in several.items():
                assert len(cell & known) <= 1, f"{row['action']} {field}: {sorted(cell & known)} name {org}"


def test_ezk_is_among_the_busiest_organisations(store: Store) -> None:
    rows = run(store, "organisation-workload").dicts()
    top = [str(r["org"]) for r in rows[:3]]
    assert f"{ORGN}ezk" in top
    ministries = run(store, "organisation-workload", kind="okind:ministry").dicts()
    assert {str(r["kind"]) for r in ministries} == {f"{PREFIXES['okind']}ministry"}


def test_motion_wiersma_is_answered_by_an_action_led_by_szw_or_ezk(store: Store) -> None:
    rows = run(store, "motion-follow-up", request="mot:kst-35074-45").dicts()
    assert rows, "the motion Wiersma c.s. is in the graph"
    assert str(rows[0]["requestLabel"]) == "Motie Wiersma c.s."
    assert str(rows[0]["kamerstukId"]) == "kst-35074-45"
    leads = {str(r["lead"]) for r in rows if r["lead"] is not None}
    assert leads & {f"{ORGN}szw", f"{ORGN}ezk"}


def test_requests_without_action_have_no_answering_action(store: Store, graph: Graph) -> None:
    unanswered = {r["request"] for r in run(store, "requests-without-action").dicts()}
    requests = {
        s for cls in (MKB.Motion, MKB.MemberQuestion, MKB.Commitment) for s in graph.subjects(RDF.type, cls)
    }
    answered = set(graph.objects(None, MKB.answers))
    assert unanswered == requests - answered
    assert URIRef(f"{PREFIXES['mot']}kst-35074-45") not in unanswered


def test_instruments_without_budget_really_have_none(store: Store, graph: Graph) -> None:
    rows = run(store, "instruments-without-budget").dicts()
    instruments = set(graph.subjects(RDF.type, MKB.Instrument))
    assert {r["instrument"] for r in rows} == {i for i in instruments if graph.value(i, MKB.budget) is None}


def test_instruments_by_kind_owner_and_executor(store: Store, graph: Graph) -> None:
    rows = run(store, "instruments", kind="ikind:fund").dicts()
    assert rows and {str(r["kind"]) for r in rows} == {f"{PREFIXES['ikind']}fund"}
    everything = run(store, "instruments").dicts()
    kinds = {
        (i, k) for i, k in graph.subject_objects(MKB.instrumentKind) if (i, RDF.type, MKB.Instrument) in graph
    }
    assert {(r["instrument"], r["kind"]) for r in everything} == kinds
    users = {i: len(set(graph.subjects(MKB.usesInstrument, i))) for i, _ in kinds}
    assert sum(int(str(r["actions"])) for r in everything) == sum(users[i] for i, _ in kinds)


def test_regions_and_regional_deals(store: Store, graph: Graph) -> None:
    rows = run(store, "regions").dicts()
    for r in rows:
        direct = (r["subject"], MKB.concernsRegion, r["region"]) in graph
        via_deal = any(
            (deal, MKB.concernsRegion, r["region"]) in graph
            for deal in graph.objects(r["subject"], MKB.concernsRegionalDeal)
        )
        assert direct or via_deal
    deals = run(store, "regional-deals").dicts()
    assert {r["deal"] for r in deals} == set(graph.subjects(RDF.type, MKB.RegionalDeal))
    # issue 12: only Regio Deals are regional deals (MKB deals is an EZK programme, the
    # samenwerkingsagenda an agreement, "de Regio Deals" the series)
    assert {str(r["deal"]).rsplit("/", 1)[-1] for r in deals} == {
        "regio-deal-zeeland",
        "regio-deal-brainport-eindhoven",
    }


def test_status_queries(store: Store, graph: Graph) -> None:
    completed = run(store, "actions-by-status", status="status:completed").dicts()
    expected = set(graph.subjects(MKB.status, URIRef(f"{MKB}status/completed")))
    assert {r["action"] for r in completed} == {a for a in expected if (a, RDF.type, MKB.Action) in graph}
    summary = run(store, "status-summary").dicts()
    pairs = {(a, t) for a, t in graph.subject_objects(MKB.theme) if (a, RDF.type, MKB.Action) in graph}
    assert sum(int(str(r["actions"])) for r in summary) == len(pairs)


def test_actions_in_year_match_the_year(store: Store) -> None:
    rows = run(store, "actions-in-year", year="2019").dicts()
    assert rows
    assert all(str(r["date"]).startswith("2019") for r in rows)
    assert {str(r["dateKind"]) for r in rows} <= {"planned", "start", "end", "effective"}


def test_kamerstukken_and_documents(store: Store, graph: Graph) -> None:
    rows = run(store, "kamerstukken").dicts()
    assert {r["kamerstuk"] for r in rows} == set(graph.subjects(RDF.type, MKB.Kamerstuk))
    assert all(re.fullmatch(r"kst-[0-9]{3,6}(-[IVXLC]+)?-[0-9]+", str(r["identifier"])) for r in rows)
    wiersma = run(store, "kamerstukken", kamerstuk="doc:kst-35074-45").dicts()
    assert URIRef(f"{PREFIXES['mot']}kst-35074-45") in {r["subject"] for r in wiersma}
    documents = run(store, "documents").dicts()
    assert {r["document"] for r in documents} >= {r["kamerstuk"] for r in rows}


def test_provenance_of_ezk_quotes_the_foreword(store: Store) -> None:
    rows = run(store, "provenance", resource="orgn:ezk").dicts()
    quotes = {(str(r["quote"]), str(r["section"])) for r in rows}
    assert ("Staatssecretaris van Economische Zaken en Klimaat", f"{PREFIXES['sec']}woord-vooraf") in quotes


def test_search_finds_organisations_by_name_and_abbreviation(store: Store) -> None:
    by_name = {str(r) for r in column(run(store, "search", q="economische zaken en klimaat"), "resource")}
    assert f"{ORGN}ezk" in by_name
    by_abbreviation = run(store, "search", q="SZW").dicts()
    assert any(str(r["resource"]) == f"{ORGN}szw" and r["field"] == SKOS.altLabel for r in by_abbreviation)
    assert run(store, "search", q="zzzz-not-in-the-report").rows == []


def test_dataset_queries(store: Store, graph: Graph) -> None:
    counts = {str(r["class"]): int(str(r["resources"])) for r in run(store, "class-counts").dicts()}
    assert counts[str(MKB.Theme)] == 7
    assert counts[str(MKB.Action)] == _count(graph, MKB.Action)
    terms = {str(r["term"]): r for r in run(store, "ontology-terms-in-use").dicts()}
    assert int(str(terms[str(MKB.Action)]["uses"])) == _count(graph, MKB.Action)
    assert int(str(terms[str(MKB.responsibleOrganisation)]["uses"])) == len(
        list(graph.triples((None, MKB.responsibleOrganisation, None)))
    )
    assert all(r["labelNl"] is not None and r["labelEn"] is not None for r in terms.values())


def test_actions_by_theme_and_lines(store: Store) -> None:
    rows = run(store, "actions-by-theme").dicts()
    assert len({r["theme"] for r in rows}) == 7
    line = URIRef(f"{PREFIXES['line']}leercultuur")
    assert {str(r["theme"]) for r in rows if r["line"] == line} == {f"{PREFIXES['theme']}menselijk-kapitaal"}


def test_people_testimonials_targets(store: Store, graph: Graph) -> None:
    people = {str(r["person"]): str(r["name"]) for r in run(store, "persons-and-posts").dicts()}
    assert people[f"{PREFIXES['per']}mona-keijzer"] == "Mona Keijzer"
    testimonials = run(store, "testimonials").dicts()
    assert len({r["testimonial"] for r in testimonials}) == _count(graph, MKB.Testimonial)
    assert all(r["speakerName"] for r in testimonials)
    measures = run(store, "targets-and-results").dicts()
    assert {str(r["measure"]) for r in measures} <= {"target", "result"}
    assert all(isinstance(r["value"], Literal) and r["value"].toPython() is not None for r in measures)


def test_construct_and_ask(store: Store) -> None:
    describe = CATALOGUE.get("describe-resource")
    assert describe is not None
    graph = store.construct(describe.bind({"resource": "orgn:ezk"}))
    ezk = URIRef(f"{ORGN}ezk")
    assert (ezk, SKOS.prefLabel, Literal("Ministerie van Economische Zaken en Klimaat", lang="nl")) in graph
    assert (ezk, RDFS.label, None) in graph
    ask = CATALOGUE.get("organisation-leads-action")
    assert ask is not None
    assert store.ask(ask.bind({"org": "orgn:ezk"})) is True
    assert store.ask(ask.bind({"org": f"{ID}organisation/nobody"})) is False


# --- rewritten for speed: same answers as the formulation they replace -----------------------

#: regions.rq before it was rewritten for speed (the region check joined after the UNION).
REGIONS_BEFORE = """
PREFIX mkb: <https://w3id.org/mkbgraph/def/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?region ?regionLabel ?type ?subject ?subjectLabel
WHERE {
  {
    ?subject mkb:concernsRegion ?region ;
             a ?type .
    FILTER(?type IN (mkb:Action, mkb:Instrument, mkb:RegionalDeal))
  }
  UNION
  {
    ?subject mkb:concernsRegionalDeal ?deal .
    ?deal mkb:concernsRegion ?region .
    BIND(mkb:Action AS ?type)
  }
  ?region a mkb:Region .
  OPTIONAL { ?region rdfs:label ?regionLabel . FILTER(LANGMATCHES(LANG(?regionLabel), "nl")) }
  OPTIONAL { ?subject rdfs:label ?subjectLabel . FILTER(LANGMATCHES(LANG(?subjectLabel), "nl")) }
}
ORDER BY ?regionLabel ?type ?subjectLabel
"""


@pytest.mark.parametrize("params", [{}, {"region": "reg:zeeland"}], ids=["all", "one-region"])
def test_rewritten_regions_query_answers_as_before_but_each_subject_once(
    store: Store, params: dict[str, str]
) -> None:
    canned = CATALOGUE.get("regions")
    assert canned is not None
    before = dataclasses.replace(canned, text=REGIONS_BEFORE)
    old, new = store.select(before.bind(params)), store.select(canned.bind(params))
    assert new.columns == old.columns
    # every row of the query before the rewrite is still there, and no row comes twice (issue 12:
    # Zeeland rows came out twice when an action named the region and its Regio Deal)
    assert set(map(repr, old.rows)) <= set(map(repr, new.rows))
    assert len(set(map(repr, new.rows))) == len(new.rows)
    assert new.rows and (not params or {str(r["region"]) for r in new.dicts()} == {f"{ID}region/zeeland"})


def test_regions_list_instruments_through_the_one_place_property(store: Store) -> None:
    # issue 12: instruments used mkb:location, which the query did not read (Bogota missed the
    # soft landing spots instrument)
    rows = run(store, "regions", region="reg:bogota").dicts()
    assert f"{ID}instrument/soft-landing-spots" in {str(r["subject"]) for r in rows}


# --- CLI functions ---------------------------------------------------------------------------


def test_cli_run_query_on_name_and_file(tmp_path: Path) -> None:
    settings = Settings()
    output = run_query("actions-by-organisation", parse_params(["org=orgn:szw"]), settings)
    assert output.result is not None and output.result.rows
    csv_text = format_result(output.result, "csv")
    assert csv_text.splitlines()[0].startswith("org,orgLabel,role")
    assert "Ministerie van Sociale Zaken en Werkgelegenheid" in csv_text
    own = tmp_path / "mine.rq"
    own.write_text(
        "PREFIX mkb: <https://w3id.org/mkbgraph/def/>\nSELECT (COUNT(*) AS ?n) WHERE { ?t a mkb:Theme }\n"
    )
    counted = run_query(str(own), {}, settings)
    assert counted.result is not None and int(str(counted.result.rows[0][0])) == 7
    with pytest.raises(ParameterError):
        parse_params(["no-equals-sign"])


def _cli_lines() -> Iterator[str]:
    from typer.testing import CliRunner

    from mkbgraph.cli.main import app

    result = CliRunner().invoke(app, ["query", "organisation-leads-action", "--param", "org=orgn:ezk"])
    yield str(result.exit_code)
    yield result.stdout.strip()
    result = CliRunner().invoke(app, ["query", "provenance"])
    yield str(result.exit_code)
    result = CliRunner().invoke(app, ["queries", "--json"])
    yield str(result.exit_code)
    yield result.stdout


def test_cli_commands_exit_codes() -> None:
    import json

    code, answer, missing_code, list_code, listing = list(_cli_lines())
    assert (code, answer) == ("0", "true")
    assert missing_code == "1"
    assert list_code == "0"
    assert {q["name"] for q in json.loads(listing)} == set(CATALOGUE.names())
