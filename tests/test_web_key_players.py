"""The key-players page (/network/key-players) through an HTTP client: rankings, roles, gaps and
communities on hand-built graphs with known answers (a star, a bridge, motions and instruments),
the theme selector, the approximate note, the CSV/JSON links, and the real data (EZK near the top).

Tables are read back with a small HTML parser (caption -> rows of cell text and links), so the
assertions are about what a visitor sees, not about markup details.
"""

from __future__ import annotations

import csv
import io
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from mkbgraph.api.app import create_app
from mkbgraph.config import Settings
from mkbgraph.network.metrics import CACHE, MetricOptions
from tests.test_network_graphs import BRIDGE, REQUESTS, STAR, iri, write_data

PAGE = "/network/key-players"


@dataclass
class Table:
    """A table as a visitor reads it: its caption, header cells and rows of cells."""

    caption: str = ""
    headers: list[str] = field(default_factory=list)
    header_scopes: list[str | None] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)
    links: list[list[str]] = field(default_factory=list)


class Page(HTMLParser):
    """Headings, tables, links and form labels of an HTML page."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: list[Table] = []
        self.headings: list[tuple[str, str]] = []
        self.links: list[tuple[str, str]] = []
        self.labels_for: set[str] = set()
        self.controls: list[str] = []
        self._stack: list[Table] = []
        self._text: list[str] | None = None
        self._where = ""
        self._cell_links: list[str] = []
        self._in_head = False
        self._heading: str | None = None
        self._href: str | None = None
        self._link_text: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "table":
            self._stack.append(Table())
        elif tag == "caption":
            self._text, self._where = [], "caption"
        elif tag == "thead":
            self._in_head = True
        elif tag == "tr" and self._stack and not self._in_head:
            self._stack[-1].rows.append([])
            self._stack[-1].links.append([])
        elif tag in ("td", "th") and self._stack:
            self._text, self._where, self._cell_links = [], tag, []
            if tag == "th" and self._in_head:
                self._stack[-1].header_scopes.append(attributes.get("scope"))
        elif tag in ("h1", "h2", "h3"):
            self._heading, self._text = tag, []
        elif tag == "a":
            self._href, self._link_text = attributes.get("href") or "", []
            if self._stack and self._where in ("td", "th"):
                self._cell_links.append(self._href)
        elif tag == "label" and attributes.get("for"):
            self.labels_for.add(attributes["for"] or "")
        elif tag in ("select", "input") and attributes.get("type") != "hidden":
            self.controls.append(attributes.get("id") or "")

    def handle_endtag(self, tag: str) -> None:
        text = " ".join("".join(self._text or []).split())
        if tag == "table" and self._stack:
            self.tables.append(self._stack.pop())
        elif tag == "caption" and self._stack:
            self._stack[-1].caption = text
            self._text = None
        elif tag == "thead":
            self._in_head = False
        elif tag in ("td", "th") and self._stack and self._text is not None:
            table = self._stack[-1]
            if self._in_head:
                table.headers.append(text)
            elif table.rows:
                table.rows[-1].append(text)
                table.links[-1].extend(self._cell_links)
            self._text = None
        elif tag in ("h1", "h2", "h3") and self._heading:
            self.headings.append((tag, text))
            self._heading, self._text = None, None
        elif tag == "a" and self._href is not None:
            self.links.append((self._href, " ".join("".join(self._link_text).split())))
            self._href = None

    def handle_data(self, data: str) -> None:
        if self._text is not None:
            self._text.append(data)
        if self._href is not None:
            self._link_text.append(data)

    def table(self, caption_start: str) -> Table:
        """The table whose caption starts with `caption_start`."""
        found = [t for t in self.tables if t.caption.startswith(caption_start)]
        assert len(found) == 1, [t.caption for t in self.tables]
        return found[0]

    def link_to(self, href: str) -> str:
        """The text of the first link to `href`."""
        return next(text for h, text in self.links if h == href)


def app_for(tmp_path: Path, turtle: str, **settings: object) -> TestClient:
    data = write_data(tmp_path / "data", turtle)
    return TestClient(create_app(Settings(data_dir=data, validate_on_load=False, **settings)))  # type: ignore[arg-type]


def get_page(client: TestClient, url: str = PAGE, status: int = 200) -> Page:
    response = client.get(url)
    assert response.status_code == status, response.text[:500]
    assert response.headers["content-type"].startswith("text/html")
    return Page(response.text)


@pytest.fixture(scope="module")
def star(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    with app_for(tmp_path_factory.mktemp("star"), STAR) as running:
        yield running


@pytest.fixture(scope="module")
def real() -> Iterator[TestClient]:
    with TestClient(create_app(Settings(validate_on_load=False))) as running:
        yield running


def path_of(prefixed: str) -> str:
    return iri(prefixed).replace("https://w3id.org/mkbgraph", "")


# ----------------------------------------------------------------------------- a star: known answers


def test_the_hub_of_a_star_ranks_first_on_every_centrality(star: TestClient) -> None:
    for sort in ("pagerank", "degree", "weighted_degree", "betweenness", "eigenvector"):
        page = get_page(star, f"{PAGE}?sort={sort}")
        ranking = page.table("Organisaties naar")
        first = ranking.rows[0]
        assert first[0] == "1" and first[1] == "Hub Ministerie (HUB)", sort
        assert ranking.links[0] == [path_of("orgn:hub")]
        assert len(ranking.rows) == 5
        assert {row[1] for row in ranking.rows[1:]} == {f"Spaak {i}" for i in range(1, 5)}


def test_the_ranking_shows_the_hubs_figures(star: TestClient) -> None:
    ranking = get_page(star).table("Organisaties naar Gewogen graad")  # the default: shared actions
    headers = [h.removesuffix(" ▼") for h in ranking.headers]
    columns = dict(zip(headers, ranking.rows[0], strict=True))
    assert columns["Graad"] == "4" and columns["Gewogen graad"] == "4"
    assert columns["Tussenliggendheid"] == "1,000"  # Dutch decimals on a Dutch page
    assert columns["Trekt"] == "5" and columns["Partner in"] == "0" and columns["Trekt alleen"] == "1"
    spoke = dict(zip(headers, ranking.rows[1], strict=True))
    assert spoke["Graad"] == "1" and spoke["Tussenliggendheid"] == "0,000" and spoke["Partner in"] == "1"


def test_sorting_by_partnership_puts_a_spoke_first(star: TestClient) -> None:
    ranking = get_page(star, f"{PAGE}?sort=partners").table("Organisaties naar Partner in")
    assert ranking.rows[0][1].startswith("Spaak") and ranking.rows[-1][1] == "Hub Ministerie (HUB)"


def test_an_unknown_sort_is_refused(star: TestClient) -> None:
    assert star.get(f"{PAGE}?sort=alphabet").status_code == 422


def test_who_leads_partners_and_acts_alone(star: TestClient) -> None:
    page = get_page(star)
    assert page.table("Trekt de meeste acties").rows == [["Hub Ministerie (HUB)", "5"]]
    partners = page.table("Is het vaakst partner")
    assert sorted(partners.rows) == [[f"Spaak {i}", "1"] for i in range(1, 5)]
    assert page.table("Ministeries die acties alleen trekken").rows == [["Hub Ministerie (HUB)", "1"]]


def test_gaps_of_the_star(star: TestClient) -> None:
    page = get_page(star)
    solo = page.table("Acties die één organisatie alleen trekt")
    assert solo.rows == [["Solo-actie", "Hub Ministerie (HUB)"]]
    assert solo.links == [[path_of("act:solo"), path_of("orgn:hub")]]
    for i in range(1, 5):
        assert page.link_to(path_of(f"orgn:s{i}")) == f"Spaak {i}"
    headings = [text for tag, text in page.headings if tag == "h3"]
    assert "Organisaties die meedoen maar nooit trekken (4)" in headings
    assert "Acties met een trekker en geen partner (1)" in headings
    structure = page.table("Per thema")
    rows = {row[0]: row for row in structure.rows}
    assert rows["Thema een"][1:3] == ["5", "5"]
    # the hub is the articulation point of theme 1, every spoke hangs on a bridge to it
    assert rows["Thema een"][3] == "Hub Ministerie (HUB)"
    assert rows["Thema een"][4].count("Hub Ministerie (HUB) – Spaak") == 4
    assert rows["Thema een"][5] == "Hub Ministerie (HUB)"  # every action of theme 1 involves the hub


def test_communities_are_listed_with_members_and_themes(star: TestClient) -> None:
    page = get_page(star)
    communities = next(t for t in page.tables if "gemeenschap" in t.caption)
    members = " ".join(row[2] for row in communities.rows)
    for name in ["Hub Ministerie (HUB)", *(f"Spaak {i}" for i in range(1, 5))]:
        assert name in members
    assert all("Thema een" in row[3] for row in communities.rows)
    assert sum(int(row[1]) for row in communities.rows) == 5


def test_exact_betweenness_has_no_approximate_note(star: TestClient) -> None:
    html = star.get(PAGE).text
    assert "Benadering" not in html and "≈" not in html


# ----------------------------------------------------------------------------- themes and stable URLs


def test_the_theme_selector_gives_a_stable_url(star: TestClient) -> None:
    page = get_page(star, f"{PAGE}?theme=t1")
    assert ("h1", "Sleutelspelers en coördinatiegaten: Thema een") in page.headings
    assert page.table("Organisaties naar").rows[0][1] == "Hub Ministerie (HUB)"
    html = star.get(f"{PAGE}?theme=t1").text
    assert '<option value="t1" selected>Thema een</option>' in html
    # the same theme by label, number and IRI gives the same page
    for name in ("Thema een", "1", iri("theme:t1")):
        assert (
            get_page(star, f"{PAGE}?theme={name}").table("Organisaties naar").rows
            == page.table("Organisaties naar").rows
        )
    # sort links keep the theme
    assert "?theme=t1&sort=degree" in html.replace("&amp;", "&")


def test_a_theme_without_actions_says_so(star: TestClient) -> None:
    page = get_page(star, f"{PAGE}?theme=t2")
    assert page.table("Organisaties naar").rows == [["Geen organisaties met acties in dit thema."]]


def test_an_unknown_theme_is_a_404_that_says_why(star: TestClient) -> None:
    response = star.get(f"{PAGE}?theme=nergens")
    assert response.status_code == 404
    assert "Onbekend thema &#39;nergens&#39;" in response.text
    assert '<option value="t1"' in response.text  # the choices are offered


def test_the_page_links_to_the_network_and_the_data(star: TestClient) -> None:
    page = get_page(star, f"{PAGE}?theme=t1")
    hrefs = {href for href, _ in page.links}
    assert f"/network?theme={iri('theme:t1').replace(':', '%3A').replace('/', '%2F')}" in hrefs
    downloads = {
        "/api/network/key-players?theme=t1&format=csv": "text/csv",
        "/api/network/key-players?theme=t1": "application/json",
        "/api/network/gaps?theme=t1&format=csv": "text/csv",
        "/api/network/gaps?theme=t1": "application/json",
        "/api/network/communities?format=csv": "text/csv",
        "/api/network/communities": "application/json",
    }
    for href, media in downloads.items():
        assert href in hrefs, href
        response = star.get(href)
        assert response.status_code == 200 and response.headers["content-type"].startswith(media), href
    rows = list(csv.DictReader(io.StringIO(star.get("/api/network/key-players?theme=t1&format=csv").text)))
    assert rows[0]["Adres (IRI)"] == iri("orgn:hub") and rows[0]["Positie"] == "1" and rows[0]["Trekt"] == "5"
    assert rows[0]["Tussenpositie geschat"] == "false"
    gaps = list(csv.DictReader(io.StringIO(star.get("/api/network/gaps?theme=t1&format=csv").text)))
    expected = {
        "Soort gat": "solo_action",
        "Adres (IRI)": iri("act:solo"),
        "Verwante adressen (IRI)": iri("orgn:hub"),
    }
    assert expected.items() <= gaps[0].items()
    members = list(csv.DictReader(io.StringIO(star.get("/api/network/communities?format=csv").text)))
    assert {m["Adres (IRI)"] for m in members} == {iri("orgn:hub"), *(iri(f"orgn:s{i}") for i in range(1, 5))}
    # the Excel-NL variant, one click away on the page: semicolons, a BOM, ja/nee
    excel = star.get("/api/network/key-players?theme=t1&format=excel-nl")
    assert "/api/network/key-players?theme=t1&format=excel-nl" in hrefs
    assert excel.content.startswith(b"\xef\xbb\xbfPositie;Adres (IRI);Naam;")
    assert (
        "key-players-excel-nl.csv" in excel.headers["content-disposition"]
        or "excel-nl.csv" in excel.headers["content-disposition"]
    )


def test_the_api_refuses_an_unknown_table_format(star: TestClient) -> None:
    response = star.get("/api/network/key-players?format=xlsx")
    assert response.status_code == 400
    assert response.json()["error"]["title"] == "Unknown format"


def test_figures_are_computed_once_per_snapshot(star: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    import mkbgraph.network.metrics as metrics

    for thread in threading.enumerate():  # let the warm-up of the fixture's app finish first
        if thread.name == "network-warm":
            thread.join(timeout=60)
    calls: list[str | None] = []
    original = metrics.key_players

    def counting(full, theme, options):  # type: ignore[no-untyped-def]
        calls.append(theme)
        return original(full, theme, options)

    monkeypatch.setattr(metrics, "key_players", counting)
    CACHE.clear()
    for _ in range(3):
        get_page(star)
        get_page(star, f"{PAGE}?theme=t1&sort=degree")
    assert sorted(calls, key=str) == sorted([None, iri("theme:t1")], key=str)


# ----------------------------------------------------------------------------- the other known graphs


def test_the_bridge_between_two_groups(tmp_path: Path) -> None:
    with app_for(tmp_path, BRIDGE) as client:
        structure = get_page(client, f"{PAGE}?theme=t1").table("Per thema")
        (row,) = structure.rows
        assert row[0] == "Thema een"
        assert row[3] == "Organisatie C"  # without C, D is cut off from the triangle
        assert row[4] == "Organisatie C – Organisatie D (1 actie)"
        ranking = get_page(client, f"{PAGE}?sort=betweenness").table("Organisaties naar Tussenliggendheid")
        assert {ranking.rows[0][1], ranking.rows[1][1]} == {"Organisatie C", "Organisatie D"}
        communities = next(t for t in get_page(client).tables if "gemeenschap" in t.caption)
        assert sorted(row[2] for row in communities.rows) == [
            "Organisatie A, Organisatie B, Organisatie C",
            "Organisatie D, Organisatie E, Organisatie F",
        ]


def test_requests_answered_by_one_action_or_none_and_unused_instruments(tmp_path: Path) -> None:
    with app_for(tmp_path, REQUESTS) as client:
        page = get_page(client)
        requests = page.table("Moties, Kamervragen en toezeggingen")
        rows = {row[0]: row[1] for row in requests.rows}
        assert rows["Motie Niemand"] == "geen actie"
        assert rows["Vragen van het lid Anders"] == "geen actie"
        assert rows["Motie Enkel"] == "één actie: Tweede actie"
        assert "Motie Wiersma c.s." not in rows  # answered by two actions
        assert page.link_to(path_of("ins:ongebruikt")) == "Ongebruikte regeling"
        assert "Instrumenten die geen actie gebruikt (1)" in [text for _, text in page.headings]


def test_sampled_betweenness_is_marked_approximate(tmp_path: Path) -> None:
    with app_for(tmp_path, STAR, network_exact_max_nodes=1, network_betweenness_k=2) as client:
        html = client.get(PAGE).text
        assert "Benadering" in html and "2 startpunten" in html
        ranking = Page(html).table("Organisaties naar")
        assert "Tussenliggendheid ≈" in ranking.headers
        assert client.get("/api/network/key-players").json()["approximate"] is True


# ----------------------------------------------------------------------------- structure and links


def test_headings_captions_and_labels(star: TestClient) -> None:
    page = get_page(star)
    assert [text for tag, text in page.headings if tag == "h1"] == ["Sleutelspelers en coördinatiegaten"]
    h2 = [text for tag, text in page.headings if tag == "h2"]
    assert h2 == ["Ranglijst van organisaties", "Wie trekt, wie doet mee, wie werkt alleen", "Coördinatiegaten",
                  "Gemeenschappen"]  # fmt: skip
    assert page.tables and all(t.caption for t in page.tables)
    assert all(scope == "col" for t in page.tables for scope in t.header_scopes)
    assert set(page.controls) <= page.labels_for and "kp-theme" in page.controls


def test_the_page_is_linked_from_the_menu_the_home_page_and_the_network(star: TestClient) -> None:
    assert PAGE in {href for href, _ in get_page(star, "/").links}
    network = get_page(star, "/network").links
    assert PAGE in {href for href, _ in network}
    themed = get_page(star, f"/network?theme={iri('theme:t1')}").links
    assert f"{PAGE}?theme=t1" in {href for href, _ in themed}


# ----------------------------------------------------------------------------- the real data


def test_ezk_is_among_the_top_three_on_the_real_data(real: TestClient) -> None:
    ezk = "/id/organisation/ezk"
    for sort in ("pagerank", "degree", "betweenness"):
        ranking = get_page(real, f"{PAGE}?sort={sort}").table("Organisaties naar")
        assert ezk in [links[0] for links in ranking.links[:3]], sort
    leads = get_page(real).table("Trekt de meeste acties")
    assert leads.links[0] == [ezk]


def test_every_real_theme_has_a_page(real: TestClient) -> None:
    slugs = re.findall(r'<option value="([^"]+)"', real.get(PAGE).text)
    assert {"financiering", "digitalisering", "menselijk-kapitaal"} <= set(slugs)
    for slug in slugs:
        page = get_page(real, f"{PAGE}?theme={slug}")
        (row,) = page.table("Per thema").rows
        assert row[0] and int(row[1]) > 0


def test_every_name_on_the_real_page_links_to_its_entity_page(real: TestClient) -> None:
    page = get_page(real)
    entity_links = [href for href, _ in page.links if href.startswith("/id/")]
    assert len(entity_links) > 50
    for href in sorted(set(entity_links))[:: max(1, len(set(entity_links)) // 15)]:
        assert real.get(href).status_code == 200, href


def test_default_options_match_the_api(real: TestClient) -> None:
    assert real.app.state.network_options == MetricOptions.from_settings(real.app.state.settings)  # type: ignore[attr-defined]
