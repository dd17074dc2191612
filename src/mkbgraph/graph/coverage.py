"""Coverage: which bullets of the report the graph has turned into resources, and which not.

The report's text is split into chapters (by their headings) and bullets (lines that start
with '•', running to the next bullet or chapter). A bullet counts as covered when the quote
of at least one excerpt lies inside it, compared the way the quote check compares: lower-cased,
everything but letters and digits removed (the PDF text breaks and hyphenates lines).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.namespace import PROV, RDF

from mkbgraph.vocab import MKB

#: Chapter headings in reading order: (key, title, line pattern). A chapter runs to the next one.
CHAPTERS: list[tuple[str, str, re.Pattern[str]]] = [
    ("woord-vooraf", "Woord vooraf", re.compile(r"^\s*Woord vooraf\s*$")),
    ("samenvatting", "Samenvatting", re.compile(r"^\s*Samenvatting\s*$")),
    ("deel-1", "Deel 1", re.compile(r"^\s*Deel 1:\s*$")),
    ("deel-2-overzicht", "Deel 2: overzicht actielijnen", re.compile(r"^\s*Deel 2:\s*$")),
    ("thema-1", "Thema 1 Menselijk kapitaal", re.compile(r"^\s*1\. Menselijk kapitaal\s*$")),
    ("thema-2", "Thema 2 Financiering", re.compile(r"^\s*2\. Financiering\s*$")),
    ("thema-3", "Thema 3 Digitalisering", re.compile(r"^\s*3\. Digitalisering\s*$")),
    ("thema-4", "Thema 4 Toepassing innovatie", re.compile(r"^\s*4\. Toepassing innovatie\s*$")),
    ("thema-5", "Thema 5 Internationaal ondernemen", re.compile(r"^\s*5\. Internationaal ondernemen\s*$")),
    ("thema-6", "Thema 6 Regelgeving", re.compile(r"^\s*6\. Regelgeving\s*$")),
    ("thema-7", "Thema 7 Fiscaliteit", re.compile(r"^\s*7\. Fiscaliteit\s*$")),
]

BULLET = re.compile(r"^\s*•")
#: The kinds of resource that show a bullet was modelled; an organisation's name quoted from a
#: bullet does not, an action, instrument, request, deal or testimonial does.
COVERING_CLASSES: frozenset[URIRef] = frozenset(
    {
        MKB.Action,
        MKB.Instrument,
        MKB.ParliamentaryRequest,
        MKB.Motion,
        MKB.MemberQuestion,
        MKB.Commitment,
        MKB.RegionalDeal,
        MKB.Testimonial,
        MKB.ActionLine,
        MKB.Theme,
    }
)
#: Quotes shorter than this (normalised) are too generic to prove a bullet was modelled.
MIN_QUOTE = 12


def normalise(text: str) -> str:
    """Lower-case and keep only letters and digits: how quotes are compared with the report."""
    return re.sub(r"[^0-9a-zà-ÿ]", "", text.lower())


@dataclass
class Bullet:
    """One bullet of the report: where it starts, its chapter, and what covers it."""

    chapter: str
    line: int
    text: str
    resources: set[str] = field(default_factory=set)

    @property
    def covered(self) -> bool:
        return bool(self.resources)

    @property
    def opening(self) -> str:
        """The first words, to recognise the bullet in a listing."""
        return " ".join(self.text.replace("•", "").split())[:90]


@dataclass
class CoverageReport:
    """Bullets per chapter with the resources derived from them."""

    bullets: list[Bullet]
    titles: dict[str, str]

    def per_chapter(self) -> dict[str, tuple[int, int]]:
        """chapter -> (covered, total)."""
        out: dict[str, tuple[int, int]] = {}
        for b in self.bullets:
            covered, total = out.get(b.chapter, (0, 0))
            out[b.chapter] = (covered + int(b.covered), total + 1)
        return out

    @property
    def uncovered(self) -> list[Bullet]:
        return [b for b in self.bullets if not b.covered]

    def share(self) -> float:
        """Share of all bullets covered, 0..1."""
        return sum(b.covered for b in self.bullets) / len(self.bullets) if self.bullets else 1.0

    def as_dict(self) -> dict[str, object]:
        """A JSON-ready summary: per chapter counts and the uncovered bullets."""
        return {
            "chapters": {
                key: {"title": self.titles[key], "covered": c, "bullets": t, "percent": round(100 * c / t, 1)}
                for key, (c, t) in self.per_chapter().items()
            },
            "total": {
                "covered": sum(b.covered for b in self.bullets),
                "bullets": len(self.bullets),
                "percent": round(100 * self.share(), 1),
            },
            "uncovered": [{"chapter": b.chapter, "line": b.line, "text": b.opening} for b in self.uncovered],
            "bullets": [
                {"chapter": b.chapter, "line": b.line, "text": b.opening, "resources": sorted(b.resources)}
                for b in self.bullets
            ],
        }


def split_bullets(source: str) -> list[Bullet]:
    """Split the report into bullets, each tagged with its chapter."""
    chapter = CHAPTERS[0][0]
    bullets: list[Bullet] = []
    current: Bullet | None = None
    for number, line in enumerate(source.splitlines(), start=1):
        heading = next((key for key, _, pattern in CHAPTERS if pattern.match(line)), None)
        if heading is not None:
            chapter, current = heading, None
            continue
        if BULLET.match(line):
            current = Bullet(chapter=chapter, line=number, text=line)
            bullets.append(current)
        elif current is not None:
            current.text += "\n" + line
    return bullets


def excerpt_quotes(graph: Graph) -> dict[str, set[str]]:
    """normalised quote -> the resources derived from an excerpt with that quote."""
    quotes: dict[str, set[str]] = {}
    for excerpt, quote in graph.subject_objects(PROV.value):
        key = normalise(str(quote))
        if len(key) < MIN_QUOTE:
            continue
        for resource in graph.subjects(PROV.wasDerivedFrom, excerpt):
            if COVERING_CLASSES.intersection(graph.objects(resource, RDF.type)):
                quotes.setdefault(key, set()).add(str(resource))
    return quotes


def compute_coverage(graph: Graph, source_path: Path) -> CoverageReport:
    """Map every bullet of the report to the resources whose quotes lie inside it."""
    bullets = split_bullets(source_path.read_text(encoding="utf-8"))
    quotes = excerpt_quotes(graph)
    for bullet in bullets:
        body = normalise(bullet.text)
        for quote, resources in quotes.items():
            if quote in body:
                bullet.resources |= resources
    return CoverageReport(bullets=bullets, titles={key: title for key, title, _ in CHAPTERS})
