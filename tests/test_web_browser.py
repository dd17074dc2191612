"""The pages in a real browser (Playwright + Debian's chromium) against a real uvicorn server.

Checks that the network view draws, filters, searches and opens its side panel; that the SPARQL
editor runs a query and shows rows; that hostile labels stay text inside vis-network; and that
no request ever leaves 127.0.0.1. Screenshots of the main pages go to test-output/screenshots/.
"""

from __future__ import annotations

import os
import socket
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse

import pytest
import uvicorn

from mkbgraph.api.app import create_app
from mkbgraph.config import Settings
from tests.test_web_pages import ID, make_settings, tracer_turtle
from tests.test_web_xss import HOSTILE

playwright_sync = pytest.importorskip("playwright.sync_api")

pytestmark = [pytest.mark.browser, pytest.mark.server]

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
#: Screenshots to look at after a run: outside the checkout (tests never write into the repository).
SCREENSHOTS = Path(
    os.environ.get("MKBGRAPH_SCREENSHOTS") or Path(tempfile.gettempdir()) / "mkbgraph-screenshots"
)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _serve(settings: Settings) -> Iterator[str]:
    """Run the app under uvicorn on a free 127.0.0.1 port for the duration of the fixture."""
    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def real_server() -> Iterator[str]:
    yield from _serve(Settings(validate_on_load=False))


@pytest.fixture(scope="module")
def hostile_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    turtle = tracer_turtle(org_label=f"Ministerie {HOSTILE}", hostile=HOSTILE.replace('"', '\\"'))
    yield from _serve(make_settings(tmp_path_factory.mktemp("hostile"), turtle))


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with playwright_sync.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


class Recorder:
    """Every request a page makes, every dialog it opens, every script error."""

    def __init__(self, page: object) -> None:
        self.urls: list[str] = []
        self.dialogs: list[str] = []
        self.errors: list[str] = []
        page.on("request", lambda request: self.urls.append(request.url))  # type: ignore[attr-defined]
        page.on("dialog", self._dialog)  # type: ignore[attr-defined]
        page.on("pageerror", lambda error: self.errors.append(str(error)))  # type: ignore[attr-defined]

    def _dialog(self, dialog: object) -> None:
        self.dialogs.append(dialog.message)  # type: ignore[attr-defined]
        dialog.dismiss()  # type: ignore[attr-defined]

    def outside(self) -> list[str]:
        """Requests to anything but 127.0.0.1 (data: and blob: URLs stay inside the page)."""
        return [
            u
            for u in self.urls
            if urlparse(u).scheme not in ("data", "blob") and urlparse(u).hostname != "127.0.0.1"
        ]


@pytest.fixture
def page(browser: object) -> Iterator[tuple[object, Recorder]]:
    context = browser.new_context(viewport={"width": 1400, "height": 900}, locale="nl-NL")  # type: ignore[attr-defined]
    tab = context.new_page()
    recorder = Recorder(tab)
    yield tab, recorder
    context.close()
    assert recorder.outside() == [], f"requests left 127.0.0.1: {recorder.outside()}"
    assert recorder.dialogs == [], f"a page opened dialogs: {recorder.dialogs}"


def _shot(tab: object, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    tab.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=False)  # type: ignore[attr-defined]


def _wait_for_network(tab: object) -> None:
    tab.wait_for_selector("body[data-network-ready=true]", timeout=20_000)  # type: ignore[attr-defined]


def _drawn_nodes(tab: object) -> int:
    return int(tab.evaluate("window.mkbNetwork.nodes.length"))  # type: ignore[attr-defined]


def test_network_renders_filters_searches_and_opens_panel(
    page: tuple[object, Recorder], real_server: str
) -> None:
    tab, recorder = page
    tab.goto(f"{real_server}/network?view=all")  # type: ignore[attr-defined]
    _wait_for_network(tab)
    everything = _drawn_nodes(tab)
    assert everything > 20
    assert tab.locator("#network canvas").count() == 1  # type: ignore[attr-defined]
    _shot(tab, "network")
    # a filter changes what is shown (the form submits on change)
    with tab.expect_navigation():  # type: ignore[attr-defined]
        tab.check("input[name=kind][value=organisation]")  # type: ignore[attr-defined]
    _wait_for_network(tab)
    organisations = _drawn_nodes(tab)
    assert 0 < organisations < everything
    kinds = tab.evaluate("[...new Set(window.mkbNetwork.data.nodes.map(n => n.kind))]")  # type: ignore[attr-defined]
    assert kinds == ["organisation"]
    # the search focuses a node and fills the panel
    tab.fill("#network-search", "EZK")  # type: ignore[attr-defined]
    tab.press("#network-search", "Enter")  # type: ignore[attr-defined]
    assert tab.evaluate("window.mkbNetwork.network.getSelectedNodes()") == [ID + "organisation/ezk"]  # type: ignore[attr-defined]
    assert "Economische Zaken" in tab.inner_text("#panel-body")  # type: ignore[attr-defined]
    # clicking a node opens the panel with its link
    tab.goto(f"{real_server}/network?view=all")  # type: ignore[attr-defined]
    _wait_for_network(tab)
    node = tab.evaluate(  # type: ignore[attr-defined]
        """() => { const net = window.mkbNetwork.network; const id = window.mkbNetwork.data.nodes[0].id;
                   net.focus(id, {scale: 1.5, animation: false}); const p = net.canvasToDOM(net.getPosition(id));
                   return {id: net.getNodeAt(p) || id, x: p.x, y: p.y}; }"""
    )
    box = tab.locator("#network").bounding_box()  # type: ignore[attr-defined]
    tab.mouse.click(box["x"] + node["x"], box["y"] + node["y"])  # type: ignore[attr-defined]
    tab.wait_for_function("document.querySelector('#panel-body h3') !== null")  # type: ignore[attr-defined]
    links = tab.eval_on_selector_all("#panel-body a", "els => els.map(a => a.getAttribute('href'))")  # type: ignore[attr-defined]
    assert node["id"].replace("https://w3id.org/mkbgraph", "") in links
    _shot(tab, "network-panel")
    assert recorder.errors == []


FIND_CLICKABLE_EDGE = """() => {
    const m = window.mkbNetwork, net = m.network;
    net.fit({animation: false});
    for (const e of m.data.edges) {
        if (!e.quote) continue;
        const a = net.getPosition(e.from), b = net.getPosition(e.to);
        const p = net.canvasToDOM({x: (a.x + b.x) / 2, y: (a.y + b.y) / 2});
        if (net.getNodeAt(p) === undefined && net.getEdgeAt(p) === e.id) return {id: e.id, quote: e.quote, x: p.x, y: p.y};
    }
    return null;
}"""


def _click_an_edge_with_a_quote(tab: object) -> dict:
    edge = tab.evaluate(FIND_CLICKABLE_EDGE)  # type: ignore[attr-defined]
    assert edge is not None, "no edge with a quote can be clicked on its own"
    box = tab.locator("#network").bounding_box()  # type: ignore[attr-defined]
    tab.mouse.click(box["x"] + edge["x"], box["y"] + edge["y"])  # type: ignore[attr-defined]
    tab.wait_for_function("document.querySelector('#panel-body blockquote') !== null")  # type: ignore[attr-defined]
    return edge  # type: ignore[no-any-return]


def test_clicking_an_edge_shows_its_provenance_quote(page: tuple[object, Recorder], real_server: str) -> None:
    tab, recorder = page
    tab.goto(f"{real_server}/network?focus={ID}organisation/kvk&depth=1")  # type: ignore[attr-defined]
    _wait_for_network(tab)
    edge = _click_an_edge_with_a_quote(tab)
    panel = tab.inner_text("#panel-body")  # type: ignore[attr-defined]
    assert " ".join(edge["quote"].split()) in " ".join(panel.split())
    links = tab.eval_on_selector_all("#panel-body a", "els => els.map(a => a.getAttribute('href'))")  # type: ignore[attr-defined]
    assert any(href.startswith("/id/section/") for href in links)  # the report section it comes from
    assert any(href.startswith("/id/organisation/") for href in links)
    # the quote came with the page: the compact payload holds each quote once
    payload = tab.evaluate("JSON.parse(document.getElementById('network-data').textContent)")  # type: ignore[attr-defined]
    assert edge["quote"] in payload["quotes"] and len(payload["quotes"]) == len(set(payload["quotes"]))
    _shot(tab, "network-edge-quote")
    assert recorder.errors == []


def test_ego_view_and_physics_toggle(page: tuple[object, Recorder], real_server: str) -> None:
    tab, recorder = page
    tab.goto(f"{real_server}/network?focus={ID}organisation/ezk&depth=1")  # type: ignore[attr-defined]
    _wait_for_network(tab)
    assert tab.evaluate("window.mkbNetwork.network.getSelectedNodes()") == [ID + "organisation/ezk"]  # type: ignore[attr-defined]
    assert tab.evaluate("window.mkbNetwork.network.physics.options.enabled") is False  # type: ignore[attr-defined]
    tab.check("#physics-toggle")  # type: ignore[attr-defined]
    assert tab.evaluate("window.mkbNetwork.network.physics.options.enabled") is True  # type: ignore[attr-defined]
    _shot(tab, "network-ego-ezk")
    assert recorder.errors == []


def test_sparql_editor_runs_a_query_and_links_rows(page: tuple[object, Recorder], real_server: str) -> None:
    tab, recorder = page
    tab.goto(f"{real_server}/query")  # type: ignore[attr-defined]
    tab.wait_for_selector(".yasqe .CodeMirror", timeout=20_000)  # type: ignore[attr-defined]
    assert tab.is_hidden("#plain-editor")  # type: ignore[attr-defined]
    query = "SELECT ?org ?label WHERE { ?org a org:Organization ; rdfs:label ?label . FILTER(lang(?label) = 'nl') } ORDER BY ?label LIMIT 5"
    tab.evaluate(
        "q => { window.mkbYasgui.getTab().setQuery(q); }",
        "PREFIX org: <http://www.w3.org/ns/org#>\nPREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
        + query,
    )  # type: ignore[attr-defined]
    tab.click(".yasqe_queryButton")  # type: ignore[attr-defined]
    tab.wait_for_selector(".yasr table tbody tr", timeout=20_000)  # type: ignore[attr-defined]
    rows = tab.locator(".yasr table tbody tr").count()  # type: ignore[attr-defined]
    assert rows == 5
    tab.wait_for_function("document.querySelector('.yasr a[href^=\"/id/organisation/\"]') !== null")  # type: ignore[attr-defined]
    _shot(tab, "query")
    assert recorder.errors == []


def test_sparql_editor_without_javascript_is_a_form(browser: object, real_server: str) -> None:
    context = browser.new_context(java_script_enabled=False)  # type: ignore[attr-defined]
    tab = context.new_page()
    tab.goto(f"{real_server}/query")
    assert tab.is_visible("#query-text") and tab.is_visible("#plain-editor button[type=submit]")
    context.close()


def test_assumed_roles_are_off_by_default_and_dashed_behind_the_switch(
    page: tuple[object, Recorder], real_server: str
) -> None:
    """Issue 12: the network shows what the report states; the switch adds assumed roles, dashed."""
    tab, recorder = page
    tab.goto(f"{real_server}/network?view=all")  # type: ignore[attr-defined]
    _wait_for_network(tab)
    dashed = "window.mkbNetwork.edges.get().filter(e => e.dashes).length"
    stated_edges = tab.evaluate("window.mkbNetwork.edges.length")  # type: ignore[attr-defined]
    assert tab.evaluate(dashed) == 0  # type: ignore[attr-defined]
    with tab.expect_navigation():  # type: ignore[attr-defined]
        tab.click("#assumed-on")  # type: ignore[attr-defined]
    _wait_for_network(tab)
    assert "assumed=true" in tab.url  # type: ignore[attr-defined]
    assert tab.evaluate(dashed) > 0  # type: ignore[attr-defined]
    assert tab.evaluate("window.mkbNetwork.edges.length") > stated_edges  # type: ignore[attr-defined]
    labels = tab.evaluate(  # type: ignore[attr-defined]
        "window.mkbNetwork.data.edges.filter(e => e.assumed).map(e => e.label)"
    )
    assert labels and all("(aangenomen)" in label for label in labels)
    assert tab.locator("#assumed-off").count() == 1  # type: ignore[attr-defined]
    _shot(tab, "network-assumed-dashed")
    assert recorder.errors == []


def test_hostile_labels_stay_text_in_the_network(page: tuple[object, Recorder], hostile_server: str) -> None:
    tab, recorder = page
    tab.goto(f"{hostile_server}/network?view=all")  # type: ignore[attr-defined]
    _wait_for_network(tab)
    tab.fill("#network-search", "Ministerie")  # type: ignore[attr-defined]
    tab.press("#network-search", "Enter")  # type: ignore[attr-defined]
    assert HOSTILE in tab.inner_text("#panel-body")  # type: ignore[attr-defined]
    # hover tooltips are elements with text, never parsed HTML
    node = tab.evaluate(  # type: ignore[attr-defined]
        """() => { const net = window.mkbNetwork.network; const id = window.mkbNetwork.network.getSelectedNodes()[0];
                   const p = net.canvasToDOM(net.getPosition(id)); return {x: p.x, y: p.y}; }"""
    )
    box = tab.locator("#network").bounding_box()  # type: ignore[attr-defined]
    tab.mouse.move(box["x"] + node["x"], box["y"] + node["y"])  # type: ignore[attr-defined]
    tab.wait_for_timeout(600)  # type: ignore[attr-defined]
    assert tab.locator("img[src=x]").count() == 0  # type: ignore[attr-defined]
    assert tab.locator("#network script, #panel script").count() == 0  # type: ignore[attr-defined]
    # an edge's hostile quote is text in the panel too
    edge = _click_an_edge_with_a_quote(tab)
    assert HOSTILE in edge["quote"] and HOSTILE in tab.inner_text("#panel-body blockquote")  # type: ignore[attr-defined]
    assert tab.locator("img[src=x]").count() == 0  # type: ignore[attr-defined]
    for path in ["/", "/motions", "/id/organisation/ezk", "/themes"]:
        tab.goto(hostile_server + path)  # type: ignore[attr-defined]
        assert tab.locator("img[src=x]").count() == 0, path  # type: ignore[attr-defined]
    assert recorder.dialogs == []


@pytest.mark.parametrize(
    ("name", "path"),
    [
        ("home", "/"),
        ("motions", "/motions"),
        ("organisation-ezk", "/id/organisation/ezk"),
        ("themes", "/themes"),
        ("quality", "/quality"),
        ("organisations", "/organisations"),
        ("key-players", "/network/key-players"),
        ("key-players-theme", "/network/key-players?theme=financiering"),
    ],
)
def test_main_pages_screenshots_and_accessibility(
    page: tuple[object, Recorder], real_server: str, name: str, path: str
) -> None:
    tab, recorder = page
    response = tab.goto(real_server + path, timeout=60_000)  # type: ignore[attr-defined]
    assert response.status == 200
    assert tab.locator("h1").count() == 1  # type: ignore[attr-defined]
    assert tab.locator("main#main").count() == 1  # type: ignore[attr-defined]
    unlabelled = tab.evaluate(  # type: ignore[attr-defined]
        """() => [...document.querySelectorAll('input:not([type=hidden]), select, textarea')]
                 .filter(el => !(el.labels && el.labels.length) && !el.getAttribute('aria-label')).map(el => el.outerHTML)"""
    )
    assert unlabelled == []
    assert (
        tab.evaluate("[...document.querySelectorAll('img')].filter(i => !i.hasAttribute('alt')).length") == 0
    )  # type: ignore[attr-defined]
    assert (
        tab.evaluate(
            "[...document.querySelectorAll('svg[role=img]')].filter(s => !s.querySelector('title')).length"
        )
        == 0
    )  # type: ignore[attr-defined]
    # every data table says what it holds, and its column headers are marked as such
    assert (
        tab.evaluate(
            "[...document.querySelectorAll('table')].filter(t => !t.caption || !t.caption.textContent.trim()).length"
        )
        == 0
    )  # type: ignore[attr-defined]
    assert (
        tab.evaluate(
            "[...document.querySelectorAll('thead th')].filter(th => th.getAttribute('scope') !== 'col').length"
        )
        == 0
    )  # type: ignore[attr-defined]
    # keyboard: the first Tab reaches the skip link, the next ones reach the menu
    tab.keyboard.press("Tab")  # type: ignore[attr-defined]
    assert tab.evaluate("document.activeElement.className") == "skip"  # type: ignore[attr-defined]
    tab.keyboard.press("Tab")  # type: ignore[attr-defined]
    assert tab.evaluate("document.activeElement.tagName") == "A"  # type: ignore[attr-defined]
    _shot(tab, name)
    assert recorder.errors == []


def test_standalone_network_file_works_offline(browser: object, tmp_path: Path) -> None:
    from mkbgraph.cli.web import render_network_html

    target = tmp_path / "network.html"
    target.write_text(render_network_html(Settings(validate_on_load=False)), encoding="utf-8")
    context = browser.new_context()  # type: ignore[attr-defined]
    tab = context.new_page()
    requests: list[str] = []
    tab.on("request", lambda r: requests.append(r.url))
    tab.goto(target.as_uri())
    tab.wait_for_selector("body[data-network-ready=true]", timeout=20_000)
    assert tab.evaluate("window.mkbNetwork.nodes.length") > 20
    assert [u for u in requests if not u.startswith(("file:", "data:"))] == []
    context.close()
