"""The one format table and the one Accept reader that the endpoint, the canned API and the pages share."""

from __future__ import annotations

import pytest

from mkbgraph.sparql import formats
from mkbgraph.sparql.formats import best_match, by_parameter, negotiate, parse_accept

PAGE = ("text/html", "text/turtle", "application/ld+json")


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("", "text/html"),  # no header: anything goes, the server's first choice
        ("*/*", "text/html"),
        ("text/turtle", "text/turtle"),
        ("text/turtle;q=0.5, application/ld+json", "application/ld+json"),  # quality beats order
        ("application/ld+json, text/turtle", "application/ld+json"),  # equal quality: client's order
        ("text/*;q=0.3, text/turtle;q=0", "text/html"),  # the specific q=0 refuses turtle only
        ("text/*, */*;q=0.1", "text/html"),
        ("application/*;q=0.9, text/html;q=0.1", "application/ld+json"),
        ("image/png", None),  # nothing offered is acceptable
        ("*/*;q=0", None),
        ("text/turtle;q=abc", None),  # a malformed quality counts as 0
        ("garbage, ;;;, /, text/, /turtle", None),  # malformed ranges are skipped
        ("TEXT/TURTLE", "text/turtle"),  # media types are case-insensitive
        ("text/turtle;q=7", "text/turtle"),  # q is clamped to 1
    ],
)
def test_best_match_reads_an_accept_header_the_rfc_9110_way(header: str, expected: str | None) -> None:
    assert best_match(header, PAGE) == expected


def test_parse_accept_keeps_position_and_quality() -> None:
    ranges = parse_accept("text/html;level=1;q=0.2, */*")
    assert [(r.type, r.subtype, r.quality, r.position) for r in ranges] == [
        ("text", "html", 0.2, 0),
        ("*", "*", 1.0, 1),
    ]


def test_negotiate_per_kind_and_defaults() -> None:
    assert negotiate("application/json", "results").name == "json"  # type: ignore[union-attr]
    assert negotiate("application/json", "rdf").name == "jsonld"  # type: ignore[union-attr]
    assert negotiate("text/csv", "rdf") is None
    assert negotiate("*/*", "rdf").name == "turtle"  # type: ignore[union-attr]


def test_format_parameter_names_either_kind_or_fails_clearly() -> None:
    results, rdf = by_parameter("xml")
    assert (results.name, rdf.name) == ("xml", "rdfxml")  # type: ignore[union-attr]
    results, rdf = by_parameter("ttl")
    assert results is None and rdf is not None and rdf.name == "turtle"
    results, rdf = by_parameter("text/csv")
    assert results is not None and results.name == "csv" and rdf is None
    with pytest.raises(formats.UnknownFormat, match="unknown format 'bogus'"):
        by_parameter("bogus")


def test_every_format_is_complete() -> None:
    for fmt in formats.FORMATS:
        assert fmt.w3c and fmt.names and "/" in fmt.media_type
        if fmt.kind == "rdf":
            assert fmt.suffix.startswith(".") and fmt.rdflib
    assert formats.BY_SUFFIX[".ttl"].content_type == "text/turtle; charset=utf-8"
    assert formats.BY_NAME["json"].content_type == "application/sparql-results+json"
