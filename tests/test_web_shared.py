"""The shared pieces the pages, the API and the CLI use: the label picker, the CSV writer, search."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from rdflib import Literal

from mkbgraph.domain.csv_export import EXCEL_NL, STANDARD, Column, dialect_named, write_csv
from mkbgraph.domain.labels import LABEL_PROPERTY_IRIS, language_from_accept, normalise_language, pick_label
from mkbgraph.web.views import SearchEntry, search, search_words

PREF, LABEL, TITLE = LABEL_PROPERTY_IRIS[0], LABEL_PROPERTY_IRIS[1], LABEL_PROPERTY_IRIS[2]


def test_the_label_picker_prefers_the_readers_language_over_the_property_order() -> None:
    candidates = [
        (PREF, Literal("Ministry of Economic Affairs", lang="en")),
        (LABEL, Literal("Ministerie van Economische Zaken", lang="nl")),
        (TITLE, Literal("EZK")),
    ]
    assert pick_label(candidates, "nl") == "Ministerie van Economische Zaken"
    assert pick_label(candidates, "en") == "Ministry of Economic Affairs"
    # without an English label an English reader gets the Dutch one, not an IRI
    assert pick_label(candidates[1:], "en") == "Ministerie van Economische Zaken"
    # within a language the property order decides; ties by text (stable across loads)
    assert pick_label([(LABEL, Literal("b", lang="nl")), (PREF, Literal("a", lang="nl"))]) == "a"
    assert pick_label([(LABEL, Literal("z", lang="nl")), (LABEL, Literal("y", lang="nl"))]) == "y"
    assert pick_label([]) is None


@pytest.mark.parametrize(
    ("header", "expected"),
    [("en-US,en;q=0.9", "en"), ("nl-NL,nl;q=0.9,en;q=0.8", "nl"), ("de-DE,en;q=0.5", "en"), ("fr", "nl"), ("", "nl"),
     ("en;q=0.2,nl;q=0.8", "nl"), ("en;q=bad", "nl")],
)  # fmt: skip
def test_accept_language_picks_the_interface_language(header: str, expected: str) -> None:
    assert language_from_accept(header) == expected


def test_a_language_switch_value_is_normalised() -> None:
    assert (
        normalise_language("EN-gb") == "en"
        and normalise_language("xx") == "nl"
        and normalise_language(None) == "nl"
    )


COLUMNS = (
    Column("name", "Naam", "Name"),
    Column("amount", "Bedrag (euro)", "Amount (euro)"),
    Column("who", "Wie"),
)
ROWS = [
    {"name": "Motie Wörsdörfer; herijking", "amount": Decimal("48000000.50"), "who": ["KVK", "EZK"]},
    {"name": 'Zeg "ja"', "amount": None},
]


def test_the_standard_csv_is_rfc_4180_with_readable_headers() -> None:
    body = write_csv(ROWS, COLUMNS, STANDARD)
    assert not body.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(body.decode("utf-8"), newline="")))
    assert rows == [
        ["Naam", "Bedrag (euro)", "Wie"],
        ["Motie Wörsdörfer; herijking", "48000000.5", "KVK; EZK"],
        ['Zeg "ja"', "", ""],
    ]
    assert body.count(b"\r\n") == 3
    english = write_csv(ROWS, COLUMNS, STANDARD, "en").decode("utf-8").splitlines()[0]
    assert english == "Name,Amount (euro),Wie"  # a column without an English header keeps its Dutch one


def test_the_excel_nl_csv_has_semicolons_a_bom_and_decimal_commas() -> None:
    body = write_csv(ROWS, COLUMNS, EXCEL_NL)
    assert body.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"), newline=""), delimiter=";"))
    assert rows[1] == ["Motie Wörsdörfer; herijking", "48000000,5", "KVK; EZK"]
    assert body.decode("utf-8-sig").splitlines()[1].startswith('"Motie Wörsdörfer; herijking";')
    assert dialect_named("excel-nl") is EXCEL_NL and dialect_named("nonsense") is STANDARD


def _entry(
    label: str,
    abbreviations: tuple[str, ...] = (),
    subjects: tuple[str, ...] = (),
    descriptions: tuple[str, ...] = (),
) -> SearchEntry:
    return SearchEntry(
        "https://w3id.org/mkbgraph/id/x/" + label,
        label,
        abbreviations,
        "x",
        "/id/x",
        (label,),
        descriptions,
        subjects,
    )


def test_search_requires_every_word_in_any_field_and_ranks_names_first() -> None:
    index = [
        _entry("Motie Wiersma c.s.", subjects=("structureel €48 miljoen voor scholing in het mkb",)),
        _entry("Regeling scholing", descriptions=("Uitvoering van de motie Wiersma",)),
        _entry("Motie Graus", subjects=("energie",)),
        _entry("Kamer van Koophandel", abbreviations=("KVK",)),
        _entry("KVK Business Challenge"),
    ]
    found = [r["label"] for r in search(index, "motie scholing")]
    assert found == ["Motie Wiersma c.s.", "Regeling scholing"]
    assert [r["label"] for r in search(index, "Wiersma scholing")] == [
        "Motie Wiersma c.s.",
        "Regeling scholing",
    ]
    assert search(index, "motie zeppelin") == []
    assert [r["label"] for r in search(index, "kvk")] == ["Kamer van Koophandel", "KVK Business Challenge"]
    first = search(index, "motie scholing")[0]
    assert first["field"] == "onderwerp" and "scholing" in first["match"]
    assert [r["label"] for r in search([_entry("Wörsdörfer")], "worsdorfer")] == ["Wörsdörfer"]
    assert search_words('  "Motie",  motie scholing. ') == ["motie", "scholing"]
