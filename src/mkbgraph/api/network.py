"""The network analytics as JSON under `/api/network/...`, documented in OpenAPI.

Every figure comes from the per-snapshot cache (`mkbgraph.network.metrics.analysis`): a request never
computes a metric that an earlier request (or the warm-up in the app's lifespan) already computed
for the same loaded graph. Errors are `ServiceError`s, answered by the app's handler in the one
shape, `{"error": {"status": 404, "title": "...", "detail": "...", "code": "...", "candidates": [...]}}`
(candidates only where a name was unknown or ambiguous).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace
from typing import Annotated, Any

from fastapi import APIRouter, FastAPI, Query, Request
from fastapi.responses import Response

from mkbgraph.api.models import (
    CommunitiesAnswer,
    ErrorBody,
    GapsAnswer,
    KeyPlayersAnswer,
    NodeLinkGraph,
    NodesAnswer,
    PathAnswer,
    StatsAnswer,
)
from mkbgraph.domain.csv_export import dialect_named
from mkbgraph.domain.csv_export import filename as csv_filename
from mkbgraph.domain.csv_export import media_type as csv_media_type
from mkbgraph.errors import ServiceError
from mkbgraph.graph.store import Snapshot
from mkbgraph.network.export import EXPORT_FORMATS, export_graph
from mkbgraph.network.metrics import MetricOptions, NetworkAnalysis, analysis, attach
from mkbgraph.network.paths import AmbiguousResource, NoPath, ResolveError
from mkbgraph.network.projection import PROJECTIONS, nodes_of_kind
from mkbgraph.network.tables import (
    COMMUNITY_COLUMNS,
    GAP_COLUMNS,
    KEY_PLAYER_COLUMNS,
    community_rows,
    gap_rows,
    key_player_rows,
    to_csv,
)

TAG = "network"
THEME_HELP = (
    "Only this theme: its IRI, label, number or slug (e.g. `Digitalisering`, `3`, `theme:digitalisering`). "
    "Leave out for all themes."
)
FORMAT_HELP = "`json` (default), `csv` or `excel-nl` (CSV for Excel with Dutch settings): one row per organisation, gap or community member."
NAME_HELP = "A resource: IRI, prefixed name (`orgn:kvk`), label, abbreviation or slug, case-insensitive."

router = APIRouter(prefix="/api/network", tags=[TAG])


class UnknownName(ServiceError):
    """A name that matches no resource: 404, with the nearest names as ``candidates``."""

    status = 404
    code = "unknown_resource"
    title = "Unknown resource"


class AmbiguousName(ServiceError):
    """A name that matches several resources: 400, with the matches as ``candidates``."""

    status = 400
    code = "ambiguous_name"
    title = "Ambiguous name"


class PathNotFound(ServiceError):
    """Two resources with no chain of relations between them: 404."""

    status = 404
    code = "no_path"
    title = "No path"


class BadParameter(ServiceError):
    """A parameter outside its closed list (format, graph): 400."""

    status = 400
    code = "bad_parameter"
    title = "Bad parameter"


def _resolve_error(exc: ResolveError) -> ServiceError:
    error = AmbiguousName if isinstance(exc, AmbiguousResource) else UnknownName
    return error(str(exc), extra={"candidates": exc.candidates})


def _one_of(name: str, value: str, allowed: Iterable[str]) -> None:
    """Refuse `value` unless it is one of `allowed`, naming them."""
    choices = tuple(allowed)
    if value not in choices:
        message = f"{name} must be one of {', '.join(choices)}; got {value!r}"
        raise BadParameter(message, title=f"Unknown {name}", code=f"unknown_{name}")


def _analysis(request: Request, include_assumed: bool = False) -> NetworkAnalysis:
    """The analysis of the current snapshot; with `include_assumed` the roles the report does not
    state (issue 12) count too (a second cached analysis)."""
    snapshot: Snapshot = request.app.state.live.current
    options = request.app.state.network_options
    if include_assumed:
        options = replace(options, include_assumed=True)
    return analysis(snapshot, options)


AssumedQuery = Annotated[
    bool,
    Query(
        description="Also count roles the report does not state (assumed leads, owners...). Default: stated only."
    ),
]


def _envelope(result: NetworkAnalysis, body: dict[str, Any]) -> dict[str, Any]:
    return {"version": result.version, **body}


TableFormat = Annotated[str, Query(description=FORMAT_HELP)]
TABLE_FORMATS = ("json", "csv", "excel-nl")


def _answer(
    result: NetworkAnalysis,
    body: dict[str, Any],
    form: str,
    table: tuple[Callable[[dict[str, Any]], list[dict[str, Any]]], tuple[str, ...], str],
) -> Any:
    """The answer as the JSON envelope, or as CSV rows (`table`: row function, columns, file name)."""
    _one_of("format", form, TABLE_FORMATS)
    if form == "json":
        return _envelope(result, body)
    rows, columns, filename = table
    dialect = dialect_named(form)  # csv, or excel-nl: semicolons and a BOM for Excel with Dutch settings
    return Response(
        to_csv(rows(body), columns, dialect),
        media_type=csv_media_type(dialect),
        headers={
            "Content-Disposition": f'inline; filename="{csv_filename(filename.removesuffix(".csv"), dialect)}"'
        },
    )


ERRORS: dict[int | str, dict[str, Any]] = {
    400: {
        "model": ErrorBody,
        "description": "Ambiguous name or unknown format; `error.candidates` lists the matches.",
    },
    404: {
        "model": ErrorBody,
        "description": "No such resource (or no path); `error.candidates` lists near matches.",
    },
    422: {"model": ErrorBody, "description": "A parameter of the wrong type."},
}


def _documented(model: type, csv: bool = False) -> dict[int | str, dict[str, Any]]:
    """The responses of a route: its JSON model (and CSV when it offers one), and the errors."""
    ok: dict[str, Any] = {
        "model": model,
        "description": "JSON" + (", or CSV with `format=csv`" if csv else ""),
    }
    if csv:
        ok["content"] = {"text/csv": {"schema": {"type": "string"}}}
    return {200: ok, **ERRORS}


@router.get("/stats", summary="Key players and coordination gaps", responses=_documented(StatsAnswer))
def stats(
    request: Request,
    theme: Annotated[str | None, Query(description=THEME_HELP)] = None,
    assumed: AssumedQuery = False,
) -> Any:
    """Rankings of organisations (degree, weighted degree, betweenness, PageRank, eigenvector; who
    leads, who partners, which ministries act alone) and the coordination gaps, overall or per theme.
    `key_players.approximate` is true when betweenness is a sampled estimate."""
    result = _analysis(request, assumed)
    try:
        theme_iri = result.resolve_theme(theme)
    except ResolveError as exc:
        raise _resolve_error(exc) from None
    return _envelope(
        result,
        {"theme": theme_iri, "key_players": result.key_players(theme_iri), "gaps": result.gaps(theme_iri)},
    )


@router.get(
    "/key-players",
    summary="Organisation rankings by centrality and role",
    responses=_documented(KeyPlayersAnswer, csv=True),
)
def key_players(
    request: Request,
    theme: Annotated[str | None, Query(description=THEME_HELP)] = None,
    format: TableFormat = "json",
    assumed: AssumedQuery = False,
) -> Any:
    """Centrality of organisations in the stakeholder graph, who leads most, who partners most and
    which ministries act alone; by default from the roles the report states, with `assumed=true`
    also from the assumed ones. As CSV: one row per organisation, by PageRank."""
    result = _analysis(request, assumed)
    try:
        theme_iri = result.resolve_theme(theme)
    except ResolveError as exc:
        raise _resolve_error(exc) from None
    table = (key_player_rows, KEY_PLAYER_COLUMNS, "mkbgraph-key-players.csv")
    return _answer(result, result.key_players(theme_iri), format, table)


@router.get("/gaps", summary="Coordination gaps", responses=_documented(GapsAnswer, csv=True))
def gaps(
    request: Request,
    theme: Annotated[str | None, Query(description=THEME_HELP)] = None,
    format: TableFormat = "json",
) -> Any:
    """Actions with a lead and no partner, organisations that never lead, requests answered by one
    action or none, unused instruments, and per theme the articulation points and bridges.
    As CSV: one row per gap (`gap` names which), with the resources that explain it."""
    result = _analysis(request)
    try:
        theme_iri = result.resolve_theme(theme)
    except ResolveError as exc:
        raise _resolve_error(exc) from None
    return _answer(result, result.gaps(theme_iri), format, (gap_rows, GAP_COLUMNS, "mkbgraph-gaps.csv"))


@router.get("/path", summary="How two resources are connected", responses=_documented(PathAnswer))
def path(
    request: Request,
    source: Annotated[str, Query(alias="from", description=f"Start. {NAME_HELP}")],
    target: Annotated[str, Query(alias="to", description=f"End. {NAME_HELP}")],
    through_hubs: Annotated[
        bool,
        Query(
            description="Allow steps through themes and action lines, which connect everything in a theme."
        ),
    ] = False,
) -> Any:
    """The shortest chain of relations between two resources; each step has the relation, its Dutch
    label, its direction (`forward`: the triple runs from -> to) and the source quote behind it."""
    result = _analysis(request)
    try:
        return _envelope(result, result.path(source, target, through_hubs=through_hubs))
    except ResolveError as exc:
        raise _resolve_error(exc) from None
    except NoPath as exc:
        raise PathNotFound(str(exc)) from None


@router.get(
    "/communities",
    summary="Communities of organisations (Louvain)",
    responses=_documented(CommunitiesAnswer, csv=True),
)
def communities(request: Request, format: TableFormat = "json") -> Any:
    """Louvain communities of the stakeholder graph (fixed seed), largest first, each with its
    members and dominant themes; `membership` maps each organisation to its community id.
    As CSV: one row per member."""
    result = _analysis(request)
    table = (community_rows, COMMUNITY_COLUMNS, "mkbgraph-communities.csv")
    return _answer(result, result.communities(), format, table)


@router.get("/nodes", summary="Per-node metrics and layout positions", responses=_documented(NodesAnswer))
def nodes(request: Request) -> Any:
    """For every node of the full graph: kind, label, degree, PageRank, betweenness (organisations),
    community and its (x, y) position in [-1, 1], as the network view uses them."""
    result = _analysis(request)
    positions = result.layout()
    metrics = result.node_metrics()
    return _envelope(
        result,
        {
            "nodes": [
                {"iri": iri, **data, "x": positions[iri][0], "y": positions[iri][1]}
                for iri, data in metrics.items()
            ]
        },
    )


@router.get(
    "/export",
    summary="Export a projection as GraphML, GEXF, node-link JSON or CSV",
    responses={
        200: {
            "model": NodeLinkGraph,
            "description": "The file: GraphML, GEXF, node-link JSON or CSV.",
            "content": {
                f.media_type.split(";")[0]: {"schema": {"type": "string"}}
                for f in EXPORT_FORMATS.values()
                if f.name != "json"
            },
        },
        400: ERRORS[400],
        422: ERRORS[422],
    },
)
def export(
    request: Request,
    format: Annotated[str, Query(description=f"One of: {', '.join(EXPORT_FORMATS)}.")] = "graphml",
    graph: Annotated[
        str,
        Query(
            description="Which projection: `full` (typed multigraph), `stakeholder` (organisations linked by "
            "shared actions) or `motion` (requests -> actions -> organisations)."
        ),
    ] = "full",
) -> Response:
    """The projection as a file for Gephi and Cytoscape (GraphML, GEXF), D3 (node-link JSON) or a
    spreadsheet (CSV edge list). List attributes are space-separated in GraphML, GEXF and CSV."""
    _one_of("format", format, EXPORT_FORMATS)
    _one_of("graph", graph, PROJECTIONS)
    result = _analysis(request)
    chosen = EXPORT_FORMATS[format]
    payload = export_graph(PROJECTIONS[graph](result.full), format)
    filename = f"mkbgraph-{graph}.{chosen.extension}"
    return Response(
        payload,
        media_type=chosen.media_type,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def warm(snapshot: Snapshot, options: MetricOptions) -> None:
    """Compute the figures of a snapshot ahead of the first request: overall first, then per theme."""
    result = analysis(snapshot, options)
    result.key_players()
    result.gaps()
    result.communities()
    result.node_metrics()
    result.layout()
    for theme in nodes_of_kind(result.full, "theme"):  # the key-players page per theme
        result.key_players(theme)
        result.gaps(theme)


def register(app: FastAPI) -> None:
    """Mount the routes and clear the cache on reload. The figures are computed by `serve`
    before it accepts connections (`app.state.network_warm`, called in the app's lifespan):
    at 100x the data that is minutes of GIL-holding networkx, which must not run in a thread
    of a server that is answering."""
    options = MetricOptions.from_settings(app.state.settings)
    app.state.network_options = options
    live = app.state.live
    attach(live)
    app.state.network_warm = lambda: warm(live.current, options)
    app.include_router(router)
