"""The interactive network view: a networkx projection of who does what, drawn with vis-network.

pyvis builds the node and edge records from the networkx graph (colour, shape, size, fixed
positions), but its HTML templates are not used: they render without autoescape, write the
heading and select ids raw, and pull Bootstrap and tom-select from CDNs even in ``local`` mode.
Our own Jinja2 template (autoescaped) embeds the records as JSON and loads vis-network from the
installed pyvis package, so nothing leaves 127.0.0.1. No record carries a ``title`` (vis-network
renders title strings as HTML); the page's script builds tooltips and the side panel as text.

The projection, layout, centrality and communities come from the network package
(`mkbgraph.network`), computed once per loaded graph and cached: a layout of 2,000 nodes takes
seconds, far too slow per request.
"""

from __future__ import annotations

import math
import time
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import networkx as nx
from rdflib import Graph

from mkbgraph.graph.store import Snapshot
from mkbgraph.network.metrics import layout, node_metrics
from mkbgraph.network.projection import Projection, full_graph
from mkbgraph.vocab import ASSUMED, ID, KIND_BY_KEY, MKB, RELATION_BY_KEY, Kind, sparql_prefix_block
from mkbgraph.web.rendering import Labels, local_path

#: The kinds the view draws, in legend order; colour, shape and name come from the kinds table.
VIEW_KINDS: tuple[Kind, ...] = tuple(
    KIND_BY_KEY[k]
    for k in ("action", "organisation", "motion", "request", "instrument", "regional-deal", "region")
)
_VIEW_KIND_KEYS = frozenset(kind.key for kind in VIEW_KINDS)
#: Relation -> how an edge reads as a sentence ({s}: the edge's source, {o}: its target; an edge
#: runs from the resource that states the relation, e.g. action -> its responsible organisation).
RELATION_SENTENCES: dict[str, str] = {
    "responsible": "{o} is verantwoordelijk voor {s}",
    "involved": "{o} is betrokken bij {s}",
    "funds": "{o} financiert {s}",
    "answers": "{s} geeft uitvoering aan {o}",
    "uses": "{s} gebruikt {o}",
    "in_region": "{s} gaat over {o}",
    "in_deal": "{s} hoort bij {o}",
    "owns": "{o} is eigenaar van {s}",
    "executes": "{o} voert {s} uit",
    "partner": "{o} is partner in {s}",
    "shares": "{s} en {o} werken samen aan {n}",
}
#: The same sentences for the English interface.
RELATION_SENTENCES_EN: dict[str, str] = {
    "responsible": "{o} is responsible for {s}",
    "involved": "{o} is involved in {s}",
    "funds": "{o} funds {s}",
    "answers": "{s} carries out {o}",
    "uses": "{s} uses {o}",
    "in_region": "{s} concerns {o}",
    "in_deal": "{s} belongs to {o}",
    "owns": "{o} owns {s}",
    "executes": "{o} executes {s}",
    "partner": "{o} is a partner in {s}",
    "shares": "{s} and {o} work together on {n}",
}
#: The words network.js shows (Dutch, the catalogue's key); the page sends their translations.
SCRIPT_WORDS: tuple[str, ...] = (
    "Thema's", "Acties", "Samenwerkingen (gedeelde acties)", "Centraliteit (PageRank)", "Gemeenschap",
    "geen", "Pagina van", "Netwerk rond dit item", "Verbonden met", "Geen citaat vastgelegd voor deze verbinding.",
    "Gevonden:", "Geen knoop gevonden in deze weergave.", "uit de rapportage", "knoop", "knopen",
    "verbinding", "verbindingen", "actie", "acties", "werken samen",
    *(r.verb for r in RELATION_BY_KEY.values() if r.verb),
    *(kind.nl for kind in VIEW_KINDS),
)  # fmt: skip


def script_words(t: Any, language: str) -> dict[str, Any]:
    """What the page's script needs in the reader's language: its words and the edge sentences."""
    words = {dutch: t(dutch) for dutch in SCRIPT_WORDS}
    return {"words": words, "sentences": RELATION_SENTENCES_EN if language == "en" else RELATION_SENTENCES}


COMMUNITY_COLOURS = (
    "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b",
    "#e377c2", "#7f7f7f", "#bcbd22", "#17becf", "#393b79", "#637939",
)  # fmt: skip
LAYOUT_SCALE = 1000.0

# --------------------------------------------------------------------------------------------
# Projection


def project(graph: Graph, include_assumed: bool = False) -> nx.MultiDiGraph:
    """The view's part of the network module's full graph: only the kinds the view draws
    (actions, organisations, requests, instruments, deals, regions); roles the report does not
    state only when asked (`include_assumed`), then drawn dashed."""
    full = full_graph(graph, Projection(include_assumed=include_assumed))
    keep = [n for n, kind in full.nodes(data="kind") if kind in _VIEW_KIND_KEYS]
    return full.subgraph(keep).copy()  # type: ignore[no-any-return]


# --------------------------------------------------------------------------------------------
# Layout and analytics (cached per snapshot by the caller)


def compute_layout(snapshot: Snapshot, network: nx.MultiDiGraph) -> dict[str, tuple[float, float]]:
    """Positions for every node, from the network module's per-snapshot layout."""
    positions = layout(snapshot)
    return {
        str(n): (float(positions[n][0]), float(positions[n][1])) if n in positions else (0.0, 0.0)
        for n in network.nodes
    }


def compute_metrics(snapshot: Snapshot, network: nx.MultiDiGraph) -> dict[str, tuple[float, int]]:
    """(centrality, community) per node: PageRank and Louvain community from the network module."""
    metrics = node_metrics(snapshot)
    return {
        n: (float(metrics.get(n, {}).get("pagerank", 0.0)), int(metrics.get(n, {}).get("community", -1)))
        for n in network.nodes
    }


# --------------------------------------------------------------------------------------------
# The view model


@dataclass
class NetworkModel:
    """The whole network with positions and styles, built once per snapshot."""

    nodes: dict[str, dict[str, Any]]
    edges: list[dict[str, Any]]
    adjacency: dict[str, set[str]]
    options: dict[str, Any]
    build_seconds: float = 0.0
    theme_labels: dict[str, str] = field(default_factory=dict)


def build_model_for(snapshot: Snapshot, labels: Labels, include_assumed: bool = False) -> NetworkModel:
    """The model with theme names taken from `labels`: what the pages and the standalone file draw."""
    themes = snapshot.store.select(sparql_prefix_block() + "SELECT ?t WHERE { ?t a mkb:Theme }").rows
    return build_model(snapshot, {str(t): labels.of(t) for (t,) in themes}, include_assumed)


class _IdList(list):  # type: ignore[type-arg]
    """A list with set-speed membership, for pyvis's ``node_ids`` (it only appends and tests)."""

    def __init__(self) -> None:
        super().__init__()
        self._members: set[object] = set()

    def append(self, item: object) -> None:
        super().append(item)
        self._members.add(item)

    def __contains__(self, item: object) -> bool:
        return item in self._members


def build_model(
    snapshot: Snapshot, theme_labels: dict[str, str] | None = None, include_assumed: bool = False
) -> NetworkModel:
    """Project, lay out, score and style the graph; pyvis turns the networkx graph into records."""
    from pyvis.edge import Edge
    from pyvis.network import Network

    started = time.perf_counter()
    network = project(snapshot.graph, include_assumed)
    positions = compute_layout(snapshot, network)
    metrics = compute_metrics(snapshot, network)
    centrality = {n: c for n, (c, _) in metrics.items()}
    communities = {n: g for n, (_, g) in metrics.items()}
    top = max(centrality.values(), default=0.0) or 1.0
    scale = LAYOUT_SCALE * max(1.0, math.sqrt(network.number_of_nodes() / 100))  # room for every label
    net = Network(directed=True)
    net.node_ids = _IdList()  # pyvis tests membership in a list: quadratic at 100x the real data
    for iri, attrs in network.nodes(data=True):
        kind = attrs.get("kind", "")
        style = KIND_BY_KEY.get(kind) or Kind(kind, "", kind, kind)
        colour, shape = style.colour, style.shape
        x, y = positions.get(iri, (0.0, 0.0))
        score = centrality.get(iri, 0.0)
        net.add_node(
            iri,
            label=_short(attrs.get("abbr") or attrs.get("label") or iri),
            shape=shape,
            color=colour,
            x=round(x * scale, 1),
            y=round(y * scale, 1),
            size=10,
        )
        record = net.nodes[-1]
        record.update(
            {
                "fullLabel": attrs.get("label") or iri,
                "kind": kind,
                "kindLabel": style.nl,
                "path": local_path(iri) or "",
                "themes": list(attrs.get("themes") or []),
                "community": communities.get(iri, -1),
                "centrality": round(score, 4),
                "sizeByCentrality": round(8 + 30 * math.sqrt(score / top), 1),
                "kindColor": colour,
                "communityColor": _community_colour(communities.get(iri, -1)),
            }
        )
    adjacency: dict[str, set[str]] = {iri: set() for iri in network.nodes}
    for number, (source, target, attrs) in enumerate(network.edges(data=True)):
        relation = attrs.get("relation", "")
        known = RELATION_BY_KEY.get(relation)
        label = known.verb if known and known.verb else attrs.get("label") or relation
        colour = known.colour if known and known.verb else "#999999"
        # pyvis's Edge record, built directly: its add_edge lists every node for every edge
        # (quadratic: hours at 100x the real data); both ends are nodes of this network anyway
        net.edges.append(Edge(source, target, directed=True, label=label, color=colour).options)
        net.edges[-1].update(
            {
                "id": f"e{number}",
                "relation": relation,
                "quote": attrs.get("quote") or "",
                "section": attrs.get("section") or "",
                "sectionPath": local_path(attrs.get("section") or "") or "",
                "assumed": attrs.get("basis") == ASSUMED,
            }
        )
        adjacency[source].add(target)
        adjacency[target].add(source)
    net.toggle_physics(False)
    nodes = {record["id"]: record for record in net.nodes}
    return NetworkModel(
        nodes=nodes,
        edges=list(net.edges),
        adjacency=adjacency,
        options=vis_options(),
        build_seconds=time.perf_counter() - started,
        theme_labels=theme_labels or {},
    )


def _community_colour(community: int) -> str:
    """A palette colour per community; grey for a node in none."""
    return "#bbbbbb" if community < 0 else COMMUNITY_COLOURS[community % len(COMMUNITY_COLOURS)]


def vis_options() -> dict[str, Any]:
    """vis-network options: fixed positions, physics off (the page can switch it on), fast edges."""
    return {
        "physics": {"enabled": False, "solver": "forceAtlas2Based", "stabilization": False},
        "edges": {
            "smooth": False,
            "arrows": {"to": {"enabled": True, "scaleFactor": 0.4}},
            "font": {"size": 9, "align": "middle", "color": "#444444", "strokeWidth": 2},
            "width": 1,
        },
        "nodes": {"font": {"size": 12}, "borderWidth": 1},
        "interaction": {
            "hover": True,
            "keyboard": {"enabled": True, "bindToWindow": False},
            "navigationButtons": False,
            "tooltipDelay": 150,
            "hideEdgesOnDrag": True,
        },
        "layout": {"improvedLayout": False},
    }


def _short(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


@dataclass(frozen=True)
class NetworkFilter:
    """What the visitor asked to see; empty means the whole network."""

    focus: str = ""
    depth: int = 2
    theme: str = ""
    kinds: tuple[str, ...] = ()
    motion: str = ""
    organisation: str = ""

    @property
    def active(self) -> bool:
        return bool(self.focus or self.theme or self.kinds or self.motion or self.organisation)


def select(model: NetworkModel, chosen: NetworkFilter) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The nodes and edges a filter keeps.

    - focus + depth: everything within `depth` steps of the focus node (either direction);
    - theme: the actions in the theme and their direct neighbours;
    - motion / organisation: that node, the actions linked to it, and their direct neighbours;
    - kinds: only nodes of those kinds (the focus node always stays).
    Filters combine: a node must pass all of them.
    """
    keep: set[str] | None = None

    def narrow(found: Iterable[str]) -> None:
        nonlocal keep
        found = set(found)
        keep = found if keep is None else keep & found

    if chosen.focus:
        narrow(ego(model, chosen.focus, chosen.depth))
    if chosen.theme:
        actions = [n for n, r in model.nodes.items() if r["kind"] == "action" and chosen.theme in r["themes"]]
        narrow(_with_neighbours(model, actions))
    for anchor in (chosen.motion, chosen.organisation):
        if anchor:
            actions = [n for n in model.adjacency.get(anchor, ()) if model.nodes[n]["kind"] == "action"]
            narrow({anchor} | _with_neighbours(model, actions))
    if chosen.kinds:
        narrow(n for n, r in model.nodes.items() if r["kind"] in chosen.kinds or n == chosen.focus)
    if keep is None:
        return list(model.nodes.values()), model.edges
    nodes = [model.nodes[n] for n in model.nodes if n in keep]
    edges = [e for e in model.edges if e["from"] in keep and e["to"] in keep]
    return nodes, edges


def ego(model: NetworkModel, focus: str, depth: int) -> set[str]:
    """Nodes within `depth` undirected steps of `focus` (empty when the focus is not in the network)."""
    if focus not in model.adjacency:
        return set()
    seen = {focus}
    frontier: deque[tuple[str, int]] = deque([(focus, 0)])
    while frontier:
        node, distance = frontier.popleft()
        if distance >= depth:
            continue
        for other in model.adjacency[node]:
            if other not in seen:
                seen.add(other)
                frontier.append((other, distance + 1))
    return seen


def _with_neighbours(model: NetworkModel, nodes: Iterable[str]) -> set[str]:
    found: set[str] = set()
    for node in nodes:
        found.add(node)
        found |= model.adjacency.get(node, set())
    return found


def page_data(model: NetworkModel, chosen: NetworkFilter, labels: Labels | None = None) -> dict[str, Any]:
    """The JSON the page script reads: the nodes and edges a filter keeps, compacted, with the options
    and the focus; with `labels`, each section's title (an edge's evidence names its section)."""
    nodes, edges = select(model, chosen)
    if chosen.focus in model.nodes and len(nodes) <= EGO_RADIAL_MAX:
        nodes = ego_rings(model, chosen.focus, nodes)
    payload = {
        **compact(nodes, edges, model.theme_labels),
        "view": "all",
        "options": model.options,
        "focus": chosen.focus if chosen.focus in model.nodes else "",
    }
    payload["sectionLabels"] = [labels.of(s) if labels else "" for s in payload["sections"]]
    return payload


#: Ego networks up to this many nodes are drawn as rings around the focus (larger ones keep the
#: whole graph's layout).
EGO_RADIAL_MAX = 150


def ego_rings(model: NetworkModel, focus: str, nodes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The nodes of an ego network placed on rings around the focus, one ring per step away,
    grouped by kind then label, every ring spaced so that neighbouring nodes keep their distance:
    the whole-graph layout scatters a neighbourhood and piles its labels on top of each other."""
    keep = {record["id"] for record in nodes}
    distance = {focus: 0}
    frontier: deque[str] = deque([focus])
    while frontier:
        node = frontier.popleft()
        for other in model.adjacency.get(node, ()):
            if other in keep and other not in distance:
                distance[other] = distance[node] + 1
                frontier.append(other)
    rings: dict[int, list[dict[str, Any]]] = {}
    for record in nodes:
        rings.setdefault(distance.get(record["id"], max(distance.values()) + 1), []).append(record)
    placed = []
    radius = 0.0
    for step in sorted(rings):
        members = sorted(rings[step], key=lambda r: (r["kind"], r["fullLabel"].casefold()))
        if step == 0:
            placed += [{**r, "x": 0.0, "y": 0.0} for r in members]
            continue
        # at least 90 units between neighbours on a ring, and 260 between rings
        radius = max(radius + 260.0, 90.0 * len(members) / (2 * math.pi))
        for i, record in enumerate(members):
            angle = 2 * math.pi * i / len(members) - math.pi / 2
            placed.append(
                {**record, "x": round(radius * math.cos(angle), 1), "y": round(radius * math.sin(angle), 1)}
            )
    return placed


class _Table:
    """Distinct values in order of first use; `index` gives a value's position (adding it if new)."""

    def __init__(self) -> None:
        self.values: list[Any] = []
        self._positions: dict[Any, int] = {}

    def index(self, value: Any, key: Any = None) -> int:
        key = value if key is None else key
        if key not in self._positions:
            self._positions[key] = len(self.values)
            self.values.append(value)
        return self._positions[key]


#: How the page turns a dataset IRI into a link on this server (the script applies it).
LOCAL_BASES = {str(ID): "/id/", str(MKB): "/def/"}


def compact(
    nodes: list[dict[str, Any]], edges: list[dict[str, Any]], theme_labels: dict[str, str]
) -> dict[str, Any]:
    """Nodes and edges without repetition; the page script (network.js `expand`) rebuilds the records.

    Most of a plain edge list is repetition: every edge of an action carries the action's
    provenance quote and section, and its relation's label and colour. So:
    - `edges` are arrays [from, to, relation, quote, section]: positions in `nodes`, `relations`,
      `quotes` and `sections` (-1: no quote or section);
    - `nodes` keep id (without `idBase` when the IRI starts with it: "action/slim"), fullLabel,
      kind, x, y, community, centrality and sizeByCentrality, plus
      `label` only when it is not the shortened full label (an abbreviation) and `themes` as
      positions in `themes` only when there are any; colour, shape and the kind's name are in
      `kinds`, the community colour in `communityColors`, the page path follows from `localBases`.
    """
    kinds: dict[str, dict[str, str]] = {}
    community_colours: dict[str, str] = {}
    themes = _Table()
    position: dict[str, int] = {}
    compact_nodes = []
    for number, record in enumerate(nodes):
        position[record["id"]] = number
        kinds.setdefault(
            record["kind"],
            {"color": record["kindColor"], "shape": record["shape"], "label": record["kindLabel"]},
        )
        community_colours.setdefault(str(record["community"]), record["communityColor"])
        node = {
            key: record[key]
            for key in ("fullLabel", "kind", "x", "y", "community", "centrality", "sizeByCentrality")
        }
        node["id"] = record["id"].removeprefix(str(ID))
        if record["label"] != _short(record["fullLabel"]):
            node["label"] = record["label"]
        if record["themes"]:
            node["themes"] = [
                themes.index({"iri": t, "label": theme_labels.get(t, t)}, key=t) for t in record["themes"]
            ]
        compact_nodes.append(node)
    relations, quotes, sections = _Table(), _Table(), _Table()
    compact_edges = []
    for edge in edges:
        assumed = bool(edge.get("assumed"))
        sentence = RELATION_SENTENCES.get(edge["relation"], "{s} → " + edge["label"] + " → {o}")
        relation = relations.index(
            {
                "name": edge["relation"],
                "label": edge["label"] + (" (aangenomen)" if assumed else ""),
                "color": edge["color"],
                "sentence": sentence + (" (aangenomen: de rapportage noemt dit niet)" if assumed else ""),
                "assumed": assumed,
            },
            key=(edge["relation"], assumed),
        )
        quote = quotes.index(edge["quote"]) if edge["quote"] else -1
        section = sections.index(edge["section"]) if edge["section"] else -1
        compact_edges.append([position[edge["from"]], position[edge["to"]], relation, quote, section])
    return {
        "nodes": compact_nodes,
        "edges": compact_edges,
        "kinds": kinds,
        "communityColors": community_colours,
        "themes": themes.values,
        "relations": relations.values,
        "quotes": quotes.values,
        "sections": sections.values,
        "idBase": str(ID),
        "localBases": LOCAL_BASES,
    }


def legend() -> list[dict[str, str]]:
    """Legend entries: kind, colour, shape and Dutch name."""
    return [
        {"kind": kind.key, "color": kind.colour, "shape": kind.shape, "label": kind.nl} for kind in VIEW_KINDS
    ]


def options_for(model: NetworkModel) -> dict[str, list[tuple[str, str]]]:
    """Choices for the filter menus (value, label), sorted by label."""

    def of_kind(kind: str) -> list[tuple[str, str]]:
        return sorted(
            ((n, r["fullLabel"]) for n, r in model.nodes.items() if r["kind"] == kind),
            key=lambda x: x[1].casefold(),
        )

    return {
        "themes": sorted(model.theme_labels.items(), key=lambda x: x[1].casefold()),
        "motions": of_kind("motion"),
        "organisations": of_kind("organisation"),
        "kinds": [(kind.key, kind.nl) for kind in VIEW_KINDS],
    }


def vis_asset_dir() -> Path:
    """The vis-network build shipped inside the installed pyvis package (newest version there)."""
    import pyvis

    lib = Path(pyvis.__file__).parent / "lib"
    versions = sorted(lib.glob("vis-*/vis-network.min.js"))
    if not versions:
        raise FileNotFoundError(f"no vis-network build under {lib}")
    return versions[-1].parent


# --------------------------------------------------------------------------------------------
# Who works with whom: organisations linked by the actions they share (the first picture)

#: Organisations whose label is always drawn: the best connected, at most this many.
HUB_LABELS = 20
#: The relation of the organisation view's edges.
SHARED_ACTIONS = {
    "name": "shares",
    "label": "werken samen",
    "color": "#d9822b",
    "sentence": RELATION_SENTENCES["shares"],
}


def _organisation_positions(graph: nx.Graph) -> dict[str, tuple[float, float]]:
    """The largest group of collaborating organisations spread by a seeded spring layout (weights
    pull partners together) within [-1, 1]; smaller groups and organisations acting alone in rows
    under it, so fitting the view to all of them does not shrink the main picture to a dot."""
    components = sorted(nx.connected_components(graph), key=lambda c: (-len(c), sorted(c)[0]))
    if not components:
        return {}
    main = graph.subgraph(components[0])
    # Kamada-Kawai spreads a connected graph evenly (spring layouts fling the one-link leaves to
    # the rim and squeeze the core); partners who share more actions are drawn closer
    lengths = {(a, b): 1.0 / math.sqrt(w) for a, b, w in main.edges(data="weight", default=1)}
    distances = nx.Graph(main)
    nx.set_edge_attributes(distances, lengths, "length")
    positions = {
        n: (float(x), float(y)) for n, (x, y) in nx.kamada_kawai_layout(distances, weight="length").items()
    }
    rest = [n for component in components[1:] for n in sorted(component)]
    per_row = 12
    for i, node in enumerate(rest):
        row, column = divmod(i, per_row)
        positions[node] = (-1.0 + 2.0 * column / (per_row - 1), 1.25 + 0.18 * row)
    return positions


def organisation_view(snapshot: Snapshot, labels: Labels) -> dict[str, Any]:
    """The page payload of the organisation-to-organisation network: every organisation with an
    action, linked to each organisation it shares actions with (edge weight: how many; stated
    roles: lead, involved, funder), laid out by weight; the hubs carry a visible label.

    Built once per snapshot (the caller caches it): the projection comes from the network
    module's cached analysis, the layout is a seeded spring layout of some 80 nodes."""
    from mkbgraph.network.metrics import analysis
    from mkbgraph.network.projection import stakeholder_graph

    started = time.perf_counter()
    full = analysis(snapshot).full
    graph = stakeholder_graph(full)
    positions = _organisation_positions(graph)
    strength = dict(graph.degree(weight="weight"))
    hubs = set(sorted(graph.nodes, key=lambda n: (-strength[n], n))[:HUB_LABELS])
    order = sorted(graph.nodes, key=lambda n: labels.of(n).casefold())
    position = {iri: number for number, iri in enumerate(order)}
    style = KIND_BY_KEY["organisation"]
    nodes = []
    for iri in order:
        data = graph.nodes[iri]
        x, y = positions[iri]
        node = {
            "id": iri.removeprefix(str(ID)),
            "fullLabel": labels.of(iri),
            "kind": "organisation",
            "x": round(float(x) * LAYOUT_SCALE, 1),
            "y": round(float(y) * LAYOUT_SCALE, 1),
            "community": -1,
            "centrality": strength[iri],
            "sizeByCentrality": round(8 + 5 * math.sqrt(strength[iri]), 1),
            "actions": int(data.get("actions", 0)),
            "hub": iri in hubs,
        }
        node["label"] = data.get("abbr") or _short(labels.of(iri), 22)
        nodes.append(node)
    action_lists = _Table()
    edges = []
    for first, second, data in sorted(graph.edges(data=True), key=lambda e: (position[e[0]], position[e[1]])):
        shared = [
            {"iri": a, "label": labels.of(a), "path": local_path(a) or ""} for a in sorted(data["actions"])
        ]
        shared.sort(key=lambda a: a["label"].casefold())
        edges.append(
            [
                position[first],
                position[second],
                0,
                -1,
                -1,
                int(data["weight"]),
                action_lists.index(shared, key=tuple(a["iri"] for a in shared)),
            ]
        )
    options = vis_options()
    options["edges"] = {**options["edges"], "arrows": {"to": {"enabled": False}}, "color": {"inherit": False}}
    return {
        "view": "organisations",
        "nodes": nodes,
        "edges": edges,
        "kinds": {"organisation": {"color": style.colour, "shape": "dot", "label": style.nl}},
        "communityColors": {"-1": "#bbbbbb"},
        "themes": [],
        "relations": [SHARED_ACTIONS],
        "quotes": [],
        "sections": [],
        "sectionLabels": [],
        "actionLists": action_lists.values,
        "idBase": str(ID),
        "localBases": LOCAL_BASES,
        "options": options,
        "focus": "",
        "buildSeconds": round(time.perf_counter() - started, 3),
    }
