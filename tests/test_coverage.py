"""Coverage: bullets are split per chapter and matched to the resources whose quotes lie inside them."""

from __future__ import annotations

from pathlib import Path

from rdflib import Graph

from mkbgraph.graph.coverage import compute_coverage, normalise, split_bullets

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
