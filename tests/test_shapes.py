"""Each shape has a valid and an invalid example (Brick's habit); each invalid file must fail with
the message its header announces (`# expect: ...`)."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import RDF

from mkbgraph.config import Settings
from mkbgraph.graph.load import load_shapes, parse_files, rdf_files, validate
from mkbgraph.vocab import SH

from .conftest import FIXTURES

SETTINGS = Settings()
INVALID = sorted((FIXTURES / "invalid").glob("*.ttl"))


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return load_shapes(SETTINGS.shapes_dir)


def _header(path: Path) -> dict[str, str]:
    values = {}
    for line in path.read_text(encoding="utf-8").splitlines()[:3]:
        if line.startswith("# ") and ": " in line:
            key, value = line[2:].split(": ", 1)
            values[key] = value
    return values


def test_the_valid_mini_graph_conforms(shapes: Graph) -> None:
    graph = parse_files(rdf_files(SETTINGS.ontology_dir, FIXTURES / "valid")).graph
    report = validate(graph, shapes)
    assert report.conforms, report.text


@pytest.mark.parametrize("path", INVALID, ids=[p.stem for p in INVALID])
def test_each_broken_fixture_fails_with_its_message(shapes: Graph, path: Path) -> None:
    expected = _header(path)["expect"]
    graph = parse_files(rdf_files(SETTINGS.ontology_dir, FIXTURES / "valid", path)).graph
    report = validate(graph, shapes)
    assert not report.conforms
    messages = [v.message for v in report.violations]
    assert any(expected in m for m in messages), messages


def test_every_targeted_shape_has_a_broken_fixture(shapes: Graph) -> None:
    targeted = {
        s
        for s in shapes.subjects(RDF.type, SH.NodeShape)
        if any(
            True for p in (SH.targetClass, SH.targetNode, SH.targetSubjectsOf) for _ in shapes.objects(s, p)
        )
    }
    announced = {_header(p)["shape"] for p in INVALID}
    names = {str(s).rsplit("/", 1)[-1] for s in targeted if isinstance(s, URIRef)}
    assert names - announced == set(), "shapes without a broken example"


def test_every_constraint_has_a_dutch_and_english_message(shapes: Graph) -> None:
    for prop_shape in shapes.subjects(SH.path, None):
        langs = {getattr(m, "language", None) for m in shapes.objects(prop_shape, SH.message)}
        assert {"nl", "en"} <= langs, f"property shape on {shapes.value(prop_shape, SH.path)} lacks messages"


def _results(report: object) -> set[tuple[str, str | None, str | None, str]]:
    violations = report.violations  # type: ignore[attr-defined]
    return {(v.focus, v.path, v.value, v.message) for v in violations}


@pytest.mark.parametrize(
    "extra",
    [None, FIXTURES / "valid", *INVALID],
    ids=["real-data", "valid-mini", *(p.stem for p in INVALID)],
)
def test_the_fast_engine_gives_the_reference_engines_report(shapes: Graph, extra: Path | None) -> None:
    """pyshacl-turbo validates; pySHACL is the reference: the same verdict and the same results
    (focus, path, value, message) on the real data and on every fixture."""
    files = (
        rdf_files(SETTINGS.ontology_dir, SETTINGS.data_dir)
        if extra is None
        else rdf_files(SETTINGS.ontology_dir, FIXTURES / "valid", extra)
        if extra.is_file()
        else rdf_files(SETTINGS.ontology_dir, extra)
    )
    graph = parse_files(files).graph
    fast, reference = validate(graph, shapes, "turbo"), validate(graph, shapes, "pyshacl")
    assert fast.conforms == reference.conforms
    assert _results(fast) == _results(reference)


def test_an_unknown_engine_is_refused(shapes: Graph) -> None:
    with pytest.raises(ValueError, match="unknown SHACL engine 'fast'"):
        validate(Graph(), shapes, "fast")
