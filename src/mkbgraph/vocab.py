"""All namespaces in one place, so the project's own IRIs can be changed here and nowhere else.

The Turtle files declare the same prefixes; `PREFIXES` is what the SPARQL editor, the canned
queries and the serializers bind, so a reader sees `mkb:Action` rather than a long IRI.
"""

from __future__ import annotations

from rdflib import Namespace
from rdflib.namespace import DCTERMS, FOAF, OWL, PROV, RDF, RDFS, SKOS, XSD

from mkbgraph.config import get_settings

_settings = get_settings()

#: The project's own terms (ontology) and data (instances).
MKB = Namespace(_settings.term_base)
ID = Namespace(_settings.data_base)

ORG = Namespace("http://www.w3.org/ns/org#")
SCHEMA = Namespace("https://schema.org/")
OPENGOV = Namespace("http://www.w3.org/ns/opengov#")
PERSON = Namespace("http://www.w3.org/ns/person#")
SH = Namespace("http://www.w3.org/ns/shacl#")
VOID = Namespace("http://rdfs.org/ns/void#")
DCAT = Namespace("http://www.w3.org/ns/dcat#")
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
TOOI = Namespace("https://identifier.overheid.nl/tooi/id/")

#: Data namespaces by kind: the path segment after the data base IRI.
KINDS: dict[str, str] = {
    "act": "action",
    "ins": "instrument",
    "mot": "motion",
    "req": "request",
    "doc": "document",
    "orgn": "organisation",
    "per": "person",
    "post": "post",
    "reg": "region",
    "deal": "regional-deal",
    "amt": "amount",
    "qty": "quantity",
    "tst": "testimonial",
    "theme": "theme",
    "line": "action-line",
    "sec": "section",
    "report": "report",
    "source": "source",
    "scheme": "scheme",
}

#: Prefixes bound in every serialization and prepended to canned and user queries on request.
PREFIXES: dict[str, str] = {
    "mkb": str(MKB),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "owl": str(OWL),
    "xsd": str(XSD),
    "skos": str(SKOS),
    "prov": str(PROV),
    "dcterms": str(DCTERMS),
    "foaf": str(FOAF),
    "org": str(ORG),
    "schema": str(SCHEMA),
    "opengov": str(OPENGOV),
    "person": str(PERSON),
    "status": f"{MKB}status/",
    "rstatus": f"{MKB}request-status/",
    "okind": f"{MKB}organisation-kind/",
    "ikind": f"{MKB}instrument-kind/",
    "akind": f"{MKB}amount-kind/",
    "tbasis": f"{MKB}time-basis/",
    "role": f"{MKB}role/",
    "basis": f"{MKB}basis/",
    "flag": f"{MKB}flag/",
    **{prefix: f"{ID}{segment}/" for prefix, segment in KINDS.items()},
}


def sparql_prefix_block() -> str:
    """The PREFIX declarations for all project prefixes, one per line."""
    return "\n".join(f"PREFIX {p}: <{iri}>" for p, iri in PREFIXES.items()) + "\n"


def bind_prefixes(graph) -> None:  # type: ignore[no-untyped-def]
    """Bind the project prefixes on an rdflib graph so serializations are readable."""
    for prefix, iri in PREFIXES.items():
        graph.bind(prefix, iri, override=True)
