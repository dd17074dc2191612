"""Projection of the RDF graph into networkx graphs: the contract the analytics and the network view build on.

Three projections, all keyed by IRI string:

- `full_graph(graph)`: the typed multigraph. One node per resource of a known kind (see `KINDS`),
  one edge per triple whose predicate is in `RELATIONS`, directed as the triple (subject -> object),
  keyed by the relation. Node attributes: `kind`, `label` (Dutch), `abbr` (first skos:altLabel or
  ""), `themes` (sorted list of theme IRIs the node is tied to), `classification` (last segment of
  org:classification such as "ministry"; "" elsewhere). Edge attributes: `relation` (short
  key), `label` (Dutch label of the predicate from the ontology), `predicate` (IRI), and `quote` /
  `section`: one provenance excerpt of the edge's *subject* (prov:wasDerivedFrom), and `basis`:
  "stated" (the report names the role) or "assumed" (issue 12; only with
  `Projection(include_assumed=True)`, the default network shows stated roles only). Excerpts belong
  to resources, not to triples, so this is the subject's excerpt that names the object (its label
  or abbreviation) when there is one, else the subject's first excerpt in sorted order; good enough
  as "the quote behind the edge", and deterministic.
- `stakeholder_graph(graph)`: organisations linked through shared actions, `weight` = number of
  shared actions (and `actions`, their IRIs). Organisations with actions but no partner are kept as
  isolated nodes: they are the ones that act alone.
- `motion_graph(graph)`: parliamentary requests -> the actions that answer them -> the
  organisations behind those actions.

Everything is configurable through `Projection` (which kinds, which relations). Missing values are
empty strings, never None, so the graphs export to GraphML/GEXF unchanged.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import networkx as nx
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import PROV, RDF, RDFS, SKOS

from mkbgraph.domain.labels import DEFAULT_LANGUAGE, pick_label
from mkbgraph.vocab import (
    ASSUMED,
    KIND_TABLE,
    MKB,
    ORG,
    RELATION_BY_KEY,
    RELATION_TABLE,
    STATED,
    Relation,
    kind_of_iri,
)

#: rdf:type -> node kind, in the order the first matching type wins (from the one kinds table).
KIND_BY_CLASS: tuple[tuple[URIRef, str], ...] = tuple(
    (cls, kind.key) for kind in KIND_TABLE for cls in kind.classes
)

#: All node kinds the projection knows: the kinds a class makes.
KINDS: tuple[str, ...] = tuple(dict.fromkeys(kind for _, kind in KIND_BY_CLASS))

#: Predicate -> relation (from the one relations table; an assumed role is its own row, with the
#: same key as the stated one and basis "assumed").
RELATIONS: dict[URIRef, Relation] = {r.predicate: r for r in RELATION_TABLE}

#: The roles through which an organisation takes part in an action (stakeholder graph).
ACTION_ROLES: tuple[str, ...] = ("responsible", "involved", "funds")

#: Kinds of parliamentary requests (motion graph).
REQUEST_KINDS: frozenset[str] = frozenset({"motion", "request"})


@dataclass(frozen=True)
class Projection:
    """Which kinds of node and which relations the full graph keeps (None: all of them)."""

    kinds: frozenset[str] | None = None
    relations: frozenset[str] | None = None
    include_assumed: bool = False

    def __post_init__(self) -> None:
        unknown_kinds = set(self.kinds or ()) - set(KINDS)
        if unknown_kinds:
            raise ValueError(f"unknown kind(s) {sorted(unknown_kinds)}; known: {', '.join(KINDS)}")
        unknown = set(self.relations or ()) - set(RELATION_BY_KEY)
        if unknown:
            raise ValueError(f"unknown relation(s) {sorted(unknown)}; known: {', '.join(RELATION_BY_KEY)}")

    def keeps_kind(self, kind: str) -> bool:
        return self.kinds is None or kind in self.kinds

    def keeps_relation(self, relation: Relation) -> bool:
        """Kept: the relation's key is selected, and the fact is stated or assumed ones are wanted."""
        if relation.basis == ASSUMED and not self.include_assumed:
            return False
        return self.relations is None or relation.key in self.relations


# --------------------------------------------------------------------------- labels and kinds


def _literal_nl_first(values: Iterable[object]) -> str | None:
    """The @nl literal if any, else a literal without language, else any literal (sorted: stable)."""
    literals = sorted((v for v in values if isinstance(v, Literal)), key=str)
    for want in ("nl", None):
        for lit in literals:
            if lit.language == want:
                return str(lit)
    return str(literals[0]) if literals else None


def resource_label(graph: Graph, iri: URIRef, language: str = DEFAULT_LANGUAGE) -> str:
    """The label the one picker (`mkbgraph.domain.labels`) chooses, else the IRI's last segment."""
    candidates = [(str(p), o) for p in (SKOS.prefLabel, RDFS.label) for o in graph.objects(iri, p)]
    label = pick_label(candidates, language)  # type: ignore[arg-type]
    return label or str(iri).rstrip("/").rsplit("/", 1)[-1].rsplit("#", 1)[-1]


def resource_abbr(graph: Graph, iri: URIRef) -> str:
    """The first skos:altLabel (Dutch first, then sorted), or "" when there is none."""
    return _literal_nl_first(graph.objects(iri, SKOS.altLabel)) or ""


def kind_of(graph: Graph, iri: URIRef) -> str | None:
    """The node kind of a resource: from its rdf:type, else from its data IRI segment, else None."""
    types = set(graph.objects(iri, RDF.type))
    for cls, kind in KIND_BY_CLASS:
        if cls in types:
            return kind
    kind = kind_of_iri(iri)
    return kind if kind in KINDS else None


def _classification(graph: Graph, iri: URIRef) -> str:
    """The last segment of org:classification (e.g. "ministry"), or "" for unclassified resources."""
    values = sorted(str(v) for v in graph.objects(iri, ORG.classification))
    return values[0].rstrip("/").rsplit("/", 1)[-1] if values else ""


def _relation_labels(graph: Graph) -> dict[str, str]:
    """Relation key -> Dutch label of its predicate in the ontology (fallback when unlabelled)."""
    labels = {}
    for predicate, relation in RELATIONS.items():
        if relation.basis != STATED:
            continue
        nl = [
            o for o in graph.objects(predicate, RDFS.label) if isinstance(o, Literal) and o.language == "nl"
        ]
        labels[relation.key] = str(sorted(nl, key=str)[0]) if nl else relation.nl
    return labels


def excerpts(graph: Graph, iri: URIRef) -> list[tuple[str, str]]:
    """The provenance excerpts of a resource as sorted (quote, section IRI) pairs."""
    found = []
    for excerpt in graph.objects(iri, PROV.wasDerivedFrom):
        quote = graph.value(excerpt, PROV.value)
        if quote is None:
            continue
        section = graph.value(excerpt, MKB.inSection)
        found.append((str(quote), str(section) if section is not None else ""))
    return sorted(found)


def _edge_provenance(quotes: list[tuple[str, str]], object_names: Iterable[str]) -> tuple[str, str]:
    """The subject excerpt that names the object if one does, else the first; ("", "") if none."""
    if not quotes:
        return "", ""
    names = [n.lower() for n in object_names if n and len(n) > 1]
    for quote, section in quotes:
        lowered = quote.lower()
        if any(name in lowered for name in names):
            return quote, section
    return quotes[0]


# --------------------------------------------------------------------------- the full graph


def full_graph(graph: Graph, projection: Projection | None = None) -> nx.MultiDiGraph:
    """The typed multigraph of the resources and relations kept by `projection` (default: all).

    Nodes are all typed resources of the kept kinds, connected or not (an unused instrument is a
    finding, not noise); edges are the triples of the kept relations between kept nodes.
    """
    projection = projection or Projection()
    result = nx.MultiDiGraph()
    kinds: dict[URIRef, str] = {}
    for cls, kind in KIND_BY_CLASS:
        if not projection.keeps_kind(kind):
            continue
        for subject in graph.subjects(RDF.type, cls):
            if isinstance(subject, URIRef) and subject not in kinds:
                found = kind_of(graph, subject)
                if found is not None and projection.keeps_kind(found):
                    kinds[subject] = found

    relation_labels = _relation_labels(graph)
    triples: list[tuple[URIRef, Relation, URIRef]] = []
    for predicate, relation in RELATIONS.items():
        if not projection.keeps_relation(relation):
            continue
        for subject, obj in graph.subject_objects(predicate):
            if not (isinstance(subject, URIRef) and isinstance(obj, URIRef)):
                continue
            for node in (subject, obj):
                if node not in kinds:
                    found = kind_of(graph, node)
                    if found is not None and projection.keeps_kind(found):
                        kinds[node] = found
            if subject in kinds and obj in kinds:
                triples.append((subject, relation, obj))

    names: dict[URIRef, tuple[str, str]] = {}
    for node, kind in kinds.items():
        label, abbr = resource_label(graph, node), resource_abbr(graph, node)
        names[node] = (label, abbr)
        result.add_node(
            str(node),
            kind=kind,
            label=label,
            abbr=abbr,
            themes=[],
            classification=_classification(graph, node),
            status=str(graph.value(node, MKB.status) or ""),
        )

    quotes_cache: dict[URIRef, list[tuple[str, str]]] = {}
    for subject, relation, obj in sorted(triples, key=lambda t: (str(t[0]), t[1].key, str(t[2]))):
        if subject not in quotes_cache:
            quotes_cache[subject] = excerpts(graph, subject)
        quote, section = _edge_provenance(quotes_cache[subject], names[obj])
        result.add_edge(
            str(subject),
            str(obj),
            key=relation.key,
            relation=relation.key,
            label=relation_labels[relation.key],
            predicate=str(relation.predicate),
            basis=relation.basis,
            quote=quote,
            section=section,
        )
    _attach_themes(graph, result)
    return result


def _attach_themes(graph: Graph, result: nx.MultiDiGraph) -> None:
    """Fill each node's `themes`: the themes of the actions it is tied to.

    An action's themes are its mkb:theme values plus the themes above its action lines; a theme is
    tied to itself and an action line to its broader theme. Other nodes take the themes of the
    actions next to them; nodes still without a theme after that (a person who submitted a motion,
    a Kamerstuk of a motion) take the themes of their neighbours once more.
    """
    action_themes: dict[str, set[str]] = defaultdict(set)
    for action in (n for n, d in result.nodes(data=True) if d["kind"] == "action"):
        ref = URIRef(action)
        action_themes[action].update(str(t) for t in graph.objects(ref, MKB.theme))
        for line in graph.objects(ref, MKB.actionLine):
            action_themes[action].update(str(t) for t in graph.objects(line, SKOS.broader))
    themes: dict[str, set[str]] = {n: set() for n in result.nodes}
    for node, data in result.nodes(data=True):
        if data["kind"] == "theme":
            themes[node].add(node)
        elif data["kind"] == "action-line":
            themes[node].update(str(t) for t in graph.objects(URIRef(node), SKOS.broader))
        elif data["kind"] == "action":
            themes[node].update(action_themes[node])
    for action, found in action_themes.items():
        for neighbour in set(result.successors(action)) | set(result.predecessors(action)):
            if result.nodes[neighbour]["kind"] not in ("theme", "action-line", "action"):
                themes[neighbour].update(found)
    first_pass = {n: set(t) for n, t in themes.items()}
    skip = {"theme", "action-line"}
    for node in result.nodes:
        if themes[node] or result.nodes[node]["kind"] in skip:
            continue
        for neighbour in set(result.successors(node)) | set(result.predecessors(node)):
            if result.nodes[neighbour]["kind"] not in skip:
                themes[node].update(first_pass[neighbour])
    for node, found in themes.items():
        result.nodes[node]["themes"] = sorted(found)


# --------------------------------------------------------------------------- derived projections


def _action_roles(full: nx.MultiDiGraph, roles: Iterable[str]) -> dict[str, dict[str, set[str]]]:
    """Action IRI -> role -> organisation IRIs, from the full graph."""
    wanted = set(roles)
    found: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for subject, obj, data in full.edges(data=True):
        if (
            data["relation"] in wanted
            and full.nodes[subject]["kind"] == "action"
            and full.nodes[obj]["kind"] == "organisation"
        ):
            found[subject][data["relation"]].add(obj)
    return found


def stakeholder_graph(
    graph: Graph | nx.MultiDiGraph,
    *,
    theme: str | None = None,
    roles: Iterable[str] = ACTION_ROLES,
) -> nx.Graph:
    """Organisations linked through shared actions; edge `weight` = number of actions they share.

    `graph` is the RDF graph or an already projected full graph (saves projecting twice). `theme`
    (an IRI) keeps only the actions of that theme. Every organisation with at least one kept action
    is a node, so an organisation that only acts alone shows up as an isolated node. Node
    attributes: `kind`, `label`, `abbr`, `themes`, `actions` (number of kept actions).
    """
    full = graph if isinstance(graph, nx.MultiDiGraph) else full_graph(graph)
    result = nx.Graph()
    per_action = _action_roles(full, roles)
    counts: dict[str, int] = defaultdict(int)
    for action in sorted(per_action):
        if theme is not None and theme not in full.nodes[action]["themes"]:
            continue
        organisations = sorted(set().union(*per_action[action].values()))
        for org in organisations:
            counts[org] += 1
        for i, first in enumerate(organisations):
            for second in organisations[i + 1 :]:
                if result.has_edge(first, second):
                    result[first][second]["weight"] += 1
                    result[first][second]["actions"].append(action)
                else:
                    result.add_edge(first, second, weight=1, actions=[action])
    for org, count in counts.items():
        data = full.nodes[org]
        result.add_node(
            org,
            kind="organisation",
            label=data["label"],
            abbr=data["abbr"],
            themes=data["themes"],
            actions=count,
        )
    return result


def motion_graph(
    graph: Graph | nx.MultiDiGraph,
    *,
    request_kinds: Iterable[str] = REQUEST_KINDS,
    roles: Iterable[str] = ACTION_ROLES,
) -> nx.DiGraph:
    """Requests -> the actions that answer them -> the organisations behind those actions.

    Edge request -> action has relation `answered_by` (the reverse of the triple action
    mkb:answers request); edge action -> organisation keeps the role as `relation`. Every request of
    the kept kinds is a node, answered or not.
    """
    full = graph if isinstance(graph, nx.MultiDiGraph) else full_graph(graph)
    kinds = set(request_kinds)
    result = nx.DiGraph()
    for node, data in full.nodes(data=True):
        if data["kind"] in kinds:
            result.add_node(node, **data)
    wanted_roles = set(roles)
    answering: set[str] = set()
    for subject, obj, data in full.edges(data=True):
        if data["relation"] == "answers" and full.nodes[obj]["kind"] in kinds:
            result.add_node(subject, **full.nodes[subject])
            result.add_edge(
                obj,
                subject,
                relation="answered_by",
                label="uitgevoerd door actie",
                predicate=data["predicate"],
            )
            answering.add(subject)
    for subject, obj, data in full.edges(data=True):
        if subject in answering and data["relation"] in wanted_roles:
            result.add_node(obj, **full.nodes[obj])
            result.add_edge(
                subject,
                obj,
                relation=data["relation"],
                label=data["label"],
                predicate=data["predicate"],
                basis=data["basis"],
            )
    return result


def nodes_of_kind(full: nx.MultiDiGraph, kind: str) -> list[str]:
    """The IRIs of the nodes of one kind, sorted."""
    return sorted(n for n, d in full.nodes(data=True) if d["kind"] == kind)


#: Projection name -> builder from the full graph: what exports and the API offer by name.
PROJECTIONS: dict[str, Callable[[nx.MultiDiGraph], nx.Graph]] = {
    "full": lambda full: full,
    "stakeholder": stakeholder_graph,
    "motion": motion_graph,
}
