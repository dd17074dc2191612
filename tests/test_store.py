"""The store seam: both backends answer the same questions the same way."""

from __future__ import annotations

from decimal import Decimal

import pytest
from rdflib import Literal, URIRef

from mkbgraph.config import Settings
from mkbgraph.graph.store import BACKENDS, LiveGraph
from mkbgraph.vocab import sparql_prefix_block

Q_MOTION = (
    sparql_prefix_block()
    + """
SELECT ?action ?org ?motion WHERE {
  ?action mkb:answers ?motion ; mkb:responsibleOrganisation ?org .
} ORDER BY ?action"""
)


@pytest.mark.parametrize("backend", sorted(BACKENDS))
def test_backends_agree_on_select_ask_construct(mini_settings: Settings, backend: str) -> None:
    graph = LiveGraph(mini_settings).current.graph
    store = BACKENDS[backend](graph)
    result = store.select(Q_MOTION)
    assert result.columns == ["action", "org", "motion"]
    assert result.rows == [
        (
            URIRef("https://w3id.org/mkbgraph/id/action/a"),
            URIRef("https://w3id.org/mkbgraph/id/organisation/lead"),
            URIRef("https://w3id.org/mkbgraph/id/motion/m"),
        )
    ]
    assert store.ask(sparql_prefix_block() + "ASK { ?a a mkb:Action }")
    built = store.construct(
        sparql_prefix_block() + "CONSTRUCT { ?a rdfs:label ?l } WHERE { ?a a mkb:Action ; rdfs:label ?l }"
    )
    assert (
        URIRef("https://w3id.org/mkbgraph/id/action/a"),
        URIRef("http://www.w3.org/2000/01/rdf-schema#label"),
        Literal("Actie", lang="nl"),
    ) in built
    assert len(store) == len(graph)


@pytest.mark.parametrize("backend", sorted(BACKENDS))
def test_select_cuts_rows_and_says_so(mini_settings: Settings, backend: str) -> None:
    store = BACKENDS[backend](LiveGraph(mini_settings).current.graph)
    result = store.select("SELECT ?s WHERE { ?s ?p ?o }", max_rows=3)
    assert len(result.rows) == 3 and result.truncated
    full = store.select("SELECT ?s WHERE { ?s a <https://w3id.org/mkbgraph/def/Action> }", max_rows=3)
    assert len(full.rows) == 1 and not full.truncated


def test_decimal_amounts_keep_their_datatype(mini_settings: Settings) -> None:
    store = BACKENDS["oxigraph"](LiveGraph(mini_settings).current.graph)
    rows = store.select(
        sparql_prefix_block() + "SELECT ?v WHERE { ?a a mkb:MonetaryAmount ; schema:value ?v }"
    ).rows
    value = rows[0][0]
    assert isinstance(value, Literal)
    assert value.datatype == URIRef("http://www.w3.org/2001/XMLSchema#decimal")
    assert value.toPython() == Decimal("2000000")
