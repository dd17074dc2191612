"""Loading and validating the graph: parse every Turtle file into a fresh staging graph, validate
it against the SHACL shapes, and only then hand it over.

rdflib's parser is not atomic (a syntax error after 5,000 triples leaves those triples behind)
and deep nesting raises ``RecursionError``; so each file is parsed into its own graph and merged
only when all files parsed. Validation returns data (`ValidationReport`); the CLI turns it into
exit codes and text.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF
from rdflib.plugins.parsers.notation3 import BadSyntax

from mkbgraph.vocab import SH, bind_prefixes

logger = logging.getLogger(__name__)

#: File extension -> rdflib parser format. Only Turtle and N-Triples: a JSON-LD file can name a
#: remote ``@context`` that the parser would fetch (the network at start-up, content from
#: elsewhere in the data), and an RDF/XML file can carry entity expansion ("billion laughs").
FORMATS: dict[str, str] = {
    ".ttl": "turtle",
    ".nt": "nt",
}

#: Extensions of RDF the loader refuses to read, with a clear message instead of skipping them.
REFUSED_FORMATS = frozenset({".jsonld", ".json", ".rdf", ".owl", ".xml", ".n3", ".trig", ".nq", ".trix"})

#: A data folder may list its files here (one relative path a line, ``#`` comments): a listed
#: file that is missing refuses the load, so a removed chapter cannot go unnoticed.
MANIFEST = "MANIFEST.txt"


class LoadError(Exception):
    """A file could not be read or parsed; ``str()`` says where (``file:line``) and why."""

    def __init__(self, path: Path, line: int | None, message: str) -> None:
        self.path = path
        self.line = line
        self.message = message
        where = f"{path}:{line}" if line is not None else str(path)
        super().__init__(f"{where}: {message}")


@dataclass(frozen=True)
class Violation:
    """One SHACL result, reduced to what a reader needs."""

    shape: str
    focus: str
    path: str | None
    value: str | None
    message: str
    severity: str


@dataclass(frozen=True)
class ValidationReport:
    """What validation found. ``conforms`` is True when there are no violations."""

    conforms: bool
    violations: tuple[Violation, ...] = ()
    text: str = ""

    def by_shape(self) -> dict[str, list[Violation]]:
        """Violations grouped by the shape that raised them, for readable output."""
        groups: dict[str, list[Violation]] = {}
        for v in self.violations:
            groups.setdefault(v.shape, []).append(v)
        return groups


@dataclass
class LoadedGraph:
    """A parsed (and possibly validated) graph with the files it came from."""

    graph: Graph
    files: list[Path] = field(default_factory=list)
    report: ValidationReport | None = None

    @cached_property
    def fingerprint(self) -> str:
        """A short hash of the files' names and bytes, so caches can tell one load from the next.

        Hashing the files rather than the triples keeps it cheap and stable: blank node ids
        differ on every parse, file bytes do not.
        """
        return content_digest(self.files)


def content_digest(files: Iterable[Path], *extra: str) -> str:
    """sha256 over each file's name and bytes (and any extra strings), shortened.

    Every part is length-prefixed, so no two different sets of files (a name ending in a
    separator, bytes that look like the next name) can give the same input to the hash."""
    digest = hashlib.sha256()
    for path in sorted(files):
        name, data = path.name.encode(), path.read_bytes()
        digest.update(b"%d:%s%d:" % (len(name), name, len(data)) + data)
    for text in extra:
        encoded = text.encode()
        digest.update(b"%d:" % len(encoded) + encoded)
    return digest.hexdigest()[:16]


def rdf_files(*folders: Path) -> list[Path]:
    """All RDF files under the folders, sorted so loads are reproducible."""
    found: list[Path] = []
    for folder in folders:
        if folder.is_file():
            found.append(folder)
            continue
        if not folder.is_dir():
            raise LoadError(folder, None, "folder not found")
        files = [p for p in folder.rglob("*") if p.is_file()]
        for refused in (p for p in files if p.suffix.lower() in REFUSED_FORMATS):
            raise LoadError(
                refused,
                None,
                "only Turtle (.ttl) and N-Triples (.nt) are read; convert this file or move it away",
            )
        matching = [p for p in files if p.suffix in FORMATS]
        if not matching:
            raise LoadError(folder, None, "no Turtle (.ttl) or N-Triples (.nt) files in this folder")
        _check_manifest(folder, matching)
        found.extend(matching)
    return sorted(found)


def _check_manifest(folder: Path, present: list[Path]) -> None:
    """Every file the folder's manifest lists must be there (a load without it is refused)."""
    manifest = folder / MANIFEST
    if not manifest.is_file():
        return
    listed = [line.split("#", 1)[0].strip() for line in manifest.read_text(encoding="utf-8").splitlines()]
    have = {p.relative_to(folder).as_posix() for p in present}
    missing = sorted(name for name in listed if name and name not in have)
    if missing:
        raise LoadError(manifest, None, f"listed but missing: {', '.join(missing)}")


def parse_file(path: Path) -> Graph:
    """Parse one file into a fresh graph, turning every parser failure into a `LoadError`."""
    fmt = FORMATS.get(path.suffix)
    if fmt is None:
        raise LoadError(path, None, f"unknown RDF file extension {path.suffix!r}")
    graph = Graph()
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise LoadError(path, None, f"cannot read file: {exc}") from exc
    try:
        graph.parse(data=text, format=fmt, publicID=path.resolve().as_uri())
    except BadSyntax as exc:
        raise LoadError(path, exc.lines + 1, f"Turtle syntax error: {exc._why}") from exc
    except RecursionError as exc:
        raise LoadError(path, None, "nesting too deep to parse (recursion limit)") from exc
    except Exception as exc:  # other parser plugins (JSON-LD, RDF/XML) raise their own types
        raise LoadError(path, _line_of(exc), f"parse error: {exc}") from exc
    return graph


def _line_of(exc: Exception) -> int | None:
    """Best effort line number from a parser exception that carries one."""
    for attr in ("lineno", "line", "lines"):
        value = getattr(exc, attr, None)
        if isinstance(value, int):
            return value
    return None


def parse_files(paths: Iterable[Path]) -> LoadedGraph:
    """Parse all files; the merged graph exists only if every file parsed."""
    parts: list[tuple[Path, Graph]] = [(p, parse_file(p)) for p in paths]
    merged = Graph()
    bind_prefixes(merged)
    for _, part in parts:
        for triple in part:
            merged.add(triple)
    return LoadedGraph(graph=merged, files=[p for p, _ in parts])


def load_shapes(shapes_dir: Path) -> Graph:
    """The SHACL shapes graph; kept apart from the data so it never gets queried as data."""
    return parse_files(rdf_files(shapes_dir)).graph


#: The SHACL engines: pyshacl-turbo (a Rust engine with pySHACL's API, built on Oxigraph's SPARQL;
#: 0.19 s on the real data against pySHACL's 4.1 s here) validates; pySHACL, the reference
#: implementation, is kept so the tests can hold the two to the same report on every fixture.
VALIDATORS = ("turbo", "pyshacl")


def validate(data: Graph, shapes: Graph, engine: str = "turbo") -> ValidationReport:
    """Validate: no inference, no owl:imports fetching, SHACL-SPARQL enabled.

    The ontology is expected inside ``data`` (it is loaded with it), because the shapes check
    ``sh:class`` through ``rdfs:subClassOf`` and read the SKOS lists the ontology defines.
    """
    if engine == "turbo":
        import pyshacl_turbo as shacl  # here, not at the top: `import mkbgraph` stays light
    elif engine == "pyshacl":
        import pyshacl as shacl  # type: ignore[no-redef]
    else:
        raise ValueError(f"unknown SHACL engine {engine!r}; choose one of {', '.join(VALIDATORS)}")
    started = time.perf_counter()
    conforms, results, text = shacl.validate(
        data,
        shacl_graph=shapes,
        inference="none",
        advanced=True,
        allow_warnings=True,
        do_owl_imports=False,
        meta_shacl=False,
    )
    violations = tuple(_violations(results))
    logger.info(
        "validated %d triples with %s in %.2f s: %d violations",
        len(data),
        engine,
        time.perf_counter() - started,
        len(violations),
    )
    return ValidationReport(conforms=bool(conforms), violations=violations, text=str(text))


def _violations(results: Graph) -> Iterable[Violation]:
    """Read the SHACL results graph into `Violation` records, preferring Dutch messages."""
    for result in results.subjects(RDF.type, SH.ValidationResult):
        messages = list(results.objects(result, SH.resultMessage))
        message = _pick_message(messages)
        shape = results.value(result, SH.sourceShape)
        yield Violation(
            shape=_shape_name(results, shape),
            focus=str(results.value(result, SH.focusNode)),
            path=_opt(results.value(result, SH.resultPath)),
            value=_opt(results.value(result, SH.value)),
            message=message,
            severity=str(results.value(result, SH.resultSeverity)).rsplit("#", 1)[-1],
        )


def _pick_message(messages: Sequence[object]) -> str:
    for lang in ("nl", "en", None):
        for m in messages:
            if isinstance(m, Literal) and m.language == lang:
                return str(m)
    return str(messages[0]) if messages else "(geen melding)"


def _shape_name(results: Graph, shape: object) -> str:
    """A node shape's IRI, or for a property shape the path it constrains."""
    if isinstance(shape, URIRef):
        return str(shape)
    path = results.value(shape, SH.path) if isinstance(shape, BNode) else None
    return f"property shape on {path}" if path is not None else "anonymous shape"


def _opt(node: object) -> str | None:
    return None if node is None else str(node)


def load_graph(
    ontology_dir: Path,
    data_dir: Path,
    shapes_dir: Path | None,
    *,
    check: bool = True,
    engine: str = "turbo",
) -> LoadedGraph:
    """Parse ontology and data into one staging graph and (optionally) validate it.

    Raises `LoadError` on unreadable input; returns the graph with its validation report
    either way, so the caller decides whether a non-conforming graph may be served. There is no
    report cache: with pyshacl-turbo the whole load of the real data takes under a second, so a
    cache would only add a way to serve a report that belongs to other files.
    """
    loaded = parse_files(rdf_files(ontology_dir, data_dir))
    if check and shapes_dir is not None:
        loaded.report = validate(loaded.graph, load_shapes(shapes_dir), engine)
    return loaded


def validation_report(files: Sequence[Path], shapes_dir: Path, engine: str = "turbo") -> ValidationReport:
    """The SHACL report of these files, parsed and validated now."""
    return validate(parse_files(files).graph, load_shapes(shapes_dir), engine)
