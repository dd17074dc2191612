"""The analytics as flat tables, for the CSV forms of `/api/network/...` and spreadsheets.

The JSON answers are nested (a gap lists its leads, a community its members); a spreadsheet
wants one row per thing. Each function here turns one answer into rows of equal columns, and
`to_csv` writes them. Lists inside a cell are joined with `LIST_SEPARATOR` like the graph exports.
"""

from __future__ import annotations

from typing import Any

from mkbgraph.domain.csv_export import STANDARD, Column, CsvDialect, write_csv
from mkbgraph.network.export import LIST_SEPARATOR

#: The columns of the key-players table, in order.
KEY_PLAYER_COLUMNS = (
    "rank", "iri", "label", "abbr", "classification", "actions", "leads", "partners", "solo",
    "degree", "weighted_degree", "betweenness", "pagerank", "eigenvector", "betweenness_approximate",
)  # fmt: skip
GAP_COLUMNS = ("gap", "theme", "iri", "label", "kind", "related_iris", "related_labels")
COMMUNITY_COLUMNS = ("community", "size", "iri", "label", "abbr", "dominant_themes")


def key_player_rows(players: dict[str, Any]) -> list[dict[str, Any]]:
    """One row per organisation, in the answer's order (PageRank, highest first)."""
    return [
        {
            "rank": rank,
            **{c: o.get(c, "") for c in KEY_PLAYER_COLUMNS if c in o},
            "eigenvector": "" if o["eigenvector"] is None else o["eigenvector"],
            "betweenness_approximate": players["approximate"],
        }
        for rank, o in enumerate(players["organisations"], start=1)
    ]


def _gap(gap: str, theme: str | None, ref: dict[str, Any], related: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "gap": gap,
        "theme": theme or "",
        "iri": ref["iri"],
        "label": ref["label"],
        "kind": ref["kind"],
        "related_iris": LIST_SEPARATOR.join(r["iri"] for r in related),
        "related_labels": "; ".join(r["label"] for r in related),
    }


def gap_rows(gaps: dict[str, Any]) -> list[dict[str, Any]]:
    """One row per gap: the resource it is about and the resources that explain it.

    gap is one of solo_action (related: its lead), never_lead, unanswered_request,
    single_action_request (related: the action), unused_instrument, articulation_point,
    bridge (related: the other end) and hangs_on; the last three carry their theme.
    """
    theme = gaps["theme"]
    rows = [_gap("solo_action", theme, a, a["lead"]) for a in gaps["solo_actions"]]
    rows += [_gap("never_lead", theme, o, []) for o in gaps["never_lead"]]
    rows += [_gap("unanswered_request", theme, r, []) for r in gaps["unanswered_requests"]]
    rows += [_gap("single_action_request", theme, r, [r["action"]]) for r in gaps["single_action_requests"]]
    rows += [_gap("unused_instrument", theme, i, []) for i in gaps["unused_instruments"]]
    for structure in gaps["themes"]:
        here = structure["iri"]
        rows += [_gap("articulation_point", here, o, []) for o in structure["articulation_points"]]
        rows += [_gap("bridge", here, b["between"][0], [b["between"][1]]) for b in structure["bridges"]]
        rows += [_gap("hangs_on", here, o, []) for o in structure["hangs_on"]]
    return rows


def community_rows(found: dict[str, Any]) -> list[dict[str, Any]]:
    """One row per member of each community, largest community first."""
    return [
        {
            "community": community["id"],
            "size": community["size"],
            "iri": member["iri"],
            "label": member["label"],
            "abbr": member["abbr"],
            "dominant_themes": LIST_SEPARATOR.join(t["iri"] for t in community["dominant_themes"]),
        }
        for community in found["communities"]
        for member in community["members"]
    ]


#: Column key -> (Dutch header, English header) of the tables people open in a spreadsheet.
HEADERS: dict[str, tuple[str, str]] = {
    "rank": ("Positie", "Rank"),
    "iri": ("Adres (IRI)", "Address (IRI)"),
    "label": ("Naam", "Name"),
    "abbr": ("Afkorting", "Abbreviation"),
    "classification": ("Soort organisatie", "Kind of organisation"),
    "actions": ("Acties", "Actions"),
    "leads": ("Trekt", "Leads"),
    "partners": ("Partner bij", "Partner in"),
    "solo": ("Alleen getrokken", "Led alone"),
    "degree": ("Verbindingen", "Degree"),
    "weighted_degree": ("Gedeelde acties (gewogen)", "Weighted degree"),
    "betweenness": ("Tussenpositie (betweenness)", "Betweenness"),
    "pagerank": ("PageRank", "PageRank"),
    "eigenvector": ("Eigenvectorcentraliteit", "Eigenvector centrality"),
    "betweenness_approximate": ("Tussenpositie geschat", "Betweenness approximate"),
    "gap": ("Soort gat", "Gap"),
    "theme": ("Thema", "Theme"),
    "kind": ("Soort", "Kind"),
    "related_iris": ("Verwante adressen (IRI)", "Related addresses (IRI)"),
    "related_labels": ("Verwante namen", "Related names"),
    "community": ("Gemeenschap", "Community"),
    "size": ("Omvang", "Size"),
    "dominant_themes": ("Belangrijkste thema's", "Dominant themes"),
}


def to_csv(
    rows: list[dict[str, Any]], columns: tuple[str, ...], dialect: CsvDialect = STANDARD, language: str = "nl"
) -> bytes:
    """The rows as CSV through the one writer (`mkbgraph.domain.csv_export`): readable headers,
    a header only when there are no rows; ``dialect`` EXCEL_NL for Excel with Dutch settings."""
    unknown = {key for row in rows for key in row} - set(columns)
    if unknown:
        raise ValueError(f"rows have columns the table does not: {sorted(unknown)}")
    table = tuple(Column(c, *HEADERS.get(c, (c, c))) for c in columns)
    return write_csv(rows, table, dialect, language)
