"""mkbgraph: the MKB-actieplan 2019 progress report as a validated, queryable knowledge graph.

The public API: settings, loading and validation, the store seam, stats and coverage.

Names are imported on first use (PEP 562): ``import mkbgraph`` and the light modules under it
(the SPARQL worker, the sandbox) must not pull in FastAPI, pySHACL or rdflib. A query worker
process imports only what it runs, so each costs a few megabytes, not a copy of the web app.
"""

from __future__ import annotations

import importlib
from typing import Any

from mkbgraph._version import __version__

#: Public name -> module that defines it.
_EXPORTS: dict[str, str] = {
    "BACKENDS": "graph.store",
    "CannedQuery": "sparql.catalogue",
    "Catalogue": "sparql.catalogue",
    "LiveGraph": "graph.store",
    "LoadError": "graph.load",
    "QueryEngine": "sparql.engine",
    "SelectResult": "graph.store",
    "Settings": "config",
    "Snapshot": "graph.store",
    "Store": "graph.store",
    "ValidationReport": "graph.load",
    "Violation": "graph.load",
    "build_snapshot": "graph.store",
    "compute_coverage": "graph.coverage",
    "create_app": "api.app",
    "get_settings": "config",
    "graph_stats": "graph.stats",
    "load_graph": "graph.load",
    "run_select": "sparql.engine",
    "validate": "graph.load",
}

__all__ = ["__version__", *sorted(_EXPORTS)]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'mkbgraph' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value
