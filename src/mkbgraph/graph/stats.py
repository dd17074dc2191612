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


def graph_stats(store: Store) -> dict[str, int]:
    """Triples and the number of resources of each kind (a subclass counts for its superclass)."""
    stats: dict[str, int] = {"triples": len(store)}
    for key, cls in COUNTED_CLASSES.items():
        query = (
            sparql_prefix_block()
            + f"SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ ?c rdfs:subClassOf* {cls} . ?s a ?c . }}"
        )
        result = store.select(query)
        count = result.rows[0][0] if result.rows else None
        stats[key] = int(count.toPython()) if isinstance(count, Literal) else 0
    return stats
