"""The web app's pages: motion tracer, organisation and entity pages, themes, data quality,
SPARQL editor and the interactive network view. `register(app)` mounts them all."""

from mkbgraph.web.pages import register

__all__ = ["register"]
