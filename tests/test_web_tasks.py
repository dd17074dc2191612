"""Each user's task in a real browser (Playwright + Debian's chromium) against a real server.

Everyone: axe-core (from npm, injected by the test) finds no serious or critical violation on any
page type; at 390 px no page pans sideways; on a phone the network picture comes first; the API
docs and the endpoint page work offline under the Content-Security-Policy.
Researcher: the editor's Share link restores and runs the query in a fresh browser; Enter after a
variable makes a new line; a canned example runs in one click.
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest

from mkbgraph.config import PROJECT_ROOT
from tests.test_web_browser import CHROMIUM, CHROMIUM_ARGS, Recorder, _serve, browser, page, real_server
from tests.test_web_pages import make_settings, tracer_turtle

playwright_sync = pytest.importorskip("playwright.sync_api")

pytestmark = [pytest.mark.browser, pytest.mark.server]

__all__ = ["CHROMIUM", "CHROMIUM_ARGS", "browser", "page", "real_server"]

AXE = PROJECT_ROOT / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = Path(
    os.environ.get("MKBGRAPH_SCREENSHOTS") or Path(tempfile.gettempdir()) / "mkbgraph-screenshots"
)

#: One page of every type people reach.
PAGE_TYPES: dict[str, str] = {
    "home": "/",
    "motions": "/motions",
    "motion": "/id/motion/kst-35074-45",
    "action": "/id/action/advies-digitale-rie",
    "organisation": "/id/organisation/kvk",
    "theme": "/id/theme/financiering",
    "instrument": "/id/instrument/dtif",
    "region": "/id/region/kuala-lumpur",
    "document": "/id/document/handreiking-tenderkostenvergoeding",
    "themes": "/themes",
    "organisations": "/organisations",
    "search": "/search?q=kvk",
    "quality": "/quality",
    "editor": "/query",
    "canned": "/query/actions-by-theme",
    "network": "/network",
    "key-players": "/network/key-players",
    "endpoint": "/sparql",
    "dataset": "/dataset",
    "docs": "/docs",
    "redoc": "/redoc",
    "not-found": "/id/action/no-such-action",
}
#: Third-party widgets axe is not run inside (their markup is not ours to fix); the page around them is.
THIRD_PARTY = {"docs": ["#swagger-ui"], "redoc": ["#redoc-container"]}
#: Pages whose scripts draw after load: what to wait for.
READY = {
    "network": "body[data-network-ready=true]",
    "editor": ".yasqe .CodeMirror",
    "docs": "body[data-docs-ready=true]",
    "redoc": "body[data-docs-ready=true]",
}


def _shot(tab: object, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    tab.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=False)  # type: ignore[attr-defined]


def _open(tab: object, base: str, name: str) -> None:
    response = tab.goto(base + PAGE_TYPES[name], timeout=60_000)  # type: ignore[attr-defined]
    assert response.status == (404 if name == "not-found" else 200)
    if name in READY:
        tab.wait_for_selector(READY[name], timeout=30_000, state="attached")  # type: ignore[attr-defined]


def axe_violations(tab: object, exclude: list[str] | None = None) -> list[str]:
    """Serious and critical axe-core violations of the page, as "rule: first targets"."""
    tab.evaluate(AXE.read_text(encoding="utf-8"))  # type: ignore[attr-defined]
    found = tab.evaluate(  # type: ignore[attr-defined]
        """exclude => axe.run({exclude: exclude.map(s => [s])}, {resultTypes: ['violations']}).then(r =>
             r.violations.filter(v => v.impact === 'serious' || v.impact === 'critical')
               .map(v => v.id + ' (' + v.impact + '): ' + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | ')))""",
        exclude or [],
    )
    return list(found)


@pytest.mark.parametrize("name", list(PAGE_TYPES))
def test_axe_finds_no_serious_or_critical_violation(
    page: tuple[object, Recorder], real_server: str, name: str
) -> None:
    tab, recorder = page
    _open(tab, real_server, name)
    assert axe_violations(tab, THIRD_PARTY.get(name)) == []
    _shot(tab, f"page-{name}")
    assert recorder.errors == []


@pytest.fixture
def phone(browser: object) -> Iterator[tuple[object, Recorder]]:
    context = browser.new_context(  # type: ignore[attr-defined]
        viewport={"width": 390, "height": 844},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        locale="nl-NL",
    )
    tab = context.new_page()
    recorder = Recorder(tab)
    yield tab, recorder
    context.close()
    assert recorder.outside() == []


@pytest.mark.parametrize("name", [n for n in PAGE_TYPES if n not in ("docs", "redoc")])
def test_no_page_pans_sideways_on_a_phone(
    phone: tuple[object, Recorder], real_server: str, name: str
) -> None:
    tab, recorder = phone
    _open(tab, real_server, name)
    overflow = tab.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")  # type: ignore[attr-defined]
    assert overflow <= 0, f"{PAGE_TYPES[name]} pans {overflow}px sideways"
    # wide tables scroll inside their own box instead
    for box in tab.evaluate(  # type: ignore[attr-defined]
        "[...document.querySelectorAll('table')].map(t => t.closest('.table-scroll') !== null)"
    ):
        assert box
    if name in ("motions", "organisation", "home"):
        _shot(tab, f"phone-{name}")
    assert recorder.errors == []


def test_on_a_phone_the_network_picture_comes_first_and_the_filters_fold(
    phone: tuple[object, Recorder], real_server: str
) -> None:
    tab, recorder = phone
    tab.goto(f"{real_server}/network")  # type: ignore[attr-defined]
    tab.wait_for_selector("body[data-network-ready=true]", timeout=30_000, state="attached")  # type: ignore[attr-defined]
    canvas = tab.locator("#network").bounding_box()  # type: ignore[attr-defined]
    filters = tab.locator("#network-fold").bounding_box()  # type: ignore[attr-defined]
    assert canvas["y"] < 844 / 2, f"the network starts {canvas['y']}px down"
    assert canvas["y"] < filters["y"]
    assert tab.evaluate("document.getElementById('network-fold').open") is False  # type: ignore[attr-defined]
    assert tab.is_hidden("#f-theme")  # type: ignore[attr-defined]
    tab.click("#network-fold > summary")  # type: ignore[attr-defined]
    assert tab.is_visible("#f-theme")  # type: ignore[attr-defined]
    _shot(tab, "phone-network")
    assert recorder.errors == []


@pytest.mark.parametrize("name", ["docs", "redoc"])
def test_api_docs_work_offline(page: tuple[object, Recorder], real_server: str, name: str) -> None:
    tab, recorder = page
    blocked: list[str] = []
    tab.on("console", lambda m: blocked.append(m.text) if "Content Security Policy" in m.text else None)  # type: ignore[attr-defined]
    _open(tab, real_server, name)
    operations = ".opblock" if name == "docs" else "[id^='operation/']"
    tab.wait_for_selector(operations, timeout=30_000, state="attached")  # type: ignore[attr-defined]
    assert tab.locator(operations).count() > 10  # type: ignore[attr-defined]
    assert "/sparql" in tab.inner_text("main")  # type: ignore[attr-defined]
    # ReDoc's "API docs by Redocly" logo points at their CDN: the policy stops it, nothing else is refused
    assert [m for m in blocked if "cdn.redoc.ly" not in m] == []
    _shot(tab, name)
    assert recorder.errors == []


def test_the_footer_leads_to_the_endpoint_page_and_its_service_description(
    page: tuple[object, Recorder], real_server: str
) -> None:
    tab, recorder = page
    tab.goto(real_server + "/")  # type: ignore[attr-defined]
    tab.click("footer.site a[href='/sparql']")  # type: ignore[attr-defined]
    assert tab.inner_text("h1") == "SPARQL-endpoint van mkbgraph"  # type: ignore[attr-defined]
    with tab.expect_response(lambda r: "format=turtle" in r.url) as answer:  # type: ignore[attr-defined]
        tab.click("a[href='/sparql?format=turtle']")  # type: ignore[attr-defined]
    assert answer.value.headers["content-type"].startswith("text/turtle")
    assert "sd:Service" in answer.value.text()
    _shot(tab, "endpoint")
    assert recorder.errors == []


# --------------------------------------------------------------------------------------------
# Researcher: the editor


QUERY = (
    "PREFIX mkb: <https://w3id.org/mkbgraph/def/>\nPREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
    "SELECT ?naam WHERE { ?t a mkb:Theme ; rdfs:label ?naam . FILTER(lang(?naam) = 'nl') } ORDER BY ?naam"
)


def _editor_text(tab: object) -> str:
    return str(tab.evaluate("window.mkbYasgui.getTab().getQuery()"))  # type: ignore[attr-defined]


def test_a_shared_editor_link_restores_and_runs_the_query(browser: object, real_server: str) -> None:
    first = browser.new_context(locale="nl-NL")  # type: ignore[attr-defined]
    tab = first.new_page()
    tab.goto(f"{real_server}/query")
    tab.wait_for_selector(".yasqe .CodeMirror", timeout=30_000)
    tab.evaluate("q => { window.mkbYasgui.getTab().setQuery(q); }", QUERY)
    shared = tab.evaluate(
        "window.mkbYasgui.getTab().getShareableLink ? window.mkbYasgui.getTab().getShareableLink() : null"
    )
    first.close()
    link = shared or f"{real_server}/query#query={quote(QUERY)}"
    assert "#" in link and "query=" in link
    fresh = browser.new_context(locale="nl-NL")  # type: ignore[attr-defined]
    other = fresh.new_page()
    recorder = Recorder(other)
    other.goto(link)
    other.wait_for_selector(".yasr table tbody tr", timeout=30_000)
    assert _editor_text(other) == QUERY
    assert other.locator(".yasr table tbody tr").count() == 7  # the seven themes
    assert "Financiering" in other.inner_text(".yasr table")
    _shot(other, "editor-shared-link")
    fresh.close()
    assert recorder.errors == [] and recorder.outside() == []


def test_enter_after_a_variable_makes_a_new_line(page: tuple[object, Recorder], real_server: str) -> None:
    tab, recorder = page
    tab.goto(f"{real_server}/query")  # type: ignore[attr-defined]
    tab.wait_for_selector(".yasqe .CodeMirror", timeout=30_000)  # type: ignore[attr-defined]
    tab.evaluate(  # type: ignore[attr-defined]
        "() => { window.mkbYasgui.getTab().setQuery('SELECT ?naam ?notatie WHERE { ?x rdfs:label ?naam ; skos:notation ?notatie }'); }"
    )
    tab.evaluate(
        "() => { const cm = window.mkbYasgui.getTab().getYasqe(); cm.focus(); cm.setCursor(cm.lineCount(), 0); }"
    )  # type: ignore[attr-defined]
    tab.keyboard.press("Enter")  # type: ignore[attr-defined]
    tab.keyboard.type("ORDER BY ?naa", delay=40)  # type: ignore[attr-defined]
    # the variable autocompleter's list is open (it offers ?naam): Enter still makes a new line
    # and keeps what was typed (picking is Tab's job); the list used to take the Enter
    tab.wait_for_selector(".CodeMirror-hints", timeout=5_000)  # type: ignore[attr-defined]
    tab.keyboard.press("Enter")  # type: ignore[attr-defined]
    tab.keyboard.type("LIMIT 3", delay=40)  # type: ignore[attr-defined]
    lines = _editor_text(tab).splitlines()
    assert [line.strip() for line in lines[-2:]] == ["ORDER BY ?naa", "LIMIT 3"], lines
    assert recorder.errors == []


def test_a_canned_example_runs_in_one_click(page: tuple[object, Recorder], real_server: str) -> None:
    tab, recorder = page
    tab.goto(f"{real_server}/query")  # type: ignore[attr-defined]
    tab.wait_for_selector(".yasqe .CodeMirror", timeout=30_000)  # type: ignore[attr-defined]
    example = tab.locator("a.open-example").first  # type: ignore[attr-defined]
    name = example.get_attribute("data-name")
    example.click()
    tab.wait_for_selector(".yasr table tbody tr, .yasr .errorResult, .yasr pre", timeout=30_000)  # type: ignore[attr-defined]
    assert tab.locator(".yasr table tbody tr").count() > 0, name  # type: ignore[attr-defined]
    assert recorder.errors == []


def test_editor_controls_speak_dutch(page: tuple[object, Recorder], real_server: str) -> None:
    tab, recorder = page
    tab.goto(f"{real_server}/query")  # type: ignore[attr-defined]
    tab.wait_for_selector(".yasqe .CodeMirror", timeout=30_000)  # type: ignore[attr-defined]
    tab.wait_for_selector("[title='Query uitvoeren']", timeout=10_000, state="attached")  # type: ignore[attr-defined]
    assert tab.locator("[title='Run query']").count() == 0  # type: ignore[attr-defined]
    assert tab.get_attribute(".yasqe textarea", "aria-label") == "SPARQL-query"  # type: ignore[attr-defined]
    # numbers show as numbers: the compact (simple) literal view
    tab.evaluate(  # type: ignore[attr-defined]
        "() => { window.mkbYasgui.getTab().setQuery('SELECT (COUNT(*) AS ?n) WHERE { ?s a <https://w3id.org/mkbgraph/def/Theme> }'); }"
    )
    tab.click(".yasqe_queryButton")  # type: ignore[attr-defined]
    tab.wait_for_selector(".yasr table tbody tr", timeout=30_000)  # type: ignore[attr-defined]
    cell = tab.inner_text(".yasr table tbody tr td:last-child")  # type: ignore[attr-defined]
    assert cell.strip() == "7", cell
    assert recorder.errors == []


__all__ += ["_serve"]


# --------------------------------------------------------------------------------------------
# Staffer: which motions have no follow-up, has motion Wiersma been followed up, a list for my MP


@pytest.fixture(scope="module")
def tracer_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The small hand-built graph: one motion followed up, one partly, one without follow-up (the
    real report records none without)."""
    yield from _serve(make_settings(tmp_path_factory.mktemp("tracer"), tracer_turtle()))


def test_staffer_opens_the_motions_without_follow_up_from_the_home_page(
    page: tuple[object, Recorder], tracer_server: str
) -> None:
    tab, recorder = page
    tab.goto(tracer_server + "/")  # type: ignore[attr-defined]
    announced = int(tab.inner_text("#unanswered-link").split("(")[1].rstrip(")"))  # type: ignore[attr-defined]
    with tab.expect_navigation():  # type: ignore[attr-defined]
        tab.click("#unanswered-link")  # type: ignore[attr-defined]
    assert tab.url.endswith("/motions?follow_up=none")  # type: ignore[attr-defined]
    badges = tab.locator("#motions-table tbody .badge").all_inner_texts()  # type: ignore[attr-defined]
    assert len(badges) == announced > 0
    assert set(badges) == {"geen opvolging vastgelegd"}
    # the page explains each verdict where it shows them
    legend = tab.inner_text("#follow-up-legend")  # type: ignore[attr-defined]
    assert "deels opgevolgd" in legend and "geen daarvan is begonnen" in legend
    _shot(tab, "motions-without-follow-up")
    assert recorder.errors == []


@pytest.mark.parametrize("words", ["motie scholing", "Wiersma scholing"])
def test_staffer_finds_motion_wiersma_by_two_words_and_reads_its_follow_up(
    page: tuple[object, Recorder], real_server: str, words: str
) -> None:
    tab, recorder = page
    tab.goto(real_server + "/")  # type: ignore[attr-defined]
    tab.fill("#site-search", words)  # type: ignore[attr-defined]
    with tab.expect_navigation():  # type: ignore[attr-defined]
        tab.press("#site-search", "Enter")  # type: ignore[attr-defined]
    assert "resultaten" in tab.inner_text("#result-count") or "resultaat" in tab.inner_text("#result-count")  # type: ignore[attr-defined]
    first = tab.locator("ol.results li a").first  # type: ignore[attr-defined]
    assert first.inner_text() == "Motie Wiersma c.s."
    with tab.expect_navigation():  # type: ignore[attr-defined]
        first.click()
    facts = tab.inner_text("dl.facts")  # type: ignore[attr-defined]
    assert "Status van het verzoek" in facts
    explanation = tab.inner_text(".follow-up-explanation")  # type: ignore[attr-defined]
    assert explanation.startswith(("Opgevolgd:", "Deels opgevolgd:", "Geen opvolging vastgelegd:"))
    assert "Hoe de opvolging wordt bepaald" in explanation
    _shot(tab, "motion-wiersma")
    assert recorder.errors == []


def test_search_counts_in_correct_dutch(page: tuple[object, Recorder], real_server: str) -> None:
    tab, recorder = page
    tab.goto(real_server + "/search?q=" + quote("Ministerie van Economische Zaken"))  # type: ignore[attr-defined]
    assert tab.inner_text("#result-count") == "1 resultaat."  # type: ignore[attr-defined]
    tab.goto(real_server + "/search?q=KVK")  # type: ignore[attr-defined]
    assert tab.inner_text("#result-count").endswith("resultaten.")  # type: ignore[attr-defined]
    assert tab.locator("ol.results li a").first.inner_text() == "Kamer van Koophandel"  # type: ignore[attr-defined]
    tab.goto(real_server + "/search?q=" + quote("scholing zeppelin"))  # type: ignore[attr-defined]
    assert tab.inner_text("#result-count") == "0 resultaten."  # type: ignore[attr-defined]
    assert recorder.errors == []


def test_staffer_downloads_the_list_for_excel_and_it_opens_as_dutch_excel_reads_it(
    page: tuple[object, Recorder], real_server: str, tmp_path: Path
) -> None:
    import csv
    import io

    tab, recorder = page
    tab.goto(real_server + "/motions?q=" + quote("Wörsdörfer"))  # type: ignore[attr-defined]
    shown = tab.locator("#motions-table tbody tr").count()  # type: ignore[attr-defined]
    assert shown > 0
    with tab.expect_download() as download_info:  # type: ignore[attr-defined]
        tab.click("#excel-link")  # type: ignore[attr-defined]
    download = download_info.value
    assert download.suggested_filename == "motieopvolging-excel-nl.csv"
    target = tmp_path / download.suggested_filename
    download.save_as(target)
    raw = target.read_bytes()
    # what Excel with Dutch settings does on a double click: a BOM means UTF-8, ';' separates fields
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw
    text = raw.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))
    header, body = rows[0], rows[1:]
    assert header[:4] == ["Verzoek", "Soort", "Kamerstuk", "Datum"] and "Opvolging" in header
    assert len(body) == shown
    assert all(len(row) == len(header) for row in body)
    assert any("Wörsdörfer" in cell for row in body for cell in row)
    follow_up = {row[header.index("Opvolging")] for row in body}
    assert follow_up <= {"opgevolgd", "deels opgevolgd", "geen opvolging vastgelegd"}
    actions = [row[header.index("Acties die uitvoering geven")] for row in body]
    assert not any("https://" in cell for cell in actions)  # names, not IRIs
    assert recorder.errors == []


# --------------------------------------------------------------------------------------------
# Researcher: which organisations carry most actions in Financiering; change a canned parameter


def test_researcher_picks_a_theme_by_name_and_downloads_the_answer_with_it(
    page: tuple[object, Recorder], real_server: str
) -> None:
    import csv
    import io

    tab, recorder = page
    tab.goto(real_server + "/query/actions-by-theme")  # type: ignore[attr-defined]
    tab.select_option("#p-theme", label="Financiering")  # type: ignore[attr-defined]
    with tab.expect_navigation():  # type: ignore[attr-defined]
        tab.click("form.canned button[type=submit]")  # type: ignore[attr-defined]
    rows = tab.locator("#answer-table tbody tr")  # type: ignore[attr-defined]
    assert rows.count() > 10
    assert set(tab.locator("#answer-table tbody tr td:first-child").all_inner_texts()) == {"Financiering"}  # type: ignore[attr-defined]
    assert tab.locator("#answer-table thead th").all_inner_texts() == [
        "Thema",
        "Actielijn",
        "Actie",
        "Trekkers",
    ]  # type: ignore[attr-defined]
    # the form keeps the choice, and the CSV link carries it
    assert tab.eval_on_selector("#p-theme", "s => s.selectedOptions[0].textContent") == "Financiering"  # type: ignore[attr-defined]
    href = tab.get_attribute("#data-links a:text('CSV')", "href")  # type: ignore[attr-defined]
    answer = tab.request.get(real_server + href)  # type: ignore[attr-defined]  # as the click fetches it
    assert answer.ok and answer.headers["content-type"].startswith("text/csv")
    table = list(csv.DictReader(io.StringIO(answer.text())))
    assert len(table) == rows.count() and {r["themeLabel"] for r in table} == {"Financiering"}
    _shot(tab, "canned-financiering")
    assert recorder.errors == []


def test_researcher_types_a_wrong_word_and_is_told_in_dutch(
    page: tuple[object, Recorder], real_server: str
) -> None:
    tab, recorder = page
    tab.goto(real_server + "/query/describe-resource")  # type: ignore[attr-defined]
    tab.fill("#p-resource", "Kamer van Koophandl")  # type: ignore[attr-defined]
    with tab.expect_navigation():  # type: ignore[attr-defined]
        tab.press("#p-resource", "Enter")  # type: ignore[attr-defined]
    message = tab.inner_text("#form-error")  # type: ignore[attr-defined]
    assert message.startswith("Geen onderwerp gevonden voor") and "Kamer van Koophandel" in message
    tab.fill("#p-resource", "Kamer van Koophandel")  # type: ignore[attr-defined]
    with tab.expect_navigation():  # type: ignore[attr-defined]
        tab.press("#p-resource", "Enter")  # type: ignore[attr-defined]
    assert tab.locator("#form-error").count() == 0  # type: ignore[attr-defined]
    assert "Kamer van Koophandel" in tab.inner_text("section pre")  # type: ignore[attr-defined]
    assert recorder.errors == []


# --------------------------------------------------------------------------------------------
# Visitor: who works with whom; find KVK; its neighbours; the evidence

ALL_NODES_ON_CANVAS = """() => {
    const net = window.mkbNetwork.network, box = document.getElementById('network').getBoundingClientRect();
    const ids = window.mkbNetwork.data.nodes.map(n => n.id);
    const outside = ids.filter(id => { const p = net.canvasToDOM(net.getPosition(id));
        return p.x < 0 || p.y < 0 || p.x > box.width || p.y > box.height; });
    return {count: ids.length, outside: outside.length};
}"""


def test_visitor_first_sees_who_works_with_whom(page: tuple[object, Recorder], real_server: str) -> None:
    tab, recorder = page
    tab.goto(real_server + "/network")  # type: ignore[attr-defined]
    tab.wait_for_selector("body[data-network-ready=true]", timeout=30_000, state="attached")  # type: ignore[attr-defined]
    assert tab.inner_text("h1") == "Wie werkt met wie"  # type: ignore[attr-defined]
    data = tab.evaluate(  # type: ignore[attr-defined]
        """() => { const d = window.mkbNetwork.data; return {kinds: [...new Set(d.nodes.map(n => n.kind))],
                   nodes: d.nodes.length, edges: d.edges.length, hubs: d.nodes.filter(n => n.hub).length,
                   labelled: window.mkbNetwork.nodes.get().filter(n => n.label).map(n => n.label),
                   heavy: Math.max(...d.edges.map(e => e.weight))}; }"""
    )
    assert data["kinds"] == ["organisation"]
    assert (
        50 < data["nodes"] < 105 and data["edges"] > 100
    )  # organisations with actions, linked by shared ones
    assert data["heavy"] > 1  # weighted by the number of shared actions
    assert data["hubs"] == len(data["labelled"]) == 20 and "EZK" in data["labelled"]
    assert tab.evaluate(ALL_NODES_ON_CANVAS)["outside"] == 0  # type: ignore[attr-defined]  # fitted to view
    # an edge reads as a sentence and lists the shared actions as links (the canvas scrolled into
    # view first, as a visitor would: a click on a half-hidden canvas scrolls the page under it)
    tab.evaluate("document.getElementById('network').scrollIntoView()")  # type: ignore[attr-defined]
    edge = tab.evaluate(  # type: ignore[attr-defined]
        """() => { const m = window.mkbNetwork, net = m.network;
            for (const e of m.data.edges.filter(e => e.weight > 1)) {
                const a = net.getPosition(e.from), b = net.getPosition(e.to);
                const p = net.canvasToDOM({x: (a.x + b.x) / 2, y: (a.y + b.y) / 2});
                if (net.getNodeAt(p) === undefined && net.getEdgeAt(p) === e.id) return {x: p.x, y: p.y, weight: e.weight};
            } return null; }"""
    )
    assert edge is not None
    box = tab.locator("#network").bounding_box()  # type: ignore[attr-defined]
    tab.mouse.click(box["x"] + edge["x"], box["y"] + edge["y"])  # type: ignore[attr-defined]
    tab.wait_for_selector("#panel-body .edge-sentence", timeout=5_000)  # type: ignore[attr-defined]
    sentence = tab.inner_text("#panel-body .edge-sentence")  # type: ignore[attr-defined]
    assert re.search(r"^.+ en .+ werken samen aan \d+ acties\.$", sentence), sentence
    assert tab.locator("#panel-body ul.shared-actions a[href^='/id/action/']").count() == edge["weight"]  # type: ignore[attr-defined]
    _shot(tab, "network-organisations")
    # the full graph is behind the switch
    with tab.expect_navigation():  # type: ignore[attr-defined]
        tab.click("#view-all")  # type: ignore[attr-defined]
    tab.wait_for_selector("body[data-network-ready=true]", timeout=30_000, state="attached")  # type: ignore[attr-defined]
    kinds = tab.evaluate("[...new Set(window.mkbNetwork.data.nodes.map(n => n.kind))]")  # type: ignore[attr-defined]
    assert {"action", "organisation", "motion"} <= set(kinds)
    _shot(tab, "network-full")
    assert recorder.errors == []


def test_visitor_finds_kvk_and_its_whole_neighbourhood_fits_with_readable_evidence(
    page: tuple[object, Recorder], real_server: str
) -> None:
    tab, recorder = page
    tab.goto(f"{real_server}/network?focus=https://w3id.org/mkbgraph/id/organisation/kvk&depth=1")  # type: ignore[attr-defined]
    tab.wait_for_selector("body[data-network-ready=true]", timeout=30_000, state="attached")  # type: ignore[attr-defined]
    on_canvas = tab.evaluate(ALL_NODES_ON_CANVAS)  # type: ignore[attr-defined]
    assert on_canvas["count"] > 20 and on_canvas["outside"] == 0
    assert tab.evaluate("window.mkbNetwork.network.getSelectedNodes()") == [  # type: ignore[attr-defined]
        "https://w3id.org/mkbgraph/id/organisation/kvk"
    ]
    # an edge of KVK: a sentence that starts with KVK's role, and the section's title as the source
    tab.evaluate("document.getElementById('network').scrollIntoView()")  # type: ignore[attr-defined]
    edge = tab.evaluate(  # type: ignore[attr-defined]
        """() => { const m = window.mkbNetwork, net = m.network;
            for (const e of m.data.edges) {
                if (e.relation !== 'responsible' || !e.quote) continue;
                const a = net.getPosition(e.from), b = net.getPosition(e.to);
                const p = net.canvasToDOM({x: (a.x + b.x) / 2, y: (a.y + b.y) / 2});
                if (net.getNodeAt(p) === undefined && net.getEdgeAt(p) === e.id) return {x: p.x, y: p.y};
            } return null; }"""
    )
    assert edge is not None
    box = tab.locator("#network").bounding_box()  # type: ignore[attr-defined]
    tab.mouse.click(box["x"] + edge["x"], box["y"] + edge["y"])  # type: ignore[attr-defined]
    tab.wait_for_selector("#panel-body blockquote", timeout=5_000)  # type: ignore[attr-defined]
    sentence = tab.inner_text("#panel-body .edge-sentence")  # type: ignore[attr-defined]
    assert sentence.startswith("Kamer van Koophandel is verantwoordelijk voor "), sentence
    source = tab.inner_text("#panel-body blockquote footer a")  # type: ignore[attr-defined]
    assert not source.startswith("/id/") and len(source) > 3
    _shot(tab, "network-ego-kvk")
    assert recorder.errors == []


# --------------------------------------------------------------------------------------------
# A researcher from abroad: the interface in English


def test_a_researcher_from_abroad_reads_the_site_in_english_and_can_switch_back(
    browser: object, real_server: str
) -> None:
    context = browser.new_context(locale="en-GB", viewport={"width": 1400, "height": 900})  # type: ignore[attr-defined]
    tab = context.new_page()
    recorder = Recorder(tab)
    tab.goto(real_server + "/")
    assert tab.get_attribute("html", "lang") == "en"
    assert tab.inner_text("h1") == "The SME action plan as a knowledge graph"
    assert tab.inner_text("nav[aria-label='Main menu']").startswith("mkbgraph")
    tab.click("text=Motion tracker")
    assert tab.inner_text("h1") == "Motion tracker"
    assert "followed up" in tab.inner_text("#follow-up-legend")
    # the edge sentences in the network are English too
    tab.goto(f"{real_server}/network?focus=https://w3id.org/mkbgraph/id/organisation/kvk&depth=1")
    tab.wait_for_selector("body[data-network-ready=true]", timeout=30_000, state="attached")
    sentence = tab.evaluate(
        """() => { const m = window.mkbNetwork; const e = m.data.edges.find(e => e.relation === 'responsible');
                   return e.sentence; }"""
    )
    assert sentence == "{o} is responsible for {s}"
    assert "nodes" in tab.inner_text("#network-status")
    assert axe_violations(tab) == []
    _shot(tab, "english-network-kvk")
    # and back to Dutch with the switch, remembered on the next page
    tab.click("a.lang-switch[hreflang=nl]")
    assert tab.get_attribute("html", "lang") == "nl"
    tab.goto(real_server + "/motions")
    assert tab.inner_text("h1") == "Motietracker"
    context.close()
    assert recorder.errors == [] and recorder.outside() == []
