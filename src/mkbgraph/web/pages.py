"""The web pages: server-rendered HTML (Jinja2, autoescaped) that works without JavaScript.

Routes read the snapshot being served, ask `views` for the data, and render a template. Every
dataset IRI dereferences at its own path (/id/..., /def/...): HTML for browsers, Turtle, JSON-LD,
N-Triples or RDF/XML by Accept header or suffix. Lists offer .csv and .json forms.
"""

from __future__ import annotations

import json
import urllib.parse
from decimal import Decimal
from pathlib import Path
from typing import Any

import anyio
import pyoxigraph as ox
from fastapi import APIRouter, Depends, FastAPI, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from rdflib import Graph, Literal, URIRef

from mkbgraph.config import Settings
from mkbgraph.domain.csv_export import Column, dialect_named, write_csv
from mkbgraph.domain.csv_export import filename as csv_filename
from mkbgraph.domain.csv_export import media_type as csv_media_type
from mkbgraph.domain.follow_up import (
    FOLLOW_UP_LABELS,
    NO_FOLLOW_UP,
    follow_up_explanation,
    follow_up_label,
)
from mkbgraph.domain.i18n import translator
from mkbgraph.domain.labels import LANGUAGES, language_from_accept, normalise_language
from mkbgraph.graph.load import ValidationReport, load_shapes, parse_files, validate
from mkbgraph.graph.store import Snapshot
from mkbgraph.sparql import formats
from mkbgraph.sparql.engine import get_engine
from mkbgraph.sparql.screen import QueryRejected
from mkbgraph.vocab import ID, MKB, PREFIXES, bind_prefixes, kind_of_iri
from mkbgraph.web import canned_forms, key_players, service_pages, views
from mkbgraph.web.assets import register_assets, yasgui_available
from mkbgraph.web.network_view import (
    NetworkFilter,
    NetworkModel,
    build_model_for,
    legend,
    options_for,
    organisation_view,
    page_data,
    script_words,
)
from mkbgraph.web.rendering import (
    KIND_NAMES,
    STATUS_COLOURS,
    Labels,
    curie,
    ego_points,
    format_euro,
    format_value,
    iri_values,
    local_path,
    stacked_bars,
)
from mkbgraph.web.security import SECURITY_HEADERS, SecurityHeaders

TEMPLATES_DIR = Path(__file__).parent / "templates"

#: Media types a resource is offered in, the server's preference first: the page, then RDF.
PAGE_MEDIA = ("text/html", "application/xhtml+xml")
RESOURCE_OFFERS: tuple[str, ...] = (*PAGE_MEDIA, *(m for f in formats.RDF_FORMATS for m in f.media_types))
DATA_SUFFIXES = (".csv", ".json")

router = APIRouter(include_in_schema=False)


def make_environment() -> Environment:
    """Jinja2 with autoescape on for every template (HTML and SVG alike)."""
    env = Environment(
        loader=FileSystemLoader(TEMPLATES_DIR),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["euro"] = format_euro
    env.filters["curie"] = curie
    env.filters["href"] = lambda iri: local_path(iri) or iri
    env.filters["urlencode_query"] = lambda params: urllib.parse.urlencode(params, doseq=True)
    env.globals["kind_names"] = KIND_NAMES
    return env


ENV = make_environment()


def register(app: FastAPI) -> None:
    """Mount the pages, the assets and the per-snapshot caches on the app."""
    cache = views.SnapshotCache()
    app.state.web_cache = cache
    app.state.live.listeners.append(cache.clear)
    register_assets(app)
    app.add_middleware(SecurityHeaders)  # added last: the outermost layer, so every response has them
    app.include_router(service_pages.router)
    app.include_router(key_players.router)
    app.include_router(router)


# --------------------------------------------------------------------------------------------
# helpers


def _snapshot(request: Request) -> Snapshot:
    return request.app.state.live.current  # type: ignore[no-any-return]


def _cache(request: Request) -> views.SnapshotCache:
    return request.app.state.web_cache  # type: ignore[no-any-return]


#: The cookie that keeps the interface language a visitor chose with the switch.
LANGUAGE_COOKIE = "mkbgraph_lang"


def page_language(request: Request) -> str:
    """The interface language: ``?lang=`` (the switch), else the visitor's earlier choice (a
    cookie), else the browser's ``Accept-Language``; Dutch by default."""
    chosen = request.query_params.get("lang") or request.cookies.get(LANGUAGE_COOKIE)
    if chosen:
        return normalise_language(chosen)
    return language_from_accept(request.headers.get("accept-language"))


def _key(request: Request, name: str) -> str:
    """A per-snapshot cache key for something whose labels depend on the page's language."""
    return f"{name}:{page_language(request)}"


def _labels(request: Request) -> Labels:
    return views.labels_for(_snapshot(request), _cache(request), page_language(request))


def _switch_link(request: Request, language: str) -> str:
    """The current page in another language (the switch in the header)."""
    params = [(k, v) for k, v in request.query_params.multi_items() if k != "lang"]
    return request.url.path + "?" + urllib.parse.urlencode([*params, ("lang", language)])


def render(request: Request, template: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    """Render a page with the context every page needs: graph version, search text, and the
    interface language (``t`` translates, ``lang`` names it); a ``?lang=`` choice is remembered."""
    context.setdefault("search_text", "")
    language = page_language(request)
    html = ENV.get_template(template).render(
        request=request,
        version=_snapshot(request).version,
        lang=language,
        t=translator(language),
        switch_links={code: _switch_link(request, code) for code in LANGUAGES if code != language},
        **context,
    )
    response = HTMLResponse(html, status_code=status_code)
    response.headers["Content-Language"] = language
    response.headers["Vary"] = "Accept-Language, Cookie"
    if "lang" in request.query_params:
        response.set_cookie(LANGUAGE_COOKIE, language, max_age=365 * 86400, samesite="lax")
    return response


#: HTTP status -> (Dutch title, explanation) of the error page people see.
ERROR_PAGES: dict[int, tuple[str, str]] = {
    404: ("Niet gevonden", "Deze pagina bestaat niet."),
    405: ("Niet toegestaan", "Deze pagina kan zo niet worden opgevraagd."),
    422: ("Ongeldige parameter", "Een parameter in het adres heeft niet de verwachte vorm."),
    500: ("Er ging iets mis", "Er ging iets mis bij het maken van deze pagina."),
}


def error_page(request: Request, status_code: int, incident: str = "") -> HTMLResponse:
    """The Dutch page for an error on a page route (API paths answer the JSON error shape)."""
    title, message = ERROR_PAGES.get(status_code, ("Fout", "Deze vraag kon niet worden beantwoord."))
    try:
        response = render(request, "error.html", status_code, title=title, message=message, incident=incident)
    except Exception:  # the graph itself may be what failed: a page without its context
        body = f"<!doctype html><html lang=nl><meta charset=utf-8><title>{title}</title><h1>{title}</h1><p>{message}</p>"
        response = HTMLResponse(body, status_code=status_code)
    # a 500 is answered outside the middleware stack (by the server-error layer): its own headers
    response.headers.update(SECURITY_HEADERS)
    return response


def query_link(query: str) -> str:
    """The SPARQL editor pre-filled with a query."""
    return "/query?" + urllib.parse.urlencode({"query": query})


def network_link(iri: str, depth: int = 2) -> str:
    """The network view focused on a resource."""
    return "/network?" + urllib.parse.urlencode({"focus": iri, "depth": depth})


def _requests(request: Request) -> list[views.RequestRow]:
    snapshot = _snapshot(request)
    return _cache(request).get(
        snapshot, _key(request, "requests"), lambda: views.requests(snapshot.store, _labels(request))
    )


# --------------------------------------------------------------------------------------------
# home and search


@router.get("/", response_class=HTMLResponse)
def home(request: Request) -> HTMLResponse:
    """What the dataset is, its counts, and entry points per kind of visitor."""
    snapshot = _snapshot(request)
    labels = _labels(request)
    return render(
        request,
        "home.html",
        title="Het MKB-actieplan als kennisgraaf",
        report=views.report_info(snapshot.store, labels),
        counts=views.counts(snapshot, _cache(request)),
        unanswered=sum(1 for r in _requests(request) if r.follow_up == NO_FOLLOW_UP),
    )


def _search_index(request: Request) -> list[views.SearchEntry]:
    snapshot = _snapshot(request)
    return _cache(request).get(
        snapshot, _key(request, "search"), lambda: views.search_index(snapshot.store, _labels(request))
    )


@router.get("/api/search")
def api_search(
    request: Request,
    q: str = Query("", max_length=200, description="Text to find in labels and abbreviations."),
    limit: int = Query(10, ge=1, le=50),
) -> JSONResponse:
    """Suggestions for the search box: resources whose label or abbreviation contains the text."""
    return JSONResponse({"query": q, "results": views.search(_search_index(request), q, limit)})


@router.get("/search", response_class=HTMLResponse)
def search_page(request: Request, q: str = Query("", max_length=200)) -> HTMLResponse:
    """Search results as a list (the search box without JavaScript)."""
    results = views.search(_search_index(request), q, 100)
    return render(
        request, "search.html", title=f"Zoeken: {q}" if q else "Zoeken", results=results, search_text=q
    )


# --------------------------------------------------------------------------------------------
# motion tracer

SORT_KEYS = {
    "date": lambda r: (r.date or "9999", r.link.label.casefold()),
    "label": lambda r: r.link.label.casefold(),
    "kind": lambda r: (r.kind, r.link.label.casefold()),
    "follow_up": lambda r: (["none", "partly", "answered"].index(r.follow_up), r.link.label.casefold()),
    "actions": lambda r: (len(r.actions), r.link.label.casefold()),
}


def _filtered_requests(
    request: Request, kind: str, follow_up: str, text: str, sort: str, order: str
) -> list[views.RequestRow]:
    rows = _requests(request)
    if kind:
        rows = [r for r in rows if r.kind == kind]
    if follow_up:
        rows = [r for r in rows if r.follow_up == follow_up]
    if text:
        needle = text.casefold()
        rows = [
            r
            for r in rows
            if needle in r.link.label.casefold()
            or needle in r.kamerstuk.casefold()
            or any(needle in s.label.casefold() for s in r.submitters)
        ]
    return sorted(rows, key=SORT_KEYS.get(sort, SORT_KEYS["date"]), reverse=order == "desc")


@router.get("/motions", response_class=HTMLResponse)
@router.get("/motions.{fmt}")
def motions(
    request: Request,
    fmt: str = "",
    kind: str = Query("", max_length=40),
    follow_up: str = Query("", pattern="^(|answered|partly|none)$"),
    q: str = Query("", max_length=200),
    sort: str = Query("date", pattern="^(date|label|kind|follow_up|actions)$"),
    order: str = Query("asc", pattern="^(asc|desc)$"),
) -> Response:
    """All motions, questions and commitments with their computed follow-up; sortable, filterable."""
    rows = _filtered_requests(request, kind, follow_up, q, sort, order)
    if fmt == "json":
        return JSONResponse({"requests": [r.as_dict() for r in rows]})
    if fmt == "csv":
        return _csv([r.csv_row() for r in rows], views.REQUEST_COLUMNS, "motieopvolging", request)
    if fmt:
        raise HTTPException(404, f"no format {fmt!r}: use .csv or .json")
    params = {"kind": kind, "follow_up": follow_up, "q": q, "sort": sort, "order": order}
    all_rows = _requests(request)
    return render(
        request,
        "motions.html",
        title="Motietracker",
        rows=rows,
        params=params,
        kinds=sorted({r.kind for r in all_rows}),
        follow_up_labels={k: follow_up_label(k, page_language(request)) for k in FOLLOW_UP_LABELS},
        follow_up_explanations={
            k: follow_up_explanation(k, page_language(request)) for k in FOLLOW_UP_LABELS
        },
        totals={key: sum(1 for r in all_rows if r.follow_up == key) for key in FOLLOW_UP_LABELS},
        data_query=urllib.parse.urlencode(
            {k: v for k, v in params.items() if v and (k, v) not in (("sort", "date"), ("order", "asc"))}
        ),
        query_link=query_link(views.q(views.REQUESTS_QUERY)),
    )


def _csv(rows: list[dict[str, Any]], columns: tuple[Column, ...], stem: str, request: Request) -> Response:
    """A table as CSV through the one writer (`mkbgraph.domain.csv_export`): headers in the page's
    language; ``?dialect=excel-nl`` for Excel with Dutch settings (semicolons, BOM)."""
    dialect = dialect_named(request.query_params.get("dialect"))
    body = write_csv(rows, columns, dialect, page_language(request))
    return Response(
        body,
        media_type=csv_media_type(dialect),
        headers={"Content-Disposition": f'attachment; filename="{csv_filename(stem, dialect)}"'},
    )


def _request_data(detail: views.RequestDetail) -> list[dict[str, Any]]:
    """One row per answering action, for the .csv and .json forms of a tracer page."""
    rows = []
    for action in detail.actions:
        rows.append(
            {
                "request": detail.row.link.label,
                "request_iri": detail.row.link.iri,
                "follow_up": detail.row.follow_up_label,
                "action": action.link.label,
                "action_iri": action.link.iri,
                "status": action.status.label if action.status else "",
                "lead": [o.label for o in action.lead],
                "partners": [o.label for o in action.partners + action.funders],
                "instruments": [i.label for i in action.instruments],
                "amounts": [m.value for m in action.amounts if m.value is not None],
                "dates": [f"{n}: {v}" for n, v in action.dates],
                "quote": " | ".join(qt.text for qt in action.quotes),
            }
        )
    return rows


# --------------------------------------------------------------------------------------------
# organisations and themes


@router.get("/organisations", response_class=HTMLResponse)
def organisations(request: Request) -> HTMLResponse:
    """All organisations with what they lead and take part in."""
    snapshot = _snapshot(request)
    rows = _cache(request).get(
        snapshot,
        _key(request, "organisations"),
        lambda: views.organisations(snapshot.store, _labels(request)),
    )
    return render(request, "organisations.html", title="Organisaties", rows=rows)


@router.get("/themes", response_class=HTMLResponse)
def themes(request: Request) -> HTMLResponse:
    """The seven themes with action lines and actions, money and status at a glance."""
    snapshot = _snapshot(request)
    overview = _cache(request).get(
        snapshot, _key(request, "themes"), lambda: views.themes(snapshot.store, _labels(request))
    )
    bars, largest = stacked_bars([(t.link.label, t.status_counts) for t in overview])
    top_money = max((t.total for t in overview), default=Decimal(0)) or Decimal(1)
    money = [(t.link.label, float(t.total / top_money) * 400.0, format_euro(t.total)) for t in overview]
    statuses = sorted({s for t in overview for s in t.status_counts})
    return render(
        request,
        "themes.html",
        title="Thema's en actielijnen",
        themes=overview,
        bars=bars,
        largest=largest,
        money=money,
        statuses=statuses,
        status_colours=STATUS_COLOURS,
    )


# --------------------------------------------------------------------------------------------
# data quality


def _report(request: Request) -> ValidationReport | None:
    """The SHACL report of the graph being served; validated here (once) if loading skipped it.
    None with a remote store (no files here): `mkbgraph publish` validated what it loaded, and
    the app does not fetch the whole graph to check it again."""
    snapshot = _snapshot(request)
    if snapshot.report is not None:
        return snapshot.report
    if not snapshot.files:
        return None
    settings: Settings = request.app.state.settings

    def run() -> ValidationReport:
        # the SHACL engine reads an in-memory graph: parse the snapshot's files (the served graph is a view)
        data = parse_files([Path(f) for f in snapshot.files]).graph
        return validate(data, load_shapes(settings.shapes_dir), settings.shacl_engine)

    return _cache(request).get(snapshot, "report", run)


@router.get("/quality", response_class=HTMLResponse)
def quality(request: Request) -> HTMLResponse:
    """The SHACL report as a worklist, plus graph-level checks."""
    snapshot = _snapshot(request)
    labels = _labels(request)
    report = _report(request)
    groups = []
    for shape, items in sorted(report.by_shape().items() if report is not None else ()):
        groups.append(
            (
                curie(shape),
                [
                    {
                        "focus": views.link(v.focus, labels) if v.focus.startswith("http") else None,
                        "focus_text": v.focus,
                        "path": curie(v.path) if v.path else "",
                        "value": v.value or "",
                        "message": v.message,
                        "severity": v.severity,
                    }
                    for v in items
                ],
            )
        )
    checks = views.quality_checks(snapshot.store, labels, _requests(request))
    return render(
        request,
        "quality.html",
        title="Datakwaliteit",
        report=report,
        groups=groups,
        checks=checks,
        validated_on_load=snapshot.report is not None,
    )


# --------------------------------------------------------------------------------------------
# SPARQL editor and canned query forms


def _catalogue(request: Request) -> Any:
    """The canned query catalogue (the SPARQL module's), loaded once per snapshot."""
    from mkbgraph.sparql.catalogue import Catalogue

    settings: Settings = request.app.state.settings
    return _cache(request).get(_snapshot(request), "catalogue", lambda: Catalogue.load(settings.queries_dir))


@router.get("/query", response_class=HTMLResponse)
def query_editor(request: Request, query: str = Query("", max_length=100_000)) -> HTMLResponse:
    """YASGUI with the project prefixes and the canned queries as examples; a plain form without it."""
    settings: Settings = request.app.state.settings
    catalogue = _catalogue(request)
    examples = [
        {"name": c.name, "title": c.title_nl or c.title, "query": c.text, "parameters": bool(c.parameters)}
        for c in catalogue
    ]
    default_query = query or (
        "\n".join(
            f"PREFIX {p}: <{iri}>" for p, iri in PREFIXES.items() if p in ("mkb", "rdfs", "orgn", "act")
        )
        + "\n\nSELECT ?action ?label WHERE {\n  ?action a mkb:Action ; rdfs:label ?label .\n"
        "  FILTER(lang(?label) = 'nl')\n} ORDER BY ?label LIMIT 25\n"
    )
    return render(
        request,
        "query.html",
        title="SPARQL-editor",
        yasgui=yasgui_available(settings),
        config={
            "endpoint": "/sparql",
            "prefixes": PREFIXES,
            "query": default_query,
            "examples": examples,
            "localBases": {str(ID): "/id/", str(MKB): "/def/"},
            "words": _editor_words(translator(page_language(request))),
        },
        examples=examples,
        default_query=default_query,
    )


#: YASGUI's English button titles, replaced in the page by the catalogue's words.
EDITOR_TITLES = (
    "Run query",
    "Share query",
    "Add tab",
    "Close tab",
    "Clear endpoint",
    "Download result",
    "Show all",
)


def _editor_words(t: Any) -> dict[str, Any]:
    """The words query.js puts on YASGUI's controls (it has no translations of its own)."""
    return {
        "editor": t("SPARQL-query"),
        "endpoint": t("Endpoint"),
        "choose": t("Kies een weergave"),
        "titles": {english: t(english) for english in EDITOR_TITLES},
    }


@router.get("/query/{name}", response_class=HTMLResponse)
async def canned_form(request: Request, name: str) -> HTMLResponse:
    """A form for one canned query that takes words (closed lists as selects or suggestions);
    submitted, it shows the answer as a table with entity links, and links to its JSON and CSV.

    Async: the wait for the query worker happens on the event loop, never in a thread of the
    pool the other pages share (40 slow queries used to freeze the pages); the form's lists,
    labels and the page are made in a thread."""
    from mkbgraph.sparql.catalogue import ParameterError

    catalogue = _catalogue(request)
    canned = catalogue.get(name)
    if canned is None:
        raise HTTPException(404, f"no canned query {name!r}")
    language = page_language(request)
    given = {p.name: request.query_params.get(p.name, "") for p in canned.parameters}

    def prepare() -> tuple[list[canned_forms.Field], Labels]:
        snapshot = _snapshot(request)
        labels = _labels(request)
        lists = _cache(request).get(
            snapshot,
            _key(request, f"choices:{name}"),
            lambda: {p.name: canned_forms.choices_for(snapshot.store, labels, p) for p in canned.parameters},
        )
        return canned_forms.build_fields(canned, given, lists, language), labels

    fields, labels = await anyio.to_thread.run_sync(prepare)
    submitted = "run" in request.query_params or not canned.parameters
    error = ""
    answer: Any = None
    bound = canned.text
    values: dict[str, str] = {}
    if submitted:
        try:
            values = canned_forms.bound_values(fields, labels, language)
            bound = canned.bind(values)
            answer = await _run_canned(request, bound, canned.form)
        except canned_forms.WordError as exc:
            error = str(exc)
        except ParameterError as exc:
            error = _dutch_parameter_error(exc, canned, language)
        except QueryRejected as exc:  # timeout, busy workers or a failed evaluation: say so, keep the form
            error = exc.message

    def page() -> HTMLResponse:
        return render(
            request,
            "canned.html",
            title=canned.title_nl or canned.title if language == "nl" else canned.title,
            canned=canned,
            fields=fields,
            error=error,
            result=None if answer is None else _present(request, answer),
            editor_link=query_link(bound),
            data_links=canned_forms.api_links(name, values) if submitted and not error else None,
            description=canned.description_en if language == "en" else canned.description_nl,
        )

    return await anyio.to_thread.run_sync(page)


def _dutch_parameter_error(exc: Exception, canned: Any, language: str) -> str:
    """A bad value for a typed parameter, said in the reader's language."""
    name = getattr(exc, "name", "")
    parameter = next((p for p in canned.parameters if p.name == name), None)
    label = canned_forms.field_name(parameter, language) if parameter else name
    if language == "en":
        return f"{label}: {exc}"
    if parameter is not None and parameter.type == "year":
        return f"{label}: vul een jaartal van vier cijfers in, bijvoorbeeld {parameter.example}."
    if parameter is not None and parameter.required:
        return f"{label}: dit veld is verplicht (bijvoorbeeld {parameter.example})."
    return f"{label}: deze waarde past niet ({exc})."


async def _run_canned(request: Request, text: str, form: str) -> Any:
    """Run a bound canned query through the query engine, like every public query: screened,
    time-limited in a killable worker, capped at `max_rows`."""
    settings: Settings = request.app.state.settings
    engine = get_engine(request.app)
    client = request.client.host if request.client else "unknown"
    if form == "ASK":
        return await engine.ask_async(text, client=client)
    if form != "SELECT":
        return await engine.construct_async(text, max_rows=settings.max_rows, client=client)
    return await engine.select_async(text, max_rows=settings.max_rows, client=client)


def _present(request: Request, answer: Any) -> dict[str, Any]:
    """An answer as the template shows it: cells become links with labels, and a column ``x``
    with a column ``xLabel`` beside it becomes one column (the label, linking to x's page)."""
    if isinstance(answer, bool):
        return {"ask": answer}
    if isinstance(answer, Graph):
        return {"turtle": answer.serialize(format="turtle")}
    labels = _labels(request)
    columns = list(answer.columns)
    label_of = {c: columns.index(f"{c}Label") for c in columns if f"{c}Label" in columns}
    hidden = set(label_of.values())
    rows = []
    for row in answer.rows:
        cells = []
        for index, term in enumerate(row):
            if index in hidden:
                continue
            if term is None:
                cells.append({"text": "", "href": None})
                continue
            path = local_path(term)
            text = labels.of(term) if path else format_value(term) if isinstance(term, Literal) else str(term)
            paired = label_of.get(columns[index])
            if paired is not None and row[paired] is not None:
                text = str(row[paired])
            cells.append({"text": text, "href": path, "iri": str(term)})
        rows.append(cells)
    language = page_language(request)
    shown = [canned_forms.column_name(c, language) for i, c in enumerate(columns) if i not in hidden]
    return {"columns": shown, "rows": rows, "truncated": answer.truncated}


# --------------------------------------------------------------------------------------------
# network view


def network_model(request: Request, assumed: bool = False) -> NetworkModel:
    """The network of the served snapshot, built once per snapshot (and once more with the roles
    the report does not state, when asked)."""
    snapshot = _snapshot(request)
    labels = _labels(request)
    key = _key(request, "network-assumed" if assumed else "network")
    return _cache(request).get(snapshot, key, lambda: build_model_for(snapshot, labels, assumed))


def network_filter(
    focus: str = Query("", max_length=500),
    depth: int = Query(2, ge=1, le=4),
    theme: str = Query("", max_length=500),
    kind: list[str] = Query([]),
    motion: str = Query("", max_length=500),
    organisation: str = Query("", max_length=500),
) -> NetworkFilter:
    """The network view's filter from the query string (shared by the page and its JSON)."""
    return NetworkFilter(focus, depth, theme, tuple(k for k in kind if k), motion, organisation)


def _network_payload(
    request: Request, chosen: NetworkFilter, view: str, assumed: bool = False
) -> dict[str, Any]:
    """What the network page draws: the organisations view (who works with whom) unless a focus
    or filter is chosen or the whole graph is asked for (``view=all``)."""
    if view != "all" and not chosen.active:
        snapshot = _snapshot(request)
        labels = _labels(request)
        return _cache(request).get(
            snapshot, _key(request, "organisation-view"), lambda: organisation_view(snapshot, labels)
        )
    data = page_data(network_model(request, assumed), chosen, _labels(request))
    data["assumed"] = assumed
    return data


#: The switch that adds the roles the report does not state to the full graph (drawn dashed).
ASSUMED_HELP = "Ook rollen tonen die de rapportage niet noemt (aangenomen, gestippeld)."


@router.get("/network", response_class=HTMLResponse)
def network_page(
    request: Request,
    chosen: NetworkFilter = Depends(network_filter),
    colour: str = Query("kind", pattern="^(kind|community)$"),
    size: str = Query("uniform", pattern="^(uniform|centrality)$"),
    view: str = Query("organisations", pattern="^(organisations|all)$"),
    assumed: bool = Query(False, description=ASSUMED_HELP),
) -> HTMLResponse:
    """The interactive network: first the organisations and who works with whom; the full graph
    behind a switch; filters, search, ego view (fitted to the screen), side panel; positions
    precomputed."""
    model = network_model(request)
    focus = chosen.focus
    data = dict(_network_payload(request, chosen, view, assumed))
    data["colour"] = colour
    data["size"] = size
    language = page_language(request)
    data.update(script_words(translator(language), language))
    labels = _labels(request)
    if focus:
        title = f"Netwerk rond {labels.of(URIRef(focus))}"
    elif data["view"] == "organisations":
        title = "Wie werkt met wie"
    else:
        title = "Netwerk"
    return render(
        request,
        "network.html",
        title=title,
        data=data,
        legend=legend(),
        choices=options_for(model),
        chosen=chosen,
        colour=colour,
        size=size,
        view=data["view"],
        focus_label=labels.of(URIRef(focus)) if focus else "",
        standalone=False,
        inline_assets=None,
    )


@router.get("/network/data.json")
def network_data(
    request: Request,
    chosen: NetworkFilter = Depends(network_filter),
    view: str = Query("all", pattern="^(organisations|all)$"),
    assumed: bool = Query(False, description=ASSUMED_HELP),
) -> JSONResponse:
    """The nodes and edges the network page draws, as JSON (``view=organisations``: who works with whom)."""
    return JSONResponse(_network_payload(request, chosen, view, assumed))


# --------------------------------------------------------------------------------------------
# dereferencing dataset IRIs


def _negotiate(accept: str) -> str | None:
    """The suffix for an Accept header ("" for HTML), or None when nothing offered is acceptable."""
    media = formats.best_match(accept, RESOURCE_OFFERS)
    if media is None or media in PAGE_MEDIA:
        return None if media is None else ""
    return next(f.suffix for f in formats.RDF_FORMATS if media in f.media_types)


def _describe(request: Request, iri: str) -> Graph:
    """The resource's statements with the blank nodes they lead to (its excerpts)."""
    snapshot = _snapshot(request)
    values = iri_values([iri])
    graph = snapshot.store.construct(
        views.q(
            f"CONSTRUCT {{ ?s ?p ?o . ?o ?p2 ?o2 }} WHERE {{ VALUES ?s {{ {values} }} ?s ?p ?o . "
            "OPTIONAL { FILTER(isBlank(?o)) ?o ?p2 ?o2 } }"
        )
    )
    bind_prefixes(graph)
    return graph


def _exists(request: Request, iri: str) -> bool:
    """Whether ``iri`` names a resource of the graph; a path that is no valid IRI (a NUL, a CR,
    a broken %-escape) names nothing: 404, never an error further down."""
    try:
        ox.NamedNode(iri)  # the store's own IRI rules: what it cannot hold, it does not have
        values = iri_values([iri])
    except ValueError:
        return False
    return _snapshot(request).store.ask(
        views.q(f"ASK {{ VALUES ?x {{ {values} }} {{ ?x ?p ?o }} UNION {{ ?s ?p ?x }} }}")
    )


def _split_suffix(rest: str) -> tuple[str, str]:
    for suffix in (*formats.BY_SUFFIX, *DATA_SUFFIXES):
        if rest.endswith(suffix):
            return rest[: -len(suffix)], suffix
    return rest, ""


@router.get("/id/{rest:path}")
def data_resource(request: Request, rest: str) -> Response:
    """A data resource: HTML, or RDF by suffix or Accept header."""
    return _dereference(request, str(ID), rest)


@router.get("/def/{rest:path}")
def term_resource(request: Request, rest: str) -> Response:
    """An ontology term or vocabulary concept (``/def/`` itself is the ontology)."""
    return _dereference(request, str(MKB), rest)


def _dereference(request: Request, base: str, rest: str) -> Response:
    iri = base + rest
    suffix = ""
    if not _exists(request, iri):
        stem, suffix = _split_suffix(rest)
        iri = base + stem
        if not suffix or not _exists(request, iri):
            return render(request, "not_found.html", 404, title="Niet gevonden", iri=base + rest)
    if not suffix:
        negotiated = _negotiate(request.headers.get("accept", ""))
        if negotiated is None:
            offered = ", ".join(RESOURCE_OFFERS)
            error = QueryRejected(
                f"this resource is offered as: {offered}",
                status=406,
                code="not_acceptable",
                title="Not acceptable",
            )
            return JSONResponse(error.as_dict(), status_code=406)
        suffix = negotiated
    if suffix in formats.BY_SUFFIX:
        fmt = formats.BY_SUFFIX[suffix]
        body = _describe(request, iri).serialize(format=fmt.rdflib, encoding="utf-8")
        return Response(body, media_type=fmt.content_type, headers={"Vary": "Accept"})
    return _resource_page(request, iri, suffix)


def _resource_page(request: Request, iri: str, suffix: str) -> Response:
    """The HTML page of a resource: the tracer for requests, the organisation page, or the generic one."""
    snapshot = _snapshot(request)
    labels = _labels(request)
    entity = views.entity_detail(snapshot.store, labels, iri)
    downloads = {s.lstrip("."): local_path(iri) + s for s in formats.BY_SUFFIX}  # type: ignore[operator]
    common: dict[str, Any] = {
        "entity": entity,
        "permalink": iri,
        "query_link": query_link(entity.query),
        "network_link": network_link(iri),
        "formats": downloads,
        "kind": KIND_NAMES.get(kind_of_iri(iri), ""),
    }
    row = next((r for r in _requests(request) if r.link.iri == iri), None)
    if row is not None:
        tracer = views.request_detail(snapshot.store, labels, iri, row)
        data = _request_data(tracer)
        if suffix == ".json":  # amounts as exact decimal strings ("48000000.0"), never floats
            return JSONResponse(
                json.loads(json.dumps({"request": row.as_dict(), "actions": data}, default=str))
            )
        if suffix == ".csv":
            return _csv(data, views.REQUEST_ACTION_COLUMNS, iri.rsplit("/", 1)[-1], request)
        return render(request, "request.html", title=row.link.label, detail=tracer, **common)
    if suffix in DATA_SUFFIXES:
        raise HTTPException(404, f"{suffix} is offered for motions and other parliamentary requests only")
    if views.is_organisation(snapshot.store, iri):
        detail = views.organisation_detail(snapshot.store, labels, iri)
        points = ego_points([(rel, ln.label, ln.href, ln.iri) for rel, ln in detail.neighbours])
        return render(
            request, "organisation.html", title=detail.link.label, detail=detail, points=points, **common
        )
    page = views.kind_page(snapshot.store, labels, iri, kind_of_iri(iri))
    if page is not None:
        return render(request, "kind.html", title=entity.link.label, page=page, **common)
    return render(request, "entity.html", title=entity.link.label, **common)


def json_for_script(value: Any) -> str:
    """JSON safe to embed in a <script> element (no closing tag, no HTML specials)."""
    text = json.dumps(value, ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
