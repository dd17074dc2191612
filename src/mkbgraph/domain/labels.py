"""Which name does a resource go by? One label picker, used by the pages, the network and the API.

A resource may carry a ``skos:prefLabel``, an ``rdfs:label``, a ``dcterms:title``... in Dutch, in
English, or untagged. The reader's language decides: Dutch by default (names in this dataset are
Dutch), English when the page or the request asks for it, and then Dutch as the fallback (a
Dutch name beats an IRI). Property order beats language order *within* the asked language only:
an English ``rdfs:label`` is preferred over a Dutch ``skos:prefLabel`` on an English page.
"""

from __future__ import annotations

from collections.abc import Iterable

from rdflib import Literal

from mkbgraph.http_headers import weighted
from mkbgraph.vocab import PREFIXES

#: The interface languages, default first.
LANGUAGES: tuple[str, ...] = ("nl", "en")
DEFAULT_LANGUAGE = "nl"

#: Label properties, best first (prefixed names; see `LABEL_PROPERTY_IRIS`).
LABEL_PROPERTIES: tuple[str, ...] = (
    "skos:prefLabel",
    "rdfs:label",
    "dcterms:title",
    "foaf:name",
    "schema:name",
)
_KNOWN = {**PREFIXES, "foaf": "http://xmlns.com/foaf/0.1/"}
LABEL_PROPERTY_IRIS: tuple[str, ...] = tuple(
    _KNOWN[p.split(":", 1)[0]] + p.split(":", 1)[1] for p in LABEL_PROPERTIES
)


def language_order(language: str) -> tuple[str, ...]:
    """Languages to try for a reader of ``language``: theirs, then Dutch, then English, then untagged."""
    order = [language] if language in LANGUAGES else []
    order += [lang for lang in LANGUAGES if lang not in order]
    return (*order, "")


def label_rank(prop: str, literal: Literal, language: str = DEFAULT_LANGUAGE) -> int:
    """Lower is better: the reader's language first, then the property order, then other languages."""
    order = language_order(language)
    lang = literal.language or ""
    lang_rank = order.index(lang) if lang in order else len(order)
    prop_rank = LABEL_PROPERTY_IRIS.index(prop) if prop in LABEL_PROPERTY_IRIS else len(LABEL_PROPERTY_IRIS)
    return lang_rank * 10 + prop_rank


def pick_label(candidates: Iterable[tuple[str, Literal]], language: str = DEFAULT_LANGUAGE) -> str | None:
    """The best of (property IRI, literal) candidates for a reader of ``language``, or None.

    Ties (two Dutch prefLabels) are broken by the text, so the choice is stable across loads."""
    best: tuple[int, str] | None = None
    for prop, literal in candidates:
        if not isinstance(literal, Literal):
            continue
        key = (label_rank(prop, literal, language), str(literal))
        if best is None or key < best:
            best = key
    return best[1] if best else None


def normalise_language(value: str | None) -> str:
    """A supported interface language from a ``lang=`` value (``en``, ``en-GB``), else the default."""
    code = (value or "").strip().lower().split("-", 1)[0].split("_", 1)[0]
    return code if code in LANGUAGES else DEFAULT_LANGUAGE


def language_from_accept(header: str | None) -> str:
    """The interface language an ``Accept-Language`` header prefers (by q-value), else the default."""
    for tag, quality, _ in sorted(weighted(header), key=lambda entry: (-entry[1], entry[2])):
        code = tag.split("-", 1)[0]
        if quality > 0 and code in LANGUAGES:
            return code
    return DEFAULT_LANGUAGE
