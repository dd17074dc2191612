"""Coverage: bullets are split per chapter and matched to the resources whose quotes lie inside them."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph

from mkbgraph.graph.coverage import (
    NamedThingsReport,
    compute_coverage,
    compute_named_things,
    normalise,
    split_bullets,
)

REPORT = """ Samenvatting
• Dit najaar start het programma ‘MKB deals’. Dit
programma zal sterke regionale projecten onder-
steunen.
• Een tweede bullet over iets anders dat niemand
heeft gemodelleerd.
 1. Menselijk kapitaal
Actielijnen
• In 2018 is de nieuwe EZK-regeling MKB!dee van start
gegaan.
"""

DATA = """
@prefix mkb: <https://w3id.org/mkbgraph/def/> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix orgn: <https://w3id.org/mkbgraph/id/organisation/> .
@prefix act: <https://w3id.org/mkbgraph/id/action/> .
act:deals a mkb:Action ; prov:wasDerivedFrom [ prov:value "programma zal sterke regionale projecten ondersteunen" ] .
act:idee a mkb:Action ; prov:wasDerivedFrom [ prov:value "de nieuwe EZK-regeling MKB!dee van start gegaan" ] .
orgn:x a <http://www.w3.org/ns/org#Organization> ;
    prov:wasDerivedFrom [ prov:value "Een tweede bullet over iets anders" ] .
"""


def test_normalise_ignores_line_breaks_hyphens_and_quotes() -> None:
    assert normalise("onder-\nsteunen ‘MKB deals’") == normalise("ondersteunen MKB deals")


def test_bullets_are_split_per_chapter() -> None:
    bullets = split_bullets(REPORT)
    assert [(b.chapter, b.line) for b in bullets] == [
        ("samenvatting", 2),
        ("samenvatting", 5),
        ("thema-1", 9),
    ]
    assert "regionale projecten" in bullets[0].text and "tweede" not in bullets[0].text


def test_a_bullet_is_covered_only_by_an_action_like_resource(tmp_path: Path) -> None:
    source = tmp_path / "report.txt"
    source.write_text(REPORT, encoding="utf-8")
    report = compute_coverage(Graph().parse(data=DATA, format="turtle"), source)
    covered = {b.line: sorted(b.resources) for b in report.bullets}
    assert covered[2] == ["https://w3id.org/mkbgraph/id/action/deals"]
    assert covered[5] == []  # an organisation's quote does not show the bullet was modelled
    assert covered[9] == ["https://w3id.org/mkbgraph/id/action/idee"]
    assert report.per_chapter() == {"samenvatting": (1, 2), "thema-1": (1, 1)}
    assert [b.line for b in report.uncovered] == [5]
    assert report.as_dict()["total"] == {"covered": 2, "bullets": 3, "percent": 66.7}


# --------------------------------------------------------------------------- named things (issue 12)

NAMED_REPORT = """De BMKB verstrekte borgstellingen voor €585 miljoen.
Voor de TTT-regeling is €24 miljoen beschikbaar, zegt RVO.
Een GPS-tracker kost €2.465 per stuk.
"""

NAMED_DATA = """
@prefix mkb: <https://w3id.org/mkbgraph/def/> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix schema: <https://schema.org/> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix amt: <https://w3id.org/mkbgraph/id/amount/> .
@prefix orgn: <https://w3id.org/mkbgraph/id/organisation/> .
@prefix ins: <https://w3id.org/mkbgraph/id/instrument/> .
amt:bmkb schema:value 585000000.0 ; prov:wasDerivedFrom [ prov:value "borgstellingen voor €585 miljoen" ] .
amt:elders schema:value 24000000.0 ; prov:wasDerivedFrom [ prov:value "ergens anders €24 miljoen" ] .
ins:bmkb skos:altLabel "BMKB" .
orgn:rvo skos:altLabel "RVO" .
"""


def _named(tmp_path: Path, exceptions: str) -> NamedThingsReport:

    source = tmp_path / "report.txt"
    source.write_text(NAMED_REPORT, encoding="utf-8")
    listed = tmp_path / "coverage-exceptions.tsv"
    listed.write_text(exceptions, encoding="utf-8")
    return compute_named_things(Graph().parse(data=NAMED_DATA, format="turtle"), source, listed)


def test_a_figure_counts_only_where_a_quote_of_its_value_prints_it(tmp_path: Path) -> None:
    report = _named(tmp_path, "")
    assert report.figures["verstrekte borgstellingen voor €585 miljoen"] == "modelled"
    # the same value quoted elsewhere does not cover this occurrence
    assert report.figures["de TTT-regeling is €24 miljoen"] == "missing"
    assert report.abbreviations == {"BMKB": "modelled", "TTT": "missing", "RVO": "modelled", "GPS": "missing"}


def test_reviewed_exceptions_cover_what_is_left_out_and_go_stale_when_modelled(tmp_path: Path) -> None:
    report = _named(tmp_path, "abbreviation\tGPS\tgeneric technology\nabbreviation\tRVO\tnot needed\n")
    assert report.abbreviations["GPS"] == "excepted"
    assert report.stale_exceptions == ["abbreviation RVO"]


def test_an_exception_without_a_reason_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="reason"):
        _named(tmp_path, "abbreviation\tGPS\t\n")


def test_every_euro_figure_and_abbreviation_of_the_report_is_modelled_or_excepted() -> None:
    from mkbgraph.config import Settings
    from mkbgraph.graph.coverage import compute_named_things, exceptions_path
    from mkbgraph.graph.load import load_graph

    settings = Settings()
    graph = load_graph(settings.ontology_dir, settings.data_dir, None, check=False).graph
    report = compute_named_things(graph, settings.source_path, exceptions_path(settings.source_path))
    assert report.missing == []
    assert report.stale_exceptions == []
    assert len(report.figures) >= 50 and len(report.abbreviations) >= 80
    # named in issue 12 as facts that existed only as text
    assert report.figures["van kredieten tot €1 miljoen"] == "modelled"
    assert report.abbreviations["SBA"] == "modelled" and report.abbreviations["DNB"] == "modelled"
