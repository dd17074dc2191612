"""Hostile labels render as text on every page, in every data form, and in the network view."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from mkbgraph.api.app import create_app
from tests.test_web_pages import ID, make_settings, tracer_turtle

HOSTILE = "<img src=x onerror=alert(1)></script><script>alert(2)</script>"
RAW_MARKERS = ("<img src=x", "<script>alert(2)")

PAGES = [
    "/",
    "/motions",
    "/motions?q=%3Cimg",
    "/organisations",
    "/themes",
    "/quality",
    "/query",
    "/query/organisation-leads-action",
    "/network",
    f"/network?focus={ID}organisation/ezk&depth=2",
    "/network/key-players",
    "/network/key-players?theme=menselijk-kapitaal&sort=degree",
    "/search?q=img",
    "/search?q=%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E",
    "/id/motion/kst-35074-45",
    "/id/organisation/ezk",
    "/id/organisation/kvk",
    "/id/action/slim-regeling",
    "/id/theme/menselijk-kapitaal",
    "/id/action-line/leercultuur",
    "/id/instrument/slim",
    "/id/person/wiersma",
    "/id/section/leercultuur",
    "/id/document/kst-35074-45",
    "/def/Action",
]


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    turtle = tracer_turtle(org_label=f"Ministerie {HOSTILE}", hostile=HOSTILE.replace('"', '\\"'))
    with TestClient(create_app(make_settings(tmp_path_factory.mktemp("xss"), turtle))) as running:
        yield running


@pytest.mark.parametrize("path", PAGES)
def test_hostile_labels_render_as_text(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 200, path
    html = response.text
    for marker in RAW_MARKERS:
        assert marker not in html, f"{path} contains raw {marker!r}"
    assert "<script>alert" not in html


def test_hostile_label_is_shown_escaped(client: TestClient) -> None:
    html = client.get("/id/organisation/ezk").text
    assert "Ministerie &lt;img src=x onerror=alert(1)&gt;" in html


def test_hostile_text_in_the_search_query_is_escaped(client: TestClient) -> None:
    html = client.get("/search", params={"q": '"><script>alert(3)</script>'}).text
    assert "<script>alert(3)" not in html and "&lt;script&gt;alert(3)" in html


def test_network_data_keeps_the_text_but_never_as_title(client: TestClient) -> None:
    html = client.get("/network").text
    embedded = html.split('<script type="application/json" id="network-data">')[1].split("</script>")[0]
    data = json.loads(embedded)
    labels = [n["fullLabel"] for n in data["nodes"]]
    assert any(HOSTILE in label for label in labels)  # the text survives, escaped only for the page
    assert all("title" not in n for n in data["nodes"]) and all("title" not in e for e in data["edges"])


def test_key_players_page_shows_hostile_names_as_text(client: TestClient) -> None:
    html = client.get("/network/key-players").text
    assert (
        "Ministerie &lt;img src=x onerror=alert(1)&gt;&lt;/script&gt;&lt;script&gt;alert(2)&lt;/script&gt;"
        in html
    )
    # a hostile theme name in the URL is echoed escaped in the error
    response = client.get("/network/key-players", params={"theme": '"><script>alert(4)</script>'})
    assert response.status_code == 404
    assert "<script>alert(4)" not in response.text and "&lt;script&gt;alert(4)" in response.text


def test_data_forms_carry_hostile_text_verbatim(client: TestClient) -> None:
    rows = client.get("/motions.json").json()["requests"]
    assert any(HOSTILE in r["label"] for r in rows)
    assert client.get("/motions.csv").headers["content-type"].startswith("text/csv")


def test_standalone_network_html_is_escaped(client: TestClient, tmp_path: Path) -> None:
    from mkbgraph.cli.web import render_network_html

    settings = client.app.state.settings  # type: ignore[attr-defined]
    html = render_network_html(settings)
    for marker in RAW_MARKERS:
        assert marker not in html
