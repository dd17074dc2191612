"""The "key players" page: who is central, who leads, where coordination is thin (issue 8).

Server-rendered (Jinja2, autoescaped) and complete without JavaScript. Every figure comes from
the per-snapshot network analysis (`mkbgraph.network.metrics.analysis`), which computes each ranking,
gap list and community split once per loaded graph (per theme on first ask) and keeps it: a
request only sorts and renders. The theme is chosen with `?theme=<slug>` so every view has a
stable URL; the same figures are offered as JSON and CSV under `/api/network/...`.
"""

from __future__ import annotations

import urllib.parse
from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from mkbgraph.graph.store import Snapshot
from mkbgraph.network.metrics import MetricOptions, NetworkAnalysis, analysis
from mkbgraph.network.paths import ResolveError


@dataclass(frozen=True)
class Metric:
    """A column of the ranking table: the analysis field, its Dutch name and what it means."""

    field: str
    name: str
    meaning: str
    decimals: int


#: The ranking columns, in table order; any of them can order the table (`?sort=`).
METRICS: tuple[Metric, ...] = (
    Metric("degree", "Graad", "met hoeveel organisaties zij samen een actie doet", 0),
    Metric("weighted_degree", "Gewogen graad", "het aantal gedeelde acties met anderen", 0),
    Metric("betweenness", "Tussenliggendheid", "hoe vaak zij op de kortste weg tussen twee anderen ligt", 3),
    Metric("pagerank", "PageRank", "centraal, en verbonden met andere centrale organisaties", 3),
    Metric("eigenvector", "Eigenvector", "verbonden met goed verbonden organisaties", 3),
    Metric("leads", "Trekt", "acties waarvan zij trekker is", 0),
    Metric("partners", "Partner in", "acties waarin zij betrokken is of meefinanciert zonder te trekken", 0),
    Metric("solo", "Trekt alleen", "acties die zij trekt zonder partner", 0),
)
SORTS = {metric.field: metric for metric in METRICS}
#: The ranking a visitor sees first: shared actions, a count anyone can check against the list of
#: actions (PageRank put an organisation with one action third; it stays one click away).
DEFAULT_SORT = "weighted_degree"
SORT_PATTERN = "^(" + "|".join(SORTS) + ")$"
#: The ranking table shows this many organisations; the CSV and JSON forms have them all.
TABLE_ROWS = 100

router = APIRouter(include_in_schema=False)


def _analysis(request: Request) -> NetworkAnalysis:
    snapshot: Snapshot = request.app.state.live.current
    options = getattr(request.app.state, "network_options", None) or MetricOptions.from_settings(
        request.app.state.settings
    )
    return analysis(snapshot, options)


def theme_choices(result: NetworkAnalysis) -> list[dict[str, str]]:
    """The themes of the graph as slug, IRI and label, by label: the choices of the theme menu."""
    themes = [
        {"slug": iri.rsplit("/", 1)[-1], "iri": iri, "label": result.full.nodes[iri]["label"], "abbr": ""}
        for iri, kind in result.full.nodes(data="kind")
        if kind == "theme"
    ]
    return sorted(themes, key=lambda t: t["label"].casefold())


def ranked(organisations: list[dict[str, Any]], sort: str) -> list[dict[str, Any]]:
    """Organisations, highest value of `sort` first (ties by label); the rank is the position."""
    return sorted(organisations, key=lambda o: (-(o[sort] or 0), o["label"].casefold()))


def api_links(slug: str) -> dict[str, str]:
    """The JSON and CSV forms of the figures on the page, for the same theme."""
    query = "?" + urllib.parse.urlencode({"theme": slug}) if slug else ""
    joiner = "&" if query else "?"
    return {
        "key_players_json": f"/api/network/key-players{query}",
        "key_players_csv": f"/api/network/key-players{query}{joiner}format=csv",
        "key_players_excel": f"/api/network/key-players{query}{joiner}format=excel-nl",
        "gaps_excel": f"/api/network/gaps{query}{joiner}format=excel-nl",
        "communities_excel": "/api/network/communities?format=excel-nl",
        "gaps_json": f"/api/network/gaps{query}",
        "gaps_csv": f"/api/network/gaps{query}{joiner}format=csv",
        "communities_json": "/api/network/communities",
        "communities_csv": "/api/network/communities?format=csv",
    }


def sort_link(slug: str, field: str) -> str:
    """The page for the same theme ordered by another column."""
    return "?" + urllib.parse.urlencode({"theme": slug, "sort": field} if slug else {"sort": field})


def network_link(theme_iri: str | None) -> str:
    """The network view of the same theme (the view filters by theme IRI)."""
    return "/network?" + urllib.parse.urlencode({"theme": theme_iri}) if theme_iri else "/network"


def page_context(result: NetworkAnalysis, theme: str, sort: str) -> dict[str, Any]:
    """Everything the template shows, from the cached figures (raises `ResolveError` for a bad theme)."""
    theme_iri = result.resolve_theme(theme or None)
    choices = theme_choices(result)
    chosen = next((c for c in choices if c["iri"] == theme_iri), None)
    players = result.key_players(theme_iri)
    organisations = ranked(players["organisations"], sort)
    slug = chosen["slug"] if chosen else ""
    return {
        "theme": chosen,
        "themes": choices,
        "players": players,
        "ranking": organisations[:TABLE_ROWS],
        "ranking_total": len(organisations),
        "gaps": result.gaps(theme_iri),
        "communities": result.communities(),
        "sort": SORTS[sort],
        "metrics": METRICS,
        "options": result.options,
        "links": api_links(slug),
        "sort_link": lambda field: sort_link(slug, field),
        "network_link": network_link(theme_iri),
    }


@router.get("/network/key-players", response_class=HTMLResponse)
def key_players_page(
    request: Request,
    theme: str = Query("", max_length=200, description="Theme slug, label, number or IRI; empty for all."),
    sort: str = Query(DEFAULT_SORT, pattern=SORT_PATTERN),
) -> HTMLResponse:
    """Rankings, roles, coordination gaps and communities, overall or for one theme."""
    from mkbgraph.domain.i18n import translator
    from mkbgraph.web.pages import page_language, render

    t = translator(page_language(request))
    result = _analysis(request)
    try:
        context = page_context(result, theme, sort)
    except ResolveError as exc:
        return render(
            request,
            "key_players.html",
            404,
            title=f"{t('Sleutelspelers')}: {t('onbekend thema')}",
            error=f"{t('Onbekend thema')} {theme!r}: {exc}",
            themes=theme_choices(result),
            theme=None,
        )
    title = t("Sleutelspelers en coördinatiegaten")
    if context["theme"]:
        title += f": {context['theme']['label']}"
    return render(request, "key_players.html", title=title, error="", **context)
