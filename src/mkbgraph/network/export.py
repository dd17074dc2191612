"""Exports of the projected graphs for the tools people already use.

GraphML and GEXF (Gephi, Cytoscape, yEd), node-link JSON (D3) and a CSV edge list. A table maps
each format to its writer, media type and file extension. GraphML and GEXF hold only scalar
attributes, so list attributes (a node's `themes`, an edge's `actions`) are joined with `LIST_SEPARATOR`
there; JSON keeps them as lists. Every writer returns bytes, so the CLI and the API share them.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import networkx as nx

from mkbgraph.domain.csv_export import Column, write_csv

#: What joins list values in formats that cannot hold lists (IRIs never contain it).
LIST_SEPARATOR = " "


def scalar_copy(graph: nx.Graph) -> nx.Graph:
    """A copy whose list attributes are joined strings and None values empty strings."""
    copy = graph.copy()

    def flatten(attributes: dict[str, Any]) -> None:
        for key, value in list(attributes.items()):
            if isinstance(value, list | tuple | set | frozenset):
                attributes[key] = LIST_SEPARATOR.join(str(v) for v in value)
            elif value is None:
                attributes[key] = ""

    for _, data in copy.nodes(data=True):
        flatten(data)
    for *_, data in copy.edges(data=True):
        flatten(data)
    return copy


def to_graphml(graph: nx.Graph) -> bytes:
    """GraphML with typed attribute keys; parallel edges keep their relation as the edge id."""
    buffer = io.BytesIO()
    nx.write_graphml(scalar_copy(graph), buffer, encoding="utf-8", prettyprint=True)
    return buffer.getvalue()


def to_gexf(graph: nx.Graph) -> bytes:
    """GEXF 1.2 (Gephi's own format)."""
    buffer = io.BytesIO()
    nx.write_gexf(scalar_copy(graph), buffer, encoding="utf-8", prettyprint=True)
    return buffer.getvalue()


def to_node_link_json(graph: nx.Graph) -> bytes:
    """D3's node-link JSON: {"nodes": [{"id", ...}], "links": [{"source", "target", ...}]}."""
    data = nx.node_link_data(graph, edges="links")
    return json.dumps(data, ensure_ascii=False, indent=1, default=str).encode("utf-8")


#: Leading columns of the CSV edge list; other edge attributes follow in sorted order.
CSV_COLUMNS = ("source", "target", "source_label", "target_label")


def to_csv(graph: nx.Graph) -> bytes:
    """One row per edge: source, target, their labels, then every edge attribute (lists joined).

    Written by the one CSV writer, with the column names as headers: this is an edge list for
    graph tools (Gephi reads ``source``/``target``), not a table for people."""
    flat = scalar_copy(graph)
    edges = list(flat.edges(data=True))
    attributes = sorted({key for *_, data in edges for key in data})
    columns = tuple(Column(name, name) for name in (*CSV_COLUMNS, *attributes))
    rows = (
        {
            "source": source,
            "target": target,
            "source_label": flat.nodes[source].get("label", ""),
            "target_label": flat.nodes[target].get("label", ""),
            **{key: data.get(key, "") for key in attributes},
        }
        for source, target, data in edges
    )
    return write_csv(rows, columns)


@dataclass(frozen=True)
class ExportFormat:
    """How one format is written and served."""

    name: str
    write: Callable[[nx.Graph], bytes]
    media_type: str
    extension: str


#: Format name -> writer, media type and file extension.
EXPORT_FORMATS: dict[str, ExportFormat] = {
    f.name: f
    for f in (
        ExportFormat("graphml", to_graphml, "application/graphml+xml", "graphml"),
        ExportFormat("gexf", to_gexf, "application/gexf+xml", "gexf"),
        ExportFormat("json", to_node_link_json, "application/json", "json"),
        ExportFormat("csv", to_csv, "text/csv; charset=utf-8", "csv"),
    )
}


def export_graph(graph: nx.Graph, fmt: str) -> bytes:
    """The graph in one of `EXPORT_FORMATS`; raises ValueError naming the known formats."""
    if fmt not in EXPORT_FORMATS:
        raise ValueError(f"unknown export format {fmt!r}; choose one of {', '.join(EXPORT_FORMATS)}")
    return EXPORT_FORMATS[fmt].write(graph)
