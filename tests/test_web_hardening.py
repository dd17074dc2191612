"""Hardening through an HTTP client: security headers on every kind of response, the public base
URL instead of the Host header, pages for the endpoint and the dataset, local API docs, and the
interface language (catalogue, switch, Accept-Language)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from rdflib import Graph, URIRef

from mkbgraph.api.app import create_app
from mkbgraph.config import Settings
from mkbgraph.domain.i18n import CATALOGUES, translator
from mkbgraph.web.security import CONTENT_SECURITY_POLICY
from tests.test_web_pages import make_settings, tracer_turtle

BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
TEMPLATES = Path(__file__).parents[1] / "src" / "mkbgraph" / "web" / "templates"


@pytest.fixture(scope="module")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return make_settings(tmp_path_factory.mktemp("hardening"), tracer_turtle())


@pytest.fixture(scope="module")
def client(settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings)) as c:
        yield c


@pytest.mark.parametrize(
    ("method", "path", "headers"),
    [
        ("GET", "/", {}),
        ("GET", "/motions.csv", {}),
        ("GET", "/api/search?q=ezk", {}),
        ("GET", "/sparql?query=ASK%7B%7D", {"accept": "application/sparql-results+json"}),
        ("GET", "/sparql", {"accept": "text/turtle"}),
        ("POST", "/sparql", {"content-type": "application/sparql-query"}),
        ("GET", "/static/style.css", {}),
        ("GET", "/assets/vis-network.min.js", {}),
        ("GET", "/no/such/page", {}),
        ("GET", "/api/no-such-thing", {}),
        ("GET", "/openapi.json", {}),
        ("GET", "/docs", {}),
    ],
)
def test_every_response_carries_the_security_headers(
    client: TestClient, method: str, path: str, headers: dict[str, str]
) -> None:
    response = client.request(method, path, headers=headers, content=b"ASK {}" if method == "POST" else None)
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "strict-origin-when-cross-origin"
    assert response.headers["x-frame-options"] == "DENY"
    policy = dict(
        part.strip().split(" ", 1) for part in response.headers["content-security-policy"].split(";")
    )
    assert policy["frame-ancestors"] == "'none'"
    assert policy["script-src"] == "'self'"  # no inline script, no eval, no CDN
    assert policy == CONTENT_SECURITY_POLICY


def test_pages_have_no_inline_script(client: TestClient) -> None:
    """The CSP forbids inline scripts: a page may only hold JSON data blocks and external scripts."""
    for path in ["/", "/motions", "/network", "/query", "/themes", "/id/organisation/ezk", "/docs", "/redoc"]:
        html = client.get(path).text
        for attributes, body in re.findall(r"<script([^>]*)>(.*?)</script>", html, flags=re.S):
            assert "src=" in attributes or 'type="application/json"' in attributes, (path, attributes)
            assert "src=" not in attributes or not body.strip()
        assert not re.search(r"\son[a-z]+=", html), path  # no inline event handlers


@pytest.mark.parametrize("path", ["/sparql", "/dataset", "/.well-known/void", "/api/queries"])
def test_the_host_header_never_reaches_a_description(client: TestClient, path: str) -> None:
    response = client.get(path, headers={"host": "attacker.example", "accept": "text/turtle"})
    assert response.status_code == 200
    assert "attacker.example" not in response.text
    assert "http://testserver" in response.text  # the address the server listens on


def test_the_public_base_url_setting_is_used(settings: Settings) -> None:
    public = settings.model_copy(update={"public_base_url": "https://mkbgraph.example.nl/"})
    with TestClient(create_app(public)) as c:
        text = c.get("/sparql", headers={"accept": "text/turtle", "host": "attacker.example"}).text
        description = Graph().parse(data=text, format="turtle")
        endpoint = URIRef("http://www.w3.org/ns/sparql-service-description#endpoint")
        assert {str(o) for o in description.objects(None, endpoint)} == {"https://mkbgraph.example.nl/sparql"}
        assert "testserver" not in text and "attacker" not in text
        links = c.get("/api/queries", headers={"host": "attacker.example"}).json()["queries"][0]
        assert links["url"].startswith("https://mkbgraph.example.nl/api/queries/")
        page = c.get("/sparql", headers={"accept": BROWSER_ACCEPT}).text
        assert "https://mkbgraph.example.nl/sparql" in page


def test_a_browser_gets_a_page_for_the_endpoint_and_machines_get_the_service_description(
    client: TestClient,
) -> None:
    page = client.get("/sparql", headers={"accept": BROWSER_ACCEPT})
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "<h1>SPARQL-endpoint van mkbgraph</h1>" in page.text
    assert 'href="/sparql?format=turtle"' in page.text  # the Service Description, linked
    description = client.get("/sparql?format=turtle", headers={"accept": BROWSER_ACCEPT})
    assert description.headers["content-type"].startswith("text/turtle")
    graph = Graph().parse(data=description.text, format="turtle")
    assert any("ns/sparql-service-description#Service" in str(o) for o in graph.objects())
    for accept in ("*/*", "text/turtle", "application/ld+json", ""):
        answer = client.get("/sparql", headers={"accept": accept})
        assert not answer.headers["content-type"].startswith("text/html"), accept
    dataset_page = client.get("/dataset", headers={"accept": BROWSER_ACCEPT})
    assert dataset_page.headers["content-type"].startswith("text/html")
    assert 'href="/dataset?format=turtle"' in dataset_page.text
    assert (
        client.get("/dataset", headers={"accept": "text/turtle"})
        .headers["content-type"]
        .startswith("text/turtle")
    )


def test_the_footer_links_pages(client: TestClient) -> None:
    html = client.get("/").text
    footer = html[html.index('<footer class="site">') :]
    for href in re.findall(r'href="([^"]+)"', footer):
        answer = client.get(href, headers={"accept": BROWSER_ACCEPT})
        assert answer.status_code == 200, href
        assert answer.headers["content-type"].startswith("text/html"), href


@pytest.mark.parametrize("path", ["/docs", "/redoc"])
def test_api_docs_load_only_local_assets(client: TestClient, path: str) -> None:
    html = client.get(path).text
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert [s for s in sources if s.startswith(("http:", "https:", "//"))] == []
    scripts = re.findall(r'<script src="([^"]+)"', html)
    assert scripts, path
    for script in scripts:
        answer = client.get(script)
        assert answer.status_code == 200 and len(answer.content) > (100_000 if "/assets/" in script else 100)
        assert answer.headers["content-type"].startswith("text/javascript")


# --------------------------------------------------------------------------------------------
# the interface language


def test_dutch_is_the_default_and_english_comes_by_accept_language_or_the_switch(client: TestClient) -> None:
    dutch = client.get("/")
    assert '<html lang="nl">' in dutch.text and "Naar de inhoud" in dutch.text
    assert dutch.headers["content-language"] == "nl"
    english = client.get("/", headers={"accept-language": "en-GB,en;q=0.9,nl;q=0.5"})
    assert '<html lang="en">' in english.text and "Skip to content" in english.text
    assert "Accept-Language" in english.headers["vary"]
    preferring_dutch = client.get("/", headers={"accept-language": "de,nl;q=0.8,en;q=0.5"})
    assert '<html lang="nl">' in preferring_dutch.text
    with TestClient(create_app(client.app.state.settings)) as fresh:  # type: ignore[attr-defined]
        switched = fresh.get("/?lang=en")
        assert '<html lang="en">' in switched.text
        assert "mkbgraph_lang=en" in switched.headers["set-cookie"]
        assert '<html lang="en">' in fresh.get("/motions").text  # the choice is remembered
        assert 'hreflang="nl"' in fresh.get("/motions").text  # and can be undone
        assert '<html lang="nl">' in fresh.get("/motions?lang=nl").text


def test_every_catalogue_string_in_the_templates_has_an_english_entry() -> None:
    found: set[str] = set()
    for template in TEMPLATES.glob("*.html"):
        text = template.read_text(encoding="utf-8")
        found |= set(re.findall(r"""\bt\(\s*"((?:[^"\\]|\\.)*)"\s*[,)]""", text))
        found |= set(re.findall(r"""\bt\(\s*'((?:[^'\\]|\\.)*)'\s*[,)]""", text))
        for singular, plural in re.findall(
            r"""t\.count\([^,]+,\s*["']([^"']+)["'],\s*["']([^"']+)["']\)""", text
        ):
            found |= {singular, plural}
    assert len(found) > 10
    missing = sorted(s for s in found if s not in CATALOGUES["en"])
    assert missing == []


def test_counted_phrases_use_singular_for_one() -> None:
    t = translator("nl")
    assert t.count(1, "resultaat", "resultaten") == "1 resultaat"
    assert t.count(0, "resultaat", "resultaten") == "0 resultaten"
    assert t.count(3, "resultaat", "resultaten") == "3 resultaten"
    assert translator("en").count(1, "resultaat", "resultaten") == "1 result"
    assert translator("fr")("Zoeken") == "Zoeken"  # unknown languages fall back to Dutch


def test_every_word_the_network_script_shows_has_an_english_entry() -> None:
    from mkbgraph.web.network_view import SCRIPT_WORDS

    assert [w for w in SCRIPT_WORDS if w not in CATALOGUES["en"]] == []


def test_an_unexpected_error_carries_the_security_headers_too(settings: Settings) -> None:
    app = create_app(settings.model_copy(update={"warm_up": False}))

    @app.get("/kapot")
    def broken_page() -> None:
        raise RuntimeError("kaboom")

    @app.get("/api/kapot")
    def broken_api() -> None:
        raise RuntimeError("kaboom")

    with TestClient(app, raise_server_exceptions=False) as c:
        for path in ("/kapot", "/api/kapot"):
            answer = c.get(path)
            assert answer.status_code == 500
            assert answer.headers["x-content-type-options"] == "nosniff", path
            assert "frame-ancestors 'none'" in answer.headers["content-security-policy"], path
