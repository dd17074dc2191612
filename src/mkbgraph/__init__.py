"""mkbgraph: the MKB-actieplan 2019 progress report as a validated, queryable knowledge graph.

The public API: settings, loading and validation, the store seam, stats and coverage.
"""

from .coverage import compute_coverage
from .load import LoadError, ValidationReport, Violation, load_graph, validate
from .settings import Settings, get_settings
from .stats import graph_stats
from .store import BACKENDS, LiveGraph, SelectResult, Snapshot, Store, build_snapshot

__all__ = [
    "BACKENDS",
    "LiveGraph",
    "LoadError",
    "SelectResult",
    "Settings",
    "Snapshot",
    "Store",
    "ValidationReport",
    "Violation",
    "build_snapshot",
    "compute_coverage",
    "get_settings",
    "graph_stats",
    "load_graph",
    "validate",
]
__version__ = "0.1.0"
