"""Counts per kind of resource, read through the store like every other question."""

from __future__ import annotations

from rdflib import Literal

from mkbgraph.graph.store import Store
from mkbgraph.vocab import sparql_prefix_block

#: stats key -> the class whose instances it counts (subclasses included via the ontology).
COUNTED_CLASSES: dict[str, str] = {
    "actions": "mkb:Action",
    "instruments": "mkb:Instrument",
    "motions": "mkb:Motion",
    "parliamentary_requests": "mkb:ParliamentaryRequest",
    "organisations": "org:Organization",
    "persons": "person:Person",
    "regional_deals": "mkb:RegionalDeal",
    "regions": "mkb:Region",
    "documents": "mkb:Document",
    "themes": "mkb:Theme",
    "action_lines": "mkb:ActionLine",
    "amounts": "mkb:MonetaryAmount",
    "quantities": "mkb:Quantity",
    "testimonials": "mkb:Testimonial",
    "excerpts": "mkb:Excerpt",
}


#: stats key -> a SELECT of one count: how roles and amounts split by basis and kind (issue 12).
COUNTED_FACTS: dict[str, str] = {
    "roles_stated": "SELECT (COUNT(DISTINCT ?r) AS ?n) WHERE { ?r a mkb:RoleStatement ; mkb:basis basis:stated }",
    "roles_assumed": "SELECT (COUNT(DISTINCT ?r) AS ?n) WHERE { ?r a mkb:RoleStatement ; mkb:basis basis:assumed }",
    "amounts_budget": "SELECT (COUNT(DISTINCT ?a) AS ?n) WHERE { ?a a mkb:MonetaryAmount ; mkb:amountKind akind:budget }",
    "amounts_other": (
        "SELECT (COUNT(DISTINCT ?a) AS ?n) WHERE { ?a a mkb:MonetaryAmount ."
        " FILTER NOT EXISTS { ?a mkb:amountKind akind:budget } }"
    ),
}


def _count(store: Store, query: str) -> int:
    result = store.select(sparql_prefix_block() + query)
    count = result.rows[0][0] if result.rows else None
    return int(count.toPython()) if isinstance(count, Literal) else 0


def graph_stats(store: Store) -> dict[str, int]:
    """Triples, the number of resources of each kind (a subclass counts for its superclass), and
    roles by basis and amounts by kind."""
    stats: dict[str, int] = {"triples": len(store)}
    for key, cls in COUNTED_CLASSES.items():
        query = (
            sparql_prefix_block()
            + f"SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ ?c rdfs:subClassOf* {cls} . ?s a ?c . }}"
        )
        stats[key] = _count(store, query.removeprefix(sparql_prefix_block()))
    for key, query in COUNTED_FACTS.items():
        stats[key] = _count(store, query)
    return stats
