"""`mkbgraph network html`: the network view as one standalone HTML file that works offline.

vis-network (from the installed pyvis package), our CSS and our script are inlined, so the file
opens from disk with no server and loads nothing from anywhere. Links point at the dataset IRIs.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from mkbgraph.config import Settings


def render_network_html(
    settings: Settings,
    focus: str = "",
    depth: int = 2,
    theme: str = "",
    kinds: tuple[str, ...] = (),
    colour: str = "kind",
    size: str = "uniform",
) -> str:
    """The standalone page for the graph `settings` point at (whole network, or an ego view)."""
    from markupsafe import Markup
    from rdflib import URIRef

    from mkbgraph.domain.i18n import translator
    from mkbgraph.graph.store import build_snapshot
    from mkbgraph.web.assets import STATIC_DIR
    from mkbgraph.web.network_view import (
        NetworkFilter,
        build_model_for,
        legend,
        options_for,
        page_data,
        vis_asset_dir,
    )
    from mkbgraph.web.pages import ENV
    from mkbgraph.web.rendering import build_labels

    snapshot = build_snapshot(settings)
    labels = build_labels(snapshot.store)
    model = build_model_for(snapshot, labels)
    chosen = NetworkFilter(focus=focus, depth=depth, theme=theme, kinds=kinds)
    data = page_data(model, chosen, labels)
    data.update({"standalone": True, "colour": colour, "size": size})
    vis = vis_asset_dir()
    inline = {
        "vis_js": Markup(_script_safe((vis / "vis-network.min.js").read_text(encoding="utf-8"))),
        "vis_css": Markup((vis / "vis-network.css").read_text(encoding="utf-8")),
        "css": Markup((STATIC_DIR / "style.css").read_text(encoding="utf-8")),
        "js": Markup(_script_safe((STATIC_DIR / "network.js").read_text(encoding="utf-8"))),
    }
    focus_label = labels.of(URIRef(focus)) if focus else ""
    return ENV.get_template("network_standalone.html").render(
        title=f"Netwerk rond {focus_label}" if focus else "Netwerk van het MKB-actieplan",
        data=data,
        legend=legend(),
        choices=options_for(model),
        chosen=chosen,
        colour=colour,
        size=size,
        focus_label=focus_label,
        standalone=True,
        inline_assets=inline,
        version=snapshot.version,
        view="all",
        t=translator("nl"),
        lang="nl",
    )


def _script_safe(code: str) -> str:
    """Script text that cannot close its own <script> element."""
    return code.replace("</script", "<\\/script").replace("</SCRIPT", "<\\/SCRIPT")


def html(
    output: Annotated[Path, typer.Option("--output", "-o", help="HTML file to write.")] = Path(
        "network.html"
    ),
    focus: Annotated[str, typer.Option(help="IRI to centre an ego view on (default: whole network).")] = "",
    depth: Annotated[int, typer.Option(min=1, max=4, help="Steps around --focus.")] = 2,
    theme: Annotated[str, typer.Option(help="Theme IRI: only its actions and their neighbours.")] = "",
    kind: Annotated[list[str] | None, typer.Option(help="Only nodes of this kind (repeatable).")] = None,
    colour: Annotated[str, typer.Option(help="kind | community")] = "kind",
    size: Annotated[str, typer.Option(help="uniform | centrality")] = "uniform",
    data: Annotated[Path | None, typer.Option(help="Data folder (default: data/turtle).")] = None,
) -> None:
    """Write the interactive network view as one offline HTML file (vis-network inlined)."""
    from mkbgraph.config import get_settings
    from mkbgraph.graph.load import LoadError
    from mkbgraph.graph.store import InvalidGraphError

    if colour not in ("kind", "community") or size not in ("uniform", "centrality"):
        typer.echo("error: --colour is kind|community and --size is uniform|centrality", err=True)
        raise typer.Exit(2)
    settings = get_settings()
    if data is not None:
        settings = settings.model_copy(update={"data_dir": data})
    try:
        page = render_network_html(settings, focus, depth, theme, tuple(kind or ()), colour, size)
    except (LoadError, InvalidGraphError) as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2 if isinstance(exc, LoadError) else 1) from exc
    output.write_text(page, encoding="utf-8")
    typer.echo(f"wrote {output} ({len(page.encode('utf-8'))} bytes)")


def register(group: typer.Typer) -> None:
    """Add `html` to the `network` command group."""
    group.command("html")(html)
