"""A page per kind answers its question first (then all properties, folded), on the real data."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from mkbgraph.api.app import create_app
from mkbgraph.config import Settings


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    with TestClient(create_app(Settings(validate_on_load=False, warm_up=False))) as running:
        yield running


def _answer(html: str) -> dict[str, str]:
    """The page's answer block as {fact name: text}."""
    block = re.search(r'<dl class="facts" id="answer">(.*?)</dl>', html, flags=re.S)
    assert block, "no answer block"
    pairs = re.findall(r"<dt>(.*?)</dt>\s*<dd>(.*?)</dd>", block.group(1), flags=re.S)
    return {name: " ".join(re.sub(r"<[^>]+>", " ", value).split()) for name, value in pairs}


@pytest.mark.parametrize(
    ("path", "question", "facts"),
    [
        # issue 12: SZW and EZK received this advice (addressees); the report names no partner
        ("/id/action/advies-digitale-rie", "Wie trekt deze actie", {"Trekker": "Strategische commissie", "Partners": "geen vastgelegd", "Status": "afgerond", "Geld": "geen bedrag vastgelegd", "Voert uit": "geen motie of verzoek"}),
        ("/id/instrument/dtif", "Van wie is dit instrument", {"Soort": "fonds", "Beschreven in": "34952"}),
        ("/id/theme/financiering", "Welke acties vallen onder dit thema", {"Nummer": "2", "Actielijnen": "Stimuleren alternatieve financiering"}),
        ("/id/region/kuala-lumpur", "Welke acties, instruments en deals", {"Instrumenten": "Soft landing spots"}),
        ("/id/document/handreiking-tenderkostenvergoeding", "Wat is dit document", {"Datum": "2018-09-03", "Officiële publicatie": "https://www.rijksoverheid.nl/"}),
    ],
)  # fmt: skip
def test_each_kind_answers_its_question_before_the_property_list(
    client: TestClient, path: str, question: str, facts: dict[str, str]
) -> None:
    html = client.get(path).text
    assert question in html
    answer = _answer(html)
    for name, text in facts.items():
        assert text in answer[name], (name, answer)
    # the answer comes first; every property is still there, folded below
    assert (
        html.index('id="answer"')
        < html.index('<details class="all-props">')
        < html.index('id="props-heading"')
    )


def test_an_action_page_puts_the_lead_first_and_shows_its_motion_and_money(client: TestClient) -> None:
    motion = client.get("/motions.json").json()["requests"][0]
    action = motion["answering_actions"][0]
    html = client.get(action.replace("https://w3id.org/mkbgraph", "")).text
    answer = _answer(html)
    assert next(iter(answer)) == "Trekker"
    assert motion["label"] in answer["Voert uit"]
    assert "Wat de rapportage zegt" in html and '<blockquote class="quote">' in html


def test_a_theme_page_lists_its_actions_with_their_leads(client: TestClient) -> None:
    html = client.get("/id/theme/financiering").text
    caption = re.search(r"<caption>(\d+) acties</caption>", html)
    assert caption and int(caption.group(1)) > 10
    assert "skos:notation" not in html.split('<details class="all-props">')[0]


def test_the_english_interface_asks_in_english_and_prefers_english_labels(client: TestClient) -> None:
    html = client.get("/id/action/advies-digitale-rie", headers={"accept-language": "en"}).text
    assert "Who leads this action" in html
    assert (
        "<h1>First advice of the committee: digital risk inventory in all sectors (April 2019)</h1>" in html
    )
    assert "<dt>Lead</dt>" in html and "no amount recorded" in html


def test_an_organisation_without_amounts_says_so_instead_of_zero_euro(client: TestClient) -> None:
    html = client.get("/id/organisation/kvk").text
    facts = html[html.index('<dl class="facts">') : html.index("</dl>")]
    assert "€ 0" not in facts
