"""What counts as money of the plan, and how to count each euro once. One rule, used everywhere.

The report gives budgets, but also realised spending, co-financing by others, loan and guarantee
volumes, tax relief and parameters (ceilings, thresholds, amounts per unit); it repeats amounts,
splits totals into parts and revises them. A sum of "budget per theme" that adds all of these
counts euros twice or counts money that is not the plan's. The rule:

- only amounts of kind ``akind:budget`` count;
- an amount another one supersedes (``mkb:supersedes``) does not count;
- a total that is completely split into parts (``mkb:splitComplete``) counts through its parts,
  which carry their own payer and year;
- any other part (``mkb:partOf``) does not count: its euros are inside a total that does.

The four budget-* canned queries carry the same rule as a SPARQL block (between
``counted-budgets:begin`` and ``counted-budgets:end``); a test checks each against
`counted_budgets`, so the queries, the API and this module cannot drift apart.
"""

from __future__ import annotations

from decimal import Decimal

from rdflib import Graph, Literal, URIRef

from mkbgraph.vocab import MKB, SCHEMA

#: The amount kind that is money of the plan.
BUDGET = URIRef(f"{MKB}amount-kind/budget")


def counted_budgets(graph: Graph) -> dict[URIRef, Decimal]:
    """amount IRI -> value in euros, for the amounts that budget sums count (each euro once)."""
    superseded = set(graph.objects(None, MKB.supersedes))
    split = {a for a, v in graph.subject_objects(MKB.splitComplete) if v == Literal(True)}
    counted: dict[URIRef, Decimal] = {}
    for amount in graph.subjects(MKB.amountKind, BUDGET):
        if not isinstance(amount, URIRef) or amount in superseded or amount in split:
            continue
        wholes = set(graph.objects(amount, MKB.partOf))
        if wholes and not wholes & split:
            continue
        value = graph.value(amount, SCHEMA.value)
        if value is not None:
            counted[amount] = Decimal(str(value))
    return counted


def grand_total(graph: Graph) -> dict[URIRef, Decimal]:
    """time basis IRI -> the sum of the counted budgets of that basis (total, per year, structural)."""
    totals: dict[URIRef, Decimal] = {}
    for amount, value in counted_budgets(graph).items():
        basis = graph.value(amount, MKB.timeBasis)
        key = basis if isinstance(basis, URIRef) else MKB.unspecified
        totals[key] = totals.get(key, Decimal(0)) + value
    return totals
