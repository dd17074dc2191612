"""The `mkbgraph` command line: each command is a thin wrapper over one typed function.

Exit codes follow pySHACL: 0 valid, 1 violations, 2 unreadable input.
"""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from mkbgraph.cli.network import network_app
from mkbgraph.cli.query import register as register_query_commands
from mkbgraph.cli.web import register as register_network_html

if TYPE_CHECKING:
    from mkbgraph.config import Settings
    from mkbgraph.graph.load import ValidationReport


app = typer.Typer(
    help="mkbgraph: the MKB-actieplan 2019 progress report as a knowledge graph.", no_args_is_help=True
)
app.add_typer(network_app, name="network")
register_network_html(network_app)
register_query_commands(app)
console = Console()
err = Console(stderr=True)

#: export format name -> (rdflib serializer, file extension).
EXPORT_FORMATS: dict[str, tuple[str, str]] = {
    "ttl": ("turtle", "ttl"),
    "nt": ("nt", "nt"),
    "jsonld": ("json-ld", "jsonld"),
    "xml": ("pretty-xml", "rdf"),
}


def _settings(data: Path | None) -> Settings:
    from mkbgraph.config import get_settings

    base = get_settings()
    return base.model_copy(update={"data_dir": data}) if data is not None else base


def run_validate(settings: Settings) -> tuple[int, ValidationReport | None, str]:
    """Validate ontology + data against the shapes. Returns (exit code, report, error text)."""
    from mkbgraph.graph.load import LoadError, load_graph

    try:
        loaded = load_graph(
            settings.ontology_dir,
            settings.data_dir,
            settings.shapes_dir,
            check=True,
            engine=settings.shacl_engine,
        )
    except LoadError as exc:
        return 2, None, str(exc)
    assert loaded.report is not None
    return (0 if loaded.report.conforms else 1), loaded.report, ""


def format_report(report: ValidationReport) -> str:
    """Violations grouped by shape, each with focus node, path and message."""
    if report.conforms:
        return "Valid: 0 violations."
    lines = [f"{len(report.violations)} violation(s):"]
    for shape, violations in sorted(report.by_shape().items()):
        lines.append(f"\n== {shape} ({len(violations)})")
        for v in violations:
            path = f" [{v.path}]" if v.path else ""
            value = f" value={v.value}" if v.value else ""
            lines.append(f"  - {v.focus}{path}{value}\n    {v.message}")
    return "\n".join(lines)


@app.command()
def validate(
    data: Annotated[Path | None, typer.Option(help="Data folder (default: data/turtle).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the violations as JSON.")] = False,
) -> None:
    """Parse and validate the graph: exit 0 valid, 1 violations, 2 unreadable input."""
    code, report, error = run_validate(_settings(data))
    if code == 2:
        err.print(f"[red]error:[/red] {error}", markup=True, highlight=False)
        raise typer.Exit(2)
    assert report is not None
    if as_json:
        print(
            json.dumps(
                {"conforms": report.conforms, "violations": [v.__dict__ for v in report.violations]},
                indent=2,
                ensure_ascii=False,
            )
        )
    else:
        print(format_report(report))
    raise typer.Exit(code)


def run_stats(settings: Settings) -> dict[str, int]:
    """Counts per kind over the loaded graph (validated or not: stats describe what is there)."""
    from mkbgraph.graph.stats import graph_stats
    from mkbgraph.graph.store import open_store

    return graph_stats(open_store(settings))


@app.command()
def stats(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    data: Annotated[Path | None, typer.Option(help="Data folder.")] = None,
) -> None:
    """Triples and resources per kind."""
    from mkbgraph.graph.load import LoadError
    from mkbgraph.graph.remote import RemoteError

    try:
        counts = run_stats(_settings(data))
    except (LoadError, RemoteError) as exc:
        err.print(f"error: {exc}", markup=False, highlight=False)
        raise typer.Exit(2) from exc
    if as_json:
        print(json.dumps(counts, indent=2))
        return
    table = Table("kind", "count")
    for key, value in counts.items():
        table.add_row(key, str(value))
    console.print(table)


def run_export(settings: Settings, fmt: str) -> bytes:
    """The merged graph (ontology + data) serialized in the given format."""
    from mkbgraph.graph.load import load_graph

    serializer, _ = EXPORT_FORMATS[fmt]
    loaded = load_graph(settings.ontology_dir, settings.data_dir, None, check=False)
    return loaded.graph.serialize(format=serializer, encoding="utf-8")


@app.command()
def export(
    fmt: Annotated[str, typer.Option("--format", help="ttl | nt | jsonld | xml")] = "ttl",
    output: Annotated[Path | None, typer.Option(help="File to write (default: standard output).")] = None,
    data: Annotated[Path | None, typer.Option(help="Data folder.")] = None,
) -> None:
    """Export the merged graph."""
    from mkbgraph.graph.load import LoadError

    if fmt not in EXPORT_FORMATS:
        err.print(f"error: unknown format {fmt!r}; choose one of {', '.join(EXPORT_FORMATS)}")
        raise typer.Exit(2)
    try:
        payload = run_export(_settings(data), fmt)
    except LoadError as exc:
        err.print(f"error: {exc}", markup=False, highlight=False)
        raise typer.Exit(2) from exc
    if output is None:
        sys.stdout.buffer.write(payload)
    else:
        output.write_bytes(payload)
        err.print(f"wrote {len(payload)} bytes to {output}")


@app.command()
def coverage(
    as_json: Annotated[
        bool, typer.Option("--json", help="Print JSON, with every bullet and its resources.")
    ] = False,
    show_all: Annotated[bool, typer.Option("--all", help="List covered bullets too.")] = False,
    data: Annotated[Path | None, typer.Option(help="Data folder.")] = None,
    named: Annotated[
        bool,
        typer.Option(
            "--named",
            help="Check named things instead: every euro figure and abbreviation in capitals is modelled "
            "or a reviewed exception (exit 1 when one is missing or an exception is stale).",
        ),
    ] = False,
) -> None:
    """Which bullets of the report are modelled, per chapter; lists the bullets with no resource."""
    from mkbgraph.graph.coverage import compute_coverage, compute_named_things, exceptions_path
    from mkbgraph.graph.load import LoadError, load_graph

    settings = _settings(data)
    try:
        loaded = load_graph(settings.ontology_dir, settings.data_dir, None, check=False)
    except LoadError as exc:
        err.print(f"error: {exc}", markup=False, highlight=False)
        raise typer.Exit(2) from exc
    if named:
        things = compute_named_things(
            loaded.graph, settings.source_path, exceptions_path(settings.source_path)
        )
        if as_json:
            print(json.dumps(things.as_dict(), indent=2, ensure_ascii=False))
        else:
            for kind, found in (("euro figures", things.figures), ("abbreviations", things.abbreviations)):
                states = [found[k] for k in found]
                console.print(
                    f"{kind}: {len(found)}; modelled {states.count('modelled')}, "
                    f"excepted {states.count('excepted')}, missing {states.count('missing')}"
                )
            for item in things.missing:
                print(f"✗ missing: {item}")
            for item in things.stale_exceptions:
                print(f"✗ stale exception (modelled or not in the report): {item}")
        if things.missing or things.stale_exceptions:
            raise typer.Exit(1)
        return
    report = compute_coverage(loaded.graph, settings.source_path)
    if as_json:
        print(json.dumps(report.as_dict(), indent=2, ensure_ascii=False))
        return
    table = Table("chapter", "covered", "bullets", "%")
    for key, (covered, total) in report.per_chapter().items():
        table.add_row(report.titles[key], str(covered), str(total), f"{100 * covered / total:.0f}")
    table.add_row(
        "total",
        str(sum(b.covered for b in report.bullets)),
        str(len(report.bullets)),
        f"{100 * report.share():.0f}",
    )
    console.print(table)
    for bullet in report.bullets if show_all else report.uncovered:
        mark = "✓" if bullet.covered else "✗"
        print(f"{mark} line {bullet.line} [{bullet.chapter}] {bullet.opening}")


def run_motions(settings: Settings) -> list[dict[str, object]]:
    """Every motion, question and commitment with its follow-up, as the tracer (/motions) has it:
    the rule of `mkbgraph.domain.follow_up`."""
    return [row.as_dict() for row in _motion_rows(settings)]


def _motion_rows(settings: Settings) -> list[Any]:
    from mkbgraph.graph.store import LiveGraph
    from mkbgraph.web import views

    snapshot = LiveGraph(settings).current
    return views.requests(snapshot.store, views.build_labels(snapshot.store))


@app.command()
def motions(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    as_csv: Annotated[
        bool, typer.Option("--csv", help="Print CSV (one row per request), as /motions.csv.")
    ] = False,
    excel: Annotated[
        bool, typer.Option("--excel", help="With --csv: for Excel with Dutch settings (semicolons, BOM).")
    ] = False,
) -> None:
    """Motions, questions and commitments with their follow-up: followed up, partly or none recorded."""
    from mkbgraph.config import get_settings
    from mkbgraph.domain.csv_export import EXCEL_NL, STANDARD, write_csv
    from mkbgraph.graph.load import LoadError
    from mkbgraph.graph.store import InvalidGraphError
    from mkbgraph.web.views import REQUEST_COLUMNS

    try:
        rows = _motion_rows(get_settings())
    except (LoadError, InvalidGraphError) as exc:
        err.print(f"error: {exc}", markup=False, highlight=False)
        raise typer.Exit(2) from exc
    if as_json:
        print(json.dumps([row.as_dict() for row in rows], indent=2, ensure_ascii=False))
        return
    if as_csv:
        body = write_csv([row.csv_row() for row in rows], REQUEST_COLUMNS, EXCEL_NL if excel else STANDARD)
        sys.stdout.buffer.write(body)
        sys.stdout.flush()
        return
    table = Table("motie / verzoek", "soort", "datum", "opvolging")
    for row in rows:
        table.add_row(row.link.label, row.kind, row.date, row.follow_up_label)
    console.print(table)


@app.command()
def publish(
    to: Annotated[
        str,
        typer.Option("--to", help="Graph Store endpoint of the server, e.g. http://127.0.0.1:7878/store."),
    ],
    graph: Annotated[
        str | None, typer.Option(help="IRI of the named graph to replace (default: the default graph).")
    ] = None,
    update: Annotated[
        str | None,
        typer.Option(
            help="SPARQL Update endpoint (e.g. http://127.0.0.1:7878/update): load into a staging graph, "
            "then switch in one update (atomic on Oxigraph). Without it: one PUT on the graph."
        ),
    ] = None,
    data: Annotated[Path | None, typer.Option(help="Data folder (default: data/turtle).")] = None,
) -> None:
    """Validate the graph and load it into a SPARQL server: exit 0 published, 1 violations
    (nothing sent), 2 unreadable input or the server refused."""
    from mkbgraph.graph.load import LoadError
    from mkbgraph.graph.publish import PublishError
    from mkbgraph.graph.publish import publish as run_publish
    from mkbgraph.graph.store import InvalidGraphError

    try:
        outcome = run_publish(_settings(data), to, graph, update)
    except InvalidGraphError as exc:
        print(format_report(exc.report))
        raise typer.Exit(1) from exc
    except (LoadError, PublishError) as exc:
        err.print(f"error: {exc}", markup=False, highlight=False)
        raise typer.Exit(2) from exc
    how = "staged, then switched in one update" if outcome.atomic else "one PUT"
    print(f"Published {outcome.triples} triples to {outcome.graph} ({how}) in {outcome.seconds:.1f} s.")


@app.command()
def serve(
    host: Annotated[
        str | None, typer.Option(help="Address to bind (default from settings: 127.0.0.1).")
    ] = None,
    port: Annotated[int | None, typer.Option(help="Port (default from settings: 8000).")] = None,
    workers: Annotated[
        int,
        typer.Option(
            min=1,
            help="Server processes on the one port; each loads the graph and runs its own query workers.",
        ),
    ] = 1,
) -> None:
    """Load and validate the graph, then serve the web app and SPARQL endpoint."""
    import uvicorn

    from mkbgraph.api.app import create_app
    from mkbgraph.config import get_settings
    from mkbgraph.errors import ServiceError
    from mkbgraph.graph.load import LoadError
    from mkbgraph.graph.store import InvalidGraphError

    settings = get_settings()
    logging.basicConfig(
        level=settings.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    try:
        application = create_app(settings)
    except (LoadError, ServiceError) as exc:  # ServiceError: the remote server (backend sparql)
        err.print(f"error: {exc}", markup=False, highlight=False)
        raise typer.Exit(2) from exc
    except InvalidGraphError as exc:
        err.print(format_report(exc.report), markup=False, highlight=False)
        raise typer.Exit(1) from exc
    bind_host, bind_port = host or settings.host, port or settings.port
    level, access = settings.log_level.lower(), settings.access_log
    if workers == 1:
        uvicorn.run(application, host=bind_host, port=bind_port, log_level=level, access_log=access)
        return
    # Replicas share nothing but the files: each process builds its own app from the same
    # settings (the environment), after this one proved the graph loads and validates.
    del application
    uvicorn.run(
        "mkbgraph.api.app:create_app",
        factory=True,
        workers=workers,
        host=bind_host,
        port=bind_port,
        log_level=level,
        access_log=access,
    )


def main() -> None:
    """Entry point of the `mkbgraph` script."""
    app()


if __name__ == "__main__":
    main()
