"""Explained paths: how two resources are connected, as a chain of labelled, sourced steps.

Resources are named the way people name them: an IRI, a prefixed name (`orgn:kvk`), a label, an
abbreviation or a slug, case-insensitively ("KVK", "Wiersma", "EZK"). `resolve` tries the exact
forms first and then words contained in a name; more than one hit is an `AmbiguousResource` that
lists the candidates, none is an `UnknownResource` that lists the closest ones.

The path is the shortest one in the full graph with direction ignored (an action points to its
organisation and to the motion it answers, and both ways count as a connection); each step says
which way the triple runs. Theme and action-line nodes are not used as stepping stones by default:
every action hangs on one, so a path through them says only "both are in the same theme".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

import networkx as nx
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDFS, SKOS

from mkbgraph.vocab import PREFIXES

#: Kinds skipped as intermediate steps unless asked for (they connect everything in a theme).
HUB_KINDS: frozenset[str] = frozenset({"theme", "action-line"})

#: Most candidates an error lists.
MAX_CANDIDATES = 20


class ResolveError(LookupError):
    """A name that does not pick out exactly one resource; `candidates` says which ones came close."""

    def __init__(self, name: str, message: str, candidates: list[dict[str, str]]) -> None:
        super().__init__(message)
        self.name = name
        self.candidates = candidates


class UnknownResource(ResolveError):
    """No resource has this IRI, label or abbreviation."""


class AmbiguousResource(ResolveError):
    """Several resources carry this name."""


class NoPath(LookupError):
    """Both resources exist but nothing connects them."""


def _fold(text: str) -> str:
    """Lower case with runs of non-alphanumerics as one space: 'KvK' ~ 'kvk', 'c.s.' ~ 'c s'."""
    return re.sub(r"[^0-9a-z\u00c0-\u024f]+", " ", text.lower()).strip()


@dataclass(frozen=True)
class ResourceIndex:
    """Every name of every node of the full graph, folded, for resolving what a person typed."""

    names: dict[str, tuple[str, ...]]
    full: nx.MultiDiGraph

    @classmethod
    def build(cls, graph: Graph, full: nx.MultiDiGraph) -> ResourceIndex:
        """Labels (prefLabel, rdfs:label, altLabel in any language), notation and the IRI's last segment."""
        names: dict[str, tuple[str, ...]] = {}
        for node in full.nodes:
            ref = URIRef(node)
            found = {_fold(full.nodes[node]["label"]), _fold(node.rstrip("/").rsplit("/", 1)[-1])}
            for predicate in (SKOS.prefLabel, RDFS.label, SKOS.altLabel, SKOS.notation):
                found.update(_fold(str(o)) for o in graph.objects(ref, predicate) if isinstance(o, Literal))
            names[node] = tuple(sorted(n for n in found if n))
        return cls(names, full)

    def _candidate(self, node: str) -> dict[str, str]:
        data = self.full.nodes[node]
        return {"iri": node, "label": data["label"], "abbr": data["abbr"], "kind": data["kind"]}

    def resolve(self, name: str, kinds: frozenset[str] | None = None) -> str:
        """The IRI of the one node called `name` (of one of `kinds`, if given).

        Raises `UnknownResource` or `AmbiguousResource`, both with the candidates.
        """
        text = name.strip()
        if not text:
            raise UnknownResource(name, "empty resource name", [])
        pool = {
            n: names
            for n, names in self.names.items()
            if kinds is None or self.full.nodes[n]["kind"] in kinds
        }
        if text in pool:
            return text
        expanded = _expand_prefixed(text)
        if expanded is not None and expanded in pool:
            return expanded
        folded = _fold(text)
        exact = sorted(n for n, names in pool.items() if folded in names)
        if len(exact) == 1:
            return exact[0]
        if exact:
            raise self._ambiguous(name, exact)
        words = folded.split()
        partial = sorted(
            node for node, names in pool.items() if all(any(w in n for n in names) for w in words)
        )
        if len(partial) == 1:
            return partial[0]
        if partial:
            raise self._ambiguous(name, partial)
        near = sorted(node for node, names in pool.items() if any(w in n for w in words for n in names))
        what = "resource" if kinds is None else "/".join(sorted(kinds))
        raise UnknownResource(
            name,
            f"no {what} is called {name!r} (tried IRI, prefixed name, label, abbreviation and slug)",
            [self._candidate(n) for n in near[:MAX_CANDIDATES]],
        )

    def _ambiguous(self, name: str, nodes: list[str]) -> AmbiguousResource:
        shown = [self._candidate(n) for n in nodes[:MAX_CANDIDATES]]
        return AmbiguousResource(
            name, f"{name!r} names {len(nodes)} resources; give its IRI or a longer name", shown
        )


def _expand_prefixed(text: str) -> str | None:
    """'orgn:kvk' -> the full IRI, when the prefix is one of the project's."""
    prefix, sep, local = text.partition(":")
    if sep and prefix in PREFIXES and not local.startswith("//"):
        return PREFIXES[prefix] + local
    return None


def connections(full: nx.MultiDiGraph) -> nx.Graph:
    """The full graph with direction and parallel edges dropped: who is next to whom."""
    undirected = nx.Graph()
    undirected.add_nodes_from(full.nodes)
    undirected.add_edges_from(full.edges())
    return undirected


def explained_path(
    full: nx.MultiDiGraph,
    source: str,
    target: str,
    *,
    through_hubs: bool = False,
    undirected: nx.Graph | None = None,
) -> list[dict[str, Any]]:
    """The shortest chain of triples from `source` to `target` (IRIs), one explained step per triple.

    Each step: `from` and `to` (IRI, label, kind), `relation`, `label` (Dutch), `predicate`,
    `direction` ("forward" when the triple is from -> to, "backward" when it is to -> from),
    `subject` and `object` of the triple as stored, and the `quote` and `section` behind it.
    `undirected` is `connections(full)` when the caller keeps one. Raises `NoPath` when nothing
    connects them.
    """
    graph = undirected if undirected is not None else connections(full)
    if not through_hubs:
        graph = nx.subgraph_view(
            graph, filter_node=lambda n: n in (source, target) or full.nodes[n]["kind"] not in HUB_KINDS
        )
    try:
        nodes = nx.shortest_path(graph, source, target)
    except nx.NetworkXNoPath as exc:
        hint = (
            ""
            if through_hubs
            else " without passing through a theme or action line (allow that with through_hubs)"
        )
        raise NoPath(f"no path between <{source}> and <{target}>{hint}") from exc
    return [_step(full, first, second) for first, second in pairwise(nodes)]


def _step(full: nx.MultiDiGraph, first: str, second: str) -> dict[str, Any]:
    """One step between adjacent nodes: the first relation by key, forward triples before backward."""
    options = [("forward", first, second, k, d) for k, d in (full.get_edge_data(first, second) or {}).items()]
    options += [
        ("backward", second, first, k, d) for k, d in (full.get_edge_data(second, first) or {}).items()
    ]
    direction, subject, obj, _, data = sorted(options, key=lambda o: (o[0] != "forward", o[3]))[0]

    def ref(node: str) -> dict[str, str]:
        return {"iri": node, "label": full.nodes[node]["label"], "kind": full.nodes[node]["kind"]}

    return {
        "from": ref(first),
        "to": ref(second),
        "relation": data["relation"],
        "label": data["label"],
        "predicate": data["predicate"],
        "direction": direction,
        "subject": subject,
        "object": obj,
        "quote": data["quote"],
        "section": data["section"],
    }


def describe_path(steps: list[dict[str, Any]]) -> str:
    """The path as readable lines: 'A —verantwoordelijke organisatie→ B' or 'A ←… B', with quotes."""
    lines = []
    for number, step in enumerate(steps, 1):
        arrow = f"—{step['label']}→" if step["direction"] == "forward" else f"←{step['label']}—"
        lines.append(f"{number}. {step['from']['label']} {arrow} {step['to']['label']}")
        if step["quote"]:
            lines.append(f"   “{step['quote']}”")
    return "\n".join(lines)
