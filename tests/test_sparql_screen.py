"""The lexical SPARQL screen (`mkbgraph.sparql.screen.screen`), attacked and cross-checked with the engine.

The screen must read each text the way pyoxigraph, the engine that executes it, reads it. So every
disguise the screen refuses is also given to pyoxigraph, to prove the trick is real: the engine
parses it and, where the test store has matching data, really starts the SERVICE call. And every
tricky text the screen lets through is parsed by pyoxigraph, which must see the same form or a
syntax error. Every SERVICE endpoint is http://127.0.0.1:1/: loopback, a closed port, and a port
Oxigraph's HTTP client refuses before it opens any socket.
"""

from __future__ import annotations

import subprocess
import sys
import time

import pyoxigraph as ox
import pytest

from mkbgraph.sparql.screen import (
    MAX_QUERY_CHARS,
    MAX_READINGS,
    QueryRefused,
    QueryRejected,
    QuerySyntaxError,
    QueryTooLong,
    ScreenedQuery,
    _decode_codepoints,
    refuse_update,
    screen,
)

E = "http://127.0.0.1:1/"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
SERVICE_REFUSED = "SERVICE (federated query) is not allowed"
FROM_REFUSED = "FROM and FROM NAMED are not supported"
UPDATE_REFUSED = "SPARQL Update is not allowed: this endpoint is read-only"
_ENGINE_FORMS = {ox.QuerySolutions: "SELECT", ox.QueryBoolean: "ASK", ox.QueryTriples: "GRAPH"}


# --- how the engine reads a text -------------------------------------------------------------
def _engine_form(text: str) -> str:
    """pyoxigraph's reading of ``text``: SELECT, ASK, GRAPH (CONSTRUCT / DESCRIBE) or "syntax error"."""
    try:
        return _ENGINE_FORMS[type(ox.Store().query(text))]
    except SyntaxError:
        return "syntax error"


def _engine_parses(text: str) -> bool:
    """Does pyoxigraph parse ``text`` as a query? Any error but SyntaxError comes after parsing
    (an ASK is evaluated at once, a custom function is refused when the query is prepared)."""
    try:
        ox.Store().query(text)
    except SyntaxError:
        return False
    except Exception:
        return True
    return True


def _data_store() -> ox.Store:
    """A store where the left side of each disguise below matches, so the engine reaches SERVICE."""
    store = ox.Store()
    s = ox.NamedNode("http://x/s")
    objects = [s, ox.Literal(1), ox.Literal(True), ox.Literal(False), ox.NamedNode("http://x:")]
    objects += [ox.NamedNode("http://x/a.b"), ox.NamedNode("http://x/A#"), ox.NamedNode(RDFS)]
    for o in objects:
        store.add(ox.Quad(s, s, o))
    return store


def _engine_calls_service(text: str) -> bool:
    """Does pyoxigraph start an HTTP request when it runs ``text``? (port 1: refused before any socket)"""
    try:
        result = _data_store().query(text)
        if not isinstance(result, ox.QueryBoolean):
            list(result)
    except OSError:
        return True
    except SyntaxError:
        return False
    return False


def _refusal(text: str) -> QueryRejected:
    with pytest.raises(QueryRejected) as info:
        screen(text)
    return info.value


# --- SERVICE ---------------------------------------------------------------------------------
# (id, text, the engine really calls the endpoint on the test data)
SERVICE_DISGUISES = [
    ("plain", f"SELECT * WHERE {{ SERVICE <{E}> {{ ?s ?p ?o }} }}", True),
    ("cr-ends-comment", f"SELECT ?x WHERE {{ # c\r SERVICE <{E}> {{ ?x ?p ?o }} \n }}", True),
    ("lowercase", f"select * where {{ service <{E}> {{ ?s ?p ?o }} }}", True),
    ("mixed-case", f"SELECT * WHERE {{ SeRvIcE <{E}> {{ ?s ?p ?o }} }}", True),
    ("silent", f"SELECT * WHERE {{ SERVICE SILENT <{E}> {{ ?s ?p ?o }} }}", False),
    ("variable", f"SELECT * WHERE {{ VALUES ?e {{ <{E}> }} SERVICE ?e {{ ?s ?p ?o }} }}", False),
    ("optional", f"SELECT * WHERE {{ ?s ?p ?o OPTIONAL {{ SERVICE <{E}> {{ ?s ?p ?o }} }} }}", True),
    ("union", f"SELECT * WHERE {{ {{ ?s ?p ?o }} UNION {{ SERVICE <{E}> {{ ?s ?p ?o }} }} }}", True),
    ("subquery", f"SELECT * WHERE {{ {{ SELECT * WHERE {{ SERVICE <{E}> {{ ?s ?p ?o }} }} }} }}", True),
    ("minus", f"SELECT * WHERE {{ ?s ?p ?o MINUS {{ SERVICE <{E}> {{ ?s ?p ?o }} }} }}", False),
    (
        "filter-exists",
        f"SELECT * WHERE {{ ?s ?p ?o FILTER EXISTS {{ SERVICE <{E}> {{ ?s ?p ?o }} }} }}",
        False,
    ),
    ("graph", f"SELECT * WHERE {{ GRAPH ?g {{ SERVICE SILENT <{E}> {{ ?s ?p ?o }} }} }}", False),
    ("deep", "SELECT * WHERE { " + "{ " * 25 + f"SERVICE <{E}> {{ ?s ?p ?o }}" + " }" * 25 + " }", True),
    ("ask", f"ASK {{ SERVICE <{E}> {{ ?s ?p ?o }} }}", True),
    ("construct", f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ SERVICE <{E}> {{ ?s ?p ?o }} }}", True),
    ("describe", f"DESCRIBE ?s WHERE {{ SERVICE <{E}> {{ ?s ?p ?o }} }}", True),
    # keywords need no word boundary to the engine
    ("no-spaces", f"SELECT*{{SERVICE<{E}>{{?s ?p ?o}}}}", True),
    ("glued-silent", f"SELECT * WHERE {{ SERVICESILENT<{E}> {{ ?s ?p ?o }} }}", False),
    ("after-true", f"SELECT * WHERE {{ ?s ?p trueSERVICE <{E}> {{ ?s ?p ?o }} }}", True),
    ("after-false", f"SELECT * WHERE {{ ?s ?p falseSERVICE <{E}> {{ ?s ?p ?o }} }}", True),
    ("after-number", f"SELECT * WHERE {{ ?s ?p 1SERVICE <{E}> {{ ?s ?p ?o }} }}", True),
    # a prefixed name before "{" is a SERVICE endpoint, even when the prefix "service" is declared
    (
        "service-colon-name",
        f"PREFIX : <{E}> PREFIX service: <http://s/> SELECT * WHERE {{ service:x {{ ?s ?p ?o }} }}",
        True,
    ),
    ("keyword-glued-to-name", f"PREFIX ex: <{E}> SELECT * WHERE {{ SERVICEex:x {{ ?s ?p ?o }} }}", True),
    # ns + local is no valid IRI: the engine backs off to "ns:" and reads the local part as keywords
    (
        "local-part-port",
        f"PREFIX : <{E}> PREFIX x: <http://x:> SELECT * WHERE {{ ?s ?p x:SERVICE:y {{ ?s ?p ?o }} }}",
        True,
    ),
    (
        "local-part-then-iri",
        f"PREFIX x: <http://x:> SELECT * WHERE {{ ?s ?p x:SERVICE<{E}> {{ ?s ?p ?o }} }}",
        True,
    ),
    (
        "local-part-then-var",
        f"PREFIX x: <http://x:> SELECT * WHERE {{ VALUES ?e {{ <{E}> }} ?s ?p x:SERVICESILENT?e {{ ?s ?p ?o }} }}",
        False,
    ),
    (
        "local-part-second-fragment",
        f"PREFIX : <{E}> PREFIX rdfs: <{RDFS}> SELECT * WHERE {{ ?s ?p rdfs:SERVICE:y\\#z {{ ?s ?p ?o }} }}",
        True,
    ),
    # the engine's local names take one run of dots: ex:a.b.SERVICE:y is ex:a.b . SERVICE :y
    (
        "local-name-dots",
        f"PREFIX : <{E}> PREFIX ex: <http://x/> SELECT * WHERE {{ ?s ?p ex:a.b.SERVICE:y {{ ?s ?p ?o }} }}",
        True,
    ),
    # \u escapes are decoded inside IRIs and strings, so these are one IRI and one string
    ("uchar-in-iri", rf"SELECT * WHERE {{ ?s ?p <http://x/\u0041#> . SERVICE <{E}> {{ ?s ?p ?o }} }}", True),
    (
        "uchar-backslash-ends-string",
        rf'SELECT * WHERE {{ ?s ?p ?o . FILTER(?o != "a\u005C") SERVICE <{E}> {{ ?s ?p ?o }} }} # "',
        True,
    ),
    # after an operand inside an expression "<" is less-than, so "#" starts a comment there
    (
        "less-than-then-comment",
        f'SELECT * WHERE {{ ?s ?p ?o FILTER(?o <1#>"""\n) SERVICE <{E}> {{ ?s ?p ?o }} #"""\n}}',
        False,
    ),
    (
        "less-than-after-triple-term",
        f"SELECT * WHERE {{ ?s ?p ?o FILTER(<<(?s ?p ?o)>> <1#>'''\n) SERVICE <{E}> {{ ?s ?p ?o }} #'''\n}}",
        False,
    ),
    (
        "less-than-in-subselect-projection",
        f"SELECT * WHERE {{ {{ SELECT ?s (?s <1#>'''\n AS ?z) WHERE {{ ?s ?p ?o }} }} SERVICE <{E}> {{ ?s ?p ?o }} #'''\n}}",
        True,
    ),
    (
        "less-than-in-filter-function",
        f"SELECT * WHERE {{ ?s ?p ?o FILTER <http://x/f>(?o <1#>'''\n) SERVICE <{E}> {{ ?s ?p ?o }} #'''\n}}",
        False,
    ),
    (
        "less-than-in-glued-filter-function",
        f"PREFIX ex: <http://x/> SELECT * WHERE {{ ?s ?p ?o FILTERex:f(?o <1#>'''\n) SERVICE <{E}> {{ ?s ?p ?o }} #'''\n}}",
        False,
    ),
    # ...and elsewhere it starts an IRI, also in a collection after "true"
    (
        "iri-in-collection",
        f"SELECT * WHERE {{ ?s ?p (true (<http://x/a> <http://x/b#>)) . SERVICE <{E}> {{ ?s ?p ?o }} }}",
        False,
    ),
    (
        "verb-a-glued",
        f"SELECT * WHERE {{ ?s ?p ?o ; a<http://x/>SERVICE <{E}> {{ ?s ?p ?o }} }}",
        False,
    ),
]


@pytest.mark.parametrize(
    ("text", "calls"), [c[1:] for c in SERVICE_DISGUISES], ids=[c[0] for c in SERVICE_DISGUISES]
)
def test_service_is_refused_however_it_is_disguised(text: str, calls: bool) -> None:
    refusal = _refusal(text)
    assert isinstance(refusal, QueryRefused)
    assert refusal.status == 403 and refusal.code == "refused"
    assert refusal.message.startswith(SERVICE_REFUSED)
    assert _engine_parses(text), "the disguise is no query to the engine: the trick is not real"
    if calls:
        assert _engine_calls_service(text), "the engine parses it but does not call the endpoint"


def test_service_refusal_points_at_the_keyword() -> None:
    refusal = _refusal(f"SELECT * WHERE {{\n  ?s ?p ?o .\n  # note\r  SERVICE <{E}> {{ ?s ?p ?o }}\n}}")
    assert (refusal.line, refusal.column) == (3, 12)  # a bare CR ends the comment, not the line
    assert refusal.as_dict()["error"]["line"] == 3


# Refused because the section 19.2 reading (decode every \u escape first) shows SERVICE, though
# the engine, which decodes escapes only inside strings and IRIs, would not call it.
SECTION_19_2_ONLY = [
    ("escaped-keyword", rf"SELECT * WHERE {{ \u0053ERVICE <{E}> {{ ?s ?p ?o }} }}", SERVICE_REFUSED),
    (
        "escaped-quotes",
        rf'SELECT * WHERE {{ ?s ?p "\u0022 SERVICE <{E}> {{ ?s ?p ?o }} \u0022" }}',
        SERVICE_REFUSED,
    ),
    (
        "escaped-newline",
        rf"SELECT * WHERE {{ ?s ?p ?o # \u000A SERVICE <{E}> {{ ?s ?p ?o }}" + "\n}",
        SERVICE_REFUSED,
    ),
    ("escaped-from", r"SELECT * \u0046ROM <http://x/g> WHERE { ?s ?p ?o }", FROM_REFUSED),
    (
        "escaped-quotes-from",
        r'SELECT ("\u0022 FROM <http://x/g> \u0022" AS ?x) WHERE { ?s ?p ?o }',
        FROM_REFUSED,
    ),
]


@pytest.mark.parametrize(
    ("text", "message"), [c[1:] for c in SECTION_19_2_ONLY], ids=[c[0] for c in SECTION_19_2_ONLY]
)
def test_the_section_19_2_reading_is_refused_too(text: str, message: str) -> None:
    refusal = _refusal(text)
    assert isinstance(refusal, QueryRefused) and refusal.message.startswith(message)
    assert not _engine_calls_service(text)


def test_codepoint_escapes_decode_as_section_19_2_says() -> None:
    assert _decode_codepoints(r"\u0053ERVICE \U00000046ROM") == "SERVICE FROM"
    assert _decode_codepoints(r"a\\u0041") == "a\\A"  # like Oxigraph's decoder: "\\" does not protect
    assert _decode_codepoints(r"\u005Cu0041") == r"\u0041"  # decoded text is not decoded again
    assert _decode_codepoints(r"\uD800 \u12 \uZZZZ") == r"\uD800 \u12 \uZZZZ"


# --- FROM ------------------------------------------------------------------------------------
FROM_DISGUISES = [
    ("from", "SELECT * FROM <http://x/g> WHERE { ?s ?p ?o }"),
    ("from-named", "SELECT * FROM NAMED <http://x/g> WHERE { GRAPH ?g { ?s ?p ?o } }"),
    ("lowercase", "select * from named <http://x/g> where { graph ?g { ?s ?p ?o } }"),
    ("file", "SELECT * FROM <file:///etc/passwd> WHERE { ?s ?p ?o }"),
    ("ask", "ASK FROM <http://x/g> { ?s ?p ?o }"),
    ("construct", "CONSTRUCT { ?s ?p ?o } FROM <http://x/g> WHERE { ?s ?p ?o }"),
    ("describe", "DESCRIBE ?s FROM <http://x/g> WHERE { ?s ?p ?o }"),
    ("cr-ends-comment", "SELECT * # c\rFROM <http://x/g> WHERE { ?s ?p ?o }"),
    ("glued-named", "SELECT * FROMNAMED<http://x/g> WHERE { ?s ?p ?o }"),
    ("glued-to-ask", "ASKFROM<http://x/g> { ?s ?p ?o }"),
    ("glued-to-name", "PREFIX : <http://x/> SELECT * FROM:g WHERE { ?s ?p ?o }"),
    ("local-part-port", "PREFIX : <http://x/> PREFIX x: <http://x:> DESCRIBE x:FROM:g WHERE { ?s ?p ?o }"),
    (
        "local-part-second-fragment",
        f"PREFIX : <http://x/> PREFIX rdfs: <{RDFS}> DESCRIBE rdfs:FROM:g\\#x WHERE {{ ?s ?p ?o }}",
    ),
    ("uchar-backslash-ends-string", r'SELECT ("a\u005C" AS ?x) FROM <http://x/g> WHERE { ?s ?p ?o } # "'),
]


@pytest.mark.parametrize("text", [c[1] for c in FROM_DISGUISES], ids=[c[0] for c in FROM_DISGUISES])
def test_from_is_refused_however_it_is_disguised(text: str) -> None:
    refusal = _refusal(text)
    assert isinstance(refusal, QueryRefused) and refusal.message.startswith(FROM_REFUSED)
    assert _engine_parses(text), "the disguise is no query to the engine: the trick is not real"


def test_from_makes_the_engine_answer_over_another_graph() -> None:
    """The FROM disguises are real: the engine answers them over the (empty) named graph."""
    store = _data_store()
    assert len(list(store.query("SELECT * WHERE { ?s ?p ?o }"))) > 0
    for text in ("SELECT * FROMNAMED<http://x/g> WHERE { ?s ?p ?o }", FROM_DISGUISES[-1][1]):
        assert list(store.query(text)) == []


# --- what must pass ----------------------------------------------------------------------------
ACCEPTED = [
    ("keywords-in-string", 'SELECT * WHERE { ?s ?p "SERVICE FROM" }'),
    ("keywords-in-single-quotes", "SELECT * WHERE { ?s ?p 'from service <http://x/>' }"),
    ("long-string", f'SELECT * WHERE {{ ?s ?p """He said "SERVICE" and ""FROM""\nSERVICE <{E}> {{ }}""" }}'),
    ("long-single-quoted", "SELECT * WHERE { ?s ?p '''it's 'SERVICE'\n''FROM'' ''' }"),
    ("escaped-quote", rf'SELECT * WHERE {{ ?s ?p "a \" SERVICE <{E}> {{ ?s ?p ?o }} \" b" }}'),
    ("escaped-backslash", r'SELECT * WHERE { ?s ?p "a \\" . ?s ?p "FROM" }'),
    ("uchar-in-string", r'SELECT ("\u0041 \U0001F600" AS ?a) WHERE { ?s ?p ?o }'),
    ("iri", "SELECT * WHERE { ?s ?p <http://x/SERVICE> }"),
    ("iri-fragment", "SELECT * WHERE { ?s <http://x/p#SERVICE> <urn:x:FROM#a> }"),
    ("prefixed-names", "PREFIX ex: <http://x/> SELECT * WHERE { ?s ex:service ?o . ?s ex:from ?o }"),
    ("empty-prefix", "PREFIX : <http://x/> SELECT * WHERE { ?s :service ?o ; :from ?x }"),
    (
        "keyword-prefixes",
        "PREFIX service: <http://x/> PREFIX from: <http://y/> SELECT * WHERE { ?s service:p ?o ; from:q ?x }",
    ),
    ("graph-named-service", "PREFIX service: <http://x/> SELECT * WHERE { GRAPH service:g { ?s ?p ?o } }"),
    ("variables", "SELECT ?from ?service WHERE { ?from ?service $serviceFrom }"),
    ("comment", f"SELECT * WHERE {{ ?s ?p ?o # SERVICE <{E}> {{ }} FROM <g>\n}}"),
    ("comment-first", "# FROM <http://x/g>\nSELECT * WHERE { ?s ?p ?o }"),
    ("local-escape", "PREFIX ex: <http://x/> SELECT * WHERE { ?s ?p ex:a\\#SERVICE . ?s ?p ex:it\\'s }"),
    ("less-than", "SELECT * WHERE { ?s ?p ?o FILTER(?s < ?o) }"),
    ("less-than-no-space", "SELECT * WHERE { ?s ?p ?o FILTER(?s<?o) }"),
    ("less-than-then-comment", f"SELECT * WHERE {{ ?s ?p ?o FILTER(?o <1# SERVICE <{E}> {{ }}\n) }}"),
    ("less-or-equal", "SELECT * WHERE { ?s ?p ?o FILTER(1<=2 && ?o <=?s) }"),
    ("iri-in-expression", "SELECT * WHERE { ?s ?p ?o FILTER(?p = <http://x/p#FROM>) }"),
    ("iri-list", "SELECT * WHERE { ?s ?p ?o FILTER(?p IN (<http://a/#x>, <http://b/#y>)) }"),
    ("iri-collection", "SELECT * WHERE { ?s ?p (<http://x/a#1> <http://x/a#2>) }"),
    (
        "literals",
        'SELECT * WHERE { ?s ?p "x"@en-GB , "1"^^<http://www.w3.org/2001/XMLSchema#integer> , 1.5e3 }',
    ),
    (
        "aggregates",
        "SELECT ?p (COUNT(?s) AS ?n) WHERE { ?s ?p ?o } GROUP BY ?p HAVING (COUNT(?s) > 1) ORDER BY DESC(?n)",
    ),
    ("subselect", "SELECT * WHERE { { SELECT ?s (MAX(?o) AS ?m) WHERE { ?s ?p ?o } GROUP BY ?s } }"),
    ("values", "SELECT * WHERE { ?s ?p ?o } VALUES (?s ?o) { (<http://x/a#1> UNDEF) }"),
    ("unicode", "SELECT * WHERE { ?s ?p 'café', ?ça }"),
    ("blank-nodes", "SELECT * WHERE { _:service ?p [ ?q _:from ] }"),
]


@pytest.mark.parametrize("text", [c[1] for c in ACCEPTED], ids=[c[0] for c in ACCEPTED])
def test_keywords_in_strings_iris_names_and_comments_pass(text: str) -> None:
    assert screen(text) == ScreenedQuery(text, "SELECT")
    assert _engine_form(text) in ("SELECT", "syntax error")


def test_the_engine_parses_the_accepted_texts() -> None:
    """The texts above are not only let through: the engine reads every one as a SELECT."""
    assert {name: _engine_form(text) for name, text in ACCEPTED} == {name: "SELECT" for name, _ in ACCEPTED}


# --- forms -------------------------------------------------------------------------------------
FORMS = [
    ("SELECT * WHERE { ?s ?p ?o }", "SELECT"),
    ("select * where { ?s ?p ?o }", "SELECT"),
    ("SELECT*{?s ?p ?o}", "SELECT"),
    ("SELECTDISTINCT*{?s ?p ?o}", "SELECT"),
    ("PREFIX ex: <http://x/>\nSELECT * WHERE { ?s ex:p ?o }", "SELECT"),
    ("PREFIX : <http://x/>\r\n# c\r\nPREFIX ex: <http://y/>\r\nSELECT * { ?s :p ?o }", "SELECT"),
    ('VERSION "1.2"\nSELECT * WHERE { ?s ?p ?o }', "SELECT"),
    ("ASK {}", "ASK"),
    ("ask where { ?s ?p ?o }", "ASK"),
    ("ASKWHERE{}", "ASK"),
    ("BASE <http://x/>\nPREFIX ex: <p#>\n# a comment with CONSTRUCT\nASK { ?s ex:p ?o }", "ASK"),
    ("# comment\rCONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", "CONSTRUCT"),
    ("CONSTRUCT WHERE { ?s ?p ?o }", "CONSTRUCT"),
    ("PREFIXex:<http://x/>CONSTRUCT{?s ex:p ?o}WHERE{?s ex:p ?o}", "CONSTRUCT"),
    ("DESCRIBE <urn:x>", "DESCRIBE"),
    ("describe * where { ?s ?p ?o }", "DESCRIBE"),
    ("PREFIX : <http://x/> DESCRIBE :a :b", "DESCRIBE"),
]


@pytest.mark.parametrize(("text", "form"), FORMS)
def test_the_form_is_the_first_keyword_after_the_prologue(text: str, form: str) -> None:
    assert screen(text).form == form
    assert _engine_form(text) == ("GRAPH" if form in ("CONSTRUCT", "DESCRIBE") else form)


def test_every_canned_query_screens_to_the_form_the_engine_reads() -> None:
    from mkbgraph.config import PROJECT_ROOT

    files = sorted((PROJECT_ROOT / "queries").glob("*.rq"))
    assert files
    for path in files:
        text = path.read_text(encoding="utf-8")
        form = screen(text).form
        assert _engine_form(text) == ("GRAPH" if form in ("CONSTRUCT", "DESCRIBE") else form), path.name


# --- updates ---------------------------------------------------------------------------------
UPDATES = [
    "INSERT DATA { <http://x/a> <http://x/b> <http://x/c> }",
    "insert data { <http://x/a> <http://x/b> 'c' }",
    "DELETE DATA { <http://x/a> <http://x/b> <http://x/c> }",
    "DELETE WHERE { ?s ?p ?o }",
    "DELETE { ?s ?p ?o } INSERT { ?s ?p 1 } WHERE { ?s ?p ?o }",
    f"LOAD <{E}data.ttl>",
    f"LOAD SILENT <{E}data.ttl> INTO GRAPH <http://x/g>",
    "CLEAR ALL",
    "CLEAR DEFAULT",
    "DROP GRAPH <http://x/g>",
    "DROP ALL",
    "CREATE GRAPH <http://x/g>",
    "CREATE SILENT GRAPH <http://x/g>",
    "ADD DEFAULT TO <http://x/g>",
    "MOVE <http://x/a> TO <http://x/b>",
    "COPY DEFAULT TO <http://x/g>",
    "WITH <http://x/g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
    "PREFIX ex: <http://x/>\nINSERT DATA { ex:a ex:b ex:c }",
    "BASE <http://x/> PREFIX ex: <y#> # a comment\ndelete where { ?s ex:p ?o }",
    "INSERTDATA{<http://x/a> <http://x/b> <http://x/c>}",
    "CLEAR ALL ; SELECT * WHERE { ?s ?p ?o }",
    f"INSERT {{ ?s ?p ?o }} WHERE {{ SERVICE <{E}> {{ ?s ?p ?o }} }}",
    r"\u0049NSERT DATA { <http://x/a> <http://x/b> <http://x/c> }",
]


@pytest.mark.parametrize("text", UPDATES)
def test_updates_in_every_form_are_refused(text: str) -> None:
    refusal = _refusal(text)
    assert isinstance(refusal, QueryRefused) and refusal.message == UPDATE_REFUSED
    assert _engine_form(text) == "syntax error"  # and the query door of the engine cannot run them


def test_refuse_update_is_the_same_403() -> None:
    refusal = refuse_update()
    assert refusal.as_dict() == {
        "error": {"status": 403, "title": "Refused", "detail": UPDATE_REFUSED, "code": "refused"}
    }


# --- what is not a query ---------------------------------------------------------------------
@pytest.mark.parametrize("text", ["", " ", "\n\t \r\n", "# just a comment", "# a\r# b\n#c"])
def test_empty_texts_are_400(text: str) -> None:
    refusal = _refusal(text)
    assert type(refusal) is QuerySyntaxError and refusal.status == 400
    assert refusal.message == "the query is empty"


GARBAGE = [
    ("hello world", 1, 1),
    ("{ ?s ?p ?o }", 1, 1),
    ("42", 1, 1),
    ("<http://x/> <http://x/p> 1", 1, 1),
    ("PREFIX ex: <http://x/>\n\n  nonsense { }", 3, 3),
    ('"SELECT * WHERE { ?s ?p ?o }"', 1, 1),
    (r"\u0053ELECT * WHERE { ?s ?p ?o }", 1, 1),
    ("# comment\n  ; SELECT * {}", 2, 3),
    ("PREFIX ex: <http://x/>", None, None),
]


@pytest.mark.parametrize(("text", "line", "column"), GARBAGE)
def test_non_queries_are_400_at_the_offending_token(text: str, line: int | None, column: int | None) -> None:
    refusal = _refusal(text)
    assert type(refusal) is QuerySyntaxError and refusal.status == 400 and refusal.code == "bad_query"
    assert refusal.message == "not a SELECT, ASK, CONSTRUCT or DESCRIBE query"
    assert (refusal.line, refusal.column) == (line, column)
    assert _engine_form(text) == "syntax error"


UNFINISHED = [
    ('SELECT * WHERE { ?s ?p "never closed }', "SELECT"),
    ("SELECT * WHERE { ?s ?p <http://x/never-closed }", "SELECT"),
    (r'SELECT * WHERE { ?s ?p "bad \q escape" }', "SELECT"),
    ("SELECT * WHERE { ?s ?p '''open to the end", "SELECT"),
    (r'SELECT * WHERE { ?s ?p "\u00" }', "SELECT"),
    ("ASK { ?s ?p ?o", "ASK"),
]


@pytest.mark.parametrize(("text", "form"), UNFINISHED)
def test_syntax_errors_are_left_to_the_engine(text: str, form: str) -> None:
    """The screen refuses only what it is sure about; the engine reports line and column."""
    assert screen(text).form == form
    assert _engine_form(text) == "syntax error"


# --- limits ----------------------------------------------------------------------------------
def test_texts_over_the_limit_are_413() -> None:
    query = "SELECT * WHERE { ?s ?p ?o }\n#"
    assert screen(query + "x" * (MAX_QUERY_CHARS - len(query))).form == "SELECT"
    refusal = _refusal(query + "x" * (MAX_QUERY_CHARS + 1 - len(query)))
    assert isinstance(refusal, QueryTooLong)
    assert refusal.as_dict()["error"] == {
        "status": 413,
        "title": "Query too large",
        "detail": "the query is 100 001 characters long; the limit is 100 000",
        "code": "too_large",
    }


def test_a_100_kb_union_of_2000_groups_is_screened() -> None:
    groups = " UNION ".join(f"{{ ?s <http://example.org/voc/p{i:04d}> ?o{i % 9} }}" for i in range(2000))
    text = f"SELECT * WHERE {{ {groups} }}"
    assert 90_000 < len(text) <= MAX_QUERY_CHARS
    started = time.perf_counter()
    assert screen(text).form == "SELECT"
    print(
        f"\n{len(text):,} characters, 2,000 UNION groups screened in {(time.perf_counter() - started) * 1000:.1f} ms"
    )


def test_a_parenthesis_that_may_be_an_expression_is_lexed_both_ways() -> None:
    """In ``?p (<a> <1#>``, ``(`` is a collection or, in other contexts, an expression; the
    reading where ``<`` is less-than shows the SERVICE that the IRI reading hides in a string."""
    text = f'BASE <http://x/> SELECT * WHERE {{ ?s ?p (<a> <1#>"""\n) SERVICE <{E}> {{ ?s ?p ?o }} #"""\n}}'
    assert _refusal(text).message.startswith(SERVICE_REFUSED)


def test_too_many_ambiguous_less_than_signs_are_400() -> None:
    lines = "\n".join(" <1#>" for _ in range(MAX_READINGS + 1))
    text = f"BASE <http://x/> SELECT * WHERE {{ ?s ?p (?a\n{lines}\n) }}"
    refusal = _refusal(text)
    assert type(refusal) is QuerySyntaxError
    assert "write a space after '<'" in refusal.message
    assert (refusal.line, refusal.column) == (2 + MAX_READINGS - 1, 2)


# --- the module itself -----------------------------------------------------------------------
def test_verdicts_are_cached_and_errors_are_fresh() -> None:
    text = "SELECT ?cached WHERE { ?cached ?p ?o }"
    assert screen(text) is screen(text)
    refused = f"SELECT * WHERE {{ SERVICE <{E}> {{ ?cached ?p ?o }} }}"
    assert _refusal(refused) is not _refusal(refused)


def test_the_screen_imports_neither_rdflib_nor_pyparsing() -> None:
    code = (
        "import sys, mkbgraph.sparql.screen as g; g.screen('SELECT * {}');"
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'rdflib', 'pyparsing'}))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
