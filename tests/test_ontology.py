"""Ontology quality, checked with SPARQL (Brick's habit): every term labelled and explained in nl and en."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph, URIRef

from mkbgraph.config import Settings
from mkbgraph.vocab import MKB, sparql_prefix_block


@pytest.fixture(scope="module")
def ontology() -> Graph:
    graph = Graph()
    for path in sorted(Path(Settings().ontology_dir).glob("*.ttl")):
        graph.parse(path)
    return graph


def _terms_missing(graph: Graph, prop: str, lang: str, types: str) -> list[str]:
    query = (
        sparql_prefix_block()
        + f"""
        SELECT ?term WHERE {{
            VALUES ?type {{ {types} }}
            ?term a ?type .
            FILTER NOT EXISTS {{ ?term {prop} ?text . FILTER(lang(?text) = "{lang}") }}
        }}"""
    )
    return sorted(str(row[0]) for row in graph.query(query))


@pytest.mark.parametrize("prop", ["rdfs:label", "rdfs:comment"])
@pytest.mark.parametrize("lang", ["nl", "en"])
def test_every_class_and_property_is_labelled_and_explained(ontology: Graph, prop: str, lang: str) -> None:
    missing = _terms_missing(ontology, prop, lang, "owl:Class owl:ObjectProperty owl:DatatypeProperty")
    assert missing == [], f"terms without {prop}@{lang}: {missing}"


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_every_vocabulary_concept_has_label_and_definition(ontology: Graph, lang: str) -> None:
    assert _terms_missing(ontology, "skos:prefLabel", lang, "skos:Concept skos:ConceptScheme") == []
    assert _terms_missing(ontology, "skos:definition", lang, "skos:Concept") == []


def test_ontology_has_the_core_classes(ontology: Graph) -> None:
    classes = {str(c) for c in ontology.subjects(None, None) if str(c).startswith(str(MKB))}
    for name in [
        "Action",
        "Instrument",
        "Motion",
        "MemberQuestion",
        "Commitment",
        "Kamerstuk",
        "Excerpt",
        "MonetaryAmount",
        "Quantity",
        "RegionalDeal",
        "Region",
        "Testimonial",
        "Theme",
        "ActionLine",
    ]:
        assert str(MKB[name]) in classes


def test_classes_are_aligned_with_standard_vocabularies(ontology: Graph) -> None:
    """Motion is a Popolo/opengov motion, amounts are schema.org amounts, excerpts are PROV entities."""
    ask = (
        sparql_prefix_block()
        + """ASK {
        mkb:Motion rdfs:subClassOf opengov:Motion .
        mkb:MonetaryAmount rdfs:subClassOf schema:MonetaryAmount .
        mkb:Excerpt rdfs:subClassOf prov:Entity .
        mkb:Action rdfs:subClassOf prov:Activity .
        mkb:ActionLine rdfs:subClassOf skos:Concept .
        mkb:responsibleOrganisation rdfs:range org:Organization .
    }"""
    )
    assert ontology.query(ask).askAnswer


def test_every_mkb_term_used_in_the_data_is_defined(real_graph: Graph, ontology: Graph) -> None:
    """A typo in a predicate or class name would otherwise slip past the shapes."""
    defined = {s for s in ontology.subjects() if str(s).startswith(str(MKB))}
    used = {p for p in real_graph.predicates() if str(p).startswith(str(MKB))}
    used |= {
        o
        for o in real_graph.objects(None, None)
        if isinstance(o, URIRef) and str(o).startswith(str(MKB)) and "/" not in str(o)[len(str(MKB)) :]
    }
    assert sorted(str(t) for t in used - defined) == []
