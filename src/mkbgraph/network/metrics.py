"""Network analytics over the projections: key players, coordination gaps, communities, layout.

Nothing here runs per request. `analysis(snapshot)` builds one `NetworkAnalysis` per loaded
snapshot (keyed by its version) and every figure is computed at most once inside it, on first
use; `attach(live)` clears the cache when a new snapshot is loaded. Betweenness is exact up to
`MetricOptions.exact_max_nodes` nodes and sampled above (k pivots, fixed seed), and every answer
that contains it says `approximate: true` when it was sampled: exact betweenness on a graph of
8.5k nodes took 854 s where the sampled estimate took 24 s.

The web view uses `layout(snapshot)` (positions) and `node_metrics(snapshot)` (size and colour).
"""

from __future__ import annotations

import threading
from collections import Counter, OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import networkx as nx
from rdflib import Graph

from mkbgraph.config import Settings
from mkbgraph.domain.follow_up import NO_FOLLOW_UP, follow_up
from mkbgraph.graph.store import LiveGraph, Snapshot
from mkbgraph.network import layout as network_layout
from mkbgraph.network.paths import ResourceIndex, connections, explained_path
from mkbgraph.network.projection import (
    ACTION_ROLES,
    REQUEST_KINDS,
    Projection,
    full_graph,
    nodes_of_kind,
    stakeholder_graph,
)

#: How many organisations each "most" ranking lists.
TOP = 10


@dataclass(frozen=True)
class MetricOptions:
    """Limits of the analytics: exact betweenness up to `exact_max_nodes`, else `betweenness_k` pivots."""

    exact_max_nodes: int = 2000
    betweenness_k: int = 256
    seed: int = 42
    layout_iterations: int = 50
    #: Count roles the report does not state (assumed leads, owners...) in key players and the
    #: network; off by default, so rankings rest on what the report says (issue 12).
    include_assumed: bool = False

    def projection(self) -> Projection:
        """The projection of the full graph these options ask for."""
        return Projection(include_assumed=self.include_assumed)

    @classmethod
    def from_settings(cls, settings: Settings) -> MetricOptions:
        """Options as configured (MKBGRAPH_NETWORK_* settings), defaults where a setting is absent."""
        defaults = cls()
        return cls(
            exact_max_nodes=getattr(settings, "network_exact_max_nodes", defaults.exact_max_nodes),
            betweenness_k=getattr(settings, "network_betweenness_k", defaults.betweenness_k),
            seed=getattr(settings, "network_seed", defaults.seed),
            layout_iterations=getattr(settings, "network_layout_iterations", defaults.layout_iterations),
        )


# --------------------------------------------------------------------------- centrality


def betweenness(graph: nx.Graph, options: MetricOptions) -> tuple[dict[str, float], bool]:
    """Normalised betweenness (hop distance) and whether it is a sampled estimate."""
    if graph.number_of_nodes() > options.exact_max_nodes and graph.number_of_nodes() > options.betweenness_k:
        return nx.betweenness_centrality(graph, k=options.betweenness_k, seed=options.seed), True
    return nx.betweenness_centrality(graph), False


def eigenvector(graph: nx.Graph) -> dict[str, float] | None:
    """Weighted eigenvector centrality, or None where the power iteration does not converge."""
    if graph.number_of_edges() == 0:
        return None
    try:
        return nx.eigenvector_centrality(graph, weight="weight", max_iter=1000, tol=1e-6)
    except (nx.PowerIterationFailedConvergence, ZeroDivisionError):
        return None


def centrality(graph: nx.Graph, options: MetricOptions) -> dict[str, Any]:
    """Degree, weighted degree, betweenness, PageRank and eigenvector of every node of `graph`.

    Returns {"nodes": {iri: {...}}, "approximate": bool, "eigenvector_converged": bool}.
    """
    between, approximate = betweenness(graph, options)
    pagerank = nx.pagerank(graph, weight="weight") if graph.number_of_nodes() else {}
    eigen = eigenvector(graph)
    nodes = {
        node: {
            "degree": graph.degree(node),
            "weighted_degree": graph.degree(node, weight="weight"),
            "betweenness": between.get(node, 0.0),
            "pagerank": pagerank.get(node, 0.0),
            "eigenvector": eigen.get(node, 0.0) if eigen is not None else None,
        }
        for node in graph.nodes
    }
    return {"nodes": nodes, "approximate": approximate, "eigenvector_converged": eigen is not None}


# --------------------------------------------------------------------------- roles of organisations


def actions_in_theme(full: nx.MultiDiGraph, theme: str | None) -> list[str]:
    """The action IRIs of one theme (all actions when theme is None), sorted."""
    return [a for a in nodes_of_kind(full, "action") if theme is None or theme in full.nodes[a]["themes"]]


def action_organisations(full: nx.MultiDiGraph, action: str) -> dict[str, set[str]]:
    """Role -> organisation IRIs of one action (roles: responsible, involved, funds)."""
    roles: dict[str, set[str]] = {role: set() for role in ACTION_ROLES}
    for _, obj, data in full.out_edges(action, data=True):
        if data["relation"] in roles and full.nodes[obj]["kind"] == "organisation":
            roles[data["relation"]].add(obj)
    return roles


def is_solo(roles: dict[str, set[str]]) -> bool:
    """An action with one lead and no partner: exactly one organisation, and it leads."""
    everyone = set().union(*roles.values())
    return len(roles["responsible"]) == 1 and everyone == roles["responsible"]


def _ref(full: nx.Graph, node: str) -> dict[str, str]:
    """A node as IRI, label, abbreviation and kind: how every answer names a resource."""
    data = full.nodes[node]
    return {"iri": node, "label": data["label"], "abbr": data.get("abbr", ""), "kind": data["kind"]}


def role_counts(full: nx.MultiDiGraph, actions: list[str]) -> dict[str, Counter[str]]:
    """Per organisation: actions it leads, partners in (involved or funds), and leads alone."""
    leads: Counter[str] = Counter()
    partners: Counter[str] = Counter()
    solo: Counter[str] = Counter()
    for action in actions:
        roles = action_organisations(full, action)
        leads.update(roles["responsible"])
        partners.update((roles["involved"] | roles["funds"]) - roles["responsible"])
        if is_solo(roles):
            solo.update(roles["responsible"])
    return {"leads": leads, "partners": partners, "solo": solo}


# --------------------------------------------------------------------------- key players


def key_players(full: nx.MultiDiGraph, theme: str | None, options: MetricOptions) -> dict[str, Any]:
    """Rankings of organisations overall or in one theme, on the stakeholder graph.

    Who is central (degree, weighted degree, betweenness, PageRank, eigenvector), who leads most,
    who partners most, and which ministries act alone (lead actions with no partner).
    """
    stakeholders = stakeholder_graph(full, theme=theme)
    scores = centrality(stakeholders, options)
    counts = role_counts(full, actions_in_theme(full, theme))
    organisations = []
    for node, metrics in scores["nodes"].items():
        organisations.append(
            {
                **_ref(full, node),
                "classification": full.nodes[node].get("classification", ""),
                "actions": stakeholders.nodes[node]["actions"],
                "leads": counts["leads"][node],
                "partners": counts["partners"][node],
                "solo": counts["solo"][node],
                **metrics,
            }
        )
    organisations.sort(key=lambda o: (-o["pagerank"], o["label"]))

    def top(field_name: str, keep: Callable[[dict[str, Any]], bool] = lambda o: True) -> list[dict[str, Any]]:
        ranked = [o for o in organisations if o[field_name] > 0 and keep(o)]
        ranked.sort(key=lambda o: (-o[field_name], o["label"]))
        return [{**_short(o), field_name: o[field_name]} for o in ranked[:TOP]]

    return {
        "theme": theme,
        "assumed_roles_included": options.include_assumed,
        "approximate": scores["approximate"],
        "eigenvector_converged": scores["eigenvector_converged"],
        "nodes": stakeholders.number_of_nodes(),
        "edges": stakeholders.number_of_edges(),
        "organisations": organisations,
        "leads_most": top("leads"),
        "partners_most": top("partners"),
        "acts_alone": top("solo", lambda o: o["classification"] == "ministry"),
    }


def _short(entry: dict[str, Any]) -> dict[str, Any]:
    return {k: entry[k] for k in ("iri", "label", "abbr")}


# --------------------------------------------------------------------------- coordination gaps


def coordination_gaps(full: nx.MultiDiGraph, theme: str | None = None) -> dict[str, Any]:
    """Where coordination is thin, overall or in one theme.

    - solo_actions: actions with one lead and no partner;
    - never_lead: organisations involved in (or funding) actions but leading none;
    - unanswered_requests: motions, questions and commitments with no follow-up recorded (the
      rule of `mkbgraph.domain.follow_up`); single_action_requests: those answered by one action;
    - unused_instruments: instruments no action uses;
    - themes: per theme the articulation points and bridges of its stakeholder graph, and the
      organisations that take part in every action of the theme (`hangs_on`: the theme hangs on them).
    """
    actions = actions_in_theme(full, theme)
    in_scope = set(actions)
    solo_actions, leaders, contributors = [], set(), set()
    for action in actions:
        roles = action_organisations(full, action)
        leaders |= roles["responsible"]
        contributors |= roles["involved"] | roles["funds"]
        if is_solo(roles):
            solo_actions.append(
                {**_ref(full, action), "lead": [_ref(full, o) for o in sorted(roles["responsible"])]}
            )

    all_actions = set(nodes_of_kind(full, "action"))
    documents = set(nodes_of_kind(full, "document"))
    unanswered, single = [], []
    for kind in sorted(REQUEST_KINDS):
        for request in nodes_of_kind(full, kind):
            if theme is not None and theme not in full.nodes[request]["themes"]:
                continue
            answers = {
                s
                for s, _, d in full.in_edges(request, data=True)
                if d["relation"] in ("answers", "responds_to")
            }
            answering = sorted(answers & all_actions)
            verdict = follow_up(
                full.nodes[request].get("status") or None,
                [full.nodes[a].get("status", "") for a in answering],
                len(answers & documents),
            )
            if verdict == NO_FOLLOW_UP:  # the one rule (mkbgraph.domain.follow_up), as /motions has it
                unanswered.append(_ref(full, request))
            elif len(answering) == 1:
                single.append({**_ref(full, request), "action": _ref(full, answering[0])})

    unused = []
    for instrument in nodes_of_kind(full, "instrument"):
        if theme is not None and theme not in full.nodes[instrument]["themes"]:
            continue
        users = {s for s, _, d in full.in_edges(instrument, data=True) if d["relation"] == "uses"}
        if not users & (in_scope if theme is not None else all_actions):
            unused.append(_ref(full, instrument))

    themes = [theme] if theme is not None else nodes_of_kind(full, "theme")
    return {
        "theme": theme,
        "solo_actions": solo_actions,
        "never_lead": [_ref(full, o) for o in sorted(contributors - leaders)],
        "unanswered_requests": unanswered,
        "single_action_requests": single,
        "unused_instruments": unused,
        "themes": [theme_structure(full, t) for t in themes if t in full],
    }


def theme_structure(full: nx.MultiDiGraph, theme: str) -> dict[str, Any]:
    """Articulation points, bridges and the organisations every action of a theme depends on."""
    stakeholders = stakeholder_graph(full, theme=theme)
    actions = actions_in_theme(full, theme)
    shared: set[str] | None = None
    for action in actions:
        roles = action_organisations(full, action)
        everyone = set().union(*roles.values())
        shared = everyone if shared is None else shared & everyone
    hangs_on = sorted(shared or ()) if len(actions) >= 2 else []
    bridges = []
    for first, second in nx.bridges(stakeholders):
        a, b = sorted((first, second))
        bridges.append(
            {
                "between": [_ref(full, a), _ref(full, b)],
                "weight": stakeholders[a][b]["weight"],
                "actions": sorted(stakeholders[a][b]["actions"]),
            }
        )
    bridges.sort(key=lambda b: (b["between"][0]["label"], b["between"][1]["label"]))
    return {
        **_ref(full, theme),
        "actions": len(actions),
        "organisations": stakeholders.number_of_nodes(),
        "articulation_points": [_ref(full, n) for n in sorted(nx.articulation_points(stakeholders))],
        "bridges": bridges,
        "hangs_on": [_ref(full, n) for n in hangs_on],
    }


# --------------------------------------------------------------------------- communities


def communities(full: nx.MultiDiGraph, options: MetricOptions) -> dict[str, Any]:
    """Louvain communities of the stakeholder graph (fixed seed), largest first.

    Each community lists its members and its dominant themes: the themes of the actions its
    members take part in, counted once per action, most frequent first (top 3).
    """
    stakeholders = stakeholder_graph(full)
    found = (
        nx.community.louvain_communities(stakeholders, weight="weight", seed=options.seed)
        if stakeholders.number_of_nodes()
        else []
    )
    ordered = sorted(found, key=lambda c: (-len(c), min(c)))
    membership = {}
    described = []
    for number, members in enumerate(ordered):
        for member in members:
            membership[member] = number
        actions = {
            action
            for member in members
            for action, _, data in full.in_edges(member, data=True)
            if data["relation"] in ACTION_ROLES and full.nodes[action]["kind"] == "action"
        }
        theme_counts: Counter[str] = Counter(t for a in actions for t in full.nodes[a]["themes"])
        dominant = sorted(theme_counts.items(), key=lambda item: (-item[1], item[0]))[:3]
        sub = stakeholders.subgraph(members)
        described.append(
            {
                "id": number,
                "size": len(members),
                "internal_weight": sub.size(weight="weight"),
                "members": sorted((_ref(full, m) for m in members), key=lambda r: r["label"]),
                "dominant_themes": [{**_ref(full, t), "actions": n} for t, n in dominant if t in full],
            }
        )
    modularity = (
        nx.community.modularity(stakeholders, ordered, weight="weight")
        if stakeholders.number_of_edges()
        else 0.0
    )
    return {
        "communities": described,
        "membership": membership,
        "modularity": modularity,
        "seed": options.seed,
    }


# --------------------------------------------------------------------------- per-node figures and layout


def full_metrics(full: nx.MultiDiGraph, options: MetricOptions) -> dict[str, dict[str, Any]]:
    """Per node of the full graph: degree, PageRank, organisation betweenness and community.

    PageRank runs on the undirected full graph weighted by the number of relations between two
    nodes. Betweenness is the organisation's (stakeholder graph), 0.0 for other nodes. A node that
    is not an organisation takes the most common community of the organisations next to it
    (-1 when there is none), so an action is coloured like its lead and partners.
    """
    simple = nx.Graph()
    simple.add_nodes_from(full.nodes)
    for subject, obj in full.edges():
        if subject != obj:
            weight = simple[subject][obj]["weight"] + 1 if simple.has_edge(subject, obj) else 1
            simple.add_edge(subject, obj, weight=weight)
    pagerank = nx.pagerank(simple, weight="weight") if simple.number_of_nodes() else {}
    stakeholders = stakeholder_graph(full)
    between, _ = betweenness(stakeholders, options)
    membership = communities(full, options)["membership"]
    result = {}
    for node, data in full.nodes(data=True):
        community = membership.get(node)
        if community is None:
            near = Counter(membership[n] for n in simple.neighbors(node) if n in membership)
            community = min(near, key=lambda c: (-near[c], c)) if near else -1
        result[node] = {
            "kind": data["kind"],
            "label": data["label"],
            "degree": simple.degree(node),
            "pagerank": pagerank.get(node, 0.0),
            "betweenness": between.get(node, 0.0),
            "community": community,
        }
    return result


def compute_layout(full: nx.MultiDiGraph, options: MetricOptions) -> dict[str, tuple[float, float]]:
    """Positions in [-1, 1]² for every node of the full graph (see `network_layout`): seeded, reproducible."""
    return network_layout.compute_layout(full, options.layout_iterations, options.seed)


# --------------------------------------------------------------------------- the per-snapshot cache


@dataclass
class NetworkAnalysis:
    """Everything networkx knows about one snapshot, each figure computed on first use and kept."""

    version: str
    graph: Graph
    full: nx.MultiDiGraph
    options: MetricOptions
    _memo: dict[tuple[str, str | None], Any] = field(default_factory=dict)
    _locks: dict[tuple[str, str | None], threading.Lock] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def _once(self, name: str, arg: str | None, compute: Callable[[], Any]) -> Any:
        """Compute a figure once; concurrent askers of the same figure wait, others do not."""
        key = (name, arg)
        with self._lock:
            if key in self._memo:
                return self._memo[key]
            lock = self._locks.setdefault(key, threading.Lock())
        with lock:
            if key not in self._memo:
                self._memo[key] = compute()
            return self._memo[key]

    def key_players(self, theme: str | None = None) -> dict[str, Any]:
        """Organisation rankings overall or in one theme (theme IRI)."""
        return self._once("key_players", theme, lambda: key_players(self.full, theme, self.options))

    def gaps(self, theme: str | None = None) -> dict[str, Any]:
        """Coordination gaps overall or in one theme (theme IRI)."""
        return self._once("gaps", theme, lambda: coordination_gaps(self.full, theme))

    def communities(self) -> dict[str, Any]:
        """Louvain communities of the stakeholder graph."""
        return self._once("communities", None, lambda: communities(self.full, self.options))

    def node_metrics(self) -> dict[str, dict[str, Any]]:
        """Per node: kind, label, degree, PageRank, betweenness, community (for sizing and colour)."""
        return self._once("node_metrics", None, lambda: full_metrics(self.full, self.options))

    def layout(self) -> dict[str, tuple[float, float]]:
        """Positions of every node of the full graph."""
        return self._once("layout", None, lambda: compute_layout(self.full, self.options))

    def index(self) -> ResourceIndex:
        """The names of every node, for resolving what a person typed."""
        return self._once("index", None, lambda: ResourceIndex.build(self.graph, self.full))

    def resolve(self, name: str, kinds: frozenset[str] | None = None) -> str:
        """IRI, prefixed name, label, abbreviation or slug -> the IRI (raises `ResolveError`)."""
        return self.index().resolve(name, kinds)

    def resolve_theme(self, name: str | None) -> str | None:
        """A theme named by IRI, label, number or slug -> its IRI; None stays None."""
        return None if name is None else self.resolve(name, frozenset({"theme"}))

    def path(self, source: str, target: str, *, through_hubs: bool = False) -> dict[str, Any]:
        """The explained shortest path between two named resources (a breadth-first search: cheap)."""
        start, end = self.resolve(source), self.resolve(target)
        undirected = self._once("connections", None, lambda: connections(self.full))
        steps = explained_path(self.full, start, end, through_hubs=through_hubs, undirected=undirected)
        return {
            "from": _ref(self.full, start),
            "to": _ref(self.full, end),
            "length": len(steps),
            "through_hubs": through_hubs,
            "steps": steps,
        }


class NetworkCache:
    """Analyses keyed by (snapshot version, options); keeps the few most recent ones."""

    def __init__(self, maxsize: int = 4) -> None:
        self._entries: OrderedDict[tuple[str, MetricOptions], NetworkAnalysis] = OrderedDict()
        self._lock = threading.Lock()
        self._maxsize = maxsize

    def get(self, snapshot: Snapshot, options: MetricOptions | None = None) -> NetworkAnalysis:
        """The analysis of this snapshot, projecting the graph the first time it is asked for."""
        key = (snapshot.version, options or MetricOptions())
        with self._lock:
            if key in self._entries:
                self._entries.move_to_end(key)
                return self._entries[key]
            entry = NetworkAnalysis(
                snapshot.version, snapshot.graph, full_graph(snapshot.graph, key[1].projection()), key[1]
            )
            self._entries[key] = entry
            while len(self._entries) > self._maxsize:
                self._entries.popitem(last=False)
            return entry

    def clear(self, keep_version: str | None = None) -> None:
        """Drop every analysis except those of `keep_version`."""
        with self._lock:
            for key in [k for k in self._entries if k[0] != keep_version]:
                del self._entries[key]

    def __len__(self) -> int:
        return len(self._entries)


#: The process-wide cache the API, the CLI and the web view share.
CACHE = NetworkCache()


def attach(live: LiveGraph, cache: NetworkCache = CACHE) -> None:
    """Clear the cache of older snapshots whenever `live` loads a new one (idempotent)."""
    if not any(getattr(listener, "_network_cache", None) is cache for listener in live.listeners):

        def listener(snapshot: Snapshot) -> None:
            cache.clear(keep_version=snapshot.version)

        listener._network_cache = cache  # type: ignore[attr-defined]
        live.listeners.append(listener)


def analysis(snapshot: Snapshot, options: MetricOptions | None = None) -> NetworkAnalysis:
    """The cached analysis of a snapshot: the entry point for the API, the CLI and the web view."""
    return CACHE.get(snapshot, options)


def layout(snapshot: Snapshot, options: MetricOptions | None = None) -> dict[str, tuple[float, float]]:
    """IRI -> (x, y) in [-1, 1] for every node of the full graph, computed once per snapshot."""
    return analysis(snapshot, options).layout()


def node_metrics(snapshot: Snapshot, options: MetricOptions | None = None) -> dict[str, dict[str, Any]]:
    """IRI -> {kind, label, degree, pagerank, betweenness, community}, computed once per snapshot."""
    return analysis(snapshot, options).node_metrics()
