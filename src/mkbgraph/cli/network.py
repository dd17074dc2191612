"""`mkbgraph network ...`: key players, coordination gaps, paths, communities and exports.

Each command is a thin wrapper over one typed `run_*` function that tests call directly. Exit
codes: 0 done, 1 no answer (no path between the two resources), 2 bad input (unreadable data,
an unknown or ambiguous name, an unknown format).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

if TYPE_CHECKING:
    from mkbgraph.config import Settings
    from mkbgraph.network.metrics import NetworkAnalysis
    from mkbgraph.network.paths import ResolveError


network_app = typer.Typer(
    help="Network analytics: key players, coordination gaps, paths, communities, exports.",
    no_args_is_help=True,
)
console = Console()
err = Console(stderr=True, soft_wrap=True)

#: The names `mkbgraph.network.export.EXPORT_FORMATS` and `mkbgraph.network.projection.PROJECTIONS`
#: offer, for the help text: ``--help`` must not import networkx (a test keeps these equal).
EXPORT_FORMAT_NAMES = ("graphml", "gexf", "json", "csv")
PROJECTION_NAMES = ("full", "stakeholder", "motion")

DataOption = Annotated[Path | None, typer.Option(help="Data folder (default: data/turtle).")]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON.")]
IncludeAssumedOption = Annotated[
    bool, typer.Option("--include-assumed", help="Also count roles the report does not state (assumed ones).")
]


def _settings(data: Path | None) -> Settings:
    from mkbgraph.config import get_settings

    base = get_settings()
    return base.model_copy(update={"data_dir": data}) if data is not None else base


def load_analysis(settings: Settings, *, include_assumed: bool = False) -> NetworkAnalysis:
    """Parse ontology and data (unvalidated: analytics describe what is there) and project them;
    roles the report does not state count only with `include_assumed`."""
    from dataclasses import replace

    from mkbgraph.graph.load import load_graph
    from mkbgraph.network.metrics import MetricOptions, NetworkAnalysis
    from mkbgraph.network.projection import full_graph

    loaded = load_graph(settings.ontology_dir, settings.data_dir, None, check=False)
    options = replace(MetricOptions.from_settings(settings), include_assumed=include_assumed)
    return NetworkAnalysis(
        loaded.fingerprint, loaded.graph, full_graph(loaded.graph, options.projection()), options
    )


def run_stats(analysis: NetworkAnalysis, theme: str | None = None) -> dict[str, Any]:
    """Key players and coordination gaps, overall or in one theme (named by IRI, label or number)."""
    theme_iri = analysis.resolve_theme(theme)
    return {
        "version": analysis.version,
        "theme": theme_iri,
        "nodes": analysis.full.number_of_nodes(),
        "edges": analysis.full.number_of_edges(),
        "key_players": analysis.key_players(theme_iri),
        "gaps": analysis.gaps(theme_iri),
    }


def run_path(
    analysis: NetworkAnalysis, source: str, target: str, through_hubs: bool = False
) -> dict[str, Any]:
    """The explained shortest path between two resources named by IRI, label or abbreviation."""
    return analysis.path(source, target, through_hubs=through_hubs)


def run_communities(analysis: NetworkAnalysis) -> dict[str, Any]:
    """Louvain communities of the stakeholder graph with members and dominant themes."""
    return analysis.communities()


def run_export(analysis: NetworkAnalysis, fmt: str, projection: str = "full") -> bytes:
    """One projection (full, stakeholder, motion) in one format (graphml, gexf, json, csv)."""
    from mkbgraph.network.export import export_graph
    from mkbgraph.network.projection import PROJECTIONS

    if projection not in PROJECTIONS:
        raise ValueError(f"unknown graph {projection!r}; choose one of {', '.join(PROJECTIONS)}")
    return export_graph(PROJECTIONS[projection](analysis.full), fmt)


def _load(data: Path | None, include_assumed: bool = False) -> NetworkAnalysis:
    from mkbgraph.graph.load import LoadError

    try:
        return load_analysis(_settings(data), include_assumed=include_assumed)
    except LoadError as exc:
        err.print(f"error: {exc}", markup=False, highlight=False)
        raise typer.Exit(2) from exc


def _fail_resolve(exc: ResolveError) -> typer.Exit:
    err.print(f"error: {exc}", markup=False, highlight=False)
    for candidate in exc.candidates:
        err.print(
            f"  - {candidate['label']} ({candidate['kind']}) <{candidate['iri']}>",
            markup=False,
            highlight=False,
        )
    return typer.Exit(2)


def _name(entry: dict[str, Any]) -> str:
    return f"{entry['label']} ({entry['abbr']})" if entry.get("abbr") else str(entry["label"])


@network_app.command()
def stats(
    theme: Annotated[str | None, typer.Option(help="Only this theme: IRI, label, number or slug.")] = None,
    as_json: JsonOption = False,
    data: DataOption = None,
    top: Annotated[int, typer.Option(help="Organisations shown in the ranking table.")] = 15,
    include_assumed: IncludeAssumedOption = False,
) -> None:
    """Key players (centrality, who leads, who partners, who acts alone) and coordination gaps.

    By default only roles the report states count; --include-assumed adds the assumed ones."""
    from mkbgraph.network.paths import ResolveError

    analysis = _load(data, include_assumed)
    try:
        result = run_stats(analysis, theme)
    except ResolveError as exc:
        raise _fail_resolve(exc) from exc
    if as_json:
        print(json.dumps(result, indent=2, ensure_ascii=False))
        return
    players, gaps = result["key_players"], result["gaps"]
    method = "sampled estimate (approximate)" if players["approximate"] else "exact"
    table = Table(
        "organisation", "actions", "leads", "partners", "solo", "degree", "w.degree", "betweenness", "PageRank",
        "eigenvector",
        title=f"Key players{' in ' + theme if theme else ''}: {players['nodes']} organisations, betweenness {method}",
    )  # fmt: skip
    for org in players["organisations"][:top]:
        eigen = "-" if org["eigenvector"] is None else f"{org['eigenvector']:.3f}"
        table.add_row(
            _name(org), str(org["actions"]), str(org["leads"]), str(org["partners"]), str(org["solo"]),
            str(org["degree"]), f"{org['weighted_degree']:g}", f"{org['betweenness']:.3f}",
            f"{org['pagerank']:.3f}", eigen,
        )  # fmt: skip
    console.print(table)
    for title, key, field in (
        ("Leads most", "leads_most", "leads"),
        ("Partners most", "partners_most", "partners"),
        ("Ministries acting alone (actions led without partner)", "acts_alone", "solo"),
    ):
        console.print(f"[bold]{title}[/bold]: " + ", ".join(f"{_name(o)} {o[field]}" for o in players[key]))
    console.print(
        f"[bold]Gaps[/bold]: {len(gaps['solo_actions'])} actions with a lead and no partner; "
        f"{len(gaps['never_lead'])} organisations involved but never leading; "
        f"{len(gaps['unanswered_requests'])} requests answered by no action, "
        f"{len(gaps['single_action_requests'])} by one; {len(gaps['unused_instruments'])} unused instruments."
    )
    for structure in gaps["themes"]:
        points = ", ".join(_name(p) for p in structure["articulation_points"]) or "none"
        hangs = ", ".join(_name(p) for p in structure["hangs_on"])
        console.print(
            f"  {structure['label']}: {structure['actions']} actions, {structure['organisations']} organisations; "
            f"articulation points: {points}; {len(structure['bridges'])} bridges"
            + (f"; every action hangs on {hangs}" if hangs else ""),
            highlight=False,
        )


@network_app.command()
def path(
    source: Annotated[str, typer.Argument(help="From: IRI, prefixed name, label or abbreviation.")],
    target: Annotated[str, typer.Argument(help="To: IRI, prefixed name, label or abbreviation.")],
    through_hubs: Annotated[
        bool, typer.Option(help="Allow steps through themes and action lines (they connect everything).")
    ] = False,
    as_json: JsonOption = False,
    data: DataOption = None,
) -> None:
    """How two resources are connected: the shortest chain of relations, each with its source quote."""
    from mkbgraph.network.paths import NoPath, ResolveError, describe_path

    analysis = _load(data)
    try:
        result = run_path(analysis, source, target, through_hubs)
    except ResolveError as exc:
        raise _fail_resolve(exc) from exc
    except NoPath as exc:
        err.print(f"no path: {exc}", markup=False, highlight=False)
        raise typer.Exit(1) from exc
    if as_json:
        print(json.dumps(result, indent=2, ensure_ascii=False))
        return
    print(f"{result['from']['label']} → {result['to']['label']}: {result['length']} step(s)")
    print(describe_path(result["steps"]))


@network_app.command()
def communities(
    as_json: JsonOption = False,
    show_all: Annotated[
        bool, typer.Option("--all", help="Also list organisations alone in a community.")
    ] = False,
    data: DataOption = None,
) -> None:
    """Communities of organisations (Louvain on the stakeholder graph), with their dominant themes."""
    result = run_communities(_load(data))
    if as_json:
        print(json.dumps(result, indent=2, ensure_ascii=False))
        return
    print(f"modularity {result['modularity']:.3f} (Louvain, seed {result['seed']})")
    for community in result["communities"]:
        if community["size"] < 2 and not show_all:
            continue
        themes = ", ".join(f"{t['label']} ({t['actions']})" for t in community["dominant_themes"]) or "-"
        print(f"\n#{community['id']}: {community['size']} organisations; themes: {themes}")
        print("  " + "; ".join(_name(m) for m in community["members"]))
    alone = sum(1 for c in result["communities"] if c["size"] < 2)
    if alone and not show_all:
        print(f"\n({alone} organisations alone in their community; --all lists them)")


@network_app.command()
def export(
    fmt: Annotated[str, typer.Option("--format", help=" | ".join(EXPORT_FORMAT_NAMES))] = "graphml",
    output: Annotated[Path | None, typer.Option(help="File to write (default: standard output).")] = None,
    graph: Annotated[str, typer.Option(help=" | ".join(PROJECTION_NAMES))] = "full",
    data: DataOption = None,
) -> None:
    """Export a projection for Gephi, Cytoscape (GraphML, GEXF), D3 (node-link JSON) or a spreadsheet (CSV)."""
    from mkbgraph.network.export import EXPORT_FORMATS
    from mkbgraph.network.projection import PROJECTIONS

    if fmt not in EXPORT_FORMATS or graph not in PROJECTIONS:
        err.print(
            f"error: choose --format from {', '.join(EXPORT_FORMATS)} and --graph from {', '.join(PROJECTIONS)}",
            markup=False,
        )
        raise typer.Exit(2)
    payload = run_export(_load(data), fmt, graph)
    if output is None:
        sys.stdout.buffer.write(payload)
    else:
        output.write_bytes(payload)
        err.print(f"wrote {len(payload)} bytes to {output}", markup=False)
