"""mkbgraph: the MKB-actieplan 2019 progress report as a validated, queryable knowledge graph.

The public API: settings, loading and validation, the store seam, stats and coverage.

Names are imported on first use (PEP 562): ``import mkbgraph`` and the light modules under it
(the SPARQL worker, the sandbox) must not pull in FastAPI, pySHACL or rdflib. A query worker
process imports only what it runs, so each costs a few megabytes, not a copy of the web app.
"""

from __future__ import annotations

import importlib
from typing import Any

from ._version import __version__

#: Public name -> module that defines it.
_EXPORTS: dict[str, str] = {
    "BACKENDS": "store",
    "CannedQuery": "queries",
    "Catalogue": "queries",
    "LiveGraph": "store",
    "LoadError": "load",
    "QueryEngine": "engine",
    "SelectResult": "store",
    "Settings": "settings",
    "Snapshot": "store",
    "Store": "store",
    "ValidationReport": "load",
    "Violation": "load",
    "build_snapshot": "store",
    "compute_coverage": "coverage",
    "create_app": "app",
    "get_settings": "settings",
    "graph_stats": "stats",
    "load_graph": "load",
    "run_select": "engine",
    "validate": "load",
}

__all__ = ["__version__", *sorted(_EXPORTS)]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'mkbgraph' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value
