"""The data behind each page, read through the store with SPARQL.

Pages never walk the graph themselves: each function here asks the store one or a few
questions and returns plain dataclasses the templates render. The same queries are what a
visitor sees behind the "query" link on a page, so what the page shows can be reproduced in
the SPARQL editor. Results that do not depend on the request are cached per snapshot.
"""

from __future__ import annotations

import threading
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, TypeVar

from rdflib import BNode, Literal, URIRef
from rdflib.term import Node

from mkbgraph.domain.csv_export import Column
from mkbgraph.domain.follow_up import (
    NO_FOLLOW_UP,
    follow_up,
    follow_up_explanation,
    follow_up_label,
)
from mkbgraph.domain.labels import DEFAULT_LANGUAGE
from mkbgraph.graph.stats import graph_stats
from mkbgraph.graph.store import Snapshot, Store
from mkbgraph.vocab import ID, MKB, kind_of_iri, sparql_prefix_block
from mkbgraph.web.rendering import (
    KIND_NAMES,
    Labels,
    build_labels,
    format_euro,
    iri_values,
    local_path,
)

T = TypeVar("T")

#: Request classes, most specific first, with the Dutch name shown in lists.
REQUEST_KINDS: dict[str, str] = {
    f"{MKB}Motion": "motie",
    f"{MKB}MemberQuestion": "Kamervragen",
    f"{MKB}Commitment": "toezegging",
    f"{MKB}ParliamentaryRequest": "verzoek",
}

#: Date properties shown for an action, in reading order.
DATE_PROPERTIES = ("plannedDate", "startDate", "endDate", "effectiveDate")


def q(body: str) -> str:
    """A query with the project prefixes, so page queries stay readable."""
    return sparql_prefix_block() + body


class SnapshotCache:
    """Per-snapshot memo: values computed once for a loaded graph, dropped when it changes."""

    def __init__(self) -> None:
        self._version: str | None = None
        self._values: dict[str, Any] = {}
        self._lock = threading.Lock()

    def get(self, snapshot: Snapshot, key: str, build: Callable[[], T]) -> T:
        """The cached value for this snapshot, built on first use."""
        with self._lock:
            if self._version != snapshot.version:
                self._version = snapshot.version
                self._values = {}
            if key in self._values:
                return self._values[key]  # type: ignore[no-any-return]
        value = build()
        with self._lock:
            if self._version == snapshot.version:
                self._values[key] = value
        return value

    def clear(self, _snapshot: Snapshot | None = None) -> None:
        """Forget everything (a `LiveGraph` listener calls this on reload)."""
        with self._lock:
            self._version = None
            self._values = {}


# --------------------------------------------------------------------------------------------
# Small shared records


@dataclass(frozen=True)
class Link:
    """A resource as a page links it: label, local path (None for outside IRIs) and IRI."""

    iri: str
    label: str
    path: str | None

    @property
    def href(self) -> str:
        return self.path or self.iri


def link(term: Node | str, labels: Labels) -> Link:
    """The link record of an IRI."""
    return Link(str(term), labels.of(term if isinstance(term, Node) else URIRef(term)), local_path(term))


@dataclass(frozen=True)
class Quote:
    """A verbatim passage of the report and the section it is in."""

    text: str
    section: Link | None


@dataclass(frozen=True)
class Amount:
    """A monetary amount: its label as printed and its value in euros."""

    link: Link
    value: Decimal | None

    @property
    def euros(self) -> str:
        return format_euro(self.value)


@dataclass
class ActionSummary:
    """One action with what the motion, organisation and theme pages show about it."""

    link: Link
    status: Link | None = None
    themes: list[Link] = field(default_factory=list)
    lines: list[Link] = field(default_factory=list)
    lead: list[Link] = field(default_factory=list)
    partners: list[Link] = field(default_factory=list)
    funders: list[Link] = field(default_factory=list)
    instruments: list[Link] = field(default_factory=list)
    amounts: list[Amount] = field(default_factory=list)
    dates: list[tuple[str, str]] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)

    @property
    def total(self) -> Decimal:
        return sum((a.value for a in self.amounts if a.value is not None), Decimal(0))


# --------------------------------------------------------------------------------------------
# Labels, counts and search


def labels_for(snapshot: Snapshot, cache: SnapshotCache, language: str = DEFAULT_LANGUAGE) -> Labels:
    """The label index of the snapshot for readers of ``language``, built once per language."""
    return cache.get(snapshot, f"labels:{language}", lambda: build_labels(snapshot.store, language))


def counts(snapshot: Snapshot, cache: SnapshotCache) -> dict[str, int]:
    """Resources per kind (the same numbers as `mkbgraph stats`)."""
    return cache.get(snapshot, "counts", lambda: graph_stats(snapshot.store))


@dataclass(frozen=True)
class ReportInfo:
    """The report this graph describes."""

    link: Link | None
    issued: str
    description: str


def report_info(store: Store, labels: Labels) -> ReportInfo:
    """The source report: label, year and description (Dutch first)."""
    rows = store.select(
        q(
            "SELECT ?r ?issued ?description WHERE { ?r a mkb:Report . "
            "OPTIONAL { ?r dcterms:issued ?issued } OPTIONAL { ?r dcterms:description ?description } "
            "FILTER(!BOUND(?description) || lang(?description) = 'nl') } ORDER BY ?r LIMIT 1"
        )
    ).rows
    if not rows:
        return ReportInfo(None, "", "")
    report, issued, description = rows[0]
    return ReportInfo(link(report, labels), str(issued or ""), str(description or ""))  # type: ignore[arg-type]


@dataclass(frozen=True)
class SearchEntry:
    """One searchable resource: its label, abbreviations, other names, descriptions and subjects."""

    iri: str
    label: str
    abbreviations: tuple[str, ...]
    kind: str
    path: str
    names: tuple[str, ...] = ()
    descriptions: tuple[str, ...] = ()
    subjects: tuple[str, ...] = ()

    def as_dict(self, match: str, field: str = "") -> dict[str, str]:
        return {
            "iri": self.iri,
            "label": self.label,
            "kind": self.kind,
            "kind_label": KIND_NAMES.get(self.kind, self.kind),
            "path": self.path,
            "match": match,
            "field": field,
        }


#: Where a word can be found, best first: (field name as the results page says it, rank).
SEARCH_FIELDS: tuple[tuple[str, int], ...] = (
    ("afkorting", 0),
    ("naam", 1),
    ("onderwerp", 3),
    ("beschrijving", 4),
)


def search_index(store: Store, labels: Labels) -> list[SearchEntry]:
    """Every labelled data resource with a page, sorted by label, with the texts search looks in:
    its names in every language, abbreviations, descriptions and (for motions) subjects."""
    texts: dict[str, dict[str, list[str]]] = {}
    for s, p, o in store.select(
        q(
            "SELECT ?s ?p ?o WHERE { VALUES ?p { rdfs:label skos:prefLabel dcterms:title "
            "dcterms:description dcterms:subject } ?s ?p ?o . FILTER(isLiteral(?o) && isIRI(?s)) }"
        )
    ).rows:
        name = str(p).rsplit("/", 1)[-1].rsplit("#", 1)[-1]
        field = {"description": "descriptions", "subject": "subjects"}.get(name, "names")
        texts.setdefault(str(s), {}).setdefault(field, []).append(str(o))
    entries = []
    for iri, label in labels.label.items():
        path = local_path(iri)
        if path is None or not iri.startswith(str(ID)):
            continue
        found = texts.get(iri, {})
        entries.append(
            SearchEntry(
                iri,
                label,
                tuple(labels.abbreviations.get(iri, ())),
                kind_of_iri(iri),
                path,
                tuple(found.get("names", ())),
                tuple(found.get("descriptions", ())),
                tuple(found.get("subjects", ())),
            )
        )
    return sorted(entries, key=lambda e: e.label.casefold())


def fold(text: str) -> str:
    """Text as search compares it: case and accents ignored ("Wörsdörfer" = "worsdorfer")."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def search_words(text: str) -> list[str]:
    """The words of a search text (punctuation around words dropped, each word once)."""
    words = [w.strip(".,;:!?()\"'") for w in fold(text).split()]
    return list(dict.fromkeys(w for w in words if w))


def _best_field(entry: SearchEntry, word: str) -> tuple[int, str, str] | None:
    """Where a word occurs in an entry: (rank, field, the text it was found in), best place first."""
    for abbreviation in entry.abbreviations:
        if fold(abbreviation) == word:
            return (0, "afkorting", abbreviation)
    label = fold(entry.label)
    if any(part.startswith(word) for part in label.split()):
        return (1, "naam", entry.label)
    if word in label:
        return (2, "naam", entry.label)
    for abbreviation in entry.abbreviations:
        if word in fold(abbreviation):
            return (2, "afkorting", abbreviation)
    for name in entry.names:
        if word in fold(name):
            return (2, "naam", name)
    for subject in entry.subjects:
        if word in fold(subject):
            return (3, "onderwerp", subject)
    for description in entry.descriptions:
        if word in fold(description):
            return (4, "beschrijving", description)
    return None


def search(index: list[SearchEntry], text: str, limit: int = 20) -> list[dict[str, str]]:
    """Resources in which every word of the text occurs (in a name, abbreviation, subject or
    description), best first: the whole text as an abbreviation or label, then by where the words
    were found (abbreviation, start of a word of the name, inside the name, subject, description)."""
    words = search_words(text)
    if not words:
        return []
    whole = fold(text.strip())
    ranked: list[tuple[int, int, SearchEntry, str, str]] = []
    for position, entry in enumerate(index):
        places = []
        for word in words:
            place = _best_field(entry, word)
            if place is None:
                break
            places.append(place)
        else:
            score = sum(rank for rank, _, _ in places)
            if whole in (fold(a) for a in entry.abbreviations) or whole == fold(entry.label):
                score -= 100
            elif fold(entry.label).startswith(whole):
                score -= 50
            worst = max(places)
            ranked.append((score, position, entry, worst[2], worst[1]))
    ranked.sort(key=lambda item: (item[0], item[1]))
    return [entry.as_dict(match, field) for _, _, entry, match, field in ranked[:limit]]


# --------------------------------------------------------------------------------------------
# Actions


def action_summaries(store: Store, labels: Labels, actions: list[str]) -> list[ActionSummary]:
    """Summaries of the given actions, in the given order (one query per facet, all VALUES-bound)."""
    if not actions:
        return []
    values = iri_values(actions)
    summaries = {a: ActionSummary(link(a, labels)) for a in actions}
    facets: dict[str, str] = {
        "status": "mkb:status",
        "themes": "mkb:theme",
        "lines": "mkb:actionLine",
        "lead": "mkb:responsibleOrganisation",
        "partners": "mkb:involvedOrganisation",
        "funders": "mkb:funder",
        "instruments": "mkb:usesInstrument",
    }
    # Roles the report does not state (issue 12) show in the same column, marked "(aangenomen)".
    assumed: dict[str, str] = {
        "lead": "mkb:assumedResponsibleOrganisation",
        "partners": "mkb:assumedInvolvedOrganisation",
        "funders": "mkb:assumedFunder",
    }
    rows = store.select(
        q(
            f"SELECT ?a ?p ?o WHERE {{ VALUES ?a {{ {values} }} "
            f"VALUES ?p {{ {' '.join(facets.values())} {' '.join(assumed.values())} }} ?a ?p ?o }}"
        )
    ).rows
    by_property = {_expand_mkb(v): k for k, v in facets.items()}
    assumed_by_property = {_expand_mkb(v): k for k, v in assumed.items()}
    for a, p, o in rows:
        summary = summaries[str(a)]
        if str(p) in assumed_by_property:
            plain = link(o, labels)  # type: ignore[arg-type]
            marked = Link(plain.iri, f"{plain.label} (aangenomen)", plain.path)
            getattr(summary, assumed_by_property[str(p)]).append(marked)
            continue
        facet = by_property[str(p)]
        if facet == "status":
            summary.status = link(o, labels)  # type: ignore[arg-type]
        else:
            getattr(summary, facet).append(link(o, labels))  # type: ignore[arg-type]
    for a, amount, value in store.select(
        q(
            f"SELECT ?a ?m ?v WHERE {{ VALUES ?a {{ {values} }} ?a mkb:budget ?m . "
            "OPTIONAL { ?m schema:value ?v } }"
        )
    ).rows:
        summaries[str(a)].amounts.append(Amount(link(amount, labels), _decimal(value)))  # type: ignore[arg-type]
    dates = " ".join(f"mkb:{d}" for d in DATE_PROPERTIES)
    for action, p, d in store.select(
        q(f"SELECT ?a ?p ?d WHERE {{ VALUES ?a {{ {values} }} VALUES ?p {{ {dates} }} ?a ?p ?d }}")
    ).rows:
        summaries[str(action)].dates.append((labels.of(p), str(d)))
    for resource, found in quotes_of(store, labels, actions).items():
        summaries[resource].quotes.extend(found)
    for summary in summaries.values():
        for facet in ("themes", "lines", "lead", "partners", "funders", "instruments"):
            getattr(summary, facet).sort(key=lambda item: item.label.casefold())
        summary.dates.sort()
    return [summaries[a] for a in actions]


def quotes_of(store: Store, labels: Labels, resources: list[str]) -> dict[str, list[Quote]]:
    """The provenance quotes (prov:wasDerivedFrom excerpts) of each resource."""
    if not resources:
        return {}
    found: dict[str, list[Quote]] = {}
    for r, text, section in store.select(
        q(
            f"SELECT ?r ?text ?section WHERE {{ VALUES ?r {{ {iri_values(resources)} }} "
            "?r prov:wasDerivedFrom ?e . ?e prov:value ?text . OPTIONAL { ?e mkb:inSection ?section } } "
            "ORDER BY ?r ?text"
        )
    ).rows:
        found.setdefault(str(r), []).append(
            Quote(str(text), link(section, labels) if section is not None else None)
        )
    return found


def _expand_mkb(prefixed: str) -> str:
    return str(MKB) + prefixed.split(":", 1)[1]


def _true(value: Node | None) -> bool:
    """Whether a SPARQL result cell is the boolean literal true."""
    return isinstance(value, Literal) and value.toPython() is True


def _decimal(value: Node | None) -> Decimal | None:
    if isinstance(value, Literal):
        try:
            return Decimal(str(value))
        except ArithmeticError:
            return None
    return None


# --------------------------------------------------------------------------------------------
# Motions and other parliamentary requests


@dataclass
class RequestRow:
    """One motion, question or commitment on the tracer list."""

    link: Link
    kind: str
    date: str = ""
    status: Link | None = None
    kamerstuk: str = ""
    submitters: list[Link] = field(default_factory=list)
    actions: list[Link] = field(default_factory=list)
    documents: list[Link] = field(default_factory=list)
    action_statuses: list[str] = field(default_factory=list)
    follow_up: str = NO_FOLLOW_UP
    language: str = DEFAULT_LANGUAGE

    @property
    def follow_up_label(self) -> str:
        return follow_up_label(self.follow_up, self.language)

    @property
    def follow_up_explanation(self) -> str:
        return follow_up_explanation(self.follow_up, self.language)

    def csv_row(self) -> dict[str, Any]:
        """The row as the tracer's CSV gives it: names, not IRIs (the request's IRI last)."""
        return {
            "label": self.link.label,
            "kind": self.kind,
            "kamerstuk": self.kamerstuk,
            "date": self.date,
            "submitters": [s.label for s in self.submitters],
            "status": self.status.label if self.status else "",
            "follow_up": self.follow_up_label,
            "actions": [a.label for a in self.actions],
            "documents": [d.label for d in self.documents],
            "iri": self.link.iri,
        }

    def as_dict(self) -> dict[str, Any]:
        """The row as the CSV and JSON forms of the tracer give it."""
        return {
            "iri": self.link.iri,
            "label": self.link.label,
            "kind": self.kind,
            "date": self.date,
            "status": self.status.label if self.status else "",
            "kamerstuk": self.kamerstuk,
            "submitters": [s.label for s in self.submitters],
            "follow_up": self.follow_up,
            "follow_up_label": self.follow_up_label,
            "answering_actions": [a.iri for a in self.actions],
            "answering_documents": [d.iri for d in self.documents],
        }


#: The tracer's CSV columns (`RequestRow.csv_row`), shared by /motions.csv and `mkbgraph motions --csv`.
REQUEST_COLUMNS: tuple[Column, ...] = (
    Column("label", "Verzoek", "Request"),
    Column("kind", "Soort", "Kind"),
    Column("kamerstuk", "Kamerstuk", "Parliamentary paper"),
    Column("date", "Datum", "Date"),
    Column("submitters", "Indieners", "Submitters"),
    Column("status", "Status van het verzoek", "Status of the request"),
    Column("follow_up", "Opvolging", "Follow-up"),
    Column("actions", "Acties die uitvoering geven", "Actions carrying it out"),
    Column("documents", "Documenten die antwoorden", "Documents answering it"),
    Column("iri", "Adres (IRI)", "Address (IRI)"),
)
#: The columns of one request's CSV: one row per answering action.
REQUEST_ACTION_COLUMNS: tuple[Column, ...] = (
    Column("request", "Verzoek", "Request"),
    Column("follow_up", "Opvolging", "Follow-up"),
    Column("action", "Actie", "Action"),
    Column("status", "Status van de actie", "Status of the action"),
    Column("lead", "Trekker", "Lead"),
    Column("partners", "Partners en financiers", "Partners and funders"),
    Column("instruments", "Instrumenten", "Instruments"),
    Column("amounts", "Bedragen (euro)", "Amounts (euro)"),
    Column("dates", "Data", "Dates"),
    Column("quote", "Citaat uit de rapportage", "Quote from the report"),
    Column("action_iri", "Adres van de actie (IRI)", "Address of the action (IRI)"),
)

REQUESTS_QUERY = (
    "SELECT ?request ?type ?date ?status ?identifier WHERE {\n"
    "  ?request a ?type . VALUES ?type { mkb:Motion mkb:MemberQuestion mkb:Commitment mkb:ParliamentaryRequest }\n"
    "  OPTIONAL { ?request dcterms:date ?date }\n"
    "  OPTIONAL { ?request mkb:status ?status }\n"
    "  OPTIONAL { ?request mkb:kamerstuk/dcterms:identifier ?identifier }\n"
    "}"
)
ANSWERS_QUERY = (
    "SELECT ?request ?answer ?isAction ?status WHERE {\n"
    "  ?answer mkb:answers|mkb:respondsTo ?request .\n"
    "  BIND(EXISTS { ?answer a mkb:Action } AS ?isAction)\n"
    "  OPTIONAL { ?answer mkb:status ?status }\n"
    "}"
)


def requests(store: Store, labels: Labels) -> list[RequestRow]:
    """All parliamentary requests with their computed follow-up, sorted by date then label."""
    rows: dict[str, RequestRow] = {}
    request_status: dict[str, str] = {}
    rank = list(REQUEST_KINDS)
    for request, rtype, date, status, identifier in store.select(q(REQUESTS_QUERY)).rows:
        key = str(request)
        row = rows.get(key)
        kind = REQUEST_KINDS[str(rtype)]
        if row is None:
            row = rows[key] = RequestRow(link(request, labels), kind, language=labels.language)  # type: ignore[arg-type]
        elif rank.index(str(rtype)) < list(REQUEST_KINDS.values()).index(row.kind):
            row.kind = kind
        if date is not None:
            row.date = str(date)
        if status is not None:
            row.status = link(status, labels)
            request_status[key] = str(status)
        if identifier is not None:
            row.kamerstuk = str(identifier)
    for request, person in store.select(q("SELECT ?r ?p WHERE { ?r mkb:submitter ?p }")).rows:
        if str(request) in rows:
            rows[str(request)].submitters.append(link(person, labels))  # type: ignore[arg-type]
    for request, answer, is_action, status in store.select(q(ANSWERS_QUERY)).rows:
        row = rows.get(str(request))
        if row is None:
            continue
        if _true(is_action):
            if all(a.iri != str(answer) for a in row.actions):
                row.actions.append(link(answer, labels))  # type: ignore[arg-type]
                row.action_statuses.append(str(status) if status is not None else "")
        elif all(d.iri != str(answer) for d in row.documents):
            row.documents.append(link(answer, labels))  # type: ignore[arg-type]
    for key, row in rows.items():
        row.follow_up = follow_up(request_status.get(key), row.action_statuses, len(row.documents))
        row.submitters.sort(key=lambda s: s.label)
    return sorted(rows.values(), key=lambda r: (r.date or "9999", r.link.label.casefold()))


@dataclass
class RequestDetail:
    """One motion (or question, commitment) and everything that answers it."""

    row: RequestRow
    kamerstuk: Link | None
    kamerstuk_url: str
    description: str
    actions: list[ActionSummary]
    quotes: list[Quote]


def request_detail(store: Store, labels: Labels, iri: str, row: RequestRow) -> RequestDetail:
    """The tracer page of one request: its Kamerstuk, and each answering action in full."""
    values = iri_values([iri])
    kamerstuk: Link | None = None
    url = ""
    for ks, see_also in store.select(
        q(
            f"SELECT ?ks ?url WHERE {{ VALUES ?r {{ {values} }} ?r mkb:kamerstuk ?ks . "
            "OPTIONAL { ?ks rdfs:seeAlso ?url } }"
        )
    ).rows:
        kamerstuk = link(ks, labels)  # type: ignore[arg-type]
        url = str(see_also or "")
    description = ""
    for (text,) in store.select(
        q(
            f"SELECT ?d WHERE {{ VALUES ?r {{ {values} }} ?r dcterms:description ?d }} "
            "ORDER BY DESC(lang(?d) = 'nl') LIMIT 1"
        )
    ).rows:
        description = str(text)
    return RequestDetail(
        row=row,
        kamerstuk=kamerstuk,
        kamerstuk_url=url if url.startswith("https://") else "",
        description=description,
        actions=action_summaries(store, labels, [a.iri for a in row.actions]),
        quotes=quotes_of(store, labels, [iri]).get(iri, []),
    )


# --------------------------------------------------------------------------------------------
# Organisations


@dataclass
class OrganisationDetail:
    """What an organisation leads, takes part in, owns and runs."""

    link: Link
    abbreviations: list[str]
    classification: list[Link]
    lead: list[ActionSummary]
    involved: list[tuple[str, ActionSummary]]
    instruments: list[tuple[str, Link]]
    deals: list[tuple[str, Link]]
    neighbours: list[tuple[str, Link]]

    @property
    def lead_total(self) -> Decimal:
        return sum((a.total for a in self.lead), Decimal(0))

    @property
    def amounts(self) -> list[tuple[ActionSummary, Amount]]:
        return [(a, m) for a in self.lead for m in a.amounts]


#: Role of an organisation on an action -> Dutch name on the organisation page.
INVOLVEMENT = {"involvedOrganisation": "betrokken", "funder": "financier"}
INSTRUMENT_ROLES = {
    "ownerOrganisation": "eigenaar",
    "executingOrganisation": "uitvoerder",
    "partner": "partner",
}


def is_organisation(store: Store, iri: str) -> bool:
    """Whether the IRI names an organisation (org:Organization or a subclass)."""
    return store.ask(q(f"ASK {{ <{iri}> a ?c . ?c rdfs:subClassOf* org:Organization }}"))


def organisation_detail(store: Store, labels: Labels, iri: str) -> OrganisationDetail:
    """The organisation page: lead actions, involvement, instruments and deals, neighbours."""
    values = iri_values([iri])
    lead = [
        str(a)
        for (a,) in store.select(
            # stated and assumed leads: the action table marks an assumed one "(aangenomen)"
            q(
                f"SELECT DISTINCT ?a WHERE {{ VALUES ?o {{ {values} }} "
                "?a mkb:responsibleOrganisation|mkb:assumedResponsibleOrganisation ?o }"
            )
        ).rows
    ]
    involved: list[tuple[str, str]] = []
    for a, p in store.select(
        q(
            f"SELECT ?a ?p WHERE {{ VALUES ?o {{ {values} }} VALUES ?p {{ mkb:involvedOrganisation mkb:funder }} "
            "?a ?p ?o . ?a a mkb:Action }"
        )
    ).rows:
        involved.append((INVOLVEMENT[str(p).rsplit("/", 1)[-1]], str(a)))
    instruments: list[tuple[str, Link]] = []
    deals: list[tuple[str, Link]] = []
    for s, p, is_deal in store.select(
        q(
            f"SELECT ?s ?p ?deal WHERE {{ VALUES ?o {{ {values} }} "
            "VALUES ?p { mkb:ownerOrganisation mkb:executingOrganisation mkb:partner } ?s ?p ?o . "
            "BIND(EXISTS { ?s a mkb:RegionalDeal } AS ?deal) }"
        )
    ).rows:
        role = INSTRUMENT_ROLES[str(p).rsplit("/", 1)[-1]]
        target = deals if _true(is_deal) else instruments
        target.append((role, link(s, labels)))  # type: ignore[arg-type]
    summaries = {
        s.link.iri: s for s in action_summaries(store, labels, sorted(set(lead) | {a for _, a in involved}))
    }
    classification = [
        link(c, labels)  # type: ignore[arg-type]
        for (c,) in store.select(
            q(f"SELECT ?c WHERE {{ VALUES ?o {{ {values} }} ?o org:classification ?c }}")
        ).rows
    ]
    return OrganisationDetail(
        link=link(iri, labels),
        abbreviations=labels.abbreviations.get(iri, []),
        classification=classification,
        lead=sorted((summaries[a] for a in lead), key=lambda s: s.link.label.casefold()),
        involved=sorted(((r, summaries[a]) for r, a in involved), key=lambda x: x[1].link.label.casefold()),
        instruments=sorted(instruments, key=lambda x: x[1].label.casefold()),
        deals=sorted(deals, key=lambda x: x[1].label.casefold()),
        neighbours=neighbours(store, labels, iri),
    )


def neighbours(store: Store, labels: Labels, iri: str, limit: int = 40) -> list[tuple[str, Link]]:
    """Resources one step away (either direction), with the relation, for the small ego network."""
    values = iri_values([iri])
    found: dict[str, tuple[str, Link]] = {}
    for other, p in store.select(
        q(
            f"SELECT ?other ?p WHERE {{ VALUES ?x {{ {values} }} "
            "{ ?other ?p ?x } UNION { ?x ?p ?other } FILTER(isIRI(?other)) "
            "FILTER(STRSTARTS(STR(?other), STR(act:)) || STRSTARTS(STR(?other), STR(ins:)) || "
            "STRSTARTS(STR(?other), STR(mot:)) || STRSTARTS(STR(?other), STR(req:)) || "
            "STRSTARTS(STR(?other), STR(deal:)) || STRSTARTS(STR(?other), STR(reg:)) || "
            "STRSTARTS(STR(?other), STR(orgn:))) }"
        )
    ).rows:
        key = str(other)
        if key != iri and key not in found:
            found[key] = (labels.of(p), link(other, labels))  # type: ignore[arg-type]
    return sorted(found.values(), key=lambda x: (x[0], x[1].label.casefold()))[:limit]


# --------------------------------------------------------------------------------------------
# Any resource


@dataclass
class PropertyValue:
    """One value of a property: a link, or literal text with its language or datatype."""

    text: str
    link: Link | None = None
    note: str = ""


@dataclass
class EntityDetail:
    """Everything the graph says about one resource, and what points at it."""

    link: Link
    types: list[Link]
    properties: list[tuple[Link, list[PropertyValue]]]
    incoming: list[tuple[str, list[Link]]]
    quotes: list[Quote]
    query: str

    @property
    def exists(self) -> bool:
        return bool(self.types or self.properties or self.incoming)


#: Property -> how its inverse reads on the page of the object ("answered by").
INVERSE_NAMES: dict[str, str] = {
    f"{MKB}answers": "beantwoord door",
    f"{MKB}responsibleOrganisation": "verantwoordelijk voor",
    f"{MKB}involvedOrganisation": "betrokken bij",
    f"{MKB}funder": "financier van",
    f"{MKB}usesInstrument": "gebruikt door",
    f"{MKB}theme": "acties in dit thema",
    f"{MKB}actionLine": "acties in deze actielijn",
    f"{MKB}concernsRegion": "gaat over deze regio",
    f"{MKB}concernsRegionalDeal": "onderdeel van deze deal",
    f"{MKB}documentedIn": "beschreven in dit document",
    f"{MKB}ownerOrganisation": "eigenaar van",
    f"{MKB}executingOrganisation": "voert uit",
    f"{MKB}submitter": "indiener van",
    f"{MKB}kamerstuk": "Kamerstuk van",
    f"{MKB}inSection": "geciteerd in deze sectie",
    f"{MKB}budget": "budget van",
    "http://www.w3.org/2004/02/skos/core#broader": "smallere begrippen",
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#type": "instanties",
}
PROV_DERIVED = "http://www.w3.org/ns/prov#wasDerivedFrom"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"


def entity_query(iri: str) -> str:
    """The query that produces an entity page: its statements, and the statements about it."""
    return q(
        "SELECT ?direction ?property ?value WHERE {\n"
        f'  {{ <{iri}> ?property ?value . BIND("out" AS ?direction) }}\n'
        f'  UNION {{ ?value ?property <{iri}> . BIND("in" AS ?direction) }}\n'
        "} ORDER BY ?direction ?property ?value"
    )


def entity_detail(store: Store, labels: Labels, iri: str, max_incoming: int = 500) -> EntityDetail:
    """All properties with labels, incoming links grouped by property, and provenance quotes."""
    values = iri_values([iri])
    outgoing: dict[str, list[PropertyValue]] = {}
    other_language: dict[str, list[PropertyValue]] = {}
    types: list[Link] = []
    for p, o in store.select(q(f"SELECT ?p ?o WHERE {{ VALUES ?s {{ {values} }} ?s ?p ?o }}")).rows:
        prop = str(p)
        if prop == RDF_TYPE:
            types.append(link(o, labels))  # type: ignore[arg-type]
            continue
        if prop == PROV_DERIVED and isinstance(o, BNode):
            continue  # shown as quotes
        if isinstance(o, Literal) and o.language and o.language != labels.language:
            other_language.setdefault(prop, []).append(_value(o, labels))
            continue
        outgoing.setdefault(prop, []).append(_value(o, labels))  # type: ignore[arg-type]
    for prop, foreign in other_language.items():  # another language only where the reader's has none
        if prop not in outgoing:
            outgoing[prop] = foreign
    properties = [
        (link(p, labels), sorted(v, key=lambda x: x.text.casefold()))
        for p, v in sorted(outgoing.items(), key=lambda kv: labels.of(URIRef(kv[0])).casefold())
    ]
    incoming: dict[str, dict[str, Link]] = {}
    for s, p, owner in store.select(
        q(
            f"SELECT ?s ?p ?owner WHERE {{ VALUES ?o {{ {values} }} ?s ?p ?o . "
            "OPTIONAL { FILTER(isBlank(?s)) ?owner ?q ?s . FILTER(isIRI(?owner)) } }"
        ),
        max_rows=max_incoming,
    ).rows:
        subject = owner if isinstance(s, BNode) else s
        if subject is None or isinstance(subject, BNode):
            continue
        name = INVERSE_NAMES.get(str(p), f"verwijst hierheen als “{labels.of(p)}”")
        incoming.setdefault(name, {})[str(subject)] = link(subject, labels)
    return EntityDetail(
        link=link(iri, labels),
        types=sorted(types, key=lambda t: t.label),
        properties=properties,
        incoming=[
            (name, sorted(links.values(), key=lambda x: x.label.casefold()))
            for name, links in sorted(incoming.items())
        ],
        quotes=quotes_of(store, labels, [iri]).get(iri, []),
        query=entity_query(iri),
    )


def _value(term: Node, labels: Labels) -> PropertyValue:
    if isinstance(term, Literal):
        from mkbgraph.web.rendering import format_value

        datatype = labels.of(term.datatype).split(":")[-1] if term.datatype else ""
        note = term.language or ("" if datatype in ("string", "langString") else datatype)
        return PropertyValue(format_value(term), None, note)
    if isinstance(term, BNode):
        return PropertyValue("(naamloze knoop)")
    return PropertyValue(labels.of(term), link(term, labels))


# --------------------------------------------------------------------------------------------
# Themes


@dataclass
class LineOverview:
    """An action line with its actions."""

    link: Link
    notation: str
    actions: list[ActionSummary]


@dataclass
class ThemeOverview:
    """A theme, its action lines, and money and status at a glance."""

    link: Link
    notation: str
    lines: list[LineOverview]
    unlined: list[ActionSummary]
    status_counts: dict[str, int]
    total: Decimal

    @property
    def action_count(self) -> int:
        return sum(len(line.actions) for line in self.lines) + len(self.unlined)


def themes(store: Store, labels: Labels) -> list[ThemeOverview]:
    """The seven themes in report order, each with its action lines and actions."""
    theme_rows = store.select(
        q(
            "SELECT ?t ?n ?order WHERE { ?t a mkb:Theme . OPTIONAL { ?t skos:notation ?n } "
            "OPTIONAL { ?t mkb:order ?order } } ORDER BY ?order ?t"
        )
    ).rows
    line_rows = store.select(
        q(
            "SELECT ?l ?t ?n WHERE { ?l a mkb:ActionLine ; skos:broader ?t . OPTIONAL { ?l skos:notation ?n } "
            "OPTIONAL { ?l mkb:order ?order } } ORDER BY ?t ?order ?l"
        )
    ).rows
    action_rows = store.select(
        q("SELECT ?a ?t ?l WHERE { ?a a mkb:Action ; mkb:theme ?t . OPTIONAL { ?a mkb:actionLine ?l } }")
    ).rows
    all_actions = sorted({str(a) for a, _, _ in action_rows})
    summaries = {s.link.iri: s for s in action_summaries(store, labels, all_actions)}
    overviews: dict[str, ThemeOverview] = {}
    lines: dict[str, LineOverview] = {}
    for t, n, _ in theme_rows:
        if str(t) not in overviews:
            overviews[str(t)] = ThemeOverview(link(t, labels), str(n or ""), [], [], {}, Decimal(0))  # type: ignore[arg-type]
    for line_iri, t, n in line_rows:
        if str(t) in overviews and str(line_iri) not in lines:
            lines[str(line_iri)] = LineOverview(link(line_iri, labels), str(n or ""), [])  # type: ignore[arg-type]
            overviews[str(t)].lines.append(lines[str(line_iri)])
    seen: set[tuple[str, str]] = set()
    for a, t, line_iri in action_rows:
        theme = overviews.get(str(t))
        if theme is None or (str(a), str(t)) in seen:
            continue
        seen.add((str(a), str(t)))
        summary = summaries[str(a)]
        line = lines.get(str(line_iri)) if line_iri is not None else None
        if line is not None and line in theme.lines:
            line.actions.append(summary)
        else:
            theme.unlined.append(summary)
        status = summary.status.label if summary.status else "zonder status"
        theme.status_counts[status] = theme.status_counts.get(status, 0) + 1
        theme.total += summary.total
    for theme in overviews.values():
        for line in theme.lines:
            line.actions.sort(key=lambda s: s.link.label.casefold())
        theme.unlined.sort(key=lambda s: s.link.label.casefold())
    return list(overviews.values())


# --------------------------------------------------------------------------------------------
# Data quality


@dataclass
class QualityChecks:
    """Graph-level checks beyond SHACL: what a reader of the report would want followed up."""

    requests_without_follow_up: list[Link]
    organisations_leading_nothing: list[Link]
    actions_without_amounts: list[Link]
    actions_without_dates: list[Link]


def quality_checks(store: Store, labels: Labels, request_rows: list[RequestRow]) -> QualityChecks:
    """Requests nobody answers, organisations that lead nothing, actions without money or dates."""

    def links(query: str) -> list[Link]:
        found = {str(r[0]): link(r[0], labels) for r in store.select(q(query)).rows if r[0] is not None}  # type: ignore[arg-type]
        return sorted(found.values(), key=lambda x: x.label.casefold())

    dates = " ".join(f"mkb:{d}" for d in DATE_PROPERTIES)
    return QualityChecks(
        requests_without_follow_up=[r.link for r in request_rows if r.follow_up == NO_FOLLOW_UP],
        organisations_leading_nothing=links(
            "SELECT ?o WHERE { ?o a org:Organization . "
            "FILTER NOT EXISTS { ?a mkb:responsibleOrganisation ?o } }"
        ),
        actions_without_amounts=links(
            "SELECT ?a WHERE { ?a a mkb:Action . FILTER NOT EXISTS { ?a mkb:budget ?m } }"
        ),
        actions_without_dates=links(
            f"SELECT ?a WHERE {{ ?a a mkb:Action . FILTER NOT EXISTS {{ VALUES ?p {{ {dates} }} ?a ?p ?d }} }}"
        ),
    )


@dataclass(frozen=True)
class OrganisationRow:
    """One organisation on the list: how many actions it leads and takes part in."""

    link: Link
    abbreviation: str
    leads: int
    involved: int
    instruments: int


def organisations(store: Store, labels: Labels) -> list[OrganisationRow]:
    """All organisations with their counts, most leading first."""
    rows = store.select(
        q(
            "SELECT ?o (COUNT(DISTINCT ?lead) AS ?leads) (COUNT(DISTINCT ?part) AS ?parts) "
            "(COUNT(DISTINCT ?ins) AS ?instruments) WHERE { ?o a org:Organization . "
            "OPTIONAL { ?lead mkb:responsibleOrganisation ?o } "
            "OPTIONAL { ?part mkb:involvedOrganisation|mkb:funder ?o } "
            "OPTIONAL { ?ins mkb:ownerOrganisation|mkb:executingOrganisation ?o } } GROUP BY ?o"
        )
    ).rows
    found = [
        OrganisationRow(
            link(o, labels),  # type: ignore[arg-type]
            (labels.abbreviations.get(str(o)) or [""])[0],
            int(leads or 0),  # type: ignore[arg-type]
            int(parts or 0),  # type: ignore[arg-type]
            int(ins or 0),  # type: ignore[arg-type]
        )
        for o, leads, parts, ins in rows
    ]
    return sorted(found, key=lambda r: (-r.leads, -r.involved, r.link.label.casefold()))


# --------------------------------------------------------------------------------------------
# A page per kind: the question a reader of that kind of page has, answered first


@dataclass
class Fact:
    """One line of a page's answer: a name and its values (links, or plain text)."""

    name: str
    links: list[Link] = field(default_factory=list)
    text: str = ""
    amounts: list[Amount] = field(default_factory=list)


@dataclass
class KindPage:
    """What a page of one kind shows above the folded list of all properties."""

    question: str
    facts: list[Fact]
    description: str = ""
    quotes: list[Quote] = field(default_factory=list)
    actions: list[ActionSummary] = field(default_factory=list)
    actions_caption: str = ""
    groups: list[tuple[str, list[Link]]] = field(default_factory=list)


#: Kind -> the question its page answers first (Dutch; the catalogue has the English).
KIND_QUESTIONS: dict[str, str] = {
    "action": "Wie trekt deze actie, met wie en met welk geld, hoe staat ze ervoor en welke motie voert ze uit?",
    "instrument": "Van wie is dit instrument, wie voert het uit, met welk geld, en welke acties gebruiken het?",
    "theme": "Welke acties vallen onder dit thema, wie trekt ze en met welk geld?",
    "action-line": "Welke acties vallen onder deze actielijn, wie trekt ze en met welk geld?",
    "region": "Welke acties, instruments en deals gaan over deze regio?",
    "regional-deal": "Wie doen mee aan deze deal en welke acties horen erbij?",
    "document": "Wat is dit document, en welke acties, instrumenten en verzoeken verwijzen ernaar?",
}


def _objects(store: Store, labels: Labels, iri: str, props: str) -> list[Link]:
    """The IRIs ``iri`` points to through any of ``props`` (a SPARQL VALUES body), sorted by label."""
    rows = store.select(
        q(
            f"SELECT DISTINCT ?o WHERE {{ VALUES ?s {{ {iri_values([iri])} }} VALUES ?p {{ {props} }} ?s ?p ?o . FILTER(isIRI(?o)) }}"
        )
    ).rows
    return sorted((link(o, labels) for (o,) in rows), key=lambda x: x.label.casefold())  # type: ignore[arg-type]


def _subjects(store: Store, labels: Labels, iri: str, props: str, cls: str = "") -> list[Link]:
    """The IRIs that point to ``iri`` through any of ``props`` (optionally only of class ``cls``)."""
    typed = f"?s a {cls} ." if cls else ""
    rows = store.select(
        q(
            f"SELECT DISTINCT ?s WHERE {{ VALUES ?o {{ {iri_values([iri])} }} VALUES ?p {{ {props} }} ?s ?p ?o . {typed} FILTER(isIRI(?s)) }}"
        )
    ).rows
    return sorted((link(s, labels) for (s,) in rows), key=lambda x: x.label.casefold())  # type: ignore[arg-type]


def _literal(store: Store, iri: str, prop: str, language: str) -> str:
    """One literal of ``prop`` in the reader's language (else Dutch, else any)."""
    rows = store.select(
        q(f"SELECT ?v WHERE {{ VALUES ?s {{ {iri_values([iri])} }} ?s {prop} ?v . FILTER(isLiteral(?v)) }}")
    ).rows
    values = [v for (v,) in rows if isinstance(v, Literal)]
    for want in (language, "nl", None):
        for value in sorted(values, key=str):
            if (value.language or None) == want:
                return str(value)
    return str(values[0]) if values else ""


def _amounts(store: Store, labels: Labels, iri: str) -> list[Amount]:
    rows = store.select(
        q(
            f"SELECT ?m ?v WHERE {{ VALUES ?s {{ {iri_values([iri])} }} ?s mkb:budget ?m . OPTIONAL {{ ?m schema:value ?v }} }}"
        )
    ).rows
    return [Amount(link(m, labels), _decimal(v)) for m, v in rows]  # type: ignore[arg-type]


def _action_facts(store: Store, labels: Labels, summary: ActionSummary, iri: str) -> list[Fact]:
    """Lead, partners, money, status, dates and motions first; what is not recorded says so."""
    answers = _objects(store, labels, iri, "mkb:answers")
    return [
        Fact("Trekker", summary.lead, "" if summary.lead else "niet vastgelegd"),
        Fact("Partners", summary.partners, "" if summary.partners else "geen vastgelegd"),
        Fact("Financiers", summary.funders),
        Fact("Geld", amounts=summary.amounts, text="" if summary.amounts else "geen bedrag vastgelegd"),
        Fact(
            "Status", [summary.status] if summary.status else [], "" if summary.status else "niet vastgelegd"
        ),
        Fact("Data", text="; ".join(f"{n}: {v}" for n, v in summary.dates) or "geen datum vastgelegd"),
        Fact("Voert uit", answers, "" if answers else "geen motie of verzoek"),
        Fact("Instrumenten", summary.instruments),
        Fact("Thema en actielijn", summary.themes + summary.lines),
        Fact("Onderdeel van", _objects(store, labels, iri, "mkb:partOfAction")),
    ]


def kind_page(store: Store, labels: Labels, iri: str, kind: str) -> KindPage | None:
    """The answer-first part of the page of an action, instrument, theme, action line, region,
    regional deal or document; None for other kinds (their page is the property list)."""
    if kind not in KIND_QUESTIONS:
        return None
    language = labels.language
    description = _literal(store, iri, "dcterms:description", language)
    quotes = quotes_of(store, labels, [iri]).get(iri, [])
    page = KindPage(KIND_QUESTIONS[kind], [], description, quotes)
    if kind == "action":
        summary = action_summaries(store, labels, [iri])[0]
        page.facts = [
            f
            for f in _action_facts(store, labels, summary, iri)
            if f is not None and (f.links or f.text or f.amounts)
        ]
        page.quotes = summary.quotes
        parts = _subjects(store, labels, iri, "mkb:partOfAction")
        if parts:
            page.groups.append(("Deelacties", parts))
        return page
    if kind == "instrument":
        page.facts = [
            Fact("Soort", _objects(store, labels, iri, "mkb:instrumentKind")),
            Fact("Eigenaar", _objects(store, labels, iri, "mkb:ownerOrganisation")),
            Fact("Uitvoerder", _objects(store, labels, iri, "mkb:executingOrganisation")),
            Fact("Partners", _objects(store, labels, iri, "mkb:partner")),
            Fact("Geld", amounts=_amounts(store, labels, iri)),
            Fact("Beschreven in", _objects(store, labels, iri, "mkb:documentedIn")),
            Fact("Vestigingsplaatsen", _objects(store, labels, iri, "mkb:location")),
        ]
        actions = [a.iri for a in _subjects(store, labels, iri, "mkb:usesInstrument", "mkb:Action")]
        page.actions_caption = "Acties die dit instrument gebruiken"
    elif kind in ("theme", "action-line"):
        prop = "mkb:theme" if kind == "theme" else "mkb:actionLine"
        actions = [a.iri for a in _subjects(store, labels, iri, prop, "mkb:Action")]
        page.facts = [
            Fact("Nummer", text=_literal(store, iri, "skos:notation", language)),
            Fact("Actielijnen", _subjects(store, labels, iri, "skos:broader", "mkb:ActionLine"))
            if kind == "theme"
            else Fact("Thema", _objects(store, labels, iri, "skos:broader")),
        ]
        page.actions_caption = "Acties in dit thema" if kind == "theme" else "Acties in deze actielijn"
    elif kind == "region":
        actions = [a.iri for a in _subjects(store, labels, iri, "mkb:concernsRegion", "mkb:Action")]
        page.facts = [
            Fact(
                "Instrumenten",
                _subjects(store, labels, iri, "mkb:location mkb:concernsRegion", "mkb:Instrument"),
            ),
            Fact("Regionale deals", _subjects(store, labels, iri, "mkb:concernsRegion", "mkb:RegionalDeal")),
        ]
        page.actions_caption = "Acties die over deze regio gaan"
    elif kind == "regional-deal":
        actions = [a.iri for a in _subjects(store, labels, iri, "mkb:concernsRegionalDeal", "mkb:Action")]
        page.facts = [
            Fact("Regio's", _objects(store, labels, iri, "mkb:concernsRegion")),
            Fact("Eigenaar", _objects(store, labels, iri, "mkb:ownerOrganisation")),
            Fact("Partners", _objects(store, labels, iri, "mkb:partner mkb:executingOrganisation")),
            Fact("Geld", amounts=_amounts(store, labels, iri)),
        ]
        page.actions_caption = "Acties bij deze deal"
    else:  # document
        actions = [a.iri for a in _subjects(store, labels, iri, "mkb:documentedIn mkb:answers", "mkb:Action")]
        page.facts = [
            Fact("Datum", text=_literal(store, iri, "dcterms:date", language)),
            Fact("Kenmerk", text=_literal(store, iri, "dcterms:identifier", language)),
            Fact("Officiële publicatie", _external(store, iri)),
            Fact("Instrumenten", _subjects(store, labels, iri, "mkb:documentedIn", "mkb:Instrument")),
            Fact("Kamerstuk van", _subjects(store, labels, iri, "mkb:kamerstuk")),
            Fact("Beantwoordt", _objects(store, labels, iri, "mkb:answers")),
        ]
        page.actions_caption = "Acties die in dit document beschreven staan of het beantwoorden"
    page.facts = [f for f in page.facts if f.links or f.text or f.amounts]
    page.actions = sorted(action_summaries(store, labels, actions), key=lambda s: s.link.label.casefold())
    return page


def _external(store: Store, iri: str) -> list[Link]:
    """The document's web addresses (rdfs:seeAlso), as links that leave the site."""
    rows = store.select(
        q(f"SELECT ?u WHERE {{ VALUES ?s {{ {iri_values([iri])} }} ?s rdfs:seeAlso ?u . FILTER(isIRI(?u)) }}")
    ).rows
    return [Link(str(u), str(u), None) for (u,) in rows if str(u).startswith("https://")]
