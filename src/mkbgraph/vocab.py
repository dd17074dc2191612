"""All namespaces in one place, so the project's own IRIs can be changed here and nowhere else.

The Turtle files declare the same prefixes; `PREFIXES` is what the SPARQL editor, the canned
queries and the serializers bind, so a reader sees `mkb:Action` rather than a long IRI.
"""

from __future__ import annotations

from dataclasses import dataclass

from rdflib import Namespace, URIRef
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


@dataclass(frozen=True)
class Kind:
    """One kind of resource, everything the project says about it in one row.

    `key` is the path segment of its data IRIs (``/id/regional-deal/...``), the node kind in the
    network, and the key of every table about kinds; `classes` are the rdf:types that make a
    resource of this kind (the first row whose class matches wins, so subclasses come first);
    `colour` and `shape` are how the network view and the small diagrams draw it.
    """

    key: str
    prefix: str
    nl: str
    en: str
    classes: tuple[URIRef, ...] = ()
    colour: str = "#888888"
    shape: str = "dot"


#: Every kind of resource, in the order the first matching rdf:type wins.
KIND_TABLE: tuple[Kind, ...] = (
    Kind("action", "act", "actie", "action", (MKB.Action,), "#2f6fb0", "dot"),
    Kind("organisation", "orgn", "organisatie", "organisation", (ORG.Organization,), "#e08a1e", "square"),
    Kind("motion", "mot", "motie", "motion", (MKB.Motion,), "#c0392b", "diamond"),
    Kind(
        "request",
        "req",
        "Kamervraag of toezegging",
        "parliamentary question or commitment",
        (MKB.MemberQuestion, MKB.Commitment, MKB.ParliamentaryRequest),
        "#e35d6a",
        "triangleDown",
    ),
    Kind("instrument", "ins", "instrument", "instrument", (MKB.Instrument,), "#2e8b57", "triangle"),
    Kind(
        "regional-deal", "deal", "regionale deal", "regional deal", (MKB.RegionalDeal,), "#8e44ad", "hexagon"
    ),
    Kind("region", "reg", "regio", "region", (MKB.Region,), "#7f5a3a", "star"),
    Kind("person", "per", "persoon", "person", (PERSON.Person,), "#555555", "ellipse"),
    Kind(
        "document", "doc", "document", "document", (MKB.Kamerstuk, MKB.Report, MKB.Document), "#666666", "box"
    ),
    Kind("theme", "theme", "thema", "theme", (MKB.Theme,), "#444444", "ellipse"),
    Kind("action-line", "line", "actielijn", "action line", (MKB.ActionLine,), "#777777", "ellipse"),
    Kind("testimonial", "tst", "getuigenis", "testimonial", (MKB.Testimonial,), "#999999", "text"),
    Kind("post", "post", "functie", "post"),
    Kind("amount", "amt", "bedrag", "amount"),
    Kind("quantity", "qty", "aantal", "quantity"),
    Kind("section", "sec", "sectie", "section"),
    Kind("report", "report", "rapport", "report"),
    Kind("source", "source", "bron", "source"),
    Kind("scheme", "scheme", "begrippenlijst", "concept scheme"),
)

#: Kind key -> kind.
KIND_BY_KEY: dict[str, Kind] = {kind.key: kind for kind in KIND_TABLE}


def kind_of_iri(iri: object) -> str:
    """The kind of a data IRI read from its path (``organisation`` for ``.../id/organisation/ezk``);
    ``"term"`` for an ontology term, ``""`` for anything else. No graph needed: the IRI says it."""
    text = str(iri)
    if text.startswith(str(ID)):
        segment = text[len(str(ID)) :].split("/", 1)[0]
        return segment if segment in KIND_BY_KEY else ""
    return "term" if text.startswith(str(MKB)) else ""


#: The basis of a role: named in the report, or assumed (with the reason in the data).
STATED, ASSUMED = "stated", "assumed"


@dataclass(frozen=True)
class Relation:
    """One predicate as an edge type of the network: its short key, its Dutch name as a noun
    (when the ontology has no label), its verb as an edge reads ("verantwoordelijk"), its colour."""

    key: str
    predicate: URIRef
    nl: str
    verb: str = ""
    colour: str = "#bbbbbb"
    #: "stated" (the report names the role) or "assumed" (issue 12: the makers of the graph assumed
    #: it; same key as the stated relation, its own predicate, kept out of the network by default).
    basis: str = "stated"


#: Every predicate that is an edge type. A table, not an if-chain: add a row and it becomes one.
RELATION_TABLE: tuple[Relation, ...] = (
    Relation(
        "responsible",
        MKB.responsibleOrganisation,
        "verantwoordelijke organisatie",
        "verantwoordelijk",
        "#e08a1e",
    ),
    Relation("involved", MKB.involvedOrganisation, "betrokken organisatie", "betrokken", "#f0b76e"),
    Relation("funds", MKB.funder, "financier", "financiert", "#b8860b"),
    Relation("answers", MKB.answers, "geeft uitvoering aan", "beantwoordt", "#c0392b"),
    Relation("uses", MKB.usesInstrument, "gebruikt instrument", "gebruikt", "#2e8b57"),
    Relation("in_region", MKB.concernsRegion, "betreft regio", "in regio", "#7f5a3a"),
    Relation("in_deal", MKB.concernsRegionalDeal, "betreft regionale deal", "in deal", "#8e44ad"),
    Relation("owns", MKB.ownerOrganisation, "eigenaar", "eigenaar", "#999999"),
    Relation("executes", MKB.executingOrganisation, "uitvoerder", "voert uit", "#777777"),
    Relation("partner", MKB.partner, "partner", "partner", "#bbbbbb"),
    Relation("submitted", MKB.submitter, "indiener"),
    Relation("made_by", MKB.madeBy, "gedaan door"),
    Relation("kamerstuk", MKB.kamerstuk, "Kamerstuk"),
    Relation("documented_in", MKB.documentedIn, "vastgelegd in"),
    Relation("theme", MKB.theme, "thema"),
    Relation("action_line", MKB.actionLine, "actielijn"),
    Relation("part_of", MKB.partOfAction, "onderdeel van actie"),
    Relation("broader", SKOS.broader, "valt onder"),
    Relation("sub_organisation_of", ORG.subOrganizationOf, "onderdeel van organisatie"),
    Relation("member_of", ORG.memberOf, "lid van"),
    Relation("about", MKB.about, "gaat over"),
    Relation("speaker", MKB.speaker, "spreker"),
    Relation("speaks_for", MKB.speakerOrganisation, "organisatie van de spreker"),
    Relation("responds_to", MKB.respondsTo, "beantwoordt verzoek", "beantwoordt", "#c0392b"),
    Relation("addressee", MKB.addressee, "geadresseerde", "gericht aan", "#5d6d7e"),
    # Assumed roles (issue 12): the same edge type as the stated role, basis "assumed".
    Relation(
        "responsible",
        MKB.assumedResponsibleOrganisation,
        "verantwoordelijke organisatie",
        "verantwoordelijk (aangenomen)",
        "#e08a1e",
        ASSUMED,
    ),
    Relation(
        "involved",
        MKB.assumedInvolvedOrganisation,
        "betrokken organisatie",
        "betrokken (aangenomen)",
        "#f0b76e",
        ASSUMED,
    ),
    Relation("funds", MKB.assumedFunder, "financier", "financiert (aangenomen)", "#b8860b", ASSUMED),
    Relation("owns", MKB.assumedOwnerOrganisation, "eigenaar", "eigenaar (aangenomen)", "#999999", ASSUMED),
    Relation(
        "executes",
        MKB.assumedExecutingOrganisation,
        "uitvoerder",
        "voert uit (aangenomen)",
        "#777777",
        ASSUMED,
    ),
    Relation("partner", MKB.assumedPartner, "partner", "partner (aangenomen)", "#bbbbbb", ASSUMED),
    Relation(
        "addressee", MKB.assumedAddressee, "geadresseerde", "gericht aan (aangenomen)", "#5d6d7e", ASSUMED
    ),
)

#: Relation key -> relation (the stated row of each key).
RELATION_BY_KEY: dict[str, Relation] = {r.key: r for r in RELATION_TABLE if r.basis == STATED}


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
    **{kind.prefix: f"{ID}{kind.key}/" for kind in KIND_TABLE},
}


def sparql_prefix_block() -> str:
    """The PREFIX declarations for all project prefixes, one per line."""
    return "\n".join(f"PREFIX {p}: <{iri}>" for p, iri in PREFIXES.items()) + "\n"


def bind_prefixes(graph) -> None:  # type: ignore[no-untyped-def]
    """Bind the project prefixes on an rdflib graph so serializations are readable."""
    for prefix, iri in PREFIXES.items():
        graph.bind(prefix, iri, override=True)
