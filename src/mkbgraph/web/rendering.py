"""Turning RDF terms into what a page shows: labels instead of IRIs, local paths for dataset IRIs.

Every dataset IRI (``https://w3id.org/mkbgraph/id/...`` and ``/def/...``) has a page on this
server at the same path, so a link is the local path and the permalink is the IRI itself. The
label index is built once per snapshot (one query) and every page reads it, so no page shows a
bare IRI where the graph has a name for it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from rdflib import BNode, Literal, URIRef
from rdflib.term import Node

from mkbgraph.domain.labels import DEFAULT_LANGUAGE, LABEL_PROPERTIES, pick_label
from mkbgraph.graph.store import Store
from mkbgraph.vocab import ID, KIND_BY_KEY, KIND_TABLE, MKB, PREFIXES, kind_of_iri, sparql_prefix_block

#: Kind of a data resource (path segment after the data base) -> singular, readable Dutch name.
KIND_NAMES: dict[str, str] = {kind.key: kind.nl for kind in KIND_TABLE}


@dataclass(frozen=True)
class Labels:
    """Labels and abbreviations of every named resource in one snapshot."""

    label: dict[str, str]
    abbreviations: dict[str, list[str]]
    language: str = DEFAULT_LANGUAGE

    def of(self, term: Node | str | None) -> str:
        """The best label for a term: its label, else a prefixed name, else the IRI itself."""
        if term is None:
            return ""
        if isinstance(term, Literal):
            return str(term)
        key = str(term)
        if key in self.label:
            return self.label[key]
        if isinstance(term, BNode):
            return "(naamloos)"
        return curie(key)


def build_labels(store: Store, language: str = DEFAULT_LANGUAGE) -> Labels:
    """Read all labels and alt labels in one query each; the label picker (`mkbgraph.domain.labels`)
    chooses the best per resource for a reader of ``language``."""
    query = sparql_prefix_block() + (
        "SELECT ?s ?p ?o WHERE { VALUES ?p { "
        + " ".join(LABEL_PROPERTIES)
        + " } ?s ?p ?o . FILTER(isLiteral(?o)) }"
    )
    candidates: dict[str, list[tuple[str, Literal]]] = {}
    for s, p, o in store.select(query).rows:
        if s is None or o is None or not isinstance(o, Literal):
            continue
        candidates.setdefault(str(s), []).append((str(p), o))
    best = {key: pick_label(found, language) or "" for key, found in candidates.items()}
    alt_query = sparql_prefix_block() + "SELECT ?s ?o WHERE { ?s skos:altLabel ?o }"
    abbreviations: dict[str, list[str]] = {}
    for s, o in store.select(alt_query).rows:
        if s is not None and o is not None:
            abbreviations.setdefault(str(s), []).append(str(o))
    for values in abbreviations.values():
        values.sort(key=lambda v: (len(v), v))
    return Labels(best, abbreviations, language)


def curie(iri: str) -> str:
    """A prefixed name (``orgn:ezk``) for an IRI in one of the project namespaces, else the IRI."""
    best = ""
    best_prefix = ""
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(namespace) and len(namespace) > len(best):
            best, best_prefix = namespace, prefix
    if not best:
        return iri
    local = iri[len(best) :]
    return f"{best_prefix}:{local}" if local and "/" not in local and "#" not in local else iri


def local_path(iri: str | Node | None) -> str | None:
    """The path on this server of a dataset IRI (``/id/...`` or ``/def/...``), or None."""
    if iri is None or not isinstance(iri, str | URIRef):
        return None
    text = str(iri)
    for base, mount in ((str(ID), "/id/"), (str(MKB), "/def/")):
        if text.startswith(base):
            return mount + text[len(base) :]
    return None


def format_value(literal: Literal) -> str:
    """A literal as a reader expects it: euros with thousands separators, dates as written."""
    value = literal.toPython()
    if isinstance(value, Decimal | float | int) and not isinstance(value, bool):
        return format_number(value)
    return str(literal)


def format_number(value: Decimal | float | int) -> str:
    """Dutch number formatting: 5.400.000 and 2,5."""
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    if number == number.to_integral_value():
        return f"{int(number):,}".replace(",", ".")
    text = f"{number:,.2f}".rstrip("0").rstrip(".")
    return text.replace(",", "_").replace(".", ",").replace("_", ".")


def format_euro(value: Decimal | float | int | None) -> str:
    """``€ 5.400.000`` (or an empty string)."""
    return "" if value is None else f"€ {format_number(value)}"


def iri_values(iris: Iterable[str]) -> str:
    """A SPARQL VALUES body of IRIs (each checked to be a plain IRI, so nothing can be injected)."""
    parts = []
    for iri in iris:
        if any(c in iri for c in '<>"{}|^`\\ \n\t'):
            raise ValueError(f"not a plain IRI: {iri!r}")
        parts.append(f"<{iri}>")
    return " ".join(parts)


# --------------------------------------------------------------------------------------------
# Small server-side charts (inline SVG: no chart library, works without JavaScript)

#: Action status label -> bar colour (unknown statuses fall back to grey).
STATUS_COLOURS: dict[str, str] = {
    "gepland": "#9ecae1",
    "in voorbereiding": "#6baed6",
    "gestart": "#4292c6",
    "lopend": "#2171b5",
    "verlengd": "#08519c",
    "afgerond": "#2e8b57",
    "in evaluatie": "#e0a030",
    "gestopt": "#c0392b",
    "zonder status": "#cccccc",
}


@dataclass(frozen=True)
class Bar:
    """One segment of a horizontal bar: position and width in chart units, colour and meaning."""

    x: float
    width: float
    colour: str
    label: str
    count: int


def stacked_bars(
    rows: list[tuple[str, dict[str, int]]], width: float = 400.0
) -> tuple[list[tuple[str, list[Bar]]], int]:
    """Each row's counts as stacked segments scaled to the largest row; returns (rows, largest)."""
    largest = max((sum(c.values()) for _, c in rows), default=0) or 1
    order = list(STATUS_COLOURS)
    result = []
    for name, row_counts in rows:
        x = 0.0
        segments = []
        for status in sorted(row_counts, key=lambda s: (order.index(s) if s in order else len(order), s)):
            w = width * row_counts[status] / largest
            segments.append(Bar(x, w, STATUS_COLOURS.get(status, "#999999"), status, row_counts[status]))
            x += w
        result.append((name, segments))
    return result, largest


@dataclass(frozen=True)
class EgoPoint:
    """A neighbour placed on a circle around the centre of the small ego network."""

    x: float
    y: float
    label: str
    href: str
    relation: str
    colour: str
    anchor: str = "middle"


def ego_points(neighbours: list[tuple[str, str, str, str]], radius: float = 150.0) -> list[EgoPoint]:
    """(relation, label, href, iri) -> points on two alternating rings around (0, 0), labels
    written away from the centre (left of points on the left, right on the right), so
    neighbouring labels do not overlap as they did on one ring with centred text."""
    import math

    points = []
    count = len(neighbours) or 1
    for i, (relation, label, href, iri) in enumerate(neighbours):
        angle = 2 * math.pi * i / count - math.pi / 2
        ring = radius if i % 2 == 0 or count < 12 else radius * 1.45
        x, y = ring * math.cos(angle), ring * math.sin(angle)
        anchor = "middle" if abs(x) < 20 else ("start" if x > 0 else "end")
        short = label if len(label) <= 24 else label[:23] + "…"
        points.append(
            EgoPoint(
                round(x, 1),
                round(y, 1),
                short,
                href,
                relation,
                KIND_BY_KEY[kind].colour if (kind := kind_of_iri(iri)) in KIND_BY_KEY else "#888888",
                anchor,
            )
        )
    return points
