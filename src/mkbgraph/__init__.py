"""mkbgraph: the MKB-actieplan 2019 progress report as a validated, queryable knowledge graph.

The public API: settings, loading and validation, the store seam, stats and coverage.
"""

from ._version import __version__
from .app import create_app
from .coverage import compute_coverage
from .engine import QueryEngine, run_select
from .load import LoadError, ValidationReport, Violation, load_graph, validate
from .queries import CannedQuery, Catalogue
from .settings import Settings, get_settings
from .stats import graph_stats
from .store import BACKENDS, LiveGraph, SelectResult, Snapshot, Store, build_snapshot

__all__ = [
    "BACKENDS",
    "CannedQuery",
    "Catalogue",
    "LiveGraph",
    "LoadError",
    "QueryEngine",
    "SelectResult",
    "Settings",
    "Snapshot",
    "Store",
    "ValidationReport",
    "Violation",
    "__version__",
    "build_snapshot",
    "compute_coverage",
    "create_app",
    "get_settings",
    "graph_stats",
    "load_graph",
    "run_select",
    "validate",
]
