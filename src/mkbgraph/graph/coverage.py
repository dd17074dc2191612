"""Coverage: which bullets of the report the graph has turned into resources, and which not.

The report's text is split into chapters (by their headings) and bullets (lines that start
with '•', running to the next bullet or chapter). A bullet counts as covered when the quote
of at least one excerpt lies inside it, compared the way the quote check compares: lower-cased,
everything but letters and digits removed (the PDF text breaks and hyphenates lines).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
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


# --------------------------------------------------------------------------- named things (issue 12)

#: A euro figure as printed: "€585 miljoen", "€2.465", "€1,1 miljoen", "€30 miljard".
EURO_FIGURE = re.compile(r"€\s?(\d{1,3}(?:\.\d{3})*(?:,\d+)?)(\s?(?:miljoen|miljard))?")
#: An abbreviation in capitals as printed: EZK, BMKB, SBIR, VNO-NCW, DUS-i, R&D (two capitals or more).
ABBREVIATION = re.compile(
    r"(?<![\w/.@&-])([A-Z][A-Z0-9&]*[A-Z](?:-[A-Z]+|-[a-z](?![a-z]))*)(?![\w/@&]|\.[a-z])"
)
#: Label properties in which an abbreviation counts as modelled.
LABEL_PROPERTIES = (
    URIRef("http://www.w3.org/2000/01/rdf-schema#label"),
    URIRef("http://www.w3.org/2004/02/skos/core#prefLabel"),
    URIRef("http://www.w3.org/2004/02/skos/core#altLabel"),
)
SCHEMA_VALUE = URIRef("https://schema.org/value")


def euro_value(number: str, unit: str | None) -> Decimal:
    """The euros a printed figure means: '1,1' + ' miljoen' -> 1100000."""
    value = Decimal(number.replace(".", "").replace(",", "."))
    if unit and "miljard" in unit:
        return value * 1_000_000_000
    if unit and "miljoen" in unit:
        return value * 1_000_000
    return value


@dataclass(frozen=True)
class CoverageException:
    """A reviewed exception: a figure or abbreviation the graph leaves out on purpose, and why."""

    kind: str
    item: str
    reason: str


def exceptions_path(source_path: Path) -> Path:
    """The reviewed exceptions live beside the report text they are about."""
    return source_path.with_name("coverage-exceptions.tsv")


def read_exceptions(path: Path) -> list[CoverageException]:
    """The reviewed exceptions file: ``kind<TAB>item<TAB>reason`` a line, ``#`` comments.

    A line without a reason is refused: an exception nobody can explain is not reviewed."""
    found: list[CoverageException] = []
    if not path.is_file():
        return found
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.split("\t")
        if len(parts) != 3 or parts[0] not in ("euro", "abbreviation") or not parts[2].strip():
            raise ValueError(f"{path}:{number}: want 'euro|abbreviation<TAB>item<TAB>reason'")
        found.append(CoverageException(parts[0], parts[1].strip(), parts[2].strip()))
    return found


@dataclass
class NamedThingsReport:
    """Euro figures and abbreviations of the report: modelled, excepted (with reason) or missing."""

    figures: dict[str, str] = field(default_factory=dict)
    abbreviations: dict[str, str] = field(default_factory=dict)
    stale_exceptions: list[str] = field(default_factory=list)

    @property
    def missing(self) -> list[str]:
        return sorted(
            [f"euro {k}" for k, v in self.figures.items() if v == "missing"]
            + [f"abbreviation {k}" for k, v in self.abbreviations.items() if v == "missing"]
        )

    def as_dict(self) -> dict[str, object]:
        return {
            "figures": self.figures,
            "abbreviations": self.abbreviations,
            "missing": self.missing,
            "stale_exceptions": self.stale_exceptions,
        }


def _flat(text: str) -> str:
    """The report on one line, with words hyphenated across lines joined again."""
    flat = re.sub(r"\s+", " ", text)
    return re.sub(r"(?<=[a-zà-ÿ])- (?=[a-zà-ÿ])", "", flat)


def _normalised_with_index(flat: str) -> tuple[str, list[int]]:
    """The report normalised as quotes are, with the position in `flat` of every kept character."""
    kept: list[str] = []
    index: list[int] = []
    for position, char in enumerate(flat.lower()):
        if re.match(r"[0-9a-zà-ÿ]", char):
            kept.append(char)
            index.append(position)
    return "".join(kept), index


def _quoted_spans(graph: Graph, value: Decimal, normalised: str) -> list[tuple[int, int]]:
    """Where in the normalised report the quotes of resources with this schema:value lie."""
    spans: list[tuple[int, int]] = []
    for resource, literal in graph.subject_objects(SCHEMA_VALUE):
        try:
            if Decimal(str(literal)) != value:
                continue
        except ArithmeticError:
            continue
        for excerpt in graph.objects(resource, PROV.wasDerivedFrom):
            quote = normalise(str(graph.value(excerpt, PROV.value) or ""))
            start = normalised.find(quote) if quote else -1
            while start >= 0:
                spans.append((start, start + len(quote)))
                start = normalised.find(quote, start + 1)
    return spans


def figure_key(flat: str, match: re.Match[str]) -> str:
    """A figure's name in the report and the exceptions file: as printed, with the three words before it."""
    before = " ".join(flat[: match.start()].split()[-3:])
    return f"{before} {match.group(0).replace('€ ', '€')}".strip()


def _label_words(graph: Graph) -> set[str]:
    words: set[str] = set()
    for prop in LABEL_PROPERTIES:
        for label in graph.objects(None, prop):
            words.update(re.findall(r"[\w&!-]+", str(label)))
            words.update(re.findall(r"[\w&!]+", str(label)))
    return words


def compute_named_things(graph: Graph, source_path: Path, exceptions_path: Path) -> NamedThingsReport:
    """Every euro figure and every abbreviation in capitals in the report: modelled (a value with a
    quote that prints it; a label or altLabel), excepted in the reviewed file, or missing."""
    flat = _flat(source_path.read_text(encoding="utf-8"))
    exceptions = read_exceptions(exceptions_path)
    excepted = {(e.kind, e.item) for e in exceptions}
    report = NamedThingsReport()
    normalised, index = _normalised_with_index(flat)
    position_of = {flat_position: n for n, flat_position in enumerate(index)}
    for match in EURO_FIGURE.finditer(flat):
        key = figure_key(flat, match)
        value = euro_value(match.group(1), match.group(2))
        digits = next(p for p in range(match.start(), match.end()) if p in position_of)
        where = position_of[digits]
        if any(start <= where < end for start, end in _quoted_spans(graph, value, normalised)):
            report.figures[key] = "modelled"
        else:
            report.figures[key] = "excepted" if ("euro", key) in excepted else "missing"
    words = _label_words(graph)
    for match in ABBREVIATION.finditer(flat):
        abbreviation = match.group(1)
        if abbreviation in report.abbreviations:
            continue
        if abbreviation in words:
            report.abbreviations[abbreviation] = "modelled"
        else:
            excepted_here = ("abbreviation", abbreviation) in excepted
            report.abbreviations[abbreviation] = "excepted" if excepted_here else "missing"
    modelled = {("euro", k) for k, v in report.figures.items() if v == "modelled"} | {
        ("abbreviation", k) for k, v in report.abbreviations.items() if v == "modelled"
    }
    seen = {("euro", k) for k in report.figures} | {("abbreviation", k) for k in report.abbreviations}
    report.stale_exceptions = sorted(
        f"{k} {i}" for k, i in excepted if (k, i) in modelled or (k, i) not in seen
    )
    return report
