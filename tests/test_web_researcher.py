"""The researcher's canned-query forms take words: closed lists, Dutch help and messages, data
links that keep the parameters, label columns instead of IRI-plus-label pairs."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from mkbgraph.api.app import create_app
from mkbgraph.config import Settings

FINANCIERING = "https://w3id.org/mkbgraph/id/theme/financiering"


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    with TestClient(create_app(Settings(validate_on_load=False, warm_up=False))) as running:
        yield running


def _options(html: str, name: str) -> list[tuple[str, str]]:
    select = re.search(rf'<select id="p-{name}"[^>]*>(.*?)</select>', html, flags=re.S)
    assert select, f"no select for {name}"
    return re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', select.group(1))


def test_closed_lists_are_selects_of_labels(client: TestClient) -> None:
    themes = _options(client.get("/query/actions-by-theme").text, "theme")
    assert themes[0] == ("", "alle")
    assert (
        len(themes[1:]) == 7 and ("https://w3id.org/mkbgraph/id/theme/financiering", "Financiering") in themes
    )
    statuses = dict(_options(client.get("/query/actions-by-status").text, "status"))
    assert "afgerond" in statuses.values()
    years = [v for v, _ in _options(client.get("/query/actions-in-year").text, "year") if v]
    assert "2019" in years and years == sorted(years, reverse=True)
    organisations = dict(_options(client.get("/query/actions-by-organisation").text, "org"))
    assert organisations["https://w3id.org/mkbgraph/id/organisation/kvk"] == "Kamer van Koophandel"
    html = client.get("/query/actions-by-theme").text
    assert "Kies een thema; leeg laten voor alle." in html


@pytest.mark.parametrize("typed", ["Financiering", "financiering", "theme:Financiering", FINANCIERING])
def test_a_word_a_prefixed_name_in_any_case_or_an_iri_all_mean_the_theme(
    client: TestClient, typed: str
) -> None:
    html = client.get("/query/actions-by-theme", params={"theme": typed, "run": "1"}).text
    assert 'id="form-error"' not in html
    rows = re.search(r'<table class="data" id="answer-table"><caption>(\d+) rijen', html)
    assert rows and int(rows.group(1)) > 10
    cells = re.findall(r"<tr><td>(.*?)</td>", html)
    assert cells and all("Financiering" in c for c in cells)


def test_an_unknown_word_gets_a_dutch_message_with_suggestions(client: TestClient) -> None:
    html = client.get("/query/actions-by-theme", params={"theme": "Finanseering", "run": "1"}).text
    message = re.search(r'<p class="bad" role="alert" id="form-error">(.*?)</p>', html).group(1)  # type: ignore[union-attr]
    assert message.startswith("Geen thema gevonden voor")
    assert "Bedoelt u: " in message and "Financiering" in message
    english = client.get(
        "/query/actions-by-theme",
        params={"theme": "Finanseering", "run": "1"},
        headers={"accept-language": "en"},
    ).text
    assert "No theme found for" in english


def test_the_data_links_keep_the_parameters(client: TestClient) -> None:
    html = client.get("/query/actions-by-theme", params={"theme": "Financiering", "run": "1"}).text
    shown = int(re.search(r"<caption>(\d+) rijen", html).group(1))  # type: ignore[union-attr]
    links = dict(re.findall(r'<a href="(/api/queries/actions-by-theme\.(csv|json)[^"]*)"', html))
    by_form = {form: href.replace("&amp;", "&") for href, form in links.items()}
    assert set(by_form) == {"csv", "json"}
    answer = client.get(by_form["json"])
    assert answer.status_code == 200
    assert answer.json()["row_count"] == shown
    table = list(csv.DictReader(io.StringIO(client.get(by_form["csv"]).text)))
    assert len(table) == shown and {r["theme"] for r in table} == {FINANCIERING}


def test_label_columns_replace_iri_and_label_pairs(client: TestClient) -> None:
    html = client.get("/query/actions-by-theme", params={"theme": "Financiering", "run": "1"}).text
    headers = re.findall(r'<th scope="col">(.*?)</th>', html)
    assert headers == ["Thema", "Actielijn", "Actie", "Trekkers"]
    table = html[html.index('<table class="data" id="answer-table">') : html.index("</table>")]
    assert "themeLabel" not in table and "https://" not in re.sub(r'href="[^"]*"', "", table)


def test_a_bad_year_is_refused_in_dutch(client: TestClient) -> None:
    html = client.get("/query/actions-in-year", params={"year": "20x9", "run": "1"}).text
    assert "Geen jaar gevonden voor “20x9”" in html


def test_any_resource_can_be_named_by_its_label(client: TestClient) -> None:
    html = client.get("/query/describe-resource").text
    assert '<input id="p-resource"' in html and 'list="p-resource-list"' in html
    answer = client.get(
        "/query/describe-resource", params={"resource": "Kamer van Koophandel", "run": "1"}
    ).text
    assert 'id="form-error"' not in answer
    turtle = answer[answer.index("<pre>") : answer.index("</pre>")]
    assert "Kamer van Koophandel" in turtle and "kvk" in turtle
