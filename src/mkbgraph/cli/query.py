"""`mkbgraph query` and `mkbgraph queries`: canned queries (or any ``.rq`` file) from the terminal.

Each command is a thin wrapper over a typed function (`run_query`, `list_queries`) that tests call
directly. Queries run through the same screen as the endpoint (no SERVICE, no update, no FROM)
on the configured store, in process: the terminal user owns the process, so a runaway query is
stopped with Ctrl-C rather than a worker pool.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.table import Table

if TYPE_CHECKING:
    from rdflib.term import Node

    from mkbgraph.config import Settings
    from mkbgraph.graph.store import SelectResult
    from mkbgraph.sparql.catalogue import CannedQuery


#: Output format -> writer of a SELECT result as text.
OUTPUT_FORMATS = ("table", "csv", "json", "tsv")


@dataclass(frozen=True)
class QueryOutput:
    """What a query answered: a table (SELECT), a boolean (ASK) or Turtle (CONSTRUCT/DESCRIBE)."""

    canned: CannedQuery
    result: SelectResult | None = None
    boolean: bool | None = None
    turtle: str | None = None


class QueryNotFound(Exception):
    """Neither a canned query name nor a readable ``.rq`` file."""


def resolve_query(name_or_file: str, settings: Settings) -> CannedQuery:
    """A canned query by name, or a ``.rq`` file (its header is optional there)."""
    from mkbgraph.sparql.catalogue import CannedQuery, Catalogue, QueryFileError, parse_query_file

    path = Path(name_or_file)
    if path.suffix == ".rq" and path.is_file():
        try:
            return parse_query_file(path)
        except QueryFileError:
            text = path.read_text(encoding="utf-8")
            return CannedQuery(path.stem, path.stem, "", "", "", (), text, path=path)
    catalogue = Catalogue.load(settings.queries_dir)
    canned = catalogue.get(name_or_file)
    if canned is None:
        raise QueryNotFound(
            f"no canned query or .rq file {name_or_file!r}; `mkbgraph queries` lists the names"
        )
    return canned


def parse_params(pairs: list[str]) -> dict[str, list[str]]:
    """``key=value`` strings into a mapping; a key given twice means several values."""
    from mkbgraph.sparql.catalogue import ParameterError

    values: dict[str, list[str]] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise ParameterError(pair, "write parameters as key=value")
        values.setdefault(key.strip(), []).append(value)
    return values


def run_query(name_or_file: str, params: dict[str, list[str]], settings: Settings) -> QueryOutput:
    """Bind, screen and run a query on the configured store (rows capped at ``max_rows``)."""
    from mkbgraph.graph.store import open_store
    from mkbgraph.sparql.screen import screen

    canned = resolve_query(name_or_file, settings)
    text = canned.bind(params)
    form = screen(text).form
    store = open_store(settings)
    if form == "SELECT":
        return QueryOutput(canned, result=store.select(text, max_rows=settings.max_rows))
    if form == "ASK":
        return QueryOutput(canned, boolean=store.ask(text))
    return QueryOutput(canned, turtle=store.construct(text).serialize(format="turtle"))


def _text(term: Node | None) -> str:
    if term is None:
        return ""
    return str(term)


def format_result(result: SelectResult, fmt: str) -> str:
    """A SELECT result as csv, tsv or json text (the table format is printed with rich)."""
    import csv
    import io

    if fmt == "json":
        rows = [{c: _text(t) for c, t in zip(result.columns, row, strict=True)} for row in result.rows]
        return json.dumps(
            {"columns": result.columns, "rows": rows, "truncated": result.truncated},
            indent=2,
            ensure_ascii=False,
        )
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter="\t" if fmt == "tsv" else ",", lineterminator="\n")
    writer.writerow(result.columns)
    writer.writerows([_text(t) for t in row] for row in result.rows)
    return buffer.getvalue()


def list_queries(settings: Settings) -> list[CannedQuery]:
    """The canned queries, by name."""
    from mkbgraph.sparql.catalogue import Catalogue

    catalogue = Catalogue.load(settings.queries_dir)
    return [catalogue.queries[n] for n in catalogue.names()]


def _short(term: Node | None) -> str:
    from rdflib import Literal

    from mkbgraph.vocab import PREFIXES

    text = _text(term)
    if term is not None and not isinstance(term, Literal):
        for prefix, iri in sorted(PREFIXES.items(), key=lambda kv: -len(kv[1])):
            if text.startswith(iri):
                return f"{prefix}:{text[len(iri) :]}"
    return text


def register(app: typer.Typer) -> None:
    """Add `query` and `queries` to the main CLI (the library is imported when a command runs)."""
    console = Console()
    err = Console(stderr=True)

    @app.command("query")
    def query_command(
        name_or_file: Annotated[
            str, typer.Argument(help="Canned query name (see `mkbgraph queries`) or a .rq file.")
        ],
        param: Annotated[
            list[str] | None,
            typer.Option("--param", "-p", help="key=value; repeat for more (or several values)."),
        ] = None,
        fmt: Annotated[str, typer.Option("--format", "-f", help="table | csv | json | tsv")] = "table",
    ) -> None:
        """Run a canned query or a .rq file: exit 0 answered, 1 bad query or parameter, 2 unreadable input."""
        from mkbgraph.config import get_settings
        from mkbgraph.graph.load import LoadError
        from mkbgraph.graph.remote import RemoteBadQuery, RemoteError
        from mkbgraph.sparql.catalogue import ParameterError, QueryFileError
        from mkbgraph.sparql.screen import QueryRejected

        if fmt not in OUTPUT_FORMATS:
            err.print(f"error: unknown format {fmt!r}; choose one of {', '.join(OUTPUT_FORMATS)}")
            raise typer.Exit(2)
        settings = get_settings()
        try:
            output = run_query(name_or_file, parse_params(param or []), settings)
        except (QueryNotFound, LoadError, QueryFileError) as exc:
            err.print(f"error: {exc}", markup=False, highlight=False)
            raise typer.Exit(2) from exc
        except (ParameterError, QueryRejected, RemoteBadQuery) as exc:
            err.print(f"error: {exc}", markup=False, highlight=False)
            raise typer.Exit(1) from exc
        except RemoteError as exc:  # the remote server (MKBGRAPH_BACKEND=sparql) failed or is away
            err.print(f"error: {exc}", markup=False, highlight=False)
            raise typer.Exit(2) from exc
        except SyntaxError as exc:  # pyoxigraph's parser disagreed with rdflib's
            err.print(f"error: syntax error: {exc}", markup=False, highlight=False)
            raise typer.Exit(1) from exc
        if output.boolean is not None:
            print("true" if output.boolean else "false")
            return
        if output.turtle is not None:
            print(output.turtle)
            return
        assert output.result is not None
        if fmt != "table":
            print(format_result(output.result, fmt), end="")
        else:
            table = Table(*output.result.columns, title=output.canned.title, show_lines=False)
            for row in output.result.rows:
                table.add_row(*(_short(t) for t in row))
            console.print(table)
            err.print(f"{len(output.result.rows)} rows" + (" (truncated)" if output.result.truncated else ""))

    @app.command("queries")
    def queries_command(
        as_json: Annotated[bool, typer.Option("--json", help="Print the catalogue as JSON.")] = False,
    ) -> None:
        """List the canned queries with their parameters."""
        from mkbgraph.config import get_settings
        from mkbgraph.sparql.catalogue import QueryFileError

        try:
            items = list_queries(get_settings())
        except QueryFileError as exc:
            err.print(f"error: {exc}", markup=False, highlight=False)
            raise typer.Exit(2) from exc
        if as_json:
            print(json.dumps([q.as_dict() for q in items], indent=2, ensure_ascii=False))
            return
        table = Table("name", "form", "title", "parameters")
        for q in items:
            params = ", ".join(f"{p.name}:{p.type}{'' if p.required else '?'}" for p in q.parameters)
            table.add_row(q.name, q.form, q.title, params)
        console.print(table)
