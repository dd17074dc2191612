"""Every serialisation the service speaks, in one table, and the one Accept-header reader.

A format is named once here with everything the layers above ask of it: the name a query worker
serialises to, the media type it answers with, the other media types and ``?format=`` names that
ask for it, the suffix of a resource URL (``/id/action/x.ttl``), rdflib's serializer for the
documents built in the server (Service Description, VoID, resource descriptions) and its W3C
format IRI. The SPARQL endpoint, the canned-query API and the resource pages all negotiate with
`best_match`, so one Accept header gets one reading everywhere (RFC 9110 section 12.5.1: the
most specific matching range gives an offer its quality; q=0 refuses).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from mkbgraph.http_headers import weighted

FormatKind = Literal["results", "rdf"]


@dataclass(frozen=True)
class Format:
    """One serialisation: `name` is what the engine and the workers call it."""

    name: str
    kind: FormatKind
    media_type: str
    also: tuple[str, ...] = ()
    names: tuple[str, ...] = ()
    suffix: str = ""
    rdflib: str = ""
    w3c: str = ""

    @property
    def media_types(self) -> tuple[str, ...]:
        """The canonical media type first, then the others that ask for this format."""
        return (self.media_type, *self.also)

    @property
    def content_type(self) -> str:
        """The Content-Type header: ``text/*`` formats say their charset (always UTF-8)."""
        return f"{self.media_type}; charset=utf-8" if self.media_type.startswith("text/") else self.media_type


#: Every format, results formats first; within a kind the first is the default.
FORMATS: tuple[Format, ...] = (
    Format(
        "json",
        "results",
        "application/sparql-results+json",
        ("application/json",),
        ("json", "srj"),
        w3c="SPARQL_Results_JSON",
    ),
    Format(
        "xml",
        "results",
        "application/sparql-results+xml",
        ("application/xml", "text/xml"),
        ("xml", "srx"),
        w3c="SPARQL_Results_XML",
    ),
    Format("csv", "results", "text/csv", (), ("csv",), w3c="SPARQL_Results_CSV"),
    Format("tsv", "results", "text/tab-separated-values", (), ("tsv",), w3c="SPARQL_Results_TSV"),
    Format(
        "turtle",
        "rdf",
        "text/turtle",
        ("application/x-turtle", "text/n3", "text/rdf+n3"),
        ("turtle", "ttl", "n3"),
        ".ttl",
        "turtle",
        "Turtle",
    ),
    Format(
        "jsonld",
        "rdf",
        "application/ld+json",
        ("application/json",),
        ("jsonld", "json-ld", "json"),
        ".jsonld",
        "json-ld",
        "JSON-LD",
    ),
    Format(
        "ntriples",
        "rdf",
        "application/n-triples",
        ("text/plain",),
        ("ntriples", "nt"),
        ".nt",
        "nt",
        "N-Triples",
    ),
    Format(
        "rdfxml",
        "rdf",
        "application/rdf+xml",
        ("application/xml", "text/xml"),
        ("rdfxml", "rdf", "rdf+xml", "xml"),
        ".rdf",
        "pretty-xml",
        "RDF_XML",
    ),
)

#: Format name -> format.
BY_NAME: dict[str, Format] = {f.name: f for f in FORMATS}
RESULT_FORMATS: tuple[Format, ...] = tuple(f for f in FORMATS if f.kind == "results")
RDF_FORMATS: tuple[Format, ...] = tuple(f for f in FORMATS if f.kind == "rdf")
#: Resource URL suffix -> RDF format.
BY_SUFFIX: dict[str, Format] = {f.suffix: f for f in RDF_FORMATS}


class UnknownFormat(ValueError):
    """A ``?format=`` value that names no format of the kinds asked for."""


def named(value: str, kind: FormatKind) -> Format | None:
    """The format of `kind` that a ``?format=`` value (a name or a media type) names, or None."""
    key = value.strip().lower()
    for fmt in FORMATS:
        if fmt.kind == kind and (key in fmt.names or key in fmt.media_types):
            return fmt
    return None


def by_parameter(value: str) -> tuple[Format | None, Format | None]:
    """(results format, RDF format) that ``?format=`` names; either may be None (the form decides
    which one is used), and a value that names neither raises `UnknownFormat`."""
    results, rdf = named(value, "results"), named(value, "rdf")
    if results is None and rdf is None:
        raise UnknownFormat(
            f"unknown format {value!r}; use json, xml, csv, tsv (SELECT/ASK) or turtle, jsonld, nt, "
            "rdfxml (CONSTRUCT/DESCRIBE), or a media type"
        )
    return results, rdf


# --- the Accept header --------------------------------------------------------------------------


@dataclass(frozen=True)
class MediaRange:
    """One entry of an Accept header: ``type/subtype`` (either may be ``*``), its quality, its place."""

    type: str
    subtype: str
    quality: float
    position: int

    def specificity(self, media_type: str) -> int:
        """How specifically this range matches `media_type`: 2 exact, 1 ``type/*``, 0 ``*/*``, -1 not."""
        kind, _, sub = media_type.partition("/")
        if self.type == "*":
            return 0 if self.subtype == "*" else -1
        if self.type != kind:
            return -1
        if self.subtype == "*":
            return 1
        return 2 if self.subtype == sub else -1


def parse_accept(header: str) -> list[MediaRange]:
    """The ranges of an Accept header; a malformed entry is skipped, a malformed q counts as 0."""
    ranges = []
    for media, quality, position in weighted(header):
        kind, slash, sub = media.partition("/")
        if slash and kind and sub:
            ranges.append(MediaRange(kind, sub, min(max(quality, 0.0), 1.0), position))
    return ranges


def best_match(header: str, offers: Sequence[str]) -> str | None:
    """The offered media type the client prefers, or None when it accepts none of them.

    An empty header accepts anything (the first offer). Each offer takes the quality of the most
    specific range that matches it; ties go to the range the client listed first, then to the
    order of `offers` (the server's preference), so ``*/*`` gets the server's default.
    """
    if not header.strip():
        return offers[0] if offers else None
    ranges = parse_accept(header)
    best: tuple[float, int, int] | None = None
    chosen = None
    for index, offer in enumerate(offers):
        match = _most_specific(ranges, offer)
        if match is None or match.quality <= 0:
            continue
        key = (-match.quality, match.position, index)
        if best is None or key < best:
            best, chosen = key, offer
    return chosen


def _most_specific(ranges: Sequence[MediaRange], media_type: str) -> MediaRange | None:
    """The range that decides `media_type`'s quality: the most specific match, the first listed on a tie."""
    matching = [(r.specificity(media_type), -r.position, r) for r in ranges if r.specificity(media_type) >= 0]
    return max(matching, key=lambda m: (m[0], m[1]))[2] if matching else None


def negotiate(header: str, kind: FormatKind) -> Format | None:
    """The format of `kind` an Accept header prefers, or None when it accepts none."""
    formats = RESULT_FORMATS if kind == "results" else RDF_FORMATS
    offers = [m for f in formats for m in f.media_types]
    media = best_match(header, offers)
    return None if media is None else next(f for f in formats if media in f.media_types)
