"""A read-only rdflib `Graph` whose triples live in the on-disk Oxigraph store.

Why: the pages and the network projection read the graph through rdflib's pattern methods
(``objects``, ``subjects``, ``subject_objects``, ``value``), and the server used to keep an
in-memory rdflib copy of every triple for them beside the query store: about 2 KB a triple,
gigabytes at 100x the real data. This view answers the same calls from the store every query
worker already shares through the page cache, converting only the terms a caller reads.

It is read-only: `add`/`remove` raise, so nothing can drift from the files. Validation still
parses the files into a real in-memory graph (pySHACL needs one) and drops it afterwards.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.store import Store
from rdflib.term import Node

from mkbgraph.vocab import bind_prefixes

_DEFAULT = ox.DefaultGraph()


def to_rdflib(term: Any) -> Node:
    """A pyoxigraph term as the equal rdflib term (lexical forms kept); None (unbound) stays None."""
    if term is None:
        return None  # type: ignore[return-value]
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        return Literal(term.value, datatype=URIRef(term.datatype.value))
    raise TypeError(f"unsupported term {term!r}")


def to_oxigraph(term: Node | None) -> Any:
    """An rdflib term (or None, a wildcard) as the pyoxigraph term of a pattern."""
    if term is None:
        return None
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype is not None:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise TypeError(f"unsupported pattern term {term!r}")


class OxigraphView(Store):
    """rdflib's `Store` interface over the default graph of a pyoxigraph store, read-only."""

    context_aware = False
    formula_aware = False
    transaction_aware = False
    graph_aware = False

    def __init__(self, store: ox.Store, size: int) -> None:
        super().__init__()
        self._ox = store
        self._size = size
        self._namespaces: dict[str, URIRef] = {}
        self._prefixes: dict[URIRef, str] = {}

    def triples(self, triple_pattern: Any, context: Any = None) -> Iterator[Any]:
        s, p, o = triple_pattern
        if any(isinstance(t, Graph | list | tuple) for t in (s, p, o)):
            raise TypeError("path and graph patterns are not supported by the read-only view")
        try:
            # read out at once: pyoxigraph's iterator belongs to this thread, and a generator
            # left half-read (``graph.value`` takes one item) may be collected on another one
            quads = list(self._ox.quads_for_pattern(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o), _DEFAULT))
        except (TypeError, ValueError):
            return  # a term the store cannot hold (a literal in subject position): no match
        for quad in quads:
            yield (to_rdflib(quad.subject), to_rdflib(quad.predicate), to_rdflib(quad.object)), iter(())

    def __len__(self, context: Any = None) -> int:
        return self._size

    def add(self, triple: Any, context: Any = None, quoted: bool = False) -> None:
        raise TypeError("the served graph is read-only: change the data files and reload")

    def remove(self, triple: Any, context: Any = None) -> None:
        raise TypeError("the served graph is read-only: change the data files and reload")

    def bind(self, prefix: str, namespace: Any, override: bool = True) -> None:
        self._namespaces[prefix] = URIRef(namespace)
        self._prefixes[URIRef(namespace)] = prefix

    def namespace(self, prefix: str) -> URIRef | None:
        return self._namespaces.get(prefix)

    def prefix(self, namespace: Any) -> str | None:
        return self._prefixes.get(URIRef(namespace))

    def namespaces(self) -> Iterator[tuple[str, URIRef]]:
        yield from self._namespaces.items()


def graph_view(store: ox.Store, size: int) -> Graph:
    """A read-only rdflib graph over ``store``, with the project's prefixes bound."""
    graph = Graph(store=OxigraphView(store, size))
    bind_prefixes(graph)
    return graph
