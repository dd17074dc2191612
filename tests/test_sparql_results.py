"""The SPARQL JSON results writer: byte for byte the plain ``json.dumps`` of the document, for
every kind of term (its per-term memo must not change the output)."""

from __future__ import annotations

import json
from typing import Any

import pyoxigraph as ox

from mkbgraph.sparql.worker import _json_term
from mkbgraph.sparql.worker import write_json as _write_json

XSD = "http://www.w3.org/2001/XMLSchema#"


def plain(columns: list[str], rows: list[tuple[Any, ...]]) -> bytes:
    bindings = [
        {c: _json_term(t) for c, t in zip(columns, row, strict=True) if t is not None} for row in rows
    ]
    doc = {"head": {"vars": columns}, "results": {"bindings": bindings}}
    return json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def test_json_results_equal_the_plain_encoding_for_every_kind_of_term() -> None:
    ezk = ox.NamedNode("https://w3id.org/mkbgraph/id/organisation/ezk")
    label = ox.Literal('Economische Zaken "EZK" — één\n', language="nl")
    amount = ox.Literal("12.5", datatype=ox.NamedNode(f"{XSD}decimal"))
    text = ox.Literal("plain \\ string")
    blank = ox.BlankNode("b0")
    columns = ["org", "label", "amount", "note"]
    rows = [
        (ezk, label, amount, text),
        (ezk, label, None, blank),  # the same terms again, and an unbound cell
        (None, None, None, None),
        (
            blank,
            ox.Literal("x", language="en"),
            ox.Literal("3", datatype=ox.NamedNode(f"{XSD}integer")),
            None,
        ),
    ]
    body = _write_json(columns, rows)
    assert body == plain(columns, rows)
    parsed = json.loads(body)
    assert parsed["results"]["bindings"][0]["label"] == {
        "type": "literal",
        "value": label.value,
        "xml:lang": "nl",
    }
    assert parsed["results"]["bindings"][2] == {}
    assert _write_json(["a"], []) == plain(["a"], [])
