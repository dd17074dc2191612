"""Reading the weighted lists of HTTP request headers (``Accept``, ``Accept-Language``): one reader
for the format negotiation (`mkbgraph.sparql.formats`), the page-or-RDF choice of the service pages
and the interface language. Stdlib only and outside the layers, so every layer may use it.
"""

from __future__ import annotations


def weighted(header: str | None) -> list[tuple[str, float, int]]:
    """The entries of a weighted header as (value lower-cased, quality, position).

    Empty entries are skipped; a malformed ``q`` counts as 0 (the entry is refused, never
    preferred); parameters other than ``q`` are ignored. The quality is returned as written, so a
    caller decides what an out-of-range value means.
    """
    entries = []
    for position, part in enumerate((header or "").split(",")):
        value, *params = (p.strip() for p in part.split(";"))
        if not value:
            continue
        quality = 1.0
        for param in params:
            name, _, raw = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(raw)
                except ValueError:
                    quality = 0.0
        entries.append((value.lower(), quality, position))
    return entries
